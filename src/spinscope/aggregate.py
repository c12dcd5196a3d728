"""Article-level propaganda score (interim definition; see README for the documented score)."""

from __future__ import annotations

from .taxonomy import BY_NAME
from .types import Article


def score_article(article: Article) -> Article:
    """Share of the article's characters covered by technique spans, weighted by confidence and severity, 0-100."""
    covered = [0.0] * len(article.text)
    for span in article.spans:
        weight = span.confidence * BY_NAME[span.technique].severity / 3.0 if span.technique in BY_NAME else 0.0
        for i in range(span.start, span.end):
            covered[i] = max(covered[i], weight)
    body = sum(p.end - p.start for p in article.paragraphs) or 1
    article.score = {"value": round(min(100.0, 100.0 * sum(covered) / body), 1)}
    return article
