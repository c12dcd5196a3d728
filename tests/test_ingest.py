"""Input ingestion: every input kind, every refusal, the URL policy (against a local server only) and properties."""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import shutil
import socket
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from spinscope import ingest
from spinscope.errors import InputError
from spinscope.ingest import Failure, decode_bytes, fetch_url, from_html, from_text, iter_articles, load_one
from spinscope.segment import segment, strip_blank
from spinscope.settings import Settings
from spinscope.types import Article

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
LOCAL = Settings(allow_private_urls=True, fetch_timeout=5.0)


def error_of(call, *args, **kwargs) -> str:
    with pytest.raises(InputError) as info:
        call(*args, **kwargs)
    message = str(info.value)
    assert "\n" not in message, "errors are one line"
    return message


# --- text files -----------------------------------------------------------------------------------------------


def test_semeval_txt_keeps_the_whole_file_and_uses_the_number_as_id():
    path = FIXTURES / "article123.txt"
    article = load_one(path)
    assert article.text == path.read_bytes().decode("utf-8")
    assert article.id == "123"
    assert article.title == "Riverside council approves bridge repairs after years of delay"
    assert article.source == str(path)
    assert load_one(str(path)).text == article.text


def test_other_txt_names_use_the_stem_as_id(tmp_path):
    path = tmp_path / "my-story.txt"
    path.write_text("\n\n  Headline  \n\nBody.", encoding="utf-8")
    article = load_one(path)
    assert (article.id, article.title) == ("my-story", "Headline")


def test_crlf_is_kept_byte_for_byte(tmp_path):
    path = tmp_path / "article5.txt"
    path.write_bytes(b"Title\r\n\r\nFirst line.\r\nSecond line.\r\n")
    article = segment(load_one(path))
    assert article.text == "Title\r\n\r\nFirst line.\r\nSecond line.\r\n"
    assert [article.text[p.start:p.end] for p in article.paragraphs] == ["Title", "First line.", "Second line."]


def test_cr_only_and_mixed_line_ends_give_the_title_and_paragraphs(tmp_path):
    path = tmp_path / "oldmac.txt"
    path.write_bytes(b"Crisis in the council\r\rThe evil regime lied again! Shame on them.\rA second line.\r")
    article = segment(load_one(path))
    assert article.text == path.read_bytes().decode("utf-8")  # kept byte for byte
    assert article.title == "Crisis in the council"
    assert [(p.line, article.text[p.start:p.end]) for p in article.paragraphs] == [
        (1, "Crisis in the council"), (3, "The evil regime lied again! Shame on them."), (4, "A second line.")]
    assert [article.text[s.start:s.end] for s in article.sentences][1:] == [
        "The evil regime lied again!", "Shame on them.", "A second line."]
    mixed = from_text(" \r\r\n Headline \rBody.\r\nMore body.\n")
    assert mixed.title == "Headline"
    assert [mixed.text[p.start:p.end] for p in segment(mixed).paragraphs] == ["Headline", "Body.", "More body."]


def test_utf8_bom_is_stripped(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfTitle\n\nBody.")
    assert load_one(path).text == "Title\n\nBody."


@pytest.mark.parametrize("content, message", [
    (b"", "empty input"),
    (b"  \n\t\r\n \xe2\x80\x8b\n", "empty input"),  # whitespace and a zero-width space only
    (b"Title\n\nsome\x00text\x00with NULs", "looks like a binary file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks like a binary file (PNG)"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "looks like a binary file (PDF)"),
    (bytes(range(1, 32)) * 20, "looks like a binary file"),
    (bytes([0xC0, 0xFF, 0x80, 0x81, 0xFE]) * 200, "looks like a binary file"),
    ("Caf\u00e9 au lait\n\nUn texte en latin-1.".encode("latin-1"), "not UTF-8 text (byte 0xe9 at offset 3)"),
], ids=["empty", "whitespace-only", "nul-bytes", "png", "pdf", "control-chars", "random-high-bytes", "latin-1"])
def test_bad_text_files_are_refused_with_a_clear_message(tmp_path, content, message):
    path = tmp_path / "x.txt"
    path.write_bytes(content)
    assert error_of(load_one, path).startswith(f"{path}: {message}")


def test_file_over_the_byte_limit_is_refused_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:
        handle.truncate(50_000_000)  # sparse: no 50 MB written
    real_open = open

    def no_reading(file, mode="r", *args, **kwargs):
        assert Path(file) != path, "the file must not be opened"
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr("builtins.open", no_reading)
    assert error_of(load_one, path, Settings()) == (
        f"{path}: 50.0 MB is over the 5.0 MB input limit (set SPINSCOPE_MAX_INPUT_BYTES to raise it)")


def test_file_just_over_the_byte_limit_names_exact_sizes(tmp_path):
    path = tmp_path / "edge.txt"
    with open(path, "wb") as handle:
        handle.truncate(5_000_001)
    assert error_of(load_one, path, Settings()) == (f"{path}: 5,000,001 bytes is over the 5,000,000-byte input limit "
                                                    "(set SPINSCOPE_MAX_INPUT_BYTES to raise it)")


def test_text_over_the_character_limit_is_refused(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("Title\n\n" + "word " * 100, encoding="utf-8")
    message = error_of(load_one, path, Settings(max_input_chars=100))
    assert message.startswith(f"{path}: 507 characters is over the 100-character input limit")


def test_missing_path_and_directory_and_jsonl_are_refused_by_load_one(tmp_path):
    assert error_of(load_one, tmp_path / "nope.txt") == f"{tmp_path / 'nope.txt'}: no such file or directory"
    assert error_of(load_one, "no/such/article.txt") == "no/such/article.txt: no such file or directory"
    assert "is a directory" in error_of(load_one, tmp_path)
    assert "analyse it as a batch" in error_of(load_one, FIXTURES / "batch.jsonl")


# --- raw text, stdin, decode_bytes ----------------------------------------------------------------------------


def test_raw_text_is_used_exactly():
    text = "  A headline\n\nA body with «quotes» and 🙂.\r\n"
    article = load_one(text)
    assert article.text == text
    assert article.title == "A headline"
    assert article.source == "text"
    assert article.id == load_one(text).id and article.id.startswith("text-")


def test_an_article_is_returned_as_is():
    article = Article(text="Already built.")
    assert load_one(article) is article


def test_from_text_metadata_and_refusals():
    article = from_text("Body only.", source="api", id="x1", title="Given title", outlet="Gazette")
    assert (article.id, article.title, article.outlet, article.source) == ("x1", "Given title", "Gazette", "api")
    assert error_of(from_text, " \n ", source="api") == "api: empty input"
    assert "over the 5-character" in error_of(from_text, "123456", settings=Settings(max_input_chars=5))


def test_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("Title\n\nFrom a pipe.".encode())))
    article = load_one("-")
    assert (article.text, article.source) == ("Title\n\nFrom a pipe.", "stdin")


def test_closed_stdin_is_refused(monkeypatch):
    monkeypatch.setattr(sys, "stdin", None)  # what Python sets when started with stdin closed
    assert error_of(load_one, "-").startswith("stdin: standard input is closed")


def test_stdin_over_the_limit_is_refused_without_reading_it_all(monkeypatch):
    stream = io.BytesIO(b"x" * 10_000)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(stream))
    message = error_of(load_one, "-", Settings(max_input_bytes=100))
    assert message.startswith("stdin: more than 100 bytes is over the 100 bytes input limit")
    assert stream.tell() <= 8192 + 101  # a buffered read of at most limit + 1 bytes, never the whole stream


def test_from_text_refuses_binary_looking_text_but_keeps_a_few_control_characters():
    noise = bytes(range(256)).decode("latin-1") * 4  # random bytes read as Latin-1 by an API client
    assert error_of(from_text, noise, source="api") == "api: looks like binary data, not text"
    text = "Harbour\x00 news\x01 about the ferry and the pier."
    assert from_text(text, source="api").text == text


def test_decode_bytes():
    assert decode_bytes("Zürich «ok»".encode(), "u") == "Zürich «ok»"
    assert decode_bytes(b"\xef\xbb\xbfBOM", "u") == "BOM"
    assert decode_bytes("Łódź".encode("utf-16"), "u") == "Łódź"  # UTF-16 with its BOM
    assert error_of(decode_bytes, b"ok \xff here", "upload.txt") == (
        "upload.txt: not UTF-8 text (byte 0xff at offset 3); save it as UTF-8")
    assert error_of(decode_bytes, b"\xef\xbb\xbf \n", "upload.txt") == "upload.txt: empty input"


def test_other_inputs_are_refused():
    assert error_of(load_one, 42) == "cannot analyse a int: give text, a path or a URL"
    assert "add https://" in error_of(load_one, "www.example.com/story")


# --- HTML -----------------------------------------------------------------------------------------------------


def test_html_file_main_text_and_metadata():
    article = load_one(FIXTURES / "page.html")
    lines = article.text.split("\n")
    assert lines[0] == article.title == "Council approves bridge repairs"
    assert lines[1] == ""
    body = [line for line in lines[2:] if line]
    assert body[0].startswith("The Riverside town council voted on Tuesday")
    assert body[-1].startswith("Some residents were not convinced.")
    assert len(body) == 3, "one paragraph per line"
    for noise in ("Reader comment", "Votes in favour", "Home", "Copyright"):
        assert noise not in article.text
    assert article.outlet == "Riverside Gazette"
    assert article.published == "2024-03-05"
    assert article.id == "page"


def test_html_declared_charset_is_used():
    html = ('<html><head><meta charset="iso-8859-1"><title>Caf\u00e9 news</title></head><body><article>'
            '<p>The caf\u00e9 on the corner re-opened on Monday after a long renovation of its kitchen.</p>'
            '</article></body></html>').encode("latin-1")
    article = from_html(html, source="latin.html")
    assert article.title == "Caf\u00e9 news"
    assert "The caf\u00e9 on the corner" in article.text


def test_html_without_title_uses_its_first_paragraph():
    html = ("<html><body><article><p>First paragraph stands in for the title of this page.</p>"
            "<p>Second paragraph has the rest of the story and some more words.</p></article></body></html>")
    article = from_html(html, source="untitled.html")
    assert article.title == "First paragraph stands in for the title of this page."
    assert article.text.split("\n")[0] == article.title


@pytest.mark.parametrize("html", [
    "<<<>>>",
    "<html><head><title>Only a title</title></head><body></body></html>",
    "<html><body><script>var x = '<p>not text</p>';</script></body></html>",
    "\x00\x01 garbage",
    "<?xml version='1.0' encoding='utf-8'?><html><body></body></html>",
], ids=["brackets", "title-only", "script-only", "control-chars", "xml-declared-empty"])
def test_html_without_article_text_is_refused(html):
    message = error_of(from_html, html, source="bad.html")
    assert message.startswith("bad.html: ")


def test_malformed_html_does_not_crash():
    html = ("<html><body><div><p>Unclosed <b>bold <i>italic and a <table><tr><td>cell</p>"
            "<p>Another paragraph that has quite a few words so that it counts as article text.</div></span>")
    try:
        article = from_html(html, source="broken.html")
    except InputError as error:
        assert str(error).startswith("broken.html: ")
    else:
        assert article.text.split("\n")[0] == article.title and strip_blank(article.text)


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(["<p>", "</p>", "<div>", "<b>", "</", ">", "<", "&amp;", "&#0;", "<!--", "-->",
                                 "<script>", "<title>", "Words here. ", "Más «texto» 🙂 ", "\x00", "\n"]),
                max_size=60).map("".join))
def test_any_markup_gives_an_article_or_an_input_error(html):
    try:
        article = from_html(html, source="fuzz.html")
    except InputError:
        return
    assert article.text.split("\n")[0] == article.title


# --- JSONL and batches ----------------------------------------------------------------------------------------


def test_jsonl_good_lines_are_kept_and_bad_lines_reported():
    path = FIXTURES / "batch.jsonl"
    results = list(iter_articles([path]))
    articles = [r for r in results if isinstance(r, Article)]
    failures = [r for r in results if isinstance(r, Failure)]
    assert [a.id for a in articles] == ["a1", "batch-2", "7"]
    first = articles[0]
    assert first.text == "Bridge repairs approved\n\nThe council voted on Tuesday."
    assert (first.title, first.url, first.outlet, first.published) == (
        "Bridge repairs approved", "https://gazette.example/a1", "Riverside Gazette", "2024-03-05")
    assert first.source == f"jsonl:{path}:1"
    assert articles[1].title == "No metadata here. Just a short text about the weather."
    assert [f.source for f in failures] == [f"jsonl:{path}:{n}" for n in (3, 5, 6, 7)]  # as its article
    assert failures[0].reason.startswith(f"{path}:3: invalid JSON: Unterminated string")
    assert failures[1].reason == f'{path}:5: expected a JSON object with a "text" field, got list'
    assert failures[2].reason == f'{path}:6: "text" is missing'
    assert failures[3].reason == f"{path}:7: empty input"


def test_jsonl_errors_read_naturally_and_all_name_the_line_the_same_way(tmp_path):
    path = tmp_path / "arts.jsonl"
    lines = [{"text": 5}, {"text": ["a"]}, {"text": "Title\n\nBody.", "title": "\ud800"},
             {"text": "Title\n\nBody.", "outlet": "x\udc00"}]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    reasons = [r.reason for r in iter_articles([path])]
    assert reasons == [f'{path}:1: "text" must be a string, got int', f'{path}:2: "text" must be a string, got list',
                       f"{path}:3: title holds invalid Unicode (a lone surrogate at offset 0)",
                       f"{path}:4: outlet holds invalid Unicode (a lone surrogate at offset 1)"]


def test_jsonl_line_nested_too_deeply_fails_alone(tmp_path):
    path = tmp_path / "deep.jsonl"
    good = json.dumps({"text": "The pier reopens on Monday."})
    path.write_text(good + '\n{"text": "x", "meta": ' + "[" * 5000 + "]" * 5000 + "}\n" + good + "\n")
    results = list(iter_articles([path]))
    assert [type(r).__name__ for r in results] == ["Article", "Failure", "Article"]
    assert results[1].reason == f"{path}:2: invalid JSON: nested too deeply"


def test_jsonl_metadata_must_be_strings(tmp_path):
    path = tmp_path / "meta.jsonl"
    text = '"text": "The pier reopens on Monday."'
    path.write_text("\n".join([
        '{%s, "outlet": ["x"]}' % text, '{%s, "published": {"d": 1}}' % text, '{%s, "title": NaN}' % text,
        '{%s, "id": Infinity}' % text, '{%s, "id": true}' % text, '{%s, "id": 12}' % text,
        '{%s, "id": %s}' % (text, "9" * 5000)]) + "\n")
    results = list(iter_articles([path]))
    assert [r.reason for r in results if isinstance(r, Failure)] == [
        f'{path}:1: "outlet" must be a string, got list', f'{path}:2: "published" must be a string, got dict',
        f"{path}:3: invalid JSON: NaN is not a JSON value", f"{path}:4: invalid JSON: Infinity is not a JSON value",
        f'{path}:5: "id" must be a string or an integer, got bool',
        f"{path}:7: invalid JSON: a number has too many digits"]
    assert [r.id for r in results if isinstance(r, Article)] == ["12"]


def test_ndjson_is_read_like_jsonl(tmp_path):
    path = tmp_path / "feed.ndjson"
    shutil.copy(FIXTURES / "batch.jsonl", path)
    results = list(iter_articles([path]))
    assert [r.id for r in results if isinstance(r, Article)] == ["a1", "feed-2", "7"]
    assert results[0].source == f"jsonl:{path}:1"
    assert "analyse it as a batch" in error_of(load_one, path)


def test_json_file_holds_one_article_or_an_array_of_them(tmp_path):
    one = tmp_path / "one.json"
    one.write_text(json.dumps({"id": 4, "text": "Pier reopens\n\nOn Monday.", "outlet": "Gazette"}))
    article = load_one(one)
    assert (article.id, article.title, article.outlet, article.source) == ("4", "Pier reopens", "Gazette", str(one))
    assert [r.id for r in iter_articles([one])] == ["4"]
    many = tmp_path / "many.json"
    many.write_text(json.dumps([{"text": "First text."}, {"title": "no text"}, {"text": "Third.", "id": "c"}]))
    results = list(iter_articles([many]))
    assert [r.id if isinstance(r, Article) else r.reason for r in results] == [
        "many-1", f'{many}: item 2: "text" is missing', "c"]
    assert (results[0].source, results[1].source) == (f"json:{many}:1", f"json:{many}:2")
    assert "a JSON array holds many articles" in error_of(load_one, many)


@pytest.mark.parametrize("content, message", [
    ('{"text": "unterminated', "invalid JSON: Unterminated string starting at line 1 column 10"),
    ("[\n  {}\n  {}]", "invalid JSON: Expecting ',' delimiter at line 3 column 3"),
    ('"just a string"', 'expected a JSON object with a "text" field or an array of them, got str'),
    ("[]", "empty input (an empty JSON array)"),
    ("[" * 5000 + "]" * 5000, "invalid JSON: nested too deeply"),
    ("", "empty input"),
], ids=["unterminated", "missing-comma", "string", "empty-array", "deep", "empty"])
def test_bad_json_files_are_one_line_failures(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    [failure] = list(iter_articles([path]))
    assert failure.reason == f"{path}: {message}"


def test_jsonl_line_over_the_limit_is_skipped(tmp_path):
    path = tmp_path / "big.jsonl"
    path.write_text(json.dumps({"text": "x" * 500}) + "\n" + json.dumps({"text": "Small one."}) + "\n")
    results = list(iter_articles([path], Settings(max_input_bytes=100)))
    assert isinstance(results[0], Failure) and "line is over the 100 bytes input limit" in results[0].reason
    assert isinstance(results[1], Article) and results[1].id == "big-2"


def test_directory_batch_reports_bad_files_and_goes_on(tmp_path):
    shutil.copy(FIXTURES / "article123.txt", tmp_path / "b_article123.txt")
    shutil.copy(FIXTURES / "page.html", tmp_path / "c_page.HTML")
    (tmp_path / "a_empty.txt").write_bytes(b"")
    (tmp_path / "d_binary.txt").write_bytes(b"\x00\x01\x02" * 50)
    (tmp_path / "e_notes.md").write_text("not an article input")
    (tmp_path / "._b_article123.txt").write_bytes(b"\x00\x05\x16\x07 AppleDouble junk")  # macOS metadata file
    (tmp_path / "sub").mkdir()
    results = list(iter_articles([tmp_path]))
    assert [type(r).__name__ for r in results] == ["Failure", "Article", "Article", "Failure"]
    assert results[0].reason == f"{tmp_path / 'a_empty.txt'}: empty input"
    assert results[1].title.startswith("Riverside council approves")
    assert results[2].title == "Council approves bridge repairs"
    assert "looks like a binary file" in results[3].reason


def test_batch_mixes_inputs_and_reports_missing_ones(tmp_path, closed_port):
    (tmp_path / "empty").mkdir()
    inputs = [FIXTURES / "article123.txt", str(tmp_path / "missing.txt"), str(tmp_path / "empty"),
              f"http://127.0.0.1:{closed_port}/story", "ftp://example.com/story", FIXTURES / "page.html"]
    results = list(iter_articles(inputs, LOCAL))
    assert [type(r).__name__ for r in results] == ["Article", "Failure", "Failure", "Failure", "Failure", "Article"]
    assert results[1].reason == f"{tmp_path / 'missing.txt'}: no such file or directory"
    assert "no .txt, .html or .htm files" in results[2].reason
    assert "connection refused" in results[3].reason
    assert "only http and https" in results[4].reason
    assert str(results[1]) == results[1].reason


# --- URLs: policy checks that never connect -------------------------------------------------------------------


@pytest.fixture
def no_connections(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the URL policy must refuse before connecting")

    monkeypatch.setattr(ingest, "_connection", refuse)


@pytest.mark.parametrize("url, kind", [
    ("http://127.0.0.1/admin", "loopback"),
    ("http://localhost:8080/", "loopback"),
    ("http://[::1]/", "loopback"),
    ("http://[::ffff:127.0.0.1]/", "loopback"),
    ("http://10.1.2.3/", "private"),
    ("http://192.168.0.1/router", "private"),
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://0.0.0.0/", "unspecified"),
    ("http://224.0.0.1/", "multicast"),
    ("http://240.0.0.1/", "reserved"),
    ("http://100.64.0.1/", "non-public"),
    ("http://2130706433/", "loopback"),  # 127.0.0.1 written as one number
], ids=lambda value: value if "://" not in value else None)
def test_private_addresses_are_refused(no_connections, url, kind):
    message = error_of(fetch_url, url, Settings())
    assert message.startswith(f"{url}: refused to fetch")
    assert f"is {'an' if kind == 'unspecified' else 'a'} {kind} address" in message
    assert "SPINSCOPE_ALLOW_PRIVATE_URLS" in message


def test_public_addresses_pass_the_check():
    assert ingest._address_problem("93.184.216.34") is None
    assert ingest._address_problem("2606:2800:220:1:248:1893:25c8:1946") is None
    assert ingest._address_problem("::ffff:10.0.0.1") == "private"


@pytest.mark.parametrize("url", ["ftp://example.com/a", "file:///etc/passwd", "gopher://example.com/",
                                 "javascript://alert(1)"])
def test_non_http_schemes_are_refused(no_connections, url):
    assert error_of(load_one, url) == f"{url}: only http and https URLs can be fetched"


def test_allowed_hosts_restrict_fetching(no_connections):
    strict = Settings(allow_private_urls=True, allowed_url_hosts=("news.example", "*.gazette.example"))
    message = error_of(fetch_url, "http://127.0.0.1/x", strict)
    assert message == ("http://127.0.0.1/x: host 127.0.0.1 is not in the allowed hosts "
                       "(SPINSCOPE_ALLOWED_URL_HOSTS)")
    assert ingest._host_allowed("www.gazette.example", strict.allowed_url_hosts)
    assert not ingest._host_allowed("gazette.example.evil", strict.allowed_url_hosts)


def test_dns_failure_is_one_line(no_connections, monkeypatch):
    def fail(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(ingest.socket, "getaddrinfo", fail)
    assert error_of(fetch_url, "https://x.invalid/a") == "https://x.invalid/a: cannot fetch (name or service not known)"


def test_invalid_urls_are_refused(no_connections):
    assert error_of(fetch_url, " ") == "the URL is empty; give an http or https address"
    assert "invalid URL" in error_of(fetch_url, "http://example.com:99999/")
    assert "invalid URL (no host name)" in error_of(fetch_url, "http:///path")


# --- URLs: real fetches against a local server ----------------------------------------------------------------

ARTICLE_HTML = (FIXTURES / "page.html").read_bytes()


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 - http.server's naming
        port = self.server.server_address[1]
        path = self.path
        if path in ("/article.html", "/caf%C3%A9-news.html"):
            self._send(200, ARTICLE_HTML, {"Content-Type": "text/html; charset=utf-8"})
        elif path == "/plain.txt":
            self._send(200, "Title\n\nPlain «text» body.".encode(), {"Content-Type": "text/plain; charset=utf-8"})
        elif path == "/gzip.html":
            self._send(200, gzip.compress(ARTICLE_HTML), {"Content-Type": "text/html", "Content-Encoding": "gzip"})
        elif path == "/gzip-bomb.html":
            self._send(200, gzip.compress(b" " * 2_000_000), {"Content-Type": "text/html",
                                                               "Content-Encoding": "gzip"})
        elif path == "/big-no-length.html":
            self._send(200, b"<p>" + b"x" * 5000 + b"</p>", {"Content-Type": "text/html"})
        elif path == "/big-with-length.html":
            self._send(200, b"y" * 5000, {"Content-Type": "text/html", "Content-Length": "5000"})
        elif path == "/truncated.html":  # declares far more than it sends, then closes
            self._send(200, ARTICLE_HTML[:600], {"Content-Type": "text/html", "Content-Length": "100000"})
        elif path == "/image.png":
            self._send(200, b"\x89PNG\r\n\x1a\n", {"Content-Type": "image/png"})
        elif path == "/slow.html":
            time.sleep(1.5)
            self._send(200, ARTICLE_HTML, {"Content-Type": "text/html"})
        elif path in ("/drip-body.html", "/drip-headers.html"):
            # a byte every 0.1 s for up to 5 s: each wait is short, the whole response is not
            try:
                if path == "/drip-body.html":
                    self._send(200, b"<p>", {"Content-Type": "text/html"})
                    drip = b"x" * 50
                else:
                    self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                    drip = b"X-Slow: " + b"y" * 42
                for byte in drip:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:  # the client gave up: expected
                pass
        elif path == "/redirect":
            self._send(302, headers={"Location": "/article.html"})
        elif path == "/redirect-loop":
            self._send(302, headers={"Location": "/redirect-loop"})
        elif path == "/redirect-ftp":
            self._send(301, headers={"Location": "ftp://127.0.0.1/file"})
        elif path == "/redirect-private":
            # another loopback address: refused once 127.0.0.1 is treated as public, and still on this machine
            self._send(302, headers={"Location": f"http://127.0.0.2:{port}/article.html"})
        elif path == "/redirect-localhost":
            self._send(307, headers={"Location": f"http://localhost:{port}/article.html"})
        else:
            self._send(404, b"not here", {"Content-Type": "text/plain"})


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_fetch_html_page(server):
    article = load_one(f"{server}/article.html", LOCAL)
    assert article.title == "Council approves bridge repairs"
    assert "The Riverside town council voted" in article.text
    assert article.url == f"{server}/article.html"
    assert article.source == f"{server}/article.html"
    assert article.outlet == "Riverside Gazette"


def test_fetch_encodes_non_ascii_paths_like_a_browser(server):
    assert load_one(f" {server}/café-news.html\n", LOCAL).title == "Council approves bridge repairs"


def test_fetch_plain_text_and_gzip(server):
    plain = fetch_url(f"{server}/plain.txt", LOCAL)
    assert plain.text == "Title\n\nPlain «text» body."
    assert plain.outlet == "127.0.0.1"
    assert fetch_url(f"{server}/gzip.html", LOCAL).title == "Council approves bridge repairs"


def test_fetch_follows_redirects_and_records_the_final_url(server):
    article = fetch_url(f"{server}/redirect", LOCAL)
    assert article.url == f"{server}/article.html"
    assert article.source == f"{server}/redirect"


def test_fetch_is_refused_by_default_for_localhost(server):
    assert "is a loopback address" in error_of(fetch_url, f"{server}/article.html", Settings())


def test_redirect_to_a_private_address_is_refused(server, monkeypatch):
    real_check = ingest._address_problem
    monkeypatch.setattr(ingest, "_address_problem",
                        lambda address: None if address == "127.0.0.1" else real_check(address))
    message = error_of(fetch_url, f"{server}/redirect-private", Settings(fetch_timeout=5.0))
    port = server.rsplit(":", 1)[1]
    assert message.startswith(f"{server}/redirect-private: refused to fetch 127.0.0.2 "
                              f"(redirected to http://127.0.0.2:{port}/article.html)")
    assert "loopback" in message


def test_redirects_are_checked_against_scheme_and_allowed_hosts(server):
    assert "only http and https URLs can be fetched (redirected to ftp://" in error_of(
        fetch_url, f"{server}/redirect-ftp", LOCAL)
    only_ip = LOCAL.with_changes(allowed_url_hosts=("127.0.0.1",))
    assert "host localhost is not in the allowed hosts" in error_of(fetch_url, f"{server}/redirect-localhost", only_ip)
    assert error_of(fetch_url, f"{server}/redirect-loop", LOCAL).endswith("cannot fetch (more than 5 redirects)")


def test_http_errors_and_unwanted_content(server):
    assert error_of(fetch_url, f"{server}/missing", LOCAL) == f"{server}/missing: cannot fetch (HTTP 404 Not Found)"
    assert "cannot analyse content of type image/png" in error_of(fetch_url, f"{server}/image.png", LOCAL)


def test_responses_over_the_limit_are_refused(server):
    small = LOCAL.with_changes(max_input_bytes=1000)
    assert "over the 1.0 kB input limit" in error_of(fetch_url, f"{server}/big-no-length.html", small)
    assert "5.0 kB is over the 1.0 kB input limit" in error_of(fetch_url, f"{server}/big-with-length.html", small)
    bomb = error_of(fetch_url, f"{server}/gzip-bomb.html", LOCAL.with_changes(max_input_bytes=100_000))
    assert "(decompressed) is over the 100.0 kB input limit" in bomb


def test_a_download_shorter_than_its_content_length_is_refused(server):
    assert error_of(fetch_url, f"{server}/truncated.html", LOCAL) == (
        f"{server}/truncated.html: cannot fetch (the download ended early: got 600 of 100,000 bytes)")


@pytest.mark.parametrize("path", ["/drip-body.html", "/drip-headers.html"])
def test_a_server_that_drips_bytes_is_cut_off_at_the_fetch_timeout(server, path):
    started = time.monotonic()
    message = error_of(fetch_url, f"{server}{path}", LOCAL.with_changes(fetch_timeout=1.0))
    elapsed = time.monotonic() - started
    assert "timed out" in message, message
    assert elapsed < 3.5, f"the fetch took {elapsed:.1f} s against a 1 s limit (the drip lasts 5 s)"


def test_unreachable_and_slow_servers(server, closed_port):
    url = f"http://127.0.0.1:{closed_port}/story"
    assert error_of(load_one, url, LOCAL) == f"{url}: cannot fetch (connection refused)"
    assert error_of(fetch_url, f"{server}/slow.html", LOCAL.with_changes(fetch_timeout=0.5)).endswith(
        "cannot fetch (timed out)")


# --- properties -----------------------------------------------------------------------------------------------


@hypothesis_settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_from_text_keeps_any_text_exactly_or_refuses_blank_text(text):
    try:
        article = from_text(text)
    except InputError as error:
        if str(error) == "text: looks like binary data, not text":
            assert ingest._non_text_share(text) > 0.1
            return
        assert not strip_blank(text)
        assert str(error) == "text: empty input"
        return
    assert article.text == text
    assert article.title == strip_blank(article.title) and article.title in text
    segment(article)
    assert article.paragraphs


@hypothesis_settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_decode_bytes_gives_text_or_a_one_line_error(data):
    try:
        text = decode_bytes(data, "blob")
    except InputError as error:
        assert str(error).startswith("blob: ") and "\n" not in str(error)
        return
    assert strip_blank(text)


# --- the seed articles (real data, read-only) -----------------------------------------------------------------


def test_seed_articles_load(seeds_dir):
    files = sorted(p for p in seeds_dir.iterdir() if p.suffix == ".txt")
    assert files, f"no .txt seeds in {seeds_dir}"
    for path in files:
        article = segment(load_one(path))
        assert article.text == path.read_bytes().decode("utf-8")
        assert article.title and article.paragraphs and article.sentences
        assert article.id == path.stem
    assert os.fspath(files[0]) in {r.source for r in iter_articles([seeds_dir]) if isinstance(r, Article)}


# --- HTML given as a str or bytes (the library's own sniffing is the CLI's and the web app's) -------------------

HARBOUR_HTML = ("<!DOCTYPE html><html><head><title>Harbour plan</title></head><body><article><h1>Harbour plan</h1>"
                "<p>The council approved the harbour plan on Tuesday after a long debate about the cost.</p>"
                "<p>Critics call it a disaster for the residents of the old town.</p></article></body></html>")


@pytest.mark.parametrize("given", [HARBOUR_HTML, HARBOUR_HTML.encode(), "\ufeff<!-- saved page -->\n" + HARBOUR_HTML,
                                   HARBOUR_HTML.encode("utf-16"), HARBOUR_HTML[len("<!DOCTYPE html>"):]],
                         ids=["str", "bytes", "bom-and-comment", "utf-16-bytes", "no-doctype"])
def test_an_html_document_given_as_a_str_or_bytes_is_extracted_not_taken_as_text(given):
    article = load_one(given)
    assert article.source == "html" and article.title == "Harbour plan"
    assert article.text.startswith("Harbour plan\n\nThe council approved") and "<" not in article.text
    assert article.text == load_one(HARBOUR_HTML.encode(), Settings()).text  # as stdin/uploads would give it


def test_the_library_reads_html_as_stdin_does():
    stream = io.BytesIO(HARBOUR_HTML.encode())
    piped = ingest.read_stdin(stream=stream)
    given = load_one(HARBOUR_HTML)
    assert (given.text, given.title, given.id) == (piped.text, piped.title, piped.id)


def test_analyze_extracts_an_html_string():
    import spinscope

    result = spinscope.analyze(HARBOUR_HTML)
    assert result.source == "html" and result.title == "Harbour plan" and "<article>" not in result.text


def test_html_fragments_and_text_mentioning_tags_stay_text():
    for text in ("<p>The council approved the plan.</p>", "Why <html> tags matter\n\nA short note.",
                 "Harbour news\n\n<body> is where a page's text goes."):
        article = load_one(text)
        assert article.source == "text" and article.text == text
    assert load_one(b"Title\n\nBody.").source == "text"  # bytes of text: named like a str of text


def test_one_html_sniffing_rule_for_library_stdin_files_and_uploads():
    assert ingest.looks_like_html(HARBOUR_HTML) and ingest.looks_like_html(HARBOUR_HTML.encode())
    assert ingest.looks_like_html(b'<?xml version="1.0"?>\n<!-- a --><!-- b -->\n<html>')
    assert not ingest.looks_like_html(b"<!-- an unterminated comment <html>")
    assert not ingest.looks_like_html(b"<!-- a --> not a comment --> <html>")  # a comment ends at its first -->
    pytest.importorskip("fastapi")
    from spinscope.web import app

    assert app.looks_like_html is ingest.looks_like_html


def test_html_sniffing_does_not_backtrack_on_a_run_of_comments():
    started = time.monotonic()
    for data in (b"<!---->" * 600 + b"x", "<!---->" * 600 + "x"):
        assert not ingest.looks_like_html(data)
    assert time.monotonic() - started < 1.0  # the old pattern took minutes (exponential in the comment count)


def test_an_html_string_that_is_too_long_or_empty_of_text_is_refused_in_one_line():
    assert error_of(load_one, "<html><body><script>var x = 1;</script></body></html>") == (
        "html: no article text found in the HTML")
    message = error_of(load_one, HARBOUR_HTML, Settings(max_input_chars=100))
    assert message.startswith("html: ") and "character input limit" in message
    message = error_of(load_one, HARBOUR_HTML.encode(), Settings(max_input_bytes=100))
    assert message.startswith("input: ") and "bytes input limit" in message  # bytes: the byte limit, first


# --- text in legacy encodings: "not UTF-8", not "binary" ----------------------------------------------------

RUSSIAN = ("Власти города объявили о новом плане развития порта.\n\nКритики называют его катастрофой для жителей, "
           "которые и так страдают от шума.\n")
UKRAINIAN = "Міська влада оголосила про новий план розвитку порту. Критики називають його катастрофою.\n"
POLISH = "Władze miasta ogłosiły nowy plan rozwoju portu. Krytycy nazywają go katastrofą dla mieszkańców.\n"
CZECH = "Městská rada schválila nový plán rozvoje přístavu. Kritici říkají, že je to katastrofa pro obyvatele.\n"
GREEK = "Οι αρχές της πόλης ανακοίνωσαν νέο σχέδιο ανάπτυξης του λιμανιού. Οι επικριτές το αποκαλούν καταστροφή.\n"


def _first_bad_utf8(data: bytes) -> int:
    with pytest.raises(UnicodeDecodeError) as caught:
        data.decode("utf-8")
    return caught.value.start


@pytest.mark.parametrize("text, encoding, named", [
    (RUSSIAN, "cp1251", "Windows-1251"), (RUSSIAN, "koi8-r", "KOI8-R/KOI8-U"), (RUSSIAN, "cp866", "CP866"),
    (RUSSIAN, "iso-8859-5", "ISO-8859-5"), (UKRAINIAN, "cp1251", "Windows-1251"),
    (UKRAINIAN, "koi8-u", "KOI8-R/KOI8-U"),
    (RUSSIAN * 300, "cp1251", "Windows-1251"),
    ("Harbour news in English first. " * 1000 + RUSSIAN, "cp1251", "Windows-1251"),  # the first bad byte at 31 kB
])
def test_cyrillic_legacy_text_is_not_utf8_and_its_code_page_is_named(tmp_path, text, encoding, named):
    path = tmp_path / "story.txt"
    data = text.encode(encoding)
    path.write_bytes(data)
    offset = _first_bad_utf8(data)
    assert error_of(load_one, path) == (f"{path}: not UTF-8 text (byte 0x{data[offset]:02x} at offset {offset}; "
                                        f"it looks like Cyrillic text in {named}); save it as UTF-8")


@pytest.mark.parametrize("text, encoding", [
    (POLISH, "cp1250"), (POLISH, "iso-8859-2"), (CZECH, "cp1250"), (CZECH, "iso-8859-2"), (GREEK, "cp1253"),
    ("Zürich: Straße, Öl und Käse für alle.\n", "latin-1"), ("Le député a dit « non » à l’été.\n", "cp1252"),
    ("市政府宣布了港口发展的新计划。批评者称这对居民来说是一场灾难。\n" * 5, "gbk"),
    ("市は港の新しい開発計画を発表した。批判者は住民にとって災害だと言う。\n" * 5, "shift_jis"),
    (RUSSIAN.upper(), "cp1251"),  # all capitals: Cyrillic, but which code page is not clear
])
def test_other_legacy_text_is_not_utf8_without_a_guessed_name(text, encoding):
    data = text.encode(encoding)
    offset = _first_bad_utf8(data)
    assert error_of(decode_bytes, data, "story.txt") == (
        f"story.txt: not UTF-8 text (byte 0x{data[offset]:02x} at offset {offset}); save it as UTF-8")


@pytest.mark.parametrize("data", [
    bytes(range(1, 256)) * 40,  # every byte but NUL
    bytes(byte for byte in random.Random(7).randbytes(20000) if byte),  # random, without NULs
    zlib.compress(RUSSIAN.encode() * 50, wbits=-15),  # raw deflate: no magic number
    bytes((i * 7919 + 13) % 223 + 33 for i in range(20000)),  # no control bytes, no spaces
    b"PK\x03\x04" + RUSSIAN.encode("cp1251"),  # a zip (or .docx) holding Cyrillic text
    b"%PDF-1.4\n" + RUSSIAN.encode("koi8-r"),
    RUSSIAN.encode("cp1251") + b"\x00",
], ids=["all-bytes", "random", "deflate", "no-controls", "zip", "pdf", "nul"])
def test_binary_data_is_still_refused_as_binary(data):
    assert error_of(decode_bytes, data, "blob").startswith("blob: looks like a binary file")


def test_legacy_encoded_file_is_a_one_line_error_from_the_cli(tmp_path):
    from cli_helpers import run_cli

    path = tmp_path / "story.txt"
    path.write_bytes(RUSSIAN.encode("cp1251"))
    for proc in (run_cli("analyze", str(path)), run_cli("analyze", "-", stdin=RUSSIAN.encode("koi8-r"))):
        err = proc.stderr.decode()
        assert proc.returncode == 2 and "Traceback" not in err and len(err.splitlines()) == 1
        assert "not UTF-8 text" in err and "Cyrillic text in" in err and "save it as UTF-8" in err


# --- offsets index Article.text: the decoded text, BOM dropped, line endings kept ---------------------------


@pytest.mark.parametrize("encoding, bom", [("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"),
                                           ("utf-16-be", b"\xfe\xff"), ("utf-8", b"")])
def test_text_file_article_text_is_the_decoded_file_less_its_bom(tmp_path, encoding, bom):
    text = "Harbour plan\r\n\r\nThe council \u00e9lite voted.\r\nCritics objected.\n"
    path = tmp_path / "story.txt"
    path.write_bytes(bom + text.encode(encoding))
    article = segment(load_one(path))
    assert article.text == text  # BOM dropped, "\r\n" kept as two characters, nothing normalised
    if bom[:3] == b"\xef\xbb\xbf":
        assert path.read_bytes().decode("utf-8") == "\ufeff" + article.text  # naive decoding: one character more
    for paragraph in article.paragraphs:
        assert article.text[paragraph.start:paragraph.end].strip()


def test_docstrings_say_what_offsets_index():
    import spinscope

    for doc in (spinscope.analyze.__doc__, ingest.load_file.__doc__):
        assert "offsets" in doc.lower() and "BOM" in doc and "line endings" in doc
    assert "byte-order mark" in spinscope.analyze.__doc__ and "html" in spinscope.analyze.__doc__.lower()
    assert "looks_like_html" in load_one.__doc__
