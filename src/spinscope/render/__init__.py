"""Renderers: turn canonical result dicts (`Article.to_dict()`) into JSON, JSON Lines, terminal text or HTML.

Every renderer reads only those dicts, never `Article` objects, so the CLI and the web app show the same thing.
This module also holds the small helpers the renderers share (span cleaning, technique look-ups, the boundary
sweep that splits text into pieces covered by the same set of spans).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from ..errors import InputError
from ..segment import line_bounds
from ..taxonomy import BY_NAME, CATEGORIES, TECHNIQUE_NAMES
from ..taxonomy_i18n import LANGUAGE_NAMES, example_for, language_code

FORMATS = ("text", "json", "jsonl", "html")
UNKNOWN_COLOUR = "#9e9e9e"
_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")

# Public renderers are imported lazily so that `render(..., "json")` does not import Rich, and so the submodules
# can import the helpers below from this package without a circular import.
_LAZY = {
    "to_json": "jsonout", "to_jsonl": "jsonout",
    "to_text": "text", "print_text": "text",
    "to_html": "html",
}


def __getattr__(name: str):
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def render(results: list[dict] | dict, fmt: str) -> str:
    """Render results in one of `FORMATS`; several results give one document (array, lines, report). JSON: a
    result dict gives an object, a list an array."""
    fmt = (fmt or "").strip().lower()
    if fmt == "json":
        from .jsonout import to_json

        return to_json(results)
    results = as_result_list(results)
    if fmt == "jsonl":
        from .jsonout import to_jsonl

        return to_jsonl(results)
    if fmt == "text":
        from .text import to_text

        return to_text(results)
    if fmt == "html":
        from .html import to_html

        return to_html(results)
    raise InputError(f"unknown output format {fmt!r}: choose one of {', '.join(FORMATS)}")


def as_result_list(results: list[dict] | dict) -> list[dict]:
    """Accept one result dict or a list of them."""
    if isinstance(results, Mapping):
        return [dict(results)]
    results = list(results)
    for item in results:
        if not isinstance(item, Mapping):
            raise InputError(f"cannot render a {type(item).__name__}: expected result dicts (Article.to_dict())")
    return results


_TEXT_FIELDS = ("id", "title", "outlet", "url", "published", "language", "source", "text")
_CONTAINER_FIELDS = {"spans": list, "paragraphs": list, "frames": list, "warnings": list, "models": Mapping,
                     "summary": Mapping, "genre": Mapping}
_SUMMARY_FIELDS = {"technique_counts": Mapping, "score": Mapping}


def for_display(result: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a result whose top-level fields have the types the viewers expect.

    Results from our pipeline always do; a hand-edited or foreign JSON file may not. A field of the wrong type is
    left out (and said so in the warnings) instead of failing the whole report. Nested values are checked where
    they are read.
    """
    clean: dict[str, Any] = dict(result)
    problems = []

    def kind(value: Any) -> str:
        return type(value).__name__

    for name in _TEXT_FIELDS:
        value = clean.get(name)
        if value is not None and not isinstance(value, str):
            problems.append(f"field {name!r} should be text, not {kind(value)}; it was ignored")
            clean[name] = ""
    for name, expected in _CONTAINER_FIELDS.items():
        value = clean.get(name)
        if value is not None and not isinstance(value, expected):
            problems.append(f"field {name!r} has the wrong type ({kind(value)}); it was ignored")
            clean[name] = None
    summary = dict(clean.get("summary") or {})
    for name, expected in _SUMMARY_FIELDS.items():
        if summary.get(name) is not None and not isinstance(summary[name], expected):
            problems.append(f"field 'summary.{name}' has the wrong type ({kind(summary[name])}); it was ignored")
            summary[name] = None
    clean["summary"] = summary
    if not isinstance(clean.get("word_count"), int) or isinstance(clean.get("word_count"), bool):
        clean["word_count"] = len((clean.get("text") or "").split())
    clean["warnings"] = [str(w) for w in clean.get("warnings") or []] + problems
    return clean


# ---------------------------------------------------------------- technique look-ups


def technique_label(name: str) -> str:
    entry = BY_NAME.get(name)
    return entry.label if entry else str(name).replace("_", " ")


def technique_colour(name: str) -> str:
    entry = BY_NAME.get(name)
    return entry.colour if entry and _HEX_COLOUR.fullmatch(entry.colour) else UNKNOWN_COLOUR


def technique_category(name: str) -> str:
    entry = BY_NAME.get(name)
    return CATEGORIES.get(entry.category, entry.category) if entry else "Other"


def technique_order(name: str) -> tuple[int, str]:
    """Sort key: the official order first, unknown names after it alphabetically."""
    try:
        return (TECHNIQUE_NAMES.index(name), "")
    except ValueError:
        return (len(TECHNIQUE_NAMES), str(name))


def technique_example(technique: str, language: Any) -> tuple[str, str, str] | None:
    """(language code, English language name, example sentence) of a technique in the article's language.

    None when there is no example for that language (only English and the five other analysed languages have one).
    """
    sentence = example_for(technique, language if isinstance(language, str) else None)
    if not sentence:
        return None
    code = language_code(language)
    return code, LANGUAGE_NAMES[code], sentence


def readable_on(colour: str) -> str:
    """Black or white, whichever reads better on the given background colour."""
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    return "#000000" if luminance > 0.2 else "#ffffff"


# ---------------------------------------------------------------- spans


@dataclass(frozen=True)
class RenderSpan:
    """A span checked against the text and numbered 1..n in reading order (the footnote number)."""

    number: int
    start: int
    end: int
    technique: str
    confidence: float | None
    explanation: str

    @property
    def label(self) -> str:
        return technique_label(self.technique)

    def confidence_text(self) -> str:
        return "" if self.confidence is None else f"{self.confidence:.2f}"


def as_list(value: Any) -> list:
    """The value if it is a list, else an empty list (a malformed nested field shows as missing)."""
    return value if isinstance(value, list) else []


def finite_number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def clean_spans(result: Mapping[str, Any]) -> list[RenderSpan]:
    """The result's spans that lie inside its text, in reading order, numbered from 1.

    Spans with missing or out-of-range offsets are skipped rather than rendered wrongly.
    """
    text = result.get("text") or ""
    usable = []
    for raw in result.get("spans") or []:
        if not isinstance(raw, Mapping):
            continue
        start, end = raw.get("start"), raw.get("end")
        if isinstance(start, bool) or isinstance(end, bool) or not isinstance(start, int) or not isinstance(end, int):
            continue
        if not 0 <= start < end <= len(text):
            continue
        technique = str(raw.get("technique") or "unknown")
        explanation = str(raw.get("explanation") or "") or (BY_NAME[technique].explanation
                                                             if technique in BY_NAME else "")
        usable.append((start, end, technique, finite_number(raw.get("confidence")), explanation))
    usable.sort(key=lambda s: (s[0], -s[1], technique_order(s[2])))
    return [RenderSpan(i, *fields) for i, fields in enumerate(usable, 1)]


def dropped_span_count(result: Mapping[str, Any], spans: list[RenderSpan]) -> int:
    return len(result.get("spans") or []) - len(spans)


def sweep(start: int, end: int, spans: Iterable[RenderSpan]) -> list[tuple[int, int, tuple[RenderSpan, ...]]]:
    """Split [start, end) at every span boundary; each piece lists the spans covering all of it, outermost first.

    Outermost first means: earlier start, then longer, then reading number, which keeps nesting stable so that
    an enclosing span stays open while inner ones open and close.
    """
    inside = [s for s in spans if s.start < end and s.end > start]
    cuts = {start, end}
    for span in inside:
        cuts.update(c for c in (span.start, span.end) if start < c < end)
    points = sorted(cuts)
    pieces = []
    for left, right in zip(points, points[1:]):
        covering = tuple(sorted((s for s in inside if s.start <= left and s.end >= right),
                                key=lambda s: (s.start, -s.end, s.number)))
        pieces.append((left, right, covering))
    return pieces


def innermost(covering: tuple[RenderSpan, ...]) -> RenderSpan | None:
    """The span that decides a piece's colour: the shortest, then the most confident."""
    if not covering:
        return None
    return min(covering, key=lambda s: (s.end - s.start, -(s.confidence or 0.0), s.number))


def text_lines(text: str) -> list[tuple[int, int, int]]:
    """(1-based line number, start, end) of every line holding non-space characters, line break excluded.

    Lines keep their leading/trailing spaces so that the rendered text re-concatenates to the original exactly.
    """
    return [(number, start, end) for number, (start, end) in enumerate(line_bounds(text), 1)
            if text[start:end].strip()]


def paragraph_numbers(text: str) -> dict[int, int]:
    """Line number -> paragraph number (1-based, counting only lines with text) as a reader counts paragraphs: the
    results name paragraphs by their line, which counts blank lines too ("line 15" is the 8th paragraph)."""
    return {line: number for number, (line, _, _) in enumerate(text_lines(text), 1)}


# ---------------------------------------------------------------- article-level fields


def score_of(result: Mapping[str, Any]) -> tuple[float | None, dict[str, Any]]:
    """The propaganda score value (or None) and its details dict (definition, evidence, percentile, ...)."""
    summary = result.get("summary") if isinstance(result.get("summary"), Mapping) else {}
    details = summary.get("score") if isinstance(summary.get("score"), Mapping) else {}
    value = finite_number(summary.get("propaganda_score"))
    if value is None:
        value = finite_number(details.get("value"))
    return value, dict(details)


def evidence_of(details: Mapping[str, Any], spans: list[RenderSpan]) -> list[tuple[RenderSpan | None, dict]]:
    """Evidence entries of the score, each matched to the rendered span it points at (None if not found)."""
    entries = details.get("evidence") or []
    if not isinstance(entries, list):
        return []
    by_key = {(s.start, s.end, s.technique): s for s in spans}
    matched = []
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        span = by_key.get((entry.get("start"), entry.get("end"), entry.get("technique")))
        if span is None and isinstance(entry.get("start"), int) and isinstance(entry.get("end"), int):
            span = next((s for s in spans if s.start == entry["start"] and s.end == entry["end"]), None)
        matched.append((span, dict(entry)))
    return matched


def percentile_words(percentile: float) -> str:
    """How the score stands against the reference corpus. The percentile is a mid-rank (ties count half), so
    "higher than N%" would overstate a score of 0 that many reference articles share."""
    return f"percentile {percentile:.0f} of the reference articles (0 lowest, 100 highest)"


def score_facts(details: Mapping[str, Any]) -> list[str]:
    """Short lines about how the score came about: its note and its components, when the scorer gives them."""
    facts = [str(details["note"])] if details.get("note") else []
    components = details.get("components") if isinstance(details.get("components"), Mapping) else {}
    character = finite_number(components.get("character_share"))
    sentence = finite_number(components.get("sentence_share"))
    if character is not None and sentence is not None:
        facts.append(f"C (character share) = {character:.3f}, S (sentence share) = {sentence:.3f}")
    rest = details.get("evidence_rest") if isinstance(details.get("evidence_rest"), Mapping) else {}
    rest_points = finite_number(rest.get("contribution"))
    listed = [finite_number(e.get("contribution")) for e in details.get("evidence") or [] if isinstance(e, Mapping)]
    adding = rest.get("spans") if isinstance(rest.get("spans"), int) else 0  # the other spans that add something
    total = components.get("spans")
    # every other span: where stronger spans cover a span's text (or it has no weight) it adds nothing
    others = total - len(listed) if isinstance(total, int) and total - len(listed) >= adding else adding
    if others > 0 and rest_points is not None and None not in listed:
        nothing = others - adding
        other_spans = "the other span adds" if others == 1 else f"the other {others} spans add"
        if not adding:
            rest_words = f"nothing: {'its' if others == 1 else 'their'} text is already counted"
        elif nothing:
            rest_words = (f"{rest_points:.1f} ({nothing} of them add{'s' if nothing == 1 else ''} nothing: "
                          f"{'its' if nothing == 1 else 'their'} text is already counted)")
        else:
            rest_words = f"{rest_points:.1f}"
        facts.append(f"the {len(listed)} strongest spans add {sum(listed):.1f} points, {other_spans} {rest_words}")
    return facts


def evidence_heading(shown: int, listed: int) -> str:
    """Which spans a report's evidence list shows: the score facts speak of all `listed` evidence spans ("the 10
    strongest spans add ..."), a report may show fewer."""
    if shown >= listed:
        return f"the {shown} strongest span{'' if shown == 1 else 's'}"
    return f"the {shown} strongest of those {listed} spans"


def contribution_text(entry: Mapping[str, Any]) -> str:
    points = finite_number(entry.get("contribution"))
    return "" if points is None else f"+{points:.1f} point{'' if points == 1 else 's'}"


def evidence_text(entry: Mapping[str, Any], text: str) -> str:
    start, end = entry.get("start"), entry.get("end")
    if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
        return text[start:end]
    return str(entry.get("text") or "")


def genre_of(result: Mapping[str, Any]) -> tuple[str | None, list[tuple[str, float]]]:
    """Genre label and (genre, probability) pairs, most probable first."""
    genre = result.get("genre")
    if not isinstance(genre, Mapping):
        return None, []
    probabilities = genre.get("probabilities") if isinstance(genre.get("probabilities"), Mapping) else {}
    pairs = [(str(k), p) for k, v in probabilities.items() if (p := finite_number(v)) is not None]
    pairs.sort(key=lambda kv: -kv[1])
    label = genre.get("label")
    return (str(label) if label else (pairs[0][0] if pairs else None)), pairs


def frames_of(result: Mapping[str, Any]) -> list[tuple[str, float | None, list[int]]]:
    """(frame, probability, paragraph line numbers) for each frame, most probable first."""
    frames = []
    for frame in result.get("frames") or []:
        if not isinstance(frame, Mapping) or not frame.get("frame"):
            continue
        lines = [n for n in as_list(frame.get("paragraphs")) if isinstance(n, int) and not isinstance(n, bool)]
        frames.append((str(frame["frame"]), finite_number(frame.get("probability")), lines))
    frames.sort(key=lambda f: -(f[1] or 0.0))
    return frames


def no_techniques_message(result: Mapping[str, Any]) -> str:
    """What to say when the summary has no technique rows: none found, none analysed, or all hidden."""
    summary = result.get("summary") if isinstance(result.get("summary"), Mapping) else {}
    hidden = summary.get("hidden_spans")
    if isinstance(hidden, int) and hidden > 0:
        return f"No spans are shown: all {hidden} are below the confidence cut-off (see the warnings)."
    models = result.get("models")
    if isinstance(models, Mapping) and "techniques" not in models:  # a result without models says nothing
        return "Techniques were not analysed (see the warnings)."
    return "No persuasion techniques were found."


def technique_summary(result: Mapping[str, Any], spans: list[RenderSpan]) -> list[tuple[str, int, float | None]]:
    """(technique, count, mean confidence) from the summary counts, or from the spans when counts are missing."""
    summary = result.get("summary") if isinstance(result.get("summary"), Mapping) else {}
    counts = summary.get("technique_counts")
    if not isinstance(counts, Mapping) or not counts:
        counts = {}
        for span in spans:
            counts[span.technique] = counts.get(span.technique, 0) + 1
    rows = []
    for technique, count in counts.items():
        confidences = [s.confidence for s in spans if s.technique == technique and s.confidence is not None]
        mean = sum(confidences) / len(confidences) if confidences else None
        rows.append((str(technique), int(count) if finite_number(count) is not None else 0, mean))
    rows.sort(key=lambda r: (-r[1], technique_order(r[0])))
    return rows


# the official frame names join a list with underscores too: written out, the list needs its comma
_DISPLAY_NAMES = {"Legality_Constitutionality_and_jurisprudence": "Legality, constitutionality and jurisprudence"}


def display_name(name: str) -> str:
    """Frame/genre identifiers as words: 'Crime_and_punishment' -> 'Crime and punishment'."""
    return _DISPLAY_NAMES.get(str(name), str(name).replace("_", " "))


__all__ = ["FORMATS", "render", "to_json", "to_jsonl", "to_text", "print_text", "to_html"]
