"""FrameDetector: learns obvious frame vocabulary from a tiny invented corpus, points at the right paragraphs,
saves/loads exactly, tunes thresholds without the evaluation data, and the shipped model gives valid output."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from spinscope.detectors import load_detector
from spinscope.detectors.frames import FrameDetector, train, tune_thresholds
from spinscope.errors import ModelError
from spinscope.segment import segment
from spinscope.settings import PACKAGED_MODELS
from spinscope.taxonomy import FRAME_NAMES
from spinscope.types import Article

VOCABULARY = {
    "Economic": ["economy", "market", "jobs", "prices", "inflation", "salaries", "investors", "tax"],
    "Legality_Constitutionality_and_jurisprudence": ["court", "judge", "constitution", "ruling", "lawyers",
                                                     "appeal", "statute", "verdict"],
    "Security_and_defense": ["army", "missile", "troops", "border", "defence", "soldiers", "drones", "attack"],
}
FILLER = ["the", "a", "people", "said", "today", "city", "new", "report", "week", "officials"]


def _paragraph(rng: random.Random, frame: str | None) -> str:
    words = rng.sample(FILLER, 6) + (rng.sample(VOCABULARY[frame], 4) if frame else [])
    rng.shuffle(words)
    return " ".join(words).capitalize() + "."


def _article(rng: random.Random, frames: list[str], ident: str) -> Article:
    lines = ["A headline about the week"] + [_paragraph(rng, None)] + [_paragraph(rng, f) for f in frames]
    return Article(text="\n".join(lines), id=ident, language="en", gold={"frames": list(frames)})


def _corpus(n: int, seed: int) -> list[Article]:
    rng = random.Random(seed)
    names = list(VOCABULARY)
    articles = []
    for k in range(n):
        chosen = [f for f in names if rng.random() < 0.5] or [rng.choice(names)]
        articles.append(_article(rng, chosen, f"a{k}"))
    return articles


@pytest.fixture(scope="module")
def fitted() -> FrameDetector:
    return train(_corpus(40, seed=1), word_max_features=300, C=10.0)


def test_learns_obvious_frames_and_their_paragraphs(fitted):
    rng = random.Random(123)
    article = _article(rng, ["Economic", "Security_and_defense"], "new")
    fitted.annotate(article)
    found = {f["frame"]: f for f in article.frames}
    assert set(found) == {"Economic", "Security_and_defense"}
    # line 1 title, line 2 filler, line 3 economic paragraph, line 4 security paragraph
    assert found["Economic"]["paragraphs"][0] == 3 or 3 in found["Economic"]["paragraphs"]
    assert 4 in found["Security_and_defense"]["paragraphs"]
    assert 4 not in found["Economic"]["paragraphs"]
    probabilities = [f["probability"] for f in article.frames]
    assert probabilities == sorted(probabilities, reverse=True)


def test_output_is_valid(fitted):
    for article in _corpus(5, seed=8):
        fitted.annotate(article)
        lines = {p.line for p in article.paragraphs}
        assert article.frames, "at least one frame is always given"
        for entry in article.frames:
            assert entry["frame"] in FRAME_NAMES
            assert 0.0 <= entry["probability"] <= 1.0
            assert set(entry["paragraphs"]) <= lines


def test_thresholds_come_from_training_data_only(fitted):
    assert fitted.models_["en"].thresholds.shape == (len(FRAME_NAMES),)
    # frames never seen in training stay out: their constant model predicts ~0
    article = _article(random.Random(5), ["Economic"], "x")
    fitted.annotate(article)
    assert "Morality" not in {f["frame"] for f in article.frames}


def test_tune_thresholds_finds_the_separating_cut():
    gold = np.array([[1, 0], [1, 1], [0, 1], [0, 0]])
    probabilities = np.array([[0.8, 0.1], [0.7, 0.35], [0.2, 0.3], [0.1, 0.05]])
    thresholds = tune_thresholds(gold, probabilities)
    assert ((probabilities >= thresholds) == gold.astype(bool)).all()


def test_save_load_round_trip_is_identical(fitted, tmp_path: Path):
    fitted.save(tmp_path / "frames")
    loaded = load_detector(tmp_path / "frames")
    assert isinstance(loaded, FrameDetector)
    articles = _corpus(4, seed=3)
    np.testing.assert_allclose(loaded.predict_proba(articles), fitted.predict_proba(articles), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(loaded.models_["en"].thresholds, fitted.models_["en"].thresholds)
    first, second = _corpus(1, seed=4)[0], _corpus(1, seed=4)[0]
    assert loaded.annotate(first).frames == fitted.annotate(second).frames


def test_unsegmented_and_empty_articles(fitted):
    assert fitted.annotate(Article(text="")).frames == []
    article = Article(text="Markets fell.\nJobs and prices and inflation and tax worry investors.")
    fitted.annotate(article)
    assert article.paragraphs, "annotate segments an article that was not segmented"


def test_fit_without_labels_is_a_clear_error():
    with pytest.raises(ModelError, match="gold frames"):
        FrameDetector().fit([Article(text="nothing")])


def test_shipped_model_gives_valid_output():
    directory = PACKAGED_MODELS / "frames"
    if not (directory / "params.json").exists():
        pytest.skip("no shipped frames model yet")
    detector = load_detector(directory)
    article = segment(_article(random.Random(2), ["Economic"], "s"))
    detector.annotate(article)
    lines = {p.line for p in article.paragraphs}
    assert article.frames
    for entry in article.frames:
        assert entry["frame"] in FRAME_NAMES and set(entry["paragraphs"]) <= lines
    assert "cv" in detector.metadata_ and "command" in detector.metadata_


def test_article_path_matches_the_training_path_and_evidence_adds_up(fitted):
    """Analysis reads one shared look-up per article; it must give the numbers of the plain TF-IDF path used in
    training, and each frame's paragraph evidence must add up to the article's linear n-gram score when no n-gram
    crosses a paragraph break (one word per line)."""
    from spinscope.detectors.article_features import clear_caches

    articles = _corpus(6, seed=21)
    model = fitted.models_["en"]
    clear_caches()
    np.testing.assert_allclose(fitted.predict_proba(articles), model.probabilities([a.text for a in articles]),
                               atol=1e-9)
    article = segment(Article(text="Markets\n\nmarket\n\nprices\ntroops", language="en"))
    evidence = fitted.paragraph_evidence(article)
    logits = np.log(fitted.predict_proba([article])[0]) - np.log1p(-fitted.predict_proba([article])[0])
    # the embedding block (static word vectors) is article-level: it is not shared out to paragraphs
    from spinscope.detectors.article_features import article_text
    dense = model._embedding_logits([article_text(article)])
    dense = dense[0] if model.embedding is not None else 0.0
    np.testing.assert_allclose(evidence.sum(axis=0), logits - model.intercept - dense, atol=1e-6)
