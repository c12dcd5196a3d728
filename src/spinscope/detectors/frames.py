"""Frames of an article (SemEval-2023 Task 3 subtask 2): which of the 14 framing dimensions it uses.

One binary logistic regression per frame over word (and optionally character) n-gram TF-IDF. Each frame has
its own decision threshold, chosen on inner cross-validation folds of the training data only (coordinate ascent
on micro-F1 over out-of-fold probabilities), so the thresholds never see the articles they are evaluated on.

Paragraph attribution: the same linear model scores every paragraph's share of the article's evidence (the
paragraph's TF-IDF terms, normalised by the whole article's vector length, times the frame's weights); for
each predicted frame the strongest paragraph is listed, with up to two more that carry at least half as much.

With `embedding_weight > 0`, a language that has static word vectors (`static_vectors.py`) also gets the
article's IDF-weighted mean word vector, standardised, as a dense block after the n-grams (English: +0.015 micro-F1
in cross-validation, `experiments/embeddings/RESULTS.md`). Paragraph attribution reads the n-gram evidence only.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy import sparse

from ..errors import ModelError
from ..taxonomy import FRAME_NAMES
from ..types import Article
from .article_features import (Standardiser, article_lookup, article_text, check_weight_shape, ensure_segmented,
                               group_by_language, load_bundles, pick_model, save_bundles, short_text_warning,
                               tfidf_rows, typical_min_words)
from . import static_vectors
from .base import Detector, undone_on_failure
from .features import TfidfNgrams
from .static_vectors import StaticVectors

THRESHOLD_GRID = np.round(np.arange(0.05, 0.96, 0.025), 3)


def micro_f1_counts(gold: np.ndarray, predicted: np.ndarray) -> float:
    true_positive = float((gold & predicted).sum())
    denominator = float(gold.sum() + predicted.sum())
    return 2 * true_positive / denominator if denominator else 0.0


def tune_thresholds(gold: np.ndarray, probabilities: np.ndarray, passes: int = 2) -> np.ndarray:
    """Per-frame thresholds maximising micro-F1 over all (article, frame) pairs, by coordinate ascent."""
    gold = gold.astype(bool)
    start = max(THRESHOLD_GRID, key=lambda t: micro_f1_counts(gold, probabilities >= t))
    thresholds = np.full(probabilities.shape[1], start)
    for _ in range(passes):
        for frame in range(probabilities.shape[1]):
            best, best_score = thresholds[frame], -1.0
            for candidate in THRESHOLD_GRID:
                thresholds[frame] = candidate
                score = micro_f1_counts(gold, probabilities >= thresholds)
                if score > best_score + 1e-12:
                    best, best_score = candidate, score
            thresholds[frame] = best
    return thresholds


def _stratification_keys(gold: np.ndarray, n_folds: int) -> list[str]:
    """Stratify multi-label articles by their rarest frame."""
    frequency = gold.sum(axis=0)
    keys = []
    for row in gold:
        present = np.flatnonzero(row)
        keys.append(str(present[np.argmin(frequency[present])]) if len(present) else "none")
    counts = {k: keys.count(k) for k in set(keys)}
    keys = [k if counts[k] >= n_folds else "rare" for k in keys]
    if 0 < keys.count("rare") < n_folds:  # too few rare ones for a stratum of their own: join the largest
        # sorted: with a tie, the choice must not depend on string hashing (it differs per process)
        largest = max(sorted(set(keys) - {"rare"}), key=keys.count, default="rare")
        keys = [largest if k == "rare" else k for k in keys]
    return keys


class _Embedding:
    """The dense block of a frame model: an article's static-vector embedding, standardised, times a weight."""

    def __init__(self, vectors: StaticVectors, weight: float, standardiser: Standardiser | None = None):
        self.vectors, self.weight = vectors, weight
        self.standardiser = standardiser or Standardiser()

    def fit_transform(self, texts: list[str]) -> np.ndarray:
        raw = self.vectors.embed(texts)
        return self.standardiser.fit(raw).transform(raw) * self.weight

    def transform(self, texts: list[str]) -> np.ndarray:
        return self.standardiser.transform(self.vectors.embed(texts)) * self.weight

    def arrays(self) -> dict[str, np.ndarray]:
        return {"embedding_weight": np.asarray([self.weight]), "embedding_mean": self.standardiser.mean,
                "embedding_scale": self.standardiser.scale}


class _FrameModel:
    """One language's model: n-gram TF-IDF (+ an optional embedding block, its weights last) -> one logistic
    regression per frame, with per-frame thresholds."""

    def __init__(self, vectorizers: dict[str, TfidfNgrams], coef: np.ndarray, intercept: np.ndarray,
                 thresholds: np.ndarray, embedding: _Embedding | None = None):
        self.vectorizers = vectorizers
        self.coef = coef
        self.intercept = intercept
        self.thresholds = thresholds
        self.embedding = embedding
        self.min_words: float | None = None  # 1st percentile of the training articles' length (older models: none)

    def _embedding_logits(self, texts: list[str]) -> np.ndarray | float:
        if self.embedding is None:
            return 0.0
        return self.embedding.transform(texts) @ self.coef[:, -self.embedding.vectors.dimensions:].T

    def weight_blocks(self) -> list[np.ndarray]:
        """Per vectoriser, its (terms x frames) weights, contiguous: a strided view would be copied on every
        sparse product."""
        blocks = self.__dict__.get("_blocks")
        if blocks is None:
            blocks, width = [], 0
            for vectorizer in self.vectorizers.values():
                size = len(vectorizer.vocabulary_)
                blocks.append(np.ascontiguousarray(self.coef[:, width:width + size].T))
                width += size
            self.__dict__["_blocks"] = blocks
        return blocks

    def probabilities(self, texts: list[str]) -> np.ndarray:
        """From raw texts (training: thresholds on inner folds)."""
        logits = np.tile(self.intercept, (len(texts), 1)) + self._embedding_logits(texts)
        for vectorizer, weights in zip(self.vectorizers.values(), self.weight_blocks()):
            logits += np.asarray(tfidf_rows(vectorizer, texts) @ weights)
        return 1.0 / (1.0 + np.exp(-logits))

    def article_probabilities(self, article: Article) -> np.ndarray:
        """From a segmented article's shared n-gram look-up (`article_features.article_lookup`): same numbers."""
        logits = np.array(self.intercept, dtype=np.float64)
        if self.embedding is not None:
            logits = logits + self._embedding_logits([article_text(article)])[0]
        for vectorizer, weights in zip(self.vectorizers.values(), self.weight_blocks()):
            logits = logits + article_lookup(vectorizer, article).dot(weights)
        return 1.0 / (1.0 + np.exp(-logits))

    def bundle(self):
        arrays = {"coef": self.coef.astype(np.float16), "intercept": self.intercept, "thresholds": self.thresholds}
        if self.min_words is not None:
            arrays["min_words"] = np.array([self.min_words])
        return self.vectorizers, {**arrays, **(self.embedding.arrays() if self.embedding else {})}

    @classmethod
    def from_bundle(cls, bundle, vectors: StaticVectors | None) -> "_FrameModel":
        vectorizers, arrays = bundle
        embedding = None
        if "embedding_weight" in arrays:
            if vectors is None:
                raise ValueError("this frames model needs static word vectors, which are missing")
            embedding = _Embedding(vectors, float(arrays["embedding_weight"][0]),
                                   Standardiser(arrays["embedding_mean"], arrays["embedding_scale"]))
        model = cls(vectorizers, arrays["coef"].astype(np.float64), arrays["intercept"], arrays["thresholds"],
                    embedding)
        model.min_words = float(arrays["min_words"][0]) if "min_words" in arrays else None
        check_weight_shape(model.coef, len(FRAME_NAMES), vectorizers,
                           dense=embedding.vectors.dimensions if embedding else 0)
        return model


class FrameDetector(Detector):
    """Writes `article.frames = [{"frame", "probability", "paragraphs": [line, ...]}]` for frames it finds."""

    name = "frames"

    def __init__(self, C: float = 3.0, word_max_features: int = 30000, char_max_features: int = 0,
                 class_weight: str | None = "balanced", threshold_folds: int = 3, at_least_one: bool = True,
                 max_paragraphs: int = 3, per_language: bool = True, languages: Sequence[str] | None = None,
                 embedding_weight: float = 0.03, static_vectors: str | None = None, seed: int = 0):
        self.C = C
        self.word_max_features = word_max_features
        self.char_max_features = char_max_features
        self.class_weight = class_weight
        self.threshold_folds = threshold_folds  # inner folds for threshold choice; < 2 keeps 0.5 everywhere
        self.at_least_one = at_least_one  # every news article uses some frame: keep the likeliest if none passes
        self.max_paragraphs = max_paragraphs
        self.per_language = per_language  # one model per language, or one pooled model
        self.languages = languages  # train on these languages only (None = all)
        # > 0 adds the static-vector embedding block for languages that have vectors (None = the packaged ones)
        self.embedding_weight = embedding_weight
        self.static_vectors = static_vectors
        self.seed = seed

    def _vectors(self, key: str) -> StaticVectors | None:
        return static_vectors.load_for_language(self.static_vectors, key)

    # learning ---------------------------------------------------------------------------------------------
    def _new_vectorizers(self) -> dict[str, TfidfNgrams]:
        vectorizers = {}
        if self.word_max_features:
            vectorizers["word"] = TfidfNgrams("word", (1, 2), max_features=self.word_max_features)
        if self.char_max_features:
            vectorizers["char"] = TfidfNgrams("char_wb", (3, 5), max_features=self.char_max_features)
        return vectorizers

    def _fit_linear(self, texts: list[str], gold: np.ndarray, vectors: StaticVectors | None) -> _FrameModel:
        from sklearn.linear_model import LogisticRegression

        vectorizers = self._new_vectorizers()
        blocks = [v.fit(texts).transform(texts) for v in vectorizers.values()]
        embedding = _Embedding(vectors, self.embedding_weight) if vectors is not None else None
        if embedding is not None:
            blocks.append(sparse.csr_matrix(embedding.fit_transform(texts)))
        matrix = sparse.hstack(blocks, format="csr")
        coef = np.zeros((len(FRAME_NAMES), matrix.shape[1]))
        intercept = np.zeros(len(FRAME_NAMES))
        for frame in range(len(FRAME_NAMES)):
            target = gold[:, frame]
            if target.min() == target.max():  # never (or always) present: constant prediction
                intercept[frame] = 30.0 if target[0] else -30.0
                continue
            model = LogisticRegression(C=self.C, class_weight=self.class_weight, solver="liblinear",
                                       max_iter=2000, random_state=self.seed)
            model.fit(matrix, target)
            coef[frame], intercept[frame] = model.coef_[0], model.intercept_[0]
        # weights are kept (and stored) in half precision: the model file halves, predictions move by ~1e-3
        coef = coef.astype(np.float16).astype(np.float64)
        return _FrameModel(vectorizers, coef, intercept, np.full(len(FRAME_NAMES), 0.5), embedding)

    def _fit_one(self, articles: list[Article], vectors: StaticVectors | None) -> tuple[_FrameModel, float]:
        from sklearn.model_selection import StratifiedKFold

        texts = [article_text(a) for a in articles]
        gold = np.array([[frame in a.gold["frames"] for frame in FRAME_NAMES] for a in articles], dtype=int)
        thresholds, inner_score = np.full(len(FRAME_NAMES), 0.5), float("nan")
        if self.threshold_folds >= 2 and len(articles) >= 2 * self.threshold_folds:
            out_of_fold = np.zeros(gold.shape)
            keys = _stratification_keys(gold, self.threshold_folds)
            splitter = StratifiedKFold(self.threshold_folds, shuffle=True, random_state=self.seed)
            for inner_train, inner_val in splitter.split(np.zeros(len(keys)), keys):
                fitted = self._fit_linear([texts[i] for i in inner_train], gold[inner_train], vectors)
                out_of_fold[inner_val] = fitted.probabilities([texts[i] for i in inner_val])
            thresholds = tune_thresholds(gold, out_of_fold)
            inner_score = micro_f1_counts(gold.astype(bool), out_of_fold >= thresholds)
        model = self._fit_linear(texts, gold, vectors)
        model.thresholds = thresholds
        model.min_words = typical_min_words(articles)
        return model, inner_score

    @undone_on_failure
    def fit(self, articles: list[Article], **kwargs) -> "FrameDetector":
        languages = list(self.languages) if self.languages else None
        labelled = [a for a in articles if "frames" in a.gold and (not languages or a.language in languages)]
        if not labelled:
            raise ModelError("no articles with gold frames to learn from")
        groups = group_by_language(labelled, self.per_language)
        self.models_, inner = {}, {}
        for key, group in sorted(groups.items()):
            vectors = self._vectors(key) if self.embedding_weight > 0 else None
            self.models_[key], inner[key] = self._fit_one(group, vectors)
        self.languages_ = sorted({a.language for a in labelled if a.language})
        self.metadata_ = {
            "training_articles": len(labelled), "languages": self.languages_,
            "inner_cv_micro_f1": {k: round(v, 4) for k, v in inner.items()},
            "thresholds": {k: dict(zip(FRAME_NAMES, m.thresholds.round(3).tolist())) for k, m in self.models_.items()},
            "embedding_languages": sorted(k for k, m in self.models_.items() if m.embedding is not None),
        }
        self.version_ = f"frames-linear-{len(labelled)}"
        return self

    # use ---------------------------------------------------------------------------------------------------
    def predict_proba(self, articles: Sequence[Article]) -> np.ndarray:
        self._check_fitted()
        result = np.zeros((len(articles), len(FRAME_NAMES)))
        for i, article in enumerate(articles):
            ensure_segmented(article)
            result[i] = pick_model(self.models_, article.language).article_probabilities(article)
        return result

    def decide(self, probabilities: np.ndarray, articles: Sequence[Article]) -> np.ndarray:
        """Boolean (articles x frames) matrix of the frames judged present."""
        self._check_fitted()
        thresholds = np.array([pick_model(self.models_, a.language).thresholds for a in articles])
        present = probabilities >= thresholds.reshape(probabilities.shape)
        if self.at_least_one and len(probabilities):
            empty = ~present.any(axis=1)
            present[empty, probabilities[empty].argmax(axis=1)] = True
        return present

    def paragraph_evidence(self, article: Article) -> np.ndarray:
        """(paragraphs x frames) share of the article's linear score that each paragraph's words contribute."""
        self._check_fitted()
        if not article.paragraphs:
            return np.zeros((0, len(FRAME_NAMES)))
        model = pick_model(self.models_, article.language)
        evidence = np.zeros((len(article.paragraphs), len(FRAME_NAMES)))
        for vectorizer, weights in zip(model.vectorizers.values(), model.weight_blocks()):
            lookup = article_lookup(vectorizer, article)
            # divide by the whole article's vector length, as the article-level prediction does
            evidence += np.asarray(lookup.paragraph_rows() @ weights) / (lookup.norm or 1.0)
        return evidence

    def annotate(self, article: Article) -> Article:
        self._check_fitted()
        if not article.text.strip():
            article.frames = []
            return article
        ensure_segmented(article)
        probabilities = self.predict_proba([article])
        present = self.decide(probabilities, [article])[0]
        evidence = self.paragraph_evidence(article)
        frames = []
        for index in np.flatnonzero(present):
            lines = []
            if len(evidence):
                column = evidence[:, index]
                order = np.argsort(-column, kind="stable")[: self.max_paragraphs]
                # the strongest paragraph and those carrying at least half as much evidence as it
                floor = max(column[order[0]] * 0.5, 1e-12)
                lines = sorted(article.paragraphs[i].line for i in order if column[i] >= floor)
            frames.append({"frame": FRAME_NAMES[index], "probability": round(float(probabilities[0, index]), 4),
                           "paragraphs": lines})
        article.frames = sorted(frames, key=lambda f: (-f["probability"], f["frame"]))
        short_text_warning(article, "frames", pick_model(self.models_, article.language).min_words)
        return article

    # persistence -------------------------------------------------------------------------------------------
    def _save_weights(self, directory: Path) -> None:
        save_bundles(directory, {key: model.bundle() for key, model in self.models_.items()},
                     {"languages": self.languages_, "frames": list(FRAME_NAMES)})

    def _load_weights(self, directory: Path) -> None:
        bundles, state = load_bundles(directory)
        if state.get("frames") != list(FRAME_NAMES):
            raise ValueError("model frames differ from the official frame list")
        self.models_ = {key: _FrameModel.from_bundle(bundle, self._vectors(key) if "embedding_weight" in bundle[1]
                                                     else None) for key, bundle in bundles.items()}
        self.languages_ = state.get("languages") or []


def train(articles: list[Article], **params) -> FrameDetector:
    """Fit a `FrameDetector` on the articles that have gold frames."""
    return FrameDetector(**params).fit(articles)
