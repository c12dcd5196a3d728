"""Bugs found by fuzzing (fuzz/) and the hostile-input tests, one test each, written from the minimised input.

Each test here documents a bug found by the fuzzers or by review, fixed since.
"""

from __future__ import annotations

import http.server
import json
import threading

import pytest

from spinscope.batch import BatchOptions, run_batch
from spinscope.errors import InputError
from spinscope.ingest import fetch_url, from_html, from_text, iter_articles
from spinscope.settings import Settings

PAGE = b"<html><body><p>The harbour board agreed on Tuesday to repair the old pier before summer.</p></body></html>"

# Python codecs that are not text encodings (bytes-to-bytes, or punycode which raises a bare UnicodeError):
# `data.decode(name)` raises LookupError / UnicodeError, which ingest does not catch.
NON_TEXT_CODECS = ["base64", "hex", "rot13", "uu", "zlib", "bz2", "quopri", "punycode"]


@pytest.mark.parametrize("codec", NON_TEXT_CODECS)
def test_meta_charset_naming_a_non_text_codec_is_refused_or_ignored(codec):
    html = PAGE.replace(b"<html>", b'<html><head><meta charset="' + codec.encode() + b'"></head>')
    try:
        article = from_html(html, source="page.html")
    except InputError as error:
        assert "page.html" in str(error)
    else:
        assert "harbour board" in article.text


@pytest.mark.parametrize("codec", ["base64", "punycode"])
def test_content_type_charset_naming_a_non_text_codec_is_refused_or_ignored(codec):
    try:
        article = from_html(PAGE, source="page.html", content_type=f"text/html; charset={codec}")
    except InputError:
        pass
    else:
        assert "harbour board" in article.text


class _TextServer(http.server.ThreadingHTTPServer):
    daemon_threads = True


def test_plain_text_download_with_a_punycode_charset_is_refused_or_decoded():
    body = b"The harbour board agreed on Tuesday to repair the old pier <before> summer."

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=punycode")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = _TextServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        try:
            article = fetch_url(f"http://127.0.0.1:{server.server_address[1]}/a.txt",
                                Settings(allow_private_urls=True, fetch_timeout=10))
        except InputError:
            pass
        else:
            assert "harbour board" in article.text
    finally:
        server.shutdown()
        server.server_close()


def test_text_with_a_lone_surrogate_is_refused_as_input_error():
    with pytest.raises(InputError):
        from_text("The harbour board met \ud800 on Tuesday.", source="api")


def test_html_str_with_a_lone_surrogate_is_refused_not_truncated():
    html = "<html><body><p>Harbour \udc80 news about the ferry timetable and the pier.</p></body></html>"
    with pytest.raises(InputError):  # today: an Article whose text is just "Harbour"
        from_html(html, source="page.html")


def test_jsonl_line_with_a_lone_surrogate_becomes_a_failure(tmp_path):
    path = tmp_path / "batch.jsonl"
    path.write_text('{"id": "a", "text": "Fine article about the pier."}\n'
                    '{"id": "b", "text": "Lone \\ud800 surrogate."}\n'
                    '{"id": "c", "text": "Fine text", "title": "Lone \\udfff in the title"}\n', encoding="utf-8")
    items = list(iter_articles([str(path)], Settings()))
    assert [type(item).__name__ for item in items] == ["Article", "Failure", "Failure"]


def test_batch_with_a_lone_surrogate_line_lists_one_failure_and_finishes(tmp_path, model_settings):
    corpus = tmp_path / "in.jsonl"
    corpus.write_text('{"id": "a", "text": "Harbour news about the ferry."}\n'
                      '{"id": "b", "text": "Lone \\ud800 surrogate in this line."}\n'
                      '{"id": "c", "text": "Third article about the pier."}\n', encoding="utf-8")
    report = run_batch([corpus], tmp_path / "out.jsonl", model_settings,
                       BatchOptions(workers=0, db=str(tmp_path / "library.db")))
    assert (report.results, report.failures) == (2, 1)


@pytest.fixture(scope="module")
def client(model_settings, tmp_path_factory):
    from fastapi.testclient import TestClient

    from spinscope.web.app import create_app

    app = create_app(model_settings, tmp_path_factory.mktemp("regressions") / "library.db")
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.mark.parametrize("path, body", [
    ("/api/analyze", b'{"text": "Lone \\ud800 surrogate in an article text."}'),
    ("/api/analyze", b'{"text": "Lone \\ud800 surrogate in an article text.", "store": false}'),
    ("/api/compare", b'{"articles": [{"text": "Lone \\ud800 one"}, {"text": "A second article text."}]}'),
])
def test_api_text_with_a_lone_surrogate_is_a_client_error(client, path, body):
    response = client.post(path, content=body, headers={"content-type": "application/json"})
    assert response.status_code in (400, 422), response.text
    assert "\n" not in response.json()["error"]


def test_api_upload_of_html_declaring_a_non_text_codec_is_not_a_server_error(client):
    html = PAGE.replace(b"<html>", b'<html><head><meta charset="base64"></head>')
    response = client.post("/api/analyze", files={"file": ("page.html", html, "text/html")})
    assert response.status_code in (200, 400), response.text


def test_api_text_of_random_bytes_is_refused_as_binary(client):
    noise = bytes(range(256)).decode("latin-1") * 4  # a client that decoded a binary file as Latin-1
    response = client.post("/api/analyze", json={"text": noise})
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "api: looks like binary data, not text"


def test_api_empty_url_says_it_is_empty(client):
    response = client.post("/api/analyze", json={"url": ""})
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "the URL is empty; give an http or https address"


def test_api_nul_and_control_characters_in_text_round_trip(client):
    """Not a bug, kept as a guard: NUL and other C0 characters are valid JSON text and must survive storage."""
    text = "Harbour\x00 news\x01 about the ferry\x1b[31m and the pier."
    response = client.post("/api/analyze", json={"text": text})
    assert response.status_code == 200
    stored = client.get(f"/api/articles/{response.json()['id']}").json()
    assert stored["text"] == text and json.loads(json.dumps(stored)) == stored
