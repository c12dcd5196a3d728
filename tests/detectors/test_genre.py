"""GenreDetector: learns an obvious pattern from a tiny invented corpus, saves/loads exactly, and the shipped
model gives valid output."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from spinscope.detectors import load_detector
from spinscope.detectors.genre import (STYLE_FEATURES, TECHNIQUE_FEATURES, GenreDetector,
                                       style_features, technique_features, train)
from spinscope.errors import ModelError
from spinscope.segment import segment
from spinscope.settings import PACKAGED_MODELS
from spinscope.taxonomy import GENRES
from spinscope.types import Article

PLACES = ["Lyon", "Oslo", "Denver", "Perth", "Kyoto", "Quito", "Tunis", "Graz"]
TOPICS = ["bridge", "budget", "school", "harbour", "railway", "hospital", "library", "tax"]


def _reporting(rng: random.Random) -> str:
    place, topic = rng.choice(PLACES), rng.choice(TOPICS)
    return (f"Council approves {topic} plan\n\n"
            f"{place.upper()} - The city council on Tuesday approved the {topic} plan by {rng.randint(10, 40)} "
            f"votes to {rng.randint(1, 9)}, officials said.\n"
            f"\"We expect work to start in {rng.choice(['March', 'May', 'June'])},\" a spokesman told reporters, "
            f"according to a statement.\n"
            f"The project will cost {rng.randint(2, 90)} million euros, the ministry said on Wednesday.\n")


def _opinion(rng: random.Random) -> str:
    topic = rng.choice(TOPICS)
    return (f"Why I think the {topic} plan is a mistake\n\n"
            f"I have watched this {topic} debate for years and I believe we must stop it now.\n"
            f"You should ask yourself who benefits; my answer is simple: not you and not me.\n"
            f"We deserve better, and our leaders must listen to us before it is too late.\n")


def _satire(rng: random.Random) -> str:
    topic = rng.choice(TOPICS)
    return (f"Local man declares himself emperor of the {topic}!\n\n"
            f"Sources confirm the {topic} has been crowned, wearing a tiny hat!!!\n"
            f"Area residents wonder: is the {topic} smarter than the council? Probably! Obviously!\n"
            f"LOL. The emperor refused to comment, citing a busy nap schedule!\n")


def _corpus(n: int, seed: int) -> list[Article]:
    rng = random.Random(seed)
    articles = []
    for k in range(n):
        for genre, make in (("reporting", _reporting), ("opinion", _opinion), ("satire", _satire)):
            articles.append(Article(text=make(rng), id=f"{genre}{k}", language="en", gold={"genre": genre}))
    return articles


@pytest.fixture(scope="module")
def fitted() -> GenreDetector:
    return train(_corpus(8, seed=1), word_max_features=500)


def test_learns_an_obvious_pattern(fitted):
    unseen = _corpus(3, seed=99)
    for article in unseen:
        fitted.annotate(article)
        assert article.genre["label"] == article.gold["genre"], article.text
        assert sum(article.genre["probabilities"].values()) == pytest.approx(1.0, abs=1e-3)
        assert set(article.genre["probabilities"]) == set(GENRES)


def test_style_features_capture_person_quotes_and_attribution():
    rng = random.Random(0)
    reporting = segment(Article(text=_reporting(rng), language="en"))
    opinion = segment(Article(text=_opinion(rng), language="en"))
    rep, opi = style_features(reporting), style_features(opinion)
    index = {name: i for i, name in enumerate(STYLE_FEATURES)}
    assert rep[index["attribution_per_sentence"]] > opi[index["attribution_per_sentence"]]
    assert opi[index["first_person_rate"]] > rep[index["first_person_rate"]]
    assert opi[index["second_person_rate"]] > rep[index["second_person_rate"]]
    assert rep[index["dateline"]] == 1.0 and opi[index["dateline"]] == 0.0
    assert len(rep) == len(STYLE_FEATURES) and np.isfinite(rep).all()


def test_technique_features_are_optional():
    article = segment(Article(text="Title\nA paragraph.\nAnother one.", language="en"))
    assert not technique_features(article).any()  # no technique scores: a zero block, not an error
    article.paragraphs[1].technique_scores = {"Loaded_Language": 0.8}
    values = technique_features(article)
    assert values[len(TECHNIQUE_FEATURES) - 1] == 1.0  # "present" flag
    assert values[len(TECHNIQUE_FEATURES) - 2] == pytest.approx(1 / 3)  # share of paragraphs above 0.5


def test_technique_block_used_when_enabled():
    corpus = _corpus(6, seed=3)
    for article in corpus:  # opinion articles get high technique scores, the others none
        segment(article)
        for paragraph in article.paragraphs:
            paragraph.technique_scores = {"Loaded_Language": 0.9 if article.gold["genre"] == "opinion" else 0.0}
    detector = train(corpus, technique_weight=1.0, word_max_features=0)
    assert detector.models_["en"].standardiser.mean.shape == (len(STYLE_FEATURES) + len(TECHNIQUE_FEATURES),)
    fresh = segment(Article(text=_opinion(random.Random(5)), language="en"))
    assert detector.annotate(fresh).genre["label"] in GENRES  # works without technique scores too


def test_save_load_round_trip_is_identical(fitted, tmp_path: Path):
    fitted.save(tmp_path / "genre")
    loaded = load_detector(tmp_path / "genre")
    assert isinstance(loaded, GenreDetector)
    articles = _corpus(2, seed=7)
    np.testing.assert_allclose(loaded.predict_proba(articles), fitted.predict_proba(articles), rtol=1e-5, atol=1e-6)
    assert not list((tmp_path / "genre").glob("*.pkl"))


def test_tfidf_rows_match_the_shared_vectoriser():
    from spinscope.detectors.article_features import tfidf_rows
    from spinscope.detectors.features import TfidfNgrams

    texts = [a.text for a in _corpus(3, seed=2)]
    vectorizer = TfidfNgrams("word", (1, 2), min_df=1, max_features=200).fit(texts)
    np.testing.assert_allclose(tfidf_rows(vectorizer, texts).toarray(), vectorizer.transform(texts).toarray(),
                               atol=1e-6)


TRICKY = "Title: it's here!\n\n  First line, two words.\n—\nWhy? Because I said so…\r\nLast one"


@pytest.mark.parametrize("text", [TRICKY, "One two three.\nthree four\n\nfour five five!", "single paragraph"])
@pytest.mark.parametrize("analyzer", ["word", "char_wb"])
def test_one_look_up_gives_the_article_row_and_paragraph_rows_exactly(text, analyzer):
    from spinscope.detectors.article_features import article_lookup, clear_caches
    from spinscope.detectors.features import TfidfNgrams

    article = segment(Article(text=text, language="en"))
    ngrams = (1, 2) if analyzer == "word" else (2, 4)
    # fitted on other text too, so some of the article's n-grams are out of vocabulary
    vectorizer = TfidfNgrams(analyzer, ngrams, min_df=1).fit([text, "three four and more words here"])
    vectorizer.keep_columns(np.arange(0, len(vectorizer.vocabulary_), 2))
    clear_caches()
    lookup = article_lookup(vectorizer, article)
    np.testing.assert_allclose(lookup.row().toarray(), vectorizer.transform([text]).toarray(), atol=1e-6)
    paragraphs = [text[p.start:p.end] for p in article.paragraphs]
    raw = vectorizer.weight(vectorizer.counts(paragraphs)).toarray()  # l2-normalised per paragraph
    rows = lookup.paragraph_rows().toarray()
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    np.testing.assert_allclose(rows / np.where(norms > 0, norms, 1), raw, atol=1e-6)
    weights = np.random.default_rng(0).normal(size=(len(vectorizer.vocabulary_), 3))
    np.testing.assert_allclose(lookup.dot(weights), (vectorizer.transform([text]) @ weights)[0], atol=1e-6)
    assert article_lookup(vectorizer, article) is lookup  # cached for the next reader


def test_vectorisers_reading_the_same_articles_share_one_exact_look_up():
    from spinscope.detectors import article_features
    from spinscope.detectors.features import TfidfNgrams

    texts = [a.text for a in _corpus(4, seed=3)]
    small = TfidfNgrams("word", (1, 2), min_df=1, max_features=60).fit(texts)
    large = TfidfNgrams("word", (1, 2), min_df=1, max_features=400).fit(texts[1:])
    chars = TfidfNgrams("char_wb", (2, 3), min_df=1, max_features=300).fit(texts)
    for _ in range(2):  # the second round reads through the tables built in the first
        for text in texts:
            article = segment(Article(text=text, language="en"))
            article_features.clear_caches()
            for vectorizer in (small, large, chars):
                lookup = article_features.article_lookup(vectorizer, article)
                np.testing.assert_allclose(lookup.row().toarray(), vectorizer.transform([text]).toarray(), atol=1e-6)
    table = article_features._JOINT_OF[id(small)]
    assert article_features._JOINT_OF[id(large)] is table and len(table.state[0]) >= len(large.vocabulary_)
    small.keep_columns(np.arange(0, len(small.vocabulary_), 3))  # a changed vocabulary is registered again
    article = segment(Article(text=texts[0], language="en"))
    np.testing.assert_allclose(article_features.article_lookup(small, article).row().toarray(),
                               small.transform([texts[0]]).toarray(), atol=1e-6)


def test_the_look_up_cache_does_not_mix_vocabularies():
    from spinscope.detectors.article_features import article_lookup
    from spinscope.detectors.features import TfidfNgrams

    article = segment(Article(text=TRICKY, language="en"))
    first = TfidfNgrams("word", (1, 2), min_df=1).fit([TRICKY])
    second = TfidfNgrams("word", (1, 2), min_df=1).fit(["here it is"])
    assert len(article_lookup(first, article).columns) > len(article_lookup(second, article).columns) > 0


def test_fit_without_labels_is_a_clear_error():
    with pytest.raises(ModelError, match="gold genre"):
        GenreDetector().fit([Article(text="no label here")])


def test_empty_article_gets_no_genre(fitted):
    assert fitted.annotate(Article(text="  ")).genre is None


def test_shipped_model_gives_valid_output():
    directory = PACKAGED_MODELS / "genre"
    if not (directory / "params.json").exists():
        pytest.skip("no shipped genre model yet")
    detector = load_detector(directory)
    article = segment(Article(text=_reporting(random.Random(4)), language="en"))
    detector.annotate(article)
    assert article.genre["label"] in GENRES
    assert sum(article.genre["probabilities"].values()) == pytest.approx(1.0, abs=1e-3)
    assert "cv" in detector.metadata_ and "command" in detector.metadata_


def test_article_path_matches_the_stacked_training_features(fitted):
    from spinscope.detectors.article_features import clear_caches

    articles = _corpus(2, seed=17)
    model = fitted.models_["en"]
    clear_caches()
    dense = fitted._dense(articles)
    logits = np.asarray(model.features(dense, [a.text for a in articles]) @ model.coef.T) + model.intercept
    expected = np.exp(logits - logits.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(fitted.predict_proba(articles), expected, atol=1e-9)
