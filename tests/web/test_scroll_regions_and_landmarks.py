"""The pages' wide tables and charts scroll in named boxes a keyboard can focus, and the compare page names each
landmark once (axe's "scrollable-region-focusable" and "landmark-unique"). Static checks of the served HTML; the
keyboard itself is tried in test_browser.py."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from spinscope.web.app import create_app
from web_helpers import SAMPLE_ARTICLE


class Elements(HTMLParser):
    """Every start tag as (tag, attributes, the tags of its open ancestors)."""

    VOID = {"br", "img", "input", "link", "meta", "hr", "source", "wbr"}

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict, list[dict]]] = []
        self.open: list[tuple[str, dict]] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.found.append((tag, attributes, [a for _, a in self.open]))
        if tag not in self.VOID:
            self.open.append((tag, attributes))

    def handle_endtag(self, tag):
        while self.open:
            if self.open.pop()[0] == tag:
                break

    def tables(self) -> list[list[dict]]:
        """The ancestors' attributes of every <table>."""
        return [ancestors for tag, _, ancestors in self.found if tag == "table"]

    def regions(self) -> list[dict]:
        return [a for _, a, _ in self.found if a.get("role") == "region"]

    def landmark_names(self) -> list[str]:
        return [a.get("aria-label") or a.get("aria-labelledby") for tag, a, _ in self.found
                if (tag in ("section", "aside", "nav") and (a.get("aria-label") or a.get("aria-labelledby")))
                or a.get("role") == "region"]


def scroll_box(ancestors: list[dict]) -> dict | None:
    return next((a for a in reversed(ancestors) if "scroll-region" in (a.get("class") or "").split()), None)


def assert_focusable_named_box(box: dict | None) -> None:
    assert box is not None, "a table that is not in a scroll box"
    assert box.get("role") == "region" and box.get("tabindex") == "0"
    assert box.get("aria-label") or box.get("aria-labelledby")


@pytest.fixture
def client(settings, tmp_path):
    with TestClient(create_app(settings, tmp_path / "library.db")) as test_client:
        yield test_client


def test_the_library_table_scrolls_in_a_named_box_in_the_tab_order(client):
    assert client.post("/api/analyze", json={"text": SAMPLE_ARTICLE, "outlet": "Harbour Times"}).status_code == 200
    page = Elements(client.get("/library").text)
    [table] = page.tables()
    box = scroll_box(table)
    assert_focusable_named_box(box)
    assert box["aria-label"] == "Stored articles"


def test_the_article_pages_technique_table_scrolls_in_a_named_box(client):
    stored = client.post("/api/analyze", json={"text": SAMPLE_ARTICLE}).json()
    assert stored["spans"]  # so the page has its "Techniques found" table
    page = Elements(client.get(f"/articles/{stored['id']}").text)
    boxes = [scroll_box(table) for table in page.tables()]
    assert boxes
    for box in boxes:
        assert_focusable_named_box(box)
    assert [box["aria-label"] for box in boxes] == ["Techniques found"]


def test_the_dashboard_charts_are_regions_named_by_their_headings(client):
    html = client.get("/dashboard").text
    page = Elements(html)
    charts = [a for _, a, _ in page.found if "chart" in (a.get("class") or "").split()]
    assert len(charts) == 4
    for chart in charts:
        assert "scroll-region" in chart["class"].split()
        assert chart.get("role") == "region" and chart.get("tabindex") == "0"
        heading = re.search(rf'<h2 id="{chart["aria-labelledby"]}">([^<]+)</h2>', html)
        assert heading, chart
    names = page.landmark_names()
    assert len(names) == len(set(names))


def test_the_compare_page_names_every_landmark_once_and_its_tables_scroll_in_named_boxes(client):
    seaport = SAMPLE_ARTICLE.replace("Harbour plan", "Seaport plan")
    response = client.post("/compare", data={"outlet0": "Harbour Times", "text0": SAMPLE_ARTICLE,
                                             "outlet1": "Harbour Times", "text1": seaport,  # the same outlet twice
                                             "outlet2": "Ferry News", "text2": SAMPLE_ARTICLE.replace("town", "city")})
    assert response.status_code == 200, response.text
    page = Elements(response.text)
    names = page.landmark_names()
    repeated = [name for name, count in Counter(names).items() if count > 1]
    assert repeated == [], repeated  # each article's "Article text", "Article overview", ... were named alike
    assert {"Article text, article 1 (Harbour Times)", "Article text, article 2 (Harbour Times)",
            "Article text, article 3 (Ferry News)", "Numbered highlights, article 1 (Harbour Times)",
            "Techniques highlighted, article 3 (Ferry News)", "Techniques found, article 2 (Harbour Times)"} <= set(names)
    tables = page.tables()
    assert len(tables) >= 4  # the outlets side by side, and each article's techniques
    for ancestors in tables:
        assert_focusable_named_box(scroll_box(ancestors))
    assert any(re.fullmatch(r"Story( \d+)?: outlets side by side", name or "") for name in names)
