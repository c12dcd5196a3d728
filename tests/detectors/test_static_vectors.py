"""StaticVectors: IDF-weighted unit-length text vectors, an int8 round trip that keeps them, and their use as a
dense block by the technique and frame detectors (fitted with a tiny invented vector table, saved, reloaded)."""

from __future__ import annotations

import math
import random
from pathlib import Path

import numpy as np
import pytest

from spinscope.detectors import load_detector
from spinscope.detectors.frames import FrameDetector
from spinscope.detectors.static_vectors import StaticVectors, corpus_words, load_for_language
from spinscope.detectors.techniques import TechniqueDetector
from spinscope.errors import ModelError
from spinscope.segment import segment
from spinscope.types import Article

from .test_frames import _corpus as frame_corpus
from .test_techniques import _article as technique_article


def _table(words: list[str], seed: int = 0) -> StaticVectors:
    rng = np.random.default_rng(seed)
    return StaticVectors(words, rng.normal(size=(len(words), 8)).astype(np.float32),
                         np.linspace(1.0, 2.0, len(words)), {"language": "en"})


def test_text_vector_is_the_idf_weighted_mean_of_known_words_at_unit_length():
    table = _table(["alpha", "beta", "gamma"])
    got = table.embed(["Alpha beta BETA unknown", "nothing known here", ""])
    weights = np.array([1.0 * table.idf[0], (1 + math.log(2)) * table.idf[1]])
    expected = weights @ table.vectors[:2]
    assert np.allclose(got[0], expected / np.linalg.norm(expected), atol=1e-6)
    assert np.allclose(got[1:], 0.0)  # no known word: a zero row, not NaN
    assert table.embed([]).shape == (0, 8)


def test_save_load_round_trip_keeps_the_vectors(tmp_path):
    table = _table([f"w{i}" for i in range(50)], seed=3)
    table.save(tmp_path / "en")
    loaded = StaticVectors.load(tmp_path / "en")
    assert loaded.index == table.index and loaded.params == table.params
    texts = ["w1 w2 w3 w3", "w10 w40 w49"]
    # int8 storage: text vectors agree to about 1 %
    assert np.abs(loaded.embed(texts) - table.embed(texts)).max() < 0.02
    (tmp_path / "en" / "vectors.npz").write_bytes(b"not a zip")
    with pytest.raises(ModelError):
        StaticVectors.load(tmp_path / "en")


def test_corpus_words_keeps_words_by_document_frequency():
    words, idf = corpus_words(["a b b", "b c", "c d"], min_df=2)
    assert words == ["b", "c"]
    assert np.allclose(idf, [math.log(4 / 3) + 1] * 2)


def _vector_folder(tmp_path: Path, words: list[str]) -> Path:
    root = tmp_path / "vectors"
    _table(sorted(set(words)), seed=5).save(root / "en")
    return root


def _small_technique_detector(tmp_path: Path, seed: int, n: int, **params) -> tuple[TechniqueDetector, Path]:
    """A technique detector fitted on invented articles with a vector table holding their words."""
    rng = random.Random(seed)
    corpus = [technique_article(i, rng) for i in range(n)]
    root = _vector_folder(tmp_path, [w for a in corpus for w in a.text.lower().split()])
    detector = TechniqueDetector(min_positives=3, inner_folds=2, max_word_features=400, max_char_features=400,
                                 span_tagger=False, static_vectors=str(root), seed=1, **params)
    return detector.fit(corpus), root


def test_technique_detector_uses_vectors_and_needs_them_after_saving(tmp_path):
    detector, root = _small_technique_detector(tmp_path, 7, 24, embedding_weight=1.0, embedding_sentences=False)
    model = detector.models_["en"]
    assert model.vectors is not None and model.embedding_weight == 1.0
    # the paragraph weights have one row per n-gram, style cue and vector dimension
    assert model.paragraph_coef.shape[0] == model.sentence_coef.shape[0] + 8
    detector.save(tmp_path / "techniques")
    loaded = load_detector(tmp_path / "techniques")
    text = "Headline\nThe outrageous plan of the so-called experts.\nThe shop opens at nine."
    a = detector.annotate(segment(Article(text=text, language="en")))
    b = loaded.annotate(segment(Article(text=text, language="en")))
    assert [p.techniques for p in a.paragraphs] == [p.techniques for p in b.paragraphs]
    assert np.allclose([p.technique_scores["Loaded_Language"] for p in a.paragraphs],
                       [p.technique_scores["Loaded_Language"] for p in b.paragraphs], atol=5e-3)
    load_for_language.cache_clear()
    (root / "en" / "params.json").unlink()
    with pytest.raises(ModelError):
        load_detector(tmp_path / "techniques").annotate(segment(Article(text=text, language="en")))
    load_for_language.cache_clear()


def test_sentence_rows_get_their_own_embedding(tmp_path):
    detector, _ = _small_technique_detector(tmp_path, 10, 16, embedding_weight=0.5, embedding_sentences=True)
    model = detector.models_["en"]
    style_and_ngrams = model.paragraph_coef.shape[0] - 8
    assert model.embedding_sentences and model.sentence_coef.shape[0] == style_and_ngrams + 8


def test_without_vectors_for_a_language_the_technique_model_is_sparse_only(tmp_path):
    rng = random.Random(8)
    corpus = [technique_article(i, rng) for i in range(16)]
    detector = TechniqueDetector(min_positives=3, inner_folds=2, max_word_features=300, max_char_features=300,
                                 span_tagger=False, embedding_weight=1.0, static_vectors=str(tmp_path / "none"))
    model = detector.fit(corpus).models_["en"]
    assert model.vectors is None and model.paragraph_coef.shape[0] == model.sentence_coef.shape[0]


def test_frame_detector_embedding_block_round_trip(tmp_path):
    corpus = frame_corpus(40, seed=1)
    root = _vector_folder(tmp_path, [w.strip(".").lower() for a in corpus for w in a.text.split()])
    detector = FrameDetector(word_max_features=300, C=10.0, embedding_weight=0.5, static_vectors=str(root))
    detector.fit(corpus)
    assert detector.metadata_["embedding_languages"] == ["en"]
    plain = FrameDetector(word_max_features=300, C=10.0).fit(corpus)
    probe = [segment(a) for a in frame_corpus(6, seed=9)]
    with_vectors = detector.predict_proba(probe)
    assert not np.allclose(with_vectors, plain.predict_proba(probe))  # the block changes the scores
    detector.save(tmp_path / "frames")
    reloaded = load_detector(tmp_path / "frames")
    assert np.allclose(reloaded.predict_proba(probe), with_vectors, atol=2e-3)
    # the article-level path (shared n-gram look-up) and the raw-text path agree
    model = detector.models_["en"]
    from spinscope.detectors.article_features import article_text
    assert np.allclose(model.probabilities([article_text(a) for a in probe]), with_vectors, atol=1e-9)


def test_shipped_vectors_load_and_embed():
    vectors = load_for_language(None, "en")
    if vectors is None:
        pytest.skip("no packaged English word vectors")
    assert vectors.dimensions == 384 and len(vectors.index) > 10000
    a, b, c = vectors.embed(["The army fired missiles at the border.", "Troops and soldiers attacked.",
                             "Inflation and prices hit the stock market."])
    assert a @ b > a @ c  # related meaning lies closer


def test_word_classes_group_similar_vectors_and_survive_saving(tmp_path):
    rng = np.random.default_rng(1)
    centres = rng.normal(size=(2, 8)) * 5
    words = [f"a{i}" for i in range(20)] + [f"b{i}" for i in range(20)]
    vectors = np.vstack([centres[0] + rng.normal(size=(20, 8)) * 0.1, centres[1] + rng.normal(size=(20, 8)) * 0.1])
    table = StaticVectors(words, vectors, np.ones(40), {"language": "en"}).fit_classes((2, 4, 1000))
    assert table.params["class_sizes"] == [2, 4]  # a size above the vocabulary is dropped
    classes = table.word_classes()
    assert classes["a3"][0] == classes["a17"][0] != classes["b5"][0]
    table.save(tmp_path / "en")
    assert StaticVectors.load(tmp_path / "en").word_classes() == classes


def test_tagger_features_carry_the_word_classes():
    from spinscope.detectors.span_tagger import sentence_features, tokenize

    text = "Shameful lies again"
    tokens = tokenize(text, 0, len(text))
    rows = sentence_features(text, tokens, (), {"shameful": ["c2=1", "c8=5"], "again": ["c2=0", "c8=3"]})
    assert {"c2=1", "c8=5"} <= set(rows[0]) and not any(a.startswith("R") for a in rows[0][-3:])  # "lies": no class
    assert "Lc8=5" in rows[1] and "Rc8=3" in rows[1] and "c8=3" in rows[2]
    assert sentence_features(text, tokens) != rows  # without classes, none of these attributes


def test_technique_tagger_with_word_classes_round_trip(tmp_path):
    rng = random.Random(9)
    corpus = [technique_article(i, rng) for i in range(24)]
    root = tmp_path / "vectors"
    words = sorted({w.strip(".,'").lower() for a in corpus for w in a.text.split()})
    _table(words, seed=2).fit_classes((2, 4)).save(root / "en")
    detector = TechniqueDetector(min_positives=3, inner_folds=2, max_word_features=500, max_char_features=500,
                                 embedding_weight=0.0, tagger_word_classes=True, static_vectors=str(root),
                                 seed=1).fit(corpus)
    model = detector.models_["en"]
    assert model.tagger_word_classes and model.embedding_weight == 0 and model.tagger is not None
    detector.save(tmp_path / "techniques")
    text = "Headline\nThe outrageous plan of the so-called experts.\nThe shop opens at nine."
    a = detector.annotate(segment(Article(text=text, language="en")))
    b = load_detector(tmp_path / "techniques").annotate(segment(Article(text=text, language="en")))
    assert [(s.start, s.end, s.technique) for s in a.spans] == [(s.start, s.end, s.technique) for s in b.spans]
    load_for_language.cache_clear()
