"""Cross-validation by article id: the harness every detector's evaluation uses.

Folds group articles by id, across corpora: the PTC-2020 articles reuse the ids of the English SemEval-2023
articles (the same texts), so one id is never on both the training and the test side. `cross_validate` fits a
fresh detector per fold and returns annotated copies of the held-out articles, in input order, so the metrics in
`spinscope.evaluation.metrics` can be computed on the union of the folds.
"""

from __future__ import annotations

import copy
import random
from collections import Counter
from typing import Callable, Hashable, Sequence

from ..detectors.base import Detector
from ..errors import InputError
from ..segment import segment
from ..types import Article

Stratify = Sequence[Hashable] | Callable[[Article], Hashable] | str | None


def _group_keys(articles: Sequence[Article]) -> list[str]:
    # an article without an id is its own group
    return [a.id if a.id else f"\0no-id-{i}" for i, a in enumerate(articles)]


def _labels(articles: Sequence[Article], stratify: Stratify) -> list[Hashable]:
    if stratify is None:
        return [None] * len(articles)
    if isinstance(stratify, str):  # a gold field, e.g. "genre"
        return [a.gold.get(stratify) for a in articles]
    if callable(stratify):
        return [stratify(a) for a in articles]
    labels = list(stratify)
    if len(labels) != len(articles):
        raise InputError(f"stratify has {len(labels)} labels for {len(articles)} articles")
    return labels


def article_folds(articles: Sequence[Article], n_folds: int = 5, seed: int = 0,
                  stratify: Stratify = None) -> list[tuple[list[int], list[int]]]:
    """Split article indices into `n_folds` (train, test) pairs; every index is in exactly one test set and all
    articles sharing an id are on the same side.

    Groups (ids) are shuffled with `seed` and dealt round-robin to the folds, so fold sizes differ by at most one
    group. `stratify` (a gold field name such as "genre", a function of the article, or one label per article)
    deals each label's groups in turn, continuing the round-robin, so every fold gets a near-equal share of each
    label; a group's label is the most common non-None label among its articles (ties: the first seen).
    Deterministic.
    """
    if n_folds < 2:
        raise InputError("cross-validation needs at least 2 folds")
    keys = _group_keys(articles)
    labels = _labels(articles, stratify)
    members: dict[str, list[int]] = {}
    for index, key in enumerate(keys):
        members.setdefault(key, []).append(index)
    if len(members) < n_folds:
        raise InputError(f"cannot make {n_folds} folds from {len(members)} distinct article ids")

    group_label: dict[str, Hashable] = {}
    for key, indices in members.items():
        # unlabelled members (e.g. the PTC copy of a SemEval article) do not vote; most_common is stable, so
        # ties go to the label seen first
        votes = Counter(labels[i] for i in indices if labels[i] is not None)
        group_label[key] = votes.most_common(1)[0][0] if votes else None
    by_label: dict[str, list[str]] = {}
    for key in members:  # first-seen order of labels and groups, then a seeded shuffle: deterministic
        by_label.setdefault(repr(group_label[key]), []).append(key)
    rng = random.Random(seed)
    fold_of: dict[str, int] = {}
    position = 0
    for label_key in sorted(by_label):
        groups = by_label[label_key]
        rng.shuffle(groups)
        for key in groups:
            fold_of[key] = position % n_folds
            position += 1

    folds = []
    for fold in range(n_folds):
        test = [i for i, key in enumerate(keys) if fold_of[key] == fold]
        train = [i for i, key in enumerate(keys) if fold_of[key] != fold]
        folds.append((train, test))
    return folds


def _clear_predictions(article: Article) -> Article:
    article.spans = []
    article.genre = None
    article.frames = []
    article.score = {}
    article.paragraphs = []
    article.sentences = []
    return article


def _run_fold(make_detector: Callable[[], Detector], train: list[Article],
              test: list[Article]) -> list[Article]:
    detector = make_detector()
    # copies, so that whatever fit() does to its input cannot reach the caller's articles or the test side
    training = [copy.deepcopy(a) for a in train]
    for article in training:
        if not article.paragraphs:
            segment(article)
    detector.fit(training)
    annotated = []
    for original in test:
        article = segment(_clear_predictions(copy.deepcopy(original)))
        result = detector.annotate(article)
        annotated.append(result if result is not None else article)
    return annotated


def cross_validate(make_detector: Callable[[], Detector], articles: Sequence[Article], n_folds: int = 5,
                   seed: int = 0, n_jobs: int = 1, stratify: Stratify = None) -> list[Article]:
    """Out-of-fold predictions: for each fold, `make_detector()` is fitted on (copies of) the training articles
    and annotates deep copies of the held-out ones, which are segmented first and start without predictions
    (spans, genre, frames, score cleared; gold kept). Returns the copies in the order of `articles`.

    `n_jobs` > 1 runs folds in parallel processes (joblib); `make_detector` may then be a lambda (cloudpickle).
    """
    folds = article_folds(articles, n_folds=n_folds, seed=seed, stratify=stratify)
    jobs = [([articles[i] for i in train], [articles[i] for i in test]) for train, test in folds]
    if n_jobs == 1:
        outputs = [_run_fold(make_detector, train, test) for train, test in jobs]
    else:
        from joblib import Parallel, delayed

        outputs = Parallel(n_jobs=n_jobs)(delayed(_run_fold)(make_detector, train, test) for train, test in jobs)
    result: list[Article | None] = [None] * len(articles)
    for (_, test_indices), annotated in zip(folds, outputs):
        for index, article in zip(test_indices, annotated):
            result[index] = article
    return result  # type: ignore[return-value]
