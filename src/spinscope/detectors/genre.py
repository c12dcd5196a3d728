"""Genre of an article (SemEval-2023 Task 3 subtask 1): reporting, opinion or satire.

One multinomial logistic regression per language (genre mixes and style conventions differ by language; pooling
them hurt in cross-validation) over these feature blocks:
  * language-independent style features (`STYLE_FEATURES`): how much the writer says "I"/"you", quotes and
    attributes ("said", "according to"), punctuation, sentence length, numbers, dateline, title shape, ...;
  * optionally (`technique_weight > 0`) the density of persuasion techniques per paragraph, read from
    `Paragraph.technique_scores` when the technique detector ran (all zeros when it did not);
  * word (1, 2)-gram TF-IDF, scaled down while fitting so it does not drown the style cues.
Classes are weighted inversely to their frequency, so the model does not lean on the training prior (the
training data is ~80% opinion; real news streams hold far more straight reporting).

Weights are stored without pickle (`article_features.save_bundles` / `load_bundles`, shared with `frames.py`);
the word n-grams are read through `article_features`' shared tokenisation of the article.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from ..errors import ModelError
from ..taxonomy import GENRES, TECHNIQUE_NAMES
from ..types import Article
from .article_features import (Bundle, Standardiser, article_lookup, article_text, check_weight_shape,
                               ensure_segmented, group_by_language, load_bundles, pick_model, save_bundles,
                               short_text_warning, tfidf_rows, typical_min_words)
from .base import Detector, undone_on_failure
from .features import TfidfNgrams

# --------------------------------------------------------------------------------------------------------------
# word lists per language (ISO 639-1); "*" entries apply to every language
# --------------------------------------------------------------------------------------------------------------
FIRST_PERSON = {
    "en": "i me my mine myself we us our ours ourselves",
    "it": "io me mi mio mia miei mie noi ci nostro nostra nostri nostre",
    "fr": "je j me m moi mon ma mes nous notre nos",
    "de": "ich mich mir mein meine meinen meinem meiner meines wir uns unser unsere unseren unserem unserer",
    "pl": "ja mnie mi mną mój moja moje moim mojego my nas nam nami nasz nasza nasze naszych naszym naszego",
    "ru": "я меня мне мной мой моя моё мое мои мы нас нам нами наш наша наше наши",
}
SECOND_PERSON = {
    "en": "you your yours yourself yourselves",
    "it": "tu te ti tuo tua tuoi tue voi vi vostro vostra vostri vostre",
    "fr": "tu te toi ton ta tes vous votre vos",
    "de": "du dich dir dein deine deinen ihr euch euer eure",
    "pl": "ty ciebie cię tobie ci twój twoja twoje wy was wam wasz wasza wasze",
    "ru": "ты тебя тебе тобой твой твоя твоё твое твои вы вас вам вами ваш ваша ваше ваши",
}
# reporting verbs and attribution phrases
ATTRIBUTION = {
    "en": ["said", "says", "told", "stated", "according to", "announced", "added", "explained", "confirmed",
           "spokesman", "spokeswoman", "spokesperson", "in a statement", "reported"],
    "it": ["ha detto", "ha dichiarato", "secondo", "ha affermato", "ha spiegato", "ha aggiunto", "ha riferito",
           "ha annunciato", "portavoce", "ha sottolineato", "in una nota"],
    "fr": ["a déclaré", "a dit", "selon", "a affirmé", "a expliqué", "a ajouté", "a annoncé", "porte-parole",
           "a indiqué", "a souligné", "dans un communiqué"],
    "de": ["sagte", "sagt", "erklärte", "laut", "teilte mit", "berichtete", "sprecher", "sprecherin", "betonte",
           "so der", "so die", "mitteilte"],
    "pl": ["powiedział", "powiedziała", "według", "stwierdził", "stwierdziła", "poinformował", "poinformowała",
           "dodał", "dodała", "rzecznik", "oświadczył", "oświadczyła", "przekazał"],
    "ru": ["сказал", "сказала", "заявил", "заявила", "по словам", "сообщил", "сообщила", "отметил", "отметила",
           "по данным", "пресс-секретарь", "добавил", "добавила", "говорится в"],
}
MODALS = {
    "en": ["should", "must", "need to", "ought to", "have to"],
    "it": ["deve", "devono", "dovrebbe", "dovrebbero", "bisogna", "occorre"],
    "fr": ["doit", "doivent", "devrait", "devraient", "il faut"],
    "de": ["muss", "müssen", "sollte", "sollten", "soll"],
    "pl": ["musi", "muszą", "powinien", "powinna", "powinni", "trzeba", "należy"],
    "ru": ["должен", "должна", "должны", "нужно", "надо", "следует"],
}
# all patterns below run on lower-cased text: case-insensitive matching is several times slower
NEWS_AGENCIES = re.compile(
    r"\b(reuters|associated press|afp|agence france|ansa|adnkronos|tass|ria novosti|interfax|dpa|pap|bloomberg"
    r"|xinhua|efe|ap)\b")

_WORD = re.compile(r"\w+", re.UNICODE)
_QUOTE = re.compile(r"[\"“”„«»]")
_DIGIT = re.compile(r"\d")
_ALLCAPS = re.compile(r"\b[A-ZÀ-ÖØ-ÞА-ЯЁ]{2,}\b")
_CAPITALISED = re.compile(r"\b[A-ZÀ-ÖØ-ÞА-ЯЁ][a-zß-öø-ÿа-яё]+")
_URL = re.compile(r"https?://|www\.", re.IGNORECASE)
_DATELINE = re.compile(r"^\s*[A-ZÀ-ÖØ-ÞА-ЯЁ][\w .,'/()-]{1,40}?\s*(?:\(\w+\)\s*)?[-–—:]\s", re.UNICODE)


def _word_set(table: dict[str, str], language: str) -> frozenset[str]:
    return frozenset(table.get(language, table["en"]).split())


def _phrase_pattern(table: dict[str, list[str]], language: str) -> re.Pattern:
    phrases = table.get(language, table["en"])
    return re.compile(r"\b(?:" + "|".join(re.escape(p.lower()) for p in phrases) + r")\b")


_PATTERN_CACHE: dict[tuple[str, str], Any] = {}


def _cached(kind: str, language: str):
    key = (kind, language)
    if key not in _PATTERN_CACHE:
        if kind == "first":
            _PATTERN_CACHE[key] = _word_set(FIRST_PERSON, language)
        elif kind == "second":
            _PATTERN_CACHE[key] = _word_set(SECOND_PERSON, language)
        elif kind == "attribution":
            _PATTERN_CACHE[key] = _phrase_pattern(ATTRIBUTION, language)
        else:
            _PATTERN_CACHE[key] = _phrase_pattern(MODALS, language)
    return _PATTERN_CACHE[key]


STYLE_FEATURES: tuple[str, ...] = (
    "log_chars", "log_paragraphs", "mean_sentence_words", "sd_sentence_words", "mean_paragraph_words",
    "short_paragraph_share", "first_person_rate", "second_person_rate", "attribution_per_sentence",
    "quote_marks_per_sentence", "quoted_paragraph_share", "exclamations_per_sentence", "questions_per_sentence",
    "ellipses_per_sentence", "colons_per_sentence", "parentheses_per_sentence", "dashes_per_sentence",
    "allcaps_word_rate", "capitalised_word_rate", "digit_char_rate", "number_token_rate", "year_rate",
    "percent_currency_rate", "mean_word_length", "type_token_ratio", "modal_rate", "url_rate",
    "news_agency_mentions", "dateline", "title_words", "title_question", "title_exclamation", "title_quote",
    "title_colon", "title_capitalised_share",
)
TECHNIQUE_FEATURES: tuple[str, ...] = tuple(f"technique_{t}" for t in TECHNIQUE_NAMES) + (
    "technique_any_mean", "technique_paragraph_share", "technique_scores_present")


def _split_title_body(article: Article) -> tuple[str, list[str]]:
    """The first paragraph is the title (SemEval files and ingested pages put it on line 1)."""
    if article.paragraphs:
        lines = [article.text[p.start:p.end] for p in article.paragraphs]
    else:
        lines = [line.strip() for line in article.text.split("\n") if line.strip()]
    if not lines:
        return "", []
    title = article.title.strip() or lines[0]
    body = lines[1:] if lines[0].strip() == title else lines
    return title, body


def style_features(article: Article) -> np.ndarray:
    """The `STYLE_FEATURES` vector of one article (rates, so long and short articles compare)."""
    language = article.language if article.language in FIRST_PERSON else "en"
    title, body_lines = _split_title_body(article)
    body = "\n".join(body_lines)
    lower = body.lower()
    words = _WORD.findall(lower)
    n_words = max(len(words), 1)
    n_chars = max(len(body), 1)
    # sentence count from end punctuation; cheap and good enough for rates
    sentence_ends = len(re.findall(r"[.!?…]+(?:\s|$)", body))
    n_sentences = max(sentence_ends, len(body_lines), 1)
    paragraph_words = np.array([len(_WORD.findall(line)) for line in body_lines] or [0], dtype=float)
    sentence_words = np.array([len(_WORD.findall(s)) for s in re.split(r"[.!?…]+\s+", body) if s.strip()]
                              or [0], dtype=float)
    first = _cached("first", language)
    second = _cached("second", language)
    n_first = sum(map(first.__contains__, words))
    n_second = sum(map(second.__contains__, words))
    head = words[:500]
    number_tokens = [w for w in words if not w.isalpha() and _DIGIT.search(w)]
    title_words = _WORD.findall(title)
    features = {
        "log_chars": math.log1p(len(body)),
        "log_paragraphs": math.log1p(len(body_lines)),
        "mean_sentence_words": float(sentence_words.mean()),
        "sd_sentence_words": float(sentence_words.std()),
        "mean_paragraph_words": float(paragraph_words.mean()),
        "short_paragraph_share": float((paragraph_words < 10).mean()),
        "first_person_rate": 100.0 * n_first / n_words,
        "second_person_rate": 100.0 * n_second / n_words,
        "attribution_per_sentence": len(_cached("attribution", language).findall(lower)) / n_sentences,
        "quote_marks_per_sentence": len(_QUOTE.findall(body)) / n_sentences,
        "quoted_paragraph_share": sum(1 for line in body_lines if _QUOTE.search(line)) / max(len(body_lines), 1),
        "exclamations_per_sentence": body.count("!") / n_sentences,
        "questions_per_sentence": body.count("?") / n_sentences,
        "ellipses_per_sentence": (body.count("...") + body.count("…")) / n_sentences,
        "colons_per_sentence": (body.count(":") + body.count(";")) / n_sentences,
        "parentheses_per_sentence": body.count("(") / n_sentences,
        "dashes_per_sentence": (body.count("—") + body.count("–") + body.count(" - ")) / n_sentences,
        "allcaps_word_rate": 100.0 * len(_ALLCAPS.findall(body)) / n_words,
        "capitalised_word_rate": 100.0 * max(len(_CAPITALISED.findall(body)) - n_sentences, 0) / n_words,
        "digit_char_rate": 100.0 * sum(map(str.isdigit, body)) / n_chars,
        # a \w+ token holding a digit (what \b\w*\d\w*\b finds once per token); a year is a whole token
        # (?:19|20)\d\d; digits are the same in the lower-cased tokens
        "number_token_rate": 100.0 * len(number_tokens) / n_words,
        "year_rate": 100.0 * sum(1 for w in number_tokens if len(w) == 4 and w[:2] in ("19", "20")
                                 and w.isdecimal()) / n_words,
        "percent_currency_rate": 100.0 * len(re.findall(r"[%$€£₽]", body)) / n_words,
        "mean_word_length": sum(map(len, words)) / n_words,
        "type_token_ratio": len(set(head)) / max(len(head), 1),
        "modal_rate": 100.0 * len(_cached("modal", language).findall(lower)) / n_words,
        "url_rate": 100.0 * (len(_URL.findall(body)) if "://" in body or "www." in lower else 0) / n_words,
        "news_agency_mentions": math.log1p(len(NEWS_AGENCIES.findall(lower))),
        "dateline": 1.0 if body_lines and _DATELINE.match(body_lines[0]) else 0.0,
        "title_words": math.log1p(len(title_words)),
        "title_question": 1.0 if "?" in title else 0.0,
        "title_exclamation": 1.0 if "!" in title else 0.0,
        "title_quote": 1.0 if _QUOTE.search(title) or "'" in title else 0.0,
        "title_colon": 1.0 if ":" in title else 0.0,
        "title_capitalised_share": (sum(1 for w in title_words if w[:1].isupper()) / len(title_words)
                                    if title_words else 0.0),
    }
    return np.array([features[name] for name in STYLE_FEATURES], dtype=float)


def technique_features(article: Article, threshold: float = 0.5) -> np.ndarray:
    """Mean score of each technique over the paragraphs, from `Paragraph.technique_scores` (zeros if absent)."""
    if not any(p.technique_scores for p in article.paragraphs):
        return np.zeros(len(TECHNIQUE_FEATURES))
    # the technique detector ran: a paragraph without scores has none above zero
    matrix = np.array([[p.technique_scores.get(t, 0.0) for t in TECHNIQUE_NAMES] for p in article.paragraphs],
                      dtype=float)
    strongest = matrix.max(axis=1)
    return np.concatenate([matrix.mean(axis=0), [strongest.mean(), float((strongest >= threshold).mean()), 1.0]])


def gold_technique_scores(article: Article) -> None:
    """Fill `technique_scores` from gold paragraph labels (1/0): for experiments measuring the upper bound."""
    labels = article.gold.get("paragraphs") or {}
    for paragraph in article.paragraphs:
        found = labels.get(paragraph.line, [])
        paragraph.technique_scores = {t: (1.0 if t in found else 0.0) for t in TECHNIQUE_NAMES}


# --------------------------------------------------------------------------------------------------------------
# the detector
# --------------------------------------------------------------------------------------------------------------
class _GenreModel:
    """One language's model: standardised dense features + n-gram TF-IDF -> multinomial logistic regression."""

    def __init__(self, vectorizers: dict[str, TfidfNgrams], standardiser: Standardiser, dense_weights: np.ndarray,
                 coef: np.ndarray, intercept: np.ndarray):
        self.vectorizers = vectorizers
        self.standardiser = standardiser
        self.dense_weights = dense_weights
        self.coef = coef
        self.intercept = intercept
        self.min_words: float | None = None  # 1st percentile of the training articles' length (older models: none)

    def features(self, dense: np.ndarray, texts: list[str]) -> sparse.csr_matrix:
        blocks = [sparse.csr_matrix(self.standardiser.transform(dense) * self.dense_weights)]
        blocks += [tfidf_rows(vectorizer, texts) for vectorizer in self.vectorizers.values()]
        return sparse.hstack(blocks, format="csr")

    def probabilities(self, dense: np.ndarray, articles: Sequence[Article]) -> np.ndarray:
        # block by block (same numbers as features() @ coef.T, without building the stacked matrix); each
        # article's n-grams are looked up once (`article_features.article_lookup`, shared with frames)
        blocks = self.__dict__.get("_blocks")
        if blocks is None:  # contiguous (features x classes) weights: a strided view is copied on every product
            edges = np.cumsum([0, len(self.dense_weights)] + [len(v.vocabulary_) for v in self.vectorizers.values()])
            blocks = [np.ascontiguousarray(self.coef[:, a:b].T) for a, b in zip(edges, edges[1:])]
            self.__dict__["_blocks"] = blocks
        logits = (self.standardiser.transform(dense) * self.dense_weights) @ blocks[0] + self.intercept
        for vectorizer, weights in zip(self.vectorizers.values(), blocks[1:]):
            logits = logits + np.array([article_lookup(vectorizer, a).dot(weights) for a in articles])
        logits -= logits.max(axis=1, keepdims=True)
        expd = np.exp(logits)
        return expd / expd.sum(axis=1, keepdims=True)

    def bundle(self) -> Bundle:
        extra = {} if self.min_words is None else {"min_words": np.array([self.min_words])}
        return self.vectorizers, {"coef": self.coef.astype(np.float32), "intercept": self.intercept,
                                  "dense_mean": self.standardiser.mean, "dense_scale": self.standardiser.scale,
                                  "dense_weights": self.dense_weights, **extra}

    @classmethod
    def from_bundle(cls, bundle: Bundle) -> "_GenreModel":
        vectorizers, arrays = bundle
        model = cls(vectorizers, Standardiser(arrays["dense_mean"], arrays["dense_scale"]), arrays["dense_weights"],
                    arrays["coef"].astype(np.float64), arrays["intercept"])
        model.min_words = float(arrays["min_words"][0]) if "min_words" in arrays else None
        check_weight_shape(model.coef, len(GENRES), vectorizers, dense=len(model.dense_weights))
        return model


class GenreDetector(Detector):
    """Writes `article.genre = {"label", "probabilities": {reporting, opinion, satire}}`."""

    name = "genre"

    def __init__(self, C: float = 1.0, style_weight: float = 1.0, word_weight: float = 0.5,
                 technique_weight: float = 0.0, word_max_features: int = 20000, char_max_features: int = 0,
                 class_weight: str | None = "balanced", per_language: bool = True,
                 languages: Sequence[str] | None = None):
        self.C = C
        self.style_weight = style_weight
        self.word_weight = word_weight
        # > 0 adds the technique-density block (needs `Paragraph.technique_scores` at training and at use)
        self.technique_weight = technique_weight
        self.word_max_features = word_max_features
        self.char_max_features = char_max_features
        self.class_weight = class_weight
        # one model per language (style conventions and genre mixes differ by language) or one pooled model
        self.per_language = per_language
        self.languages = languages  # train on these languages only (None = all)

    def _dense(self, articles: Sequence[Article]) -> np.ndarray:
        blocks = [np.array([style_features(a) for a in articles]).reshape(len(articles), len(STYLE_FEATURES))]
        if self.technique_weight > 0:
            blocks.append(np.array([technique_features(a) for a in articles]))
        return np.hstack(blocks)

    def _dense_weights(self) -> np.ndarray:
        weights = [np.full(len(STYLE_FEATURES), self.style_weight)]
        if self.technique_weight > 0:
            weights.append(np.full(len(TECHNIQUE_FEATURES), self.technique_weight))
        return np.concatenate(weights)

    def _fit_one(self, articles: list[Article]) -> _GenreModel:
        from sklearn.linear_model import LogisticRegression

        texts = [article_text(a) for a in articles]
        dense = self._dense(articles)
        vectorizers: dict[str, TfidfNgrams] = {}
        if self.word_max_features and self.word_weight > 0:
            vectorizers["word"] = TfidfNgrams("word", (1, 2), max_features=self.word_max_features)
        if self.char_max_features:
            vectorizers["char"] = TfidfNgrams("char_wb", (2, 4), max_features=self.char_max_features)
        for vectorizer in vectorizers.values():
            vectorizer.fit(texts)
        model = _GenreModel(vectorizers, Standardiser().fit(dense), self._dense_weights(), np.zeros(0), np.zeros(0))
        matrix = model.features(dense, texts)
        # the word block is scaled down while fitting so the n-grams (which memorise the training set) do not
        # drown the style cues; the scale is folded into the weights afterwards, so prediction needs no scaling
        column_scale = np.ones(matrix.shape[1])
        if "word" in vectorizers:
            offset = len(model.dense_weights)
            column_scale[offset:offset + len(vectorizers["word"].vocabulary_)] = self.word_weight
        matrix = sparse.csr_matrix(matrix @ sparse.diags(column_scale))
        target = np.array([GENRES.index(a.gold["genre"]) for a in articles])
        classifier = LogisticRegression(C=self.C, class_weight=self.class_weight or None, max_iter=3000)
        classifier.fit(matrix, target)
        # every genre gets a row; a genre absent from training keeps probability ~0
        model.coef = np.zeros((len(GENRES), matrix.shape[1]))
        model.intercept = np.full(len(GENRES), -30.0)
        if len(classifier.classes_) == 2:
            rows = np.vstack([-classifier.coef_[0], classifier.coef_[0]]) / 2
            intercepts = np.array([-1.0, 1.0]) * classifier.intercept_[0] / 2
        else:
            rows, intercepts = classifier.coef_, classifier.intercept_
        for row, cls in enumerate(classifier.classes_):
            model.coef[cls], model.intercept[cls] = rows[row] * column_scale, intercepts[row]
        model.min_words = typical_min_words(articles)
        return model

    @undone_on_failure
    def fit(self, articles: list[Article], **kwargs) -> "GenreDetector":
        languages = list(self.languages) if self.languages else None
        labelled = [ensure_segmented(a) for a in articles if a.gold.get("genre") in GENRES
                    and (not languages or a.language in languages)]
        if not labelled:
            raise ModelError("no articles with a gold genre to learn from")
        groups = group_by_language(labelled, self.per_language)
        models = {key: self._fit_one(group) for key, group in sorted(groups.items())
                  if len({a.gold["genre"] for a in group}) >= 2}
        if not models:
            raise ModelError("every language needs articles of at least two genres to learn from")
        self.models_ = models
        self.languages_ = sorted({a.language for a in labelled if a.language})
        self.metadata_ = {
            "training_articles": len(labelled), "languages": self.languages_,
            "class_counts": {key: {g: sum(a.gold["genre"] == g for a in group) for g in GENRES}
                             for key, group in sorted(groups.items())}}
        self.version_ = f"genre-linear-{len(labelled)}"
        return self

    def predict_proba(self, articles: Sequence[Article]) -> np.ndarray:
        self._check_fitted()
        result = np.zeros((len(articles), len(GENRES)))
        by_model: dict[int, list[int]] = {}
        for i, article in enumerate(articles):
            ensure_segmented(article)
            by_model.setdefault(id(pick_model(self.models_, article.language)), []).append(i)
        for indices in by_model.values():
            chosen = [articles[i] for i in indices]
            model = pick_model(self.models_, chosen[0].language)
            result[indices] = model.probabilities(self._dense(chosen), chosen)
        return result

    def annotate(self, article: Article) -> Article:
        self._check_fitted()
        if not article.text.strip():
            article.genre = None
            return article
        probabilities = self.predict_proba([article])[0]
        article.genre = {"label": GENRES[int(probabilities.argmax())],
                         "probabilities": {g: round(float(p), 4) for g, p in zip(GENRES, probabilities)}}
        short_text_warning(article, "genre", pick_model(self.models_, article.language).min_words)
        return article

    def _save_weights(self, directory: Path) -> None:
        save_bundles(directory, {key: model.bundle() for key, model in self.models_.items()},
                     {"languages": self.languages_, "classes": list(GENRES),
                      "dense_features": list(STYLE_FEATURES)
                      + (list(TECHNIQUE_FEATURES) if self.technique_weight > 0 else [])})

    def _load_weights(self, directory: Path) -> None:
        bundles, state = load_bundles(directory)
        if state.get("classes") != list(GENRES):
            raise ValueError(f"model classes {state.get('classes')} differ from {list(GENRES)}")
        self.models_ = {key: _GenreModel.from_bundle(bundle) for key, bundle in bundles.items()}
        self.languages_ = state.get("languages") or []


def train(articles: list[Article], **params) -> GenreDetector:
    """Fit a `GenreDetector` on the articles that have a gold genre."""
    return GenreDetector(**params).fit(articles)
