"""The HTML report in a real browser (Debian's Chromium via Playwright): tooltips, keyboard, legend, and that
hostile article content cannot run script. Skips when no Chromium binary is installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinscope.render.html import to_html
from spinscope.segment import segment
from spinscope.taxonomy import BY_NAME
from spinscope.types import Article
from browser_helpers import NESTED_INTERACTIVE, NO_CHROMIUM, find_chromium, launched_chromium

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


def button_of(result: dict, technique: str) -> str:
    """Selector of a technique's span's control: the number button at the span's end."""
    return mark_of(result, technique) + "-btn"


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
    button = button_of(result, "Conversation_Killer")
    page.focus(button)
    assert tooltip_explanations(page) == [BY_NAME["Conversation_Killer"].explanation]
    page.keyboard.press("Enter")  # pins it, as a click or tap does
    assert page.get_attribute(button, "aria-expanded") == "true"
    page.keyboard.press("Escape")
    page.wait_for_selector("#spinscope-tip", state="hidden", timeout=3000)
    assert page.get_attribute(button, "aria-expanded") == "false"
    page.keyboard.press(" ")  # Space pins it too, and again unpins it
    assert page.get_attribute(button, "aria-expanded") == "true" and page.is_visible("#spinscope-tip")
    page.keyboard.press(" ")
    page.wait_for_selector("#spinscope-tip", state="hidden", timeout=3000)
    assert page.get_attribute(button, "aria-expanded") == "false"


def test_click_pins_the_tooltip_until_clicking_elsewhere(open_report):
    result = report_result()
    page = open_report(to_html([result]))
    page.click(mark_of(result, "Loaded_Language"), position={"x": 4, "y": 4})  # its first word, not "disastrous"
    assert tooltip_explanations(page) == [BY_NAME["Loaded_Language"].explanation]
    assert page.get_attribute(button_of(result, "Loaded_Language"), "aria-expanded") == "true"
    page.mouse.move(5, 5)  # leaving the mark does not close a pinned tooltip
    page.wait_for_timeout(100)
    assert page.is_visible("#spinscope-tip")
    page.click("h1")
    page.wait_for_selector("#spinscope-tip", state="hidden", timeout=3000)
    assert page.get_attribute(button_of(result, "Loaded_Language"), "aria-expanded") == "false"


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
    page.focus(button_of(result, "Conversation_Killer"))
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


def tab_order(page) -> list[str]:
    """The data-span of every highlight button the Tab key reaches, from the top of the page, in order."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.evaluate("window.scrollTo(0, 0)")
    page.focus(".skip")
    reached = []
    for _ in range(200):
        page.keyboard.press("Tab")
        focused = page.evaluate("(() => { const el = document.activeElement;"
                                " return el === document.body ? null : [el.className, el.getAttribute('data-span')];"
                                " })()")
        if focused is None or (reached and focused == reached[-1]):
            break
        if "hl-n" in (focused[0] or ""):
            reached.append(focused)
        elif reached and "n-num" in (focused[0] or ""):
            break  # on into the notes column
    return [span for _, span in reached]


def test_hidden_techniques_leave_the_tab_order_and_nested_hidden_marks_show_nothing(open_report):
    result = report_result()
    page = open_report(to_html([result]))
    inner = mark_of(result, "Exaggeration-Minimisation")  # nested inside a Loaded_Language span
    everything = tab_order(page)  # every span's number, in the order the spans end in the text
    assert everything == page.evaluate("[...document.querySelectorAll('.hl-n')].map(b => b.dataset.span)")
    assert sorted(everything) == [f"a0-s{n}" for n in range(1, len(result["spans"]) + 1)]
    page.locator(".legend .chip", has_text=BY_NAME["Exaggeration-Minimisation"].label).click()
    assert not page.is_visible(inner + "-btn")
    assert inner[1:] not in tab_order(page)
    assert page.evaluate(f"getComputedStyle(document.querySelector('{inner}')).boxShadow") == "none"
    page.click(".legend .show-all")
    assert page.is_visible(inner + "-btn") and tab_order(page) == everything


def test_tab_moves_a_pinned_tooltip_on_and_the_focus_ring_is_the_accent(open_report):
    result = report_result()
    page = open_report(to_html([result]))
    first = button_of(result, "Name_Calling-Labeling")
    page.focus(first)
    page.keyboard.press("Enter")  # pinned
    assert page.get_attribute(first, "aria-expanded") == "true"
    page.keyboard.press("Tab")  # on to the next highlight: the old pinned tooltip must not stay behind
    assert page.get_attribute(first, "aria-expanded") == "false"
    assert page.evaluate("document.activeElement.matches('.hl-n[role=button]')")  # the next highlight's number
    assert page.is_visible("#spinscope-tip")  # now describing the focused one, unpinned
    assert page.evaluate("getComputedStyle(document.activeElement).outlineColor") == "rgb(52, 81, 178)"  # accent


def test_printing_shows_every_note_not_a_scrolling_column(open_report):
    result = report_result()
    page = open_report(to_html([result]))
    page.emulate_media(media="print")
    style = page.evaluate("(() => { const s = getComputedStyle(document.querySelector('.notes-wrap'));"
                          " return [s.position, s.maxHeight, s.overflowY, s.printColorAdjust]; })()")
    assert style[:3] == ["static", "none", "visible"] and style[3] == "exact"


# ---------------------------------------------------------------------------------------------------------------
# overlapping highlights: no control inside another, every span reachable, tooltips inside the viewport

FILLER = "The council met on Tuesday to discuss the budget for the harbour district and the ferry timetable."
STACK_LINE = "Critics said the plan was a disastrous betrayal of everyone who lives in the town, they said."
STACK_TEXT = "\n".join(["Harbour plan", *[FILLER] * 14, STACK_LINE, *[FILLER] * 14])
STACK = [("disastrous", "Loaded_Language"), ("disastrous betrayal", "Exaggeration-Minimisation"),
         ("a disastrous betrayal", "Name_Calling-Labeling"), ("was a disastrous betrayal", "Doubt"),
         ("the plan was a disastrous betrayal", "Appeal_to_Fear-Prejudice"),
         ("said the plan was a disastrous betrayal of everyone", "Flag_Waving")]


def stack_result() -> dict:
    article = segment(Article(text=STACK_TEXT, title="Harbour plan", language="en"))
    line = STACK_TEXT.index(STACK_LINE)
    for phrase, technique in STACK:
        start = STACK_TEXT.index(phrase, line)
        article.add_span(start, start + len(phrase), technique, 0.7)
    return article.to_dict()


def test_overlapping_highlights_are_no_control_inside_another_and_each_is_reachable(open_report):
    result = report_result()
    page = open_report(to_html([result]))
    assert page.evaluate(NESTED_INTERACTIVE) == []  # was: every nested <mark role=button tabindex=0>
    assert page.locator(".article-text mark.hl").count() > len(result["spans"]) - 1  # still shown, nested
    assert page.evaluate("document.querySelectorAll('.article-text mark.hl mark.hl').length") >= 1
    # the text reads exactly as the input, line by line (the numbers are CSS, not text)
    lines = [line for line in TEXT.split("\n") if line.strip()]
    assert page.locator(".article-text .ptext").evaluate_all("ps => ps.map(p => p.textContent)") == lines
    ordered = sorted(result["spans"], key=lambda s: (s["start"], -s["end"]))
    for number, span in enumerate(ordered, 1):
        label = BY_NAME[span["technique"]].label
        # keyboard: the number is a button named by number and technique, its tooltip leads with its span
        button = page.get_by_role("button", name=f"Highlight {number}: {label}", exact=True)
        assert button.get_attribute("id") == f"a0-s{number}-btn"
        button.focus()
        page.wait_for_selector("#spinscope-tip:not([hidden])", timeout=3000)
        assert page.locator("#spinscope-tip .tip-label").first.inner_text() == label
        marks = page.locator(f'mark.hl[data-span="a0-s{number}"]')
        assert all("active" in marks.nth(i).get_attribute("class") for i in range(marks.count()))
        page.evaluate("document.activeElement.blur()")
        page.wait_for_selector("#spinscope-tip", state="hidden", timeout=3000)
    # mouse: pointing at a span's own text lists it, innermost first; the inner span and the one around it
    page.hover(mark_of(result, "Exaggeration-Minimisation"))
    page.wait_for_selector("#spinscope-tip:not([hidden])", timeout=3000)
    assert page.locator("#spinscope-tip .tip-label").all_inner_texts() == [
        BY_NAME["Exaggeration-Minimisation"].label, BY_NAME["Loaded_Language"].label]
    assert page.problems == [] and page.evaluate("window.__csp") == []


def tip_box(page) -> dict:
    return page.evaluate("""() => { const tip = document.getElementById('spinscope-tip');
        const box = tip.getBoundingClientRect(), style = getComputedStyle(tip);
        return {left: box.left, top: box.top, right: box.right, bottom: box.bottom,
                width: document.documentElement.clientWidth, height: document.documentElement.clientHeight,
                items: tip.querySelectorAll('.tip-item').length, scrolls: tip.scrollHeight > tip.clientHeight + 1,
                overflow: style.overflowY}; }""")


def assert_inside(box: dict, where: str) -> None:
    assert box["items"] == len(STACK), where
    assert box["left"] >= -0.5 and box["right"] <= box["width"] + 0.5, f"{where}: runs past the side: {box}"
    assert box["top"] >= -0.5 and box["bottom"] <= box["height"] + 0.5, f"{where}: runs past the top/bottom: {box}"
    if box["scrolls"]:  # taller than the room it has: the rest is reachable by scrolling inside it
        assert box["overflow"] in ("auto", "scroll"), f"{where}: cut off without a scrollbar: {box}"


@pytest.mark.parametrize("width, height", [(375, 667), (1280, 800)])
def test_the_tooltip_of_a_stack_of_highlights_stays_inside_the_viewport(open_report, width, height):
    page = open_report(to_html([stack_result()]))
    page.set_viewport_size({"width": width, "height": height})
    inner = "#a0-s" + str(len(STACK))  # "disastrous": the innermost span, numbered last (it starts last)
    for fraction in (0.04, 0.3, 0.5, 0.7, 0.93):
        # the stacked line at this height of the screen (instant: the page's smooth scrolling would still move)
        page.evaluate(f"""() => {{ const mark = document.querySelector('{inner}');
            const top = mark.getBoundingClientRect().top + window.scrollY - innerHeight * {fraction};
            window.scrollTo({{top: top, behavior: 'instant'}}); }}""")
        page.mouse.move(1, 1)
        box = page.locator(inner).bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # hover, without scrolling
        page.wait_for_selector("#spinscope-tip:not([hidden])", timeout=3000)
        assert_inside(tip_box(page), f"hover at {fraction:.0%} of {width}x{height}")
        # at the right edge: the last line box of the widest span, pointed at near its right end
        right = page.evaluate("""() => { const rects = [...document.querySelectorAll('mark[data-span="a0-s1"]')]
            .flatMap(m => [...m.getClientRects()]); const r = rects.reduce((a, b) => b.right > a.right ? b : a);
            return [r.right - 3, (r.top + r.bottom) / 2]; }""")
        page.mouse.move(1, 1)
        page.mouse.move(*right)
        page.wait_for_selector("#spinscope-tip:not([hidden])", timeout=3000)
        box = tip_box(page)
        assert box["left"] >= -0.5 and box["right"] <= box["width"] + 0.5, f"right edge at {fraction:.0%}: {box}"
        page.mouse.move(1, 1)
        page.wait_for_selector("#spinscope-tip", state="hidden", timeout=3000)
        # keyboard: the innermost span's number, whose tooltip lists the whole stack around it
        page.focus(inner + "-btn")
        page.wait_for_selector("#spinscope-tip:not([hidden])", timeout=3000)
        box = tip_box(page)
        assert_inside(box, f"focus at {fraction:.0%} of {width}x{height}")
        if box["scrolls"]:  # pinned, the keys scroll it down to its last technique
            page.keyboard.press("Enter")
            page.keyboard.press("End")
            last = page.evaluate("""() => { const tip = document.getElementById('spinscope-tip');
                const items = tip.querySelectorAll('.tip-item'), box = tip.getBoundingClientRect();
                return items[items.length - 1].getBoundingClientRect().bottom <= box.bottom + 1; }""")
            assert last, f"the end of the tooltip is out of reach at {fraction:.0%} of {width}x{height}"
            page.keyboard.press("Escape")
        page.evaluate("document.activeElement.blur()")
        page.wait_for_selector("#spinscope-tip", state="hidden", timeout=3000)
    assert page.problems == []


def test_on_a_phone_the_reports_wide_tables_scroll_in_their_box_from_the_keyboard(open_report):
    """On a 375 px screen the contents and summary tables widened the whole page (to 438-458 px). Each now
    scrolls in its own box: Tab stops on it (named, with the focus ring) and the arrow keys scroll it; on a wide
    screen, where it fits, the box is no Tab stop (report.js)."""
    def result(title: str, outlet: str) -> dict:
        text = "The council's outrageous, disastrous decision shocked residents.\nRules are rules, the mayor said."
        article = segment(Article(text=text, title=title, outlet=outlet, language="en"))
        article.add_span(text.index("outrageous"), text.index(" decision"), "Exaggeration-Minimisation", 0.83)
        article.add_span(text.index("Rules"), text.index(", the"), "Conversation_Killer", 0.8)
        return article.to_dict()

    page = open_report(to_html([result("Council decision shocks residents", "The Morning Chronicle"),
                                result("Residents shocked by council", "Evening Standard-Gazette")]))
    page.set_viewport_size({"width": 375, "height": 667})
    assert page.evaluate("document.documentElement.scrollWidth") <= 376  # the page itself does not scroll sideways
    page.wait_for_function("() => document.querySelector('.toc .scroll-region').getAttribute('tabindex') === '0'",
                           timeout=3000)
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the contents table's box, before the links inside it
    focused = page.evaluate("""() => { const a = document.activeElement, s = getComputedStyle(a);
        return [a.matches('.toc .scroll-region[role=region]'), a.getAttribute('aria-label'),
                s.outlineStyle + ' ' + s.outlineWidth, a.scrollWidth - a.clientWidth]; }""")
    assert focused[:3] == [True, "Contents table", "solid 3px"] and focused[3] > 20, focused
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.activeElement.scrollLeft > 20", timeout=3000)
    for _ in range(8):
        page.keyboard.press("ArrowLeft")
    page.wait_for_function("() => document.activeElement.scrollLeft === 0", timeout=3000)
    assert page.evaluate("window.scrollX") == 0  # the box scrolled, not the page
    # every article's technique table is such a box too, named after its article
    names = page.evaluate("[...document.querySelectorAll('.summary .scroll-region')].map(b => b.getAttribute("
                          "'aria-label'))")
    assert len(names) == 2 and len(set(names)) == 2 and all(n.startswith("Techniques found, article ") for n in names)
    page.evaluate("document.activeElement.blur()")
    page.set_viewport_size({"width": 1280, "height": 900})  # wide enough for the tables: nothing to scroll
    page.wait_for_function("() => !document.querySelector('.toc .scroll-region').hasAttribute('tabindex')",
                           timeout=3000)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('.toc a')")
    assert page.problems == []


def test_a_title_that_is_one_long_address_does_not_widen_the_page_on_a_phone(open_report):
    title = "https://www.example.org/news?id=" + "a1b2c3d4e5" * 12
    article = segment(Article(text=f"{title}\nThe council met on Monday.", title=title, language="en"))
    page = open_report(to_html(article.to_dict()))
    page.set_viewport_size({"width": 375, "height": 667})
    assert page.evaluate("document.documentElement.scrollWidth") <= 376
    assert page.problems == []
