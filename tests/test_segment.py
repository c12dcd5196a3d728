"""Paragraph and sentence segmentation: exact offsets, multilingual rules and invariants on arbitrary text."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spinscope.segment import paragraphs, segment, sentences_in, strip_blank
from spinscope.types import Article


def split(text: str) -> list[str]:
    return [text[s:e] for s, e in sentences_in(text, 0, len(text))]


def check_invariants(text: str) -> Article:
    article = segment(Article(text=text))
    # a line ends at "\r\n", "\r" or "\n", as editors and Python's universal newlines read it
    breaks = list(re.finditer(r"\r\n?|\n", text))
    line_starts = [0] + [b.end() for b in breaks]
    lines = [text[s:e] for s, e in zip(line_starts, [b.start() for b in breaks] + [len(text)])]
    # every line with visible content is a paragraph, in order, and nothing else is
    assert [p.line for p in article.paragraphs] == [n for n, line in enumerate(lines, 1) if strip_blank(line)]
    previous_end = 0
    for index, p in enumerate(article.paragraphs):
        assert p.index == index
        assert previous_end <= p.start < p.end <= len(text)
        line_start = line_starts[p.line - 1]
        assert line_start <= p.start and p.end <= line_start + len(lines[p.line - 1])
        assert text[p.start:p.end] == strip_blank(lines[p.line - 1])
        assert text[p.end - 1] != "\r"
        previous_end = p.end
    previous_end = -1
    for sentence in article.sentences:
        paragraph = article.paragraphs[sentence.paragraph]
        assert paragraph.start <= sentence.start < sentence.end <= paragraph.end
        assert sentence.start >= previous_end
        piece = text[sentence.start:sentence.end]
        assert piece and piece == strip_blank(piece)
        previous_end = sentence.end
    # sentences cover every visible character of their paragraph: only blanks fall between them
    for paragraph in article.paragraphs:
        inside = [s for s in article.sentences if s.paragraph == paragraph.index]
        assert inside, "a paragraph with content has at least one sentence"
        assert inside[0].start == paragraph.start and inside[-1].end == paragraph.end
        for left, right in zip(inside, inside[1:]):
            assert not strip_blank(text[left.end:right.start])
    return article


# --- paragraphs -----------------------------------------------------------------------------------------------


def test_paragraphs_are_non_empty_lines_with_semeval_line_numbers():
    text = "Title here\n\nFirst paragraph.\n   \nSecond one.  \n"
    result = paragraphs(text)
    assert [(p.line, text[p.start:p.end]) for p in result] == [
        (1, "Title here"), (3, "First paragraph."), (5, "Second one.")]


def test_crlf_line_ends_stay_outside_paragraphs():
    text = "Title\r\n\r\nBody one.\r\nBody two.\r\n"
    result = paragraphs(text)
    assert [(p.line, text[p.start:p.end]) for p in result] == [(1, "Title"), (3, "Body one."), (4, "Body two.")]
    check_invariants(text)


def test_cr_only_line_ends_split_lines_without_changing_the_text():
    text = "Crisis\rold mac\r\rThe evil regime lied again! Shame on these traitors.\r"
    article = check_invariants(text)
    assert [(p.line, text[p.start:p.end]) for p in article.paragraphs] == [
        (1, "Crisis"), (2, "old mac"), (4, "The evil regime lied again! Shame on these traitors.")]
    assert [(s.paragraph, text[s.start:s.end]) for s in article.sentences] == [
        (0, "Crisis"), (1, "old mac"), (2, "The evil regime lied again!"), (2, "Shame on these traitors.")]


def test_mixed_line_ends_count_crlf_as_one_break():
    text = "Title\r\n\rOne. Two.\n\r\nThree!\rFour?\n"
    article = check_invariants(text)
    assert [(p.line, text[p.start:p.end]) for p in article.paragraphs] == [
        (1, "Title"), (3, "One. Two."), (5, "Three!"), (6, "Four?")]
    assert [text[s.start:s.end] for s in article.sentences] == ["Title", "One.", "Two.", "Three!", "Four?"]


def test_invisible_characters_are_not_content():
    # zero-width space, BOM, NUL and a bidi mark alone on a line do not make a paragraph
    text = "\ufeffTitle\u200b\n\u200b\u200d\n\x00\n\u200fBody.\u200e"
    result = paragraphs(text)
    assert [(p.line, text[p.start:p.end]) for p in result] == [(1, "Title"), (4, "Body.")]


def test_empty_text_has_no_paragraphs():
    assert paragraphs("") == []
    assert segment(Article(text=" \n\r\n\t")).sentences == []


# --- sentences ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("Mr. J. Smith arrived at 3.5 p.m. yesterday. He said: “Enough!” Then he left... Really? Yes.",
     ["Mr. J. Smith arrived at 3.5 p.m. yesterday.", "He said: “Enough!”", "Then he left...", "Really?", "Yes."]),
    ("The U.S. President met Dr. Jones, e.g. in Jan. 2020. Prices rose 2.5% in 2019. 2020 was worse.",
     ["The U.S. President met Dr. Jones, e.g. in Jan. 2020.", "Prices rose 2.5% in 2019.", "2020 was worse."]),
    ("See No. 5 on the list. The answer was no. Then it rained.",
     ["See No. 5 on the list.", "The answer was no.", "Then it rained."]),
    ("Visit www.example.com. Then write to jane.doe@example.org. Version 1.2.3 is out.",
     ["Visit www.example.com.", "Then write to jane.doe@example.org.", "Version 1.2.3 is out."]),
    ("He shouted “Stop!” and ran. (It was late.) Nobody followed.",
     ["He shouted “Stop!” and ran.", "(It was late.)", "Nobody followed."]),
    ("Acme Inc. The company failed, etc. Apples, pears etc. are fruit.",
     ["Acme Inc.", "The company failed, etc.", "Apples, pears etc. are fruit."]),
], ids=["en-basic", "en-abbreviations", "en-number-abbreviation", "en-urls", "en-quotes", "en-can-end"])
def test_english_sentences(text, expected):
    assert split(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Il sig. Rossi è arrivato. Poi il dott. Bianchi ha parlato, ecc. Vedi art. 5 della legge. «Basta!» disse.",
     ["Il sig. Rossi è arrivato.", "Poi il dott. Bianchi ha parlato, ecc.", "Vedi art. 5 della legge.",
      "«Basta!» disse."]),
    ("Путин В. В. заявил, т.е. всё ясно. В 2020 г. Москва росла. «Нет», — сказал он. Цены и т.д. Потом ушёл.",
     ["Путин В. В. заявил, т.е. всё ясно.", "В 2020 г. Москва росла.", "«Нет», — сказал он.", "Цены и т.д.",
      "Потом ушёл."]),
    ("Какой ужас! — написал он. — Нет! — Да.", ["Какой ужас! — написал он.", "— Нет!", "— Да."]),
    ("M. Macron a dit : « Non. » Puis il est parti. Mme Dupont, env. 300 personnes ! Et Me Martin aussi.",
     ["M. Macron a dit : « Non. »", "Puis il est parti.", "Mme Dupont, env. 300 personnes !",
      "Et Me Martin aussi."]),
    ("Er kam am 3. Oktober z.B. mit Dr. Müller. Das kostet 5 Mio. Euro. Im 19. Jahrhundert war es anders. "
     "Es gibt ca. 300 Fälle. „Nein.“ Dann ging er.",
     ["Er kam am 3. Oktober z.B. mit Dr. Müller.", "Das kostet 5 Mio. Euro.", "Im 19. Jahrhundert war es anders.",
      "Es gibt ca. 300 Fälle.", "„Nein.“", "Dann ging er."]),
    ("Prezydent m.in. powiedział np. Kowalski. Było ok. 300 osób. „Nie!” – powiedział. Koniec.",
     ["Prezydent m.in. powiedział np. Kowalski.", "Było ok. 300 osób.", "„Nie!” – powiedział.", "Koniec."]),
], ids=["it", "ru", "ru-dialogue", "fr", "de", "pl"])
def test_multilingual_sentences(text, expected):
    assert split(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("The fire started at 4 a.m. Union leader Maria Soto said crews were late.",
     ["The fire started at 4 a.m.", "Union leader Maria Soto said crews were late."]),
    ("The vote closes at 4 p.m. ET on Friday. Results follow.",
     ["The vote closes at 4 p.m. ET on Friday.", "Results follow."]),
    ("He arrived at 9 a.m. and left at noon. Nobody noticed.",
     ["He arrived at 9 a.m. and left at noon.", "Nobody noticed."]),
    ("Doors open at 7 p.m. Wednesday, the club said. The show starts at 8:30 p.m. Eastern time.",
     ["Doors open at 7 p.m. Wednesday, the club said.", "The show starts at 8:30 p.m. Eastern time."]),
    ("The hearing is set for 10 a.m. Jan. 5 in the capital. It ended at 3 p.m. Moscow time.",
     ["The hearing is set for 10 a.m. Jan. 5 in the capital.", "It ended at 3 p.m. Moscow time."]),
    ("Trading began at 9 a.m. Central banks reacted later. Shops open 9 a.m. - 5 p.m. Monday to Friday.",
     ["Trading began at 9 a.m.", "Central banks reacted later.", "Shops open 9 a.m. - 5 p.m. Monday to Friday."]),
    ("She phoned at 6:46 p.m. “Come now,” she said. We left at 4 P.M. The P.M. Modi spoke then.",
     ["She phoned at 6:46 p.m.", "“Come now,” she said.", "We left at 4 P.M.", "The P.M. Modi spoke then."]),
    ("It starts at 4p.m. ET and ends at 6p.m. Then we go home.",
     ["It starts at 4p.m. ET and ends at 6p.m.", "Then we go home."]),
], ids=["ends-sentence", "time-zone", "lowercase", "weekday-and-zone-name", "date-and-place-time",
        "zone-name-as-ordinary-word", "quote-and-capitals", "glued-to-the-number"])
def test_clock_abbreviations_end_a_sentence_unless_the_time_goes_on(text, expected):
    assert split(text) == expected


def test_clock_abbreviation_split_keeps_exact_offsets():
    text = "Title\n\n  The fire started at 4 a.m.  Union leader Maria Soto said crews were late. \n"
    article = check_invariants(text)
    first = text.index("The fire")
    second = text.index("Union")
    assert [(s.start, s.end) for s in article.sentences[1:]] == [
        (first, text.index("a.m.") + len("a.m.")), (second, text.index("late.") + len("late."))]
    assert [text[s.start:s.end] for s in article.sentences[1:]] == [
        "The fire started at 4 a.m.", "Union leader Maria Soto said crews were late."]


def test_rtl_emoji_and_combining_marks():
    text = "שלום עולם. זה טקסט 🙂. Cafe\u0301 ok. 👩\u200d👩\u200d👧 Family. مرحبا بالعالم. نص"
    assert split(text) == ["שלום עולם.", "זה טקסט 🙂.", "Cafe\u0301 ok.", "👩\u200d👩\u200d👧 Family.",
                           "مرحبا بالعالم.", "نص"]


def test_sentence_offsets_are_absolute_and_stay_inside_the_range():
    text = "Skip this. Title\n\nOne. Two.\n"
    start = text.index("One")
    result = sentences_in(text, start, len(text) - 1)
    assert [text[s:e] for s, e in result] == ["One.", "Two."]


def test_a_line_break_always_ends_a_sentence():
    text = "Headline without a stop\nthe body starts lowercase."
    assert split(text) == ["Headline without a stop", "the body starts lowercase."]
    assert split(text.replace("\n", "\r")) == ["Headline without a stop", "the body starts lowercase."]


def test_segment_links_sentences_to_paragraphs():
    article = check_invariants("Title\n\nFirst. Second.\n\nThird!")
    assert [(s.paragraph, article.text[s.start:s.end]) for s in article.sentences] == [
        (0, "Title"), (1, "First."), (1, "Second."), (2, "Third!")]


# --- properties -----------------------------------------------------------------------------------------------

# pieces that exercise the rules: abbreviations, initials, quotes, dashes, invisible marks, line ends
_TRICKY = st.lists(st.sampled_from(
    list("aZ3 .!?…\n\r\t«»„“”‚‘’\"'()—-,:;") + ["\u200b", "\u200d", "\ufeff", "\x00", "\u0301", "\u202e", "🙂",
                                                "Dr.", "z.B.", "т.е.", "J.", "www.x.com", " \u00a0", "א", "ß"]),
    max_size=80).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_invariants_hold_for_any_unicode_text(text):
    check_invariants(text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TRICKY)
def test_invariants_hold_for_punctuation_heavy_text(text):
    check_invariants(text)
