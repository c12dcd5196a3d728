"""TechniqueDetector: learns an obvious pattern, round-trips through save/load, keeps offsets exact, and the
shipped model loads and predicts."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest

from spinscope.detectors.base import load_detector
from spinscope.errors import ModelError
from spinscope.detectors.techniques import TechniqueDetector, best_f1_threshold, train
from spinscope.segment import segment
from spinscope.taxonomy import BY_NAME, TECHNIQUE_NAMES
from spinscope.types import Article

SHIPPED = Path(__file__).resolve().parents[2] / "src" / "spinscope" / "models" / "techniques"

NEUTRAL = [
    "The council met on Tuesday to discuss the budget for the coming year.",
    "Officials said the new bridge would open to traffic in the spring.",
    "The report lists the number of buses running on each route.",
    "Residents can collect the forms at the town hall until Friday.",
    "The museum will extend its opening hours during the summer.",
    "Rainfall in October was close to the long-term average.",
]
LOADED = [
    "The mayor's disgraceful, outrageous plan shocked everyone.",
    "This outrageous and disgraceful decision is a disaster.",
    "Critics called the disgraceful scheme an outrageous waste.",
]
LABELS = [
    "Those so-called experts are nothing but clowns.",
    "The clowns in parliament, so-called experts, voted again.",
    "Once more the so-called experts behaved like clowns.",
]


def _article(index: int, rng: random.Random) -> Article:
    """Five paragraphs: neutral ones, and a loaded-language or a name-calling one with gold spans."""
    lines, spans, labels = [f"Local news item {index}"], [], {1: []}
    text = lines[0]
    for line_no in range(2, 7):
        kind = rng.choice(["neutral", "neutral", "loaded", "label"])
        sentence = rng.choice({"neutral": NEUTRAL, "loaded": LOADED, "label": LABELS}[kind])
        start = len(text) + 1
        text += "\n" + sentence
        if kind == "loaded":
            word = "outrageous"
            at = start + sentence.index(word)
            spans.append(("Loaded_Language", at, at + len(word)))
            labels[line_no] = ["Loaded_Language"]
        elif kind == "label":
            phrase = "so-called experts"
            at = start + sentence.index(phrase)
            spans.append(("Name_Calling-Labeling", at, at + len(phrase)))
            labels[line_no] = ["Name_Calling-Labeling"]
        else:
            labels[line_no] = []
    return Article(text=text, id=str(1000 + index), language="en", gold={"paragraphs": labels, "spans": spans})


@pytest.fixture(scope="module")
def corpus() -> list[Article]:
    rng = random.Random(7)
    return [_article(i, rng) for i in range(30)]


@pytest.fixture(scope="module")
def fitted(corpus) -> TechniqueDetector:
    # the CRF tagger alone: this toy corpus's tagger is what these tests read, not the packaged span encoder
    return train(corpus, min_positives=3, inner_folds=2, max_word_features=2000, max_char_features=2000, seed=1,
                 encoder_weight=0.0)


def _check_spans(article: Article) -> None:
    for span in article.spans:
        assert 0 <= span.start < span.end <= len(article.text)
        assert article.text[span.start:span.end] == span.text
        assert span.text == span.text.strip() and span.text
        assert 0.0 <= span.confidence <= 1.0
        assert span.technique in BY_NAME
        assert span.explanation == BY_NAME[span.technique].explanation
    for paragraph in article.paragraphs:
        assert set(paragraph.technique_scores) == set(TECHNIQUE_NAMES)
        assert all(0.0 <= p <= 1.0 for p in paragraph.technique_scores.values())
        for technique in paragraph.techniques:
            # every paragraph label is backed by a span inside that paragraph
            assert any(s.technique == technique and paragraph.start <= s.start and s.end <= paragraph.end
                       for s in article.spans), (paragraph.line, technique)


def test_learns_the_obvious_pattern(fitted):
    text = ("Town notes\nThe library will close early on Monday for repairs.\n"
            "Their outrageous, disgraceful vote was a disaster. The vote was held on Monday in the town hall.\n"
            "Once again the so-called experts acted like clowns.")
    article = segment(Article(text=text, language="en"))
    fitted.annotate(article)
    by_line = {p.line: p for p in article.paragraphs}
    assert "Loaded_Language" in by_line[3].techniques
    assert "Name_Calling-Labeling" in by_line[4].techniques
    assert by_line[2].techniques == []
    assert by_line[3].technique_scores["Loaded_Language"] > by_line[2].technique_scores["Loaded_Language"]
    _check_spans(article)
    # the span tagger marks the words themselves, as the gold spans do
    loaded = [s for s in article.spans if s.technique == "Loaded_Language"]
    assert loaded and {s.text for s in loaded} <= {"outrageous", "disgraceful", "outrageous, disgraceful"}
    assert any(s.text.startswith("outrageous") for s in loaded)
    labels = [s for s in article.spans if s.technique == "Name_Calling-Labeling"]
    assert [s.text for s in labels] == ["so-called experts"]
    # without the tagger, spans are sentences: tight, but not the whole two-sentence paragraph
    fitted.set_params(span_tagger=False)
    try:
        sentences = fitted.annotate(segment(Article(text=text, language="en")))
    finally:
        fitted.set_params(span_tagger=True)
    _check_spans(sentences)
    loaded = [s for s in sentences.spans if s.technique == "Loaded_Language"]
    assert loaded and all(s.text == "Their outrageous, disgraceful vote was a disaster." for s in loaded)
    # and with trimming on, a phrase inside that sentence
    fitted.set_params(trim_spans=True, span_tagger=False)
    try:
        trimmed = fitted.annotate(segment(Article(text=text, language="en")))
    finally:
        fitted.set_params(trim_spans=False, span_tagger=True)
    _check_spans(trimmed)
    phrases = [s.text for s in trimmed.spans if s.technique == "Loaded_Language"]
    assert phrases and all(len(p) < len("Their outrageous, disgraceful vote was a disaster.") for p in phrases)
    assert any("outrageous" in p or "disgraceful" in p for p in phrases)


def test_save_load_round_trip_gives_identical_predictions(fitted, tmp_path):
    fitted.save(tmp_path / "techniques")
    record = json.loads((tmp_path / "techniques" / "params.json").read_text())
    assert record["class"] == "spinscope.detectors.techniques.TechniqueDetector"
    assert not list((tmp_path / "techniques").glob("*.pkl"))
    loaded = load_detector(tmp_path / "techniques")
    text = "Headline\nThe outrageous plan of the so-called experts.\nThe shop opens at nine."
    a = fitted.annotate(segment(Article(text=text, language="en")))
    b = loaded.annotate(segment(Article(text=text, language="en")))
    assert [p.techniques for p in a.paragraphs] == [p.techniques for p in b.paragraphs]
    for pa, pb in zip(a.paragraphs, b.paragraphs):
        # weights are stored as float16: scores agree to well within display precision
        assert np.allclose([pa.technique_scores[t] for t in TECHNIQUE_NAMES],
                           [pb.technique_scores[t] for t in TECHNIQUE_NAMES], atol=2e-3)
    assert [(s.start, s.end, s.technique) for s in a.spans] == [(s.start, s.end, s.technique) for s in b.spans]
    assert a.spans and [round(s.confidence, 2) for s in a.spans] == [round(s.confidence, 2) for s in b.spans]
    assert (tmp_path / "techniques" / "tagger.en.crfsuite.gz").exists()


def test_tagger_is_learned_state_and_its_file_is_required(fitted, tmp_path):
    model = fitted.models_["en"]
    assert model.tagger and model.tagger.startswith(b"lCRF")
    threshold, gap, restrict, sentence_mode = model.tagger_settings.tolist()
    assert 0 < threshold < 1 and gap in (0, 1, 2, 4, 8) and restrict in (0, 1) and sentence_mode in (0, 1)
    assert "span_tagger" in fitted.get_params()
    fitted.save(tmp_path / "techniques")
    (tmp_path / "techniques" / "tagger.en.crfsuite.gz").unlink()
    with pytest.raises(ModelError):
        load_detector(tmp_path / "techniques")


def test_without_the_tagger_no_crf_is_trained(corpus):
    detector = train(corpus[:20], min_positives=3, inner_folds=2, max_word_features=500, max_char_features=500,
                     span_tagger=False)
    assert detector.models_["en"].tagger is None
    article = detector.annotate(segment(Article(text="Title\nAn outrageous, disgraceful plan.", language="en")))
    _check_spans(article)


def test_too_few_examples_of_every_technique_fits_a_model_that_finds_nothing(corpus):
    # a small fold of a small corpus: no technique reaches min_positives, so there is nothing to tag spans with
    detector = train(corpus[:6], min_positives=10_000, inner_folds=2, max_word_features=500, max_char_features=500)
    assert detector.models_["en"].techniques == [] and detector.models_["en"].tagger is None
    article = detector.annotate(segment(Article(text="Title\nAn outrageous, disgraceful plan.", language="en")))
    assert article.spans == [] and all(not p.techniques for p in article.paragraphs)


def test_offsets_hold_on_awkward_text(fitted):
    text = ("  \r\nTitle with trailing space \r\n\n\tOutrageous!!! Disgraceful...   \n“So-called experts” — clowns?"
            "\n\n   \nÉlan café naïve: 3.5% up.  ")
    article = segment(Article(text=text, language="en"))
    fitted.annotate(article)
    _check_spans(article)


def test_empty_and_unsegmented_articles(fitted):
    empty = fitted.annotate(Article(text="", language="en"))
    assert empty.spans == [] and empty.paragraphs == []
    unsegmented = fitted.annotate(Article(text="An outrageous, disgraceful disaster.", language="en"))
    assert len(unsegmented.paragraphs) == 1
    _check_spans(unsegmented)


def test_best_f1_threshold_picks_the_separating_cut():
    probabilities = np.array([0.9, 0.8, 0.7, 0.3, 0.2, 0.1])
    y = np.array([1, 1, 1, 0, 0, 0])
    threshold = best_f1_threshold(probabilities, y, floor=0.0)
    assert 0.3 < threshold <= 0.7
    assert best_f1_threshold(probabilities, np.zeros(6), floor=0.0) == 1.0


def test_training_is_reproducible(corpus):
    params = dict(min_positives=3, inner_folds=2, max_word_features=500, max_char_features=500, seed=3)
    a, b = train(corpus[:20], **params), train(corpus[:20], **params)
    model_a, model_b = a.models_["en"], b.models_["en"]
    assert np.array_equal(model_a.sentence_coef, model_b.sentence_coef)
    assert np.array_equal(model_a.thresholds, model_b.thresholds)


def test_shipped_model_loads_and_predicts():
    if not (SHIPPED / "params.json").exists():
        pytest.fail(f"no shipped technique model at {SHIPPED}")
    record = json.loads((SHIPPED / "params.json").read_text())
    assert record["class"] == "spinscope.detectors.techniques.TechniqueDetector"
    assert record["version"].startswith("techniques-")
    detector = load_detector(SHIPPED)
    assert isinstance(detector, TechniqueDetector)
    assert "en" in detector.languages_
    text = ("Council approves new budget\n"
            "The council approved the budget on Tuesday after a two-hour debate.\n"
            "Critics called it a disgraceful betrayal by corrupt, arrogant elites who despise ordinary people.\n"
            "Either we stop this madness now or our country will be destroyed forever!")
    article = segment(Article(text=text, language="en"))
    detector.annotate(article)
    _check_spans(article)
    assert article.spans, "the shipped model found nothing in an obviously loaded text"
    # English spans come from the CRF tagger: words and phrases, not whole sentences
    assert detector.models_["en"].tagger is not None
    sentences = {(s.start, s.end) for s in article.sentences} | {(p.start, p.end) for p in article.paragraphs}
    assert any((s.start, s.end) not in sentences for s in article.spans)
    scores = {p.line: p.technique_scores for p in article.paragraphs}
    assert scores[3]["Loaded_Language"] > scores[2]["Loaded_Language"]


def test_a_tagger_no_better_than_every_sentence_is_dropped(corpus, tmp_path):
    # an impossible required gain over "highlight every sentence": the language keeps sentence spans, saves
    # without a tagger file and loads again
    detector = train(corpus[:20], min_positives=3, inner_folds=2, max_word_features=500, max_char_features=500,
                     tagger_min_gain=1.0)
    assert detector.models_["en"].tagger is None
    assert detector.oof_["en"]["all_sentences_si_f1"] > 0
    detector.save(tmp_path / "techniques")
    assert not list((tmp_path / "techniques").glob("tagger.*"))
    loaded = load_detector(tmp_path / "techniques")
    text = "Title\nTheir outrageous, disgraceful vote was a disaster."
    article = loaded.annotate(segment(Article(text=text, language="en")))
    _check_spans(article)
    assert [s.text for s in article.spans if s.technique == "Loaded_Language"] == [
        "Their outrageous, disgraceful vote was a disaster."]


@pytest.mark.parametrize("params", [{}, {"weight_keep": 0.8, "embedding_weight": 0.3}], ids=["default", "pruned"])
def test_a_saved_model_predicts_exactly_as_the_fitted_one(corpus, tmp_path, params):
    # the weights are rounded to the saved half precision at the end of fit, not only in the saved file
    detector = train(corpus, min_positives=3, inner_folds=2, max_word_features=2000, max_char_features=2000, seed=1,
                     encoder_weight=0.0, **params)
    loaded = TechniqueDetector.load(detector.save(tmp_path / "techniques"))
    for key in ("sentence_coef", "paragraph_coef"):
        assert np.array_equal(getattr(detector.models_["en"], key), getattr(loaded.models_["en"], key))
    text = ("Headline\nThe outrageous plan of the so-called experts.\nThe shop opens at nine.\n"
            "Their disgraceful, outrageous vote was a disaster, and the clowns in parliament cheered.")
    for span_tagger in (True, False):
        detector.set_params(span_tagger=span_tagger)
        loaded.set_params(span_tagger=span_tagger)
        a = detector.annotate(segment(Article(text=text, language="en")))
        b = loaded.annotate(segment(Article(text=text, language="en")))
        assert a.spans and [(s.start, s.end, s.technique, s.confidence) for s in a.spans] == [
            (s.start, s.end, s.technique, s.confidence) for s in b.spans]
        assert [p.technique_scores for p in a.paragraphs] == [p.technique_scores for p in b.paragraphs]


def test_load_gives_the_parameters_get_params_gave(fitted, tmp_path):
    before = fitted.get_params()
    assert isinstance(before["languages"], tuple) and isinstance(before["word_ngrams"], tuple)
    after = load_detector(fitted.save(tmp_path / "techniques")).get_params()
    assert after == before
    assert {k: type(v) for k, v in after.items()} == {k: type(v) for k, v in before.items()}
