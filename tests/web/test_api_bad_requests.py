"""Hostile or odd requests that used to reach the 500 handler, and what the library keeps from /api/compare."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from spinscope.web.app import create_app
from web_helpers import SAMPLE_ARTICLE

OTHER_ARTICLE = (
    "Ferry service returns\n"
    "\n"
    "Officials said the new ferry timetable would start in March.\n"
    "Can anyone really believe the minister's promises after so many failures?\n"
)


@pytest.fixture
def client(settings, tmp_path):
    with TestClient(create_app(settings, tmp_path / "library.db")) as test_client:
        yield test_client


def test_deeply_nested_json_body_is_a_client_error(client):
    body = "[" * 100_000 + "]" * 100_000
    response = client.post("/api/analyze", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert "not valid JSON" in response.json()["error"]


@pytest.mark.parametrize("path", ["/api/articles?page=99999999999999999999", "/library?page=99999999999999999999"])
def test_huge_page_number_is_an_empty_page_not_a_server_error(client, path):
    client.post("/api/analyze", json={"text": SAMPLE_ARTICLE})
    response = client.get(path, headers={"accept": "text/html"})
    assert response.status_code == 200, response.text
    if path.startswith("/api/"):
        assert response.json()["items"] == [] and response.json()["total"] == 1


def test_compare_stores_the_articles_own_outlet_not_a_display_name(client):
    response = client.post("/api/compare", json={"store": True, "articles": [
        {"text": SAMPLE_ARTICLE, "outlet": "Harbour Times"}, {"text": OTHER_ARTICLE}]})
    assert response.status_code == 200, response.text
    # the comparison itself shows an unnamed article by its input position (as run_compare's comment says)
    assert sorted(a["outlet"] for a in response.json()["articles"]) == ["Harbour Times", "compare #2"]
    items = client.get("/api/articles").json()["items"]
    assert sorted(i["outlet"] for i in items) == ["", "Harbour Times"]  # no "compare #2" outlet in the library
    assert [o["outlet"] for o in client.get("/api/stats").json()["outlets"]] == ["", "Harbour Times"]


@pytest.mark.parametrize("path", ["/api/analyze", "/api/compare"])
def test_malformed_json_is_400_and_a_wrong_content_type_415_on_every_json_endpoint(client, path):
    response = client.post(path, content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 400 and response.json()["error"].startswith("request body is not valid JSON: ")
    response = client.post(path, content=b"[" * 100_000, headers={"content-type": "application/json"})
    assert response.status_code == 400 and "not valid JSON" in response.json()["error"]
    response = client.post(path, content=b"hello", headers={"content-type": "text/plain"})
    assert response.status_code == 415 and "send JSON" in response.json()["error"]
    response = client.post(path, content=b"[1, 2]", headers={"content-type": "application/json"})
    assert response.status_code == 422 and "JSON object" in response.json()["error"]


def test_compare_request_shape_errors_stay_422_and_the_schema_documents_the_body(client):
    response = client.post("/api/compare", json={"articles": [{"text": "only one"}]})
    assert response.status_code == 422 and response.json()["error"].startswith("articles: ")
    response = client.post("/api/compare", json={"articles": [{"text": "a"}, {"text": "b"}], "extra": 1})
    assert response.status_code == 422 and "extra" in response.json()["error"]
    openapi = client.get("/openapi.json").json()
    body = openapi["paths"]["/api/compare"]["post"]["requestBody"]

    def resolve(node):  # every $ref must point at a schema the document has
        while "$ref" in node:
            assert node["$ref"].startswith("#/components/schemas/"), node["$ref"]
            node = openapi["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
        return node

    schema = resolve(body["content"]["application/json"]["schema"])
    assert body["required"] and set(schema["required"]) == {"articles"}
    assert "text" in resolve(schema["properties"]["articles"]["items"])["properties"]


def test_compare_form_with_an_overlong_outlet_is_a_form_error_not_a_server_error(client):
    response = client.post("/compare", data={"text0": SAMPLE_ARTICLE, "text1": OTHER_ARTICLE, "outlet0": "x" * 201})
    assert response.status_code == 400, response.text
    assert "article 1: outlet" in response.text and "200 characters" in response.text


def test_the_same_text_from_two_outlets_is_stored_as_two_articles(client):
    response = client.post("/api/compare", json={"store": True, "articles": [
        {"text": SAMPLE_ARTICLE, "outlet": "Wire One"}, {"text": SAMPLE_ARTICLE, "outlet": "Wire Two"}]})
    assert response.status_code == 200, response.text
    ids = [a["id"] for a in response.json()["articles"]]
    stored = [client.get(f"/api/articles/{i}") for i in ids]
    assert [r.status_code for r in stored] == [200, 200]
    assert sorted(r.json()["outlet"] for r in stored) == ["Wire One", "Wire Two"]


def test_library_pages_past_the_end_bad_page_numbers_and_missing_deletes_say_so(client):
    client.post("/api/analyze", json={"text": SAMPLE_ARTICLE})  # no outlet: no "(none)" choice in the filter
    page = client.get("/library?page=999")
    assert page.status_code == 200 and "There is no page 999" in page.text and "library is empty" not in page.text
    assert "(none)" not in client.get("/library").text
    bad = client.get("/library?page=abc")
    assert "page must be a whole number" in bad.text and "invalid literal" not in bad.text
    missing = client.post("/articles/no-such-id/delete", follow_redirects=False)
    assert missing.status_code == 404


@pytest.mark.parametrize("published", ["2026-13-45", "2026-02-30", "tomorrow"])
def test_a_publication_date_that_does_not_exist_is_refused(client, published):
    response = client.post("/api/analyze", json={"text": SAMPLE_ARTICLE, "published": published})
    assert response.status_code == 422 and "published" in response.json()["error"], response.text
    form = client.post("/api/analyze", data={"text": SAMPLE_ARTICLE, "published": published})
    assert form.status_code == 422, form.text
    assert client.get("/api/articles").json()["total"] == 0


@pytest.mark.parametrize("host, status", [("127.0.0.1:8000", 200), ("localhost", 200), ("[::1]:8000", 200),
                                          ("news.example.org", 200), ("evil.example", 400),
                                          ("127.0.0.1.evil.example", 400)])
def test_the_host_check_answers_in_json_like_every_other_error(settings, tmp_path, host, status):
    app = create_app(settings, tmp_path / "library.db",
                     allowed_hosts=["127.0.0.1", "localhost", "[::1]", "*.example.org"])
    with TestClient(app) as test_client:
        response = test_client.get("/healthz", headers={"host": host})
    assert response.status_code == status, response.text
    if status == 400:
        assert response.headers["content-type"] == "application/json"
        assert "Host header" in response.json()["error"]


@pytest.mark.parametrize("path", ["/healthz", "/", "/library", "/api/articles"])
def test_head_is_answered_like_get_without_a_body(client, path):
    get, head = client.get(path), client.head(path)
    assert head.status_code == get.status_code == 200
    assert head.content == b"" and head.headers["content-type"] == get.headers["content-type"]


def test_text_pasted_into_the_form_is_the_same_article_as_the_same_text_sent_as_json(client):
    # browsers send a textarea's line breaks as CRLF whatever was pasted
    form = client.post("/api/analyze", data={"text": SAMPLE_ARTICLE.replace("\n", "\r\n")})
    sent = client.post("/api/analyze", json={"text": SAMPLE_ARTICLE})
    assert form.status_code == sent.status_code == 200
    assert form.json()["id"] == sent.json()["id"] and form.json()["text"] == SAMPLE_ARTICLE
    assert client.get("/api/articles").json()["total"] == 1


def test_the_compare_page_counts_every_claim_only_one_outlet_makes_not_just_the_listed_ones():
    from spinscope.web.pages import story_views

    result = {"articles": [{"id": "a", "outlet": "A"}, {"id": "b", "outlet": "B"}],
              "stories": [{"id": "story-1", "unique_claim_counts": {"a": 35, "b": 11},
                           "unique_claims": [{"article": "a", "text": "One."}, {"article": "b", "text": "Two."}]}]}
    (view,) = story_views(result)
    assert view["unique_total"] == 46 and len(view["unique"]) == 2


def test_a_score_range_that_cannot_match_says_so(client):
    api = client.get("/api/articles?score_min=7&score_max=3")
    assert api.status_code == 400 and "lowest score (7) is above the highest (3)" in api.json()["error"]
    page = client.get("/library?score_min=7&score_max=3")
    assert "lowest score (7) is above the highest (3)" in page.text
