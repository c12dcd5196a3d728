"""HTML report: well-formed nesting, exact text, escaping of hostile input, CSP, links and ids."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spinscope.render.html import asset, safe_url, to_html
from spinscope.segment import segment
from spinscope.taxonomy import BY_NAME
from spinscope.types import Article

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: dict, parent: "Node | None"):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs) -> list["Node"]:
        return [n for n in self.iter()
                if (tag is None or n.tag == tag)
                and (cls is None or cls in (n.attrs.get("class") or "").split())
                and all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())]

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class StrictTreeBuilder(HTMLParser):
    """Builds a tree and fails on any end tag that does not close the innermost open element."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, dict(attrs), self.current))

    def handle_endtag(self, tag):
        assert tag == self.current.tag, f"</{tag}> closes <{self.current.tag}>: not well-formed"
        self.current = self.current.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(page: str) -> Node:
    builder = StrictTreeBuilder()
    builder.feed(page)
    builder.close()
    assert builder.current is builder.root, f"<{builder.current.tag}> never closed"
    return builder.root


def at(text: str, phrase: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(phrase, start + 1)
    return start, start + len(phrase)


def make_result(text: str, spans=(), **fields) -> dict:
    article = segment(Article(text=text, **fields))
    for start, end, technique, confidence in spans:
        article.add_span(start, end, technique, confidence)
    return article.to_dict()


def body_lines(root: Node, prefix: str = "a0") -> list[str]:
    body = root.find_all("div", id=f"{prefix}-text")[0]
    return [p.text() for p in body.find_all("p", cls="ptext")]


def fragments_text(root: Node, span_id: str) -> str:
    """Text of a span as shown: its marks (a crossing span is split into several), in document order."""
    return "".join(m.text() for m in root.find_all("mark", data_span=span_id))


def line_ranges(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line; a line ends at "\r\n", a bare "\r" or "\n" (the break itself excluded)."""
    ranges, position = [], 0
    for match in re.finditer("\r\n|\r|\n", text):
        ranges.append((position, match.start()))
        position = match.end()
    return ranges + [(position, len(text))]


def expected_visible(text: str, start: int, end: int) -> str:
    """text[start:end] without the line breaks and blank lines that separate paragraphs."""
    return "".join(text[max(start, left):min(end, right)] if start < right and end > left else ""
                   for left, right in line_ranges(text) if text[left:right].strip())


def check_page(result: dict) -> Node:
    """Well-formed; paragraphs re-concatenate to the text; each span's marks show exactly text[start:end]."""
    root = parse(to_html([result]))
    text = result["text"]
    assert body_lines(root) == [text[a:b] for a, b in line_ranges(text) if text[a:b].strip()]
    for number, span in enumerate(sorted(result["spans"], key=lambda s: (s["start"], -s["end"])), 1):
        assert fragments_text(root, f"a0-s{number}") == expected_visible(text, span["start"], span["end"])
    return root


TEXT = ("City Hall’s outrageous, disastrous decision shocked residents on Monday.\n\n"
        "Every true patriot will stand behind this law. Either we close the bridge or we lose the city.\n"
        "Critics — a tiny band of so-called experts — disagree.")


def sample() -> dict:
    spans = [(*at(TEXT, "outrageous, disastrous decision"), "Loaded_Language", 0.83),
             (*at(TEXT, "disastrous"), "Exaggeration-Minimisation", 0.55),
             (*at(TEXT, "Every true patriot will stand behind this law"), "Flag_Waving", 0.91),
             (*at(TEXT, "a tiny band of so-called experts"), "Name_Calling-Labeling", 0.88),
             (*at(TEXT, "so-called experts — disagree."), "Doubt", 0.4)]
    result = make_result(TEXT, spans, title="Bridge closure", outlet="The Daily Example", language="en",
                         url="https://example.org/news/bridge")
    result["genre"] = {"label": "opinion", "probabilities": {"reporting": 0.15, "opinion": 0.78, "satire": 0.07}}
    result["frames"] = [{"frame": "Political", "probability": 0.9, "paragraphs": [3, 4]},
                        {"frame": "Economic", "probability": 0.4, "paragraphs": [2]}]  # line 2 is blank
    result["summary"]["propaganda_score"] = 37.5
    result["summary"]["score"].update({"value": 37.5, "definition": "Weighted share of text covered by techniques.",
                                       "percentile": 81.0, "evidence": [dict(result["spans"][2], contribution=4.0)],
                                       "note": "A note from the scorer."})
    return result


def test_nested_and_crossing_spans_are_well_formed_and_exact():
    root = check_page(sample())
    # "disastrous" (span 2) is nested inside span 1: its mark sits inside span 1's mark
    inner = root.find_all("mark", data_span="a0-s2")
    assert len(inner) == 1 and any(a.attrs.get("data-span") == "a0-s1" for a in inner[0].ancestors())
    # spans 4 and 5 cross: span 5 is split, part inside span 4's mark and part after it
    crossing = root.find_all("mark", data_span="a0-s5")
    assert len(crossing) == 2
    assert any(a.attrs.get("data-span") == "a0-s4" for a in crossing[0].ancestors())
    assert not any(a.attrs.get("data-span") == "a0-s4" for a in crossing[1].ancestors())


INTERACTIVE_TAGS = {"button", "input", "select", "textarea", "summary", "iframe", "audio", "video"}
INTERACTIVE_ROLES = {"button", "link", "checkbox", "radio", "switch", "tab", "menuitem", "option", "slider",
                     "textbox", "combobox", "spinbutton", "treeitem"}


def interactive(node: Node) -> bool:
    """A control: a focusable element or one with a widget role (what axe's "nested-interactive" looks at)."""
    return (node.tag in INTERACTIVE_TAGS or (node.tag == "a" and "href" in node.attrs) or "tabindex" in node.attrs
            or node.attrs.get("role") in INTERACTIVE_ROLES)


def test_no_control_sits_inside_another_even_where_highlights_overlap():
    root = check_page(sample())  # spans 1 and 2 nest, spans 4 and 5 cross
    controls = [n for n in root.iter() if interactive(n)]
    assert controls
    for control in controls:
        outer = [a for a in control.ancestors() if interactive(a)]
        assert not outer, f"<{control.tag} {control.attrs}> sits inside <{outer[0].tag} {outer[0].attrs}>"
    # the highlights themselves are plain, nested <mark> elements: no role, not focusable
    assert all(not interactive(mark) for mark in root.find_all("mark"))


def test_each_span_has_one_numbered_button_at_its_end_that_names_and_describes_it():
    result = sample()
    root = check_page(result)  # the buttons add no text: every line and span still reads exactly as the input
    ordered = sorted(result["spans"], key=lambda s: (s["start"], -s["end"]))
    for number, span in enumerate(ordered, 1):
        span_id = f"a0-s{number}"
        marks = root.find_all("mark", data_span=span_id)
        (button,) = root.find_all(cls="hl-n", data_span=span_id)
        assert button.parent is marks[-1], "the number closes the span's last mark"
        assert button.attrs["role"] == "button" and button.attrs["tabindex"] == "0"
        assert button.attrs["aria-expanded"] == "false" and not button.children
        assert button.attrs["data-n"] == str(number) and button.text() == ""
        label = BY_NAME[span["technique"]].label
        assert button.attrs["aria-label"] == f"Highlight {number}: {label}"
        assert marks[0].attrs["id"] == span_id and all("id" not in m.attrs for m in marks[1:])
        note = root.find_all(id=button.attrs["aria-describedby"])[0]
        assert note.find_all(cls="n-label")[0].text() == label
        assert note.find_all(cls="n-expl")[0].text() == BY_NAME[span["technique"]].explanation
    note = root.find_all(id="a0-s5-note")[0]
    assert note.find_all(cls="n-conf")[0].text() == "confidence 0.40"
    # the crossing span 5 is split into two marks; only the second ends in its number
    marks = root.find_all("mark", data_span="a0-s5")
    assert len(marks) == 2 and not marks[0].find_all(cls="hl-n") and marks[1].find_all(cls="hl-n", data_span="a0-s5")


def test_technique_colours_come_from_the_taxonomy():
    page = to_html([sample()])
    root = parse(page)
    mark = root.find_all("mark", data_span="a0-s1")[0]
    css_class = mark.attrs["data-t"]
    assert f".{css_class}{{--c:{BY_NAME['Loaded_Language'].colour};" in page
    assert css_class in mark.attrs["class"].split()


def test_overview_score_genre_frames_and_links_point_at_existing_elements():
    page = to_html([sample()])
    root = parse(page)
    ids = [n.attrs["id"] for n in root.iter() if "id" in n.attrs]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for link in root.find_all("a"):
        href = link.attrs.get("href", "")
        if href.startswith("#"):
            assert href[1:] in ids, f"dangling link {href}"
    assert root.find_all(cls="big")[0].text() == "37.5"
    assert "Percentile 81 of the reference articles (0 lowest, 100 highest)." in root.find_all(cls="percentile")[0].text()
    assert "Weighted share of text covered by techniques." in root.find_all(cls="definition")[0].text()
    evidence = root.find_all("ol", cls="evidence")[0]
    assert evidence.find_all("a")[0].attrs["href"] == "#a0-s3" and "Every true patriot" in evidence.text()
    assert "Flag waving · 0.91 · +4.0 points" in evidence.text()
    assert "A note from the scorer." in [n.text() for n in root.find_all(cls="definition")]
    assert root.find_all(cls="genre-label")[0].text() == "Opinion"
    frames = root.find_all("ul", cls="frames")[0]
    assert [a.attrs["href"] for a in frames.find_all("a")] == ["#a0-line-3", "#a0-line-4"]
    # paragraphs as a reader counts them (lines 3 and 4 are the 2nd and 3rd, after the title); blank line 2 is
    # named by its line and not linked
    assert [a.text() for a in frames.find_all("a")] == ["¶2", "¶3"] and "line 2" in frames.text()
    assert "#a0-g0{width:78.0%}" in page  # bars are sized by stylesheet rules, not style attributes


def test_evidence_from_the_real_scorer_links_to_the_highlights():
    from spinscope.aggregate import score_article

    article = segment(Article(text=TEXT))
    for phrase, technique in [("outrageous", "Loaded_Language"), ("Every true patriot", "Flag_Waving")]:
        article.add_span(*at(TEXT, phrase), technique, 0.9)
    result = score_article(article).to_dict()
    root = parse(to_html([result]))
    hrefs = [a.attrs["href"] for a in root.find_all("ol", cls="evidence")[0].find_all("a")]
    assert sorted(hrefs) == ["#a0-s1", "#a0-s2"]


def test_legend_lists_each_technique_present_once_with_its_count():
    root = parse(to_html([sample()]))
    chips = root.find_all("button", cls="chip")
    labels = {c.find_all(cls="count")[0].parent.text().rsplit(" ", 1)[0]: c for c in chips}
    assert set(labels) == {BY_NAME[t].label for t in ("Loaded_Language", "Exaggeration-Minimisation",
                                                      "Flag_Waving", "Name_Calling-Labeling", "Doubt")}
    assert all(c.attrs["aria-pressed"] == "true" and c.attrs["type"] == "button" for c in chips)


def test_summary_table_has_counts():
    result = sample()
    result["summary"]["technique_counts"] = {"Doubt": 4, "Flag_Waving": 1}
    root = parse(to_html([result]))
    table = root.find_all("section", cls="summary")[0]
    rows = [[td.text() for td in tr.find_all("td")] for tr in table.find_all("tr")[1:]]
    assert rows[0][:3] == [BY_NAME["Doubt"].label, "Attack on reputation", "4"]
    assert rows[1][:3] == [BY_NAME["Flag_Waving"].label, "Justification", "1"]


PAYLOADS = ["<script>window.__pwned=1;alert(1)</script>", "<img src=x onerror=\"window.__pwned=2\">",
            "\"><svg onload=\"window.__pwned=3\">", "'><iframe src=javascript:alert(4)>"]


def hostile_result() -> dict:
    text = f"Intro {PAYLOADS[0]} middle {PAYLOADS[1]}\nSecond line {PAYLOADS[2]} end {PAYLOADS[3]}"
    spans = [(*at(text, PAYLOADS[1]), "Loaded_Language", 0.9), (*at(text, "middle"), "Doubt", 0.5)]
    result = make_result(text, spans, title=PAYLOADS[0] + PAYLOADS[2], outlet=PAYLOADS[1], language=PAYLOADS[2],
                         url="javascript:window.__pwned=5", published=PAYLOADS[3])
    result["spans"].append({"start": 0, "end": 5, "technique": PAYLOADS[1], "confidence": 0.5,
                            "explanation": PAYLOADS[0], "text": "Intro"})
    result["summary"]["technique_counts"][PAYLOADS[1]] = 1
    result["genre"] = {"label": PAYLOADS[2], "probabilities": {PAYLOADS[2]: 0.9, PAYLOADS[0]: 0.1}}
    result["frames"] = [{"frame": PAYLOADS[1], "probability": 0.5, "paragraphs": [1]}]
    result["summary"]["score"] = {"value": 10.0, "definition": PAYLOADS[0], "evidence": [result["spans"][0]]}
    result["warnings"] = [PAYLOADS[3]]
    result["models"] = {PAYLOADS[1]: PAYLOADS[0]}
    return result


def test_hostile_strings_are_escaped_everywhere():
    result = hostile_result()
    page = to_html([result, hostile_result()])
    root = parse(page)
    assert [n.tag for n in root.find_all("script")] == ["script"]  # only the report's own script
    assert not root.find_all("img") and not root.find_all("svg") and not root.find_all("iframe")
    for node in root.iter():
        for name, value in node.attrs.items():
            assert not name.startswith("on"), f"event handler attribute on <{node.tag}>"
            assert name != "style", "style attributes are blocked by the CSP"
            if name in ("href", "src"):
                assert value.startswith(("#", "https://", "http://")), value
    # the strings are still shown, as text
    assert root.find_all("h2", id="a0-title")[0].text() == PAYLOADS[0] + PAYLOADS[2]
    assert root.find_all(cls="outlet")[0].text() == PAYLOADS[1]
    assert root.find_all(cls="url")[0].tag == "span"  # javascript: URL is not a link
    assert body_lines(root) == [line for line in result["text"].split("\n") if line.strip()]
    assert "lang=\"\\\"" not in page and "lang=\"&quot;" not in page  # an invalid language tag is dropped


def test_content_security_policy_allows_only_the_pages_own_style_and_script():
    page = to_html([sample()])
    root = parse(page)
    policy = root.find_all("meta", http_equiv="Content-Security-Policy")[0].attrs["content"]
    style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    script = re.search(r"<script>(.*?)</script>", page, re.S).group(1)

    def digest(source: str) -> str:
        return base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()

    assert "default-src 'none'" in policy and "unsafe" not in policy
    assert f"style-src 'sha256-{digest(style)}'" in policy
    assert f"script-src 'sha256-{digest(script)}'" in policy
    assert page.index("Content-Security-Policy") < page.index("<style>")
    assert "http://" not in style + script and "https://" not in style + script and "@import" not in style


@pytest.mark.parametrize("url, linked", [
    ("https://example.org/a?b=1&c=2", True), ("http://example.org", True), ("javascript:alert(1)", False),
    ("JAVASCRIPT:alert(1)", False), ("data:text/html,<script>", False), ("//evil.example/x", False),
    ("/relative/path", False), ("https://exa mple.org", False), ("", False)])
def test_only_http_urls_become_links(url, linked):
    assert (safe_url(url) is not None) == linked
    root = parse(to_html([make_result("Some text.", url=url)]))
    links = [a for a in root.find_all("a", cls="url")]
    assert bool(links) == linked
    if linked:
        assert links[0].attrs["href"] == url and "noopener" in links[0].attrs["rel"]


def test_several_articles_get_a_contents_table_and_separate_sections():
    first, second = sample(), make_result("Another text, fully different.", title="Second one")
    root = parse(to_html([first, second]))
    toc = root.find_all("nav", cls="toc")[0]
    assert [a.attrs["href"] for a in toc.find_all("a")] == ["#a0", "#a1"]
    assert [a.text() for a in toc.find_all("a")] == ["Bridge closure", "Second one"]
    assert body_lines(root, "a1") == ["Another text, fully different."]
    assert root.find_all("h1")[0].text() == "Spinscope report"


def test_missing_fields_render_gracefully():
    root = parse(to_html([{"text": "Only text here."}]))
    assert body_lines(root) == ["Only text here."]
    missing = [n.text() for n in root.find_all(cls="missing")]
    assert {"No score result for this article.", "No genre result for this article.",
            "No frame result for this article.", "No persuasion techniques were found."} <= set(missing)
    parse(to_html([{"text": "", "spans": None, "genre": None, "frames": None, "summary": None}]))


def test_paragraph_level_predictions_are_shown_outside_the_text():
    result = make_result("One paragraph.\nTwo paragraph.")
    result["paragraphs"][1]["techniques"] = ["Doubt"]
    result["paragraphs"][1]["scores"] = {"Doubt": 0.64}
    root = parse(to_html([result]))
    tags = root.find_all("div", id="a0-line-2")[0].find_all("ul", cls="ptags")[0]
    assert tags.text() == f"{BY_NAME['Doubt'].label} 0.64"
    assert body_lines(root) == ["One paragraph.", "Two paragraph."]


UNICODE_TEXT = ("😀 Emoji first, family 👨‍👩‍👧 and flags 🇫🇷 here.\n"
                "Combining: cafe\u0301 and n\u0303 and Zalgo z\u0336\u0337a\u0335.\n"
                "  \t indented line with trailing spaces   \r\n"
                "RTL: مرحبا بالعالم and עברית mixed with English.\n"
                "CJK 你好世界 ends with emoji 🎉")


def test_multibyte_combining_rtl_and_spans_at_both_ends():
    text = UNICODE_TEXT
    spans = [(0, 1, "Loaded_Language", 0.9),                       # the first character, an emoji
             (*at(text, "😀 Emoji first"), "Doubt", 0.5),
             (*at(text, "👨‍👩‍👧"), "Slogans", 0.7),
             (*at(text, "cafe\u0301"), "Repetition", 0.6),
             (*at(text, "e\u0301 and n\u0303"), "Doubt", 0.55),      # starts between base and accent's word
             (*at(text, "مرحبا بالعالم"), "Flag_Waving", 0.8),
             (*at(text, "بالعالم and עברית"), "Appeal_to_Values", 0.4),
             (*at(text, "indented"), "Slogans", 0.3),
             (*at(text, "spaces   \r\nRTL"), "Doubt", 0.3),            # crosses a line break
             (len(text) - 1, len(text), "Exaggeration-Minimisation", 0.5),  # the last character
             (*at(text, "ends with emoji 🎉"), "Loaded_Language", 0.7)]
    root = check_page(make_result(text, spans))
    assert body_lines(root)[2] == "  \t indented line with trailing spaces   "  # its "\r\n" is the line break


def test_crlf_and_bare_cr_are_line_breaks_not_characters_of_the_line():
    for text in ("Line one\r\nLine two", "Line one\rLine two"):
        root = parse(to_html([make_result(text)]))
        assert body_lines(root) == ["Line one", "Line two"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_overlapping_spans_stay_well_formed_and_exact(data):
    text = data.draw(st.text(alphabet=list("ab <&\"'\n\té😀\u0301א"), min_size=1, max_size=60), label="text")
    count = data.draw(st.integers(0, 8), label="count")
    spans = []
    for _ in range(count):
        start = data.draw(st.integers(0, len(text) - 1))
        end = data.draw(st.integers(start + 1, len(text)))
        technique = data.draw(st.sampled_from(["Doubt", "Slogans", "Loaded_Language", "Not_A_Technique"]))
        spans.append((start, end, technique, data.draw(st.floats(0, 1))))
    check_page(make_result(text, spans))


def test_fields_of_the_wrong_type_are_ignored_with_a_warning():
    broken = {"text": "Some text here.", "outlet": {"a": 1}, "spans": "many", "summary": {"score": 5},
              "paragraphs": [{"line": 1, "techniques": True, "scores": None}], "warnings": "one"}
    root = parse(to_html([broken]))
    assert body_lines(root) == ["Some text here."]
    warnings = [li.text() for li in root.find_all("aside", cls="warnings")[0].find_all("li")]
    assert warnings == ["field 'outlet' should be text, not dict; it was ignored",
                        "field 'spans' has the wrong type (str); it was ignored",
                        "field 'warnings' has the wrong type (str); it was ignored",
                        "field 'summary.score' has the wrong type (int); it was ignored"]


def test_embeddable_sections_match_the_full_page():
    from spinscope.render.html import report_sections

    result = sample()
    sections, css = report_sections([result])
    page = to_html([result])
    assert sections.split('<div id="spinscope-tip"')[0].strip() in page
    assert css and css in page
    root = parse(sections)
    assert body_lines(root) == [line for line in TEXT.split("\n") if line.strip()]
    assert root.find_all("div", id="spinscope-tip")


ITALIAN = ("Il sindaco ha preso una decisione scandalosa e vergognosa.\n"
           "O chiudiamo il ponte domani, o perdiamo la città. Una scelta scandalosa.")


def italian_result(language: str = "it") -> dict:
    spans = [(*at(ITALIAN, "scandalosa e vergognosa"), "Loaded_Language", 0.8),
             (*at(ITALIAN, "O chiudiamo il ponte domani, o perdiamo la città."), "False_Dilemma-No_Choice", 0.7),
             (*at(ITALIAN, "scandalosa", 1), "Loaded_Language", 0.6)]
    return make_result(ITALIAN, spans, title="Il ponte", language=language)


def note_examples(root: Node) -> list[tuple[str, str, str | None, bool]]:
    """(technique label, example text, its lang attribute, shown in the notes column) for each note."""
    rows = []
    for note in root.find_all("li", cls="note"):
        label = note.find_all(cls="n-label")[0].text()
        for example in note.find_all(cls="n-ex"):
            sentence = example.find_all(cls="n-ex-text")[0]
            rows.append((label, example.text(), sentence.attrs.get("lang"), "hidden" not in example.attrs))
    return rows


def test_an_italian_article_explains_each_technique_with_an_italian_example():
    from spinscope.taxonomy_i18n import EXAMPLES

    root = check_page(italian_result())
    loaded, dilemma = EXAMPLES["Loaded_Language"]["it"], EXAMPLES["False_Dilemma-No_Choice"]["it"]
    assert note_examples(root) == [
        (BY_NAME["Loaded_Language"].label, f"Example (Italian): {loaded}", "it", True),
        (BY_NAME["False_Dilemma-No_Choice"].label, f"Example (Italian): {dilemma}", "it", True),
        (BY_NAME["Loaded_Language"].label, f"Example (Italian): {loaded}", "it", False),  # tooltip only
    ]
    chip = [c for c in root.find_all("button", cls="chip") if BY_NAME["Loaded_Language"].label in c.text()][0]
    assert chip.attrs["title"] == f"{BY_NAME['Loaded_Language'].explanation}\nExample (Italian): {loaded}"


def test_a_regional_language_tag_finds_the_examples_too():
    from spinscope.taxonomy_i18n import EXAMPLES

    examples = note_examples(parse(to_html([italian_result("it-CH")])))
    assert examples[0][1:] == (f"Example (Italian): {EXAMPLES['Loaded_Language']['it']}", "it", True)


def test_an_english_article_keeps_its_example_for_the_tooltip_and_legend():
    root = parse(to_html([sample()]))
    examples = note_examples(root)
    assert len(examples) == len(sample()["spans"])
    assert all(lang == "en" and not shown for _, _, lang, shown in examples)
    assert examples[0][1] == f"Example (English): {BY_NAME['Loaded_Language'].example}"
    chip = [c for c in root.find_all("button", cls="chip") if BY_NAME["Flag_Waving"].label in c.text()][0]
    assert chip.attrs["title"].endswith(f"\nExample (English): {BY_NAME['Flag_Waving'].example}")


@pytest.mark.parametrize("language", ["es", "", "und", "it\"><script>alert(1)</script>"])
def test_other_or_unknown_languages_get_no_example(language):
    page = to_html([italian_result(language)])
    root = parse(page)
    assert note_examples(root) == []
    assert "Example (" not in page.split("<script>")[0]  # (the script itself names the class it reads)
    assert not root.find_all("script")[1:]  # only the report's own script


def test_fragments_for_embedding_pages():
    from spinscope.render.html import article_fragment, article_fragments

    first, second = sample(), italian_result()
    section, css = article_fragment(first)
    root = parse(section)
    assert [a.tag for a in root.find_all("article", cls="report")] == ["article"]
    assert root.find_all("h1", id="a0-title")[0].text() == "Bridge closure"
    assert not root.find_all(id="spinscope-tip")  # the embedding page holds the one tooltip
    assert section in to_html(first) and css in to_html(first)

    sections, shared_css = article_fragments([first, second])
    assert len(sections) == 2
    roots = [parse(s) for s in sections]
    assert roots[0].find_all("h2", id="a0-title") and roots[1].find_all("h2", id="a1-title")
    assert body_lines(roots[1], "a1") == ITALIAN.split("\n")
    # one stylesheet covers both: every technique class used in either section has its colour rule
    for root in roots:
        for mark in root.find_all("mark"):
            assert f".{mark.attrs['data-t']}{{--c:" in shared_css
    assert article_fragments([first, second], top_level=True)[0][0].count("<h1") == 1
    assert article_fragments([], top_level=False) == ([], "")


def test_highlighted_text_keeps_4_5_to_1_contrast_in_light_and_dark_mode():
    from spinscope.render import technique_colour
    from spinscope.taxonomy import TECHNIQUE_NAMES

    css = asset("report.css")
    light = css.split("@media (prefers-color-scheme: dark)")[0]
    dark = css.split("@media (prefers-color-scheme: dark)")[1].split("}")[0]

    def var(block: str, name: str) -> str:
        return re.search(rf"--{name}:\s*([^;]+);", block).group(1).strip()

    def rgb(colour: str) -> list[float]:
        colour = colour.lstrip("#")
        return [int(colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]

    def luminance(channels) -> float:
        linear = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for block in (light, dark):
        paper, ink = rgb(var(block, "paper")), rgb(var(block, "ink"))
        mix = float(var(block, "hl-mix").rstrip("%")) / 100
        for technique in TECHNIQUE_NAMES:  # the highlight: the colour mixed over the paper, the text on top
            colour = rgb(technique_colour(technique))
            behind = [p * (1 - mix) + c * mix for p, c in zip(paper, colour)]
            high, low = sorted((luminance(ink), luminance(behind)), reverse=True)
            assert (high + 0.05) / (low + 0.05) >= 4.5, (technique, block[:20])


def landmark_names(root: Node) -> list[str]:
    """The accessible names of the named landmarks: sections and asides with a label, and role="region"."""
    return [n.attrs.get("aria-label") for n in root.iter()
            if (n.tag in ("section", "aside", "nav") or n.attrs.get("role") == "region") and n.attrs.get("aria-label")]


def test_several_articles_on_one_page_give_each_landmark_a_name_of_its_own():
    """axe's "landmark-unique": with several articles on a page (a report of many, the compare page), each one's
    "Article text", "Article overview", ... regions were named alike; a screen reader's landmark list then offers
    five "Article text" and cannot tell them apart. Same title and outlet twice: the number still tells them apart."""
    from spinscope.render.html import article_fragments

    first, second = sample(), sample()  # two articles alike, down to their outlet
    third = make_result("Another text, fully different.", title="Second one")
    for page in (to_html([first, second, third]), "".join(article_fragments([first, second, third],
                                                                             top_level=False)[0])):
        names = landmark_names(parse(page))
        assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
        assert "Article text, article 1 (The Daily Example)" in names
        assert "Article text, article 2 (The Daily Example)" in names
        assert "Article text, article 3 (Second one)" in names  # no outlet: its title
        assert "Numbered highlights, article 2 (The Daily Example)" in names
    # one article on its page keeps the plain names
    names = landmark_names(parse(to_html([first])))
    assert {"Article text", "Article overview", "Techniques highlighted", "Numbered highlights",
            "Techniques found"} <= set(names)


def test_wide_tables_sit_in_named_focusable_scroll_boxes():
    """axe's "scrollable-region-focusable": on a phone the summary and contents tables are wider than the screen
    (they widened the whole page to 438-458 px on a 375 px one). Each now scrolls in its own box, which keyboard
    users must be able to focus to scroll: a region with a name, in the Tab order, with a focus ring."""
    for page, expected in ((to_html([sample()]), ["Techniques found"]),
                           (to_html([sample(), make_result("Another text.", title="Second one")]),
                            ["Contents table", "Techniques found, article 1 (The Daily Example)"])):
        root = parse(page)
        boxes = root.find_all("div", cls="scroll-region")
        assert [b.attrs.get("aria-label") for b in boxes] == expected
        for box in boxes:
            assert box.attrs.get("role") == "region" and box.attrs.get("tabindex") == "0"
            assert [c.tag for c in box.children if isinstance(c, Node)] == ["table"]
        # every table of the page is in such a box
        assert all(any(a.attrs.get("role") == "region" for a in t.ancestors()) for t in root.find_all("table"))
    css = asset("report.css")
    assert re.search(r"\.scroll-region \{[^}]*overflow-x: auto", css)
    assert re.search(r"\.scroll-region:focus-visible \{[^}]*outline: 3px solid", css)
