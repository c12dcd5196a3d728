"""Links that must open (and delete) the article they name, ids of the same text from two outlets, HTML uploads
without an .html name, the analysis time limit setting, and the wording of the library pager and the score line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html import unescape
from urllib.parse import urljoin

import pytest
from fastapi.testclient import TestClient

from spinscope.ingest import text_id
from spinscope.render import score_facts
from spinscope.web.app import create_app
from web_helpers import SAMPLE_ARTICLE, free_port

BASE = "http://testserver/"


@pytest.fixture
def client(settings, tmp_path):
    with TestClient(create_app(settings, tmp_path / "library.db")) as test_client:
        yield test_client


def analysed(client, **fields):
    response = client.post("/api/analyze", json={"text": SAMPLE_ARTICLE, "store": False, **fields})
    assert response.status_code == 200, response.text
    return response.json()


def followed(href: str) -> str:
    """The path a browser requests for a link or form action on a page (dot segments resolved)."""
    return urljoin(BASE + "library", unescape(href)).removeprefix(BASE.rstrip("/"))


# ---------------------------------------------------------------------------------------------------------------
# ids with "/" and ".." in links and forms


def test_links_and_the_delete_form_of_an_id_with_dot_segments_reach_that_article(client):
    store = client.app.state.runtime.store
    result = analysed(client)
    store.save(dict(result, id="slash/../x", title="Slash story"))
    store.save(dict(result, id="x", title="Plain story"))

    library = client.get("/library").text
    (href,) = re.findall(r'href="([^"]*)"[^>]*>Slash story<', library)
    assert href == "/articles/slash%2F..%2Fx"
    page = client.get(followed(href))
    assert page.status_code == 200 and "Slash story" in page.text and "Plain story" not in page.text

    (download,) = re.findall(r'href="([^"]*)"[^>]*>Download JSON<', page.text)
    assert client.get(followed(download)).json()["id"] == "slash/../x"
    (action,) = re.findall(r'<form method="post" action="([^"]*)"', page.text)
    assert action == "/articles/slash%2F..%2Fx/delete"
    assert client.post(followed(action), follow_redirects=False).status_code == 303
    assert store.get("slash/../x") is None and store.get("x")["title"] == "Plain story"


def test_redirects_and_location_headers_encode_slashes_in_ids(client):
    store = client.app.state.runtime.store
    store.save(dict(analysed(client), id="a/../b"))
    recent = client.get("/").text
    assert 'href="/articles/a%2F..%2Fb"' in recent
    response = client.post("/api/analyze", json={"text": SAMPLE_ARTICLE})
    assert response.headers["location"] == f"/api/articles/{response.json()['id']}"


# ---------------------------------------------------------------------------------------------------------------
# the same text from two outlets


def test_the_same_text_from_two_outlets_is_two_entries_and_from_one_outlet_one_for_json_form_and_upload(client):
    def post(**kwargs):
        response = client.post("/api/analyze", **kwargs)
        assert response.status_code == 200, response.text
        return response.json()["id"]

    alpha = post(json={"text": SAMPLE_ARTICLE, "outlet": "Alpha News"})
    beta = post(json={"text": SAMPLE_ARTICLE, "outlet": "Beta Post"})
    assert alpha != beta
    assert {o["outlet"] for o in client.get("/api/stats").json()["outlets"]} == {"Alpha News", "Beta Post"}
    assert post(json={"text": SAMPLE_ARTICLE, "outlet": "Alpha News"}) == alpha
    assert post(data={"text": SAMPLE_ARTICLE.replace("\n", "\r\n"), "outlet": "Alpha News"}) == alpha
    assert post(files={"file": ("harbour.txt", SAMPLE_ARTICLE.encode(), "text/plain")},
                data={"outlet": "Beta Post"}) == beta
    assert client.get("/api/articles").json()["total"] == 2
    # without an outlet the id is the text's own, as before
    assert post(json={"text": SAMPLE_ARTICLE}) == text_id(SAMPLE_ARTICLE)
    assert client.get("/api/articles").json()["total"] == 3


# ---------------------------------------------------------------------------------------------------------------
# uploads that are HTML without an .html name

PAGE = ("<html><head><title>Harbour plan splits the town</title></head><body><article>"
        "<h1>Harbour plan splits the town</h1>"
        + "".join(f"<p>{line}</p>" for line in SAMPLE_ARTICLE.splitlines()[2:] if line)
        + "</article></body></html>")


@pytest.mark.parametrize("data", [
    ("\ufeff" + PAGE).encode(),
    ("  \n" + PAGE.replace("<html>", "")).encode(),  # starts with <head>
    ("\ufeff\n<!-- saved page -->\n" + PAGE).encode(),
    ("\n<body>" + PAGE.split("<body>", 1)[1]).encode(),
], ids=["bom", "whitespace-head", "bom-comment", "body"])
def test_an_upload_named_without_html_whose_content_is_html_is_read_as_html(client, data):
    response = client.post("/api/analyze", files={"file": ("bompage", data, "application/octet-stream")})
    assert response.status_code == 200, response.text
    result = response.json()
    assert "disastrous, outrageous betrayal" in result["text"]
    assert "<" not in result["text"] and result["title"] == "Harbour plan splits the town"


def test_an_upload_starting_with_a_comment_but_no_html_stays_text(client):
    text = "<!-- notes --> Harbour plan\n\nCritics called the plan a disastrous, outrageous betrayal of the town.\n"
    response = client.post("/api/analyze", files={"file": ("notes", text.encode(), "text/plain")})
    assert response.status_code == 200, response.text
    assert response.json()["text"] == text


# ---------------------------------------------------------------------------------------------------------------
# SPINSCOPE_ANALYSIS_TIMEOUT


@pytest.mark.parametrize("value", ["abc", "-5", "0", "nan"])
def test_a_bad_analysis_timeout_setting_is_one_line_and_exit_2(model_dir, tmp_path, value):
    env = {**os.environ, "SPINSCOPE_ANALYSIS_TIMEOUT": value}
    env.pop("SPINSCOPE_DEBUG", None)
    try:
        done = subprocess.run([sys.executable, "-m", "spinscope.cli", "serve", "--port", str(free_port()),
                               "--db", str(tmp_path / "library.db"), "--model-dir", str(model_dir)],
                              capture_output=True, text=True, env=env, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail(f"spinscope serve started with SPINSCOPE_ANALYSIS_TIMEOUT={value}")
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "invalid SPINSCOPE_* environment setting" in lines[0]
    assert "SPINSCOPE_ANALYSIS_TIMEOUT" in lines[0] and "above 0" in lines[0]
    assert not (tmp_path / "library.db").exists()


def test_a_good_analysis_timeout_setting_is_used(settings, tmp_path, monkeypatch):
    monkeypatch.setenv("SPINSCOPE_ANALYSIS_TIMEOUT", " 7.5 ")
    with TestClient(create_app(settings, tmp_path / "library.db")) as test_client:
        assert test_client.app.state.runtime.analysis_timeout == 7.5


# ---------------------------------------------------------------------------------------------------------------
# wording


def test_the_library_pager_says_words_that_fit_the_sort(client):
    store = client.app.state.runtime.store
    result = analysed(client)
    for i in range(21):
        store.save(dict(result, id=f"story-{i}"))
    by_score = client.get("/library?sort=score").text
    assert "Lower scores →" in by_score and "Older" not in by_score
    assert "← Higher scores" in client.get("/library?sort=score&page=2").text
    assert "Older →" in client.get("/library").text
    assert "← Newer" in client.get("/library?sort=date&page=2").text


def test_the_score_line_counts_every_other_span_and_says_which_add_nothing():
    details = {"evidence": [{"contribution": 0.14}] * 10, "evidence_rest": {"spans": 10, "contribution": 0.5},
               "components": {"spans": 31}}
    assert score_facts(details)[-1] == ("the 10 strongest spans add 1.4 points, the other 21 spans add 0.5 "
                                        "(11 of them add nothing: their text is already counted)")
    details["components"]["spans"] = 20
    assert score_facts(details)[-1] == "the 10 strongest spans add 1.4 points, the other 10 spans add 0.5"
    details.update(evidence_rest={"spans": 0, "contribution": 0.0}, components={"spans": 12})
    assert score_facts(details)[-1] == ("the 10 strongest spans add 1.4 points, the other 2 spans add nothing: "
                                        "their text is already counted")
    details["components"]["spans"] = 10
    assert score_facts(details) == []
