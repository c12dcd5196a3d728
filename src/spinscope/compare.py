"""Compare outlets' coverage: group articles into stories, then set each story's articles side by side.

`compare(sources, settings)` takes paths, directories, .jsonl files, URLs, raw texts, `Article`s or canonical
result dicts (`Article.to_dict()`), and returns one JSON-ready dict:

    {"schema_version": 1, "kind": "compare", "spinscope_version": str,
     "stories": [{"id": "story-1", "label": [names the story's articles share], "size": int,
                  "cohesion": mean similarity of the story's article pairs (null for one article),
                  "articles": [{"id", "title", "outlet", "url", "published", "source"}],
                  "similarities": [{"a": id, "b": id, "similarity": float}],
                  "shared_claims": [{"text", "articles": [ids], "carried_by_all": bool, "similarity",
                                     "claims": [{"article", "start", "end", "text"}]}],
                  "unique_claims": [{"article", "start", "end", "text"}],   (at most `max_unique_claims` each)
                  "unique_claim_counts": {article id: int},
                  "contradictions": [{"detection": "heuristic", "reason", "similarity", "claims": [2 claims]}],
                  "sources": [{"name", "kind", "articles": [ids], "mentions": int}],
                  "profiles": [{"article", "outlet", "genre", "genre_probabilities", "frames",
                                "propaganda_score", "word_count", "span_count", "density_per_1000_words",
                                "technique_counts", "technique_density", "top_spans", "sources", "quote_count",
                                "warnings"}]}],
     "articles": [canonical dict + {"story": id, "sources": [...], "quotes": [...], "claims": [...]}],
     "failures": [{"source", "reason"}],
     "settings": {...}, "notes": [str], "warnings": [str]}

Claim offsets and source/quote spans are offsets into that article's "text".

Outlet names: `Article.outlet` when set (ingest sets it from HTML metadata, the URL or the JSONL record); else the
host name of the article URL (without "www."); else a copyright line at the end of the text ("© 2019 Name");
else the input file's name; else "article N".
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping
from urllib.parse import urlsplit

from . import __version__
from .attribution import Attribution, attribute
from .claims import (DEFAULT_CLAIM_THRESHOLD, MUTUAL_BEST_FLOOR, Claim, ClaimEncoder, LexicalClaimEncoder,
                     extract_claims, match_claims)
from .cluster import (BLOCK_WEIGHTS, DEFAULT_STORY_THRESHOLD, DEFAULT_WINDOW_DAYS, Entity, StoryInput,
                      cluster_stories, named_entities)
from .errors import InputError, ModelError, SpinscopeError
from .settings import Settings, checked_settings
from .types import Article, Paragraph, Span

MAX_UNIQUE_CLAIMS = 10
TOP_SPANS = 5
SCHEMA_VERSION = 1
# what the contradiction heuristic looks for, in the notes and the reports
CONTRADICTION_RULE = ("claims with the same names, or matched as one claim, that give different numbers for the same "
                      "thing, or where one negates what the other states; or different numbers in the same words")


# ---------------------------------------------------------------- inputs


def article_from_dict(result: Mapping[str, Any]) -> Article:
    """Rebuild an analysed `Article` from its canonical dict (so it is compared without re-analysing)."""
    text = result.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError("result dict has no \"text\": give canonical dicts from Article.to_dict()")

    def field(key: str) -> str:
        value = result.get(key)
        return "" if value is None else str(value)

    article = Article(text=text, id=field("id"), title=field("title"), outlet=field("outlet"), url=field("url"),
                      published=field("published"), language=field("language"), source=field("source"))
    for raw in result.get("spans") or []:
        if not isinstance(raw, Mapping):
            continue
        start, end = raw.get("start"), raw.get("end")
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
            confidence = raw.get("confidence")
            article.spans.append(Span(start, end, str(raw.get("technique") or ""),
                                      float(confidence) if isinstance(confidence, (int, float)) else 1.0,
                                      text[start:end], str(raw.get("explanation") or "")))
    for index, raw in enumerate(result.get("paragraphs") or []):
        if isinstance(raw, Mapping) and all(isinstance(raw.get(k), int) for k in ("line", "start", "end")):
            article.paragraphs.append(Paragraph(index, raw["line"], raw["start"], raw["end"],
                                                list(raw.get("techniques") or []), dict(raw.get("scores") or {})))
    article.genre = result.get("genre") if isinstance(result.get("genre"), Mapping) else None
    article.frames = [dict(f) for f in result.get("frames") or [] if isinstance(f, Mapping)]
    summary = result.get("summary") if isinstance(result.get("summary"), Mapping) else {}
    score = summary.get("score") if isinstance(summary.get("score"), Mapping) else {}
    article.score = dict(score) or ({"value": summary["propaganda_score"]}
                                    if summary.get("propaganda_score") is not None else {})
    article.models = {str(k): str(v) for k, v in (result.get("models") or {}).items()}
    article.warnings = [str(w) for w in result.get("warnings") or []]
    return article


def _is_analysed(article: Article) -> bool:
    return bool(article.models or article.spans or article.genre or article.frames or article.score)


def _looks_like_location(item: str) -> bool:
    """A path, directory, URL or "-" (handed to ingest.iter_articles) rather than an article's text."""
    if item == "-" or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://\S*$", item.strip()):
        return True
    if "\n" in item or len(item) > 4096:
        return False
    try:
        return Path(item).exists()
    except (OSError, ValueError):
        return False


def load_inputs(sources: Iterable[Any], settings: Settings) -> tuple[list[tuple[Article, bool]], list[dict]]:
    """(article, already analysed) pairs in input order, and failures as {"source", "reason"}."""
    from .ingest import Failure, iter_articles, load_one

    if isinstance(sources, (str, Path, Article, Mapping)):
        sources = [sources]
    loaded: list[tuple[Article, bool]] = []
    failures: list[dict] = []
    for item in sources:
        if isinstance(item, Article):
            loaded.append((item, _is_analysed(item)))
            continue
        if isinstance(item, Mapping):
            try:
                loaded.append((article_from_dict(item), True))
            except InputError as error:
                failures.append({"source": str(item.get("source") or item.get("id") or "dict"),
                                 "reason": str(error)})
            continue
        if isinstance(item, Path) or (isinstance(item, str) and _looks_like_location(item)):
            for result in iter_articles([item], settings):
                if isinstance(result, Failure):
                    failures.append({"source": result.source, "reason": result.reason})
                else:
                    loaded.append((result, False))
            continue
        try:
            loaded.append((load_one(item, settings), False))
        except InputError as error:
            # a mistyped path is named in full; a text that could not be used by its first words
            name = (" ".join(item.split())[:60] + "…" if "\n" in item or len(item) > 300 else item) \
                if isinstance(item, str) else str(item)
            failures.append({"source": name if isinstance(item, str) else type(item).__name__,
                             "reason": str(error)})
    return loaded, failures


# ---------------------------------------------------------------- names


# a copyright line of its own ("© 2019 Name", "Copyright 2018 Name. All rights reserved"), not the word in a
# sentence ("... copyright protection for artists") nor a photo credit inside one
_COPYRIGHT = re.compile(r"^[ \t]*(?:©|\(c\)|copyright)\s*(?:(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)?\d\d)?\s*)?,?\s*"
                        r"(?P<name>[A-Z][\w&.'’\- ]{1,60}?)\s*(?:\.|,|\||\s+All\s+rights|\n|$)",
                        re.IGNORECASE | re.MULTILINE)


def outlet_name(article: Article, position: int) -> str:
    """The outlet to show for an article (see the module docstring for the order of the rules)."""
    if article.outlet.strip():
        return article.outlet.strip()
    for candidate in (article.url, article.source):
        if candidate and re.match(r"^https?://", candidate, re.IGNORECASE):
            host = (urlsplit(candidate).hostname or "").lower()
            host = re.sub(r"^(?:www\d?|m|amp|mobile)\.", "", host)
            if host:
                return host
    tail = article.text[-600:]
    match = None
    for match in _COPYRIGHT.finditer(tail):
        pass
    name = match.group("name").strip(" .-") if match else ""
    if name[:1].isupper() and name.lower() != "all rights reserved":  # the pattern ignores case, a name does not
        return name
    source = article.source or ""
    if source.startswith("jsonl:"):
        parts = source.split(":")
        if len(parts) >= 3:
            return f"{Path(':'.join(parts[1:-1])).stem}:{parts[-1]}"
    if source and source not in ("text", "stdin", "-"):
        stem = Path(source).stem
        if stem:
            return stem
    return f"article {position + 1}"


def _unique_ids(articles: list[Article]) -> list[str]:
    seen: Counter = Counter()
    ids = []
    for position, article in enumerate(articles):
        base = article.id or f"article-{position + 1}"
        seen[base] += 1
        ids.append(base if seen[base] == 1 else f"{base}~{seen[base]}")
    return ids


# ---------------------------------------------------------------- per-article parts


def _word_count(result: Mapping[str, Any]) -> int:
    count = result.get("word_count")
    return int(count) if isinstance(count, int) and count > 0 else len(str(result.get("text") or "").split())


def profile(result: Mapping[str, Any], attribution: Attribution, outlet: str) -> dict[str, Any]:
    """What one article does, read from its canonical dict: genre, frames, score, technique profile, sources."""
    words = _word_count(result)
    spans = [s for s in result.get("spans") or [] if isinstance(s, Mapping)]
    counts: dict[str, int] = {}
    for span in spans:
        technique = str(span.get("technique") or "")
        counts[technique] = counts.get(technique, 0) + 1
    counts = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    per_thousand = 1000.0 / words if words else 0.0
    genre = result.get("genre") if isinstance(result.get("genre"), Mapping) else None
    summary = result.get("summary") if isinstance(result.get("summary"), Mapping) else {}
    top = sorted(spans, key=lambda s: (-(s.get("confidence") or 0.0), s.get("start") or 0))[:TOP_SPANS]
    kinds = Counter(s.kind for s in attribution.sources)
    return {
        "article": result.get("id"),
        "outlet": outlet,
        "genre": genre.get("label") if genre else None,
        "genre_probabilities": dict(genre.get("probabilities") or {}) if genre else {},
        "frames": [{"frame": f.get("frame"), "probability": f.get("probability")}
                   for f in result.get("frames") or [] if isinstance(f, Mapping)],
        "propaganda_score": summary.get("propaganda_score"),
        "word_count": words,
        "span_count": len(spans),
        "density_per_1000_words": round(len(spans) * per_thousand, 2),
        "technique_counts": counts,
        "technique_density": {t: round(n * per_thousand, 2) for t, n in counts.items()},
        "top_spans": [{"start": s.get("start"), "end": s.get("end"), "text": s.get("text"),
                       "technique": s.get("technique"), "confidence": s.get("confidence")} for s in top],
        "sources": {
            "named": sum(n for k, n in kinds.items() if k in ("outlet", "person", "official")),
            "anonymous": kinds.get("anonymous", 0),
            "by_kind": {k: kinds.get(k, 0) for k in ("outlet", "official", "person", "anonymous", "document")},
            "names": [{"name": s.name, "kind": s.kind} for s in attribution.sources],
        },
        "quote_count": len(attribution.quotes),
        "warnings": list(result.get("warnings") or []),
    }


def _story_label(members: list[int], entities: list[list[Entity]], document_frequency: Counter,
                 size: int = 4) -> list[str]:
    """Names that most of the story's articles mention, the most distinctive first (rare across all compared
    articles), e.g. "Sergey Lavrov" before "Trump" when every article mentions Trump."""
    holders: Counter = Counter()
    mentions: Counter = Counter()
    shown: dict[str, Counter] = defaultdict(Counter)
    for index in members:
        words = set()
        for entity in entities[index]:
            for word in entity.tokens or [entity.key]:
                words.add(word)
                mentions[word] += 1
                if len(entity.text.split()) <= 3:
                    shown[word][entity.text] += 1
        holders.update(words)
    needed = max(1, (len(members) + 1) // 2)
    ranked = sorted((w for w in holders if holders[w] >= needed and shown[w]),
                    key=lambda w: (-holders[w], document_frequency[w], -mentions[w], w))
    label: list[str] = []
    for word in ranked:
        text = shown[word].most_common(1)[0][0]
        if any(text in chosen or chosen in text for chosen in label):
            continue
        label.append(text)
        if len(label) == size:
            break
    return label


def _entity_document_frequency(entities: list[list[Entity]]) -> Counter:
    frequency: Counter = Counter()
    for found in entities:
        frequency.update({word for entity in found for word in (entity.tokens or [entity.key])})
    return frequency


# ---------------------------------------------------------------- the comparison


@dataclass
class CompareOptions:
    threshold: float = DEFAULT_STORY_THRESHOLD
    claim_threshold: float = DEFAULT_CLAIM_THRESHOLD
    window_days: int | None = DEFAULT_WINDOW_DAYS
    max_unique_claims: int = MAX_UNIQUE_CLAIMS


def _setting(settings: Settings, name: str, default):
    value = getattr(settings, name, None)
    return default if value is None else value


def compare(sources, settings: Settings | None = None, *, threshold: float | None = None,
            claim_threshold: float | None = None, window_days: int | None = None, analyse: bool = True,
            claim_encoder: ClaimEncoder | None = None, max_unique_claims: int | None = None) -> dict[str, Any]:
    """Compare the coverage of several articles (2 to a few thousand); see the module docstring for the result.

    threshold        story similarity needed to put articles in one story (default DEFAULT_STORY_THRESHOLD;
                     also read from `settings.story_threshold` when the settings have it)
    claim_threshold  claim similarity needed for a shared claim (default DEFAULT_CLAIM_THRESHOLD)
    window_days      articles whose publication dates are further apart never share a story (0: no limit)
    analyse          run the analysis pipeline on articles that have not been analysed yet
    claim_encoder    another `claims.ClaimEncoder` (e.g. a sentence-embedding model) for claim matching
    """
    settings = checked_settings(settings)
    options = CompareOptions(
        threshold=float(threshold if threshold is not None else _setting(settings, "story_threshold",
                                                                          DEFAULT_STORY_THRESHOLD)),
        claim_threshold=float(claim_threshold if claim_threshold is not None else
                              _setting(settings, "claim_threshold", DEFAULT_CLAIM_THRESHOLD)),
        window_days=window_days if window_days is not None else _setting(settings, "story_window_days",
                                                                         DEFAULT_WINDOW_DAYS),
        max_unique_claims=max_unique_claims if max_unique_claims is not None else MAX_UNIQUE_CLAIMS,
    )
    if not 0.0 < options.threshold <= 1.0:
        raise InputError(f"the story threshold (--threshold) must be between 0 and 1 (exclusive of 0), got "
                         f"{options.threshold}")
    if not 0.0 < options.claim_threshold <= 1.0:
        raise InputError(f"claim threshold must be between 0 and 1 (exclusive of 0), got {options.claim_threshold}")

    loaded, failures = load_inputs(sources, settings)
    if not loaded:
        # every reason, on the one line (the first three, then how many more)
        reasons = "; ".join(f["reason"] for f in failures[:3])
        more = f"; and {len(failures) - 3} more" if len(failures) > 3 else ""
        raise InputError("no article could be read for comparison" + (f": {reasons}{more}" if failures else ""))

    articles: list[Article] = []
    if analyse and any(not done for _, done in loaded):
        from .pipeline import Pipeline

        pipeline = Pipeline(settings)
        for article, done in loaded:
            if done:
                articles.append(article)
                continue
            try:
                articles.append(pipeline(article))
            except ModelError:
                raise
            except SpinscopeError as error:
                failures.append({"source": article.source or article.id, "reason": str(error)})
    else:
        articles = [article for article, _ in loaded]
    if not articles:
        raise InputError("no article could be analysed for comparison")

    ids = _unique_ids(articles)
    outlets = [outlet_name(article, i) for i, article in enumerate(articles)]
    results = []
    for article, article_id, outlet in zip(articles, ids, outlets):
        result = article.to_dict()
        result["id"] = article_id
        result["outlet"] = outlet
        results.append(result)

    entities = [named_entities(article.text) for article in articles]
    attributions = [attribute(article.text, entities[i], article.language) for i, article in enumerate(articles)]
    story_inputs = [StoryInput(article.text, article.published,
                               [s.key for s in attributions[i].sources if s.kind in ("outlet", "person", "official")],
                               entities[i])
                    for i, article in enumerate(articles)]
    stories = cluster_stories(story_inputs, options.threshold, options.window_days)
    claims = [extract_claims(article.text, i, article.language or "en", entities[i])
              for i, article in enumerate(articles)]
    encoder = claim_encoder or LexicalClaimEncoder()

    story_dicts = []
    story_of: dict[int, str] = {}
    frequency = _entity_document_frequency(entities)
    for number, story in enumerate(stories, 1):
        story_id = f"story-{number}"
        for index in story.members:
            story_of[index] = story_id
        story_dicts.append(_story_dict(story_id, story, results, ids, attributions, claims, entities, encoder,
                                       options, frequency))

    for index, result in enumerate(results):
        result["story"] = story_of[index]
        result.update(attributions[index].to_dict(articles[index].text))
        result["claims"] = [c.to_dict() for c in claims[index]]

    warnings = sorted({w for result in results for w in result.get("warnings") or []})
    if len(results) == 1:
        warnings.insert(0, "only one article could be read: there is nothing to compare it with")
    first_with_text: dict[str, str] = {}
    for article_id, article in zip(ids, articles):  # the same file given twice, or one wire story twice
        earlier = first_with_text.setdefault(article.text.strip(), article_id)
        if earlier != article_id:
            warnings.append(f"{article_id} has the same text as {earlier}: everything they share is the same copy")
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "compare",
        "spinscope_version": __version__,
        "stories": story_dicts,
        "articles": results,
        "failures": failures,
        "settings": {
            "story_threshold": options.threshold,
            "story_window_days": options.window_days,
            "story_similarity": "weighted cosine: " + ", ".join(f"{k} {v}" for k, v in BLOCK_WEIGHTS.items()),
            "claim_threshold": options.claim_threshold,
            "claim_mutual_best_floor": MUTUAL_BEST_FLOOR,
            "claim_encoder": getattr(encoder, "name", type(encoder).__name__),
            "max_unique_claims": options.max_unique_claims,
            "model_dir": str(settings.model_dir),
            "components": list(settings.components),
            "language": settings.language,
        },
        "notes": [
            "Stories: articles are grouped by average-linkage clustering on a weighted similarity of their "
            "words, named entities, cited sources and dates; cohesion is the mean similarity of a story's "
            "article pairs.",
            f"Contradictions are found by a heuristic ({CONTRADICTION_RULE}); check them against the texts.",
            "Sources and quotes are found by rules (attribution phrases and quote marks) for English, German, French, "
            "Italian, Polish and Russian; articles in other languages get the English rules.",
            "Outlet names come from the article metadata, else its web address, copyright line or file name.",
        ],
        "warnings": warnings,
    }


def _claim_ref(claim: Claim, ids: list[str]) -> dict[str, Any]:
    return claim.to_dict(ids[claim.article])


def _story_dict(story_id: str, story, results: list[dict], ids: list[str], attributions: list[Attribution],
                claims: list[list[Claim]], entities: list[list[Entity]], encoder: ClaimEncoder,
                options: CompareOptions, frequency: Counter) -> dict[str, Any]:
    members = story.members
    matched = match_claims({i: claims[i] for i in members}, encoder, options.claim_threshold)
    shared = []
    for group in matched.shared:
        representative = max(group.claims, key=lambda c: (c.anchors, -len(c.text)))
        shared.append({
            "text": representative.text,
            "articles": [ids[i] for i in group.articles],
            "carried_by_all": len(group.articles) == len(members),
            "similarity": group.similarity,
            "claims": [_claim_ref(c, ids) for c in group.claims],
        })
    unique = []
    counts = {}
    for index in members:
        own = matched.unique.get(index, [])
        counts[ids[index]] = len(own)
        # the most checkable first (most names/numbers), then in reading order
        chosen = sorted(own, key=lambda c: (-c.anchors, c.start))[:options.max_unique_claims]
        unique.extend(_claim_ref(c, ids) for c in sorted(chosen, key=lambda c: c.start))
    contradictions = [{"detection": "heuristic", "reason": reason, "similarity": round(similarity, 4),
                       "claims": [_claim_ref(left, ids), _claim_ref(right, ids)]}
                      for left, right, reason, similarity in matched.contradictions]
    cited: dict[tuple[str, str], dict[str, Any]] = {}
    for index in members:
        for source in attributions[index].sources:
            key = (source.key if source.kind in ("outlet", "person", "official") else source.name.lower(),
                   source.kind)
            entry = cited.setdefault(key, {"name": source.name, "kind": source.kind, "articles": [], "mentions": 0})
            if ids[index] not in entry["articles"]:
                entry["articles"].append(ids[index])
            entry["mentions"] += len(source.mentions)
    sources = sorted(cited.values(), key=lambda s: (-len(s["articles"]), -s["mentions"], s["name"].lower()))
    return {
        "id": story_id,
        "label": _story_label(members, entities, frequency),
        "size": len(members),
        "cohesion": story.cohesion,
        "articles": [{"id": ids[i], "title": results[i].get("title") or "", "outlet": results[i]["outlet"],
                      "url": results[i].get("url") or "", "published": results[i].get("published") or "",
                      "source": results[i].get("source") or ""} for i in members],
        "similarities": [{"a": ids[a], "b": ids[b], "similarity": s} for (a, b), s in story.similarities.items()],
        "shared_claims": shared,
        "unique_claims": unique,
        "unique_claim_counts": counts,
        "contradictions": contradictions,
        "sources": sources,
        "profiles": [profile(results[i], attributions[i], results[i]["outlet"]) for i in members],
    }


compare_stories = compare

__all__ = ["compare", "compare_stories", "article_from_dict", "outlet_name", "profile", "load_inputs"]


class _CallableModule(sys.modules[__name__].__class__):
    """Importing this module rebinds the package attribute `spinscope.compare` from the convenience function in
    `spinscope/__init__.py` to this module; making the module callable keeps `spinscope.compare([...])` working."""

    def __call__(self, sources, settings: Settings | None = None, **options) -> dict[str, Any]:
        return compare(sources, settings, **options)


sys.modules[__name__].__class__ = _CallableModule
