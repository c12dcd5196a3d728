"""Request and response models of the HTTP API (they document the OpenAPI schema and validate JSON input)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..settings import normalise_language

MAX_COMPARE_ARTICLES = 10


class ErrorOut(BaseModel):
    error: str = Field(description="One line saying what was wrong and, where possible, how to fix it.")


class ArticleInput(BaseModel):
    """One article to analyse: its text, or the http(s) URL of a page to fetch (not both)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"text": "Title line\n\nThe council's outrageous decision shocked residents.",
                      "outlet": "Example Daily"}]})
    text: Optional[str] = Field(None, description="The article text; the first line is taken as its title.")
    url: Optional[str] = Field(None, description="An http(s) URL to fetch (private and loopback addresses are "
                                                 "refused unless the server allows them).")
    title: Optional[str] = Field(None, max_length=1000)
    outlet: Optional[str] = Field(None, max_length=200)
    published: Optional[str] = Field(None, max_length=64, description="Publication date, ISO 8601 (YYYY-MM-DD).")
    language: Optional[str] = Field(None, max_length=16, description="The article's language (ISO 639-1, e.g. "
                                    "\"de\"), instead of detecting it; needed for texts too short to detect.")

    @field_validator("language")
    @classmethod
    def _a_language_code(cls, value: Optional[str]) -> Optional[str]:
        return normalise_language(value)  # its ValueError names the problem

    @field_validator("published")
    @classmethod
    def _a_real_date(cls, value: Optional[str]) -> Optional[str]:
        # the library files an article under this day; a date that does not exist would silently become the
        # day it was stored
        if value is None or not value.strip():
            return None
        value = value.strip()
        try:  # a day (2026-11-02) or a moment of it (2026-11-02T09:30:00Z); not the compact 20261102
            if value[4:5] != "-":
                raise ValueError
            if len(value) > 10:
                datetime.fromisoformat(value.replace("Z", "+00:00"))
            else:
                date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"must be an ISO 8601 date such as 2026-11-02, not {value[:40]!r}") from None
        return value

    @model_validator(mode="after")
    def _one_source(self):
        if self.text is not None and self.url is not None:
            raise ValueError("give either 'text' or 'url', not both")
        if self.text is None and self.url is None:
            raise ValueError("give 'text' (the article) or 'url' (a page to fetch)")
        return self


class AnalyzeRequest(ArticleInput):
    store: bool = Field(True, description="Keep the result in the library (false: analyse only).")


class CompareRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    articles: list[ArticleInput] = Field(..., min_length=2, max_length=MAX_COMPARE_ARTICLES,
                                         description="Two or more articles on the same story, one per outlet.")
    store: bool = Field(False, description="Also keep each article's analysis in the library.")


class SpanOut(BaseModel):
    start: int = Field(description="Half-open character offset into `text`.")
    end: int
    text: str
    technique: str = Field(description="SemEval-2023 technique name, e.g. Loaded_Language.")
    confidence: float
    explanation: str


class ParagraphOut(BaseModel):
    line: int = Field(description="1-based line number of the paragraph in `text`.")
    start: int
    end: int
    techniques: list[str]
    scores: dict[str, float]


class GenreOut(BaseModel):
    label: str
    probabilities: dict[str, float]


class FrameOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    frame: str
    probability: float
    paragraphs: list[int] = Field(default_factory=list)


class SummaryOut(BaseModel):
    technique_counts: dict[str, int]
    propaganda_score: Optional[float] = Field(None, description="0-100 (null: the technique detector did not run); "
                                                                "see `score` for definition and evidence.")
    score: dict[str, Any]
    hidden_spans: int = Field(0, description="Spans left out below the confidence cut-off (counted in the score).")


class AnalysisOut(BaseModel):
    """The canonical analysis result (`Article.to_dict()`), identical to `spinscope analyze --format json`."""

    model_config = ConfigDict(extra="allow")
    schema_version: int
    spinscope_version: str
    id: str
    title: str
    outlet: str
    url: str
    published: str
    language: str
    source: str
    text: str
    word_count: int
    spans: list[SpanOut]
    paragraphs: list[ParagraphOut]
    genre: Optional[GenreOut]
    frames: list[FrameOut]
    summary: SummaryOut
    models: dict[str, str]
    warnings: list[str]


class ArticleSummaryOut(BaseModel):
    id: str
    title: str
    outlet: str
    url: str
    published: str
    date: str = Field(description="Publication day, or the day it was first stored when unknown.")
    language: str
    genre: Optional[str]
    score: Optional[float]
    word_count: int
    snippet: str
    technique_counts: dict[str, int]
    created_at: Optional[str]
    updated_at: Optional[str]


class ArticleListOut(BaseModel):
    items: list[ArticleSummaryOut]
    total: int
    page: int
    per_page: int


class GroupStatsOut(BaseModel):
    articles: int
    mean_score: Optional[float]
    techniques: dict[str, int] = Field(description="Technique -> number of highlighted spans.")


class OutletStatsOut(GroupStatsOut):
    outlet: str


class MonthStatsOut(GroupStatsOut):
    month: str = Field(description="YYYY-MM: the month of the articles' publication date")


class StatsOut(BaseModel):
    total_articles: int
    total_spans: int
    techniques: dict[str, int]
    outlets: list[OutletStatsOut]
    months: list[MonthStatsOut] = Field(description="Articles with a publication date, per month of publication.")
    undated: GroupStatsOut = Field(description=(
        "Articles without a publication date a day can be read from (none, or one in words): in no month, but "
        "counted in the totals and per outlet. The months' articles plus these make total_articles."))


class HealthOut(BaseModel):
    status: str
    version: str
    database: str
    models: dict[str, str] = Field(description="Loaded component -> model version.")
    missing_models: list[str]


class CompareOut(BaseModel):
    """The comparison dict produced by `spinscope.compare.compare`."""

    model_config = ConfigDict(extra="allow")
