"""Token-level span tagger for persuasion techniques: a linear-chain CRF (CRFsuite) over BIO labels "inside any
technique span", learned from the gold span offsets.

The technique detector decides WHICH techniques a paragraph holds; this tagger decides WHERE the words carrying
them are. Gold spans are short (median 23 characters in English: loaded words, labels, slogans), so tagging tokens
scores far better on the SemEval-2020 span-identification metric than highlighting whole sentences
(experiments/techniques/RESULTS.md, "Span tagger").

One sequence per sentence. Features per token: the lower-cased word, its prefix/suffixes and shape, the words at
-2..+2 and the bigrams around it, whether it sits inside quotation marks, its position in the sentence, and bucketed
sentence-level evidence from the technique detector (the calibrated probability that the sentence holds any
technique, and the most likely technique), supplied by the caller; optionally the word classes of the token (and
the finest class of each neighbour) from static word vectors, so that words never seen inside a gold span can
still resemble ones that were. A token is inside when its marginal probability
of B or I reaches the threshold chosen on inner folds; spans are maximal runs of inside tokens, snapped to token
boundaries (so `text[start:end]` is exactly the span), with leading/trailing punctuation other than quotes dropped.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
import unicodedata
from typing import Sequence

import numpy as np

from ..segment import segment
from ..types import Article
from .features import COMBINING_MARKS, WORD_PATTERN

TOKEN_RE = re.compile(WORD_PATTERN + rf"|[^\w\s{COMBINING_MARKS}][{COMBINING_MARKS}]*|[{COMBINING_MARKS}]+")
QUOTES = set("\"“”«»„‘’‚'")
_KEEP_AT_EDGE = QUOTES | set("!?")
LABELS = ("B", "I", "O")


def tokenize(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in TOKEN_RE.finditer(text, start, end)]


def _shape(token: str) -> str:
    if token.isdigit():
        return "d"
    if not token[0].isalnum() and token[0] != "_":
        return "p"
    if token.isupper() and len(token) > 1:
        return "X"
    if token[0].isupper():
        return "Xx"
    return "x"


def sentence_features(text: str, tokens: Sequence[tuple[int, int]], evidence: Sequence[str] = (),
                      word_classes: dict[str, list[str]] | None = None) -> list[list[str]]:
    """CRFsuite attribute lists for the tokens of one sentence. `evidence`: sentence-level attributes added to
    every token (e.g. "sp=3" for the sentence probability bucket); `word_classes`: word -> class attributes."""
    # NFC: a decomposed "é" reads as the composed one the model was trained on (no-op for composed text)
    words = [unicodedata.normalize("NFC", text[s:e]) for s, e in tokens]
    lowered = [w.lower() for w in words]
    n = len(words)
    length = "short" if n <= 8 else "mid" if n <= 25 else "long"
    padded = ["<s2>", "<s>"] + lowered + ["</s>", "</s2>"]
    in_quotes = False
    rows = []
    for i, (word, low) in enumerate(zip(words, lowered)):
        if word in QUOTES:
            in_quotes = not in_quotes
        k = i + 2
        row = ["b", f"w={low}", f"s3={low[-3:]}", f"s2={low[-2:]}", f"p3={low[:3]}", f"sh={_shape(word)}",
               f"w-1={padded[k - 1]}", f"w+1={padded[k + 1]}", f"w-2={padded[k - 2]}", f"w+2={padded[k + 2]}",
               f"bg-={padded[k - 1]}|{low}", f"bg+={low}|{padded[k + 1]}", f"len={length}",
               f"pos={'first' if i == 0 else 'last' if i == n - 1 else int(4 * i / n)}"]
        if in_quotes:
            row.append("inq")
        if len(low) > 8:
            row.append("long")
        row.extend(evidence)
        row.extend(f"{e}|sh={_shape(word)}" for e in evidence[:1])
        rows.append(row)
    if word_classes:
        classes = [word_classes.get(low, ()) for low in lowered]
        for i, row in enumerate(rows):
            row.extend(classes[i])
            if i > 0 and classes[i - 1]:
                row.append("L" + classes[i - 1][-1])
            if i + 1 < n and classes[i + 1]:
                row.append("R" + classes[i + 1][-1])
    return rows


def token_labels(tokens: Sequence[tuple[int, int]], gold: Sequence[tuple[int, int]]) -> list[str]:
    """BIO labels: a token is inside when at least half of it lies in a (merged) gold span."""
    labels, previous = [], None
    for s, e in tokens:
        owner = None
        for index, (gs, ge) in enumerate(gold):
            if 2 * (min(e, ge) - max(s, gs)) >= e - s:
                owner = index
                break
        if owner is None:
            labels.append("O")
        else:
            labels.append("I" if owner == previous else "B")
        previous = owner
    return labels


def labelled_sentences(article: Article) -> list[tuple[list[tuple[int, int]], list[str]]]:
    """[(word tokens, BIO labels from the article's gold spans)] per non-empty sentence: the tagger's units."""
    if not article.sentences:
        segment(article)
    gold = merge((s, e) for _, s, e in article.gold.get("spans", []))
    out = []
    for sentence in article.sentences:
        tokens = tokenize(article.text, sentence.start, sentence.end)
        if tokens:
            out.append((tokens, token_labels(tokens, gold)))
    return out


def merge(intervals) -> list[tuple[int, int]]:
    """Union of intervals that overlap or touch. Unlike `evaluation.metrics.merge_overlapping` (the scorer's rule,
    which keeps touching spans apart), touching gold spans become one inside-run here, so the tagger learns no
    B label in the middle of a continuous highlight."""
    merged: list[list[int]] = []
    for s, e in sorted(intervals):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def train_crf(sequences: Sequence[tuple[list[list[str]], list[str]]], c1: float, c2: float,
              max_iterations: int) -> bytes:
    """Fit a CRF with L-BFGS (elastic-net penalty) and return the CRFsuite model file's bytes."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for features, labels in sequences:
        trainer.append(features, labels)
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": max_iterations,
                        "feature.possible_transitions": True})
    handle, path = tempfile.mkstemp(suffix=".crfsuite")
    os.close(handle)
    try:
        trainer.train(path)
        with open(path, "rb") as f:
            return f.read()
    finally:
        os.unlink(path)


class CrfTagger:
    """A trained CRF (model bytes) that returns per-token probabilities of being inside a span."""

    def __init__(self, model: bytes):
        import pycrfsuite

        self.model = model
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open_inmemory(model)
        # CRFsuite keeps the sentence between set() and marginal(): threads sharing a model take turns
        self._lock = threading.Lock()

    def inside_probabilities(self, features: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
        """(P(inside), P(B)) per token."""
        if not features:
            return np.zeros(0), np.zeros(0)
        tagger = self._tagger
        n = len(features)
        with self._lock:
            tagger.set(features)
            labels = tagger.labels()
            begin = np.asarray([tagger.marginal("B", i) for i in range(n)]) if "B" in labels else np.zeros(n)
            inside = np.asarray([tagger.marginal("I", i) for i in range(n)]) if "I" in labels else np.zeros(n)
        return begin + inside, begin


def decode(text: str, tokens: Sequence[tuple[int, int]], inside: np.ndarray, begin: np.ndarray,
           threshold: float) -> list[tuple[int, int, float]]:
    """Maximal runs of tokens with P(inside) >= threshold (a new run where B is more likely than I), trimmed of
    edge punctuation: [(start, end, mean P(inside))]."""
    spans = []
    run: list[int] = []

    def close():
        kept = list(run)
        while kept and text[tokens[kept[0]][0]] not in _KEEP_AT_EDGE and not text[tokens[kept[0]][0]].isalnum() \
                and text[tokens[kept[0]][0]] != "_":
            kept.pop(0)
        while kept and text[tokens[kept[-1]][1] - 1] not in _KEEP_AT_EDGE \
                and not text[tokens[kept[-1]][1] - 1].isalnum() and text[tokens[kept[-1]][1] - 1] != "_":
            kept.pop()
        if kept:
            spans.append((tokens[kept[0]][0], tokens[kept[-1]][1], float(np.mean(inside[kept]))))

    for i in range(len(tokens)):
        if inside[i] >= threshold:
            if run and begin[i] > inside[i] - begin[i]:
                close()
                run = []
            run.append(i)
        elif run:
            close()
            run = []
    if run:
        close()
    return spans


# bucket edges for the sentence-level evidence given to every token
_EDGES = np.asarray([0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.65, 0.8])


def evidence(sentence_probabilities: np.ndarray, paragraph_probabilities: np.ndarray, chosen: np.ndarray,
             techniques: Sequence[str]) -> list[str]:
    """Sentence-level attributes: the bucketed max calibrated sentence probability over techniques (first, it is
    also crossed with the token shape), the paragraph's max probability bucket, whether the paragraph is flagged,
    and the most likely technique of the sentence."""
    if len(sentence_probabilities) == 0:
        return ["sp=0"]
    top = int(np.argmax(sentence_probabilities))
    p = float(sentence_probabilities[top])
    out = [f"sp={int(np.searchsorted(_EDGES, p))}",
           f"pp={int(np.searchsorted(_EDGES, float(np.max(paragraph_probabilities))))}"]
    if chosen.any():
        out.append("flag")
    if p >= 0.1:
        out.append(f"top={techniques[top]}")
    return out


def close_gaps(spans: list[tuple[int, int, float]], tokens: Sequence[tuple[int, int]], gap: int
               ) -> list[tuple[int, int, float]]:
    """Join consecutive spans of one sentence separated by at most `gap` tokens."""
    if gap <= 0 or len(spans) < 2:
        return spans
    starts = [s for s, _ in tokens]
    out = [spans[0]]
    for s, e, c in spans[1:]:
        ps, pe, pc = out[-1]
        between = np.searchsorted(starts, s) - np.searchsorted(starts, pe)
        if between <= gap:
            out[-1] = (ps, e, (pc + c) / 2)
        else:
            out.append((s, e, c))
    return out


def whole_sentence(text: str, tokens: Sequence[tuple[int, int]], spans: list[tuple[int, int, float]]
                   ) -> list[tuple[int, int, float]]:
    """"Sentence mode": a sentence with any tagged piece becomes one span over the whole sentence (for languages
    whose gold spans are mostly clause- or sentence-long), without its final punctuation."""
    if not spans:
        return []
    last = len(tokens) - 1
    while last > 0 and not text[tokens[last][1] - 1].isalnum() and text[tokens[last][1] - 1] not in _KEEP_AT_EDGE:
        last -= 1
    return [(tokens[0][0], tokens[last][1], max(c for _, _, c in spans))]


def shape_spans(text: str, tokens: Sequence[tuple[int, int]], spans: list[tuple[int, int, float]], gap: int,
                sentence_mode: bool) -> list[tuple[int, int, float]]:
    return whole_sentence(text, tokens, spans) if sentence_mode else close_gaps(spans, tokens, gap)


def tagged_spans(text: str, tokens: Sequence[tuple[int, int]], inside: np.ndarray, begin: np.ndarray,
                 threshold: float, gap: int, sentence_mode: bool) -> list[tuple[int, int, float]]:
    """One sentence's spans under a tagger's decoding settings: `decode`, then `shape_spans`."""
    return shape_spans(text, tokens, decode(text, tokens, inside, begin, threshold), gap, sentence_mode)
