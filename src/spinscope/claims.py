"""Factual claims of an article, and matching them across the articles of a story.

A claim is a declarative sentence with concrete content: it is not a heading (a line without closing
punctuation), not a question, has a verb (English: an auxiliary, a reporting verb or an -ed form; other languages
are not checked), and names something checkable: a number, a date, a named entity or a reported event ("according
to ...", "... said"). Sentences that mark themselves as opinion ("I think", "should", "obviously", "!") need at
least two such anchors to count.

Matching is paraphrase-tolerant and pluggable: a `ClaimEncoder` turns claim texts into L2-normalised rows whose
dot products are similarities. The default `LexicalClaimEncoder` mixes TF-IDF over stemmed content words (the
stemmer of `cluster`) with TF-IDF over character 3-5-grams (robust to inflection and spelling variants); an
embedding model (e.g. an ONNX MiniLM) can be dropped in by passing another encoder. The claim similarity is the
encoder's cosine.

Within a story, claims of different articles match when their similarity is >= `DEFAULT_CLAIM_THRESHOLD`, or
when each is the other's most similar claim in the other article and the similarity is >= `MUTUAL_BEST_FLOOR`
(competitive linking: loose paraphrases, such as a translated article, rarely reach the threshold but still pick
each other). Matches are grouped greedily, best pairs first, with at most one claim per article in a group. A
group spanning several articles is a shared claim; a claim in no group is unique to its article.

Contradictions are found by a HEURISTIC, reported as such: two claims of different articles about the same thing
(similar enough and sharing a named entity, or matched as one claim without each naming someone else) that give
different numbers for the same counted thing ("12 people" vs "15 people"; numbers that count nothing named, as in
"the vote was 7 to 2", only in a matched pair that says the same words otherwise), or that say the same words
except that one of them is negated. A contradicting pair is never merged into a shared claim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Protocol, Sequence

import numpy as np
import scipy.sparse as sp

from .cluster import content_terms, date_mentions, named_entities, stem
from .lexicon import IRREGULAR_PAST
from .segment import paragraphs as split_paragraphs
from .segment import sentences_in

DEFAULT_CLAIM_THRESHOLD = 0.42
# two claims that are each other's best counterpart in the other article also match from this similarity on
MUTUAL_BEST_FLOOR = 0.35
CONTRADICTION_MIN_SIMILARITY = 0.3
MAX_CLAIM_WORDS = 120
MIN_CLAIM_WORDS = 6

_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12, "half": 0.5,
}
_SCALE = {"thousand": 1e3, "million": 1e6, "millions": 1e6, "billion": 1e9, "billions": 1e9, "trillion": 1e12,
          "bn": 1e9, "m": 1e6, "k": 1e3}
_NUMBER = re.compile(
    r"(?<![\w.])(?P<currency>[$€£¥])?\s?(?P<value>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<scale>thousand|million|millions|billion|billions|trillion|bn|m|k)\b)?(?P<percent>\s?%|\s?per\s?cent\b|"
    r"\s?percent\b)?|\b(?P<word>" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")\b"
    r"(?:\s(?P<wscale>thousand|million|billion|trillion)\b)?",
    re.IGNORECASE)
_NEGATION = re.compile(r"\b(?:not|no|never|none|nobody|nothing|neither|nor|without|denied|denies|deny|"
                       r"refused|refuses|\w+n['’]t|cannot)\b", re.IGNORECASE)
_OPINION = re.compile(r"\b(?:I|we)\s+(?:think|believe|feel|guess|suppose|hope)\b|\bin\s+my\s+(?:opinion|view)\b|"
                      r"\b(?:should|must|ought\s+to|obviously|clearly|of\s+course|undoubtedly|surely|"
                      r"shameful|disgrace\w*|ridiculous|absurd|outrageous|pathetic)\b|!\s*$|\byou\b",
                      re.IGNORECASE)
_VERB_HINT = re.compile(r"\b(?:is|are|was|were|be|been|being|has|have|had|will|would|can|could|did|does|do|may|might"
                        r"|said|says|told|tells|reported|reports|shows|" + "|".join(sorted(IRREGULAR_PAST)) +
                        r"|\w{3,}ed)\b", re.IGNORECASE)
_YEAR = re.compile(r"^(?:19|20)\d\d$")
# a reported event: the sentence says who says so
_REPORTED = re.compile(r"\b(?:according\s+to|(?:said|says|told|reported|reports|confirmed|announced|revealed|"
                       r"disclosed|testified)\b)", re.IGNORECASE)


@dataclass(frozen=True)
class Number:
    value: float
    unit: str  # what is counted: "%", "$", "year", or the stem of the next content word(s)


@dataclass
class Claim:
    article: int  # position of the article in the compared list
    start: int
    end: int
    text: str
    entities: frozenset[str] = frozenset()  # entity name words
    numbers: tuple[Number, ...] = ()
    negated: bool = False
    anchors: int = 0  # numbers + dates + named entities: how checkable the sentence is

    @property
    def anchor_keys(self) -> frozenset[str]:
        return self.entities | {f"#{n.value:g}" for n in self.numbers}

    def to_dict(self, article_id: str | None = None) -> dict[str, Any]:
        out = {"start": self.start, "end": self.end, "text": self.text}
        if article_id is not None:
            out = {"article": article_id, **out}
        return out


# ---------------------------------------------------------------- extraction


_UNIT_SKIP = frozenset("""of the a an more than about around nearly almost over under least some other new additional
further former current senior top young old local foreign per cent and or to""".split())


def _counted_thing(following: str) -> str:
    """What a number counts: the first word after it that is not a filler or a number ("12 people", "three former
    officials", "four of the eight people")."""
    for word in re.findall(r"[^\W\d_]+", following)[:4]:
        if word.lower() not in _UNIT_SKIP and word.lower() not in _NUMBER_WORDS:
            return stem(word)
    return ""


def numbers_in(text: str) -> tuple[Number, ...]:
    found = []
    for match in _NUMBER.finditer(text):
        if match.group("word"):
            value = float(_NUMBER_WORDS[match.group("word").lower()])
            scale = match.group("wscale")
        else:
            value = float(match.group("value").replace(",", ""))
            scale = match.group("scale")
        if scale:
            value *= _SCALE[scale.lower()]
        if match.group("value") and _YEAR.match(match.group("value")) and not match.group("currency") \
                and not match.group("percent") and not scale:
            unit = "year"
        elif match.group("percent"):
            unit = "%"
        elif match.group("currency"):
            unit = match.group("currency")
        else:
            unit = _counted_thing(text[match.end():match.end() + 60])
        found.append(Number(value, unit))
    return tuple(found)


def _is_heading(text: str, start: int, end: int) -> bool:
    line = text[start:end].rstrip()
    return not re.search(r"[.!?…:;][\"'”’»)\]]*$", line) and len(line.split()) < 25


def extract_claims(text: str, article: int = 0, language: str = "en", entities: list | None = None) -> list[Claim]:
    """The sentences of `text` that state checkable facts, with exact offsets (`entities`: `named_entities(text)`
    if already computed)."""
    entities = named_entities(text) if entities is None else entities
    dates = date_mentions(text)
    claims = []
    for paragraph in split_paragraphs(text):
        if _is_heading(text, paragraph.start, paragraph.end):
            continue
        for start, end in sentences_in(text, paragraph.start, paragraph.end):
            sentence = text[start:end]
            # dialogue dashes and bullets are layout, not content
            lead = re.match(r"[\s•·*–—-]+", sentence)
            if lead:
                start += lead.end()
                sentence = text[start:end]
            words = sentence.split()
            if not MIN_CLAIM_WORDS <= len(words) <= MAX_CLAIM_WORDS:
                continue
            if re.search(r"\?[\"'”’»)\]]*\s*$", sentence):
                continue
            if language in ("en", "") and not _VERB_HINT.search(sentence):
                continue
            inside = [e for e in entities if start <= e.start and e.end <= end]
            numbers = numbers_in(sentence)
            sentence_dates = [d for d in dates if start <= d[0] and d[1] <= end]
            anchors = (len(inside) + len([n for n in numbers if n.unit != "year"]) + len(sentence_dates)
                       + (1 if _REPORTED.search(sentence) else 0))
            needed = 2 if _OPINION.search(sentence) else 1
            if anchors < needed:
                continue
            claims.append(Claim(
                article=article, start=start, end=end, text=sentence,
                entities=frozenset(token for e in inside for token in (e.tokens or [e.key])),
                numbers=numbers, negated=bool(_NEGATION.search(sentence)), anchors=anchors))
    return claims


# ---------------------------------------------------------------- encoders


class ClaimEncoder(Protocol):
    """Turns claim texts into rows (dense or sparse) with unit L2 norm; row dot products are similarities."""

    name: str

    def encode(self, texts: Sequence[str]) -> Any: ...


class LexicalClaimEncoder:
    """TF-IDF over stemmed content words (weight 0.3) and over character 3-5-grams within words (weight 0.7),
    fitted on the texts it is given (the claims of one story, so names every claim repeats weigh little).

    The weights and `DEFAULT_CLAIM_THRESHOLD` were chosen on a small development set of hand-written
    paraphrase / same-topic-different-fact pairs (printed by benchmarks/bench_compare.py --claims-dev), not on
    the test pairs.
    """

    name = "lexical: 0.3 word TF-IDF (stemmed) + 0.7 char 3-5-gram TF-IDF"

    def __init__(self, word_weight: float = 0.3):
        self.word_weight = word_weight

    def encode(self, texts: Sequence[str]) -> sp.csr_matrix:
        from sklearn.feature_extraction.text import TfidfVectorizer

        texts = list(texts)
        blocks = []
        words = TfidfVectorizer(analyzer=content_terms, sublinear_tf=True)
        chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, lowercase=True,
                                min_df=1)
        for vectorizer, weight in ((words, self.word_weight), (chars, 1.0 - self.word_weight)):
            try:
                blocks.append(np.sqrt(weight) * vectorizer.fit_transform(texts))
            except ValueError:  # empty vocabulary (e.g. only stop words): this block says nothing
                blocks.append(sp.csr_matrix((len(texts), 1)))
        combined = sp.hstack(blocks, format="csr")
        norms = np.sqrt(np.asarray(combined.multiply(combined).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags(1.0 / norms) @ combined)


def _dense_similarities(vectors: Any) -> np.ndarray:
    product = vectors @ vectors.T
    return product.toarray() if sp.issparse(product) else np.asarray(product)


def claim_similarities(claims: Sequence[Claim], encoder: ClaimEncoder | None = None) -> np.ndarray:
    """Pairwise claim similarities, 0-1: the encoder's cosine.

    Named-entity overlap is deliberately not part of it: within one story nearly every claim names the same
    people, so shared names say that two claims are about the same thing, not that they say the same thing
    (they are used to gate contradictions instead).
    """
    if not claims:
        return np.zeros((0, 0))
    encoder = encoder or LexicalClaimEncoder()
    similarity = _dense_similarities(encoder.encode([c.text for c in claims]))
    np.fill_diagonal(similarity, 1.0)
    return np.clip(similarity, 0.0, 1.0)


# ---------------------------------------------------------------- contradictions


def _content_set(text: str) -> set[str]:
    return {t for t in content_terms(_NEGATION.sub(" ", text))}


def _same_wording(left: Claim, right: Claim) -> bool:
    """Mostly the same content words (negations, digits and most number words aside)."""
    left_words, right_words = _content_set(left.text), _content_set(right.text)
    return bool(left_words and right_words) and len(left_words & right_words) / len(left_words | right_words) >= 0.5


def _shown_numbers(claim: Claim, unit: str) -> str:
    # in the claim's order ("7 to 2" reads 7, 2); 40,000,000 rather than 4e+07, a year without a separator
    values = dict.fromkeys(n.value for n in claim.numbers if n.unit == unit)
    return ", ".join(f"{v:.15g}" if unit == "year" else f"{v:,.15g}" for v in values)


def contradiction_reason(left: Claim, right: Claim, similarity: float,
                         threshold: float = DEFAULT_CLAIM_THRESHOLD, counterparts: bool = False) -> str | None:
    """Why two claims about the same thing may contradict each other, or None (heuristic).

    counterparts: the two are about to be merged into one shared claim, which says they are about the same thing
    even when they share no name ("Twelve people died in the fire."), unless each names someone else.
    """
    same_thing = bool(left.entities & right.entities) or (counterparts and not (left.entities and right.entities))
    if similarity < CONTRADICTION_MIN_SIMILARITY or not same_thing:
        return None
    same_wording = _same_wording(left, right)
    left_units: dict[str, set[float]] = {}
    for number in left.numbers:
        left_units.setdefault(number.unit, set()).add(number.value)
    right_units: dict[str, set[float]] = {}
    for number in right.numbers:
        right_units.setdefault(number.unit, set()).add(number.value)
    for unit in sorted(set(left_units) & set(right_units)):
        # a number that counts nothing named ("was 7 to 2") is only comparable in two claims matched as one
        # that say the same otherwise
        if (unit or (counterparts and same_wording)) and not (left_units[unit] & right_units[unit]):
            shown = {"year": "years", "": "bare numbers"}.get(unit, unit)
            return (f"different numbers for the same thing ({shown}): "
                    f"{_shown_numbers(left, unit)} vs {_shown_numbers(right, unit)}")
    if left.negated != right.negated and similarity >= threshold and same_wording:
        return "the same statement, negated in one of the articles"
    return None


# ---------------------------------------------------------------- matching within a story


@dataclass
class ClaimGroup:
    claims: list[Claim]
    similarity: float  # mean similarity of the pairs that joined the group

    @property
    def articles(self) -> list[int]:
        return sorted({c.article for c in self.claims})


@dataclass
class StoryClaims:
    shared: list[ClaimGroup] = field(default_factory=list)  # groups carried by two or more articles
    unique: dict[int, list[Claim]] = field(default_factory=dict)  # article -> claims no other article carries
    contradictions: list[tuple[Claim, Claim, str, float]] = field(default_factory=list)


def _mutual_best(similarity: np.ndarray, article_of: np.ndarray, floor: float) -> set[tuple[int, int]]:
    """Pairs (i < j) from two different articles that are each other's best match there, at >= floor."""
    pairs = set()
    for left_article in np.unique(article_of):
        rows = np.flatnonzero(article_of == left_article)
        for right_article in np.unique(article_of):
            if right_article <= left_article:
                continue
            cols = np.flatnonzero(article_of == right_article)
            block = similarity[np.ix_(rows, cols)]
            best_col = block.argmax(axis=1)
            best_row = block.argmax(axis=0)
            for r, c in enumerate(best_col):
                if best_row[c] == r and block[r, c] >= floor:
                    i, j = int(rows[r]), int(cols[c])
                    pairs.add((min(i, j), max(i, j)))
    return pairs


def match_claims(claims_by_article: dict[int, list[Claim]], encoder: ClaimEncoder | None = None,
                 threshold: float = DEFAULT_CLAIM_THRESHOLD) -> StoryClaims:
    """Shared, unique and (heuristically) contradicting claims among the articles of one story."""
    claims = [c for article in sorted(claims_by_article) for c in claims_by_article[article]]
    result = StoryClaims()
    if len(claims_by_article) < 2 or not claims:
        result.unique = {a: list(cs) for a, cs in claims_by_article.items()}
        return result
    similarity = claim_similarities(claims, encoder)
    article_of = np.array([c.article for c in claims])
    left, right = np.nonzero(np.triu(similarity >= CONTRADICTION_MIN_SIMILARITY, k=1)
                             & (article_of[:, None] != article_of[None, :]))
    pairs = sorted(zip(left.tolist(), right.tolist()), key=lambda p: -similarity[p])
    contradicting = set()
    for i, j in pairs:
        reason = contradiction_reason(claims[i], claims[j], float(similarity[i, j]), threshold)
        if reason:
            contradicting.add((i, j))
            result.contradictions.append((claims[i], claims[j], reason, float(similarity[i, j])))
    group_of = list(range(len(claims)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(claims))}
    joined: dict[int, list[float]] = {i: [] for i in range(len(claims))}
    mutual = _mutual_best(similarity, article_of, MUTUAL_BEST_FLOOR)
    for i, j in pairs:
        if (similarity[i, j] < threshold and (i, j) not in mutual) or (i, j) in contradicting:
            continue
        a, b = group_of[i], group_of[j]
        if a == b:
            continue
        if {claims[k].article for k in members[a]} & {claims[k].article for k in members[b]}:
            continue  # one claim per article in a group keeps groups from chaining through repetitions
        # "blocked by Hungary" / "blocked by Poland", "a man from Brenn" / "a man from Korvik": each names someone
        # the other does not, so neither outlet carries the other's claim (two accounts or two events: shown as
        # each outlet's own, not as one claim both make)
        if claims[i].entities - claims[j].entities and claims[j].entities - claims[i].entities:
            continue
        # about to become one shared claim: only if the two agree, also when they name nobody
        reason = contradiction_reason(claims[i], claims[j], float(similarity[i, j]), threshold, counterparts=True)
        if reason:
            result.contradictions.append((claims[i], claims[j], reason, float(similarity[i, j])))
            continue
        members[a].extend(members.pop(b))
        joined[a].extend(joined.pop(b) + [float(similarity[i, j])])
        for k in members[a]:
            group_of[k] = a
    for root, indices in members.items():
        if len({claims[k].article for k in indices}) >= 2:
            group = ClaimGroup([claims[k] for k in sorted(indices, key=lambda k: (claims[k].article,
                                                                                   claims[k].start))],
                               round(float(np.mean(joined[root])), 4))
            result.shared.append(group)
        else:
            claim = claims[indices[0]]
            result.unique.setdefault(claim.article, []).append(claim)
    for article in claims_by_article:
        result.unique.setdefault(article, [])
        result.unique[article].sort(key=lambda c: c.start)
    result.shared.sort(key=lambda g: (-len(g.articles), -g.similarity, g.claims[0].article, g.claims[0].start))
    result.contradictions.sort(key=lambda c: -c[3])
    return result


__all__ = [
    "Claim", "ClaimEncoder", "ClaimGroup", "LexicalClaimEncoder", "Number", "StoryClaims",
    "DEFAULT_CLAIM_THRESHOLD", "claim_similarities", "contradiction_reason", "extract_claims", "match_claims",
    "numbers_in", "stem",
]
