"""Split an article into paragraphs (non-empty lines, as in SemEval-2023) and sentences, with exact offsets."""

from __future__ import annotations

import re

from .types import Article, Paragraph, Sentence

# A sentence ends at . ! ? … (plus closing quotes/brackets) followed by whitespace and an uppercase letter,
# digit or opening quote. Common abbreviations are not sentence ends.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s+[\"'“‘«(\[]?[A-ZÀ-ÖØ-ÞА-ЯЁ0-9])")
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "gen", "col", "lt", "sgt", "capt", "gov", "sen", "rep",
    "u.s", "u.k", "u.n", "e.g", "i.e", "vs", "etc", "no", "inc", "ltd", "co", "corp", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft", "rev", "hon", "pres", "a.m", "p.m",
}


def paragraphs(text: str) -> list[Paragraph]:
    """Every line holding non-space characters is a paragraph; offsets exclude the line break."""
    result = []
    start = 0
    for number, line in enumerate(text.split("\n"), 1):
        end = start + len(line)
        stripped_end = end - 1 if line.endswith("\r") else end
        if line.strip():
            left = start + (len(line) - len(line.lstrip()))
            right = start + len(line[: stripped_end - start].rstrip())
            result.append(Paragraph(index=len(result), line=number, start=left, end=right))
        start = end + 1
    return result


def sentences_in(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence boundaries inside text[start:end] as absolute half-open offsets, whitespace trimmed."""
    pieces = []
    cursor = start
    for match in _SENTENCE_END.finditer(text, start, end):
        boundary = match.end()
        word = text[cursor:match.start()].rsplit(None, 1)[-1].lower().lstrip("\"'“‘«([") if text[cursor:match.start()].split() else ""
        if match.group(0).startswith(".") and (word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())):
            continue
        pieces.append((cursor, boundary))
        cursor = boundary
    pieces.append((cursor, end))
    trimmed = []
    for s, e in pieces:
        segment = text[s:e]
        left = s + (len(segment) - len(segment.lstrip()))
        right = s + len(segment.rstrip())
        if left < right:
            trimmed.append((left, right))
    return trimmed


def segment(article: Article) -> Article:
    article.paragraphs = paragraphs(article.text)
    article.sentences = [Sentence(s, e, p.index)
                         for p in article.paragraphs for s, e in sentences_in(article.text, p.start, p.end)]
    return article
