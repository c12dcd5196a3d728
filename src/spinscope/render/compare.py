"""Render the comparison dict of `spinscope.compare.compare` as JSON, terminal text (Rich tables) or one
self-contained HTML page (inline CSS and SVG charts, no script, no network; a strict Content-Security-Policy).

Like the single-article renderers these read only the dict, so the CLI, library and web app show the same thing.
Every value from the dict is escaped (HTML) or passed to Rich as plain `Text` (never as markup).
"""

from __future__ import annotations

import html
import io
import json
import math
from typing import Any, Mapping

from ..compare import CONTRADICTION_RULE
from . import display_name, finite_number, technique_colour, technique_label, technique_order

KIND_COLOURS = {"outlet": "#1f77b4", "official": "#9467bd", "person": "#2ca02c", "anonymous": "#d62728",
                "document": "#8c564b"}
KIND_ORDER = ("outlet", "official", "person", "anonymous", "document")
SINGLE_STORY_ROWS = 50  # one-article stories listed in full up to this many
CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'")


def failure_text(failure: Mapping[str, Any]) -> str:
    """A failure `{"source", "reason"}` as one line naming the input once: reasons from ingest usually start with
    the input's name already ("nope.txt: no such file"), so only other reasons get "source: " in front."""
    source = str(failure.get("source") or "").strip()
    reason = str(failure.get("reason") or "").strip() or "could not be read"
    if not source:
        return reason
    if reason.startswith(source) and (len(reason) == len(source) or not reason[len(source)].isalnum()):
        return reason
    return f"{source}: {reason}"


# ---------------------------------------------------------------- JSON


def _clean(value: Any) -> Any:
    """JSON-safe copy: non-finite floats become null, tuples lists, keys strings."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def compare_to_json(d: Mapping[str, Any]) -> str:
    return json.dumps(_clean(d), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


# ---------------------------------------------------------------- shared helpers


def _stories(d: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [s for s in d.get("stories") or [] if isinstance(s, Mapping)]


def _profiles(story: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [p for p in story.get("profiles") or [] if isinstance(p, Mapping)]


def _number(value: Any, digits: int = 1) -> str:
    number = finite_number(value)
    return "–" if number is None else f"{number:.{digits}f}"


def _short(text: Any, limit: int = 220) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _frames_text(profile: Mapping[str, Any], count: int = 2) -> str:
    frames = [f for f in profile.get("frames") or [] if isinstance(f, Mapping) and f.get("frame")]
    frames.sort(key=lambda f: -(finite_number(f.get("probability")) or 0.0))
    return ", ".join(display_name(f["frame"]) for f in frames[:count]) or "–"


def _top_techniques(profile: Mapping[str, Any], count: int = 3) -> list[tuple[str, float]]:
    density = profile.get("technique_density") if isinstance(profile.get("technique_density"), Mapping) else {}
    pairs = [(str(t), finite_number(v) or 0.0) for t, v in density.items()]
    pairs.sort(key=lambda p: (-p[1], technique_order(p[0])))
    return pairs[:count]


def _sources_of(profile: Mapping[str, Any]) -> Mapping[str, Any]:
    sources = profile.get("sources")
    return sources if isinstance(sources, Mapping) else {}


def _article_names(story: Mapping[str, Any]) -> dict[str, str]:
    return {str(a.get("id")): str(a.get("outlet") or a.get("id")) for a in story.get("articles") or []
            if isinstance(a, Mapping)}


# ---------------------------------------------------------------- text


def compare_to_text(d: Mapping[str, Any], width: int = 120) -> str:
    """The comparison as plain text laid out with Rich tables."""
    from rich.console import Console

    console = Console(record=True, width=width, file=io.StringIO(), force_terminal=False, color_system=None)
    print_compare(d, console)
    return console.export_text()


def print_compare(d: Mapping[str, Any], console) -> None:
    from rich.table import Table
    from rich.text import Text

    stories = _stories(d)
    articles = d.get("articles") or []
    console.print(Text(f"Spinscope comparison: {_count(len(articles), 'article')} in "
                       f"{_count(len(stories), 'story', 'stories')}",
                       style="bold"))
    multi = [s for s in stories if len(s.get("articles") or []) > 1]
    single = [s for s in stories if len(s.get("articles") or []) <= 1]
    if not multi:
        console.print(Text("No two articles were found to report the same story."))
    for story in multi:
        _print_story(story, console)
    if single:
        console.print()
        table = Table(title=Text("Stories with one article"), title_justify="left", show_lines=False)
        for column in ("Story", "Outlet", "Title", "Score", "Spans/1k words", "Sources (named/anon.)"):
            table.add_column(Text(column))
        for story in single[:SINGLE_STORY_ROWS]:
            profile = (_profiles(story) or [{}])[0]
            article = (story.get("articles") or [{}])[0]
            sources = _sources_of(profile)
            table.add_row(Text(str(story.get("id"))), Text(str(profile.get("outlet") or "")),
                          Text(_short(article.get("title"), 60)), Text(_number(profile.get("propaganda_score"))),
                          Text(_number(profile.get("density_per_1000_words"))),
                          Text(f"{sources.get('named', 0)}/{sources.get('anonymous', 0)}"))
        console.print(table)
        if len(single) > SINGLE_STORY_ROWS:
            console.print(Text(f"… and {len(single) - SINGLE_STORY_ROWS} more one-article stories (see --format json)"))
    for failure in d.get("failures") or []:
        if isinstance(failure, Mapping):
            console.print(Text(f"skipped {failure_text(failure)}"))
    warnings = d.get("warnings") or []
    if warnings:
        console.print()
        console.print(Text("Warnings:", style="bold"))
        for warning in warnings:
            console.print(Text(f"  - {warning}"))
    notes = d.get("notes") or []
    if notes:
        console.print()
        for note in notes:
            console.print(Text(f"Note: {note}", style="dim"))


def _print_story(story: Mapping[str, Any], console) -> None:
    from rich.table import Table
    from rich.text import Text

    names = _article_names(story)
    label = ", ".join(str(x) for x in story.get("label") or [])
    cohesion = finite_number(story.get("cohesion"))
    console.print()
    console.rule(Text(f"{story.get('id')}: {label or 'story'}"))
    console.print(Text(f"{len(names)} articles; cohesion (mean similarity) "
                       f"{'–' if cohesion is None else f'{cohesion:.2f}'}"))
    table = Table(title=Text("Side by side"), title_justify="left", show_lines=True)
    for column in ("Outlet", "Title", "Genre", "Frames", "Score", "Spans/1k words", "Top techniques (/1k words)",
                   "Sources", "Quotes"):
        table.add_column(Text(column), overflow="fold")
    titles = {str(a.get("id")): a.get("title") for a in story.get("articles") or [] if isinstance(a, Mapping)}
    for profile in _profiles(story):
        sources = _sources_of(profile)
        named = [s.get("name") for s in sources.get("names") or [] if isinstance(s, Mapping)
                 and s.get("kind") in ("outlet", "official", "person")]
        source_text = f"{sources.get('named', 0)} named, {sources.get('anonymous', 0)} anonymous"
        if named:
            source_text += ": " + ", ".join(str(n) for n in named[:4])
        techniques = "; ".join(f"{technique_label(t)} {v:.1f}" for t, v in _top_techniques(profile)) or "–"
        table.add_row(Text(str(profile.get("outlet") or "")), Text(_short(titles.get(str(profile.get("article"))), 60)),
                      Text(display_name(profile.get("genre")) if profile.get("genre") else "–"),
                      Text(_frames_text(profile)), Text(_number(profile.get("propaganda_score"))),
                      Text(_number(profile.get("density_per_1000_words"))), Text(techniques), Text(source_text),
                      Text(str(profile.get("quote_count", 0))))
    console.print(table)

    shared = [c for c in story.get("shared_claims") or [] if isinstance(c, Mapping)]
    console.print(Text(f"Shared claims ({len(shared)})", style="bold"))
    for claim in shared:
        outlets = ", ".join(names.get(str(a), str(a)) for a in claim.get("articles") or [])
        marker = "all" if claim.get("carried_by_all") else f"{len(claim.get('articles') or [])}/{len(names)}"
        members = [m for m in claim.get("claims") or [] if isinstance(m, Mapping)]
        if not members:
            console.print(Text(f"  [{marker}] {_short(claim.get('text'))}  ({outlets}; similarity "
                               f"{_number(claim.get('similarity'), 2)})"))
            continue
        # each outlet's own wording, as the HTML report shows it
        console.print(Text(f"  [{marker}] similarity {_number(claim.get('similarity'), 2)}:"))
        for member in members:
            console.print(Text(f"    {names.get(str(member.get('article')), member.get('article'))}: "
                               f"{_short(member.get('text'), 200)}"))
    contradictions = [c for c in story.get("contradictions") or [] if isinstance(c, Mapping)]
    console.print(Text(f"Possible contradictions, found by a heuristic ({len(contradictions)})", style="bold"))
    for item in contradictions:
        console.print(Text(f"  {item.get('reason')}:"))
        for claim in item.get("claims") or []:
            console.print(Text(f"    {names.get(str(claim.get('article')), claim.get('article'))}: "
                               f"{_short(claim.get('text'))}"))
    counts = story.get("unique_claim_counts") if isinstance(story.get("unique_claim_counts"), Mapping) else {}
    console.print(Text("Claims only one outlet makes", style="bold"))
    unique = [c for c in story.get("unique_claims") or [] if isinstance(c, Mapping)]
    for article_id, name in names.items():
        own = [c for c in unique if str(c.get("article")) == article_id]
        total = counts.get(article_id, len(own))
        shown = min(3, len(own))
        showing = f", showing {shown}" if isinstance(total, int) and total > shown else ""
        console.print(Text(f"  {name} ({total}{showing}):"))
        for claim in own[:3]:
            console.print(Text(f"    - {_short(claim.get('text'), 160)}"))
    sources = [s for s in story.get("sources") or [] if isinstance(s, Mapping)]
    if sources:
        table = Table(title=Text("Sources cited"), title_justify="left")
        for column in ("Source", "Kind", "Cited by", "Mentions"):
            table.add_column(Text(column), overflow="fold")
        for source in sources[:15]:
            table.add_row(Text(str(source.get("name"))), Text(str(source.get("kind"))),
                          Text(", ".join(names.get(str(a), str(a)) for a in source.get("articles") or [])),
                          Text(str(source.get("mentions", ""))))
        console.print(table)


# ---------------------------------------------------------------- HTML


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


_STYLE = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
main{max-width:1200px;margin:0 auto;padding:1.2rem}
h1{font-size:1.5rem;margin:.2rem 0 1rem}h2{font-size:1.2rem;margin:0 0 .3rem}h3{font-size:1rem;margin:1rem 0 .4rem}
section.story{background:#fff;border:1px solid #ddd;border-radius:8px;padding:1rem;margin:0 0 1.2rem}
.meta{color:#555;font-size:.9rem}
table{border-collapse:collapse;width:100%;font-size:.88rem}
th,td{border:1px solid #ddd;padding:.35rem .45rem;text-align:left;vertical-align:top}
th{background:#f0f0f3}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.claim{margin:.25rem 0}.tag{display:inline-block;border-radius:4px;padding:0 .35rem;font-size:.78rem;
background:#e8eefc;color:#1a3c8f;margin-right:.3rem}.tag.warn{background:#fdecea;color:#8a1c10}
.heuristic{font-size:.8rem;color:#8a1c10}
details{margin:.3rem 0}summary{cursor:pointer}
.span{border-left:4px solid #999;padding-left:.4rem;margin:.2rem 0}
.legend span{display:inline-block;margin-right:.8rem;font-size:.8rem}
.legend i{display:inline-block;width:.8rem;height:.8rem;margin-right:.25rem;vertical-align:-1px}
ul{margin:.2rem 0;padding-left:1.2rem}.note{color:#666;font-size:.85rem}
svg text{font:12px system-ui,sans-serif;fill:#222}
.scroll{overflow-x:auto;max-width:100%}.scroll:focus-visible{outline:3px solid #3451b2;outline-offset:2px}
"""


def _scroll(content: str, label: str) -> str:
    """A wide table or chart in a box that scrolls sideways on a narrow screen (not the whole page): a named
    region in the Tab order, so the arrow keys scroll it (axe's "scrollable-region-focusable"). The page has no
    script, so the box is a Tab stop even where it fits. `label` is escaped here."""
    return f'<div class="scroll" role="region" aria-label="{_e(label)}" tabindex="0">{content}</div>'


def compare_to_html(d: Mapping[str, Any]) -> str:
    """One self-contained HTML page: a section per story with a side-by-side table and SVG charts."""
    stories = _stories(d)
    articles = d.get("articles") or []
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Spinscope comparison</title>",
        f"<style>{_STYLE}</style></head><body><main>",
        f"<h1>Spinscope comparison: {_count(len(articles), 'article')} in {_count(len(stories), 'story', 'stories')}"
        "</h1>",
    ]
    multi = [s for s in stories if len(s.get("articles") or []) > 1]
    single = [s for s in stories if len(s.get("articles") or []) <= 1]
    if not multi:
        parts.append('<p class="meta">No two articles were found to report the same story.</p>')
    for story in multi:
        parts.append(_story_html(story, articles))
    if single:
        parts.append(_single_stories_html(single))
    parts.append(_footer_html(d))
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"


def _story_html(story: Mapping[str, Any], articles: list) -> str:
    names = _article_names(story)
    label = ", ".join(str(x) for x in story.get("label") or [])
    cohesion = finite_number(story.get("cohesion"))
    out = [f'<section class="story" id="{_e(story.get("id"))}">',
           f"<h2>{_e(story.get('id'))}: {_e(label or 'story')}</h2>",
           f'<p class="meta">{len(names)} articles; cohesion (mean similarity of the article pairs) '
           f"{'–' if cohesion is None else f'{cohesion:.2f}'}</p>"]
    name = str(story.get("id") or "story")  # the story's name in its regions' names: one name per region
    out.append(_scroll(_side_by_side_html(story), f"{name}: outlets side by side"))
    out.append("<h3>Technique density per outlet (spans per 1,000 words)</h3>")
    out.append(_technique_chart(_profiles(story), name))
    out.append("<h3>Sources cited per outlet, by kind</h3>")
    out.append(_sources_chart(_profiles(story), name))
    out.append(_claims_html(story, names))
    out.append(_top_spans_html(story))
    out.append(_sources_table_html(story, names))
    out.append(_quotes_html(story, articles, names))
    out.append("</section>")
    return "\n".join(out)


def _side_by_side_html(story: Mapping[str, Any]) -> str:
    titles = {str(a.get("id")): a for a in story.get("articles") or [] if isinstance(a, Mapping)}
    rows = ["<table><thead><tr><th>Outlet</th><th>Title</th><th>Genre</th><th>Frames</th><th>Score</th>"
            "<th>Spans / 1k words</th><th>Top techniques (/1k words)</th><th>Sources</th><th>Quotes</th>"
            "</tr></thead><tbody>"]
    for profile in _profiles(story):
        article = titles.get(str(profile.get("article")), {})
        sources = _sources_of(profile)
        by_kind = sources.get("by_kind") if isinstance(sources.get("by_kind"), Mapping) else {}
        kinds = ", ".join(f"{by_kind.get(k, 0)} {k}" for k in KIND_ORDER if by_kind.get(k))
        techniques = "<br>".join(
            f'<span style="color:{technique_colour(t)}">&#9632;</span> {_e(technique_label(t))} {v:.1f}'
            for t, v in _top_techniques(profile)) or "–"
        url = str(article.get("url") or "")
        title = _e(_short(article.get("title"), 120))
        if url.startswith(("http://", "https://")):
            title = f'<a href="{_e(url)}" rel="noopener noreferrer">{title}</a>'
        article_id = "" if profile.get("article") == profile.get("outlet") else \
            f"<br><span class=\"meta\">{_e(profile.get('article'))}</span>"
        rows.append(
            f"<tr><td>{_e(profile.get('outlet'))}{article_id}</td>"
            f"<td>{title}</td><td>{_e(display_name(profile.get('genre')) if profile.get('genre') else '–')}</td>"
            f"<td>{_e(_frames_text(profile, 3))}</td><td class=\"num\">{_e(_number(profile.get('propaganda_score')))}"
            f"</td><td class=\"num\">{_e(_number(profile.get('density_per_1000_words')))}</td><td>{techniques}</td>"
            f"<td>{_e(kinds or 'none found')}</td><td class=\"num\">{_e(profile.get('quote_count', 0))}</td></tr>")
    rows.append("</tbody></table>")
    return "\n".join(rows)


def _bar_chart(rows: list[tuple[str, list[tuple[str, float, str]]]], unit: str, title: str) -> str:
    """Horizontal stacked bars: rows of (label, [(segment name, value, colour)]), as inline SVG, named by `title`
    and each row's total (a role="img" needs a text alternative), in a box that scrolls sideways on a phone."""
    label_width, bar_width, row_height = 190, 620, 26
    total_max = max((sum(v for _, v, _ in segments) for _, segments in rows), default=0.0) or 1.0
    height = row_height * len(rows) + 24
    described = "; ".join(f"{label} {sum(v for _, v, _ in segments):.1f} {unit}" for label, segments in rows)
    out = [f'<svg role="img" aria-label="{_e(title)}: {_e(described)}" width="{label_width + bar_width + 70}" '
           f'height="{height}" viewBox="0 0 {label_width + bar_width + 70} {height}" '
           'xmlns="http://www.w3.org/2000/svg">']
    for row, (label, segments) in enumerate(rows):
        y = row * row_height + 4
        out.append(f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end">{_e(_short(label, 28))}</text>')
        x = float(label_width)
        for name, value, colour in segments:
            width = bar_width * value / total_max
            if width <= 0:
                continue
            out.append(f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{row_height - 8}" fill="{_e(colour)}">'
                       f"<title>{_e(label)}: {_e(name)} {value:.2f} {_e(unit)}</title></rect>")
            x += width
        total = sum(v for _, v, _ in segments)
        out.append(f'<text x="{x + 6:.1f}" y="{y + 15}">{total:.1f}</text>')
    out.append(f'<line x1="{label_width}" y1="0" x2="{label_width}" y2="{height - 20}" stroke="#999"/>')
    out.append(f'<text x="{label_width}" y="{height - 4}">0</text>'
               f'<text x="{label_width + bar_width}" y="{height - 4}" text-anchor="end">{total_max:.1f} {_e(unit)}'
               "</text></svg>")
    return _scroll("".join(out), title)


def _technique_chart(profiles: list[Mapping[str, Any]], name: str) -> str:
    techniques = sorted({str(t) for p in profiles for t in (p.get("technique_density") or {})}, key=technique_order)
    if not techniques:
        return ('<p class="note">No technique spans in these articles (if the technique model is missing, see the '
                "warnings below).</p>")
    rows = []
    for profile in profiles:
        density = profile.get("technique_density") or {}
        rows.append((str(profile.get("outlet")), [(technique_label(t), finite_number(density.get(t)) or 0.0,
                                                   technique_colour(t)) for t in techniques]))
    legend = "".join(f'<span><i style="background:{technique_colour(t)}"></i>{_e(technique_label(t))}</span>'
                     for t in techniques)
    return (_bar_chart(rows, "spans/1k words", f"{name}: technique density per outlet")
            + f'<div class="legend">{legend}</div>' + _density_table(profiles, techniques, name))


def _density_table(profiles: list[Mapping[str, Any]], techniques: list[str], name: str) -> str:
    head = "".join(f"<th>{_e(p.get('outlet'))}</th>" for p in profiles)
    rows = [f"<table><thead><tr><th>Technique</th>{head}</tr></thead><tbody>"]
    for technique in techniques:
        cells = []
        for profile in profiles:
            count = (profile.get("technique_counts") or {}).get(technique, 0)
            density = finite_number((profile.get("technique_density") or {}).get(technique)) or 0.0
            cells.append(f'<td class="num">{_e(count)} ({density:.1f})</td>')
        rows.append(f"<tr><td>{_e(technique_label(technique))}</td>{''.join(cells)}</tr>")
    rows.append("</tbody></table>")
    return ("<details><summary>Technique counts and density table</summary>"
            + _scroll("".join(rows), f"{name}: technique counts and density") + "</details>")


def _sources_chart(profiles: list[Mapping[str, Any]], name: str) -> str:
    rows = []
    for profile in profiles:
        by_kind = _sources_of(profile).get("by_kind") or {}
        rows.append((str(profile.get("outlet")), [(k, float(by_kind.get(k, 0) or 0), KIND_COLOURS[k])
                                                  for k in KIND_ORDER]))
    if not any(v for _, segments in rows for _, v, _ in segments):
        return '<p class="note">No attributed sources were found.</p>'
    legend = "".join(f'<span><i style="background:{KIND_COLOURS[k]}"></i>{_e(k)}</span>' for k in KIND_ORDER)
    return _bar_chart(rows, "sources", f"{name}: sources cited per outlet") + f'<div class="legend">{legend}</div>'


def _claims_html(story: Mapping[str, Any], names: dict[str, str]) -> str:
    out = []
    shared = [c for c in story.get("shared_claims") or [] if isinstance(c, Mapping)]
    out.append(f"<h3>Shared claims ({len(shared)})</h3>")
    if not shared:
        out.append('<p class="note">No claim was found in more than one of these articles.</p>')
    for claim in shared:
        marker = "all outlets" if claim.get("carried_by_all") else f"{len(claim.get('articles') or [])} outlets"
        out.append(f'<div class="claim"><span class="tag">{_e(marker)}</span>{_e(claim.get("text"))}'
                   f'<details><summary>wording in each outlet (similarity {_e(_number(claim.get("similarity"), 2))})'
                   "</summary><ul>")
        for member in claim.get("claims") or []:
            out.append(f"<li><b>{_e(names.get(str(member.get('article')), member.get('article')))}:</b> "
                       f"{_e(member.get('text'))}</li>")
        out.append("</ul></details></div>")
    contradictions = [c for c in story.get("contradictions") or [] if isinstance(c, Mapping)]
    out.append(f"<h3>Possible contradictions ({len(contradictions)})</h3>")
    out.append(f'<p class="heuristic">Found by a heuristic ({_e(CONTRADICTION_RULE)}): check them against the '
               "texts.</p>")
    for item in contradictions:
        out.append(f'<div class="claim"><span class="tag warn">{_e(item.get("reason"))}</span><ul>')
        for claim in item.get("claims") or []:
            out.append(f"<li><b>{_e(names.get(str(claim.get('article')), claim.get('article')))}:</b> "
                       f"{_e(claim.get('text'))}</li>")
        out.append("</ul></div>")
    counts = story.get("unique_claim_counts") if isinstance(story.get("unique_claim_counts"), Mapping) else {}
    unique = [c for c in story.get("unique_claims") or [] if isinstance(c, Mapping)]
    out.append("<h3>Claims only one outlet makes</h3>")
    for article_id, name in names.items():
        own = [c for c in unique if str(c.get("article")) == article_id]
        total = counts.get(article_id, len(own))
        out.append(f"<details><summary>{_e(name)}: {_e(total)} claim(s)"
                   f"{' (showing ' + str(len(own)) + ')' if isinstance(total, int) and total > len(own) else ''}"
                   "</summary><ul>")
        out.extend(f"<li>{_e(c.get('text'))}</li>" for c in own)
        out.append("</ul></details>")
    return "\n".join(out)


def _top_spans_html(story: Mapping[str, Any]) -> str:
    out = ["<h3>Strongest technique spans per outlet</h3>"]
    any_spans = False
    for profile in _profiles(story):
        spans = [s for s in profile.get("top_spans") or [] if isinstance(s, Mapping)]
        if not spans:
            continue
        any_spans = True
        out.append(f"<details><summary>{_e(profile.get('outlet'))} ({len(spans)})</summary>")
        for span in spans:
            colour = technique_colour(str(span.get("technique")))
            label = technique_label(str(span.get("technique")))
            out.append(f'<div class="span" style="border-color:{colour}"><b>{_e(label)}</b> '
                       f"({_e(_number(span.get('confidence'), 2))}): “{_e(_short(span.get('text'), 300))}”</div>")
        out.append("</details>")
    if not any_spans:
        out.append('<p class="note">No technique spans.</p>')
    return "\n".join(out)


def _sources_table_html(story: Mapping[str, Any], names: dict[str, str]) -> str:
    sources = [s for s in story.get("sources") or [] if isinstance(s, Mapping)]
    if not sources:
        return ""
    rows = ["<table><thead><tr><th>Source</th><th>Kind</th><th>Cited by</th><th>Mentions</th></tr></thead><tbody>"]
    for source in sources:
        cited_by = ", ".join(names.get(str(a), str(a)) for a in source.get("articles") or [])
        rows.append(f"<tr><td>{_e(source.get('name'))}</td><td>{_e(source.get('kind'))}</td><td>{_e(cited_by)}</td>"
                    f'<td class="num">{_e(source.get("mentions"))}</td></tr>')
    rows.append("</tbody></table>")
    return ("<details><summary>Sources cited in this story</summary>"
            + _scroll("".join(rows), f"{story.get('id') or 'story'}: sources cited") + "</details>")


def story_quotes(story: Mapping[str, Any], articles: list) -> list[tuple[Any, str, str]]:
    """(article id, quote, speaker or "") of every direct quote in the story's articles, in article order."""
    return [(a.get("id"), str(q.get("text") or ""), str(q.get("speaker") or ""))
            for a in articles if isinstance(a, Mapping) and a.get("story") == story.get("id")
            for q in a.get("quotes") or [] if isinstance(q, Mapping)]


def _quotes_html(story: Mapping[str, Any], articles: list, names: dict[str, str]) -> str:
    """Every direct quote of the story's articles with its speaker (or that none was found)."""
    rows = [f"<li><b>{_e(names.get(str(article), article))}:</b> “{_e(text)}” — "
            f"{_e(speaker or 'no speaker found')}</li>" for article, text, speaker in story_quotes(story, articles)]
    if not rows:
        return ""
    return f"<details><summary>Direct quotes ({len(rows)})</summary><ul>{''.join(rows)}</ul></details>"


def _single_stories_html(single: list[Mapping[str, Any]]) -> str:
    rows = [f'<section class="story"><h2>Stories with one article ({len(single)})</h2>'
            '<div class="scroll" role="region" aria-label="Stories with one article" tabindex="0"><table><thead><tr>'
            "<th>Story</th><th>Outlet</th><th>Title</th><th>Score</th><th>Spans / 1k words</th>"
            "<th>Sources (named / anonymous)</th></tr></thead><tbody>"]
    for story in single[:SINGLE_STORY_ROWS * 4]:
        profile = (_profiles(story) or [{}])[0]
        article = (story.get("articles") or [{}])[0]
        sources = _sources_of(profile)
        rows.append(f"<tr><td>{_e(story.get('id'))}</td><td>{_e(profile.get('outlet'))}</td>"
                    f"<td>{_e(_short(article.get('title'), 100))}</td>"
                    f'<td class="num">{_e(_number(profile.get("propaganda_score")))}</td>'
                    f'<td class="num">{_e(_number(profile.get("density_per_1000_words")))}</td>'
                    f"<td>{_e(sources.get('named', 0))} / {_e(sources.get('anonymous', 0))}</td></tr>")
    rows.append("</tbody></table></div>")
    if len(single) > SINGLE_STORY_ROWS * 4:
        rows.append(f'<p class="note">… and {len(single) - SINGLE_STORY_ROWS * 4} more (see the JSON output).</p>')
    rows.append("</section>")
    return "".join(rows)


def _footer_html(d: Mapping[str, Any]) -> str:
    out = []
    failures = [f for f in d.get("failures") or [] if isinstance(f, Mapping)]
    if failures:
        out.append('<section class="story"><h2>Inputs that could not be read</h2><ul>')
        out.extend(f"<li>{_e(failure_text(f))}</li>" for f in failures)
        out.append("</ul></section>")
    warnings = d.get("warnings") or []
    if warnings:
        out.append('<section class="story"><h2>Warnings</h2><ul>')
        out.extend(f"<li>{_e(w)}</li>" for w in warnings)
        out.append("</ul></section>")
    notes = d.get("notes") or []
    settings = d.get("settings") if isinstance(d.get("settings"), Mapping) else {}
    out.append('<section class="story"><h2>How this was made</h2><ul class="note">')
    out.extend(f"<li>{_e(n)}</li>" for n in notes)
    # an unset language means each article's own was detected: say so rather than leave "language:" empty
    out.extend(f"<li>{_e(k)}: {_e('detected per article' if k == 'language' and v is None else v)}</li>"
               for k, v in settings.items())
    out.append(f"<li>Spinscope {_e(d.get('spinscope_version'))}</li></ul></section>")
    return "\n".join(out)


def _count(n: int, one: str, many: str | None = None) -> str:
    """'1 article', '3 articles', '1 story', '2 stories'."""
    return f"{n} {one if n == 1 else many or one + 's'}"


__all__ = ["compare_to_json", "compare_to_text", "compare_to_html", "failure_text", "print_compare"]
