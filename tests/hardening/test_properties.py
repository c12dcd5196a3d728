"""Property-based tests of the whole analysis path: any Unicode text (combining marks, emoji, RTL, CRLF, zero-width
characters, NUL, markup) goes through `spinscope.analyze` with real fitted models, and the result keeps the house
invariants: exact half-open offsets, spans inside paragraphs, paragraphs covering every non-blank line in order, a
strictly JSON-serialisable canonical dict, and an HTML report in which nothing from the article is live markup."""

from __future__ import annotations

import json
import math
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from spinscope import analyze
from spinscope.errors import InputError
from spinscope.render.html import asset, report_sections, to_html
from spinscope.segment import BLANK_CHARS, strip_blank
from spinscope.taxonomy import TECHNIQUE_NAMES
from spinscope.types import Article

from hostile import AWKWARD, FLAGGED, HOSTILE_URLS, SCRIPT_PAYLOADS, check_page

FAST = hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                                   HealthCheck.data_too_large])

pieces = st.one_of(
    st.sampled_from(FLAGGED),
    st.sampled_from(AWKWARD),
    st.sampled_from(SCRIPT_PAYLOADS),
    st.text(max_size=40),  # any code point hypothesis draws (no lone surrogates; see test_regressions.py)
    st.text(alphabet=st.characters(categories=["Mn", "Me", "Cf", "Zs", "Zl", "Zp", "Cc", "So"]), max_size=8),
)
texts = st.lists(pieces, min_size=1, max_size=25).map("".join)
metadata = st.one_of(st.just(""), st.sampled_from(SCRIPT_PAYLOADS), st.text(max_size=30))


def check_result(text: str, article: Article) -> dict:
    """Every invariant the canonical result promises; returns the dict."""
    assert article.text == text
    # paragraphs: one per line holding visible characters, in order, trimmed of blanks, never crossing a line break
    # (lines end at "\r\n", a bare "\r" or "\n"; worked out here independently of spinscope.segment)
    line_starts, lines, position = [], [], 0
    for match in re.finditer("\r\n|\r|\n", text):
        line_starts.append(position)
        lines.append(text[position:match.start()])
        position = match.end()
    line_starts.append(position)
    lines.append(text[position:])
    expected = [number for number, line in enumerate(lines, 1) if strip_blank(line)]
    assert [p.line for p in article.paragraphs] == expected
    previous_end = -1
    for paragraph in article.paragraphs:
        start_of_line = line_starts[paragraph.line - 1]
        line = lines[paragraph.line - 1]
        assert previous_end < paragraph.start < paragraph.end  # in order, non-empty, apart
        assert text[paragraph.start:paragraph.end] == strip_blank(line)
        assert start_of_line <= paragraph.start and paragraph.end <= start_of_line + len(line)
        previous_end = paragraph.end
    # every visible character is inside a paragraph
    covered = set()
    for paragraph in article.paragraphs:
        covered.update(range(paragraph.start, paragraph.end))
    for index, char in enumerate(text):
        if char not in BLANK_CHARS:
            assert index in covered, f"visible character {char!r} at {index} is in no paragraph"
    # spans: exact, inside one paragraph, known technique, probability
    for span in article.spans:
        assert 0 <= span.start < span.end <= len(text)
        assert text[span.start:span.end] == span.text
        assert any(p.start <= span.start and span.end <= p.end for p in article.paragraphs), span
        assert span.technique in TECHNIQUE_NAMES
        assert 0.0 <= span.confidence <= 1.0
    for sentence in article.sentences:
        paragraph = article.paragraphs[sentence.paragraph]
        assert paragraph.start <= sentence.start < sentence.end <= paragraph.end
    # the canonical dict: strict JSON (no NaN), UTF-8 encodable, and it round-trips
    result = article.to_dict()
    encoded = json.dumps(result, allow_nan=False, ensure_ascii=False).encode("utf-8")
    assert json.loads(encoded) == json.loads(json.dumps(result))
    assert result["text"] == text
    assert [s["start"] for s in result["spans"]] == sorted(s["start"] for s in result["spans"])
    score = result["summary"]["propaganda_score"]
    assert score is None or (math.isfinite(score) and 0 <= score <= 100)
    if result["genre"] is not None:
        assert math.isclose(sum(result["genre"]["probabilities"].values()), 1.0, abs_tol=0.02)
    lines_with_paragraphs = {p["line"] for p in result["paragraphs"]}
    for frame in result["frames"]:
        assert 0 <= frame["probability"] <= 1
        assert set(frame["paragraphs"]) <= lines_with_paragraphs
    return result


@FAST
@given(text=texts)
def test_any_text_through_the_fitted_models_keeps_every_invariant(text, model_settings):
    # an Article goes straight to the pipeline (no ingest checks), so even blank text must give a valid result
    article = analyze(Article(text=text, language="en"), model_settings)
    check_result(text, article)


@hypothesis_settings(max_examples=25, deadline=None)
@given(text=texts)
def test_any_raw_text_through_the_shipped_setup_keeps_every_invariant(text):
    """Raw strings go through ingest's guessing (path? URL? text?), its limits and language detection, with the
    default settings and whatever models are shipped."""
    if text.strip() == "-" or "://" in text or ("\x00" not in text and len(text) < 256 and os.path.exists(text)):
        return  # "-" reads stdin, URLs are fetched and existing paths are read: none of them is the text
    try:
        article = analyze(text)
    except InputError as error:
        assert "\n" not in str(error)  # refused (blank, or names a missing file): one line, no traceback
        return
    check_result(text, article)


@hypothesis_settings(max_examples=30, deadline=None)
@given(blank=st.text(alphabet=st.sampled_from(BLANK_CHARS[:60] + "\u200b\ufeff\u202e\x00"), max_size=30))
def test_blank_input_is_an_input_error_with_one_line(blank):
    with pytest.raises(InputError) as raised:
        analyze(blank)
    assert "\n" not in str(raised.value)


@FAST
@given(text=texts, title=metadata, outlet=metadata, url=st.one_of(st.sampled_from(HOSTILE_URLS), metadata),
       published=metadata)
def test_html_report_never_turns_article_data_into_markup(text, title, outlet, url, published, model_settings):
    if not strip_blank(text):
        return
    article = analyze(Article(text=text, title=title, outlet=outlet, url=url, published=published, language="en"),
                      model_settings)
    result = check_result(text, article)
    result["warnings"].append(title + outlet)  # warnings are rendered too
    page = to_html(result)
    check_page(page, scripts=[asset("report.js")], styles=1)
    sections, _css = report_sections(result)  # what the web app embeds in its pages
    check_page(sections)
    for payload in SCRIPT_PAYLOADS:
        if "<" in payload and payload in text:
            assert payload not in page, "a markup payload from the text is in the page unescaped"
