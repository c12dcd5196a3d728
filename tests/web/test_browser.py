"""The web app in a real browser (Debian's Chromium via Playwright) against a real uvicorn server: paste an
article, see highlights, hover one and read its explanation, open the library and the dashboard. Every page is
checked for console errors, which is where CSP violations show up. Skips when no Chromium binary is installed."""

from __future__ import annotations

import re

import pytest

from spinscope.taxonomy import BY_NAME
from spinscope.web.app import create_app
from web_helpers import SAMPLE_ARTICLE, ServerThread
from browser_helpers import NESTED_INTERACTIVE, NO_CHROMIUM, find_chromium, launched_chromium

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason=NO_CHROMIUM)


@pytest.fixture(scope="module")
def server(settings, tmp_path_factory):
    app = create_app(settings, tmp_path_factory.mktemp("browser") / "library.db")
    with ServerThread(app) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    with launched_chromium() as launched:
        yield launched


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    problems: list[str] = []
    opened.on("console", lambda message: problems.append(f"{message.text} ({message.location.get('url')})")
              if message.type == "error" else None)
    opened.on("pageerror", lambda error: problems.append(str(error)))
    opened.problems = problems
    yield opened
    context.close()


def test_paste_article_see_highlights_and_hover_explanations(server, page):
    page.goto(server.url + "/")
    page.fill("#text", SAMPLE_ARTICLE)
    page.click("summary")  # the optional metadata fields
    page.fill("input[name=outlet]", "Harbour Times")
    page.click("#analyze-button")
    page.wait_for_url("**/articles/**")

    marks = page.locator("mark.hl")
    assert marks.count() >= 2
    loaded = page.locator("mark.hl", has_text="disastrous").first
    assert "disastrous" in loaded.inner_text()
    page.mouse.move(5, 5)
    loaded.hover()
    tip = page.locator("#spinscope-tip")
    tip.wait_for(state="visible", timeout=5000)
    assert BY_NAME["Loaded_Language"].explanation in tip.inner_text()
    assert BY_NAME["Loaded_Language"].label in tip.inner_text()
    # the article-level panel: score with its evidence, genre and frames
    assert page.locator(".score-card .big").inner_text().strip()
    assert page.locator(".genre-card .genre-label").count() == 1
    assert page.locator(".frames-card li").count() >= 1
    assert "Harbour Times" in page.locator(".meta").inner_text()
    assert page.problems == []

def test_screen_readers_hear_highlights_without_their_numbers_and_the_facts_apart(server, page):
    import httpx

    stored = httpx.post(server.url + "/api/analyze", json={"text": SAMPLE_ARTICLE, "outlet": "Harbour Times",
                                                             "published": "2026-03-02"}, timeout=60).json()
    page.goto(server.url + f"/articles/{stored['id']}")
    assert page.evaluate(NESTED_INTERACTIVE) == []  # highlights were nested role=button marks
    marks = page.locator(".article-text mark.hl")
    assert marks.count() >= 1
    for index in range(marks.count()):
        mark = marks.nth(index)
        spoken = mark.aria_snapshot()
        words = " ".join(mark.evaluate("m => m.firstChild.textContent").split())
        assert words in spoken and not re.search(re.escape(words) + r"\d", spoken), spoken  # not "... town21"
    buttons = page.locator(".article-text .hl-n")
    assert buttons.count() == len(stored["spans"])
    for index in range(buttons.count()):
        button = buttons.nth(index)
        number, technique = button.get_attribute("data-n"), button.get_attribute("data-span")
        label = page.locator(f"#{technique}-note .n-label").inner_text()
        spoken = re.match(r"- '?button \"(.*)\"", button.aria_snapshot().splitlines()[0]).group(1)
        assert spoken == f"Highlight {number}: {label}"
    meta = page.locator(".meta").aria_snapshot()
    assert re.search(r"Harbour Times\s*,\s*2026-03-02", meta), meta  # was "Harbour Times2026-03-02"


def test_form_error_is_shown_without_losing_input(server, page):
    page.goto(server.url + "/")
    page.fill("#url", "http://127.0.0.1:9/private")
    page.click("#analyze-button")
    page.wait_for_selector("#form-error")
    assert "loopback" in page.locator("#form-error").inner_text()
    assert page.input_value("#url") == "http://127.0.0.1:9/private"


def test_library_lists_and_searches_stored_analyses(server, page):
    page.goto(server.url + "/library")
    assert page.locator("table.library a.title", has_text="Harbour plan splits the town").count() >= 1
    page.fill("input[name=q]", "zebra crossing")
    page.click(".filters button[type=submit]")
    page.wait_for_url("**/library?**")
    assert "No stored article matches" in page.locator("main").inner_text()
    page.fill("input[name=q]", "betrayal")
    page.select_option("select[name=technique]", "Loaded_Language")
    page.click(".filters button[type=submit]")
    page.wait_for_url("**technique=Loaded_Language**")
    page.locator("table.library a.title").first.click()
    page.wait_for_url("**/articles/**")
    assert page.locator("mark.hl").count() >= 1
    assert page.problems == []


def test_dashboard_draws_charts(server, page):
    page.goto(server.url + "/dashboard")
    page.wait_for_selector("#chart-outlets svg rect")
    assert page.locator("#chart-totals svg rect").count() >= 1
    assert "Harbour Times" in page.locator("#chart-outlets svg").inner_html()
    assert page.problems == []


def test_pages_fit_a_phone_screen_without_sideways_scrolling(server, browser):
    import httpx

    stored = httpx.post(server.url + "/api/analyze", json={"text": SAMPLE_ARTICLE, "outlet": "Harbour Times"},
                        timeout=60).json()
    context = browser.new_context(viewport={"width": 375, "height": 800})
    phone = context.new_page()
    try:
        for path in ("/", f"/articles/{stored['id']}", "/library", "/dashboard", "/compare"):
            phone.goto(server.url + path)
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= 376, f"{path} is {width} px wide on a 375 px screen"
            if path == "/dashboard":  # chart text stays legible (it shrank to ~6 px with the chart)
                phone.wait_for_selector("#chart-outlets svg text")
                smallest = phone.evaluate("Math.min(...Array.from(document.querySelectorAll('.chart svg text'))"
                                          ".map(t => t.getBoundingClientRect().height))")
                assert smallest >= 11, f"dashboard chart text is {smallest:.1f} px high on a phone"
        phone.goto(server.url + "/compare")  # and a comparison's result, with its wide tables
        phone.fill("textarea[name=text0]", SAMPLE_ARTICLE)
        phone.fill("textarea[name=text1]", SAMPLE_ARTICLE.replace("Harbour", "Seaport"))
        phone.click(".actions button[type=submit]")
        phone.wait_for_selector(".compare-table")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 376, f"the compare result is {width} px wide on a 375 px screen"
    finally:
        context.close()


def test_a_printed_report_leaves_out_the_apps_controls(server, page):
    import httpx

    stored = httpx.post(server.url + "/api/analyze", json={"text": SAMPLE_ARTICLE}, timeout=60).json()
    page.goto(server.url + f"/articles/{stored['id']}")
    page.emulate_media(media="print")
    for selector in (".topbar", ".toolbar"):
        assert not page.locator(selector).is_visible(), f"{selector} is printed"
    assert page.locator(".toolbar").count() == 1 and page.problems == []


def test_dashboard_labels_fit_and_the_numbers_are_readable_without_a_mouse(server, page):
    import httpx

    long_outlet = "The Extremely Long Name of a Regional Morning Newspaper"
    httpx.post(server.url + "/api/analyze", json={"text": SAMPLE_ARTICLE, "outlet": long_outlet}, timeout=60)
    page.goto(server.url + "/dashboard")
    page.wait_for_selector("#chart-outlets svg rect")
    # every label starts inside its chart (long ones were cut off at the left edge)
    lefts = page.evaluate("Array.from(document.querySelectorAll('.chart svg')).map(svg => {"
                          " const box = svg.getBoundingClientRect();"
                          " return Math.min(...Array.from(svg.querySelectorAll('text')).map("
                          "  t => t.getBoundingClientRect().left - box.left)); })")
    assert lefts and min(lefts) >= 0, lefts
    described = page.locator("#chart-scores svg").get_attribute("aria-label")
    assert described.startswith("Mean propaganda score per outlet: ") and long_outlet in described
    assert page.problems == []


def test_a_comparison_on_a_phone_opens_at_its_result_not_at_the_top_of_the_form(server, browser):
    """The result is ~2,300 px below the filled form on a 375x667 screen. The page lands on the result heading at
    once: measured as soon as the page has loaded, with no waiting for a (smooth) scroll to get there."""
    context = browser.new_context(viewport={"width": 375, "height": 667})
    phone = context.new_page()
    problems = []
    phone.on("pageerror", lambda error: problems.append(str(error)))
    try:
        phone.goto(server.url + "/compare")
        phone.fill("textarea[name=text0]", SAMPLE_ARTICLE)
        phone.fill("textarea[name=text1]", SAMPLE_ARTICLE.replace("Harbour", "Seaport"))
        phone.click(".actions button[type=submit]")
        phone.wait_for_selector("#compare-result h2")
        phone.wait_for_load_state("load")
        where = "(() => { const r = document.querySelector('#compare-result h2').getBoundingClientRect();" \
                " return [r.top, r.bottom, innerHeight, scrollY]; })()"
        top, bottom, height, scrolled = phone.evaluate(where)
        assert scrolled > 1000 and 0 <= top and bottom <= height, f"result heading at {top:.0f}-{bottom:.0f} px"
        # keyboard and screen-reader users start there too
        assert phone.evaluate("document.activeElement.matches('#compare-result h2')")
        phone.wait_for_timeout(700)  # and it stays there (nothing scrolls it away afterwards)
        top, bottom, height, _ = phone.evaluate(where)
        assert 0 <= top and bottom <= height, f"result heading moved to {top:.0f}-{bottom:.0f} px"
        # the form above still holds what was sent
        assert phone.input_value("textarea[name=text0]") == SAMPLE_ARTICLE
        # a form error (one article only) is shown at the top, where the form is: no jump to a missing result
        phone.goto(server.url + "/compare")
        phone.fill("textarea[name=text0]", SAMPLE_ARTICLE)
        phone.click(".actions button[type=submit]")
        phone.wait_for_selector(".error-line")
        phone.wait_for_load_state("load")
        box = phone.locator(".error-line").bounding_box()
        assert 0 <= box["y"] and box["y"] + box["height"] <= 667
        assert problems == []
    finally:
        context.close()


STACK_LINE = "Critics said the plan was a disastrous betrayal of everyone who lives in the town."


def test_on_the_article_page_a_stack_of_highlights_has_its_tooltip_inside_a_phone_screen(server, browser):
    from spinscope.segment import segment
    from spinscope.types import Article

    filler = "The council met on Tuesday to discuss the budget for the harbour district."
    text = "\n".join(["Stacked story", *[filler] * 8, STACK_LINE, *[filler] * 8])
    article = segment(Article(text=text, title="Stacked story", language="en", id="stacked-story"))
    line = text.index(STACK_LINE)
    for phrase, technique in [("disastrous", "Loaded_Language"), ("disastrous betrayal", "Exaggeration-Minimisation"),
                              ("a disastrous betrayal", "Name_Calling-Labeling"), ("was a disastrous betrayal", "Doubt"),
                              ("the plan was a disastrous betrayal", "Appeal_to_Fear-Prejudice")]:
        start = text.index(phrase, line)
        article.add_span(start, start + len(phrase), technique, 0.7)
    store = server.server.config.app.state.runtime.store
    store.save(article.to_dict())
    context = browser.new_context(viewport={"width": 375, "height": 667})
    phone = context.new_page()
    try:
        phone.goto(server.url + "/articles/stacked-story")
        assert phone.evaluate(NESTED_INTERACTIVE) == []
        inner = "#a0-s5"  # "disastrous", inside the four others
        for fraction in (0.1, 0.5, 0.9):
            phone.evaluate(f"""() => {{ const mark = document.querySelector('{inner}');
                window.scrollTo({{top: mark.getBoundingClientRect().top + scrollY - innerHeight * {fraction},
                                 behavior: 'instant'}}); }}""")
            for how in ("tap", "keyboard"):
                if how == "tap":
                    box = phone.locator(inner).bounding_box()
                    phone.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
                else:
                    phone.focus(inner + "-btn")
                phone.wait_for_selector("#spinscope-tip:not([hidden])", timeout=3000)
                tip = phone.evaluate("(() => { const r = document.getElementById('spinscope-tip')"
                                     ".getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom,"
                                     " document.querySelectorAll('#spinscope-tip .tip-item').length]; })()")
                assert tip[4] == 5
                assert tip[0] >= 0 and tip[1] >= 0 and tip[2] <= 375 and tip[3] <= 667, (how, fraction, tip)
                phone.keyboard.press("Escape")
                phone.evaluate("document.activeElement && document.activeElement.blur()")
                phone.wait_for_selector("#spinscope-tip", state="hidden", timeout=3000)
    finally:
        context.close()
        store.delete("stacked-story")  # the module's other tests search this library


FOCUSED = """() => { const a = document.activeElement, s = getComputedStyle(a);
    return {region: a.matches('.scroll-region[role=region]'), label: a.getAttribute('aria-label'),
            outline: s.outlineStyle + ' ' + s.outlineWidth, scrollLeft: a.scrollLeft,
            room: a.scrollWidth - a.clientWidth}; }"""


def tab_to_scroll_region(page, presses: int = 12) -> dict:
    """Press Tab until a scroll box has the focus (or give up); what is then focused."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["region"]:
            return focused
    return focused


def test_on_a_phone_the_library_table_takes_the_focus_and_scrolls_with_the_arrow_keys(server, browser):
    """The library table is wider than a phone: it scrolls in its own box, whose links alone gave a keyboard no way
    to see the columns at the right (axe's "scrollable-region-focusable"). Tab now stops on the box, named, with a
    focus ring, and the arrow keys scroll it; on a wide screen, where it fits, the box is no Tab stop."""
    import httpx

    httpx.post(server.url + "/api/analyze", json={"text": SAMPLE_ARTICLE, "outlet": "Harbour Times"}, timeout=60)
    context = browser.new_context(viewport={"width": 375, "height": 667})
    phone = context.new_page()
    try:
        phone.goto(server.url + "/library")
        phone.focus(".filters button[type=submit]")
        focused = tab_to_scroll_region(phone)
        assert focused["region"], f"Tab never reached the table's scroll box: {focused}"
        assert focused["label"] == "Stored articles" and focused["room"] > 50
        assert focused["outline"] == "solid 3px"  # the focus ring shows where the arrow keys act
        assert '- region "Stored articles"' in phone.locator(".scroll-region").aria_snapshot()
        for _ in range(3):
            phone.keyboard.press("ArrowRight")
        phone.wait_for_function("() => document.activeElement.scrollLeft > 0")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 376  # the page itself stays put
        phone.keyboard.press("Tab")  # on into the table: its first link
        assert phone.evaluate("document.activeElement.matches('table.library a.title')")
    finally:
        context.close()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    wide = context.new_page()
    try:
        wide.goto(server.url + "/library")
        wide.wait_for_function("() => !document.querySelector('.scroll-region').hasAttribute('tabindex')")
        wide.focus(".filters button[type=submit]")
        wide.keyboard.press("Tab")  # straight to the first article's link: the box has nothing to scroll
        assert wide.evaluate("document.activeElement.matches('table.library a.title')")
    finally:
        context.close()


def test_on_a_phone_a_dashboard_chart_takes_the_focus_once_drawn_and_scrolls(server, browser):
    import httpx

    httpx.post(server.url + "/api/analyze", json={"text": SAMPLE_ARTICLE, "outlet": "Harbour Times"}, timeout=60)
    context = browser.new_context(viewport={"width": 375, "height": 667})
    phone = context.new_page()
    try:
        phone.goto(server.url + "/dashboard")
        phone.wait_for_selector("#chart-outlets svg rect")
        # drawn after the page loaded, the chart made its box overflow: report.js put the box in the Tab order
        phone.wait_for_function("() => document.getElementById('chart-outlets').getAttribute('tabindex') === '0'",
                                timeout=5000)
        phone.focus("#chart-outlets")
        for _ in range(3):
            phone.keyboard.press("ArrowRight")
        phone.wait_for_function("() => document.getElementById('chart-outlets').scrollLeft > 0")
        snapshot = phone.locator("#chart-outlets").aria_snapshot()
        assert snapshot.startswith('- region "Techniques per outlet"'), snapshot
    finally:
        context.close()


def test_the_month_chart_leaves_undated_articles_out_and_says_how_many(server, page):
    """An undated article was drawn in the month it was analysed, as if published then."""
    import httpx
    from datetime import datetime, timezone

    from spinscope.segment import segment
    from spinscope.types import Article

    store = server.server.config.app.state.runtime.store
    for article_id, published in (("months-dated", "1999-11-05"), ("months-undated", "")):
        store.save(segment(Article(text=f"{article_id}\n\nThe council met on Tuesday.", id=article_id,
                                   language="en", outlet="Month Times", published=published)).to_dict())
    try:
        page.goto(server.url + "/dashboard")
        page.wait_for_selector("#chart-months svg")
        described = page.locator("#chart-months svg").get_attribute("aria-label")
        months = re.findall(r"\b\d{4}-\d{2}\b", described)
        assert "1999-11" in months
        analysed = datetime.now(timezone.utc).strftime("%Y-%m")  # the month the undated ones were filed under
        assert analysed not in months, described
        undated = httpx.get(server.url + "/api/stats").json()["undated"]["articles"]
        assert undated >= 1
        words = f"{undated} article{'' if undated == 1 else 's'} without a publication date"
        assert words in described and words in page.locator("#chart-months-note").inner_text()
        assert page.problems == []
    finally:
        store.delete("months-dated")
        store.delete("months-undated")
