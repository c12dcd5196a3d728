"""The article-level propaganda score: one documented number a reader can recompute by hand from the spans.

Definition (the same for every article, language and outlet):

  1. Each technique span gets a weight  w = confidence x severity / 3  (severity is 1-3, from
     `taxonomy.BY_NAME[technique].severity`, so w is between 0 and 1).
  2. Character share  C = (sum over body characters of the largest w of the spans covering that character)
                          / (number of body characters).  Body = the paragraphs (non-empty lines), title included.
  3. Sentence share   S = (sum over sentences of the largest w of the spans overlapping that sentence)
                          / (number of sentences).
  4. score = 100 x (C + S) / 2, rounded to one decimal.  0 = no technique found; 100 = every character and every
     sentence lies in a maximally severe technique found with full confidence.

C rewards how much of the text is persuasive wording; S how widespread it is (one long span in one sentence
weighs little in S). Where spans overlap only the strongest one counts, so overlaps are never double-counted.
Each span's contribution is its share of the score: the characters and sentences where it is the strongest
span, so the contributions of all spans add up to the score (`evidence` keeps the strongest ten,
`evidence_rest` the sum of the others). The percentile places the score among the
training-corpus articles of the same language (`models/score_reference.json`).
"""

from __future__ import annotations

import bisect
import heapq
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from .detectors.article_features import short_text_warning, typical_min_words
from .taxonomy import BY_NAME
from .types import Article, Span

MAX_SEVERITY = 3.0
CHARACTER_WEIGHT = 0.5
SENTENCE_WEIGHT = 0.5
EVIDENCE_SIZE = 10
REFERENCE_FILE = Path(__file__).parent / "models" / "score_reference.json"

DEFINITION = (
    "score = 100 x (C + S) / 2, where each technique span weighs w = confidence x severity/3 (severity 1-3); "
    "C = sum over body characters of the largest w of the spans covering them / body characters; "
    "S = sum over sentences of the largest w of the spans overlapping them / sentences. "
    "Overlapping spans count once (the strongest). 0 = no technique found."
)


def span_weight(span: Span) -> float:
    technique = BY_NAME.get(span.technique)
    if technique is None:
        return 0.0
    return max(0.0, min(1.0, float(span.confidence))) * technique.severity / MAX_SEVERITY


def _strongest_cover(intervals: list[tuple[int, int]], spans: list[tuple[int, int, float, int]]
                     ) -> tuple[list[float], list[dict[int, float]]]:
    """For each body interval: sum over its characters of the largest covering weight, and how much of that
    sum each span (by index) owns. A sweep over span boundaries: O((spans + intervals) log spans)."""
    events = sorted({s for s, _, _, _ in spans} | {e for _, e, _, _ in spans})
    starts = sorted(spans)
    heap: list[tuple[float, int, int, int]] = []  # (-weight, start, index, end): ties go to the earlier span
    pieces: list[tuple[int, int, float, int]] = []  # maximal pieces with one strongest span
    cursor = 0
    for left, right in zip(events, events[1:]):
        while cursor < len(starts) and starts[cursor][0] <= left:
            start, end, weight, index = starts[cursor]
            heapq.heappush(heap, (-weight, start, index, end))
            cursor += 1
        while heap and heap[0][3] <= left:
            heapq.heappop(heap)
        if heap and -heap[0][0] > 0:
            pieces.append((left, right, -heap[0][0], heap[0][2]))
    totals = [0.0] * len(intervals)
    owners: list[dict[int, float]] = [{} for _ in intervals]
    piece_starts = [p[0] for p in pieces]
    for k, (low, high) in enumerate(intervals):
        i = max(bisect.bisect_right(piece_starts, low) - 1, 0)
        while i < len(pieces) and pieces[i][0] < high:
            left, right, weight, index = pieces[i]
            overlap = min(right, high) - max(left, low)
            if overlap > 0:
                totals[k] += overlap * weight
                owners[k][index] = owners[k].get(index, 0.0) + overlap * weight
            i += 1
    return totals, owners


def _strongest_overlap(intervals: list[tuple[int, int]], spans: list[tuple[int, int, float, int]]
                       ) -> list[tuple[float, int]]:
    """For each sentence (in text order, not overlapping): the largest weight of the spans overlapping it and
    that span's index (-1 if none). Same tie rule as for characters: the earlier span wins."""
    starts = sorted(spans)
    heap: list[tuple[float, int, int, int]] = []
    cursor = 0
    result = []
    for low, high in intervals:
        while cursor < len(starts) and starts[cursor][0] < high:
            start, end, weight, index = starts[cursor]
            heapq.heappush(heap, (-weight, start, index, end))
            cursor += 1
        while heap and heap[0][3] <= low:  # ended before this sentence, so before every later one too
            heapq.heappop(heap)
        result.append((-heap[0][0], heap[0][2]) if heap else (0.0, -1))
    return result


def _body(article: Article) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(paragraph intervals, sentence intervals); falls back to segmenting the text when the article is not."""
    from .segment import paragraphs as split_paragraphs
    from .segment import sentences_in

    paragraph_intervals = [(p.start, p.end) for p in article.paragraphs]
    if not paragraph_intervals:
        paragraph_intervals = [(p.start, p.end) for p in split_paragraphs(article.text)]
    sentence_intervals = [(s.start, s.end) for s in article.sentences]
    if not sentence_intervals:
        sentence_intervals = [pair for start, end in paragraph_intervals
                              for pair in sentences_in(article.text, start, end)]
    return paragraph_intervals, sentence_intervals


def compute_score(article: Article) -> dict[str, Any]:
    """The score dict for `article` (see the module docstring); does not modify the article."""
    paragraph_intervals, sentence_intervals = _body(article)
    body_chars = sum(end - start for start, end in paragraph_intervals)
    weighted = [(s.start, s.end, span_weight(s), i) for i, s in enumerate(article.spans) if s.end > s.start]
    weighted = [w for w in weighted if w[2] > 0]
    record: dict[str, Any] = {"value": 0.0, "definition": DEFINITION, "evidence": [],
                              "evidence_rest": {"spans": 0, "contribution": 0.0},
                              "components": {"character_share": 0.0, "sentence_share": 0.0,
                                             "body_characters": body_chars, "sentences": len(sentence_intervals),
                                             "spans": len(article.spans)}}
    if not weighted or body_chars == 0:
        detector_ran = bool(article.spans) or "techniques" in article.models
        if not body_chars:
            record["note"] = "the article has no text, so the score is 0"
        elif not detector_ran:  # "not scored", not "scores 0": a 0 would read as a clean article
            record["value"] = None
            record["note"] = ("the technique detector did not run on this article (see the warnings), so it has "
                              "no score")
        else:
            record["note"] = "no technique spans were found, so the score is 0"
        record["percentile"] = percentile(0.0, article.language) if body_chars and detector_ran else None
        return record

    char_totals, char_owners = _strongest_cover(paragraph_intervals, weighted)
    sentence_best = _strongest_overlap(sentence_intervals, weighted)
    character_share = sum(char_totals) / body_chars
    sentence_share = (sum(w for w, _ in sentence_best) / len(sentence_intervals)) if sentence_intervals else 0.0
    value = 100.0 * (CHARACTER_WEIGHT * character_share + SENTENCE_WEIGHT * sentence_share)

    contribution: dict[int, float] = {}
    for owners in char_owners:
        for index, amount in owners.items():
            contribution[index] = contribution.get(index, 0.0) + 100.0 * CHARACTER_WEIGHT * amount / body_chars
    for weight, index in sentence_best:
        if index >= 0:
            contribution[index] = (contribution.get(index, 0.0)
                                   + 100.0 * SENTENCE_WEIGHT * weight / len(sentence_intervals))
    top = sorted(contribution.items(), key=lambda kv: (-kv[1], article.spans[kv[0]].start))[:EVIDENCE_SIZE]
    evidence = []
    for index, amount in top:
        span = article.spans[index]
        entry = span.to_dict()
        entry["weight"] = round(span_weight(span), 4)
        entry["contribution"] = round(amount, 2)
        evidence.append(entry)

    shown = {index for index, _ in top}
    record.update({
        "value": round(min(100.0, value), 1),
        "evidence": evidence,
        # what the spans left out of `evidence` add, so that evidence + rest is the score (to rounding)
        "evidence_rest": {"spans": len(contribution) - len(shown),
                          "contribution": round(sum(v for i, v in contribution.items() if i not in shown), 2)},
        "percentile": percentile(value, article.language),
    })
    record["components"].update({"character_share": round(character_share, 4),
                                 "sentence_share": round(sentence_share, 4),
                                 "spans_counted": len(weighted)})
    return record


def score_article(article: Article) -> Article:
    """Set `article.score` (see `compute_score`), with a warning when the text is far shorter than the articles
    its percentile compares it with."""
    article.score = compute_score(article)
    if article.score.get("value") is not None and article.text.strip():
        minimum = load_reference().get("min_words", {})
        short_text_warning(article, "propaganda score", minimum.get(article.language) or minimum.get("all"))
    return article


# --------------------------------------------------------------------------------------------------------------
# reference distribution
# --------------------------------------------------------------------------------------------------------------
@lru_cache(maxsize=4)
def load_reference(path: str | None = None) -> dict[str, Any]:
    target = Path(path) if path else REFERENCE_FILE
    try:
        return json.loads(target.read_text())
    except (OSError, ValueError):
        return {}


def percentile(value: float, language: str = "", reference: dict[str, Any] | None = None) -> float | None:
    """Share (0-100) of reference articles scoring below `value` (ties count half); per language when the
    reference has that language, otherwise against all languages; None without a reference."""
    reference = reference if reference is not None else load_reference()
    scores_by_language = reference.get("scores", {})
    scores = scores_by_language.get(language) or scores_by_language.get("all")
    if not scores:
        return None
    below = bisect.bisect_left(scores, value)
    equal = bisect.bisect_right(scores, value) - below
    return round(100.0 * (below + 0.5 * equal) / len(scores), 1)


def build_reference(articles_by_language: dict[str, list[Article]], source: str) -> dict[str, Any]:
    """Score distribution of already-annotated articles (spans set), per language and pooled, for `percentile`."""
    scores: dict[str, list[float]] = {}
    for language, articles in articles_by_language.items():
        values = (compute_score(a)["value"] for a in articles)
        scores[language] = sorted(round(v, 2) for v in values if v is not None)  # unscored articles: left out
    scores["all"] = sorted(v for values in scores.values() for v in values)
    every = [a for articles in articles_by_language.values() for a in articles]
    min_words = {language: round(typical_min_words(articles), 1)
                 for language, articles in {**articles_by_language, "all": every}.items() if articles}
    return {"definition": DEFINITION, "source": source, "articles": {k: len(v) for k, v in scores.items()},
            "scores": scores, "min_words": min_words}
