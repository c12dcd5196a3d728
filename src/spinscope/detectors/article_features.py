"""Article-level helpers shared by the genre and frames detectors: pickle-free storage of per-language model
bundles, language routing, and one tokenisation and one vocabulary look-up per analysed article.

Storage: each language's vectoriser configs (with their terms) go to vocabulary.json and every array, IDF
included, to weights.npz under "<language>/<name>" (`save_bundles` / `load_bundles`); the TF-IDF is
`features.TfidfNgrams`. Analysis: `paragraph_tokenisation` tokenises a segmented article once into each
paragraph's n-gram counts plus the n-grams that cross a paragraph break; `article_lookup` looks those n-grams up
once (in a term table joint to every vectoriser reading the same articles, e.g. genre's and frames' word
vocabularies of one language) and gives the article's TF-IDF row (the same numbers as `TfidfNgrams.transform`)
and the paragraphs' rows (frames' paragraph evidence). Both are cached for a moment, keyed by the text.
`tfidf_rows` / `tfidf_from_counts` are the plain path used when fitting.
"""

from __future__ import annotations

import json
import threading
import weakref
from collections import Counter, OrderedDict
from collections.abc import Sequence
from itertools import pairwise, repeat
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from ..types import Article
from .features import TfidfNgrams, word_ngrams

WEIGHTS_FILE = "weights.npz"
VOCAB_FILE = "vocabulary.json"

Bundle = tuple[dict[str, TfidfNgrams], dict[str, np.ndarray]]
POOLED = "*"  # key of a model trained on all languages together


def save_bundles(directory: Path, bundles: dict[str, Bundle], extra: dict[str, Any]) -> None:
    """Write each language's vectoriser configs (with terms) to vocabulary.json and every array, idf included,
    to weights.npz under "<language>/<name>"."""
    state: dict[str, Any] = {"models": {}}
    arrays: dict[str, np.ndarray] = {}
    for key, (vectorizers, own_arrays) in bundles.items():
        state["models"][key] = {}
        for name, vectorizer in vectorizers.items():
            config, idf = vectorizer.to_record()
            state["models"][key][name] = config
            arrays[f"{key}/idf_{name}"] = idf
        for name, values in own_arrays.items():
            arrays[f"{key}/{name}"] = values
    state.update(extra)
    (directory / VOCAB_FILE).write_text(json.dumps(state, ensure_ascii=False))
    np.savez_compressed(directory / WEIGHTS_FILE, **arrays)


def load_bundles(directory: Path) -> tuple[dict[str, Bundle], dict[str, Any]]:
    state = json.loads((directory / VOCAB_FILE).read_text())
    with np.load(directory / WEIGHTS_FILE, allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    bundles = {}
    for key, configs in state.pop("models").items():
        vectorizers = {name: TfidfNgrams.from_record(config, arrays[f"{key}/idf_{name}"])
                       for name, config in configs.items()}
        own = {name.split("/", 1)[1]: values for name, values in arrays.items()
               if name.startswith(f"{key}/") and not name.split("/", 1)[1].startswith("idf_")}
        bundles[key] = (vectorizers, own)
    return bundles, state


class Standardiser:
    """Centre and scale dense features with statistics learned at fit time (clipped to limit outliers)."""

    def __init__(self, mean: np.ndarray | None = None, scale: np.ndarray | None = None, clip: float = 5.0):
        self.mean = mean
        self.scale = scale
        self.clip = clip

    def fit(self, matrix: np.ndarray) -> "Standardiser":
        self.mean = matrix.mean(axis=0)
        scale = matrix.std(axis=0)
        scale[scale < 1e-9] = 1.0
        self.scale = scale
        return self

    def transform(self, matrix: np.ndarray) -> np.ndarray:
        return np.clip((matrix - self.mean) / self.scale, -self.clip, self.clip)


def check_weight_shape(coef: np.ndarray, classes: int, vectorizers: dict[str, TfidfNgrams], dense: int = 0) -> None:
    """Refuse a bundle whose weights do not match its vocabularies (`dense` leading non-n-gram features)."""
    expected = (classes, dense + sum(len(v.vocabulary_) for v in vectorizers.values()))
    if coef.shape != expected:
        raise ValueError(f"weights have shape {coef.shape}, expected {expected}")


def group_by_language(articles: Sequence[Article], per_language: bool) -> dict[str, list[Article]]:
    groups: dict[str, list[Article]] = {}
    for article in articles:
        groups.setdefault((article.language or "en") if per_language else POOLED, []).append(article)
    return groups


def pick_model(models: dict[str, Any], language: str):
    """The model for `language`: its own, else the pooled one, else English, else the only one there is."""
    for key in (language, POOLED, "en"):
        if key in models:
            return models[key]
    return next(iter(models.values()))


_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 16
# (ngram_range, text) -> (paragraph n-gram counts, n-grams crossing paragraph breaks)
_TOKEN_CACHE: OrderedDict[tuple, tuple[list[Counter], Counter]] = OrderedDict()
# (vocabulary id, ngram_range, text) -> (vocabulary, ArticleLookup); the vocabulary is kept to rule out id reuse
_LOOKUP_CACHE: OrderedDict[tuple, tuple[dict, ArticleLookup]] = OrderedDict()


def _remember(store: OrderedDict, key: tuple, value) -> None:
    with _CACHE_LOCK:
        store[key] = value
        while len(store) > _CACHE_SIZE:
            store.popitem(last=False)


def _recall(store: OrderedDict, key: tuple):
    with _CACHE_LOCK:
        return store.get(key)


def _ngrams(tokens: list[str], low: int, high: int) -> list[str]:
    """The n-grams `features.word_ngrams` builds from these tokens."""
    grams = list(tokens) if low == 1 else []
    for n in range(max(low, 2), high + 1):
        grams += [" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]
    return grams


def _paragraphs_tile_text(article: Article) -> bool:
    """True when everything outside the paragraphs is white space and paragraphs are separated by some, as
    `segment` makes them; only then are the article's tokens exactly the paragraphs' tokens."""
    text, paragraphs = article.text, article.paragraphs
    if not paragraphs or text[:paragraphs[0].start].strip() or text[paragraphs[-1].end:].strip():
        return False
    for before, after in pairwise(paragraphs):
        gap = text[before.end:after.start]
        if not gap or gap.strip():
            return False
    return True


def paragraph_tokenisation(vectorizer: TfidfNgrams, article: Article) -> tuple[list[Counter], Counter | None]:
    """N-gram counts of each paragraph, and the n-grams that cross a paragraph break, from one tokenisation of
    the article. When the paragraphs tile the text (only white space between and around them, as `segment`
    makes them) the article's tokens are the paragraphs' tokens in order, so the article's counts are the sum of
    the paragraphs' counts plus the crossing n-grams; otherwise (or for character n-grams) the second value is
    None and the whole text has to be analysed on its own. Cached for a moment: genre, frames and the frames'
    paragraph evidence all read the same article with the same word (1, 2)-gram analyser."""
    key = (vectorizer.analyzer, tuple(vectorizer.ngram_range), article.text)
    found = _recall(_TOKEN_CACHE, key)
    if found is not None:
        return found
    texts = [article.text[p.start:p.end] for p in article.paragraphs]
    if vectorizer.analyzer != "word" or not _paragraphs_tile_text(article):
        return [Counter(vectorizer.analyse(text)) for text in texts], None
    low, high = vectorizer.ngram_range
    token_lists = [word_ngrams(text, (1, 1)) for text in texts]  # the analyser's tokens
    paragraph_counts = [Counter(_ngrams(tokens, low, high)) for tokens in token_lists]
    every_token = [token for tokens in token_lists for token in tokens]
    boundaries, position = set(), 0
    for tokens in token_lists[:-1]:
        position += len(tokens)
        if 0 < position < len(every_token):
            boundaries.add(position)
    crossing: Counter = Counter()
    for n in range(max(low, 2), high + 1):
        starts = {i for b in boundaries for i in range(max(0, b - n + 1), min(b, len(every_token) - n + 1))}
        crossing.update(" ".join(every_token[i:i + n]) for i in starts)
    result = (paragraph_counts, crossing)
    _remember(_TOKEN_CACHE, key, result)
    return result


def _look_up(vocabulary: dict[str, int], counts: Counter) -> tuple[np.ndarray, np.ndarray]:
    """Columns and counts of the n-grams in the vocabulary (vectorised look-up)."""
    columns = np.fromiter(map(vocabulary.get, counts.keys(), repeat(-1)), dtype=np.int64, count=len(counts))
    values = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
    known = columns >= 0
    return columns[known], values[known]


class _JointVocabulary:
    """The vocabularies of the vectorisers that read the same articles (genre's and frames' word (1, 2)-grams of
    one language), merged into one term -> id table: an article's n-grams are looked up once for all of them and
    each member maps the joint ids to its own columns with one array index. At most `MAX_MEMBERS` vectorisers join
    one table. `state` = (term -> id, member id -> (vectoriser ref, vocabulary, id -> column map), generation) is
    replaced as a whole when a member joins, so a reader that took one `state` sees ids and maps that agree."""

    MAX_MEMBERS = 4

    def __init__(self):
        self.state: tuple[dict[str, int], dict[int, tuple[weakref.ref, dict, np.ndarray]], int] = ({}, {}, 0)
        self.joins = 0

    def has(self, vectorizer: TfidfNgrams) -> bool:
        member = self.state[1].get(id(vectorizer))
        return member is not None and member[0]() is vectorizer and member[1] is vectorizer.vocabulary_

    def add(self, vectorizer: TfidfNgrams) -> None:
        old_index, old_members, generation = self.state
        index = dict(old_index)
        for term in vectorizer.vocabulary_:
            if term not in index:
                index[term] = len(index)
        members = dict(old_members)
        members[id(vectorizer)] = (weakref.ref(vectorizer), vectorizer.vocabulary_, np.zeros(0, np.int64))
        for key, (ref, vocabulary, _) in list(members.items()):
            # joint id -> the member's column (-1 when it lacks the term); one more -1 at the end for id -1
            local = np.full(len(index) + 1, -1, dtype=np.int64)
            ids = np.fromiter(map(index.__getitem__, vocabulary), dtype=np.int64, count=len(vocabulary))
            local[ids] = np.fromiter(vocabulary.values(), dtype=np.int64, count=len(vocabulary))
            members[key] = (ref, vocabulary, local)
        self.joins += 1
        self.state = (index, members, generation + 1)


_JOINT_OF: dict[int, _JointVocabulary] = {}  # id(vectoriser) -> its table (entries leave with the vectoriser)
_LAST_READ: list = [None, None]  # (text, table) of the latest look-up: whoever reads the same text next joins


def _forget(key: int, table: _JointVocabulary) -> None:
    with _CACHE_LOCK:
        if _JOINT_OF.get(key) is table:
            del _JOINT_OF[key]


def _joint_table(vectorizer: TfidfNgrams, text: str) -> _JointVocabulary:
    with _CACHE_LOCK:
        table = _JOINT_OF.get(id(vectorizer))
        if table is not None and table.has(vectorizer):
            _LAST_READ[:] = [text, table]
            return table
        last_text, last_table = _LAST_READ
        if last_text == text and last_table is not None and last_table.joins < _JointVocabulary.MAX_MEMBERS:
            table = last_table
        else:
            table = _JointVocabulary()
        table.add(vectorizer)
        _JOINT_OF[id(vectorizer)] = table
        weakref.finalize(vectorizer, _forget, id(vectorizer), table)
        _LAST_READ[:] = [text, table]
        return table


def _joint_ids(index: dict[str, int], terms: list[str], text: str, part: tuple) -> np.ndarray:
    """Joint ids of `terms` in one table state's `index` (-1 for unknown ones), cached per state, analyser, text."""
    key = (id(index), part, text)
    found = _recall(_IDS_CACHE, key)
    if found is not None and found[0] is index:
        return found[1]
    ids = np.fromiter(map(index.get, terms, repeat(-1)), dtype=np.int64, count=len(terms))
    _remember(_IDS_CACHE, key, (index, ids))
    return ids


_IDS_CACHE: OrderedDict[tuple, tuple[dict, np.ndarray]] = OrderedDict()


class ArticleLookup:
    """One article's n-grams looked up in one vectoriser's vocabulary (through the joint table it shares with the
    other vectorisers reading the same articles, so each n-gram is looked up once for all of them).

    `columns` / `values`: the article's TF-IDF row (sublinear tf x idf, l2-normalised), the same numbers as
    `vectorizer.transform([article.text])`; `norm`: that row's length before normalising. `paragraph_rows`: the
    paragraphs' TF-IDF rows, not normalised (for the paragraph evidence).
    """

    def __init__(self, vectorizer: TfidfNgrams, article: Article):
        vocabulary = vectorizer.vocabulary_
        idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        paragraphs, crossing = paragraph_tokenisation(vectorizer, article)
        keys = [term for counts in paragraphs for term in counts]
        index, members, _ = _joint_table(vectorizer, article.text).state  # one consistent state
        local = members[id(vectorizer)][2]
        analyser = (vectorizer.analyzer, tuple(vectorizer.ngram_range))
        columns = local[_joint_ids(index, keys, article.text, ("paragraphs", *analyser))]
        counts = np.fromiter((n for c in paragraphs for n in c.values()), dtype=np.float64, count=len(keys))
        lengths = np.fromiter(map(len, paragraphs), dtype=np.int64, count=len(paragraphs))
        known = columns >= 0
        # entries kept per paragraph -> row pointers of the known entries
        owner = np.repeat(np.arange(len(paragraphs)), lengths)[known]
        self._paragraph_parts = (columns[known], counts[known], owner, len(paragraphs), len(vocabulary), idf)
        if crossing is not None:
            extra = local[_joint_ids(index, list(crossing), article.text, ("crossing", *analyser))]
            extra_counts = np.fromiter(crossing.values(), dtype=np.float64, count=len(crossing))
            all_columns = np.concatenate([columns[known], extra[extra >= 0]])
            all_counts = np.concatenate([counts[known], extra_counts[extra >= 0]])
            whole_columns, inverse = np.unique(all_columns, return_inverse=True)
            whole_counts = np.bincount(inverse, weights=all_counts, minlength=len(whole_columns))
        else:
            whole_columns, whole_counts = _look_up(vocabulary, Counter(vectorizer.analyse(article.text)))
            order = np.argsort(whole_columns, kind="stable")
            whole_columns, whole_counts = whole_columns[order], whole_counts[order]
        values = (1.0 + np.log(whole_counts)) * idf[whole_columns]
        self.norm = float(np.sqrt(values @ values))
        self.columns = whole_columns
        self.values = values / self.norm if self.norm > 0 else values

    def row(self) -> sparse.csr_matrix:
        vocabulary_size = self._paragraph_parts[4]
        return sparse.csr_matrix((self.values, self.columns, np.array([0, len(self.columns)])),
                                 shape=(1, vocabulary_size))

    def paragraph_rows(self) -> sparse.csr_matrix:
        columns, counts, owner, n_paragraphs, vocabulary_size, idf = self._paragraph_parts
        values = (1.0 + np.log(counts)) * idf[columns]
        indptr = np.concatenate([[0], np.cumsum(np.bincount(owner, minlength=n_paragraphs))])
        return sparse.csr_matrix((values, columns, indptr), shape=(n_paragraphs, vocabulary_size))

    def dot(self, weights: np.ndarray) -> np.ndarray:
        """The article's row times a (terms x outputs) weight block, without building a sparse matrix."""
        return self.values @ weights[self.columns]


def article_lookup(vectorizer: TfidfNgrams, article: Article) -> ArticleLookup:
    """`ArticleLookup` of a segmented article, cached for a moment (frames reads it twice)."""
    vocabulary = vectorizer.vocabulary_
    key = (id(vocabulary), vectorizer.analyzer, tuple(vectorizer.ngram_range), article.text)
    found = _recall(_LOOKUP_CACHE, key)
    if found is not None and found[0] is vocabulary:
        return found[1]
    lookup = ArticleLookup(vectorizer, article)
    _remember(_LOOKUP_CACHE, key, (vocabulary, lookup))
    return lookup


def tfidf_from_counts(vectorizer: TfidfNgrams, counters: Sequence[Counter], normalise: bool = True
                      ) -> sparse.csr_matrix:
    """Sublinear tf x idf rows (l2-normalised unless `normalise` is False) from n-gram counts, with vectorised
    vocabulary look-ups: the same numbers as `TfidfNgrams.transform`."""
    vocabulary = vectorizer.vocabulary_
    idf = np.asarray(vectorizer.idf_, dtype=np.float64)
    column_chunks, value_chunks, indptr = [], [], [0]
    for counts in counters:
        columns = np.fromiter(map(vocabulary.get, counts.keys(), repeat(-1)), dtype=np.int64, count=len(counts))
        values = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        known = columns >= 0
        columns = columns[known]
        values = (1.0 + np.log(values[known])) * idf[columns]
        if normalise:
            norm = float(np.sqrt(values @ values))
            if norm > 0:
                values /= norm
        column_chunks.append(columns)
        value_chunks.append(values)
        indptr.append(indptr[-1] + len(columns))
    data = np.concatenate(value_chunks) if value_chunks else np.zeros(0)
    indices = np.concatenate(column_chunks) if column_chunks else np.zeros(0, dtype=np.int64)
    return sparse.csr_matrix((data, indices, np.asarray(indptr)), shape=(len(counters), len(vocabulary)))


def tfidf_rows(vectorizer: TfidfNgrams, texts: Sequence[str], normalise: bool = True) -> sparse.csr_matrix:
    """The same numbers as `vectorizer.transform(texts)` (or its rows before l2-normalising)."""
    return tfidf_from_counts(vectorizer, [Counter(vectorizer.analyse(text)) for text in texts], normalise)


def word_count(article: Article) -> int:
    return len(article.text.split())


def typical_min_words(articles: Sequence[Article]) -> float:
    """The word count 99% of a model's training articles reach (their 1st percentile), kept with the model so
    that a much shorter text, unlike anything it learned from, can be flagged (`short_text_warning`)."""
    return float(np.percentile([word_count(a) for a in articles], 1))


def short_text_warning(article: Article, subject: str, min_words: float | None) -> None:
    """Warn on `article` when it is shorter than 99% of the articles behind `subject` (the genre or frames model's
    training articles, the score's reference corpus): such a text lies outside what they cover, and a guess
    driven by length can then be confidently wrong."""
    words = word_count(article)
    if min_words is None or words >= min_words:
        return
    message = (f"the text is short ({words} words) for the {subject}: 99% of the articles behind it have at "
               f"least {int(min_words)}, so read the {subject} as a rough guess")
    if message not in article.warnings:
        article.warnings.append(message)


def article_text(article: Article) -> str:
    """The text the n-gram models read: title + body."""
    return article.text


def ensure_segmented(article: Article) -> Article:
    if not article.paragraphs and article.text.strip():
        from ..segment import segment

        segment(article)
    return article


def clear_caches() -> None:
    """Forget every cached tokenisation and look-up (benchmarks use it so no run profits from an earlier one)."""
    with _CACHE_LOCK:
        _TOKEN_CACHE.clear()
        _LOOKUP_CACHE.clear()
        _IDS_CACHE.clear()
