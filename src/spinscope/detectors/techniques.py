"""Persuasion-technique detector: paragraph labels (SemEval-2023 subtask 3) plus tight, explained spans.

Design (chosen by article-grouped cross-validation, see experiments/techniques/RESULTS.md):
  * Two sparse linear models per technique and language, over word and character n-gram TF-IDF plus hand-written
    style cues (`features.py`): a SENTENCE model, trained on sentences labelled from the gold spans, and a
    PARAGRAPH model, trained on the paragraph labels.
  * A small per-technique combiner (logistic regression on the paragraph model's score, the best sentence score and
    the article's average of both) turns them into one calibrated paragraph probability. The combiner, the
    sentence-score calibration and the decision thresholds are all fitted on out-of-fold scores from INNER
    article-grouped folds of the training data, never on the data being predicted.
  * Every predicted paragraph technique is backed by spans: the paragraph's best sentence for that technique (and
    any other sentence above the technique's sentence threshold). A sentence longer than `max_span_words` (or any
    sentence with `trim_spans=True`) is cut to the run of words carrying the most model weight when the
    technique's gold spans are typically short (loaded words, labels). Whole sentences scored better in CV than
    always trimming (any-overlap span F1 0.54 vs 0.40), so only long sentences are trimmed by default.
    A span's confidence is the calibrated probability that its sentence holds a gold span of the technique.
  * With `span_tagger=True` (the default) the spans come instead from a token-level CRF (`span_tagger.py`)
    trained on the gold span offsets, with the sentence and paragraph probabilities above as evidence. Its
    decoding threshold, the joining of nearby pieces, whether it only tags paragraphs that got a label, and the
    span-confidence calibration are chosen on the tagger's out-of-fold marginals from the same inner folds. Each
    tagged span is labelled with the paragraph technique most likely in its sentence; a paragraph label with no
    tagged span of its own is backed by the tagged span of the best sentence for it (or, if the tagger found
    nothing in the paragraph, the sentence span as above). Paragraph labels depend on the tagger only through
    the encoder's paragraph stage (below).
  * Where static word vectors exist for the language (`static_vectors.py`; English ships them), the sentence and
    paragraph rows also get the IDF-weighted mean of their words' vectors (`embedding_weight`,
    `embedding_sentences`), and the tagger reads each token's word classes (`tagger_word_classes`): +0.011
    paragraph micro-F1 and +0.026 SI span F1 in English CV (experiments/embeddings/RESULTS.md).
  * Where a fine-tuned span encoder exists for the language (`span_encoder.py`; English ships one), the tagger's
    per-word P(inside) is mixed with the encoder's (`encoder_weight`) and words are inside from
    `encoder_threshold`. The encoder is fine-tuned separately (`spinscope train span-encoder`, with torch), so
    fitting this detector neither needs nor uses it; the mix and its threshold were chosen on outer folds with
    fold-wise encoders (experiments/techniques/RESULTS.md, "Span encoder"). The encoder reads only the
    sentences where the CRF's P(inside) reaches `encoder_gate` somewhere (with a little text around them): a
    quarter fewer sub-words at the same span F1 (RESULTS.md, "Decoding and gating"). When the encoder carries a
    `paragraph_stage.ParagraphStage` (fitted on out-of-fold evidence, stored with it), the paragraphs' labels
    and scores are re-decided from the paragraph model's probability plus the taggers' evidence (RESULTS.md,
    "Paragraph stage"); span confidences keep reading the paragraph model's own probabilities.
Analysis needs numpy/scipy/python-crfsuite, and onnxruntime/tokenizers for the span encoder. Weights are stored
pickle-free (JSON + .npz, CRFsuite's own model file, gzip-compressed, and the encoder's ONNX file).
"""

from __future__ import annotations

import gzip
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import scipy.sparse as sp

from ..data import paragraph_labels_from_spans
from ..errors import ModelError
from ..segment import segment
from ..taxonomy import BY_NAME, TECHNIQUE_NAMES
from ..types import Article
from . import paragraph_stage, span_encoder, span_tagger, static_vectors
from .base import PARAMS_FILE, Detector, undone_on_failure
from .static_vectors import StaticVectors
from .features import (STYLE_FEATURE_NAMES, ArticleContext, TfidfNgrams, WORD_RE, style_features)

WEIGHTS_FILE = "weights.{}.npz"
TAGGER_FILE = "tagger.{}.crfsuite.gz"
VOCAB_FILE = "vocabulary.{}.json"
COMBINER_FEATURES = ("paragraph", "best_sentence", "article_paragraph_mean", "article_sentence_mean")


# ----------------------------------------------------------------------------------------------------------------
# data preparation


@dataclass
class _Unit:
    """The sentences and paragraphs of one article with their (gold) labels."""

    article: Article
    context: ArticleContext
    paragraph_rows: list[int]  # paragraph indices (into article.paragraphs)
    sentence_paragraph: list[int]  # for each sentence: position in paragraph_rows
    sentence_bounds: list[tuple[int, int]]
    paragraph_labels: list[set[str]] = field(default_factory=list)
    sentence_labels: list[set[str]] = field(default_factory=list)


def _prepare(article: Article, with_labels: bool) -> _Unit:
    if not article.paragraphs:
        segment(article)
    paragraph_rows = list(range(len(article.paragraphs)))
    sentences = article.sentences
    unit = _Unit(article, ArticleContext(article.text), paragraph_rows,
                 [s.paragraph for s in sentences], [(s.start, s.end) for s in sentences])
    # a paragraph the sentence splitter left without sentences still needs one unit to be scored
    covered = set(unit.sentence_paragraph)
    for index, paragraph in enumerate(article.paragraphs):
        if index not in covered:
            unit.sentence_paragraph.append(index)
            unit.sentence_bounds.append((paragraph.start, paragraph.end))
    if with_labels:
        spans = article.gold.get("spans") or []
        by_line = article.gold.get("paragraphs") or paragraph_labels_from_spans(article.text, spans)
        unit.paragraph_labels = [set(by_line.get(p.line, [])) for p in article.paragraphs]
        unit.sentence_labels = [{t for t, s, e in spans if min(e, end) - max(s, start) >= min(3, e - s)}
                                for start, end in unit.sentence_bounds]
    return unit


def _has_labels(article: Article) -> bool:
    return bool(article.gold.get("paragraphs") or article.gold.get("spans"))


# ----------------------------------------------------------------------------------------------------------------
# the per-language model


class _LanguageModel:
    """Everything learned for one language. Arrays only, so it saves to .npz without pickle."""

    def __init__(self, options: dict[str, Any]):
        self.options = options
        self.techniques: list[str] = []  # techniques with enough training examples to model
        self.word: TfidfNgrams | None = None
        self.char: TfidfNgrams | None = None
        self.sentence_coef = np.zeros((0, 0), np.float32)  # features x techniques
        self.sentence_bias = np.zeros(0, np.float32)
        self.paragraph_coef = np.zeros((0, 0), np.float32)
        self.paragraph_bias = np.zeros(0, np.float32)
        self.combiner_coef = np.zeros((0, len(COMBINER_FEATURES)), np.float32)  # techniques x combiner features
        self.combiner_bias = np.zeros(0, np.float32)
        self.sentence_calibration = np.zeros((0, 2), np.float32)  # techniques x (slope, intercept)
        self.thresholds = np.zeros(0, np.float32)  # paragraph probability thresholds
        self.sentence_thresholds = np.zeros(0, np.float32)  # calibrated sentence probability for extra spans
        self.span_words = np.zeros(0, np.float32)  # typical (75th percentile) gold span length in words; 0 = sentence
        # the token-level span tagger (span_tagger=True): CRFsuite model bytes, decoding settings
        # (threshold on P(inside), gap of tokens joined, 1 = only in flagged paragraphs, 1 = whole-sentence
        # spans) and the span-confidence
        # calibration (coefficients of logit mean P(inside), logit sentence prob, logit paragraph prob; bias)
        self.tagger: bytes | None = None
        self.tagger_settings = np.zeros(4, np.float32)
        self.tagger_calibration = np.zeros(4, np.float32)
        self._crf: span_tagger.CrfTagger | None = None
        # static word vectors (`static_vectors.py`): dense sentence/paragraph blocks and the tagger's word classes;
        # None = n-grams and style only. Saved as the array "embedding_weight": (weight, sentences?, classes?)
        self.vectors: StaticVectors | None = None
        self.embedding_weight = 0.0
        self.embedding_sentences = False  # the sentence rows get their own embedding too
        self.tagger_word_classes = False  # the span tagger reads the vectors' word classes

    def __getstate__(self) -> dict[str, Any]:  # the CRFsuite tagger handle is rebuilt from the bytes on demand
        return {**self.__dict__, "_crf": None}

    def crf(self) -> span_tagger.CrfTagger:
        if self._crf is None:
            self._crf = span_tagger.CrfTagger(self.tagger)
        return self._crf

    # ---- features ----

    @staticmethod
    def _texts(units: Sequence[_Unit]) -> tuple[list[str], list[str]]:
        sentences, paragraphs = [], []
        for unit in units:
            text = unit.article.text
            sentences.extend(text[s:e] for s, e in unit.sentence_bounds)
            paragraphs.extend(text[p.start:p.end] for p in unit.article.paragraphs)
        return sentences, paragraphs

    def fit_vocabulary(self, units: Sequence[_Unit]) -> None:
        _, paragraphs = self._texts(units)
        o = self.options
        self.word = TfidfNgrams("word", o["word_ngrams"], o["min_df"], o["max_word_features"]).fit(paragraphs)
        if o["char_ngrams"]:
            self.char = TfidfNgrams("char_wb", o["char_ngrams"], o["min_df"], o["max_char_features"]).fit(paragraphs)

    def _ngram_blocks(self, sentences: list[str], membership: sp.csr_matrix) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """TF-IDF rows for the sentences and for the paragraphs. A paragraph's counts are the sum of its
        sentences' counts (sentences split at spaces, so no n-gram is lost but word pairs across a sentence
        boundary), which analyses each text once."""
        sentence_blocks, paragraph_blocks = [], []
        for vectoriser, weight in ((self.word, 1.0), (self.char, self.options["char_weight"])):
            if vectoriser is None:
                continue
            counts = vectoriser.counts(sentences)
            sentence_blocks.append(vectoriser.weight(counts) * weight)
            paragraph_blocks.append(vectoriser.weight(membership @ counts) * weight)
        return sp.hstack(sentence_blocks, format="csr"), sp.hstack(paragraph_blocks, format="csr")

    def features(self, units: Sequence[_Unit]) -> tuple[sp.csr_matrix, sp.csr_matrix, np.ndarray, np.ndarray]:
        """Sentence matrix, paragraph matrix, the paragraph row of each sentence row, the unit of each paragraph."""
        sentences, _ = self._texts(units)
        offsets = np.cumsum([0] + [len(u.article.paragraphs) for u in units])
        all_owners = (np.concatenate([np.asarray(u.sentence_paragraph, np.int64) + offsets[i]
                                      for i, u in enumerate(units)]) if units else np.zeros(0, np.int64))
        # paragraph row x sentence row: a paragraph's counts are the sum of its sentences'
        membership = sp.csr_matrix((np.ones(len(all_owners), np.float32), (all_owners, np.arange(len(all_owners)))),
                                   shape=(int(offsets[-1]), len(all_owners)))
        sentence_ngrams, paragraph_ngrams = self._ngram_blocks(sentences, membership)
        sentence_style, paragraph_style = [], []
        for unit in units:
            text, first = unit.article.text, unit.article.paragraphs[0].line if unit.article.paragraphs else 0
            lines = [p.line for p in unit.article.paragraphs]
            for (s, e), p in zip(unit.sentence_bounds, unit.sentence_paragraph):
                sentence_style.append(style_features(text, s, e, unit.context, lines[p] == first))
            for paragraph in unit.article.paragraphs:
                paragraph_style.append(style_features(text, paragraph.start, paragraph.end, unit.context,
                                                      paragraph.line == first))
        width = len(STYLE_FEATURE_NAMES)
        weight = self.options["style_weight"]
        sentence_style = sp.csr_matrix(np.vstack(sentence_style) * weight if sentence_style else np.zeros((0, width)))
        paragraph_style = sp.csr_matrix(np.vstack(paragraph_style) * weight if paragraph_style
                                        else np.zeros((0, width)))
        blocks = [sentence_ngrams, sentence_style]
        if self.options["context_weight"] > 0:
            # the surrounding paragraph, so a sentence is read in its context
            blocks.append(paragraph_ngrams[all_owners] * self.options["context_weight"])
        paragraph_blocks = [paragraph_ngrams, paragraph_style]
        if self.vectors is not None and self.embedding_weight > 0:
            word_weights = self.vectors.word_weights(sentences)
            embedding = self.vectors.embed_weights(membership @ word_weights)
            paragraph_blocks.append(sp.csr_matrix(embedding * self.embedding_weight))
            if self.embedding_sentences:
                blocks.append(sp.csr_matrix(self.vectors.embed_weights(word_weights) * self.embedding_weight))
        sentence_matrix = sp.hstack(blocks, format="csr", dtype=np.float32)
        paragraph_matrix = sp.hstack(paragraph_blocks, format="csr", dtype=np.float32)
        paragraph_article = np.repeat(np.arange(len(units)), [len(u.article.paragraphs) for u in units])
        return sentence_matrix, paragraph_matrix, all_owners, paragraph_article

    # ---- learning ----

    def _fit_linear(self, X: sp.csr_matrix, Y: np.ndarray, C: float) -> tuple[np.ndarray, np.ndarray]:
        # scikit-learn is needed to train only; analysis runs on numpy/scipy (and starts faster without it)
        from sklearn.linear_model import LogisticRegression, SGDClassifier

        coef = np.zeros((X.shape[1], Y.shape[1]), np.float32)
        bias = np.zeros(Y.shape[1], np.float32)
        for j in range(Y.shape[1]):
            y = Y[:, j]
            if y.sum() == 0:
                bias[j] = -10.0
                continue
            if self.options["solver"] == "sgd":
                # plain SGD on the logistic loss: as good as liblinear here (held-out AP within +-0.01) and
                # 3-5x faster; its scores are recalibrated on out-of-fold data anyway
                model = SGDClassifier(loss="log_loss", alpha=1.0 / (C * X.shape[0]), max_iter=10, tol=None,
                                      class_weight=self.options["class_weight"], random_state=self.options["seed"])
            else:
                model = LogisticRegression(C=C, solver="liblinear", dual=True, max_iter=1000,
                                           class_weight=self.options["class_weight"])
            model.fit(X, y)
            coef[:, j] = model.coef_[0]
            bias[j] = model.intercept_[0]
        return coef, bias

    def fit_linear_models(self, X_sent: sp.csr_matrix, X_par: sp.csr_matrix, Y_sent: np.ndarray,
                          Y_par: np.ndarray) -> None:
        self.sentence_coef, self.sentence_bias = self._fit_linear(X_sent, Y_sent, self.options["C_sentence"])
        self.paragraph_coef, self.paragraph_bias = self._fit_linear(X_par, Y_par, self.options["C_paragraph"])

    def _targets(self, units: Sequence[_Unit]) -> tuple[np.ndarray, np.ndarray]:
        index = {t: j for j, t in enumerate(self.techniques)}
        sentence_labels = [labels for unit in units for labels in unit.sentence_labels]
        paragraph_labels = [labels for unit in units for labels in unit.paragraph_labels]
        Y_sent = np.zeros((len(sentence_labels), len(self.techniques)), np.int8)
        Y_par = np.zeros((len(paragraph_labels), len(self.techniques)), np.int8)
        for i, labels in enumerate(sentence_labels):
            for t in labels:
                if t in index:
                    Y_sent[i, index[t]] = 1
        for i, labels in enumerate(paragraph_labels):
            for t in labels:
                if t in index:
                    Y_par[i, index[t]] = 1
        return Y_sent, Y_par

    def raw_scores(self, X_sent: sp.csr_matrix, X_par: sp.csr_matrix, owners: np.ndarray,
                   paragraph_article: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Sentence decisions and the combiner inputs per paragraph (paragraphs x techniques x features).

        owners: the paragraph row of each sentence row; paragraph_article: the article of each paragraph row."""
        sentence_scores = np.asarray(X_sent @ self.sentence_coef) + self.sentence_bias
        paragraph_scores = np.asarray(X_par @ self.paragraph_coef) + self.paragraph_bias
        n_par, n_tech = paragraph_scores.shape
        best = np.full((n_par, n_tech), -np.inf, np.float32)
        np.maximum.at(best, owners, sentence_scores)
        empty = np.isinf(best)
        best[empty] = paragraph_scores[empty]
        inputs = np.zeros((n_par, n_tech, len(COMBINER_FEATURES)), np.float32)
        inputs[:, :, 0] = paragraph_scores
        inputs[:, :, 1] = best
        if n_par:
            _, first, sizes = np.unique(paragraph_article, return_index=True, return_counts=True)
            for start, size in zip(first, sizes):
                inputs[start:start + size, :, 2] = paragraph_scores[start:start + size].mean(axis=0)
                inputs[start:start + size, :, 3] = best[start:start + size].mean(axis=0)
        return sentence_scores, inputs

    def probabilities(self, inputs: np.ndarray) -> np.ndarray:
        z = np.einsum("ptf,tf->pt", inputs, self.combiner_coef) + self.combiner_bias
        return 1 / (1 + np.exp(-np.clip(z, -30, 30)))

    def sentence_probabilities(self, sentence_scores: np.ndarray) -> np.ndarray:
        z = sentence_scores * self.sentence_calibration[:, 0] + self.sentence_calibration[:, 1]
        return 1 / (1 + np.exp(-np.clip(z, -30, 30)))

    # ---- storage ----

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        # dense float16: nearly every weight is non-zero, so this is smaller than a sparse layout
        arrays = {f"{prefix}sentence_coef": self.sentence_coef.astype(np.float16),
                  f"{prefix}paragraph_coef": self.paragraph_coef.astype(np.float16)}
        for key in ("sentence_bias", "paragraph_bias", "combiner_coef", "combiner_bias", "sentence_calibration",
                    "thresholds", "sentence_thresholds", "span_words"):
            arrays[f"{prefix}{key}"] = np.asarray(getattr(self, key), np.float32)
        if self.tagger is not None:
            arrays[f"{prefix}tagger_settings"] = np.asarray(self.tagger_settings, np.float32)
            arrays[f"{prefix}tagger_calibration"] = np.asarray(self.tagger_calibration, np.float32)
        if self.vectors is not None and (self.embedding_weight > 0 or self.tagger_word_classes):
            arrays[f"{prefix}embedding_weight"] = np.asarray(
                [self.embedding_weight, self.embedding_sentences, self.tagger_word_classes], np.float32)
        arrays[f"{prefix}word_idf"] = self.word.idf_
        if self.char is not None:
            arrays[f"{prefix}char_idf"] = self.char.idf_
        return arrays

    def vocabulary(self) -> dict[str, Any]:
        return {"techniques": self.techniques, "word": self.word.to_record()[0],
                "char": self.char.to_record()[0] if self.char is not None else None}

    @classmethod
    def restore(cls, options: dict[str, Any], vocabulary: dict[str, Any], arrays, prefix: str) -> "_LanguageModel":
        model = cls(options)
        model.techniques = list(vocabulary["techniques"])
        model.word = TfidfNgrams.from_record(vocabulary["word"], arrays[f"{prefix}word_idf"])
        if vocabulary.get("char"):
            model.char = TfidfNgrams.from_record(vocabulary["char"], arrays[f"{prefix}char_idf"])
        for key in ("sentence_coef", "paragraph_coef"):
            setattr(model, key, np.asarray(arrays[f"{prefix}{key}"], np.float32))
        for key in ("sentence_bias", "paragraph_bias", "combiner_coef", "combiner_bias", "sentence_calibration",
                    "thresholds", "sentence_thresholds", "span_words"):
            setattr(model, key, np.asarray(arrays[f"{prefix}{key}"], np.float32))
        for key in ("tagger_settings", "tagger_calibration"):
            if f"{prefix}{key}" in arrays:
                setattr(model, key, np.asarray(arrays[f"{prefix}{key}"], np.float32))
        if f"{prefix}embedding_weight" in arrays:
            weight, sentences, classes = arrays[f"{prefix}embedding_weight"].tolist()
            model.embedding_weight, model.embedding_sentences, model.tagger_word_classes = (
                weight, bool(sentences), bool(classes))
        return model

    def attach_vectors(self, language: str, required: bool) -> None:
        """Use the static word vectors of `language` (from the `static_vectors` option) when there are any.
        Fitting (required=False) takes them when the options ask for them and they exist; a restored model
        (required=True) that was fitted with them refuses to run without them."""
        wanted = self.options.get("embedding_weight", 0) > 0 or self.options.get("tagger_word_classes")
        if not required and not wanted:
            return
        self.vectors = static_vectors.load_for_language(self.options.get("static_vectors"), language)
        if self.vectors is None:
            if required:
                raise ModelError(f"the {language!r} technique model needs static word vectors, which are missing")
            return
        if not required:
            self.embedding_weight = max(float(self.options.get("embedding_weight", 0)), 0.0)
            self.embedding_sentences = bool(self.options.get("embedding_sentences")) and self.embedding_weight > 0
            self.tagger_word_classes = bool(self.options.get("tagger_word_classes")) and self.vectors.classes is not None

    def word_classes(self) -> dict[str, list[str]] | None:
        return self.vectors.word_classes() if self.tagger_word_classes and self.vectors is not None else None


# ----------------------------------------------------------------------------------------------------------------
# calibration helpers


def _fit_platt(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Logistic regression of y on the columns of x (lightly regularised): calibrated probabilities."""
    if y.sum() == 0 or y.sum() == len(y):
        return np.zeros(x.shape[1], np.float32), -10.0 if y.sum() == 0 else 10.0
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1.0, solver="lbfgs", max_iter=500)
    model.fit(x, y)
    return model.coef_[0].astype(np.float32), float(model.intercept_[0])


def best_f1_threshold(probabilities: np.ndarray, y: np.ndarray, floor: float = 0.05) -> float:
    """The probability threshold that maximises F1 on (out-of-fold) scores; 1.0 (never) without positives."""
    positives = int(y.sum())
    if positives == 0:
        return 1.0
    order = np.argsort(-probabilities, kind="stable")
    sorted_p, sorted_y = probabilities[order], y[order]
    tp = np.cumsum(sorted_y)
    k = np.arange(1, len(sorted_y) + 1)
    f1 = 2 * tp / (k + positives)
    # only cut between distinct scores
    valid = np.r_[sorted_p[1:] < sorted_p[:-1], True]
    f1 = np.where(valid, f1, -1)
    best = int(np.argmax(f1))
    if f1[best] <= 0:
        return 1.0
    upper = sorted_p[best]
    lower = sorted_p[best + 1] if best + 1 < len(sorted_p) else 0.0
    return float(max(floor, (upper + lower) / 2))


def choose_thresholds(probabilities: np.ndarray, labels: np.ndarray, objective: str = "micro",
                      floor: float = 0.1) -> np.ndarray:
    """Per-technique paragraph thresholds from out-of-fold probabilities.

    "per_technique": each technique's own best F1. "micro": start there, then coordinate ascent on the pooled
    micro-F1 over all (paragraph, technique) pairs (the subtask-3 metric), which trades rare techniques' recall
    for precision."""
    n_tech = labels.shape[1]
    thresholds = np.asarray([best_f1_threshold(probabilities[:, j], labels[:, j], floor) for j in range(n_tech)],
                            np.float32)
    if objective == "per_technique":
        return thresholds
    if objective != "micro":
        raise ValueError(f"unknown threshold objective {objective!r}")
    candidates, counts = [], []
    for j in range(n_tech):
        p, y = probabilities[:, j], labels[:, j].astype(bool)
        grid = np.unique(np.r_[np.quantile(p[p >= floor], np.linspace(0, 1, 60)) if (p >= floor).any() else [],
                               thresholds[j], 1.0].astype(np.float32))
        grid = grid[grid >= floor]
        tp = np.asarray([(y & (p >= g)).sum() for g in grid])
        predicted = np.asarray([(p >= g).sum() for g in grid])
        candidates.append(grid)
        counts.append((tp, predicted - tp, y.sum() - tp))  # tp, fp, fn per candidate
    choice = [int(np.argmin(np.abs(candidates[j] - thresholds[j]))) for j in range(n_tech)]
    for _ in range(3):
        for j in range(n_tech):
            totals = [sum(counts[k][m][choice[k]] for k in range(n_tech) if k != j) for m in range(3)]
            tp, fp, fn = (totals[m] + counts[j][m] for m in range(3))
            f1 = 2 * tp / np.maximum(1, 2 * tp + fp + fn)
            choice[j] = int(np.argmax(f1))
    return np.asarray([candidates[j][choice[j]] for j in range(n_tech)], np.float32)


def _group_folds(groups: Sequence[str], n_folds: int, seed: int) -> list[np.ndarray]:
    """Article-grouped folds: shuffled groups dealt round-robin (reproducible with `seed`)."""
    unique = sorted(set(groups))
    rng = np.random.default_rng(seed)
    rng.shuffle(unique)
    fold_of = {g: i % n_folds for i, g in enumerate(unique)}
    assignment = np.asarray([fold_of[g] for g in groups])
    return [np.flatnonzero(assignment == k) for k in range(n_folds)]


# ----------------------------------------------------------------------------------------------------------------
# the detector


class TechniqueDetector(Detector):
    """Finds the 23 SemEval-2023 persuasion techniques per paragraph and marks the words that carry them."""

    name = "techniques"

    def __init__(self, languages: Sequence[str] = ("en",), word_ngrams: Sequence[int] = (1, 2),
                 char_ngrams: Sequence[int] | None = (3, 5), max_word_features: int | None = 60000,
                 max_char_features: int | None = 40000, min_df: int = 2, char_weight: float = 1.0,
                 style_weight: float = 1.0, context_weight: float = 0.0, solver: str = "sgd",
                 C_sentence: float = 0.5, C_paragraph: float = 1.0, class_weight: str | None = "balanced",
                 inner_folds: int = 3,
                 min_positives: int = 8, threshold_objective: str = "micro", threshold_floor: float = 0.1,
                 trim_spans: bool = False, max_span_words: int = 45, span_confidence: str = "sentence",
                 weight_keep: float = 1.0, span_tagger: bool = True, tagger_c1: float = 0.2,
                 tagger_c2: float = 0.01, tagger_iterations: int = 100, tagger_backfill: bool = True,
                 tagger_min_gain: float = 0.02, embedding_weight: float = 1.0, embedding_sentences: bool = True,
                 tagger_word_classes: bool = True, static_vectors: str | None = None,
                 encoder_weight: float = 0.5, encoder_threshold: float = 0.25, encoder_gate: float = 0.02,
                 span_encoder: str | None = None, seed: int = 0):
        self.languages = languages
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.max_word_features = max_word_features
        self.max_char_features = max_char_features
        self.min_df = min_df
        self.char_weight = char_weight
        self.style_weight = style_weight
        self.context_weight = context_weight
        self.solver = solver
        self.C_sentence = C_sentence
        self.C_paragraph = C_paragraph
        self.class_weight = class_weight
        self.inner_folds = inner_folds
        self.min_positives = min_positives
        self.threshold_objective = threshold_objective
        self.threshold_floor = threshold_floor
        self.trim_spans = trim_spans
        self.max_span_words = max_span_words
        self.span_confidence = span_confidence
        self.weight_keep = weight_keep
        self.span_tagger = span_tagger
        self.tagger_c1 = tagger_c1
        self.tagger_c2 = tagger_c2
        self.tagger_iterations = tagger_iterations
        self.tagger_backfill = tagger_backfill
        self.tagger_min_gain = tagger_min_gain
        # > 0: paragraphs (and with embedding_sentences, sentences) also get the IDF-weighted mean of static word
        # vectors, for languages that have vectors; static_vectors: their folder (None = the ones in the package)
        self.embedding_weight = embedding_weight
        self.embedding_sentences = embedding_sentences
        # the span tagger also reads the word classes of the static vectors (languages that have them)
        self.tagger_word_classes = tagger_word_classes
        self.static_vectors = static_vectors
        # > 0: where a language has a fine-tuned span encoder (`span_encoder.py`; span_encoder: the folder holding
        # <language>/, None = the package's), the tagger's per-word P(inside) is this share the encoder's, and
        # words are inside from encoder_threshold (the CRF's own threshold applies without an encoder)
        self.encoder_weight = encoder_weight
        self.encoder_threshold = encoder_threshold
        # the encoder skips sentences whose largest CRF P(inside) is below this (they are decoded by the CRF
        # alone at its own threshold): fewer windows to run for a little span F1
        self.encoder_gate = encoder_gate
        self.span_encoder = span_encoder
        self.seed = seed

    # ---- training ----

    @undone_on_failure
    def fit(self, articles: list[Article], **kwargs) -> "TechniqueDetector":
        languages = [language for language in self.languages]
        if not languages:
            raise ModelError("no languages to train the technique detector on")
        models: dict[str, _LanguageModel] = {}
        for language in languages:
            chosen = [a for a in articles if _has_labels(a) and (a.language or "en") == language]
            if not chosen:
                raise ModelError(f"no labelled {language!r} articles to train the technique detector on")
            models[language] = self._fit_language(chosen, language)
        self.models_ = models
        self.languages_ = list(models)
        self.version_ = f"techniques-linear-{'2-crf' if self.span_tagger else '1'}+{'-'.join(self.languages_)}"
        return self

    def _fit_language(self, articles: list[Article], language: str) -> _LanguageModel:
        options = self.get_params()
        units = [_prepare(a, with_labels=True) for a in articles]
        model = _LanguageModel(options)
        model.attach_vectors(language, required=False)
        counts = {t: sum(t in labels for u in units for labels in u.paragraph_labels) for t in TECHNIQUE_NAMES}
        model.techniques = [t for t in TECHNIQUE_NAMES if counts[t] >= self.min_positives]
        model.fit_vocabulary(units)
        n_tech = len(model.techniques)

        # out-of-fold scores from inner article-grouped folds: the combiner, calibration and thresholds learn
        # from scores of articles the linear models did not see
        X_sent, X_par, owners, paragraph_article = model.features(units)
        Y_sent, Y_par = model._targets(units)
        sentence_article = paragraph_article[owners]
        sentence_oof = np.zeros((X_sent.shape[0], n_tech), np.float32)
        inputs_oof = np.zeros((X_par.shape[0], n_tech, len(COMBINER_FEATURES)), np.float32)
        folds = _group_folds([u.article.id or str(i) for i, u in enumerate(units)], self.inner_folds, self.seed)
        for held_out in folds:
            test_par = np.isin(paragraph_article, held_out)
            test_sent = np.isin(sentence_article, held_out)
            inner = _LanguageModel(options)
            inner.techniques = model.techniques
            inner.fit_linear_models(X_sent[~test_sent], X_par[~test_par], Y_sent[~test_sent], Y_par[~test_par])
            # owners of the held-out sentences, renumbered to the held-out paragraph rows
            renumber = np.cumsum(test_par) - 1
            sentence_scores, inputs = inner.raw_scores(X_sent[test_sent], X_par[test_par],
                                                       renumber[owners[test_sent]], paragraph_article[test_par])
            sentence_oof[test_sent] = sentence_scores
            inputs_oof[test_par] = inputs

        model.combiner_coef = np.zeros((n_tech, len(COMBINER_FEATURES)), np.float32)
        model.combiner_bias = np.zeros(n_tech, np.float32)
        model.sentence_calibration = np.zeros((n_tech, 2), np.float32)
        for j in range(n_tech):
            coef, bias = _fit_platt(inputs_oof[:, j, :], Y_par[:, j])
            model.combiner_coef[j], model.combiner_bias[j] = coef, bias
            slope, intercept = _fit_platt(sentence_oof[:, j:j + 1], Y_sent[:, j])
            model.sentence_calibration[j] = (slope[0], intercept)
        paragraph_probabilities = model.probabilities(inputs_oof)
        sentence_probabilities = model.sentence_probabilities(sentence_oof)
        model.thresholds = choose_thresholds(paragraph_probabilities, Y_par, self.threshold_objective,
                                             self.threshold_floor)
        model.sentence_thresholds = np.asarray(
            [max(0.5, best_f1_threshold(sentence_probabilities[:, j], Y_sent[:, j], self.threshold_floor))
             for j in range(n_tech)], np.float32)
        model.span_words = self._typical_span_words(units, model.techniques)
        # kept in memory (not saved) so experiments can compare threshold rules without refitting
        self.oof_ = getattr(self, "oof_", {})
        self.oof_[language] = {"paragraph_probabilities": paragraph_probabilities, "paragraph_labels": Y_par}

        if self.span_tagger and n_tech:  # a tagged span needs a technique to be labelled with
            self.oof_[language]["tagger_inner_si_f1"] = self._fit_tagger(
                model, units, sentence_probabilities, paragraph_probabilities, owners, sentence_article, folds,
                language)
        model.fit_linear_models(X_sent, X_par, Y_sent, Y_par)
        if self.weight_keep < 1.0:
            _prune(model, self.weight_keep)
        # the weights are stored in half precision (`arrays`): round them now, so this model predicts exactly as
        # the saved one (the calibrations and thresholds above were fitted on the inner models' scores, not these)
        for key in ("sentence_coef", "paragraph_coef"):
            setattr(model, key, getattr(model, key).astype(np.float16).astype(np.float32))
        return model

    def _fit_tagger(self, model: _LanguageModel, units: Sequence[_Unit], sentence_probabilities: np.ndarray,
                    paragraph_probabilities: np.ndarray, owners: np.ndarray, sentence_article: np.ndarray,
                    folds: Sequence[np.ndarray], language: str) -> float:
        """The CRF span tagger. Its sentence-level evidence comes from the out-of-fold probabilities (as it will
        at analysis time from models that did not see the article); the decoding threshold, gap joining, the
        restriction to flagged paragraphs and the span-confidence calibration are chosen on the tagger's own
        out-of-fold marginals from the same inner article-grouped folds."""
        from ..evaluation.metrics import span_identification_scores

        chosen = paragraph_probabilities >= model.thresholds
        word_classes = model.word_classes()
        rows, gold = [], {}
        r = 0
        for unit_index, unit in enumerate(units):
            text = unit.article.text
            spans = unit.article.gold.get("spans") or []
            merged = span_tagger.merge((s, e) for _, s, e in spans)
            gold[unit_index] = [tuple(x) for x in spans]
            for start, end in unit.sentence_bounds:
                tokens = span_tagger.tokenize(text, start, end)
                i = owners[r]
                features = span_tagger.sentence_features(text, tokens, span_tagger.evidence(
                    sentence_probabilities[r], paragraph_probabilities[i], chosen[i], model.techniques),
                    word_classes)
                rows.append((tokens, features, span_tagger.token_labels(tokens, merged)))
                r += 1

        def train_on(mask: np.ndarray) -> bytes:
            return span_tagger.train_crf([(f, y) for (t, f, y), m in zip(rows, mask) if m and t],
                                         self.tagger_c1, self.tagger_c2, self.tagger_iterations)

        marginals: list[tuple[np.ndarray, np.ndarray]] = [(np.zeros(0), np.zeros(0))] * len(rows)
        for held_out in folds:
            test = np.isin(sentence_article, held_out)
            crf = span_tagger.CrfTagger(train_on(~test))
            for row in np.flatnonzero(test):
                marginals[row] = crf.inside_probabilities(rows[row][1])

        flagged = chosen.any(axis=1)[owners]
        texts = [u.article.text for u in units for _ in u.sentence_bounds]
        best, best_f1 = (0.1, 0, 0, 0), -1.0
        for threshold in (0.02, 0.03, 0.04, 0.06, 0.08, 0.1, 0.12, 0.15, 0.2, 0.25, 0.3):
            raw = [span_tagger.decode(text, tokens, inside, begin, threshold)
                   for text, (tokens, _, _), (inside, begin) in zip(texts, rows, marginals)]
            for gap, sentence_mode in ((0, 0), (1, 0), (2, 0), (4, 0), (8, 0), (0, 1)):
                decoded = [span_tagger.shape_spans(text, tokens, spans, gap, bool(sentence_mode))
                           for text, (tokens, _, _), spans in zip(texts, rows, raw)]
                for restrict in (0, 1):
                    predicted: dict[int, list] = {k: [] for k in gold}
                    for row, spans in enumerate(decoded):
                        if not restrict or flagged[row]:
                            predicted[int(sentence_article[row])].extend(("x", s, e) for s, e, _ in spans)
                    f1 = span_identification_scores(gold, predicted)["f1"]
                    if f1 > best_f1:
                        best, best_f1 = (threshold, gap, restrict, sentence_mode), f1
        model.tagger_settings = np.asarray(best, np.float32)
        # a tagger no better than highlighting every sentence says nothing about where the techniques are (in the
        # languages whose gold spans cover most of the text, whole-sentence mode at a low threshold ends up
        # there): keep the sentence spans backing the paragraph labels instead
        everything = {k: [] for k in gold}
        for row, (tokens, _, _) in enumerate(rows):
            if tokens:
                everything[int(sentence_article[row])].append(("x", tokens[0][0], tokens[-1][1]))
        self.oof_.setdefault(language, {})["all_sentences_si_f1"] = baseline = \
            span_identification_scores(gold, everything)["f1"]
        if best_f1 < baseline + self.tagger_min_gain:
            model.tagger = None
            return best_f1

        # confidence: P(the span overlaps a gold span of the technique it is labelled with)
        decoded = [span_tagger.tagged_spans(text, tokens, inside, begin, best[0], best[1], bool(best[3]))
                   for text, (tokens, _, _), (inside, begin) in zip(texts, rows, marginals)]
        inputs, outcomes = [], []
        for row, spans in enumerate(decoded):
            if best[2] and not flagged[row]:
                continue
            unit_gold = gold[int(sentence_article[row])]
            i = owners[row]
            for start, end, mean_inside in spans:
                j = _span_technique(sentence_probabilities[row], chosen[i])
                inputs.append(_tagger_inputs(mean_inside, sentence_probabilities[row, j], paragraph_probabilities[i, j]))
                outcomes.append(any(t == model.techniques[j] and min(end, e) > max(start, s) for t, s, e in unit_gold))
        if inputs:
            coef, bias = _fit_platt(np.asarray(inputs, np.float32), np.asarray(outcomes, np.int8))
            model.tagger_calibration = np.asarray([*coef, bias], np.float32)
        model.tagger = train_on(np.ones(len(rows), bool))
        return best_f1

    @staticmethod
    def _typical_span_words(units: Sequence[_Unit], techniques: Sequence[str]) -> np.ndarray:
        """75th percentile of gold span length in words per technique (0 when spans are usually sentence-long)."""
        lengths: dict[str, list[int]] = {t: [] for t in techniques}
        ratios: dict[str, list[float]] = {t: [] for t in techniques}
        for unit in units:
            text = unit.article.text
            for technique, start, end in unit.article.gold.get("spans") or []:
                if technique in lengths:
                    n = len(WORD_RE.findall(text[start:end]))
                    lengths[technique].append(n)
                    for s, e in unit.sentence_bounds:
                        if s <= start < e:
                            ratios[technique].append(n / max(1, len(WORD_RE.findall(text[s:e]))))
                            break
        typical = []
        for t in techniques:
            if not lengths[t] or (ratios[t] and float(np.median(ratios[t])) > 0.6):
                typical.append(0.0)
            else:
                typical.append(float(np.percentile(lengths[t], 75)))
        return np.asarray(typical, np.float32)

    @property
    def version(self) -> str:
        """The fitted model's version, plus the span encoder when analysis uses one."""
        base = getattr(self, "version_", "unfitted")
        if self.encoder_weight <= 0:
            return base
        encoders = [f"{language}-{encoder.version}" for language in getattr(self, "languages_", ())
                    if (encoder := span_encoder.load_for_language(self.span_encoder, language)) is not None]
        if not encoders:
            return base
        gate = f"-gate{self.encoder_gate:g}" if self.encoder_gate > 0 else ""
        return f"{base}+span-encoder-{'-'.join(encoders)}{gate}"

    # ---- analysis ----

    def _language_for(self, article: Article) -> str:
        if not self.is_fitted:
            raise ModelError("the technique detector is not fitted")
        fallback = _default_language(self.languages_)
        language = article.language or fallback
        return language if language in self.models_ else fallback

    def _model_for(self, article: Article) -> _LanguageModel:
        language = self._language_for(article)
        if article.language and language != article.language:
            article.warnings.append(
                f"the techniques model has no {article.language!r} model; used the {language!r} one")
        return self.models_[language]

    def predict_paragraph_probabilities(self, article: Article) -> dict[int, dict[str, float]]:
        """line -> {technique: calibrated probability} for every paragraph (techniques not modelled get 0), from
        the paragraph models alone (no tagger, so no paragraph stage)."""
        model, *_, probabilities, _ = self._scores(article)
        return {p.line: _all_techniques(model.techniques, probabilities[i])
                for i, p in enumerate(article.paragraphs)}

    def _scores(self, article: Article):
        model = self._model_for(article)
        unit = _prepare(article, with_labels=False)
        X_sent, X_par, owners, paragraph_article = model.features([unit])
        sentence_scores, inputs = model.raw_scores(X_sent, X_par, owners, paragraph_article)
        return (model, unit, X_sent, owners, sentence_scores, model.probabilities(inputs),
                model.sentence_probabilities(sentence_scores))

    def tagger_evidence(self, article: Article) -> tuple[list[str], np.ndarray, np.ndarray | None]:
        """(techniques, paragraph probabilities before any paragraph stage, the taggers' `paragraph_stage.EVIDENCE`
        per paragraph or None without a tagger and encoder): what a `ParagraphStage` is fitted on."""
        model, unit, _, owners, _, probabilities, sentence_probabilities = self._scores(article)
        evidence = None
        if article.paragraphs and self.span_tagger and model.tagger is not None:
            _, evidence = self._tag_spans(article, model, unit, sentence_probabilities, probabilities,
                                          probabilities >= model.thresholds, owners)
        return list(model.techniques), probabilities, evidence

    def annotate(self, article: Article) -> Article:
        if not article.paragraphs:
            segment(article)
        if not article.paragraphs:
            self._model_for(article)  # an unknown language still fails here
            return article
        model, unit, X_sent, owners, sentence_scores, probabilities, sentence_probabilities = self._scores(article)
        chosen_mask = probabilities >= model.thresholds
        tagged = evidence = None
        if self.span_tagger and model.tagger is not None:
            tagged, evidence = self._tag_spans(article, model, unit, sentence_probabilities, probabilities,
                                               chosen_mask, owners)
        encoder = self._encoder_for(article) if tagged is not None else None
        # the labels may get a second look with the taggers' evidence; span confidences keep reading the paragraph
        # model's own probabilities, which their calibrations were fitted on
        labelling, cuts = probabilities, model.thresholds
        stage = getattr(encoder, "paragraph_stage_", None)
        if stage is not None and evidence is not None:
            labelling, cuts = stage.apply(model.techniques, probabilities, evidence, model.thresholds)
            chosen_mask = labelling >= cuts
        calibration = model.tagger_calibration
        first_span = len(article.spans)

        def add_tagged(row: int, start: int, end: int, mean_inside: float, i: int, j: int) -> None:
            z = float(np.dot(calibration[:3], _tagger_inputs(mean_inside, sentence_probabilities[row, j],
                                                             probabilities[i, j])) + calibration[3])
            technique = model.techniques[j]
            article.add_span(start, end, technique, 1 / (1 + math.exp(-max(-30.0, min(30.0, z)))),
                             BY_NAME[technique].explanation)

        for i, paragraph in enumerate(article.paragraphs):
            paragraph.technique_scores = _all_techniques(model.techniques, labelling[i])
            chosen = [j for j in np.argsort(-labelling[i]) if labelling[i, j] >= cuts[j]]
            paragraph.techniques = [model.techniques[j] for j in chosen]
            rows = np.flatnonzero(owners == i)
            if tagged is not None:
                spans = tagged.get(i, [])
                labelled = set()
                for row, start, end, mean_inside in spans:
                    j = _span_technique(sentence_probabilities[row], chosen_mask[i])
                    add_tagged(row, start, end, mean_inside, i, j)
                    labelled.add(j)
                if not self.tagger_backfill:
                    continue
                # every paragraph label is backed by a span: the tagged span of the sentence most likely to hold
                # the technique (same offsets, so span-identification scores do not change), or, when the tagger
                # found nothing in the paragraph, the technique's best sentence (trimmed when long)
                for j in chosen:
                    if j in labelled:
                        continue
                    if spans:
                        row, start, end, mean_inside = max(spans, key=lambda x: (sentence_probabilities[x[0], j], x[3]))
                        add_tagged(row, start, end, mean_inside, i, j)
                    else:
                        self._sentence_spans(article, model, unit, X_sent, sentence_scores, sentence_probabilities,
                                             probabilities, rows, i, j, best_only=True)
                continue
            for j in chosen:
                self._sentence_spans(article, model, unit, X_sent, sentence_scores, sentence_probabilities,
                                     probabilities, rows, i, j, best_only=False)
        if encoder is not None:  # the CRF-fitted calibrations are overconfident on spans decoded with the encoder
            for span in article.spans[first_span:]:
                span.confidence = encoder.calibrated(span.confidence)
        return article

    def _sentence_spans(self, article: Article, model: _LanguageModel, unit: _Unit, X_sent: sp.csr_matrix,
                        sentence_scores: np.ndarray, sentence_probabilities: np.ndarray, probabilities: np.ndarray,
                        rows: np.ndarray, i: int, j: int, best_only: bool) -> None:
        """Sentence spans for technique j in paragraph i: its best sentence and (unless best_only) every other
        sentence above the technique's sentence threshold; long sentences cut to the highest-weight phrase."""
        text = article.text
        technique = model.techniques[j]
        best_row = rows[int(np.argmax(sentence_scores[rows, j]))]
        picked = [r for r in rows if r == best_row
                  or (not best_only and sentence_probabilities[r, j] >= model.sentence_thresholds[j])]
        for r in picked:
            start, end = unit.sentence_bounds[r]
            long_sentence = len(WORD_RE.findall(text[start:end])) > self.max_span_words
            if (self.trim_spans or long_sentence) and model.span_words[j] > 0:
                start, end = _best_phrase(model, text, start, end, X_sent[r], j, model.span_words[j])
            if self.span_confidence == "sentence":
                # calibrated on out-of-fold sentences: P(this sentence holds a gold span of the technique)
                confidence = float(sentence_probabilities[r, j])
            else:
                confidence = float(probabilities[i, j])
            article.add_span(start, end, technique, confidence, BY_NAME[technique].explanation)

    def _encoder_for(self, article: Article) -> span_encoder.SpanEncoder | None:
        """The span encoder mixed into this article's tagger, if any."""
        if self.encoder_weight <= 0:
            return None
        return span_encoder.load_for_language(self.span_encoder, self._language_for(article))

    def _tag_spans(self, article: Article, model: _LanguageModel, unit: _Unit, sentence_probabilities: np.ndarray,
                   probabilities: np.ndarray, chosen: np.ndarray, owners: np.ndarray
                   ) -> tuple[dict[int, list[tuple[int, int, int, float]]], np.ndarray | None]:
        """The CRF tagger's spans, paragraph row -> [(sentence row, start, end, mean P(inside))], and, where the
        span encoder runs, the taggers' evidence per paragraph (`paragraph_stage.EVIDENCE`)."""
        threshold, gap, restrict, sentence_mode = (float(model.tagger_settings[0]), int(model.tagger_settings[1]),
                                                   bool(model.tagger_settings[2]), bool(model.tagger_settings[3]))
        crf = model.crf()
        word_classes = model.word_classes()
        text = article.text
        sentence_tokens = [span_tagger.tokenize(text, start, end) for start, end in unit.sentence_bounds]
        crf_probabilities: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for row, tokens in enumerate(sentence_tokens):
            i = int(owners[row])
            if (restrict and not chosen[i].any()) or not tokens:
                continue
            features = span_tagger.sentence_features(text, tokens, span_tagger.evidence(
                sentence_probabilities[row], probabilities[i], chosen[i], model.techniques), word_classes)
            crf_probabilities[row] = crf.inside_probabilities(features)
        encoder = self._encoder_for(article)
        if encoder is not None:
            # the encoder reads only the sentences where the CRF sees some chance of a span (encoder_gate), each
            # with the text around it; row r's words start at first_word[r]
            first_word = np.concatenate([[0], np.cumsum([len(tokens) for tokens in sentence_tokens])])
            mixed = {row for row, (inside, _) in crf_probabilities.items() if inside.max() >= self.encoder_gate}
            needed = np.zeros(first_word[-1], bool)
            for row in mixed:
                needed[first_word[row]:first_word[row + 1]] = True
            encoded = encoder.word_probabilities(text, [t for tokens in sentence_tokens for t in tokens],
                                                 None if needed.all() else needed)
            w = self.encoder_weight
        out: dict[int, list[tuple[int, int, int, float]]] = {}
        evidence_rows = []
        for row, (crf_inside, begin) in crf_probabilities.items():
            cut, inside, encoder_inside = threshold, crf_inside, None
            if encoder is not None and row in mixed:
                words = slice(first_word[row], first_word[row + 1])
                encoder_inside = encoded[0][words]
                inside = (1 - w) * crf_inside + w * encoder_inside
                begin = (1 - w) * begin + w * encoded[1][words]
                cut = self.encoder_threshold
            evidence_rows.append((int(owners[row]), crf_inside, encoder_inside, inside))
            for s, e, mean_inside in span_tagger.tagged_spans(text, sentence_tokens[row], inside, begin, cut, gap,
                                                              sentence_mode):
                out.setdefault(int(owners[row]), []).append((row, s, e, mean_inside))
        evidence = (paragraph_stage.paragraph_evidence(len(article.paragraphs), evidence_rows, self.encoder_threshold)
                    if encoder is not None else None)
        return out, evidence

    # ---- storage ----

    def _save_weights(self, directory: Path) -> None:
        # one vocabulary + weights pair per language, so analysing English never loads the other languages
        # (`directory` is a fresh staging folder: no other language's files from an earlier model linger)
        for language, model in self.models_.items():
            if model.tagger is not None:
                (directory / TAGGER_FILE.format(language)).write_bytes(gzip.compress(model.tagger, mtime=0))
            (directory / VOCAB_FILE.format(language)).write_text(
                json.dumps(model.vocabulary(), ensure_ascii=False, separators=(",", ":")))
            np.savez_compressed(directory / WEIGHTS_FILE.format(language), **model.arrays(""))

    def _load_weights(self, directory: Path) -> None:
        languages = list(self.languages)
        if self.span_tagger and "span_tagger" not in _saved_params(directory):
            self.span_tagger = False  # saved before the span tagger existed: sentence spans, as it was trained
        missing = [lang for lang in languages if not (directory / WEIGHTS_FILE.format(lang)).exists()
                   or not (directory / VOCAB_FILE.format(lang)).exists()]
        if missing:
            raise ValueError(f"weights for language(s) {', '.join(missing)} are missing")
        self.languages_ = languages
        self.models_ = _LazyModels(directory, self.get_params())
        # load the main language now so a broken model fails at load time, not mid-analysis
        self.models_[_default_language(languages)]


class _LazyModels(dict):
    """language -> _LanguageModel, read from disk on first use."""

    def __init__(self, directory: Path, options: dict[str, Any]):
        super().__init__()
        self.directory, self.options = directory, options

    def __missing__(self, language: str) -> _LanguageModel:
        try:
            model = self._read(language)
        except ModelError:
            raise
        except Exception as exc:  # truncated, corrupt or missing files: one clear error, not a crash mid-analysis
            raise ModelError(f"cannot load the {language!r} technique model in {self.directory}: "
                             f"{type(exc).__name__}: {exc}") from exc
        self[language] = model
        return model

    def _read(self, language: str) -> _LanguageModel:
        vocabulary = json.loads((self.directory / VOCAB_FILE.format(language)).read_text(encoding="utf-8"))
        with np.load(self.directory / WEIGHTS_FILE.format(language), allow_pickle=False) as arrays:
            model = _LanguageModel.restore(self.options, vocabulary, arrays, "")
            files = arrays.files
        if model.embedding_weight > 0 or model.tagger_word_classes:
            model.attach_vectors(language, required=True)
        if self.options.get("span_tagger") and "tagger_settings" in files:
            # saved with a tagger (a language where it did not beat highlighting every sentence has none)
            model.tagger = gzip.decompress((self.directory / TAGGER_FILE.format(language)).read_bytes())
            model.crf()  # a broken tagger file fails at load time
        return model

    def __contains__(self, language: object) -> bool:
        return super().__contains__(language) or language in self.options.get("languages", ())

    def items(self):  # every language, loading the ones not yet read
        return [(language, self[language]) for language in self.options.get("languages", ())]


def _saved_params(directory: Path) -> dict[str, Any]:
    try:
        return json.loads((directory / PARAMS_FILE).read_text()).get("params", {})
    except (OSError, ValueError):
        return {}


def _default_language(languages: Sequence[str]) -> str:
    """English when the model has it (the language with the most training data), else the first one."""
    return "en" if "en" in languages else languages[0]


def _all_techniques(modelled: Sequence[str], probabilities: np.ndarray) -> dict[str, float]:
    scores = {t: 0.0 for t in TECHNIQUE_NAMES}
    scores.update({t: float(p) for t, p in zip(modelled, probabilities)})
    return scores


def _span_technique(sentence_probabilities: np.ndarray, chosen: np.ndarray) -> int:
    """The technique a tagged span is labelled with: among the paragraph's chosen techniques the one most likely
    in the span's sentence, else the sentence's most likely technique."""
    if chosen.any():
        return int(np.flatnonzero(chosen)[np.argmax(sentence_probabilities[chosen])])
    return int(np.argmax(sentence_probabilities))


def _logit(p: float) -> float:
    p = min(max(float(p), 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def _tagger_inputs(mean_inside: float, sentence_probability: float, paragraph_probability: float) -> np.ndarray:
    return np.asarray([_logit(mean_inside), _logit(sentence_probability), _logit(paragraph_probability)], np.float32)


def _prune(model: _LanguageModel, keep: float) -> None:
    """Zero the smallest weights (keeping the `keep` share of total absolute weight mass per technique)."""
    for key in ("sentence_coef", "paragraph_coef"):
        coef = getattr(model, key)
        for j in range(coef.shape[1]):
            column = np.abs(coef[:, j])
            order = np.argsort(-column)
            mass = np.cumsum(column[order])
            if mass[-1] == 0:
                continue
            cut = int(np.searchsorted(mass, keep * mass[-1])) + 1
            coef[order[cut:], j] = 0


def _best_phrase(model: _LanguageModel, text: str, start: int, end: int, row: sp.csr_matrix, j: int,
                 max_words: float) -> tuple[int, int]:
    """The run of at most `max_words` words in text[start:end] carrying the most positive weight for technique j."""
    spans = [(m.start(), m.end()) for m in WORD_RE.finditer(text, start, end)]
    limit = max(1, int(math.ceil(max_words)))
    if len(spans) <= limit:
        return start, end
    values = dict(zip(row.indices.tolist(), row.data.tolist()))
    word_vocab = model.word.vocabulary_
    char_vocab = model.char.vocabulary_ if model.char is not None else {}
    char_offset = len(word_vocab)
    char_analyser = model.char.analyse if model.char is not None else None
    lowered = [text[s:e].lower() for s, e in spans]
    contributions = np.zeros(len(spans))
    for k, token in enumerate(lowered):
        column = word_vocab.get(token)
        if column is not None:
            contributions[k] += model.sentence_coef[column, j] * values.get(column, 0.0)
        if k + 1 < len(lowered):
            column = word_vocab.get(f"{token} {lowered[k + 1]}")
            if column is not None:
                half = model.sentence_coef[column, j] * values.get(column, 0.0) / 2
                contributions[k] += half
                contributions[k + 1] += half
        if char_analyser is not None:
            for gram in set(char_analyser(token)):
                column = char_vocab.get(gram)
                if column is not None:
                    contributions[k] += model.sentence_coef[char_offset + column, j] * values.get(char_offset + column, 0.0)
    best, best_range = -np.inf, (0, len(spans) - 1)
    for a in range(len(spans)):
        total = 0.0
        for b in range(a, min(len(spans), a + limit)):
            total += contributions[b]
            if total > best:
                best, best_range = total, (a, b)
    if best <= 0:
        return start, end
    # offsets on word boundaries: the phrase starts and ends with a word
    return spans[best_range[0]][0], spans[best_range[1]][1]


def train(articles: list[Article], **params) -> TechniqueDetector:
    """Fit a TechniqueDetector on labelled articles (seeded, reproducible); the CLI's `train techniques` calls this."""
    languages = params.pop("languages", None)
    if languages is None:
        languages = sorted({a.language or "en" for a in articles if _has_labels(a)})
    if not languages:
        raise ModelError("no labelled articles to train the technique detector on")
    return TechniqueDetector(languages=tuple(languages), **params).fit(articles)
