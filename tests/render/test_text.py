"""Terminal (Rich) view: content, nesting markers, missing fields, no colour, no markup or control injection."""

from __future__ import annotations

import io
import re

from rich.console import Console

from spinscope.render.text import print_text, to_text
from spinscope.segment import segment
from spinscope.taxonomy import BY_NAME
from spinscope.types import Article

TEXT = ("The council's outrageous, disastrous decision shocked residents.\n"
        "\n"
        "Every true patriot will stand behind this law, the mayor said.\n"
        "Either we close the bridge tomorrow or we lose the city.")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def at(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def make_result(text: str = TEXT, spans=(), **fields) -> dict:
    article = segment(Article(text=text, **fields))
    for phrase, technique, confidence in spans:
        article.add_span(*at(text, phrase), technique, confidence)
    return article.to_dict()


def full_result() -> dict:
    result = make_result(
        spans=[("outrageous, disastrous decision", "Loaded_Language", 0.83),
               ("disastrous", "Exaggeration-Minimisation", 0.55),
               ("Every true patriot will stand behind this law", "Flag_Waving", 0.91),
               ("Either we close the bridge tomorrow or we lose the city.", "False_Dilemma-No_Choice", 0.77)],
        title="Bridge closure", outlet="The Daily Example", language="en")
    result["genre"] = {"label": "opinion", "probabilities": {"reporting": 0.15, "opinion": 0.78, "satire": 0.07}}
    result["frames"] = [{"frame": "Political", "probability": 0.9, "paragraphs": [3, 4]}]
    result["summary"]["propaganda_score"] = 42.5
    result["summary"]["score"] = {"value": 42.5, "definition": "Weighted share of text covered by techniques.",
                                  "evidence": [dict(result["spans"][2], contribution=3.25)],
                                  "components": {"character_share": 0.4, "sentence_share": 0.45}}
    result["warnings"] = ["the frames model is a test stand-in"]
    return result


def test_header_overview_body_footnotes_summary_and_warnings():
    output = to_text([full_result()], width=120)
    assert "Bridge closure" in output
    assert "The Daily Example" in output and "language: en" in output and f"{len(TEXT.split())} words" in output
    assert "Opinion 78%" in output and "reporting 15%" in output
    assert "Political 90%" in output and "paragraphs 2, 3" in output  # lines 3 and 4, after the title
    assert "42.5 / 100" in output and "Weighted share of text covered by techniques." in output
    assert "[3] “Every true patriot will stand behind this law” — Flag waving (0.91), +3.2 points" in output
    assert "C (character share) = 0.400, S (sentence share) = 0.450" in output
    explanation = BY_NAME["Loaded_Language"].explanation
    assert f"[1] Loaded language (0.83) “outrageous, disastrous decision”: {explanation[:30]}" in output
    assert re.search(r"Flag waving\s+Justification\s+1\s+0\.91", output)
    assert "! the frames model is a test stand-in" in output


def test_nested_spans_get_nested_braces_and_numbers_in_plain_text():
    output = to_text([full_result()], width=200)
    assert "The council's {outrageous, {disastrous}[2] decision}[1] shocked residents." in output
    assert "{Either we close the bridge tomorrow or we lose the city.}[4]" in output


def test_plain_text_body_is_the_original_text_once_markers_are_removed():
    output = to_text([full_result()], width=500)
    body = output.split("Article text\n", 1)[1].split("\nHighlights", 1)[0]
    unmarked = re.sub(r"\}\[\d+\]", "", body).replace("{", "")
    expected = [line for line in TEXT.split("\n") if line.strip()]
    assert [line for line in unmarked.split("\n") if line.strip()] == expected


def test_spans_at_text_start_and_end_and_crossing_spans():
    text = "Alpha beta gamma delta"
    result = make_result(text, [("Alpha beta", "Doubt", 0.6), ("beta gamma", "Slogans", 0.7),
                                ("delta", "Repetition", 0.5)])
    output = to_text([result], width=200)
    # crossing spans: [1] opens first, [2] opens inside it and outlives it
    assert "{Alpha {beta}[1] gamma}[2] {delta}[3]" in output


def test_to_text_has_no_colour_codes_and_coloured_console_has_technique_backgrounds():
    result = full_result()
    assert not ANSI.search(to_text([result]))
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, color_system="truecolor", width=120)
    print_text([result], console)
    coloured = buffer.getvalue()
    assert "48;2;255;204;0" in coloured  # Loaded_Language background #ffcc00
    assert "48;2;255;140;105" in coloured  # the nested Exaggeration span (#ff8c69) wins inside it
    assert "{outrageous" not in ANSI.sub("", coloured)  # with colour, no braces are needed


def test_no_color_console_falls_back_to_braces():
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, no_color=True, width=200)
    print_text([full_result()], console)
    assert "{outrageous, {disastrous}[2] decision}[1]" in ANSI.sub("", buffer.getvalue())
    assert "48;2;" not in buffer.getvalue()


def test_score_computed_by_aggregate_is_shown_with_its_evidence():
    from spinscope.aggregate import score_article

    article = segment(Article(text=TEXT, title="Scored"))
    article.add_span(*at(TEXT, "Every true patriot will stand behind this law"), "Flag_Waving", 0.9)
    score_article(article)
    result = article.to_dict()
    output = to_text([result], width=200)
    assert f"{result['summary']['propaganda_score']:.1f} / 100" in output
    assert "[1] “Every true patriot will stand behind this law” — Flag waving (0.90)" in output


def test_missing_fields_render_gracefully():
    minimal = {"text": "Just a sentence with nothing found."}
    output = to_text([minimal])
    assert "(untitled article)" in output
    assert output.count("not available") == 3  # genre, frames, score
    assert "No persuasion techniques were found." in output
    assert "Just a sentence with nothing found." in output
    empty = {"text": "", "genre": None, "frames": None, "summary": None, "spans": None, "warnings": None}
    assert "(no text)" in to_text([empty])


def test_rich_markup_in_article_strings_is_shown_literally():
    text = "Read [bold red]this[/bold red] and [link=https://evil.example]that[/link] now."
    result = make_result(text, [("[bold red]this[/bold red]", "Slogans", 0.9)],
                         title="[blink]Title[/blink]", outlet="[u]Outlet[/u]")
    for output in (to_text([result], width=200), _coloured([result])):
        plain = ANSI.sub("", output)
        assert "[blink]Title[/blink]" in plain and "[u]Outlet[/u]" in plain
        assert "[link=https://evil.example]that[/link]" in plain
        assert "\x1b]8;" not in output  # no hyperlink escape was produced


def test_control_characters_cannot_reach_the_terminal():
    text = "Normal words \x1b[2J\x1b]0;owned\x07 more words.\r\nNext line\r\n"
    result = make_result(text, [("more words", "Loaded_Language", 0.7)], title="Evil \x1b[31mred\x1b[0m title")
    output = _coloured([result])
    without_our_codes = ANSI.sub("", output)
    assert "\x1b" not in without_our_codes.replace("\x1b]8;", "") and "\x07" not in output
    assert "␛[2J" in without_our_codes and "Evil ␛[31mred␛[0m title" in without_our_codes


def test_spans_outside_the_text_are_skipped_with_a_warning():
    result = make_result("Short text here.")
    result["spans"] = [{"start": 3, "end": 999, "technique": "Doubt", "confidence": 0.5},
                       {"start": "x", "end": 2, "technique": "Doubt"},
                       {"start": 0, "end": 5, "technique": "Doubt", "confidence": 0.5}]
    output = to_text([result], width=200)
    assert "{Short}[1] text here." in output
    assert "2 span(s) with offsets outside the text were not shown" in output


def test_unknown_technique_names_are_shown_without_crashing():
    result = make_result("Some odd wording.", [("odd", "Made_Up_Technique", 0.4)])
    output = to_text([result], width=200)
    assert "{odd}[1]" in output and "Made Up Technique (0.40)" in output


def test_several_articles_are_all_printed():
    first = make_result("First text body.", title="First")
    second = make_result("Second text body.", title="Second")
    output = to_text([first, second])
    assert output.index("First text body.") < output.index("Second text body.")


def test_unicode_text_survives():
    text = "Émile said 😀 naïve e\u0301 مرحبا بالعالم 你好世界"
    result = make_result(text, [("مرحبا", "Loaded_Language", 0.6), ("😀 naïve", "Doubt", 0.5)])
    output = to_text([result], width=200)
    assert "{مرحبا}[2]" in output and "{😀 naïve}[1]" in output and "e\u0301" in output


def _coloured(results) -> str:
    buffer = io.StringIO()
    print_text(results, Console(file=buffer, force_terminal=True, color_system="truecolor", width=200))
    return buffer.getvalue()


def test_fields_of_the_wrong_type_are_ignored_with_a_warning():
    broken = {"text": "Some text here.", "title": ["not", "text"], "spans": 3, "summary": "high",
              "frames": [{"frame": "Political", "paragraphs": 7}], "genre": {"label": "opinion", "probabilities": 1}}
    output = to_text([broken], width=200)
    assert "Some text here." in output and "Opinion" in output and "Political" in output
    assert "field 'title' should be text, not list; it was ignored" in output
    assert "field 'spans' has the wrong type (int); it was ignored" in output


def test_footnotes_give_an_example_in_the_articles_language_once_per_technique():
    from spinscope.taxonomy_i18n import EXAMPLES

    text = "Una decisione scandalosa e vergognosa.\nO chiudiamo il ponte o perdiamo la città. Davvero scandalosa."
    result = make_result(text, spans=[("scandalosa e vergognosa", "Loaded_Language", 0.8),
                                      ("O chiudiamo il ponte o perdiamo la città.", "False_Dilemma-No_Choice", 0.7),
                                      ("Davvero scandalosa", "Loaded_Language", 0.6)], language="it")
    output = " ".join(to_text(result, width=400).split("Highlights", 1)[1].split())
    loaded, dilemma = EXAMPLES["Loaded_Language"]["it"], EXAMPLES["False_Dilemma-No_Choice"]["it"]
    assert output.count(f"Example (Italian): {loaded}") == 1
    assert output.count(f"Example (Italian): {dilemma}") == 1
    assert output.index(loaded) < output.index("[2] ") < output.index(dilemma) < output.index("[3] ")


def test_english_and_unknown_languages_get_no_example_footnote():
    for language in ("en", "es", ""):
        result = full_result()
        result["language"] = language
        assert "Example (" not in to_text(result)


def test_no_rows_say_whether_techniques_were_not_found_not_analysed_or_hidden():
    from spinscope.render.html import to_html

    base = {"text": "Plain words here.", "spans": []}
    cases = [({**base, "models": {"techniques": "v1"}}, "No persuasion techniques were found."),
             ({**base, "models": {}}, "Techniques were not analysed"),
             ({**base, "models": {"techniques": "v1"}, "summary": {"hidden_spans": 4}}, "all 4 are below")]
    for result, says in cases:
        assert says in to_text([result]) and says in to_html([result])


def test_frame_names_read_as_words_with_their_comma():
    from spinscope.render import display_name

    assert display_name("Legality_Constitutionality_and_jurisprudence") == \
        "Legality, constitutionality and jurisprudence"
    assert display_name("Crime_and_punishment") == "Crime and punishment"


def test_the_evidence_heading_counts_the_same_spans_as_the_score_facts():
    from pathlib import Path

    from spinscope import analyze
    from spinscope.render import evidence_heading
    from spinscope.render.html import to_html
    from spinscope.render.text import to_text

    assert evidence_heading(3, 3) == "the 3 strongest spans" and evidence_heading(1, 1) == "the 1 strongest span"
    assert evidence_heading(3, 10) == "the 3 strongest of those 10 spans"
    example = Path(__file__).resolve().parents[2] / "src" / "spinscope" / "examples" / "council_budget.txt"
    result = analyze(str(example)).to_dict()
    listed = len(result["summary"]["score"]["evidence"])
    for rendered in (to_text(result, width=200), to_html(result)):
        said = re.search(r"the (\d+) strongest spans add", rendered)
        heading = re.search(r"the (\d+) strongest (?:of those (\d+) )?spans?\)", rendered)
        assert said and heading, rendered[:500]
        shown, of = int(heading.group(1)), int(heading.group(2) or heading.group(1))
        assert of == int(said.group(1)) == listed and shown <= of
