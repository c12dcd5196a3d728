"""Comparison renderers (text and HTML): how inputs that could not be read are listed."""

from __future__ import annotations

from spinscope.render.compare import compare_to_html, compare_to_text, failure_text

FAILURES = [{"source": "nope.txt", "reason": "nope.txt: no such file or directory"},
            {"source": "arts.jsonl", "reason": "arts.jsonl:8: \"text\" must be a string, got int"},
            {"source": "https://example.org/x", "reason": "timed out after 15 s"}]
RESULT = {"stories": [], "articles": [], "failures": FAILURES}


def test_failure_text_names_the_input_once():
    assert [failure_text(f) for f in FAILURES] == [
        "nope.txt: no such file or directory", "arts.jsonl:8: \"text\" must be a string, got int",
        "https://example.org/x: timed out after 15 s"]
    assert failure_text({"source": "a", "reason": "about to fail"}) == "a: about to fail"  # a prefix, not the name
    assert failure_text({"source": "", "reason": "bad"}) == "bad"


def test_text_and_html_reports_name_each_failed_input_once():
    text = compare_to_text(RESULT)
    assert "skipped nope.txt: no such file or directory" in text and "nope.txt: nope.txt" not in text
    assert "skipped https://example.org/x: timed out" in text
    html = compare_to_html(RESULT)
    assert "<li>nope.txt: no such file or directory</li>" in html and "nope.txt: nope.txt" not in html


SHARED = {"stories": [{"id": "story-1", "label": ["Dunmore"],
                       "articles": [{"id": "a", "outlet": "Dunmore Ledger"}, {"id": "b", "outlet": "Harbour Herald"}],
                       "shared_claims": [{"text": "Police arrested three men after the Dunmore robbery.",
                                          "articles": ["a", "b"], "carried_by_all": True, "similarity": 0.61,
                                          "claims": [{"article": "a", "start": 0, "end": 52,
                                                      "text": "Police arrested three men after the Dunmore robbery."},
                                                     {"article": "b", "start": 10, "end": 70,
                                                      "text": "Three men were detained by officers after the robbery "
                                                              "in Dunmore."}]}]}],
          "articles": [{"id": "a"}, {"id": "b"}]}


def test_text_report_shows_each_outlets_wording_of_a_shared_claim():
    text = compare_to_text(SHARED, width=200)
    assert "Dunmore Ledger: Police arrested three men after the Dunmore robbery." in text
    assert "Harbour Herald: Three men were detained by officers after the robbery in Dunmore." in text


def test_counts_are_written_in_words_with_their_plurals():
    from spinscope.render.compare import _count

    assert [_count(1, "article"), _count(3, "article"), _count(1, "story", "stories"),
            _count(2, "story", "stories")] == ["1 article", "3 articles", "1 story", "2 stories"]


def test_compare_help_gives_the_default_story_threshold():
    from spinscope.cluster import DEFAULT_STORY_THRESHOLD
    from cli_helpers import run_cli

    proc = run_cli("compare", "--help")
    assert f"default {DEFAULT_STORY_THRESHOLD:g}" in " ".join(proc.stdout.decode().split())


def test_html_report_lists_each_story_quote_with_its_speaker():
    from spinscope.render.compare import compare_to_html

    result = {"stories": [{"id": "s1", "articles": [{"id": "a"}, {"id": "b"}], "profiles": []}],
              "articles": [{"id": "a", "outlet": "Ledger", "story": "s1",
                            "quotes": [{"text": "We acted fast,", "speaker": "Ann Cole"}]},
                           {"id": "b", "outlet": "Herald", "story": "s1",
                            "quotes": [{"text": "Never", "speaker": None}]}]}
    page = compare_to_html(result)
    assert "Direct quotes (2)" in page and "“We acted fast,” — Ann Cole" in page
    assert "“Never” — no speaker found" in page


def test_html_report_tables_and_charts_scroll_in_named_focusable_boxes_and_charts_have_a_text():
    """On a phone the side-by-side table and the 880-px charts widened the page to 916 px; each now scrolls in its
    own box, a named region in the Tab order (axe's "scrollable-region-focusable"); the charts, role="img", had no
    text alternative (axe's "svg-img-alt")."""
    import re

    story = {"id": "story-1", "label": ["Dunmore"],
             "articles": [{"id": "a", "outlet": "Dunmore Ledger", "title": "Robbery"},
                          {"id": "b", "outlet": "Harbour Herald", "title": "Arrests"}],
             "profiles": [{"article": "a", "outlet": "Dunmore Ledger", "technique_density": {"Doubt": 2.5},
                           "technique_counts": {"Doubt": 1}, "sources": {"by_kind": {"official": 2}}},
                          {"article": "b", "outlet": "Harbour Herald", "technique_density": {"Doubt": 1.0},
                           "technique_counts": {"Doubt": 1}, "sources": {"by_kind": {"anonymous": 1}}}],
             "sources": [{"name": "Police", "kind": "official", "articles": ["a", "b"], "mentions": 2}]}
    html = compare_to_html({"stories": [story], "articles": story["articles"]})
    regions = re.findall(r'<div class="scroll" role="region" aria-label="([^"]*)" tabindex="0">', html)
    assert regions == ["story-1: outlets side by side", "story-1: technique density per outlet",
                       "story-1: technique counts and density", "story-1: sources cited per outlet",
                       "story-1: sources cited"]
    assert html.count("<table") == 3 and html.count("<svg") == 2  # each of them in one of the boxes
    labels = re.findall(r'<svg role="img" aria-label="([^"]*)"', html)
    assert labels == ["story-1: technique density per outlet: Dunmore Ledger 2.5 spans/1k words; Harbour Herald "
                      "1.0 spans/1k words",
                      "story-1: sources cited per outlet: Dunmore Ledger 2.0 sources; Harbour Herald 1.0 sources"]
    assert ".scroll{overflow-x:auto" in html and ".scroll:focus-visible{outline:3px" in html
