"""Technique examples in the article's language: complete, in the right script and language, looked up robustly."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from spinscope.taxonomy import BY_NAME, TECHNIQUE_NAMES
from spinscope.taxonomy_i18n import EXAMPLE_LANGUAGES, EXAMPLES, example_for, language_name

CYRILLIC = re.compile(r"[\u0400-\u04ff]")
LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
# letters that only some of our languages use: a sentence showing one of another language is in the wrong one
LETTERS_OF = {"pl": "ąćęłńśźż", "de": "äöüß", "fr": "âçêëîïôûœ", "it": "", "ru": ""}


def test_every_technique_has_one_example_in_every_language():
    assert set(EXAMPLE_LANGUAGES) == {"it", "ru", "fr", "de", "pl"}
    assert set(EXAMPLES) == set(TECHNIQUE_NAMES)
    for technique in TECHNIQUE_NAMES:
        assert set(EXAMPLES[technique]) == set(EXAMPLE_LANGUAGES), technique
        for language in EXAMPLE_LANGUAGES:
            sentence = example_for(technique, language)
            assert sentence and sentence == sentence.strip(), (technique, language)
            assert 10 <= len(sentence) <= 120, (technique, language, sentence)
            assert sentence[-1] in ".!?", (technique, language, sentence)
            assert sentence != BY_NAME[technique].example


def test_examples_are_all_different_within_a_language():
    for language in EXAMPLE_LANGUAGES:
        sentences = [EXAMPLES[t][language] for t in TECHNIQUE_NAMES]
        assert len(set(sentences)) == len(sentences), language


@pytest.mark.parametrize("language", EXAMPLE_LANGUAGES)
def test_examples_are_written_in_the_right_script(language):
    for technique in TECHNIQUE_NAMES:
        sentence = EXAMPLES[technique][language]
        if language == "ru":
            assert CYRILLIC.search(sentence) and not LATIN.search(sentence), (technique, sentence)
        else:
            assert LATIN.search(sentence) and not CYRILLIC.search(sentence), (technique, sentence)
            foreign = "".join(letters for other, letters in LETTERS_OF.items() if other != language)
            # é, à, è ... are shared by fr and it, so only letters unique to one language are checked
            assert not set(sentence.lower()) & set(foreign) - set(LETTERS_OF[language]), (technique, sentence)


def test_langdetect_recognises_the_language_of_almost_every_example():
    langdetect = pytest.importorskip("langdetect")
    langdetect.DetectorFactory.seed = 0  # langdetect is random otherwise
    wrong = Counter()
    for technique in TECHNIQUE_NAMES:
        for language in EXAMPLE_LANGUAGES:
            if langdetect.detect(EXAMPLES[technique][language]) != language:
                wrong[language] += 1
    # very short sentences (slogans) can be mistaken for a close relative (Russian for Bulgarian); most must not
    assert sum(wrong.values()) <= 5, wrong
    assert all(count <= 2 for count in wrong.values()), wrong


def test_english_falls_back_to_the_taxonomy_example():
    for technique in TECHNIQUE_NAMES:
        assert example_for(technique, "en") == BY_NAME[technique].example


@pytest.mark.parametrize("tag, expected", [("de-AT", "de"), (" IT ", "it"), ("pl_PL", "pl"), ("FR", "fr")])
def test_language_tags_are_reduced_to_their_language(tag, expected):
    assert example_for("Slogans", tag) == EXAMPLES["Slogans"][expected]
    assert language_name(tag) == {"de": "German", "it": "Italian", "pl": "Polish", "fr": "French"}[expected]


@pytest.mark.parametrize("technique, language", [
    ("Slogans", "es"), ("Slogans", ""), ("Slogans", None), ("Not_A_Technique", "it"), ("Not_A_Technique", "en")])
def test_unknown_language_or_technique_gives_none(technique, language):
    assert example_for(technique, language) is None
