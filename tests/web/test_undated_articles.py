"""An article without a publication date must not show the day it was analysed as if it were published then.

The library files such an article under the day it was first stored (the API's `date`, used to filter and sort);
the pages show that day only labelled "analysed ...", and the article page and the report show no date for it.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient

from spinscope.render.html import to_html
from spinscope.web.app import create_app
from web_helpers import SAMPLE_ARTICLE

DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@pytest.fixture
def client(settings, tmp_path):
    with TestClient(create_app(settings, tmp_path / "library.db")) as test_client:
        yield test_client


@pytest.fixture
def stored(client):
    """Three articles: undated, dated 2026-03-02, and dated in words a day cannot be read from."""
    def analyse(title: str, **fields) -> dict:
        response = client.post("/api/analyze", json={"text": SAMPLE_ARTICLE.replace("Harbour plan", title, 1),
                                                     "outlet": title, **fields})
        assert response.status_code == 200, response.text
        return response.json()

    undated, dated = analyse("Undated story"), analyse("Dated story", published="2026-03-02")
    worded = dict(analyse("Worded story"), published="early March 2026")
    client.app.state.runtime.store.save(worded)  # as an imported result could have it (the API takes ISO only)
    listing = {item["title"].split(" splits")[0]: item for item in client.get("/api/articles").json()["items"]}
    return {"undated": undated, "dated": dated, "analysed_day": listing["Undated story"]["date"],
            "worded_day": listing["Worded story"]["date"]}


def text_of(fragment: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def library_dates(html: str) -> dict[str, str]:
    """Title -> what the Date column shows, for every row of the library table."""
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.DOTALL)
    shown = {}
    for row in rows:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)
        if cells:
            shown[text_of(cells[0]).split(" splits")[0]] = text_of(cells[2])
    return shown


def recent_dates(html: str) -> dict[str, str]:
    """Title -> the line under it in the home page's "Recently analysed" list."""
    items = re.findall(r'<li><a href="/articles/[^"]*">([^<]*)</a>\s*<span class="muted">(.*?)</span></li>',
                       html, re.DOTALL)
    return {text_of(title).split(" splits")[0]: text_of(line) for title, line in items}


def test_the_analysis_day_of_an_undated_article_is_labelled_in_the_library_and_the_recent_list(client, stored):
    analysed_day = stored["analysed_day"]  # the day the library files it under (today)
    assert DAY.fullmatch(analysed_day)
    library = library_dates(client.get("/library").text)
    assert library["Dated story"] == "2026-03-02"
    assert library["Undated story"] == f"analysed {analysed_day}"  # was the bare day, read as its publication
    assert library["Worded story"] == "early March 2026"  # its own date, not the day it was stored
    recent = recent_dates(client.get("/").text)
    assert recent["Dated story"].split(" · ")[1] == "2026-03-02"
    assert recent["Undated story"].split(" · ")[1] == f"analysed {analysed_day}"
    assert recent["Worded story"].split(" · ")[1] == "early March 2026"


def test_the_article_page_and_the_report_show_no_date_for_an_undated_article(client, stored):
    page = client.get(f"/articles/{stored['undated']['id']}").text
    meta = re.search(r'<p class="meta">(.*?)</p>', page, re.DOTALL).group(1)
    assert not DAY.search(text_of(meta)), text_of(meta)
    assert stored["analysed_day"] not in text_of(page.split('<main id="main">')[1])
    dated = re.search(r'<p class="meta">(.*?)</p>', client.get(f"/articles/{stored['dated']['id']}").text,
                      re.DOTALL).group(1)
    assert "2026-03-02" in text_of(dated)
    report = to_html(stored["undated"])
    assert not DAY.search(text_of(re.search(r'<p class="meta">(.*?)</p>', report, re.DOTALL).group(1)))


def test_filtering_by_date_still_files_an_undated_article_under_the_day_it_was_analysed(client, stored):
    day = stored["analysed_day"]
    html = client.get(f"/library?date_from={day}&date_to={day}").text
    assert library_dates(html).get("Undated story") == f"analysed {day}"


def test_the_months_of_the_stats_and_the_dashboard_leave_undated_articles_out_and_say_how_many(client, stored):
    """The dashboard's "Techniques per month" charted an undated article in the month it was analysed, as if
    published then. The API's months now hold publication months only; `undated` counts the others."""
    stats = client.get("/api/stats").json()
    assert stats["total_articles"] == 3
    assert [(m["month"], m["articles"]) for m in stats["months"]] == [("2026-03", 1)]  # the dated story only
    assert stats["undated"]["articles"] == 2  # no date, and a date in words ("early March 2026")
    expected: dict[str, int] = {}
    for item in client.get("/api/articles").json()["items"]:
        if not item["title"].startswith("Dated story"):
            for technique, count in item["technique_counts"].items():
                expected[technique] = expected.get(technique, 0) + count
    assert stats["undated"]["techniques"] == expected and expected  # their highlights, in no month
    assert {o["outlet"] for o in stats["outlets"]} == {"Undated story", "Dated story", "Worded story"}
    schema = client.get("/openapi.json").json()["components"]["schemas"]["StatsOut"]
    assert "undated" in schema["required"] and "undated" in schema["properties"]
    page = client.get("/dashboard").text
    note = re.search(r'<p class="hint chart-note" id="chart-months-note">(.*?)</p>', page, re.DOTALL).group(1)
    assert text_of(note) == ("By month of publication. 2 articles without a publication date are not shown "
                             "(they are counted in the other charts).")
    assert 'aria-describedby="chart-months-note"' in page  # the chart's region is described by the note


def test_the_dashboard_says_nothing_is_left_out_when_every_article_has_a_date(client):
    assert client.post("/api/analyze", json={"text": SAMPLE_ARTICLE, "published": "2026-03-02"}).status_code == 200
    stats = client.get("/api/stats").json()
    assert stats["undated"] == {"articles": 0, "mean_score": None, "techniques": {}}
    note = re.search(r'id="chart-months-note">(.*?)</p>', client.get("/dashboard").text, re.DOTALL).group(1)
    assert text_of(note) == "By month of publication."
