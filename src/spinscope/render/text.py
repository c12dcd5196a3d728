"""Terminal view of results with Rich: overview panel, highlighted article text with footnotes, summary table.

Article-supplied strings always go into `rich.text.Text` objects, never into markup strings, so brackets in an
article cannot be taken as Rich markup. Without colour (no_color, non-TTY, `to_text`) each technique span is
shown as `{span text}[n]` so the reader still sees where it starts and ends.
"""

from __future__ import annotations

import io
import re
from typing import Any, Mapping

from rich import box
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.rule import Rule
from rich.style import Style
from rich.table import Table
from rich.text import Text

from ..taxonomy import BY_NAME, FRAME_EXPLANATIONS, GENRE_EXPLANATIONS
from . import (
    RenderSpan, as_result_list, clean_spans, contribution_text, display_name, dropped_span_count,
    evidence_heading, evidence_of, evidence_text, for_display, frames_of, genre_of, innermost,
    no_techniques_message, paragraph_numbers, percentile_words, readable_on, score_facts, score_of, sweep,
    technique_category, technique_colour, technique_example, technique_label, technique_summary, text_lines,
)

DEFAULT_WIDTH = 100
BAR_WIDTH = 20
MAX_EVIDENCE = 3
QUOTE_CHARS = 60
# Control characters (other than tab and newline) could drive the terminal, e.g. ESC sequences in an article.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _visible(match: re.Match) -> str:
    code = ord(match.group())
    if code == 13:  # CR of CRLF line ends: a space keeps offsets and shows nothing
        return " "
    return chr(0x2400 + code) if code < 0x20 else ("\u2421" if code == 0x7F else "\ufffd")


def defang(value: Any) -> Any:
    """Replace control characters one-for-one in every string of a result (so offsets stay valid)."""
    if isinstance(value, str):
        return _CONTROL.sub(_visible, value)
    if isinstance(value, Mapping):
        return {defang(k): defang(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [defang(v) for v in value]
    return value


def to_text(results: list[dict] | dict, width: int | None = None) -> str:
    """Plain text (no colour codes) of the terminal view."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width or DEFAULT_WIDTH, no_color=True, color_system=None,
                      force_terminal=False, highlight=False, emoji=False, markup=False, soft_wrap=False)
    print_text(results, console)
    return buffer.getvalue()


def print_text(results: list[dict] | dict, console: Console) -> None:
    """Print every result to the console, separated by a rule."""
    results = [for_display(r) for r in as_result_list(results)]
    plain = console.no_color or console.color_system is None
    for index, result in enumerate(results):
        if index:
            console.print()
            console.print(Rule(style="dim"))
            console.print()
        for renderable in article_renderables(result, plain=plain):
            console.print(renderable, highlight=False)


def article_renderables(result: Mapping[str, Any], plain: bool = False) -> list[RenderableType]:
    result = defang(result)
    text = str(result.get("text") or "")
    spans = clean_spans(result)
    parts: list[RenderableType] = [header(result, text)]
    parts.append(overview_panel(result, spans, text))
    parts.append(Text.assemble("\n", ("Article text", "bold underline")))
    parts.extend(article_body(text, spans, plain))
    if spans:
        parts.append(Text("Highlights", style="bold underline"))
        parts.append(footnotes(spans, text, str(result.get("language") or "")))
    parts.append(Text(""))
    parts.append(summary_table(result, spans))
    warnings = [str(w) for w in result.get("warnings") or []]
    dropped = dropped_span_count(result, spans)
    if dropped:
        warnings.append(f"{dropped} span(s) with offsets outside the text were not shown")
    if warnings:
        parts.append(Text.assemble("\n", ("Warnings", "bold yellow")))
        parts.extend(Text.assemble(("! ", "bold yellow"), (w, "yellow")) for w in warnings)
    return parts


def header(result: Mapping[str, Any], text: str) -> RenderableType:
    title = str(result.get("title") or "") or "(untitled article)"
    facts = []
    for key in ("outlet", "published"):
        if result.get(key):
            facts.append(str(result[key]))
    facts.append(f"language: {result.get('language') or 'unknown'}")
    word_count = result.get("word_count")
    facts.append(f"{word_count if isinstance(word_count, int) else len(text.split())} words")
    lines = [Text(title, style="bold"), Text(" · ".join(facts), style="dim")]
    if result.get("url"):
        lines.append(Text(str(result["url"]), style="dim underline"))
    return Group(*lines)


def bar(fraction: float, colour: str | None = None) -> Text:
    filled = round(max(0.0, min(1.0, fraction)) * BAR_WIDTH)
    return Text.assemble(("█" * filled, colour or "cyan"), ("░" * (BAR_WIDTH - filled), "dim"))


def overview_panel(result: Mapping[str, Any], spans: list[RenderSpan], text: str) -> RenderableType:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(ratio=1)
    missing = Text("not available", style="dim italic")

    label, probabilities = genre_of(result)
    if label:
        top = dict(probabilities).get(label)
        line = Text.assemble((display_name(label).capitalize(), "bold"))
        if top is not None:
            line.append(f" {top:.0%} ")
            line.append_text(bar(top))
        others = [f"{display_name(g)} {p:.0%}" for g, p in probabilities if g != label]
        if others:
            line.append("  " + " · ".join(others), style="dim")
        genre_cell = [line]
        if label in GENRE_EXPLANATIONS:
            genre_cell.append(Text(GENRE_EXPLANATIONS[label], style="dim"))
        grid.add_row("Genre", Group(*genre_cell))
    else:
        grid.add_row("Genre", missing)

    frames = frames_of(result)
    if frames:
        paragraphs = paragraph_numbers(str(result.get("text") or ""))
        rows = []
        for frame, probability, lines in frames:
            row = Text.assemble((display_name(frame), "bold"))
            if probability is not None:
                row.append(f" {probability:.0%}")
            if lines:
                numbers = [str(paragraphs.get(line, f"line {line}")) for line in lines]
                row.append(f" (paragraph{'s' if len(lines) > 1 else ''} {', '.join(numbers)})", style="dim")
            if frame in FRAME_EXPLANATIONS:
                row.append(f": {FRAME_EXPLANATIONS[frame]}", style="dim")
            rows.append(row)
        grid.add_row("Frames", Group(*rows))
    else:
        grid.add_row("Frames", missing)

    value, details = score_of(result)
    if value is not None:
        score_lines = [Text.assemble((f"{value:.1f}", "bold"), " / 100 ", bar(value / 100, "red"))]
        percentile = details.get("percentile")
        if isinstance(percentile, (int, float)) and not isinstance(percentile, bool):
            score_lines[0].append(f"  {percentile_words(percentile)}", style="dim")
        if details.get("definition"):
            score_lines.append(Text(str(details["definition"]), style="dim"))
        score_lines.extend(Text(fact, style="dim") for fact in score_facts(details))
        listed = evidence_of(details, spans)
        evidence = listed[:MAX_EVIDENCE]
        if evidence:
            score_lines.append(Text(f"Top evidence ({evidence_heading(len(evidence), len(listed))}):"))
            items = Table.grid(padding=(0, 1))
            items.add_column(justify="right", no_wrap=True)
            items.add_column(ratio=1)
            for span, entry in evidence:
                technique = span.technique if span else str(entry.get("technique") or "")
                confidence = span.confidence if span else entry.get("confidence")
                number = Text(f"[{span.number}]" if span else "•",
                              style=Style(color=technique_colour(technique), bold=True))
                item = Text(f"“{shorten(evidence_text(entry, text))}”")
                item.append(f" — {technique_label(technique)}", style="dim")
                if isinstance(confidence, (int, float)) and not isinstance(confidence, bool):
                    item.append(f" ({confidence:.2f})", style="dim")
                if contribution_text(entry):
                    item.append(f", {contribution_text(entry)}", style="dim")
                items.add_row(number, item)
            score_lines.append(items)
        grid.add_row("Propaganda score", Group(*score_lines))
    else:
        grid.add_row("Propaganda score", missing)
    return Panel(grid, title="Overview", title_align="left", box=box.ROUNDED)


def shorten(snippet: str, limit: int = QUOTE_CHARS) -> str:
    snippet = " ".join(snippet.split())
    return snippet if len(snippet) <= limit else snippet[: limit - 1].rstrip() + "…"


def span_style(span: RenderSpan) -> Style:
    colour = technique_colour(span.technique)
    return Style(bgcolor=colour, color=readable_on(colour))


def article_body(text: str, spans: list[RenderSpan], plain: bool) -> list[Text]:
    """One Text per non-blank line; highlighted pieces coloured by their innermost span, markers after spans."""
    lines = [(number, sweep(start, end, spans)) for number, start, end in text_lines(text)]
    # a span's markers go where it is last (first) visible: it may end in a blank line or cross lines
    first_piece: dict[int, tuple[int, int]] = {}
    last_piece: dict[int, tuple[int, int]] = {}
    for line_index, (_, pieces) in enumerate(lines):
        for piece_index, (_, _, covering) in enumerate(pieces):
            for span in covering:
                first_piece.setdefault(span.number, (line_index, piece_index))
                last_piece[span.number] = (line_index, piece_index)

    rendered = []
    for line_index, (_, pieces) in enumerate(lines):
        line = Text(overflow="fold")
        for piece_index, (left, right, covering) in enumerate(pieces):
            here = (line_index, piece_index)
            if plain:
                for span in covering:  # outermost first, so braces nest
                    if first_piece[span.number] == here:
                        line.append("{")
            top = innermost(covering)
            line.append(text[left:right], style=span_style(top) if top and not plain else "")
            for span in reversed(covering):  # innermost closes first
                if last_piece[span.number] == here:
                    marker = f"}}[{span.number}]" if plain else f"[{span.number}]"
                    line.append(marker, style=Style(color=technique_colour(span.technique), bold=True))
        rendered.append(line)
        rendered.append(Text(""))
    if not rendered:
        rendered.append(Text("(no text)", style="dim italic"))
    return rendered


def footnotes(spans: list[RenderSpan], text: str, language: str = "") -> RenderableType:
    """"[1] Loaded language (0.83) “quote”: explanation"; a repeated default explanation points to the first.

    For an article in one of the other analysed languages, the first footnote of each technique also gives an
    example sentence of it in that language (English articles already read the English labels and explanations).
    """
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column(ratio=1)
    explained_at: dict[tuple[str, str], int] = {}
    exemplified: set[str] = set()
    for span in spans:
        note = Text.assemble((span.label, "bold"))
        if span.confidence is not None:
            note.append(f" ({span.confidence_text()})")
        note.append(f" “{shorten(text[span.start:span.end])}”", style="italic")
        key = (span.technique, span.explanation)
        default = BY_NAME[span.technique].explanation if span.technique in BY_NAME else None
        if key in explained_at and span.explanation == default:
            note.append(f": see [{explained_at[key]}]", style="dim")
        elif span.explanation:
            explained_at.setdefault(key, span.number)
            note.append(f": {span.explanation}", style="dim")
        example = technique_example(span.technique, language)
        if example and example[0] != "en" and span.technique not in exemplified:
            exemplified.add(span.technique)
            note.append(f"\nExample ({example[1]}): ", style="dim")
            note.append(example[2], style="dim italic")
        grid.add_row(Text(f"[{span.number}]", style=Style(color=technique_colour(span.technique), bold=True)), note)
    return grid


def summary_table(result: Mapping[str, Any], spans: list[RenderSpan]) -> RenderableType:
    rows = technique_summary(result, spans)
    if not rows:
        return Text(no_techniques_message(result), style="italic")
    table = Table(title="Techniques found", title_justify="left", title_style="bold underline",
                  box=box.SIMPLE_HEAD, show_edge=False)
    table.add_column("Technique")
    table.add_column("Category", style="dim")
    table.add_column("Count", justify="right")
    table.add_column("Mean confidence", justify="right")
    for technique, count, mean in rows:
        name = Text.assemble(("■ ", technique_colour(technique)), technique_label(technique))
        table.add_row(name, technique_category(technique), str(count), "" if mean is None else f"{mean:.2f}")
    return table
