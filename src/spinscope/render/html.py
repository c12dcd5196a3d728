"""One self-contained HTML page for one or several results: inline CSS/JS, no network, strict CSP.

Safety: every string that comes from the article or a model (text, title, outlet, URL, technique names, warnings)
is HTML-escaped; URLs become links only when they are http(s); element ids and class names are generated here
(article index, span number, technique index), never taken from the data. The page carries a
Content-Security-Policy that allows only this page's own inline <style> and <script> (by SHA-256 hash), so
markup that slipped into the data could not run scripts or load anything. There are no inline event handlers and
no style attributes: per-page colours and bar widths are rules in the hashed stylesheet.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from importlib.resources import files
from typing import Any, Mapping
from urllib.parse import urlsplit

from .. import __version__
from ..taxonomy import BY_NAME, FRAME_EXPLANATIONS, GENRE_EXPLANATIONS, TECHNIQUE_NAMES
from . import (
    RenderSpan, as_list, as_result_list, clean_spans, contribution_text, display_name, dropped_span_count,
    evidence_heading, evidence_of, evidence_text, finite_number, for_display, frames_of, genre_of,
    no_techniques_message, paragraph_numbers, percentile_words, readable_on, score_facts, score_of, sweep,
    technique_category, technique_colour, technique_example, technique_label, technique_summary, text_lines,
)

MAX_EVIDENCE = 5
QUOTE_CHARS = 90
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")


TOOLTIP = '<div id="spinscope-tip" class="tip" role="tooltip" hidden></div>'


@lru_cache(maxsize=None)
def asset(name: str) -> str:
    """A file of `render/assets/` ("report.css", "report.js")."""
    return (files("spinscope.render") / "assets" / name).read_text(encoding="utf-8")


def _csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


def e(value: Any) -> str:
    """Escape any value for HTML text or a double-quoted attribute."""
    return escape("" if value is None else str(value), quote=True)


def safe_url(url: Any) -> str | None:
    """The URL if it is an absolute http(s) URL, else None (javascript:, data:, relative ... are not linked)."""
    url = str(url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc and not any(c.isspace() for c in url):
        return url
    return None


def shorten(snippet: str, limit: int = QUOTE_CHARS) -> str:
    snippet = " ".join(snippet.split())
    return snippet if len(snippet) <= limit else snippet[: limit - 1].rstrip() + "…"


def percent(value: float) -> str:
    return f"{max(0.0, min(1.0, value)) * 100:.0f}%"


class StyleSheet:
    """Per-page CSS rules: technique colour classes and bar widths (no style attributes under the CSP)."""

    def __init__(self) -> None:
        self.technique_classes: dict[str, str] = {}
        self.rules: list[str] = []

    def technique_class(self, technique: str) -> str:
        if technique not in self.technique_classes:
            if technique in TECHNIQUE_NAMES:
                name = f"t{TECHNIQUE_NAMES.index(technique)}"
            else:  # unknown names never reach the CSS: they get a numbered class
                name = f"tx{sum(c.startswith('tx') for c in self.technique_classes.values())}"
            self.technique_classes[technique] = name
        return self.technique_classes[technique]

    def width(self, element_id: str, fraction: float) -> None:
        self.rules.append(f"#{element_id}{{width:{max(0.0, min(1.0, fraction)) * 100:.1f}%}}")

    def css(self) -> str:
        rules = []
        for technique, name in self.technique_classes.items():
            colour = technique_colour(technique)
            rules.append(f".{name}{{--c:{colour};--on:{readable_on(colour)}}}")
            # mark.hl.X outranks "mark.hl mark.hl" (the nested underline), so a hidden mark shows nothing; its
            # number button goes too (display:none also takes it out of the Tab order)
            rules.append(f".hide-{name} mark.hl.{name}{{background:none;box-shadow:none}}"
                         f".hide-{name} .hl-n.{name}{{display:none}}"
                         f".hide-{name} .chip.{name}{{opacity:.5;text-decoration:line-through}}")
        return "\n".join(rules + self.rules)


@dataclass
class ArticleView:
    """What one result needs while its section is built."""

    index: int
    result: Mapping[str, Any]
    text: str
    spans: list[RenderSpan]
    styles: StyleSheet
    single: bool = True
    lines: set[int] = field(default_factory=set)
    paragraph_numbers: dict[int, int] = field(default_factory=dict)  # line -> paragraph, as readers count them

    def h(self, depth: int) -> str:
        """Heading tag for a depth below the article title (h1 on a one-article page, h2 with a contents table)."""
        return f"h{min(6, (1 if self.single else 2) + depth)}"

    @property
    def prefix(self) -> str:
        return f"a{self.index}"

    def span_id(self, span: RenderSpan) -> str:
        return f"{self.prefix}-s{span.number}"

    def line_id(self, line: int) -> str:
        return f"{self.prefix}-line-{line}"

    def landmark(self, name: str) -> str:
        """The accessible name of one of this article's landmarks (sections, asides, scrolling tables). With one
        article on the page, the plain name ("Article text"); with several (a report of many, a comparison) every
        article would repeat it, and a landmark list of five "Article text" regions says nothing (axe's
        "landmark-unique"), so the article's position and outlet (or title) are added: "Article text, article 2
        (Ferry News)"."""
        if self.single:
            return name
        who = str(self.result.get("outlet") or "").strip() or shorten(str(self.result.get("title") or ""), 60)
        return f"{name}, article {self.index + 1}" + (f" ({who})" if who else "")

    def line_link(self, line: int) -> str:
        number = self.paragraph_numbers.get(line)
        if number is not None:
            return (f'<a class="para-link" href="#{self.line_id(line)}" title="paragraph {number}, line {line}">'
                    f'¶{number}</a>')
        return f'<span class="para-link">line {line}</span>'


def article_views(results: list[dict], styles: StyleSheet) -> list[ArticleView]:
    views = [ArticleView(i, r, str(r.get("text") or ""), clean_spans(r), styles, single=len(results) == 1)
             for i, r in enumerate(results)]
    for view in views:
        view.paragraph_numbers = paragraph_numbers(view.text)
        view.lines = set(view.paragraph_numbers)  # the lines that hold text
    return views


def article_fragments(results: list[dict] | dict, top_level: bool | None = None) -> tuple[list[str], str]:
    """For pages that embed reports (the web app): one HTML <article> section per result, and the CSS rules they
    need on top of `asset("report.css")`. The page must also hold the tooltip element (`TOOLTIP`) once and load
    `asset("report.js")`. `top_level` makes the article titles <h1> (default: when there is only one result)."""
    styles = StyleSheet()
    views = article_views([for_display(r) for r in as_result_list(results)], styles)
    if top_level is not None:
        for view in views:
            view.single = top_level
    return [article_section(view) for view in views], styles.css()


def article_fragment(result: Mapping[str, Any]) -> tuple[str, str]:
    """One result's section, titled with <h1>, and its CSS rules (see `article_fragments`)."""
    sections, css = article_fragments([dict(result)], top_level=True)
    return sections[0], css


def report_sections(results: list[dict] | dict) -> tuple[str, str]:
    """The article sections plus the tooltip element, and their CSS rules: everything of the report page but
    the page frame, the stylesheet `asset("report.css")` and the script `asset("report.js")`."""
    sections, css = article_fragments(results)
    return "\n".join(sections + [TOOLTIP]), css


def to_html(results: list[dict] | dict) -> str:
    """The whole report page as a string."""
    results = [for_display(r) for r in as_result_list(results)]
    styles = StyleSheet()
    views = article_views(results, styles)
    sections = [article_section(view) for view in views]

    css = asset("report.css") + "\n" + styles.css()
    script = asset("report.js")
    policy = (f"default-src 'none'; style-src {_csp_hash(css)}; script-src {_csp_hash(script)}; "
              "img-src data:; base-uri 'none'; form-action 'none'")
    if len(results) == 1:
        page_title = f"{str(results[0].get('title') or 'Untitled article')} · Spinscope report"
        heading = ""
    else:
        page_title = f"Spinscope report: {len(results)} articles"
        heading = f'<header class="page-head"><h1>Spinscope report</h1>{toc(views)}</header>'
    language = next((str(r.get("language")) for r in results if _LANGUAGE_TAG.fullmatch(str(r.get("language")))),
                    "en")
    return "\n".join([
        "<!DOCTYPE html>",
        f'<html lang="{e(language)}">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">',  # generated: quotes and base64 only
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="Spinscope {e(__version__)}">',
        f"<title>{e(page_title)}</title>",
        f"<style>{css}</style>",
        "</head>",
        "<body>",
        '<a class="skip" href="#main">Skip to the report</a>',
        heading,
        '<main id="main">',
        *sections,
        "</main>",
        f'<footer class="page-foot">Made with Spinscope {e(__version__)}. Highlights are machine predictions '
        "with a confidence; read them as pointers, not verdicts.</footer>",
        TOOLTIP,
        f"<script>{script}</script>",
        "</body>",
        "</html>",
        "",
    ])


def scroll_region(content: str, label: str) -> str:
    """A wide table in a box of its own that scrolls sideways where the screen is narrower (a phone) instead of
    widening the page. To be scrolled from the keyboard it must take the focus (axe's
    "scrollable-region-focusable"), and a focused box needs a name: a named region in the Tab order (report.js
    takes it out of the Tab order wherever it fits, with nothing to scroll). `label` is escaped here."""
    return f'<div class="scroll-region" role="region" aria-label="{e(label)}" tabindex="0">{content}</div>'


def toc(views: list[ArticleView]) -> str:
    rows = []
    for view in views:
        result = view.result
        value, _ = score_of(result)
        genre, _ = genre_of(result)
        rows.append(
            "<tr>"
            f'<td><a href="#{view.prefix}" dir="auto">{e(result.get("title") or "Untitled article")}</a></td>'
            f'<td dir="auto">{e(result.get("outlet") or "")}</td>'
            f"<td>{e(display_name(genre)) if genre else '—'}</td>"
            f'<td class="num">{len(view.spans)}</td>'
            f'<td class="num">{"—" if value is None else f"{value:.1f}"}</td>'
            "</tr>")
    table = ('<table><thead><tr><th scope="col">Article</th><th scope="col">Outlet</th><th scope="col">Genre</th>'
             '<th scope="col" class="num">Highlights</th><th scope="col" class="num">Score</th></tr></thead><tbody>'
             + "".join(rows) + "</tbody></table>")
    return '<nav class="toc" aria-label="Articles">' + scroll_region(table, "Contents table") + "</nav>"


def article_section(view: ArticleView) -> str:
    result = view.result
    language = str(result.get("language") or "")
    lang_attr = f' lang="{e(language)}"' if _LANGUAGE_TAG.fullmatch(language) else ""
    heading_level = view.h(0)
    title = e(result.get("title") or "Untitled article")
    parts = [
        f'<article class="report" id="{view.prefix}" aria-labelledby="{view.prefix}-title">',
        f'<header class="article-head"><p class="brand">Spinscope report</p>'
        f'<{heading_level} id="{view.prefix}-title" dir="auto"{lang_attr}>{title}</{heading_level}>'
        f"{meta_line(result, view.text)}</header>",
        warnings_box(view),
        overview(view),
        legend(view),
        '<div class="body-grid">',
        f'<section class="text-wrap" aria-label="{e(view.landmark("Article text"))}">',
        f'<{view.h(1)} class="section-title">Article text</{view.h(1)}>',
        f'<div class="article-text" id="{view.prefix}-text"{lang_attr}>{article_body(view)}</div>',
        "</section>",
        notes(view),
        "</div>",
        summary(view),
        models_line(result),
        "</article>",
    ]
    return "\n".join(p for p in parts if p)


def meta_line(result: Mapping[str, Any], text: str) -> str:
    facts = []
    if result.get("outlet"):
        facts.append(f'<span class="outlet" dir="auto">{e(result["outlet"])}</span>')
    if result.get("published"):
        facts.append(f"<span>{e(result['published'])}</span>")
    facts.append(f"<span>language: {e(result.get('language') or 'unknown')}</span>")
    word_count = result.get("word_count")
    facts.append(f"<span>{word_count if isinstance(word_count, int) else len(text.split())} words</span>")
    url = str(result.get("url") or "")
    if url:
        link = safe_url(url)
        facts.append(f'<a class="url" href="{e(link)}" rel="noopener noreferrer nofollow">{e(url)}</a>' if link
                     else f'<span class="url">{e(url)}</span>')
    # the dot is for the eye; a screen reader hears a comma between the facts (not "Millbrook Patriot2026-03-02")
    separator = '<span class="sep"><span aria-hidden="true"> · </span><span class="sr-only">, </span></span>'
    return '<p class="meta">' + separator.join(facts) + "</p>"


def warnings_box(view: ArticleView) -> str:
    warnings = [str(w) for w in view.result.get("warnings") or []]
    dropped = dropped_span_count(view.result, view.spans)
    if dropped:
        warnings.append(f"{dropped} span(s) with offsets outside the text were not shown")
    if not warnings:
        return ""
    items = "".join(f"<li>{e(w)}</li>" for w in warnings)
    tag = view.h(1)
    return f'<aside class="warnings" role="note"><{tag} class="section-title">Warnings</{tag}><ul>{items}</ul></aside>'


def overview(view: ArticleView) -> str:
    return (f'<section class="overview" aria-label="{e(view.landmark("Article overview"))}">'
            + score_card(view) + genre_card(view) + frames_card(view) + "</section>")


def missing(what: str) -> str:
    return f'<p class="missing">No {what} result for this article.</p>'


def score_card(view: ArticleView) -> str:
    value, details = score_of(view.result)
    parts = [f'<div class="card score-card"><{view.h(1)} class="card-title">Propaganda score</{view.h(1)}>']
    if value is None:
        parts.append(missing("score"))
    else:
        bar_id = f"{view.prefix}-score-bar"
        view.styles.width(bar_id, value / 100)
        parts.append(f'<p class="score-value"><span class="big">{value:.1f}</span> <span class="of">/ 100</span></p>'
                     f'<div class="bar score-bar" role="img" aria-label="score {value:.1f} out of 100">'
                     f'<div class="fill" id="{bar_id}"></div></div>')
        percentile = finite_number(details.get("percentile"))
        if percentile is not None:
            parts.append(f'<p class="percentile">{e(percentile_words(percentile).capitalize())}.</p>')
        if details.get("definition"):
            parts.append(f'<p class="definition">{e(details["definition"])}</p>')
        parts.extend(f'<p class="definition">{e(fact)}</p>' for fact in score_facts(details))
        listed = evidence_of(details, view.spans)
        evidence = listed[:MAX_EVIDENCE]
        if evidence:
            items = []
            for span, entry in evidence:
                technique = span.technique if span else str(entry.get("technique") or "")
                css_class = view.styles.technique_class(technique)
                quote = e(shorten(evidence_text(entry, view.text)))
                target = None
                if span:
                    target = view.span_id(span)
                elif isinstance(entry.get("start"), int):
                    line = view.text.count("\n", 0, max(0, min(len(view.text), entry["start"]))) + 1
                    target = view.line_id(line) if line in view.lines else None
                quote_html = f'<a class="ev-quote" href="#{target}">“{quote}”</a>' if target else f"“{quote}”"
                confidence = finite_number(span.confidence if span else entry.get("confidence"))
                conf = f" · {confidence:.2f}" if confidence is not None else ""
                if contribution_text(entry):
                    conf += f" · {contribution_text(entry)}"
                items.append(f'<li class="{css_class}"><span class="sw" aria-hidden="true"></span>{quote_html} '
                             f'<span class="ev-tech">{e(technique_label(technique))}{conf}</span></li>')
            tag = view.h(2)
            parts.append(f'<{tag} class="sub">Strongest evidence ({evidence_heading(len(items), len(listed))})</{tag}>'
                         f'<ol class="evidence">{"".join(items)}</ol>')
    parts.append("</div>")
    return "".join(parts)


def genre_card(view: ArticleView) -> str:
    label, probabilities = genre_of(view.result)
    parts = [f'<div class="card genre-card"><{view.h(1)} class="card-title">Genre</{view.h(1)}>']
    if not label:
        parts.append(missing("genre"))
    else:
        parts.append(f'<p class="genre-label">{e(display_name(label).capitalize())}</p>')
        if label in GENRE_EXPLANATIONS:
            parts.append(f'<p class="explain">{e(GENRE_EXPLANATIONS[label])}</p>')
        rows = []
        for number, (genre, probability) in enumerate(probabilities):
            bar_id = f"{view.prefix}-g{number}"
            view.styles.width(bar_id, probability)
            chosen = " chosen" if genre == label else ""
            rows.append(f'<div class="bar-row{chosen}"><span class="bar-label">{e(display_name(genre))}</span>'
                        f'<span class="bar" role="img" aria-label="{e(display_name(genre))} {percent(probability)}">'
                        f'<span class="fill" id="{bar_id}"></span></span>'
                        f'<span class="bar-value">{percent(probability)}</span></div>')
        parts.append("".join(rows))
    parts.append("</div>")
    return "".join(parts)


def frames_card(view: ArticleView) -> str:
    frames = frames_of(view.result)
    parts = [f'<div class="card frames-card"><{view.h(1)} class="card-title">Frames</{view.h(1)}>']
    if not frames:
        parts.append(missing("frame"))
    else:
        items = []
        for number, (frame, probability, lines) in enumerate(frames):
            bar = ""
            if probability is not None:
                bar_id = f"{view.prefix}-f{number}"
                view.styles.width(bar_id, probability)
                bar = (f'<span class="bar small" role="img" aria-label="{percent(probability)}">'
                       f'<span class="fill" id="{bar_id}"></span></span>'
                       f'<span class="bar-value">{percent(probability)}</span>')
            links = ""
            if lines:
                links = '<span class="paras">in ' + " ".join(view.line_link(n) for n in lines) + "</span>"
            explain = (f'<p class="explain">{e(FRAME_EXPLANATIONS[frame])}</p>'
                       if frame in FRAME_EXPLANATIONS else "")
            items.append(f'<li><div class="frame-head"><span class="frame-name">{e(display_name(frame))}</span>'
                         f"{bar}</div>{links}{explain}</li>")
        parts.append('<ul class="frames">' + "".join(items) + "</ul>")
    parts.append("</div>")
    return "".join(parts)


def legend(view: ArticleView) -> str:
    counts: dict[str, int] = {}
    for span in view.spans:
        counts[span.technique] = counts.get(span.technique, 0) + 1
    if not counts:
        return ""
    chips = []
    for technique in sorted(counts, key=lambda t: (-counts[t], technique_label(t))):
        css_class = view.styles.technique_class(technique)
        hover = BY_NAME[technique].explanation if technique in BY_NAME else ""
        example = technique_example(technique, view.result.get("language"))
        if example:
            hover += f"\nExample ({example[1]}): {example[2]}"
        chips.append(f'<li><button type="button" class="chip {css_class}" data-t="{css_class}" aria-pressed="true" '
                     f'title="{e(hover)}"><span class="sw" aria-hidden="true"></span>'
                     f'{e(technique_label(technique))} <span class="count">{counts[technique]}</span></button></li>')
    return (f'<section class="legend" aria-label="{e(view.landmark("Techniques highlighted"))}">'
            f'<div class="legend-head"><{view.h(1)} class="section-title">Highlighted techniques</{view.h(1)}>'
            f'<span class="hint">Click a technique to hide or show its highlights.</span>'
            f'<button type="button" class="show-all" data-article="{view.prefix}">Show all</button></div>'
            f'<ul class="chips">{"".join(chips)}</ul></section>')


def article_body(view: ArticleView) -> str:
    """Each non-blank line is a paragraph; overlapping spans become properly nested <mark> elements.

    A boundary sweep splits each line wherever a span starts or ends; between two cuts the set of covering spans
    is constant. Moving from one piece to the next, the marks that stay open are the common prefix of the two
    (outermost-first) lists; the rest are closed innermost-first and the new ones opened, so a span that
    crosses another is split into several marks sharing one number. Only the first mark of a span takes its id
    (the target of the links to it).

    The marks are not controls: nested, they would be interactive elements inside each other, which screen
    readers cannot present (axe's "nested-interactive"). Each span's control is its footnote number, a text-less
    button closing its last mark (the number is drawn by CSS, so the text reads exactly as the input); a button
    holds no other element, so none sits inside another. Pointing at any marked text shows the tooltip of every
    span there; the button shows it on focus and pins it on Enter, Space, click or tap.
    """
    text = view.text
    paragraph_info = {p.get("line"): p for p in view.result.get("paragraphs") or [] if isinstance(p, Mapping)}
    tokens: list[Any] = []  # strings and mark records, serialised once every span's last mark is known
    last_mark: dict[int, dict] = {}
    seen: set[int] = set()
    for number, start, end in text_lines(text):
        tokens.append(f'<div class="para" id="{view.line_id(number)}"><p class="ptext" dir="auto">')
        open_marks: list[dict] = []
        for left, right, covering in sweep(start, end, view.spans):
            keep = 0
            while keep < min(len(open_marks), len(covering)) and open_marks[keep]["span"] is covering[keep]:
                keep += 1
            tokens.extend(("close", record) for record in reversed(open_marks[keep:]))
            del open_marks[keep:]
            for span in covering[keep:]:
                record = {"span": span, "first": span.number not in seen, "last": False}
                seen.add(span.number)
                last_mark[span.number] = record
                tokens.append(("open", record))
                open_marks.append(record)
            tokens.append(e(text[left:right]))  # a line holds no CR: `text_lines` ends lines at CR as at LF
        tokens.extend(("close", record) for record in reversed(open_marks))
        tokens.append("</p>" + paragraph_tags(view, paragraph_info.get(number)) + "</div>")
    for record in last_mark.values():
        record["last"] = True
    html_parts = []
    for token in tokens:
        if isinstance(token, str):
            html_parts.append(token)
        elif token[0] == "open":
            html_parts.append(open_mark(view, token[1]["span"], token[1]["first"]))
        else:
            html_parts.append((span_button(view, token[1]["span"]) if token[1]["last"] else "") + "</mark>")
    return "".join(html_parts) or '<p class="missing">This article has no text.</p>'


def open_mark(view: ArticleView, span: RenderSpan, first: bool) -> str:
    css_class = view.styles.technique_class(span.technique)
    span_id = view.span_id(span)
    attributes = [f'class="hl {css_class}"', f'data-span="{span_id}"', f'data-t="{css_class}"']
    if first:
        attributes.append(f'id="{span_id}"')
    return f"<mark {' '.join(attributes)}>"


def span_button(view: ArticleView, span: RenderSpan) -> str:
    """A span's control: its footnote number (drawn by CSS from data-n), a button named by number and technique and
    described by its note; it toggles the tooltip (aria-expanded).

    A <span role="button">, not a <button>: a <button> is an atomic inline, which a line may break before, leaving
    the number alone at the start of the next line; an inline span's CSS number stays glued to the span's last
    word, as a footnote number should. report.js gives it a button's keys (Enter, Space)."""
    css_class = view.styles.technique_class(span.technique)
    span_id = view.span_id(span)
    return (f'<span class="hl-n {css_class}" id="{span_id}-btn" role="button" tabindex="0" data-span="{span_id}" '
            f'data-t="{css_class}" data-n="{span.number}" aria-expanded="false" '
            f'aria-label="Highlight {span.number}: {e(span.label)}" aria-describedby="{span_id}-note"></span>')


def paragraph_tags(view: ArticleView, paragraph: Mapping[str, Any] | None) -> str:
    """Paragraph-level technique predictions (they can exist without spans), shown under the paragraph."""
    if not paragraph:
        return ""
    scores = paragraph.get("scores") if isinstance(paragraph.get("scores"), Mapping) else {}
    techniques = [str(t) for t in as_list(paragraph.get("techniques"))]
    if not techniques:
        return ""
    chips = []
    for technique in sorted(techniques, key=lambda t: -(finite_number(scores.get(t)) or 0.0)):
        css_class = view.styles.technique_class(technique)
        score = finite_number(scores.get(technique))
        chips.append(f'<li class="{css_class}"><span class="sw" aria-hidden="true"></span>'
                     f'{e(technique_label(technique))}{f" {score:.2f}" if score is not None else ""}</li>')
    return ('<ul class="ptags" aria-label="Techniques predicted for this paragraph">' + "".join(chips) + "</ul>")


def notes(view: ArticleView) -> str:
    """The footnote list: what each numbered highlight is. The tooltip reads its content from here."""
    if not view.spans:
        return ""
    items = []
    exemplified: set[str] = set()
    for span in view.spans:
        css_class = view.styles.technique_class(span.technique)
        span_id = view.span_id(span)
        confidence = (f'<span class="n-conf">confidence {span.confidence_text()}</span>'
                      if span.confidence_text() else "")
        items.append(
            f'<li id="{span_id}-note" class="note {css_class}" data-t="{css_class}">'
            f'<a class="n-num" href="#{span_id}">{span.number}</a>'
            f'<span class="n-label">{e(span.label)}</span> {confidence} '
            f'<q class="n-quote" dir="auto">{e(shorten(view.text[span.start:span.end]))}</q> '
            f'<span class="n-expl">{e(span.explanation)}</span>'
            f'{note_example(span.technique, view.result.get("language"), exemplified)}</li>')
    return (f'<aside class="notes-wrap" aria-label="{e(view.landmark("Numbered highlights"))}">'
            f'<details class="notes" open>'
            f'<summary>{len(view.spans)} highlight{"s" if len(view.spans) != 1 else ""}, numbered as in the text'
            f'</summary><ol>{"".join(items)}</ol></details></aside>')


def note_example(technique: str, language: Any, exemplified: set[str]) -> str:
    """The technique's example in the article's language, for the tooltip (which reads it from the note).

    The notes column shows it too, but only at the first note of each technique and not for English articles
    (whose example is in the legend), so the column does not repeat one sentence for every highlight.
    """
    example = technique_example(technique, language)
    if not example:
        return ""
    code, name, sentence = example
    shown = code != "en" and technique not in exemplified
    exemplified.add(technique)
    return (f'<span class="n-ex"{"" if shown else " hidden"}><span class="n-ex-label">Example ({e(name)}):</span> '
            f'<span class="n-ex-text" lang="{e(code)}">{e(sentence)}</span></span>')


def summary(view: ArticleView) -> str:
    rows = technique_summary(view.result, view.spans)
    if not rows:
        return (f'<section class="summary"><{view.h(1)} class="section-title">Techniques found</{view.h(1)}>'
                f'<p class="missing">{e(no_techniques_message(view.result))}</p></section>')
    body = []
    for technique, count, mean in rows:
        css_class = view.styles.technique_class(technique)
        body.append(f'<tr class="{css_class}"><td><span class="sw" aria-hidden="true"></span>'
                    f"{e(technique_label(technique))}</td><td>{e(technique_category(technique))}</td>"
                    f'<td class="num">{count}</td><td class="num">{"—" if mean is None else f"{mean:.2f}"}</td></tr>')
    table = ('<table><thead><tr><th scope="col">Technique</th><th scope="col">Category</th>'
             '<th scope="col" class="num">Count</th><th scope="col" class="num">Mean confidence</th></tr></thead>'
             f'<tbody>{"".join(body)}</tbody></table>')
    return (f'<section class="summary"><{view.h(1)} class="section-title">Techniques found</{view.h(1)}>'
            f'{scroll_region(table, view.landmark("Techniques found"))}</section>')


def models_line(result: Mapping[str, Any]) -> str:
    models = result.get("models") if isinstance(result.get("models"), Mapping) else {}
    if not models:
        return ""
    listed = ", ".join(f"{e(name)} {e(version)}" for name, version in models.items())
    return f'<p class="models">Models: {listed}</p>'
