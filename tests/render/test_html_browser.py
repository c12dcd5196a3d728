"""The HTML report in a real browser (Debian's Chromium via Playwright): tooltips, keyboard, legend, and that
hostile article content cannot run script. Skips when no Chromium binary is installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinscope.render.html import to_html
from spinscope.segment import segment
from spinscope.taxonomy import BY_NAME
from spinscope.types import Article
from browser_helpers import NO_CHROMIUM, find_chromium, launched_chromium

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason=NO_CHROMIUM)

HOSTILE_TITLE = "<script>window.__pwned = 'title'; alert(1)</script>\"><svg onload=\"window.__pwned='svg'\">"
HOSTILE_OUTLET = "<img src=x onerror=\"window.__pwned='outlet'; alert(2)\">"
TEXT = ("The council's outrageous, disastrous decision shocked residents.\n"
        "Critics <img src=x onerror=\"window.__pwned='text'; alert(3)\"> say a tiny band of so-called experts "
        "runs the city.\n"
        "\"><svg onload=\"window.__pwned='svg2'\"> Rules are rules.")


def at(phrase: str) -> tuple[int, int]:
    start = TEXT.index(phrase)
    return start, start + len(phrase)


def report_result() -> dict:
    article = segment(Article(text=TEXT, title=HOSTILE_TITLE, outlet=HOSTILE_OUTLET, language="en",
                              url="javascript:window.__pwned='url'"))
    article.add_span(*at("outrageous, disastrous decision"), "Loaded_Language", 0.83)
    article.add_span(*at("disastrous"), "Exaggeration-Minimisation", 0.55)
    article.add_span(*at("a tiny band of so-called experts"), "Name_Calling-Labeling", 0.88,
                     "Calls the critics 'a tiny band of so-called experts' instead of answering them.")
    article.add_span(*at("Rules are rules."), "Conversation_Killer", 0.8)
    article.add_span(*at("<img src=x onerror=\"window.__pwned='text'; alert(3)\">"), "Doubt", 0.5)
    return article.to_dict()


def mark_of(result: dict, technique: str) -> str:
    """Selector of the first mark of a technique's span; spans are numbered in reading order."""
    ordered = sorted(result["spans"], key=lambda s: (s["start"], -s["end"]))
    number = next(i for i, s in enumerate(ordered, 1) if s["technique"] == technique)
    return f"#a0-s{number}"


@pytest.fixture(scope="module")
def browser():
    with launched_chromium() as browser:
        yield browser


@pytest.fixture
def open_report(browser, tmp_path):
    pages = []

    def open_page(html: str):
        path = tmp_path / f"report{len(pages)}.html"
        path.write_text(html, encoding="utf-8")
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.dialogs, page.problems = [], []
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda error: page.problems.append(str(error)))
        page.on("console", lambda message: page.problems.append(message.text) if message.type == "error" else None)
        page.add_init_script("window.__csp = []; document.addEventListener('securitypolicyviolation', "
                             "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")
        page.goto(Path(path).as_uri())
        page.wait_for_load_state("load")
        pages.append(page)
        return page

    yield open_page
    for page in pages:
        page.close()


def tooltip_explanations(page) -> list[str]:
    page.wait_for_selector("#spinscope-tip:not([hidden])", timeout=3000)
    return page.locator("#spinscope-tip .tip-expl").all_inner_texts()


def test_hover_shows_the_explanation_and_hostile_content_does_not_run(open_report):
    result = report_result()
    page = open_report(to_html([result]))
    page.hover(mark_of(result, "Name_Calling-Labeling"))  # the span with its own explanation
    assert tooltip_explanations(page)[0] == (
        "Calls the critics 'a tiny band of so-called experts' instead of answering them.")
    assert page.locator("#spinscope-tip .tip-label").first.inner_text() == BY_NAME["Name_Calling-Labeling"].label
    assert "0.88" in page.locator("#spinscope-tip .tip-conf").first.inner_text()

    # hovering a nested span lists the inner technique first, then the one around it
    page.hover(mark_of(result, "Exaggeration-Minimisation"))
    page.wait_for_function("document.querySelector('#spinscope-tip .tip-label').textContent === "
                           f"{BY_NAME['Exaggeration-Minimisation'].label!r}")
    labels = page.locator("#spinscope-tip .tip-label").all_inner_texts()
    assert labels == [BY_NAME["Exaggeration-Minimisation"].label, BY_NAME["Loaded_Language"].label]

    page.mouse.move(5, 5)
    page.wait_for_selector("#spinscope-tip", state="hidden", timeout=3000)

    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.dialogs == []
    assert page.evaluate("window.__csp") == []  # our own style and script are allowed by their hashes
    assert page.problems == []
    assert page.locator("img, svg, iframe").count() == 0
    assert page.title().startswith(HOSTILE_TITLE)  # shown as text, not markup


def test_keyboard_focus_shows_the_tooltip_and_escape_hides_it(open_report):
    result = report_result()
    page = open_report(to_html([result]))
    mark = mark_of(result, "Conversation_Killer")
    page.focus(mark)
    assert tooltip_explanations(page) == [BY_NAME["Conversation_Killer"].explanation]
    page.keyboard.press("Enter")  # pins it, as a click or tap does
    assert page.get_attribute(mark, "aria-expanded") == "true"
    page.keyboard.press("Escape")
    page.wait_for_selector("#spinscope-tip", state="hidden", timeout=3000)
    assert page.get_attribute(mark, "aria-expanded") == "false"


def test_click_pins_the_tooltip_until_clicking_elsewhere(open_report):
    result = report_result()
    page = open_report(to_html([result]))
    page.click(mark_of(result, "Loaded_Language"))
    assert tooltip_explanations(page) == [BY_NAME["Loaded_Language"].explanation]
    page.mouse.move(5, 5)  # leaving the mark does not close a pinned tooltip
    page.wait_for_timeout(100)
    assert page.is_visible("#spinscope-tip")
    page.click("h1")
    page.wait_for_selector("#spinscope-tip", state="hidden", timeout=3000)


def test_legend_chip_toggles_its_techniques_highlights(open_report):
    result = report_result()
    page = open_report(to_html([result]))
    mark = mark_of(result, "Conversation_Killer")
    background = f"getComputedStyle(document.querySelector('{mark}')).backgroundColor"
    shown = page.evaluate(background)
    assert shown not in ("rgba(0, 0, 0, 0)", "transparent")
    chip = page.locator(".legend .chip", has_text=BY_NAME["Conversation_Killer"].label)
    chip.click()
    assert chip.get_attribute("aria-pressed") == "false"
    assert page.evaluate(background) == "rgba(0, 0, 0, 0)"
    page.hover(mark)  # a hidden technique shows no tooltip
    page.wait_for_timeout(150)
    assert not page.is_visible("#spinscope-tip")
    page.click(".legend .show-all")
    assert chip.get_attribute("aria-pressed") == "true"
    assert page.evaluate(background) == shown


def test_csp_blocks_markup_that_slipped_past_escaping(open_report):
    # defence in depth: pretend escaping failed and raw markup reached the page body
    html = to_html([report_result()]).replace(
        "<main id=\"main\">",
        "<main id=\"main\"><script>window.__pwned='raw script'</script>"
        "<img src=x onerror=\"window.__pwned='raw onerror'\"><div style=\"color:red\" id=\"styled\">x</div>", 1)
    page = open_report(html)
    page.wait_for_timeout(200)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("window.__csp.length") >= 2
    assert page.evaluate("getComputedStyle(document.getElementById('styled')).color") != "rgb(255, 0, 0)"


ITALIAN = "Il sindaco ha preso una decisione scandalosa e vergognosa.\nUna scelta scandalosa, davvero."


def test_tooltip_and_notes_show_the_example_in_the_articles_language(open_report):
    from spinscope.taxonomy_i18n import EXAMPLES

    article = segment(Article(text=ITALIAN, title="Il ponte", language="it"))
    first, second = ITALIAN.index("scandalosa e vergognosa"), ITALIAN.rindex("scandalosa")
    article.add_span(first, first + len("scandalosa e vergognosa"), "Loaded_Language", 0.8)
    article.add_span(second, second + len("scandalosa"), "Loaded_Language", 0.6)
    page = open_report(to_html([article.to_dict()]))
    expected = f"Example (Italian): {EXAMPLES['Loaded_Language']['it']}"
    # the notes column shows it once; the tooltip of every highlight shows it
    assert page.locator(".notes .n-ex:visible").all_inner_texts() == [expected]
    for mark in ("#a0-s1", "#a0-s2"):
        page.hover(mark)
        page.wait_for_selector("#spinscope-tip:not([hidden])", timeout=3000)
        assert page.locator("#spinscope-tip .tip-ex").all_inner_texts() == [expected]
        assert page.get_attribute("#spinscope-tip .tip-ex-text", "lang") == "it"
        page.mouse.move(5, 5)
        page.wait_for_selector("#spinscope-tip", state="hidden", timeout=3000)
    assert page.problems == [] and page.evaluate("window.__csp") == []


def test_english_articles_show_the_english_example_in_the_tooltip_only(open_report):
    result = report_result()
    page = open_report(to_html([result]))
    assert page.locator(".notes .n-ex:visible").count() == 0
    page.focus(mark_of(result, "Conversation_Killer"))
    page.wait_for_selector("#spinscope-tip:not([hidden])", timeout=3000)
    assert page.locator("#spinscope-tip .tip-ex").all_inner_texts() == [
        f"Example (English): {BY_NAME['Conversation_Killer'].example}"]


def test_long_technique_names_in_the_evidence_stay_inside_the_score_card(open_report):
    from spinscope.aggregate import score_article

    text = ("Headline\nEnough is enough, and everyone knows it.\nIt is, in some sense, what it is and what it was.\n"
            "If they win, our children will have nothing left.")
    article = segment(Article(text=text, language="en"))
    for phrase, technique in (("Enough is enough", "Conversation_Killer"),
                              ("in some sense, what it is and what it was", "Obfuscation-Vagueness-Confusion"),
                              ("our children will have nothing left", "Appeal_to_Fear-Prejudice")):
        start = text.index(phrase)
        article.add_span(start, start + len(phrase), technique, 0.9)
    score_article(article)
    page = open_report(to_html([article.to_dict()]))
    page.set_viewport_size({"width": 900, "height": 900})  # narrow cards, as on a small laptop
    overflow = page.evaluate("""() => [...document.querySelectorAll('.score-card .evidence li')].map(li => {
        const card = li.closest('.card').getBoundingClientRect();
        return [...li.querySelectorAll('*')].some(el => el.getBoundingClientRect().right > card.right + 0.5);
    })""")
    assert overflow and not any(overflow)


def test_hidden_techniques_leave_the_tab_order_and_nested_hidden_marks_show_nothing(open_report):
    result = report_result()
    page = open_report(to_html([result]))
    inner = mark_of(result, "Exaggeration-Minimisation")  # nested inside a Loaded_Language span
    page.locator(".legend .chip", has_text=BY_NAME["Exaggeration-Minimisation"].label).click()
    assert page.evaluate(f"document.querySelector('{inner}').tabIndex") == -1
    assert page.evaluate(f"getComputedStyle(document.querySelector('{inner}')).boxShadow") == "none"
    page.click(".legend .show-all")
    assert page.evaluate(f"document.querySelector('{inner}').tabIndex") == 0


def test_tab_moves_a_pinned_tooltip_on_and_the_focus_ring_is_the_accent(open_report):
    result = report_result()
    page = open_report(to_html([result]))
    first = mark_of(result, "Name_Calling-Labeling")
    page.focus(first)
    page.keyboard.press("Enter")  # pinned
    assert page.get_attribute(first, "aria-expanded") == "true"
    page.keyboard.press("Tab")  # on to the next highlight: the old pinned tooltip must not stay behind
    assert page.get_attribute(first, "aria-expanded") == "false"
    assert page.evaluate("document.activeElement.matches('mark.hl')")  # the next highlight
    assert page.is_visible("#spinscope-tip")  # now describing the focused one, unpinned
    assert page.evaluate("getComputedStyle(document.activeElement).outlineColor") == "rgb(52, 81, 178)"  # accent


def test_printing_shows_every_note_not_a_scrolling_column(open_report):
    result = report_result()
    page = open_report(to_html([result]))
    page.emulate_media(media="print")
    style = page.evaluate("(() => { const s = getComputedStyle(document.querySelector('.notes-wrap'));"
                          " return [s.position, s.maxHeight, s.overflowY, s.printColorAdjust]; })()")
    assert style[:3] == ["static", "none", "visible"] and style[3] == "exact"
