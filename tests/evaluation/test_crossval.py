"""Article-grouped cross-validation: no id ever on both sides, deterministic folds, clean annotated copies."""

from __future__ import annotations

from collections import Counter

import pytest

from spinscope.data import load_ptc2020, load_semeval2023
from spinscope.detectors.base import Detector
from spinscope.errors import InputError
from spinscope.evaluation.crossval import article_folds, cross_validate
from spinscope.evaluation.metrics import technique_scores_from_articles
from spinscope.types import Article


class TrainIdsDetector(Detector):
    """Marks every paragraph with one technique and records which ids it was trained on."""

    name = "train-ids"

    def __init__(self, technique: str = "Loaded_Language"):
        self.technique = technique

    def fit(self, articles, **kwargs):
        self.train_ids_ = sorted({a.id for a in articles})
        self.trained_on_segmented_ = all(a.paragraphs for a in articles)
        articles[0].genre = {"label": "satire"}  # must not reach the caller's articles
        return self

    def annotate(self, article):
        assert article.paragraphs, "annotate() must get a segmented article"
        for paragraph in article.paragraphs:
            paragraph.techniques = [self.technique]
        article.models[self.name] = ",".join(self.train_ids_)
        return article


def _corpus() -> list[Article]:
    """Twelve ids; ids 0-3 appear twice (like PTC-2020 and SemEval-2023 sharing an article)."""
    articles = []
    for i in range(12):
        genre = "satire" if i % 4 == 0 else "opinion"
        text = f"Headline {i}\n\nA first paragraph of article {i}.\nA second one."
        articles.append(Article(text=text, id=str(100 + i), gold={"genre": genre, "paragraphs": {1: [], 3: [], 4: []}}))
    for i in range(4):
        articles.append(Article(text=f"Copy of {i}\nmore", id=str(100 + i), gold={"spans": []}))
    return articles


def test_folds_partition_and_group_by_id():
    articles = _corpus()
    folds = article_folds(articles, n_folds=4, seed=1)
    tested = sorted(i for _, test in folds for i in test)
    assert tested == list(range(len(articles)))
    for train, test in folds:
        assert not {articles[i].id for i in train} & {articles[i].id for i in test}
        assert sorted(train + test) == list(range(len(articles)))
    assert [len({articles[i].id for i in test}) for _, test in folds] == [3, 3, 3, 3]


def test_folds_are_deterministic_and_depend_on_seed():
    articles = _corpus()
    assert article_folds(articles, 3, seed=5) == article_folds(articles, 3, seed=5)
    assert any(article_folds(articles, 3, seed=s) != article_folds(articles, 3, seed=5) for s in range(5))


def test_stratified_folds_balance_labels():
    articles = _corpus()[:12]  # 3 satire, 9 opinion
    folds = article_folds(articles, n_folds=3, seed=0, stratify="genre")
    assert [Counter(articles[i].gold["genre"] for i in test)["satire"] for _, test in folds] == [1, 1, 1]
    # the unlabelled copies of ids 100-103 follow their labelled twin: satire (100) stays balanced
    corpus = _corpus()
    with_copies = corpus[12:] + corpus[:12]  # unlabelled copies first
    folds_with_copies = article_folds(with_copies, n_folds=3, seed=0, stratify="genre")
    assert [Counter(with_copies[i].gold.get("genre") for i in test)["satire"] for _, test in folds_with_copies] \
        == [1, 1, 1]
    by_function = article_folds(articles, n_folds=3, seed=0, stratify=lambda a: a.gold["genre"])
    by_list = article_folds(articles, n_folds=3, seed=0, stratify=[a.gold["genre"] for a in articles])
    assert by_function == by_list == folds


def test_fold_errors():
    articles = _corpus()
    with pytest.raises(InputError):
        article_folds(articles, n_folds=1)
    with pytest.raises(InputError):
        article_folds(articles, n_folds=13)  # only 12 distinct ids
    with pytest.raises(InputError):
        article_folds(articles, n_folds=2, stratify=["a"])


def test_cross_validate_never_leaks_ids_and_returns_clean_copies():
    articles = _corpus()
    articles[0].genre = {"label": "opinion"}  # a stale prediction must not survive into the output
    before = [(a.id, a.text, dict(a.gold), a.genre, list(a.paragraphs)) for a in articles]
    predicted = cross_validate(TrainIdsDetector, articles, n_folds=4, seed=2)
    assert len(predicted) == len(articles)
    for original, result in zip(articles, predicted):
        assert result is not original and result.id == original.id and result.gold == original.gold
        assert original.id not in result.models["train-ids"].split(",")
        assert result.genre is None
        assert result.paragraphs and all(p.techniques == ["Loaded_Language"] for p in result.paragraphs)
    assert [(a.id, a.text, dict(a.gold), a.genre, list(a.paragraphs)) for a in articles] == before
    assert predicted == cross_validate(TrainIdsDetector, articles, n_folds=4, seed=2)
    # the held-out predictions are scoreable as one set: rows 1, 3, 4 of the 12 labelled articles
    assert technique_scores_from_articles(predicted)["n"] == 36


def test_fit_gets_segmented_copies():
    seen = []

    class Spy(TrainIdsDetector):
        def fit(self, articles, **kwargs):
            seen.append(all(a.paragraphs for a in articles))
            return super().fit(articles)

    cross_validate(Spy, _corpus(), n_folds=2)
    assert seen == [True, True]


def test_real_corpora_share_ids_and_never_straddle_folds(semeval_dir, ptc_dir):
    articles = load_semeval2023(semeval_dir / "en") + load_ptc2020(ptc_dir)
    counts = Counter(a.id for a in articles)
    assert any(n > 1 for n in counts.values()), "expected PTC-2020 and SemEval-2023 to share ids"
    for train, test in article_folds(articles, n_folds=5, seed=0):
        assert not {articles[i].id for i in train} & {articles[i].id for i in test}
