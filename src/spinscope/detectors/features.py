"""Text features shared by the detectors: a pickle-free TF-IDF vectoriser and hand-written style cues.

`TfidfNgrams` learns a vocabulary and IDF weights and stores them as plain arrays (JSON vocabulary + numpy IDF), so a
saved model loads without pickle; its n-grams follow scikit-learn's "word" / "char_wb" analyzers. `style_features` turns a piece of text
(a sentence, with its article as context) into a small dense vector of persuasion cues: emotional punctuation,
capitals, quotes, second person, intensifiers, superlatives, repetition of the article's own content words.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterable, Sequence

import numpy as np
import scipy.sparse as sp

# combining marks belong to the letter before them; `\w` leaves them out, so a decomposed (NFD) "é" (e + U+0301)
# would end a word, and a highlight, in the middle of a letter. Latin, Greek and Cyrillic combining blocks.
COMBINING_MARKS = "\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
WORD_PATTERN = rf"\w[\w{COMBINING_MARKS}]*(?:['’]\w[\w{COMBINING_MARKS}]*)*"
WORD_RE = re.compile(WORD_PATTERN)
_TOKEN_PATTERN = r"(?u)\b\w+(?:['’]\w+)*\b|[!?]"


def words(text: str) -> list[str]:
    return WORD_RE.findall(text.lower())


def word_offsets(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Absolute (start, end) offsets of the words inside text[start:end]."""
    end = len(text) if end is None else end
    return [(m.start(), m.end()) for m in WORD_RE.finditer(text, start, end)]


_WHITE_SPACES = re.compile(r"\s\s+")
_TOKEN_RE = re.compile(_TOKEN_PATTERN)


def word_ngrams(text: str, ngram_range: Sequence[int]) -> list[str]:
    """Lower-cased word tokens (plus ! and ?) and their n-grams joined by spaces."""
    tokens = _TOKEN_RE.findall(text.lower())
    low, high = ngram_range
    grams = list(tokens) if low == 1 else []
    for n in range(max(2, low), high + 1):
        grams.extend(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
    return grams


def char_wb_ngrams(text: str, ngram_range: Sequence[int]) -> list[str]:
    """Character n-grams inside word boundaries, each word padded with one space (as scikit-learn's "char_wb")."""
    low, high = ngram_range
    grams = []
    for word in _WHITE_SPACES.sub(" ", text.lower()).split():
        padded = f" {word} "
        length = len(padded)
        for n in range(low, high + 1):
            grams.extend(padded[i:i + n] for i in range(max(1, length - n + 1)))
            if length <= n:  # a word no longer than n is counted once, whole (as scikit-learn does)
                break
    return grams


class TfidfNgrams:
    """Sublinear TF-IDF over word or character n-grams, l2-normalised, storable as JSON + arrays.

    analyzer: "word" (tokens incl. ! and ?) or "char_wb" (character n-grams inside word boundaries). Analysis needs
    only numpy/scipy (scikit-learn is imported for fitting alone: it takes seconds to import on a busy machine).
    """

    def __init__(self, analyzer: str = "word", ngram_range: Sequence[int] = (1, 2), min_df: int = 2,
                 max_features: int | None = None):
        self.analyzer = analyzer
        self.ngram_range = tuple(ngram_range)
        self.min_df = min_df
        self.max_features = max_features
        self.vocabulary_: dict[str, int] = {}
        self.idf_ = np.zeros(0, dtype=np.float32)

    def analyse(self, text: str) -> list[str]:
        if self.analyzer == "word":
            return word_ngrams(text, self.ngram_range)
        if self.analyzer == "char_wb":
            return char_wb_ngrams(text, self.ngram_range)
        raise ValueError(f"unknown analyzer {self.analyzer!r}")

    def fit(self, docs: Sequence[str]) -> "TfidfNgrams":
        df: Counter[str] = Counter()
        for doc in docs:
            df.update(set(self.analyse(doc)))
        min_df = min(self.min_df, max(1, len(docs)))
        kept = [(term, n) for term, n in df.items() if n >= min_df]
        if self.max_features is not None and len(kept) > self.max_features:
            kept.sort(key=lambda item: (-item[1], item[0]))
            kept = kept[: self.max_features]
        kept.sort()
        self.vocabulary_ = {term: index for index, (term, _) in enumerate(kept)}
        counts = np.asarray([n for _, n in kept], dtype=np.float64)
        self.idf_ = (np.log((1 + len(docs)) / (1 + counts)) + 1).astype(np.float32)
        return self

    def counts(self, docs: Sequence[str]) -> sp.csr_matrix:
        """Raw n-gram counts over the vocabulary (rows: docs)."""
        vocabulary = self.vocabulary_
        indptr, indices, values = [0], [], []
        for doc in docs:
            found = [(vocabulary[g], n) for g, n in Counter(self.analyse(doc)).items() if g in vocabulary]
            indices.extend(c for c, _ in found)
            values.extend(n for _, n in found)
            indptr.append(len(indices))
        return sp.csr_matrix((np.asarray(values, np.float32), np.asarray(indices, np.int32),
                              np.asarray(indptr, np.int64)), shape=(len(docs), len(vocabulary)))

    def weight(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        """Sublinear TF times IDF, each row scaled to unit length."""
        matrix = sp.csr_matrix(counts, dtype=np.float32, copy=True)
        matrix.sum_duplicates()
        matrix.data = (1 + np.log(matrix.data)) * self.idf_[matrix.indices]
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        norms[norms == 0] = 1
        return sp.csr_matrix(sp.diags((1 / norms).astype(np.float32)) @ matrix, dtype=np.float32)

    def transform(self, docs: Sequence[str]) -> sp.csr_matrix:
        return self.weight(self.counts(docs))

    def feature_names(self) -> list[str]:
        names = [""] * len(self.vocabulary_)
        for term, index in self.vocabulary_.items():
            names[index] = term
        return names

    def to_record(self) -> tuple[dict, np.ndarray]:
        config = {"analyzer": self.analyzer, "ngram_range": list(self.ngram_range), "min_df": self.min_df,
                  "max_features": self.max_features, "terms": self.feature_names()}
        return config, self.idf_

    @classmethod
    def from_record(cls, config: dict, idf: np.ndarray) -> "TfidfNgrams":
        vectoriser = cls(config["analyzer"], config["ngram_range"], config["min_df"], config["max_features"])
        vectoriser.vocabulary_ = {term: index for index, term in enumerate(config["terms"])}
        vectoriser.idf_ = np.asarray(idf, dtype=np.float32)
        return vectoriser

    def keep_columns(self, columns: np.ndarray) -> None:
        """Shrink the vocabulary to `columns` (e.g. the ones any classifier uses), renumbered in order."""
        names = self.feature_names()
        self.vocabulary_ = {names[c]: i for i, c in enumerate(columns)}
        self.idf_ = self.idf_[columns]


# --- hand-written cues. English word lists; for other languages only the language-independent cues fire. ---

_LEXICON = {
    "intensifier": "absolutely utterly totally completely extremely incredibly truly really very so such "
                   "entirely deeply highly hugely massively enormously thoroughly perfectly clearly obviously "
                   "simply just literally ever",
    "superlative": "most least best worst greatest biggest largest smallest highest lowest ultimate "
                   "unprecedented never always every everyone everything nobody nothing all none",
    "emotion": "outrage outrageous shocking shock horrific horrible terrible disgusting disgrace disgraceful "
               "evil vile sick sickening despicable appalling scandal scandalous disaster disastrous "
               "catastrophe catastrophic crisis chaos chaotic brutal barbaric savage hate hatred fear "
               "terror terrifying dangerous threat threatening destroy destroyed destruction attack "
               "war crazy insane ridiculous absurd pathetic stupid idiot idiotic fool foolish lie lies liar "
               "lying corrupt corruption traitor treason betray betrayal hero heroic glorious wonderful "
               "amazing incredible tremendous beautiful massive huge radical extremist extreme hysteria "
               "hysterical propaganda fake hoax witch hunt thug thugs mob regime tyranny tyrant",
    "label": "leftist leftists liberal liberals libs socialist socialists communist communists marxist "
             "fascist fascists nazi nazis globalist globalists elite elites establishment deep state "
             "snowflake snowflakes racist racists bigot bigots terrorist terrorists jihadist jihadists "
             "islamist islamists illegal illegals alien aliens puppet cronies crony shill",
    "doubt": "allegedly alleged supposedly so called claim claims claimed claiming purported purportedly "
             "questionable dubious suspicious suspect whether why really credible credibility",
    "authority": "expert experts scientist scientists study studies research report according professor "
                 "official officials authority authorities doctor doctors said says stated told",
    "fear": "risk risks threat threats danger dangers deadly death deaths die dying kill killed killing "
            "invasion invade flood collapse destroy warn warned warning fear fears afraid panic",
    "flag": "nation national nations patriot patriots patriotic america american americans country "
            "countrymen our people homeland flag sovereignty freedom liberty constitution heritage",
    "causal": "because cause caused causes causing due result resulted results therefore thus hence "
              "blame blamed lead leads led consequence consequences",
    "dilemma": "either or only choice option alternative unless must",
    "second_person": "you your yours yourself yourselves",
    "first_plural": "we us our ours ourselves",
}
LEXICON: dict[str, frozenset[str]] = {key: frozenset(value.split()) for key, value in _LEXICON.items()}
_STOPWORDS = frozenset(
    "the a an and or but of to in on at for with by from as is are was were be been being it its this that these "
    "those he she they them his her their we you i me my our your not no do does did have has had will would "
    "can could should may might must shall there here what which who whom whose when where why how all any some "
    "than then so if about into over after before more most also just only very said says".split())

STYLE_FEATURE_NAMES: tuple[str, ...] = (
    "log_words", "exclamations", "questions", "quote_marks", "capital_word_share", "all_caps_words",
    "digits_share", "is_title", "relative_position", "article_repeated_share", "article_max_repeat",
    "repeated_ngram", *[f"lex_{key}" for key in _LEXICON], "so_called", "ellipsis_dashes",
)


class ArticleContext:
    """Per-article statistics that sentence features compare against (content-word counts, length)."""

    def __init__(self, text: str):
        self.length = max(1, len(text))
        tokens = [w for w in words(text) if w not in _STOPWORDS and len(w) > 2]
        self.content_counts = Counter(tokens)
        bigrams = Counter(zip(tokens, tokens[1:]))
        self.repeated_bigrams = {b for b, n in bigrams.items() if n >= 2}


def style_features(text: str, start: int, end: int, context: ArticleContext, is_title: bool) -> np.ndarray:
    """Cues for text[start:end]; scaled to roughly [0, 1] so they sit next to TF-IDF features."""
    piece = text[start:end]
    tokens = words(piece)
    n = max(1, len(tokens))
    content = [w for w in tokens if w not in _STOPWORDS and len(w) > 2]
    repeats = [context.content_counts[w] for w in content]
    raw_words = WORD_RE.findall(piece)
    capitalised = sum(1 for w in raw_words[1:] if w[:1].isupper())
    all_caps = sum(1 for w in raw_words if len(w) > 2 and w.isupper())
    bigrams = set(zip(content, content[1:]))
    values = [
        np.log1p(len(tokens)) / 5,
        min(piece.count("!"), 3) / 3,
        min(piece.count("?"), 3) / 3,
        min(sum(piece.count(q) for q in "\"“”«»") + piece.count(" '"), 6) / 6,
        capitalised / n,
        min(all_caps, 3) / 3,
        sum(c.isdigit() for c in piece) / max(1, len(piece)),
        float(is_title),
        start / context.length,
        (sum(1 for r in repeats if r >= 3) / len(content)) if content else 0.0,
        min(max(repeats, default=0), 10) / 10,
        float(bool(bigrams & context.repeated_bigrams)),
    ]
    for key in _LEXICON:
        hits = sum(1 for w in tokens if w in LEXICON[key])
        values.append(min(hits, 3) / 3)
    lowered = piece.lower()
    values.append(float("so-called" in lowered or "so called" in lowered))
    values.append(min(piece.count("...") + piece.count("…") + piece.count(" — ") + piece.count(" -- "), 3) / 3)
    return np.asarray(values, dtype=np.float32)


def style_matrix(items: Iterable[tuple[str, int, int, ArticleContext, bool]]) -> sp.csr_matrix:
    rows = [style_features(*item) for item in items]
    if not rows:
        return sp.csr_matrix((0, len(STYLE_FEATURE_NAMES)), dtype=np.float32)
    return sp.csr_matrix(np.vstack(rows))
