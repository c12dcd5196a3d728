"""Shared helpers for the article-level experiments (genre, frames, score): corpus loading, folds, metrics.

Metrics are computed here only until `spinscope.evaluation.metrics` exists; they follow the official SemEval-2023
scorers: subtask 1 = macro-F1 over the three genres, subtask 2 = micro-F1 over (article, frame) pairs.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import numpy as np

from spinscope.data import LANGUAGES, load_semeval2023
from spinscope.segment import segment
from spinscope.taxonomy import FRAME_NAMES, GENRES

DATA = Path(os.environ.get("SPINSCOPE_SEMEVAL", Path(__file__).resolve().parents[3] / "shared/data/semeval2023"))


@functools.lru_cache(maxsize=None)
def load(language: str):
    articles = load_semeval2023(DATA / language)
    for article in articles:
        segment(article)
    return tuple(articles)


def load_all(languages=LANGUAGES):
    return {lang: list(load(lang)) for lang in languages}


def genre_folds(articles, n_folds: int, seed: int):
    """Stratified article folds (each article is its own group)."""
    from sklearn.model_selection import StratifiedKFold

    labels = [a.gold["genre"] for a in articles]
    splitter = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(labels)), labels))


def frame_folds(articles, n_folds: int, seed: int):
    """Multi-label stratification: each article is stratified by its rarest frame (as FrameDetector does)."""
    from sklearn.model_selection import StratifiedKFold

    from spinscope.detectors.frames import _stratification_keys

    gold = np.array([[f in a.gold["frames"] for f in FRAME_NAMES] for a in articles], dtype=int)
    keys = _stratification_keys(gold, n_folds)
    splitter = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(keys)), keys))


def macro_f1(gold, predicted, balanced: bool = False) -> float:
    """Official subtask-1 macro-F1; `balanced=True` reweights samples so every class weighs the same
    (a proxy for a test set whose genre mix differs from training)."""
    from sklearn.metrics import f1_score

    weights = None
    if balanced:
        counts = {g: gold.count(g) for g in set(gold)}
        weights = [len(gold) / (len(counts) * counts[g]) for g in gold]
    return float(f1_score(gold, predicted, labels=list(GENRES), average="macro", sample_weight=weights,
                          zero_division=0))


def per_class_f1(gold, predicted):
    from sklearn.metrics import f1_score

    return dict(zip(GENRES, f1_score(gold, predicted, labels=list(GENRES), average=None, zero_division=0).round(3)))


def micro_f1(gold_sets, predicted_sets) -> float:
    """Official subtask-2 micro-F1 over (article, frame) pairs."""
    tp = sum(len(set(g) & set(p)) for g, p in zip(gold_sets, predicted_sets))
    n_pred = sum(len(set(p)) for p in predicted_sets)
    n_gold = sum(len(set(g)) for g in gold_sets)
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def log(*parts):
    print(*parts, flush=True)
    sys.stdout.flush()
