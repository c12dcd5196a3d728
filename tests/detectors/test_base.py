"""The detectors' scikit-learn-style contract: parameters by name, clone, and loading the right model folder."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone

from spinscope.detectors.frames import FrameDetector
from spinscope.detectors.genre import GenreDetector
from spinscope.detectors.techniques import TechniqueDetector
from spinscope.errors import ModelError
from spinscope.segment import segment
from spinscope.settings import PACKAGED_MODELS
from spinscope.taxonomy import FRAME_NAMES
from spinscope.types import Article


def test_get_params_takes_deep_so_clone_works_and_set_params_refuses_unknown_names():
    detector = GenreDetector()
    assert detector.get_params(deep=True) == detector.get_params(deep=False) == detector.get_params()
    copy = clone(detector)
    assert copy is not detector and copy.get_params() == detector.get_params()
    name = next(iter(detector.get_params()))
    with pytest.raises(ValueError, match="invalid parameter 'no_such_param'"):
        detector.set_params(**{name: detector.get_params()[name], "no_such_param": 1})


def test_loading_another_detectors_folder_is_a_model_error():
    with pytest.raises(ModelError, match="holds a GenreDetector model, not a FrameDetector"):
        FrameDetector.load(PACKAGED_MODELS / "genre")


# a value other than the default for every constructor parameter (sequences as tuples, which get_params must
# return as given: clone() checks that the constructor stored each parameter unchanged)
NON_DEFAULTS = {
    GenreDetector: dict(C=2.0, style_weight=0.5, word_weight=0.25, technique_weight=1.0, word_max_features=10,
                        char_max_features=10, class_weight=None, per_language=False, languages=("en", "it")),
    FrameDetector: dict(C=1.0, word_max_features=10, char_max_features=10, class_weight=None, threshold_folds=2,
                        at_least_one=False, max_paragraphs=2, per_language=False, languages=["en"],
                        embedding_weight=0.0, static_vectors="/nowhere", seed=3),
    TechniqueDetector: dict(languages=["en", "it"], word_ngrams=[1, 1], char_ngrams=None, max_word_features=10,
                            max_char_features=None, min_df=1, char_weight=0.5, style_weight=0.5, context_weight=0.5,
                            solver="liblinear", C_sentence=1.0, C_paragraph=2.0, class_weight=None, inner_folds=2,
                            min_positives=2, threshold_objective="per_technique", threshold_floor=0.2,
                            trim_spans=True, max_span_words=10, span_confidence="paragraph", weight_keep=0.5,
                            span_tagger=False, tagger_c1=0.1, tagger_c2=0.1, tagger_iterations=5,
                            tagger_backfill=False, tagger_min_gain=0.1, embedding_weight=0.0,
                            embedding_sentences=False, tagger_word_classes=False, static_vectors="/nowhere",
                            encoder_weight=0.0, encoder_threshold=0.5, encoder_gate=0.0, span_encoder="/nowhere",
                            seed=3),
}


@pytest.mark.parametrize("cls", list(NON_DEFAULTS), ids=lambda cls: cls.__name__)
def test_clone_keeps_every_non_default_parameter(cls):
    params = NON_DEFAULTS[cls]
    assert set(params) == set(cls().get_params()), "every parameter is given a non-default value"
    assert all(value != cls().get_params()[name] for name, value in params.items())
    detector = cls(**params)
    assert all(detector.get_params()[name] is value for name, value in params.items())
    copy = clone(detector)
    assert copy.get_params() == params


@pytest.mark.parametrize("cls", [GenreDetector, FrameDetector, TechniqueDetector], ids=lambda cls: cls.__name__)
def test_an_unfitted_detector_is_a_one_line_model_error(cls):
    detector = cls()
    article = segment(Article(text="Title\nSome words in a paragraph.", language="en"))
    calls = [detector.annotate, lambda a: detector.annotate(Article(text=" ", language="en"))]
    if hasattr(detector, "predict_proba"):
        calls.append(lambda a: detector.predict_proba([a]))
    if hasattr(detector, "decide"):
        calls += [lambda a: detector.decide(np.zeros((1, len(FRAME_NAMES))), [a]), detector.paragraph_evidence]
    for call in calls:
        with pytest.raises(ModelError, match=r"^the \w+ detector is not fitted$"):
            call(article)


@pytest.mark.parametrize("cls", [GenreDetector, FrameDetector, TechniqueDetector], ids=lambda cls: cls.__name__)
@pytest.mark.parametrize("articles", [[], [Article(text="Title\nNo labels here.", language="en")]],
                         ids=["no articles", "no labels"])
def test_fit_without_labelled_articles_is_a_one_line_model_error(cls, articles):
    detector = cls()
    with pytest.raises(ModelError, match=r"^no .*articles") as error:
        detector.fit(articles)
    assert "\n" not in str(error.value)
    assert not detector.is_fitted


def test_fit_with_one_genre_only_leaves_the_detector_unfitted():
    articles = [Article(text=f"Title {i}\nWe think so.", language="en", gold={"genre": "opinion"}) for i in range(3)]
    detector = GenreDetector()
    with pytest.raises(ModelError, match="at least two genres"):
        detector.fit(articles)
    assert not detector.is_fitted
    with pytest.raises(ModelError, match="not fitted"):
        detector.annotate(articles[0])


def test_technique_detector_with_no_languages_does_not_fit_an_empty_model():
    detector = TechniqueDetector(languages=())
    with pytest.raises(ModelError, match="no languages"):
        detector.fit([])
    assert not detector.is_fitted


def test_languages_are_normalised_where_used():
    # stored as given (any sequence of codes) and read as a list by fit
    articles = [Article(text=f"Title {i}\nWe think so.", language=language, gold={"genre": genre})
                for i, (language, genre) in enumerate([("en", "opinion"), ("en", "reporting"), ("it", "opinion"),
                                                       ("it", "reporting"), ("de", "opinion")])]
    for languages in (("en", "it"), ["en", "it"]):
        assert GenreDetector(languages=languages, word_max_features=0).fit(articles).languages_ == ["en", "it"]
    assert GenreDetector(languages=(), word_max_features=0).fit(articles).languages_ == ["de", "en", "it"]
