"""The HTTP API and the server-rendered pages, on the real app (TestClient) with a temp SQLite library and a small
real model (see web_helpers.py)."""

from __future__ import annotations

import asyncio
import re
import threading
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from spinscope.settings import Settings
from spinscope.taxonomy import BY_NAME
from spinscope.web.app import create_app
from web_helpers import SAMPLE_ARTICLE

CANONICAL_KEYS = {"schema_version", "spinscope_version", "id", "title", "outlet", "url", "published", "language",
                  "source", "text", "word_count", "spans", "paragraphs", "genre", "frames", "summary", "models",
                  "warnings"}
OTHER_ARTICLE = (
    "Ferry service returns\n"
    "\n"
    "Officials said the new ferry timetable would start in March.\n"
    "Can anyone really believe the minister's promises after so many failures?\n"
    "Doctors at the hospital said patients faced longer waits for treatment.\n"
)


@pytest.fixture
def app(settings, tmp_path):
    return create_app(settings, tmp_path / "library.db")


@pytest.fixture
def client(app):
    with TestClient(app) as test_client:
        yield test_client


def analyse(client, text=SAMPLE_ARTICLE, **fields):
    response = client.post("/api/analyze", json={"text": text, **fields})
    assert response.status_code == 200, response.text
    return response.json()


# ---------------------------------------------------------------------------------------------------------------
# analysing


def test_analyze_text_returns_the_canonical_result_and_stores_it(client):
    response = client.post("/api/analyze", json={"text": SAMPLE_ARTICLE, "outlet": "Harbour Times",
                                                  "published": "2026-05-02"})
    assert response.status_code == 200
    result = response.json()
    assert set(result) == CANONICAL_KEYS
    assert result["text"] == SAMPLE_ARTICLE and result["outlet"] == "Harbour Times"
    assert result["title"] == "Harbour plan splits the town"
    for span in result["spans"]:
        assert result["text"][span["start"]:span["end"]] == span["text"]
    loaded = [s for s in result["spans"] if s["technique"] == "Loaded_Language"]
    assert loaded and "disastrous" in loaded[0]["text"]
    assert loaded[0]["explanation"] == BY_NAME["Loaded_Language"].explanation
    assert set(result["models"]) == {"techniques", "genre", "frames"}
    assert result["genre"]["label"] in ("reporting", "opinion", "satire")
    assert response.headers["location"] == f"/api/articles/{result['id']}"
    assert client.get(f"/api/articles/{result['id']}").json() == result


def test_the_language_of_a_text_too_short_to_detect_can_be_given(tmp_path):
    headline = {"text": "Brücke gesperrt", "store": False}
    # the shipped models, and the language detected per request (the other tests' server forces English)
    with TestClient(create_app(Settings(), tmp_path / "db.sqlite")) as client:
        guessed = client.post("/api/analyze", json=headline).json()
        assert not guessed["language"] and not guessed["models"]
        assert any("could not be detected" in w and '"language": "de"' in w for w in guessed["warnings"])
        for given in (client.post("/api/analyze", json={**headline, "language": "DE"}),
                      client.post("/api/analyze", data={"text": headline["text"], "language": "de"})):
            result = given.json()
            assert given.status_code == 200 and result["language"] == "de", result
            assert set(result["models"]) == {"techniques", "genre", "frames"}
            assert not any("could not be detected" in w for w in result["warnings"])


def test_analyze_without_storing(client):
    result = analyse(client, store=False)
    assert result["spans"]
    assert client.get("/api/articles").json()["total"] == 0


def test_analyze_uploaded_text_and_html_files(client):
    response = client.post("/api/analyze", files={"file": ("harbour.txt", SAMPLE_ARTICLE.encode(), "text/plain")},
                           data={"outlet": "Upload Daily"})
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["text"] == SAMPLE_ARTICLE and result["outlet"] == "Upload Daily" and result["source"] == "harbour.txt"
    assert any(s["technique"] == "Loaded_Language" for s in result["spans"])

    page = ("<!DOCTYPE html><html><head><title>Harbour plan splits the town</title></head><body><article>"
            "<h1>Harbour plan splits the town</h1>"
            + "".join(f"<p>{line}</p>" for line in SAMPLE_ARTICLE.splitlines()[2:] if line)
            + "</article></body></html>")
    response = client.post("/api/analyze", files={"file": ("page.html", page.encode(), "text/html")})
    assert response.status_code == 200, response.text
    assert "disastrous, outrageous betrayal" in response.json()["text"]


@pytest.mark.parametrize("files, data, status, message", [
    ({"file": ("image.png", b"\x89PNG\r\n\x1a\n" + bytes(200), "image/png")}, {}, 400, "binary"),
    ({"file": ("empty.txt", b"", "text/plain")}, {}, 400, "uploaded file is empty"),
    ({"file": ("latin1.txt", "Caf\xe9 au lait".encode("latin-1"), "text/plain")}, {}, 400, "not UTF-8"),
    ({"file": ("a.txt", b"Title\n\nBody", "text/plain")}, {"text": "also text"}, 400, "only one of"),
    (None, {"text": "   "}, 400, "give the article text"),
])
def test_bad_uploads_and_forms_get_clear_errors(client, files, data, status, message):
    response = client.post("/api/analyze", files=files, data=data) if files else \
        client.post("/api/analyze", data=data, files={"unused": ("x", b"", "text/plain")})
    assert response.status_code == status, response.text
    assert message in response.json()["error"]


@pytest.mark.parametrize("body, status, message", [
    ({"url": "http://127.0.0.1/article"}, 400, "loopback"),
    ({"url": "http://localhost:8000/x"}, 400, "loopback"),
    ({"url": "http://10.1.2.3/x"}, 400, "private"),
    ({"url": "http://169.254.169.254/latest/meta-data"}, 400, "link-local"),
    ({"url": "ftp://example.org/file.txt"}, 400, "http"),
    ({"url": "file:///etc/passwd"}, 400, "http"),
    ({"text": "   \n "}, 400, "empty"),
    ({"text": "a", "url": "https://example.org"}, 422, "not both"),
    ({}, 422, "give 'text'"),
    ({"text": 12}, 422, "text"),
    ({"text": "fine", "colour": "red"}, 422, "colour"),
    ({"text": "fine", "language": "german"}, 422, "ISO 639-1"),
    ({"text": "fine", "language": "ge"}, 422, "'de'"),
])
def test_json_input_errors(client, body, status, message):
    response = client.post("/api/analyze", json=body)
    assert response.status_code == status, response.text
    assert message in response.json()["error"]
    assert "Traceback" not in response.text


def test_malformed_json_and_wrong_content_type(client):
    response = client.post("/api/analyze", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 400 and "not valid JSON" in response.json()["error"]
    response = client.post("/api/analyze", content=b"[1, 2]", headers={"content-type": "application/json"})
    assert response.status_code == 422
    response = client.post("/api/analyze", content=b"hello", headers={"content-type": "text/plain"})
    assert response.status_code == 415 and "multipart" in response.json()["error"]


def test_text_over_the_character_limit_is_refused(settings, tmp_path):
    small = settings.with_changes(max_input_chars=100)
    with TestClient(create_app(small, tmp_path / "db.sqlite")) as client:
        response = client.post("/api/analyze", json={"text": "word " * 50})
        assert response.status_code == 400 and "100" in response.json()["error"]
        # a form field bigger than the multipart parser's default part size (1 MiB) still reaches the checks
        big = client.post("/api/analyze", data={"text": "word " * 250_000},
                          files={"file": ("", b"", "application/octet-stream")})
        assert big.status_code == 400 and "100" in big.json()["error"], big.text


# ---------------------------------------------------------------------------------------------------------------
# limits: body size, time, load


def test_body_limit_by_content_length_and_by_streamed_bytes(settings, tmp_path):
    with TestClient(create_app(settings, tmp_path / "db.sqlite", max_body_bytes=2000)) as client:
        response = client.post("/api/analyze", json={"text": "x" * 5000})
        assert response.status_code == 413 and "2,000 bytes" in response.json()["error"]

        def chunks():  # no Content-Length: the body arrives chunked and is counted as it streams
            for _ in range(10):
                yield b"y" * 500

        response = client.post("/api/analyze", content=chunks(), headers={"content-type": "application/json"})
        assert "content-length" not in response.request.headers
        assert response.status_code == 413
        ok = client.post("/api/analyze", json={"text": SAMPLE_ARTICLE})
        assert ok.status_code == 200


class SlowPipeline:
    """The real pipeline, delayed: makes time-limit behaviour testable without a huge article."""

    def __init__(self, pipeline, delay):
        self.pipeline, self.delay = pipeline, delay

    @property
    def components(self):
        return self.pipeline.components

    def __call__(self, article):
        time.sleep(self.delay)
        return self.pipeline(article)


def test_analysis_time_limit_gives_504(settings, tmp_path):
    app = create_app(settings, tmp_path / "db.sqlite", analysis_timeout=0.3)
    app.state.runtime.pipeline = SlowPipeline(app.state.runtime.pipeline, 1.5)
    with TestClient(app) as client:
        response = client.post("/api/analyze", json={"text": SAMPLE_ARTICLE})
        assert response.status_code == 504
        assert "did not finish within 0.3 seconds" in response.json()["error"]
        assert client.get("/api/articles").json()["total"] == 0  # a timed-out analysis is not stored


def test_too_many_pending_analyses_gives_503(settings, tmp_path):
    app = create_app(settings, tmp_path / "db.sqlite", max_pending=1, analysis_timeout=10)
    app.state.runtime.pipeline = SlowPipeline(app.state.runtime.pipeline, 1.0)

    async def two_at_once():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            first = asyncio.create_task(client.post("/api/analyze", json={"text": SAMPLE_ARTICLE}))
            while app.state.runtime.pending < 1:  # the first analysis is running (for at least 1 s)
                await asyncio.sleep(0.01)
            second = await client.post("/api/analyze", json={"text": OTHER_ARTICLE})
            return await first, second

    first, second = asyncio.run(two_at_once())
    assert first.status_code == 200
    assert second.status_code == 503 and "busy" in second.json()["error"]
    app.state.runtime.close()


# ---------------------------------------------------------------------------------------------------------------
# the library


@pytest.fixture
def stored(client):
    a = analyse(client, outlet="Harbour Times", published="2026-05-02")
    b = analyse(client, OTHER_ARTICLE, outlet="Ferry News", published="2026-06-10")
    return a, b


def listed(client, **params):
    response = client.get("/api/articles", params=params)
    assert response.status_code == 200, response.text
    return sorted(item["title"] for item in response.json()["items"])


def test_list_filters_and_search(client, stored):
    a, b = stored
    assert listed(client) == sorted([a["title"], b["title"]])
    assert listed(client, outlet="Ferry News") == [b["title"]]
    assert listed(client, technique="Loaded_Language") == [a["title"]]
    assert listed(client, technique="loaded language") == [a["title"]]  # names are normalised
    assert listed(client, date_from="2026-06-01") == [b["title"]]
    assert listed(client, date_to="2026-05-31") == [a["title"]]
    assert listed(client, q="disastrous betrayal") == [a["title"]]
    assert listed(client, q="hospit") == [b["title"]]  # prefix of the last word
    assert listed(client, score_min=a["summary"]["propaganda_score"], score_max=100) == [a["title"]]
    genre = a["genre"]["label"]
    assert a["title"] in listed(client, genre=genre)
    page = client.get("/api/articles", params={"per_page": 1, "page": 2}).json()
    assert page["total"] == 2 and len(page["items"]) == 1 and page["page"] == 2
    item = client.get("/api/articles", params={"outlet": "Harbour Times"}).json()["items"][0]
    assert item["technique_counts"] == a["summary"]["technique_counts"] and item["date"] == "2026-05-02"


@pytest.mark.parametrize("params, status, message", [
    ({"technique": "Mind_Control"}, 400, "unknown technique"),
    ({"genre": "poetry"}, 400, "unknown genre"),
    ({"date_from": "yesterday"}, 422, "date_from"),
    ({"per_page": 1000}, 422, "per_page"),
    ({"page": 0}, 422, "page"),
    ({"score_min": -5}, 422, "score_min"),
    ({"sort": "random"}, 422, "sort"),
])
def test_list_rejects_bad_filters(client, params, status, message):
    response = client.get("/api/articles", params=params)
    assert response.status_code == status
    assert message in response.json()["error"]


def test_get_and_delete(client, stored):
    a, _ = stored
    assert client.delete(f"/api/articles/{a['id']}").status_code == 204
    response = client.get(f"/api/articles/{a['id']}")
    assert response.status_code == 404 and a["id"] in response.json()["error"]
    assert client.delete(f"/api/articles/{a['id']}").status_code == 404
    assert client.get("/api/articles").json()["total"] == 1


def test_stats_per_outlet_and_month(client, stored):
    a, b = stored
    stats = client.get("/api/stats").json()
    assert stats["total_articles"] == 2
    outlets = {o["outlet"]: o for o in stats["outlets"]}
    assert outlets["Harbour Times"]["techniques"] == a["summary"]["technique_counts"]
    assert outlets["Ferry News"]["techniques"] == b["summary"]["technique_counts"]
    assert {m["month"] for m in stats["months"]} == {"2026-05", "2026-06"}


def test_healthz_and_openapi(client):
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["database"] == "ok"
    assert set(health["models"]) == {"techniques", "genre", "frames"} and health["missing_models"] == []
    schema = client.get("/openapi.json").json()
    for path in ("/api/analyze", "/api/compare", "/api/articles", "/api/articles/{article_id}", "/api/stats",
                 "/healthz"):
        assert path in schema["paths"], path
    body = schema["paths"]["/api/analyze"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(body)
    assert "ErrorOut" in schema["components"]["schemas"] and "AnalysisOut" in schema["components"]["schemas"]
    assert "/docs" not in [route.path for route in client.app.routes]  # no CDN-hosted docs page


def test_compare_endpoint(client):
    pytest.importorskip("spinscope.compare", reason="spinscope.compare is not written yet")
    response = client.post("/api/compare", json={"articles": [
        {"text": SAMPLE_ARTICLE, "outlet": "Harbour Times"}, {"text": OTHER_ARTICLE, "outlet": "Ferry News"}]})
    assert response.status_code == 200, response.text
    assert "Harbour Times" in response.text and "Ferry News" in response.text
    assert client.post("/api/compare", json={"articles": [{"text": "only one"}]}).status_code == 422
    result = response.json()
    assert result["kind"] == "compare" and {a["outlet"] for a in result["articles"]} == {"Harbour Times", "Ferry News"}
    assert client.get("/api/articles").json()["total"] == 0  # comparing does not store unless asked
    bad = client.post("/api/compare", json={"articles": [{"text": "a"}, {"url": "http://127.0.0.1/"}]})
    assert bad.status_code == 400 and "loopback" in bad.json()["error"]
    # one URL that cannot be fetched does not cost the comparison of the other two; it is listed as a failure
    partial = client.post("/api/compare", json={"articles": [
        {"text": SAMPLE_ARTICLE, "outlet": "Harbour Times"}, {"url": "http://127.0.0.1/"},
        {"text": OTHER_ARTICLE, "outlet": "Ferry News"}]})
    assert partial.status_code == 200, partial.text
    assert {a["outlet"] for a in partial.json()["articles"]} == {"Harbour Times", "Ferry News"}
    assert [f["source"] for f in partial.json()["failures"]] == ["http://127.0.0.1/"]

    stored = client.post("/api/compare", json={"store": True, "articles": [
        {"text": SAMPLE_ARTICLE, "outlet": "Harbour Times"}, {"text": OTHER_ARTICLE, "outlet": "Ferry News"}]})
    assert stored.status_code == 200
    items = client.get("/api/articles").json()["items"]
    assert {i["outlet"] for i in items} == {"Harbour Times", "Ferry News"}
    assert set(client.get(f"/api/articles/{items[0]['id']}").json()) == CANONICAL_KEYS


def test_compare_page(client):
    pytest.importorskip("spinscope.compare", reason="spinscope.compare is not written yet")
    form = {"outlet0": "Harbour Times", "text0": SAMPLE_ARTICLE, "outlet1": "Ferry News", "text1": OTHER_ARTICLE}
    page = client.post("/compare", data=form)
    assert page.status_code == 200, page.text
    assert 'class="compare-table"' in page.text and page.text.count('<article class="report"') == 2
    assert "<mark" in page.text and "Harbour Times" in page.text
    assert re.search(r"style-src 'self' 'sha256-", page.headers["content-security-policy"])
    one = client.post("/compare", data={"text0": SAMPLE_ARTICLE})
    assert one.status_code == 400 and "at least two articles" in one.text
    assert SAMPLE_ARTICLE.splitlines()[0] in one.text  # the input is kept


# ---------------------------------------------------------------------------------------------------------------
# pages and web security


HOSTILE = ("<script>alert('x')</script> headline\n\n"
           "Critics called the plan a disastrous, outrageous betrayal of the town. <img src=x onerror=alert(1)>\n")


def test_pages_render_and_escape_article_text(client):
    result = analyse(client, HOSTILE, outlet="<b>Evil</b> Outlet")
    pages = {path: client.get(path) for path in
             ("/", "/library", "/dashboard", "/compare", f"/articles/{result['id']}")}
    for path, response in pages.items():
        assert response.status_code == 200, path
        html = response.text
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>Evil</b>" not in html, path
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), f"inline event handler on {path}"
        assert not re.search(r"<[^>]+\sstyle\s*=", html), f"style attribute on {path}"
        assert not re.search(r"<script(?![^>]*\b(src|type=\"application/json\"))[^>]*>", html), path
        assert "https://" not in re.sub(r'href="https?://[^"]*"', "", html.split("<main", 1)[0]), "CDN link"
    article = pages[f"/articles/{result['id']}"].text
    assert "&lt;script&gt;alert" in article and "<mark" in article
    assert "&lt;b&gt;Evil&lt;/b&gt; Outlet" in pages["/library"].text


def test_security_headers(client):
    result = analyse(client)
    for path in ("/", f"/articles/{result['id']}", "/api/articles", "/healthz"):
        headers = client.get(path).headers
        policy = headers["content-security-policy"]
        assert "default-src 'none'" in policy and "script-src 'self'" in policy and "'unsafe-inline'" not in policy
        assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
    article_policy = client.get(f"/articles/{result['id']}").headers["content-security-policy"]
    assert re.search(r"style-src 'self' 'sha256-[A-Za-z0-9+/=]+'", article_policy)


def test_cross_site_writes_are_refused(client):
    evil = client.post("/api/analyze", json={"text": SAMPLE_ARTICLE}, headers={"origin": "https://evil.example"})
    assert evil.status_code == 403 and "cross-site" in evil.json()["error"]
    opaque = client.post("/analyze", data={"text": SAMPLE_ARTICLE}, headers={"origin": "null"})
    assert opaque.status_code == 403
    same = client.post("/api/analyze", json={"text": SAMPLE_ARTICLE}, headers={"origin": "http://testserver"})
    assert same.status_code == 200


def test_html_form_flow(client):
    response = client.post("/analyze", data={"text": SAMPLE_ARTICLE, "outlet": "Form Daily"},
                           files={"file": ("", b"", "application/octet-stream")}, follow_redirects=False)
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith("/articles/")
    page = client.get(location)
    assert page.status_code == 200 and "Form Daily" in page.text and 'class="hl ' in page.text
    library = client.get("/library", params={"q": "betrayal"})
    assert "Harbour plan splits the town" in library.text and "1 article match" in library.text
    assert "No stored article matches" in client.get("/library", params={"q": "zebra"}).text
    bad = client.get("/library", params={"technique": "Nonsense"})
    assert bad.status_code == 400 and "unknown technique" in bad.text
    deleted = client.post(f"{location}/delete", follow_redirects=False)
    assert deleted.status_code == 303 and client.get(location).status_code == 404


def test_html_form_errors_rerender_the_form(client):
    response = client.post("/analyze", data={"url": "http://127.0.0.1/private"},
                           files={"file": ("", b"", "application/octet-stream")})
    assert response.status_code == 400
    assert "loopback" in response.text and 'value="http://127.0.0.1/private"' in response.text


def test_unknown_paths_give_json_to_api_clients_and_a_page_to_browsers(client):
    api = client.get("/api/nothing")
    assert api.status_code == 404 and api.json()["error"].startswith("no such page")
    page = client.get("/nothing", headers={"accept": "text/html"})
    assert page.status_code == 404 and "<html" in page.text
    assert client.put("/api/articles").status_code == 405


def test_concurrent_clients_through_a_real_server(settings, tmp_path):
    """A few simultaneous analyses and reads through uvicorn on loopback (bounded, local only)."""
    from web_helpers import ServerThread

    app = create_app(settings, tmp_path / "db.sqlite", workers=2)
    results, errors = [], []

    def post(i):
        try:
            with httpx.Client(base_url=server.url, timeout=60) as http:
                response = http.post("/api/analyze", json={"text": f"Article {i}\n\n{OTHER_ARTICLE}"})
                results.append(response.status_code)
                http.get("/api/articles").raise_for_status()
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    with ServerThread(app) as server:
        threads = [threading.Thread(target=post, args=(i,)) for i in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        total = httpx.get(f"{server.url}/api/articles").json()["total"]
    assert errors == [] and results == [200] * 6 and total == 6


def test_ids_with_slashes_and_spaces_work_everywhere(client):
    """Ids come from file names and batch inputs too; links and routes must survive any of them."""
    from urllib.parse import quote

    result = analyse(client, store=False)
    odd_id = "folder/article 7?x=1#frag"
    client.app.state.runtime.store.save(dict(result, id=odd_id))
    assert client.get(f"/api/articles/{quote(odd_id)}").json()["id"] == odd_id
    library = client.get("/library").text
    assert f'href="/articles/{quote(odd_id, safe="")}"' in library  # "/" too: one path segment
    page = client.get(f"/articles/{quote(odd_id, safe='')}")
    assert page.status_code == 200 and "<mark" in page.text
    assert client.post(f"/articles/{quote(odd_id, safe='')}/delete", follow_redirects=False).status_code == 303
    assert client.get(f"/api/articles/{quote(odd_id)}").status_code == 404
