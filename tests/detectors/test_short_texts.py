"""A text far shorter than what the genre and frame models learned from is flagged, not silently trusted."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from spinscope.detectors import load_detector
from spinscope.detectors.frames import FrameDetector
from spinscope.detectors.genre import GenreDetector
from spinscope.segment import segment
from spinscope.settings import PACKAGED_MODELS, Settings
from spinscope.types import Article

WORDS = "council budget school harbour railway hospital library tax bridge plan vote week city report".split()


def _article(rng: random.Random, n_words: int, ident: str, genre: str, frame: str) -> Article:
    body = " ".join(rng.choice(WORDS) for _ in range(n_words)) + "."
    return Article(text=f"Headline {ident}\n{body}", id=ident, language="en",
                   gold={"genre": genre, "frames": [frame]})


@pytest.fixture(scope="module")
def corpus() -> list[Article]:
    rng = random.Random(2)
    return [_article(rng, rng.randint(80, 120), f"a{k}", ("reporting", "opinion")[k % 2],
                     ("Economic", "Political")[k % 3 == 0]) for k in range(30)]


def _short() -> Article:
    return segment(Article(text="Bridge closed\nThe bridge is closed until May.", language="en"))


def _short_warnings(article: Article) -> list[str]:
    return [w for w in article.warnings if w.startswith("the text is short")]


@pytest.mark.parametrize("make", [lambda: GenreDetector(word_max_features=200),
                                  lambda: FrameDetector(word_max_features=200, embedding_weight=0.0)],
                         ids=["genre", "frames"])
def test_a_text_shorter_than_99_percent_of_the_training_articles_is_flagged(corpus, make, tmp_path: Path):
    detector = make().fit(corpus)
    minimum = np.percentile([len(a.text.split()) for a in corpus], 1)
    short = detector.annotate(_short())
    words = len(short.text.split())
    assert _short_warnings(short) == [
        f"the text is short ({words} words) for the {detector.name}: 99% of the articles behind it have at least "
        f"{int(minimum)}, so read the {detector.name} as a rough guess"]
    detector.annotate(short)  # annotating again does not repeat it
    assert len(_short_warnings(short)) == 1
    typical = segment(Article(text=corpus[0].text, language="en"))
    assert _short_warnings(detector.annotate(typical)) == []
    reloaded = load_detector(detector.save(tmp_path / detector.name))
    assert _short_warnings(reloaded.annotate(_short())) == _short_warnings(short)


def test_a_model_saved_without_the_length_statistic_warns_about_nothing(corpus):
    detector = GenreDetector(word_max_features=200).fit(corpus)
    for model in detector.models_.values():
        model.min_words = None
    assert _short_warnings(detector.annotate(_short())) == []


@pytest.mark.parametrize("component", ["genre", "frames"])
def test_the_shipped_models_flag_a_two_sentence_text(component):
    detector = load_detector(PACKAGED_MODELS / component)
    for language, text in (("en", "Bridge closed\nThe bridge is closed until May. The mayor said repairs start soon."),
                           ("de", "Brücke gesperrt\nDie Brücke bleibt bis Mai gesperrt, sagte die Bürgermeisterin.")):
        article = detector.annotate(segment(Article(text=text, language=language)))
        assert len(_short_warnings(article)) == 1, (language, article.warnings)


def test_the_score_of_a_headline_is_flagged_and_the_shipped_reference_knows_its_lengths():
    from spinscope import analyze
    from spinscope.aggregate import load_reference

    reference = load_reference()
    assert set(reference["min_words"]) >= {"en", "it", "ru", "fr", "de", "pl", "all"}
    article = analyze("Lindenau sperrt Brücke\nDie Brücke bleibt gesperrt, ein Skandal.",
                      Settings(language="de"))
    assert article.score["value"] is not None
    assert any(w.startswith("the text is short") and "propaganda score" in w for w in article.warnings)
    full = analyze(" ".join(["Die Brücke bleibt bis Mai gesperrt, sagte die Bürgermeisterin am Montag."] * 30),
                   Settings(language="de"))
    assert not _short_warnings(full)
