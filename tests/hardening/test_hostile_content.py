"""Hostile articles: script/markup payloads in every field never become live markup in the HTML report or the web
pages (checked by parsing, and by running Chromium on them), and oversized input (gzip bombs, endless streams,
deeply nested HTML, huge files) is refused early with a clear error and bounded memory."""

from __future__ import annotations

import http.server
import threading
import time
import tracemalloc
import zlib
from urllib.parse import quote

import pytest

from spinscope import analyze
from spinscope.errors import InputError
from spinscope.ingest import fetch_url, from_html, load_one
from spinscope.render.html import asset, to_html
from spinscope.settings import Settings
from spinscope.types import Article

from hostile import FLAGGED, HOSTILE_URLS, SCRIPT_PAYLOADS, check_page
from browser_helpers import find_chromium, launched_chromium
from processes import post_raw

MB = 1_000_000


def hostile_article(payload: str, url: str = "") -> Article:
    """An article whose every field carries `payload`, with flagged lines so the payload sits inside highlights."""
    text = "\n".join([payload, FLAGGED[0] + " " + payload, payload + " " + FLAGGED[1], FLAGGED[2], payload])
    return Article(text=text, title=payload, outlet=payload[:200], url=url or payload, published=payload[:64],
                   language="en")


def store_published(database, article_id: str, published: str) -> None:
    """Give a stored article a `published` value straight in the database, as `batch --db` would."""
    from spinscope.store import Store

    store = Store(database)
    try:
        result = store.get(article_id)
        store.save(dict(result, published=published))
        assert store.get(article_id)["published"] == published
    finally:
        store.close()


# ---------------------------------------------------------------------------------------------------------------
# the HTML report


def test_report_escapes_every_payload_in_every_field(model_settings):
    for index, payload in enumerate(SCRIPT_PAYLOADS):
        result = analyze(hostile_article(payload, HOSTILE_URLS[index % len(HOSTILE_URLS)]), model_settings).to_dict()
        assert result["spans"], "no highlights: the payload was not tested inside <mark> elements"
        page = to_html(result)
        check_page(page, scripts=[asset("report.js")], styles=1)
        assert "<" not in payload or payload not in page  # present raw means unescaped


# ---------------------------------------------------------------------------------------------------------------
# the web app's pages


@pytest.fixture(scope="module")
def hostile_client(model_settings, tmp_path_factory):
    from fastapi.testclient import TestClient

    from spinscope.web.app import create_app

    database = tmp_path_factory.mktemp("hostile") / "library.db"
    app = create_app(model_settings, database)
    with TestClient(app, raise_server_exceptions=False) as client:
        ids = []
        for payload in SCRIPT_PAYLOADS:
            article = hostile_article(payload)
            response = client.post("/api/analyze", json={
                "text": article.text, "title": article.title, "outlet": article.outlet})
            assert response.status_code == 200, response.text
            ids.append(response.json()["id"])
            # the API takes only real dates; a batch job stores whatever its JSONL says
            store_published(database, ids[-1], article.published)
        client.stored_ids = ids
        yield client


def test_web_pages_escape_every_payload(hostile_client):
    client = hostile_client
    pages = ["/", "/library", "/dashboard", "/compare"]
    pages += [f"/articles/{quote(article_id)}" for article_id in client.stored_ids]
    for payload in SCRIPT_PAYLOADS[:8]:
        pages += [f"/library?q={quote(payload)}", f"/library?outlet={quote(payload)}",
                  f"/library?genre={quote(payload)}", f"/articles/{quote(payload)}"]
    for path in pages:
        response = client.get(path, headers={"accept": "text/html"})
        assert response.status_code in (200, 400, 404), (path, response.status_code)
        assert response.headers["content-type"].startswith("text/html"), path
        check_page(response.text, web=True)
        for payload in SCRIPT_PAYLOADS:
            assert "<" not in payload or payload not in response.text, (path, payload)


def test_form_errors_show_the_input_again_escaped(hostile_client):
    for payload in SCRIPT_PAYLOADS[:10]:
        # text and url together is refused, and the form comes back filled in with what was typed
        response = hostile_client.post("/analyze", data={"text": payload, "url": "https://x.example/" + payload,
                                                         "title": payload, "outlet": payload[:200]},
                                       headers={"accept": "text/html"})
        assert response.status_code == 400
        check_page(response.text, web=True)
        assert "<" not in payload or payload not in response.text


# ---------------------------------------------------------------------------------------------------------------
# in a real browser

CHROMIUM = find_chromium()
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium binary (set SPINSCOPE_CHROMIUM or `apt-get install chromium`)")


@pytest.fixture(scope="module")
def browser():
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with launched_chromium() as launched:
        yield launched


POKE = """() => {
    // what a reader does: move over and focus everything, open highlights and folded sections
    for (const element of document.querySelectorAll('body *')) {
        for (const type of ['mouseover', 'mouseenter', 'mousemove', 'focus', 'focusin']) {
            element.dispatchEvent(new Event(type, {bubbles: true}));
        }
    }
    for (const element of document.querySelectorAll('mark, summary, .chip')) { element.click(); }
}"""


def visit_and_poke(browser, url: str) -> tuple[list[str], object]:
    """Open `url`, hover/focus everything and click highlights; return (dialogs seen, window.__pwned)."""
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(url)
    page.wait_for_load_state("load")
    page.evaluate(POKE)
    page.wait_for_timeout(150)
    pwned = page.evaluate("() => window.__pwned || (document.querySelector('iframe') ? 'iframe' : null)")
    context.close()
    return dialogs, pwned


@needs_chromium
def test_report_file_runs_no_payload_in_chromium(browser, model_settings, tmp_path):
    text = "\n".join(SCRIPT_PAYLOADS + FLAGGED)
    article = Article(text=text, title=SCRIPT_PAYLOADS[0], outlet=SCRIPT_PAYLOADS[1], url=HOSTILE_URLS[0],
                      published=SCRIPT_PAYLOADS[4][:64], language="en")
    result = analyze(article, model_settings).to_dict()
    result["warnings"].append(SCRIPT_PAYLOADS[2])
    report = tmp_path / "report.html"
    report.write_text(to_html(result), encoding="utf-8")
    dialogs, pwned = visit_and_poke(browser, report.as_uri())
    assert dialogs == [] and pwned is None


@needs_chromium
def test_web_ui_runs_no_payload_in_chromium(browser, model_settings, tmp_path):
    from spinscope.web.app import create_app
    from web_helpers import ServerThread

    import httpx

    app = create_app(model_settings, tmp_path / "library.db")
    with ServerThread(app) as server:
        base = server.url
        stored = httpx.post(f"{base}/api/analyze", json={
            "text": "\n".join(SCRIPT_PAYLOADS + FLAGGED), "title": SCRIPT_PAYLOADS[0],
            "outlet": SCRIPT_PAYLOADS[1][:200]}, timeout=60)
        assert stored.status_code == 200, stored.text
        article_id = stored.json()["id"]
        store_published(tmp_path / "library.db", article_id, SCRIPT_PAYLOADS[6][:64])
        for path in (f"/articles/{quote(article_id)}", f"/library?q={quote('patriot')}", "/dashboard"):
            dialogs, pwned = visit_and_poke(browser, base + path)
            assert dialogs == [] and pwned is None, path

        # typed into the form by a user and submitted: the result page must not run it either
        context = browser.new_context()
        page = context.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(base + "/")
        page.fill("textarea[name=text]", "\n".join(SCRIPT_PAYLOADS[10:20] + FLAGGED))
        # the metadata fields may sit in a collapsed section: set the value the way typing would
        page.eval_on_selector("input[name=title]", "(element, value) => { element.value = value; }", SCRIPT_PAYLOADS[1])
        with page.expect_navigation():
            page.click("form [type=submit]")
        page.wait_for_timeout(200)
        assert page.url.startswith(base + "/articles/")
        assert dialogs == [] and page.evaluate("() => window.__pwned") is None
        context.close()


# ---------------------------------------------------------------------------------------------------------------
# resource limits


class _BombServer(http.server.ThreadingHTTPServer):
    daemon_threads = True


def _bomb_handler(body: bytes, headers: dict[str, str], stream_mb: int = 0):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's naming
            self.send_response(200)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            try:
                if stream_mb:  # an endless-looking plain body, sent in 1 MB pieces
                    piece = b"<p>" + b"a" * (MB - 7) + b"</p>\n"
                    for _ in range(stream_mb):
                        self.wfile.write(piece)
                else:
                    self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up early, as it should

        def log_message(self, *args):
            pass

    return Handler


def _compressed(size: int, wbits: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, wbits)
    block = b"<p>" + b"spin " * 20_000 + b"</p>\n"
    parts = [compressor.compress(b"<html><body>")]
    for _ in range(size // len(block)):
        parts.append(compressor.compress(block))
    parts.append(compressor.flush())
    return b"".join(parts)


@pytest.mark.parametrize("kind", ["gzip bomb", "deflate bomb", "endless stream", "declared length"])
def test_oversized_downloads_are_refused_early_with_bounded_memory(kind):
    headers = {"Content-Type": "text/html"}
    body, stream_mb = b"", 0
    if kind == "gzip bomb":
        body = _compressed(60 * MB, 16 + zlib.MAX_WBITS)  # 60 MB of HTML (12x the limit) in ~60 kB
        headers.update({"Content-Encoding": "gzip", "Content-Length": str(len(body))})
    elif kind == "deflate bomb":
        body = _compressed(60 * MB, zlib.MAX_WBITS)
        headers.update({"Content-Encoding": "deflate", "Content-Length": str(len(body))})
    elif kind == "endless stream":
        stream_mb = 200  # no Content-Length: only the streamed byte count can stop it
    else:
        headers["Content-Length"] = str(100 * MB)  # refused on the header alone
        stream_mb = 1
    server = _BombServer(("127.0.0.1", 0), _bomb_handler(body, headers, stream_mb))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings = Settings(allow_private_urls=True, max_input_bytes=5 * MB, fetch_timeout=20)
    try:
        tracemalloc.start()
        started = time.monotonic()
        with pytest.raises(InputError, match="input limit") as raised:
            fetch_url(f"http://127.0.0.1:{server.server_address[1]}/bomb.html", settings)
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        server.shutdown()
        server.server_close()
    assert "\n" not in str(raised.value)
    assert peak < 4 * settings.max_input_bytes, f"{kind}: {peak / MB:.1f} MB allocated"
    assert elapsed < 15, f"{kind}: took {elapsed:.1f} s"


def test_deeply_nested_html_is_handled_without_a_crash():
    depth = 50_000
    html = "<html><body>" + "<div>" * depth + "<p>The harbour budget was approved on Monday by the council.</p>" \
        + "</div>" * depth + "</body></html>"
    started = time.monotonic()
    try:
        article = from_html(html, source="nested.html")
    except InputError as error:  # refusing is fine; a RecursionError or a hang is not
        assert "nested.html" in str(error)
    else:
        assert "harbour budget" in article.text
    assert time.monotonic() - started < 20


def test_huge_files_are_refused_before_they_are_read(tmp_path):
    huge = tmp_path / "huge.html"
    with open(huge, "wb") as handle:  # sparse: 100 MB on paper, nothing on disk
        handle.truncate(100 * MB)
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match="input limit"):
            load_one(huge, Settings())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MB


def test_100_mb_body_to_the_web_api_is_refused_early_with_bounded_server_memory(model_settings, tmp_path):
    from spinscope.web.app import create_app
    from web_helpers import ServerThread

    app = create_app(model_settings, tmp_path / "library.db")
    with ServerThread(app) as server:
        tracemalloc.start()  # traces every thread, so the server's allocations too
        try:
            for declared in (True, False):
                status, body, sent = post_raw(server.port, "/api/analyze", 100 * MB, declare_length=declared)
                assert status == 413, (declared, status, body)
                assert b"larger than" in body
                # refused early: the server stopped reading long before 100 MB had been sent
                assert sent < 30 * MB, f"client sent {sent / MB:.0f} MB before the refusal"
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    # the body limit is 2 x 5 MB + 64 KiB; buffering up to it is expected, buffering 100 MB is not
    assert peak < 40 * MB, f"{peak / MB:.0f} MB allocated while refusing 100 MB bodies"
