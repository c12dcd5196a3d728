"""The data that flows through the pipeline.

One `Article` is created by ingest, segmented, then annotated in place by each detector (like spaCy's `Doc`).
`Article.to_dict()` is the single canonical result form; every renderer (JSON, text, HTML, web) reads that dict.
All offsets are half-open character offsets into `Article.text`: `text[start:end]` is the span.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = 1


@dataclass
class Span:
    """A highlighted piece of text showing one persuasion technique."""

    start: int
    end: int
    technique: str
    confidence: float = 1.0
    text: str = ""
    explanation: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "technique": self.technique,
            "confidence": round(float(self.confidence), 4),
            "explanation": self.explanation,
        }


@dataclass
class Paragraph:
    """A non-empty line of the text (the SemEval-2023 notion of paragraph)."""

    index: int
    line: int  # 1-based line number of this paragraph in `Article.text`
    start: int
    end: int
    techniques: list[str] = field(default_factory=list)
    # technique -> calibrated probability that the paragraph contains it
    technique_scores: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "start": self.start,
            "end": self.end,
            "techniques": list(self.techniques),
            "scores": {k: round(float(v), 4) for k, v in sorted(self.technique_scores.items())},
        }


@dataclass
class Sentence:
    start: int
    end: int
    paragraph: int  # index into Article.paragraphs


@dataclass
class Article:
    """One article and everything the pipeline found in it."""

    text: str
    id: str = ""
    title: str = ""
    outlet: str = ""
    url: str = ""
    published: str = ""
    language: str = ""
    source: str = ""  # where it came from: a path, a URL, "stdin", "jsonl:<path>:<line>"
    paragraphs: list[Paragraph] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    genre: dict[str, Any] | None = None  # {"label": str, "probabilities": {genre: p}}
    frames: list[dict[str, Any]] = field(default_factory=list)  # [{"frame", "probability", "paragraphs"}]
    score: dict[str, Any] = field(default_factory=dict)  # propaganda score with its evidence
    models: dict[str, str] = field(default_factory=dict)  # component name -> model version
    warnings: list[str] = field(default_factory=list)
    hidden_spans: int = 0  # spans left out below Settings.min_confidence (counted in the score all the same)
    # (language, warnings) as the article came in, before its first analysis: a re-analysis starts from them
    input_state: tuple[str, tuple[str, ...]] | None = field(default=None, repr=False, compare=False)
    # gold labels when the article comes from a labelled corpus (training/evaluation only, never rendered)
    gold: dict[str, Any] = field(default_factory=dict)

    def span_text(self, start: int, end: int) -> str:
        return self.text[start:end]

    def add_span(self, start: int, end: int, technique: str, confidence: float, explanation: str = "") -> Span:
        if not (0 <= start < end <= len(self.text)):
            raise ValueError(f"span [{start}, {end}) outside text of length {len(self.text)}")
        span = Span(start, end, technique, confidence, self.text[start:end], explanation)
        self.spans.append(span)
        return span

    def paragraph_at(self, offset: int) -> Paragraph | None:
        for paragraph in self.paragraphs:
            if paragraph.start <= offset < paragraph.end:
                return paragraph
        return None

    def technique_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for span in self.spans:
            counts[span.technique] = counts.get(span.technique, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def to_dict(self) -> dict[str, Any]:
        from . import __version__

        spans = sorted(self.spans, key=lambda s: (s.start, s.end, s.technique))
        return {
            "schema_version": SCHEMA_VERSION,
            "spinscope_version": __version__,
            "id": self.id,
            "title": self.title,
            "outlet": self.outlet,
            "url": self.url,
            "published": self.published,
            "language": self.language,
            "source": self.source,
            "text": self.text,
            "word_count": len(self.text.split()),
            "spans": [s.to_dict() for s in spans],
            "paragraphs": [p.to_dict() for p in self.paragraphs],
            "genre": self.genre,
            "frames": self.frames,
            "summary": {
                "technique_counts": self.technique_counts(),
                "propaganda_score": self.score.get("value"),
                "score": self.score,
                "hidden_spans": self.hidden_spans,
            },
            "models": dict(self.models),
            "warnings": list(self.warnings),
        }
