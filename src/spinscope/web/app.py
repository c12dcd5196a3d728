"""The Spinscope web app: an HTTP API (`/api/...`, OpenAPI at `/openapi.json`) and server-rendered pages.

`create_app(settings, db_url)` loads the models once, opens the library (`spinscope.store.Store`) and returns the
FastAPI app; `serve(...)` runs it with uvicorn (`spinscope serve`). Analyses run in a small thread pool with a time
limit, so a slow article gets a 504 instead of tying up the server; when every worker is busy and the queue is
full, new analyses get a 503. See docs/web.md.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import errno
import json
import logging
import math
import os
import socket
import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable, Optional, TypeVar
from urllib.parse import quote

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..errors import InputError, ModelError, SpinscopeError
from ..ingest import looks_like_html  # the one HTML sniffing rule (stdin, files, library, uploads)
from ..pipeline import Pipeline
from ..settings import Settings
from ..store import Store, StoreError, checked_filters, model_versions_of
from ..taxonomy import GENRES
from ..types import Article
from .schemas import (
    AnalysisOut, AnalyzeRequest, ArticleInput, ArticleListOut, CompareOut, CompareRequest, ErrorOut, HealthOut,
    StatsOut,
)
from .security import (BodyLimitMiddleware, HeadAsGetMiddleware, HostGuardMiddleware, OriginGuardMiddleware,
                       SecurityHeadersMiddleware)

log = logging.getLogger("spinscope.web")
ModelT = TypeVar("ModelT", bound=BaseModel)

DEFAULT_ANALYSIS_TIMEOUT = 120.0
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
FORM_FIELDS = ("text", "url", "title", "outlet", "published", "language", "store")


class ApiError(Exception):
    """An error with an HTTP status and a one-line message for the client."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Runtime:
    """What the request handlers share: settings, the loaded pipeline, the library and the analysis workers."""

    settings: Settings
    pipeline: Pipeline
    store: Store
    analysis_timeout: float
    workers: int
    max_pending: int
    executor: concurrent.futures.ThreadPoolExecutor = field(init=False)
    pending: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.executor = concurrent.futures.ThreadPoolExecutor(self.workers, thread_name_prefix="spinscope-analysis")

    @property
    def model_versions(self) -> dict[str, str]:
        return model_versions_of(self.pipeline)

    async def run(self, job: Callable[[], Any]) -> Any:
        """Run CPU-bound `job` in the worker pool; 503 when too many are queued, 504 past the time limit.

        A job that overruns keeps its worker until it finishes (threads cannot be killed) and keeps counting as
        pending, so a flood of slow requests is refused instead of piling up.
        """
        with self._lock:
            if self.pending >= self.max_pending:
                raise ApiError(503, f"the server is busy with {self.pending} analyses; try again in a moment")
            self.pending += 1
        try:
            future = self.executor.submit(job)
        except RuntimeError:
            self._release()
            raise ApiError(503, "the server is shutting down") from None
        future.add_done_callback(lambda _: self._release())
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self.analysis_timeout)
        except asyncio.TimeoutError:
            raise ApiError(504, f"the analysis did not finish within {self.analysis_timeout:g} seconds; "
                                "try a shorter article") from None

    def _release(self) -> None:
        with self._lock:
            self.pending -= 1

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.store.close()


# ---------------------------------------------------------------------------------------------------------------
# turning requests into articles


def article_from_input(item: ArticleInput, settings: Settings, source: str = "api") -> Article:
    """An `Article` from JSON/form input: the given text, or the page at `url` (fetched under the URL policy)."""
    from ..ingest import fetch_url, from_text

    if item.url is not None:
        article = fetch_url(item.url.strip(), settings)
    else:
        article = from_text(item.text, source=source, settings=settings, title=item.title or None)
    if item.title:
        article.title = item.title.strip()
    if item.outlet:
        article.outlet = item.outlet.strip()
    if item.published:
        article.published = item.published.strip()
    if item.language:
        article.language = item.language
    return with_outlet_id(article)


def with_outlet_id(article: Article) -> Article:
    """An article whose id was made from its text alone (none was given) gets one made from its outlet and text:
    the same text from one outlet is one library entry (updated when analysed again), from two outlets (wire copy)
    two entries. Without an outlet the id stays the text's own."""
    from ..ingest import text_id

    if article.outlet and article.id == text_id(article.text):
        article.id = text_id(json.dumps([article.outlet, article.text], ensure_ascii=False))
    return article


def article_from_upload(data: bytes, filename: str, item: ArticleInput | None, settings: Settings) -> Article:
    """An `Article` from an uploaded .txt or .html file."""
    from ..ingest import decode_bytes, from_html, from_text

    name = Path(filename or "upload").name or "upload"
    if not data:
        raise InputError(f"{name}: the uploaded file is empty")
    if len(data) > settings.max_input_bytes:
        raise InputError(f"{name}: the file is larger than the {settings.max_input_bytes:,} bytes allowed")
    if name.lower().endswith(HTML_SUFFIXES) or looks_like_html(data):
        article = from_html(data, source=name, settings=settings)
    else:
        article = from_text(decode_bytes(data, name), source=name, settings=settings)
    if item is not None:
        article.title = (item.title or "").strip() or article.title
        article.outlet = (item.outlet or "").strip() or article.outlet
        article.published = (item.published or "").strip() or article.published
        article.language = item.language or article.language
    return with_outlet_id(article)


@dataclass
class AnalysisJob:
    """A parsed /analyze request: how to build the article (run in a worker: may fetch a URL) and whether to store."""

    build: Callable[[], Article]
    store: bool = True


def validation_message(error: ValidationError | RequestValidationError) -> str:
    parts = []
    for item in error.errors()[:3]:
        where = ".".join(str(p) for p in item.get("loc", ()) if p not in ("body", "query", "path"))
        message = str(item.get("msg", "invalid value")).removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts) or "invalid request"


def _truthy(value: Any, default: bool = True) -> bool:
    if value is None or value == "":
        return default
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def _content_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


async def read_json_request(request: Request, model: type[ModelT], example: str) -> ModelT:
    """The JSON body validated as `model`: 400 if it is not JSON, 422 if it has the wrong shape (`example` shows
    the right one). The caller has checked the content type."""
    try:
        payload = await request.json()
    except ValueError as exc:
        raise ApiError(400, f"request body is not valid JSON: {str(exc).splitlines()[0]}") from None
    except RecursionError:  # json gives up on deeply nested arrays/objects this way
        raise ApiError(400, "request body is not valid JSON: nested too deeply") from None
    if not isinstance(payload, dict):
        raise ApiError(422, f"request body must be a JSON object like {example}")
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        raise ApiError(422, validation_message(exc)) from None


COMPARE_EXAMPLE = '{"articles": [{"text": "..."}, {"url": "https://..."}]}'


async def parse_compare_request(request: Request) -> CompareRequest:
    """Read JSON `{articles: [{text|url, title, outlet, published}, ...], store}`, as /api/analyze reads JSON."""
    if _content_type(request) != "application/json":
        raise ApiError(415, f"send JSON like {COMPARE_EXAMPLE}")
    return await read_json_request(request, CompareRequest, COMPARE_EXAMPLE)


async def parse_analyze_request(request: Request, settings: Settings) -> AnalysisJob:
    """Read JSON `{text|url, title, outlet, published, store}` or a multipart form (fields + optional file)."""
    content_type = _content_type(request)
    if content_type == "application/json":
        item = await read_json_request(request, AnalyzeRequest, '{"text": "..."}')
        return AnalysisJob(lambda: article_from_input(item, settings), item.store)
    if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        form = await read_form(request)
        fields = {k: v.strip() if isinstance(v, str) and k != "text" else v
                  for k, v in form.items() if isinstance(v, str) and k in FORM_FIELDS}
        if "text" in fields:
            fields["text"] = textarea_text(fields["text"])
        upload = form.get("file")
        upload = upload if isinstance(upload, UploadFile) and (upload.filename or upload.size) else None
        given = [name for name in ("text", "url") if (fields.get(name) or "").strip()] + (["file"] if upload else [])
        if len(given) > 1:
            raise ApiError(400, f"give only one of text, url or file (got {', '.join(given)})")
        if not given:
            raise ApiError(400, "give the article text, a URL to fetch, or a file to upload")
        meta = {k: fields.get(k) or None for k in ("title", "outlet", "published", "language")}
        store = _truthy(fields.get("store"))
        if upload is not None:
            data = await upload.read()
            filename = upload.filename or "upload"
            try:
                item = ArticleInput(text="", **meta)
            except ValidationError as exc:
                raise ApiError(422, validation_message(exc)) from None
            return AnalysisJob(lambda: article_from_upload(data, filename, item, settings), store)
        try:
            item = ArticleInput(**{given[0]: fields[given[0]]}, **meta)
        except ValidationError as exc:
            raise ApiError(422, validation_message(exc)) from None
        return AnalysisJob(lambda: article_from_input(item, settings, source="web form"), store)
    raise ApiError(415, "send JSON like {\"text\": \"...\"} or {\"url\": \"https://...\"}, or a multipart form "
                        "with a 'file' field")


def textarea_text(value: str) -> str:
    """A form's textarea as the user typed or pasted it: browsers send every line break as CRLF (HTML's form
    encoding), so the same article pasted and uploaded would otherwise be two different texts in the library."""
    return value.replace("\r\n", "\n")


async def read_form(request: Request, max_fields: int = len(FORM_FIELDS) + 4):
    """The parsed form (cached on the request). Parts may be as large as the whole body limit allows: the
    body-limit middleware has already bounded the request, and an article pasted into a form field can be big."""
    try:
        return await request.form(max_files=1, max_fields=max_fields, max_part_size=request.app.state.max_body_bytes)
    except StarletteHTTPException as exc:
        raise ApiError(exc.status_code, f"cannot read the form: {exc.detail}") from None
    except Exception as exc:  # noqa: BLE001 - malformed multipart bodies raise assorted parser errors
        raise ApiError(400, f"cannot read the form: {str(exc).splitlines()[0] if str(exc) else 'malformed'}") from None


def check_score_range(lowest: float | None, highest: float | None) -> None:
    if lowest is not None and highest is not None and lowest > highest:  # would silently match nothing
        raise ApiError(400, f"the lowest score ({lowest:g}) is above the highest ({highest:g})")


# ---------------------------------------------------------------------------------------------------------------
# the app


def analysis_timeout_from_env() -> float:
    """$SPINSCOPE_ANALYSIS_TIMEOUT (default 120), or a one-line `SpinscopeError` for a value that is not a number of
    seconds above 0 (with 0 or less every analysis would get 504)."""
    raw = (os.environ.get("SPINSCOPE_ANALYSIS_TIMEOUT") or "").strip()
    if not raw:
        return DEFAULT_ANALYSIS_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise SpinscopeError(f"invalid SPINSCOPE_* environment setting: SPINSCOPE_ANALYSIS_TIMEOUT must be a number "
                             f"of seconds above 0, not {raw[:40]!r}")
    return value


def create_app(settings: Settings | None = None, db_url: str | Path | None = None, *,
               analysis_timeout: float | None = None, max_body_bytes: int | None = None, workers: int = 1,
               max_pending: int = 8, allowed_hosts: list[str] | None = None) -> FastAPI:
    """Build the app: loads the models (once) and opens/migrates the library database.

    analysis_timeout: seconds an analysis may take before the request gets 504 (default 120, or
        $SPINSCOPE_ANALYSIS_TIMEOUT).
    max_body_bytes: largest request body accepted (default: twice `settings.max_input_bytes` plus 64 KiB, room
        for JSON escaping and form overhead).
    workers / max_pending: analysis threads, and how many analyses may run or wait before new ones get 503.
    allowed_hosts: if given, requests whose Host header is not listed get 400 (guards against DNS rebinding).
    """
    settings = settings or Settings()
    if analysis_timeout is None:
        analysis_timeout = analysis_timeout_from_env()
    elif not (math.isfinite(float(analysis_timeout)) and float(analysis_timeout) > 0):
        raise SpinscopeError(f"analysis_timeout must be a number of seconds above 0, not {analysis_timeout!r}")
    if max_body_bytes is None:
        max_body_bytes = 2 * settings.max_input_bytes + 65536
    pipeline = Pipeline(settings).warm_up()
    runtime = Runtime(settings, pipeline, Store(db_url), float(analysis_timeout), max(1, workers),
                      max(1, max_pending))

    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        runtime.close()

    app = FastAPI(
        title="Spinscope",
        version=__version__,
        summary="Shows how a news article tries to persuade: persuasion techniques, genre, frames, outlet comparison.",
        description="Analyse articles, compare outlets' coverage of one story, and browse the stored library. "
                    "Every error is JSON `{\"error\": \"...\"}` with a 4xx/5xx status.",
        docs_url=None, redoc_url=None,  # the Swagger/ReDoc pages load scripts from a CDN; /openapi.json is served
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    app.state.max_body_bytes = int(max_body_bytes)

    # outermost first at request time: host check, body size, cross-site writes, headers on every response
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(OriginGuardMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=int(max_body_bytes))
    app.add_middleware(HeadAsGetMiddleware)
    if allowed_hosts:
        app.add_middleware(HostGuardMiddleware, allowed_hosts=list(allowed_hosts))

    _install_error_handlers(app)
    _install_api(app, runtime)
    from .pages import install_pages

    install_pages(app, runtime)
    return app


def _is_api(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path in ("/api", "/healthz", "/openapi.json")


def error_response(request: Request, status: int, message: str) -> Response:
    if _is_api(request) or "text/html" not in request.headers.get("accept", ""):
        return JSONResponse({"error": message}, status_code=status)
    from .pages import error_page

    return error_page(request, status, message)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return error_response(request, exc.status, exc.message)

    @app.exception_handler(InputError)
    async def _input_error(request: Request, exc: InputError):
        return error_response(request, 400, str(exc))

    @app.exception_handler(StoreError)
    async def _store_error(request: Request, exc: StoreError):
        log.error("library database problem: %s", exc)
        return error_response(request, 503, str(exc))

    @app.exception_handler(ModelError)
    async def _model_error(request: Request, exc: ModelError):
        log.error("model problem: %s", exc)
        return error_response(request, 500, str(exc))

    @app.exception_handler(SpinscopeError)
    async def _spinscope_error(request: Request, exc: SpinscopeError):
        return error_response(request, 400, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError):
        return error_response(request, 422, validation_message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        if exc.status_code == 404 and message == "Not Found":
            message = f"no such page: {request.url.path}"
        elif exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}"
        return error_response(request, exc.status_code, message)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(request, 500, "internal server error; the server log has the details")


ERRORS = {status: {"model": ErrorOut} for status in (400, 413, 415, 422, 503, 504)}


def _install_api(app: FastAPI, runtime: Runtime) -> None:
    settings = runtime.settings

    async def analyse(job: AnalysisJob) -> dict[str, Any]:
        result = await runtime.run(lambda: runtime.pipeline(job.build()).to_dict())
        if job.store:
            result["id"] = await run_in_threadpool(runtime.store.save, result, runtime.model_versions)
        return result

    app.state.analyse = analyse

    multipart_schema = {"type": "object", "properties": {
        "file": {"type": "string", "format": "binary", "description": "A .txt (UTF-8) or .html file."},
        "text": {"type": "string"}, "url": {"type": "string"}, "title": {"type": "string"},
        "outlet": {"type": "string"}, "published": {"type": "string"},
        "store": {"type": "boolean", "default": True}}}

    @app.post("/api/analyze", response_model=AnalysisOut, responses=ERRORS, tags=["analysis"],
              summary="Analyse one article (text, URL or uploaded file) and store the result",
              openapi_extra={"requestBody": {"required": True, "content": {
                  "application/json": {"schema": inline_schema(AnalyzeRequest)},
                  "multipart/form-data": {"schema": multipart_schema}}}})
    async def api_analyze(request: Request):
        """Returns the canonical result (the same JSON as `spinscope analyze --format json`). With `store`
        (default) the result is kept in the library; its `id` then names it under `/api/articles/{id}`."""
        job = await parse_analyze_request(request, settings)
        result = await analyse(job)
        headers = {"Location": f"/api/articles/{quote(result['id'], safe='')}"} if job.store else None
        return JSONResponse(result, headers=headers)

    @app.post("/api/compare", response_model=CompareOut, responses=ERRORS, tags=["analysis"],
              summary="Compare how several outlets cover one story",
              openapi_extra={"requestBody": {"required": True, "content": {
                  "application/json": {"schema": inline_schema(CompareRequest)}}}})
    async def api_compare(request: Request):
        """Analyses every article and compares them (techniques, frames and scores per outlet), using
        `spinscope.compare.compare`."""
        return JSONResponse(await run_compare(runtime, await parse_compare_request(request)))

    @app.get("/api/articles", response_model=ArticleListOut, responses=ERRORS, tags=["library"],
             summary="List stored analyses (paged, filtered, full-text search)")
    async def api_articles(
            page: int = Query(1, ge=1), per_page: int = Query(20, ge=1, le=200),
            outlet: Optional[str] = Query(None, max_length=200),
            date_from: Optional[date] = Query(None, description="Earliest article date (inclusive), YYYY-MM-DD."),
            date_to: Optional[date] = Query(None, description="Latest article date (inclusive), YYYY-MM-DD."),
            genre: Optional[str] = Query(None, description=f"One of {', '.join(GENRES)}."),
            technique: Optional[str] = Query(None, description="Only articles with a span of this technique."),
            score_min: Optional[float] = Query(None, ge=0, le=100),
            score_max: Optional[float] = Query(None, ge=0, le=100),
            q: Optional[str] = Query(None, max_length=500, description="Words that must occur in title or text."),
            sort: str = Query("updated", pattern="^(updated|date|score)$")):
        genre, technique = checked_filters(genre, technique)  # an InputError is a 400
        check_score_range(score_min, score_max)
        return await run_in_threadpool(runtime.store.list, page, per_page, outlet, date_from, date_to, genre,
                                       technique, score_min, score_max, q, sort)

    @app.get("/api/articles/{article_id:path}", response_model=AnalysisOut, responses={404: {"model": ErrorOut}},
             tags=["library"], summary="One stored analysis")
    async def api_article(article_id: str):
        result = await run_in_threadpool(runtime.store.get, article_id)
        if result is None:
            raise ApiError(404, f"no stored article with id {article_id!r}")
        return JSONResponse(result)

    @app.delete("/api/articles/{article_id:path}", status_code=204, responses={404: {"model": ErrorOut}},
                tags=["library"], summary="Delete a stored analysis")
    async def api_delete(article_id: str):
        if not await run_in_threadpool(runtime.store.delete, article_id):
            raise ApiError(404, f"no stored article with id {article_id!r}")
        return Response(status_code=204)

    @app.get("/api/stats", response_model=StatsOut, tags=["library"],
             summary="Technique counts per outlet and per month")
    async def api_stats():
        return await run_in_threadpool(runtime.store.stats)

    @app.get("/healthz", response_model=HealthOut, tags=["service"], summary="Liveness and readiness")
    async def healthz():
        try:
            await run_in_threadpool(runtime.store.count)
            database = "ok"
        except StoreError as exc:
            return JSONResponse({"status": "error", "version": __version__, "database": str(exc),
                                 "models": runtime.model_versions, "missing_models": _missing(runtime)},
                                status_code=503)
        return {"status": "ok", "version": __version__, "database": database, "models": runtime.model_versions,
                "missing_models": _missing(runtime)}


def inline_schema(model: type[BaseModel]) -> dict[str, Any]:
    """`model`'s JSON schema with its nested models written out in place, for an `openapi_extra` request body
    (pydantic's `#/$defs/...` references would point nowhere inside the OpenAPI document)."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def expand(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return expand({**defs[ref.removeprefix("#/$defs/")], **{k: v for k, v in node.items() if k != "$ref"}})
            return {key: expand(value) for key, value in node.items()}
        if isinstance(node, list):
            return [expand(value) for value in node]
        return node

    return expand(schema)


def _missing(runtime: Runtime) -> list[str]:
    return [name for name, detector, _ in runtime.pipeline.components if detector is None]


async def run_compare(runtime: Runtime, body: CompareRequest) -> dict[str, Any]:
    """Build the articles (fetching URLs), compare them in a worker, optionally store each analysis."""
    try:
        from ..compare import compare
    except ImportError:
        raise ApiError(501, "comparison is not available in this installation") from None
    settings = runtime.settings

    def job() -> dict[str, Any]:
        # unnamed articles get their outlet from compare: URL host, copyright line, else this source ("compare #N")
        articles, failures = [], []
        for i, item in enumerate(body.articles, 1):
            try:
                articles.append(article_from_input(item, settings, source=f"compare #{i}"))
            except InputError as error:  # one unreachable URL should not cost the comparison of the others
                failures.append({"source": item.url or f"compare #{i}", "reason": str(error)})
        if len(articles) < 2:
            raise InputError(failures[0]["reason"] if failures else "give at least two articles to compare")
        result = compare(articles, settings)
        result["failures"] = failures + list(result.get("failures") or [])
        return result, articles

    result, built = await runtime.run(job)
    if body.store:
        remaining = iter(built)  # compare keeps the input order (articles that failed are left out)
        for analysed in comparison_results(result):
            canonical = {key: value for key, value in analysed.items() if key in CANONICAL_KEYS}
            # compare's outlet is a display name ("compare #2", a copyright line); the library keeps the
            # article's own outlet, as /api/analyze stores it, so no invented outlets reach filters and stats
            own = next((article for article in remaining if article.text == analysed["text"]), None)
            if own is not None:
                canonical["outlet"] = own.outlet
            await run_in_threadpool(runtime.store.save, canonical, runtime.model_versions)
    return result


CANONICAL_KEYS = frozenset(Article(text="x").to_dict())


def comparison_results(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The per-article result dicts inside a comparison dict (canonical keys plus compare's own)."""
    return [item for item in result.get("articles") or []
            if isinstance(item, dict) and isinstance(item.get("text"), str) and "spans" in item]


# ---------------------------------------------------------------------------------------------------------------
# running it


def app_from_env() -> FastAPI:
    """App factory for `uvicorn --factory spinscope.web.app:app_from_env`: reads SPINSCOPE_* variables
    (see `Settings.from_env`) and SPINSCOPE_DB for the library."""
    return create_app(Settings.from_env(), os.environ.get("SPINSCOPE_DB") or None)


def serve(settings: Settings | None = None, host: str = "127.0.0.1", port: int = 8000,
          db: str | Path | None = None, **options) -> None:
    """Run the app with uvicorn until interrupted (`spinscope serve`). Extra options go to `create_app`."""
    import uvicorn

    from ..store import database_url, redact_url

    loopback = host in LOOPBACK_HOSTS or host.startswith("127.")
    configured = [h.strip() for h in os.environ.get("SPINSCOPE_ALLOWED_HOSTS", "").split(",") if h.strip()]
    if "allowed_hosts" not in options:
        if configured:  # e.g. the public name a reverse proxy forwards in the Host header; "*" allows any
            options["allowed_hosts"] = None if "*" in configured else configured
        elif loopback:
            options["allowed_hosts"] = ["127.0.0.1", "localhost", "::1", "[::1]", host]
    sock = listening_socket(host, port)  # before the models load and the database is created or migrated
    try:
        app = create_app(settings, db, **options)
        where = redact_url(database_url(db))
        shown_host = f"[{host}]" if ":" in host else host
        print(f"Spinscope {__version__}: http://{shown_host}:{port}/  (library: {where}; Ctrl+C stops)",
              flush=True)
        if not loopback:
            print("warning: the app has no login; anyone who can reach this address can analyse and delete "
                  "articles", flush=True)
        config = uvicorn.Config(app, host=host, port=port, log_level=os.environ.get("SPINSCOPE_LOG_LEVEL", "info"),
                                server_header=False, proxy_headers=False)
        server = uvicorn.Server(config)
        try:
            server.run(sockets=[sock])
        except KeyboardInterrupt:  # uvicorn re-raises the Ctrl+C it handled; stopping is the normal way out
            return
        if not server.started:
            raise SpinscopeError("the web server did not start; the log above says why")
    finally:
        sock.close()


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to host:port for the server, or a one-line `SpinscopeError` (port in use, no permission,
    unknown host) before anything else starts."""
    name = host.strip("[]")
    ipv6 = ":" in name  # as uvicorn decides: a name such as "localhost" is bound over IPv4
    shown = f"[{name}]:{port}" if ipv6 else f"{name}:{port}"
    sock = socket.socket(socket.AF_INET6 if ipv6 else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((name, port))
    except (OSError, UnicodeError) as exc:
        sock.close()
        if isinstance(exc, (socket.gaierror, UnicodeError)):
            raise SpinscopeError(f"cannot listen on {shown}: unknown host ({_os_reason(exc)})") from None
        if exc.errno == errno.EADDRINUSE:
            raise SpinscopeError(f"cannot listen on {shown}: the port is already in use; choose another "
                                 "port") from None
        raise SpinscopeError(f"cannot listen on {shown}: {_os_reason(exc)}") from None
    sock.set_inheritable(True)
    return sock


def _os_reason(exc: BaseException) -> str:
    reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return reason[:1].lower() + reason[1:]
