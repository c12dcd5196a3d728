"""Server-rendered pages of the web app: analyse, article, compare, library, dashboard.

Everything that comes from an article is escaped by Jinja2's autoescaping or by the report renderer, whose
article sections this module embeds through its public API (`article_fragment`, `article_fragments`, `asset`). Pages load only same-origin scripts
and stylesheets; the one inline <style> (per-article colour and bar-width rules) is allowed by its SHA-256 hash.
Forms work without JavaScript; the small scripts only add tooltips, filters and charts.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.concurrency import run_in_threadpool

from .. import __version__
from ..errors import InputError
from ..render import readable_on, technique_colour, technique_label
from ..render.compare import failure_text, story_quotes
from ..render.html import article_fragment, article_fragments, asset
from ..store import StoreError, checked_filters, published_day
from ..taxonomy import BY_NAME, CATEGORIES, GENRES, TECHNIQUE_NAMES
from .security import PAGE_POLICY

HERE = Path(__file__).parent
LIBRARY_PAGE_SIZE = 20
COMPARE_SLOTS = 4

_env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                   trim_blocks=True, lstrip_blocks=True)
_env.globals.update(version=__version__, technique_label=technique_label, failure_text=failure_text,
                    technique_class=lambda name: f"tc{TECHNIQUE_NAMES.index(name)}" if name in TECHNIQUE_NAMES
                    else "tcx")
templates = Jinja2Templates(env=_env)


def id_path(article_id: Any) -> str:
    """An article id as one URL path segment: "/" becomes %2F, so an id such as "a/../b" cannot point a link or a
    form (which browsers resolve dot segments in) at another article. The routes decode it back."""
    return quote(str(article_id), safe="")


_env.filters["id_path"] = id_path

def listed_date(item: dict[str, Any]) -> Markup:
    """What a listing (library table, recently analysed) shows as an article's date.

    A listing's `date` is the publication day, or, for an article without one the library can read, the day it was
    first stored (so that date filters and the date sort still place it). Shown bare, that day reads as the day the
    article was published; so: the publication day when there is one, else the article's own wording of its date
    ("early March 2026"), else the filing day labelled "analysed ...".
    """
    published = str(item.get("published") or "").strip()
    day = published_day(published) if published else None
    if day:
        return Markup("{}").format(day)
    if published:
        return Markup('<span dir="auto">{}</span>').format(published)
    filed = str(item.get("date") or "").strip()
    if not filed:
        return Markup('<span class="undated">no date</span>')
    return Markup('<span class="undated" title="No publication date was given: this is the day the article was '
                  'first analysed">analysed {}</span>').format(escape(filed))


_env.globals["listed_date"] = listed_date


def _csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


def page(request: Request, name: str, context: dict[str, Any], status: int = 200, inline_css: str = "") -> Response:
    context = dict(context, request=request, inline_css=inline_css, nav=context.get("nav", ""))
    headers = {}
    if inline_css:
        headers["Content-Security-Policy"] = PAGE_POLICY.replace("style-src 'self'",
                                                                 f"style-src 'self' {_csp_hash(inline_css)}")
    return templates.TemplateResponse(request, name, context, status_code=status, headers=headers)


def error_page(request: Request, status: int, message: str) -> Response:
    return page(request, "error.html", {"status": status, "message": message, "title": "Problem"}, status)


@lru_cache(maxsize=1)
def technique_css() -> str:
    """Colour classes for technique chips and chart legends (served as a stylesheet: no inline styles)."""
    rules = []
    for index, name in enumerate(TECHNIQUE_NAMES):
        colour = technique_colour(name)
        rules.append(f".tc{index}{{--c:{colour};--on:{readable_on(colour)}}}")
    rules.append(".tcx{--c:#9e9e9e;--on:#000000}")
    return "\n".join(rules) + "\n"


def taxonomy_data() -> dict[str, Any]:
    return {"techniques": [{"name": t, "label": BY_NAME[t].label, "colour": technique_colour(t),
                            "category": CATEGORIES.get(BY_NAME[t].category, "")} for t in TECHNIQUE_NAMES]}


def _number(value: str | None, name: str, low: float = 0, high: float = 100) -> float | None:
    if value is None or not value.strip():
        return None
    try:
        number = float(value)
    except ValueError:
        raise InputError(f"{name} must be a number, not {value!r}") from None
    if not low <= number <= high:
        raise InputError(f"{name} must be between {low:g} and {high:g}")
    return number


def install_pages(app: FastAPI, runtime) -> None:
    from pydantic import ValidationError

    from .app import (ApiError, check_score_range, parse_analyze_request, read_form, run_compare,
                      textarea_text, validation_message)
    from .schemas import ArticleInput, CompareRequest

    store = runtime.store
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.get("/assets/report.css", include_in_schema=False)
    async def report_css():
        return PlainTextResponse(asset("report.css"), media_type="text/css")

    @app.get("/assets/report.js", include_in_schema=False)
    async def report_js():
        return PlainTextResponse(asset("report.js"), media_type="text/javascript")

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon():
        return RedirectResponse("/static/favicon.svg", status_code=308)

    @app.get("/assets/techniques.css", include_in_schema=False)
    async def techniques_css():
        return PlainTextResponse(technique_css(), media_type="text/css")

    async def analyze_form(request: Request, status: int = 200, error: str = "", values: dict | None = None):
        recent = await run_in_threadpool(store.list, 1, 6)
        return page(request, "analyze.html", {
            "title": "Analyse an article", "nav": "analyze", "error": error, "values": values or {},
            "recent": recent["items"], "max_bytes": runtime.settings.max_input_bytes,
        }, status)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def home(request: Request):
        return await analyze_form(request)

    @app.post("/analyze", include_in_schema=False)
    async def analyze_submit(request: Request):
        values: dict[str, str] = {}
        try:
            if request.headers.get("content-type", "").startswith(("multipart/form-data",
                                                                   "application/x-www-form-urlencoded")):
                # read first so the form can be shown again, filled in, if the analysis fails
                values = {k: v for k, v in (await read_form(request)).items() if isinstance(v, str)}
            job = await parse_analyze_request(request, runtime.settings)
            job.store = True
            result = await app.state.analyse(job)
        except ApiError as exc:
            return await analyze_form(request, exc.status, exc.message, values)
        except InputError as exc:
            return await analyze_form(request, 400, str(exc), values)
        return RedirectResponse(f"/articles/{id_path(result['id'])}", status_code=303)

    @app.get("/articles/{article_id:path}", response_class=HTMLResponse, include_in_schema=False)
    async def article_page(request: Request, article_id: str):
        result = await run_in_threadpool(store.get, article_id)
        if result is None:
            return error_page(request, 404, f"There is no stored article with id {article_id!r}.")
        history = await run_in_threadpool(store.history, article_id)
        section, css = article_fragment(result)
        return page(request, "article.html", {
            "title": result.get("title") or "Untitled article", "nav": "library", "article": result,
            "section": section, "history": history,
        }, inline_css=css)

    @app.post("/articles/{article_id:path}/delete", include_in_schema=False)
    async def article_delete(request: Request, article_id: str):
        if not await run_in_threadpool(store.delete, article_id):
            return error_page(request, 404, f"There is no stored article with id {article_id!r}.")
        return RedirectResponse("/library?deleted=1", status_code=303)

    @app.get("/library", response_class=HTMLResponse, include_in_schema=False)
    async def library(request: Request):
        params = request.query_params
        keys = ("q", "outlet", "genre", "technique", "date_from", "date_to", "score_min", "score_max", "sort")
        filters = {k: (params.get(k) or "").strip() for k in keys}
        error = ""
        try:
            page_text = (params.get("page") or "1").strip()
            if not page_text.isdigit():
                raise InputError(f"page must be a whole number, not {page_text[:20]!r}")
            page_number = max(1, int(page_text))
            genre, technique = checked_filters(filters["genre"], filters["technique"])
            sort = filters["sort"] if filters["sort"] in ("updated", "date", "score") else "updated"
            lowest = _number(filters["score_min"], "lowest score")
            highest = _number(filters["score_max"], "highest score")
            check_score_range(lowest, highest)
            listing = await run_in_threadpool(
                store.list, page_number, LIBRARY_PAGE_SIZE, filters["outlet"] or None, filters["date_from"] or None,
                filters["date_to"] or None, genre, technique, lowest, highest, filters["q"] or None, sort)
        except (ApiError, InputError, StoreError, ValueError) as exc:
            error = getattr(exc, "message", None) or str(exc)
            listing = {"items": [], "total": 0, "page": 1, "per_page": LIBRARY_PAGE_SIZE}
        outlets = await run_in_threadpool(store.outlets)
        pages = max(1, -(-listing["total"] // listing["per_page"]))
        active = {k: v for k, v in filters.items() if v}

        def page_link(number: int) -> str:
            return "/library?" + urlencode(dict(active, page=number))

        return page(request, "library.html", {
            "title": "Library", "nav": "library", "listing": listing, "filters": filters, "error": error,
            "outlets": outlets, "genres": GENRES, "techniques": TECHNIQUE_NAMES, "pages": pages,
            # the pager's words follow the order: newest first by default and by date, strongest first by score
            "pager_words": ("Higher scores", "Lower scores") if filters["sort"] == "score" else ("Newer", "Older"),
            "previous_link": page_link(listing["page"] - 1) if listing["page"] > 1 else "",
            "next_link": page_link(listing["page"] + 1) if listing["page"] < pages else "",
            # a page past the end (an old link, a hand-edited URL): say so and link the last page
            "last_link": page_link(pages) if listing["total"] and listing["page"] > pages else "",
            "deleted": params.get("deleted") == "1", "filtered": bool(active),
        }, 400 if error else 200)

    async def compare_form(request: Request, status: int = 200, error: str = "", slots=None, result=None):
        slots = slots or [{} for _ in range(COMPARE_SLOTS)]
        context = {"title": "Compare outlets", "nav": "compare", "error": error, "slots": slots, "result": result}
        css = ""
        if result is not None:
            context["sections"], css = compare_sections(result)
            context["stories"] = story_views(result)
        return page(request, "compare.html", context, status, inline_css=css)

    @app.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    async def compare_page(request: Request):
        return await compare_form(request)

    @app.post("/compare", response_class=HTMLResponse, include_in_schema=False)
    async def compare_submit(request: Request):
        try:
            form = await read_form(request, max_fields=5 * COMPARE_SLOTS + 2)
        except ApiError as exc:
            return await compare_form(request, exc.status, exc.message)
        slots = []
        for i in range(COMPARE_SLOTS):
            slots.append({k: str(form.get(f"{k}{i}") or "") for k in ("outlet", "title", "text", "url")})
            slots[-1]["text"] = textarea_text(slots[-1]["text"])
        items = []
        try:
            for i, slot in enumerate(slots, 1):
                text, url = slot["text"], slot["url"].strip()
                if not text.strip() and not url:
                    continue
                if text.strip() and url:
                    raise InputError(f"article {i}: give its text or its URL, not both")
                try:
                    items.append(ArticleInput(text=text if text.strip() else None, url=url or None,
                                              outlet=slot["outlet"].strip() or None,
                                              title=slot["title"].strip() or None))
                except ValidationError as exc:  # e.g. an outlet name over the length limit
                    raise InputError(f"article {i}: {validation_message(exc)}") from None
            if len(items) < 2:
                raise InputError("give at least two articles to compare")
            result = await run_compare(runtime, CompareRequest(articles=items, store=form.get("store") == "on"))
        except ApiError as exc:
            return await compare_form(request, exc.status, exc.message, slots)
        except InputError as exc:
            return await compare_form(request, 400, str(exc), slots)
        return await compare_form(request, 200, "", slots, result)

    @app.get("/dashboard", response_class=HTMLResponse, include_in_schema=False)
    async def dashboard(request: Request):
        stats = await run_in_threadpool(store.stats)
        return page(request, "dashboard.html", {"title": "Dashboard", "nav": "dashboard", "stats": stats,
                                                "taxonomy": taxonomy_data()})


def compare_sections(result: dict[str, Any]) -> tuple[list[str], str]:
    """Rendered sections for the per-article results inside a comparison (shared colour classes, <h2> titles)."""
    from .app import comparison_results

    return article_fragments(comparison_results(result), top_level=False)


def story_views(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Each story of a comparison with claims resolved to outlet names, ready for the template."""
    outlet_of = {a.get("id"): a.get("outlet") or a.get("id") for a in result.get("articles") or []
                 if isinstance(a, dict)}
    views = []
    for story in result.get("stories") or []:
        profiles = []
        for entry in story.get("profiles") or []:
            counts = entry.get("technique_counts") or {}
            profiles.append(dict(entry, top_techniques=list(counts.items())[:4],
                                 unique_claims=(story.get("unique_claim_counts") or {}).get(entry.get("article"), 0)))
        shared = [dict(claim, outlets=[outlet_of.get(a, a) for a in claim.get("articles") or []])
                  for claim in story.get("shared_claims") or []]
        contradictions = [dict(item, sides=[(outlet_of.get(c.get("article"), c.get("article")), c.get("text"))
                                            for c in item.get("claims") or []])
                          for item in story.get("contradictions") or []]
        unique = [(outlet_of.get(c.get("article"), c.get("article")), c.get("text"))
                  for c in story.get("unique_claims") or []]
        unique_total = sum((story.get("unique_claim_counts") or {}).values()) or len(unique)
        views.append({"id": story.get("id"), "label": ", ".join(map(str, story.get("label") or [])),
                      "size": story.get("size"), "cohesion": story.get("cohesion"), "profiles": profiles,
                      "shared": shared, "contradictions": contradictions, "unique": unique,
                      "unique_total": unique_total,
                      "sources": [dict(source, outlets=[outlet_of.get(a, a) for a in source.get("articles") or []])
                                  for source in story.get("sources") or [] if isinstance(source, dict)],
                      "quotes": [(outlet_of.get(article, article), text, speaker) for article, text, speaker
                                 in story_quotes(story, result.get("articles") or [])]})
    return views
