"""Factual claims of an article, and matching them across the articles of a story.

A claim is a declarative sentence with concrete content: it is not a heading (a line without closing
punctuation), not a question, has a verb (English: an auxiliary, a reporting verb, an -ed form, or a common
present-tense verb after a subject, "The plant employs about 120 people."; other languages are not checked), and
names something checkable: a number, a date, a named entity or a reported event ("according to ...", "... said").
Sentences that mark themselves as opinion ("I think", "should", "obviously", "!") need at least two such anchors to
count. A quotation running over several sentences stays whole (`"We are not greedy. We just want to pay our rent,"
said Ben Osei.` is one claim), so that no claim starts inside a quotation.

Matching is paraphrase-tolerant and pluggable: a `ClaimEncoder` turns claim texts into L2-normalised rows whose
dot products are similarities. The default `LexicalClaimEncoder` mixes TF-IDF over stemmed content words (the
stemmer of `cluster`) with TF-IDF over character 3-5-grams (robust to inflection and spelling variants); an
embedding model (e.g. an ONNX MiniLM) can be dropped in by passing another encoder. The claim similarity is the
encoder's cosine.

Within a story, claims of different articles match when their similarity is >= `DEFAULT_CLAIM_THRESHOLD`, or
when each is the other's most similar claim in the other article and the similarity is >= `MUTUAL_BEST_FLOOR`
(competitive linking: loose paraphrases, such as a translated article, rarely reach the threshold but still pick
each other) and the two say something in common beyond who says it (the same number for the same thing, or two
words of what is said, names, titles and the attribution aside: two statements of one speaker do not match).
Matches are grouped greedily, best pairs first, with at most one claim per article in a group, and a claim joins a
group only if it contradicts none of its members. A group spanning several articles is a shared claim; a claim in
no group is unique to its article.

Contradictions are found by a HEURISTIC, reported as such: two claims of different articles about the same thing
(similar enough and sharing a named entity, or matched as one claim without each naming someone else) that give
different numbers for the same counted thing ("12 people" vs "15 people", "214 residents" vs "500 frightened
residents": the counted thing is the few words after the number; numbers that count nothing named, as in "the vote
was 7 to 2", only in a matched pair that says the same words otherwise), that say the same words except that one of
them is negated, or, matched as one claim, where one negates what the other states ("No toxic chemicals were
detected" / "Toxic chemicals were detected"). Whatever the rest of the two sentences, different numbers in the same
words ("an offer of a 4 percent raise" / "an offer of a 2.5 percent raise") are one too. A contradicting pair is
never merged into a shared claim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol, Sequence

import numpy as np
import scipy.sparse as sp

from .cluster import TITLES, content_terms, date_mentions, named_entities, stem
from .lexicon import IRREGULAR_PAST, REPORTING_VERBS
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
# present-tense verbs of news prose ("The plant employs about 120 people."): a verb only after a subject, i.e. not
# first in the sentence and not after a determiner, possessive or preposition ("the new plans", "of costs")
_PRESENT_VERBS = frozenset("""
accounts admits allows appears becomes begins believes blames builds buys carries claims closes comes contains
continues controls costs covers denies earns employs ends estimates exceeds expects faces falls gets gives goes grows
holds hosts includes increases insists keeps knows lacks leads lives loses makes means meets needs opens operates
owns pays plans produces reaches receives remains represents requires rises runs seeks seems sells serves sits stands
starts supplies supports takes totals uses wants warns wins works
""".split())
_NOT_A_SUBJECT = frozenset("""
the a an this that these those its their his her our my your of for with from by in on at to into new
""".split())
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_CURRENCIES = "$€£¥"
# a reported event: the sentence says who says so
_REPORTED = re.compile(r"\b(?:according\s+to|(?:said|says|told|reported|reports|confirmed|announced|revealed|"
                       r"disclosed|testified)\b)", re.IGNORECASE)


@dataclass(frozen=True)
class Number:
    value: float
    unit: str  # what is counted: "%", "$", "year", or the stem of the next content word ("" for nothing)
    # the words after the number that name what it counts, past adjectives ("500 frightened residents":
    # frightened, residents; "a 4 percent raise": raise), stemmed and as written
    counted: tuple[str, ...] = ()
    written: tuple[str, ...] = ()
    before: str = ""  # stem of the content word just before the number ("an offer of a 4 percent raise": offer)

    @property
    def kind(self) -> str:
        """What sort of number: "%", a currency sign, "year", "" (counts nothing named) or "count"."""
        return self.unit if self.unit in ("%", "year", "") or self.unit in _CURRENCIES else "count"


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
    # what the claim says beyond who says it: stemmed content words without names, titles, the attribution
    # ("..., a neurologist at Lakeside University, said") and weekdays (None: worked out from the text)
    content: frozenset[str] | None = None
    # each negation: (its clause as written, the first content word it negates, all it negates), see negation_scopes
    negations: tuple[tuple[str, str, frozenset[str]], ...] | None = None

    def __post_init__(self) -> None:
        if self.content is None:
            self.content = said_content(self.text, entity_words=self.entities)
        if self.negations is None:
            self.negations = negation_scopes(self.text)

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
_TOKENS = re.compile(r"[^\W\d_]+(?:['’\-.][^\W\d_]+)*|\d[\d,.]*|[^\w\s]")
_CLAUSE_PUNCTUATION = frozenset(".,;:!?()[]\"“”«»„—–")
COUNTED_WORDS = 3  # a number's counted thing: up to this many words after it ("500 frightened local residents")


@lru_cache(maxsize=1)
def _english_stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return ENGLISH_STOP_WORDS


def _looks_like_verb(word: str) -> bool:
    lower = word.lower()
    return (lower in IRREGULAR_PAST or lower in _PRESENT_VERBS or lower in REPORTING_VERBS
            or (len(lower) >= 4 and lower.endswith("ed")))


def _counted_words(following: str) -> list[str]:
    """The words after a number that say what it counts, as written: past fillers and numbers ("four of the eight
    people"), then adjectives and nouns up to a stop word, a verb or punctuation ("500 frightened residents from",
    "12 people died", "three former officials"); [] when it counts nothing named ("7 to 2.", "12 of them")."""
    stop = _english_stop_words()
    compound = re.match(r"-([^\W\d_]+(?:-[^\W\d_]+)*)", following)
    if compound:  # "45-year-old", "a 3-day strike": the compound is the unit
        return [compound.group(1)]
    words: list[str] = []
    for position, token in enumerate(_TOKENS.findall(following)):
        lower = token.lower()
        if token in _CLAUSE_PUNCTUATION or (token[0].isdigit()):
            break
        if not token[0].isalpha():
            continue
        if not words:
            if position >= 5:
                break
            if lower in _UNIT_SKIP or lower in _NUMBER_WORDS:
                continue
            if lower in stop:
                break
        elif lower in stop or lower in _UNIT_SKIP or _looks_like_verb(token):
            break
        words.append(token)
        if len(words) == COUNTED_WORDS:
            break
    return words


def _word_before(preceding: str) -> str:
    """Stem of the content word just before a number, past fillers ("an offer of a", "evacuated more than");
    "" at punctuation or a stop word ("has about 150")."""
    stop = _english_stop_words()
    for token in reversed(_TOKENS.findall(preceding)[-5:]):
        lower = token.lower()
        if token in _CLAUSE_PUNCTUATION or token[0].isdigit():
            return ""
        if not token[0].isalpha():
            continue
        if lower in _UNIT_SKIP or lower in _NUMBER_WORDS:
            continue
        return "" if lower in stop else stem(token)
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
        written: list[str] = []
        if match.group("value") and _YEAR.match(match.group("value")) and not match.group("currency") \
                and not match.group("percent") and not scale:
            unit = "year"
        else:
            written = _counted_words(text[match.end():match.end() + 80])
            if match.group("percent"):
                unit = "%"
            elif match.group("currency"):
                unit = match.group("currency")
            else:
                unit = stem(written[0]) if written else ""
        found.append(Number(value, unit, tuple(stem(w) for w in written), tuple(written),
                            _word_before(text[max(0, match.start() - 60):match.start()])))
    return tuple(found)


# ---------------------------------------------------------------- what a claim says, beyond who says it


# scikit-learn's English stop-word list, which `cluster.content_terms` uses, holds a few news nouns
_NEWS_NOUNS = frozenset("""fire bill call computer found mill move system interest detail full empty amount part side
top bottom front back name show fill find""".split())


def _content_words(text: str) -> list[str]:
    """Stemmed content words: `cluster.content_terms`, but keeping "fire", "bill", "found" and the like."""
    return content_terms(text, keep=_NEWS_NOUNS)


# role words next to a name ("Union leader Ben Osei", "chief executive Laura Kim") and attribution words
_ROLE_WORDS = frozenset("""executive leader head boss founder owner manager chair spokesperson spokesman spokeswoman
official officials representative resident""".split())
_ATTRIBUTION_WORDS = frozenset("""said says say told tells reporters reported reports according announced announces
confirmed confirms claimed claims added adds stated states statement statements revealed disclosed testified
explained noted insisted argued warned wrote interview conference""".split())
_WEEKDAYS = frozenset("""monday tuesday wednesday thursday friday saturday sunday""".split())
_NOT_CONTENT = frozenset(stem(w) for w in TITLES | _ROLE_WORDS | _ATTRIBUTION_WORDS | _WEEKDAYS)
_REPORTING_VERB = (r"(?:said|says|told|tells|reported|reports|announced|confirmed|claimed|added|stated|revealed|"
                   r"disclosed|testified|explained|noted|insisted|argued|warned|wrote)")
# "X said (that) ..." at the start, X at most ATTRIBUTION_SUBJECT words once names are masked; "..., X said." /
# "..., according to X." / "...," said X at the end (`_attribution_tail`)
_LEADING_ATTRIBUTION = re.compile(r"(?P<subject>[^,;:\"“”]{0,80}?)\b" + _REPORTING_VERB
                                  + r"\b(?:\s+reporters)?(?:\s+that)?\s", re.IGNORECASE)
_REPORTING = re.compile(r"\baccording\s+to\b|\b" + _REPORTING_VERB + r"\b", re.IGNORECASE)
_TAIL_SEPARATOR = re.compile(r",|(?<=\S)[\"”»](?=\s)")
ATTRIBUTION_SUBJECT = 5


def _attribution_tail(text: str) -> int | None:
    """Where a closing attribution clause starts, or None: the last comma or closing quote before the last reporting
    verb, when at most ATTRIBUTION_SUBJECT words stand between the two (the speaker: ", the union said.") and after
    the verb (", said Laura Kim, ...", ", Fire Chief Dana Okafor said at a news conference."; names and appositions
    are masked already), or any number after "according to"."""
    verbs = list(_REPORTING.finditer(text))
    if not verbs:
        return None
    verb = verbs[-1]
    separators = list(_TAIL_SEPARATOR.finditer(text, 0, verb.start()))
    if not separators:
        return None
    start = separators[-1].start()
    if len(text[start + 1:verb.start()].split()) > ATTRIBUTION_SUBJECT:
        return None
    if not verb.group(0).lower().startswith("according") and \
            len(text[verb.end():].split()) > ATTRIBUTION_SUBJECT:
        return None
    return start


# an apposition after a name: ", a neurologist at Lakeside University,", ", who leads the union", ", 79,"
_APPOSITION = re.compile(r"\s*,\s*(?:(?:a|an|the|who|whose)\s|\d{1,3}\s*,|[^\W\d_][\w.\-]*['’]s\s)[^,;:\"“”()]*",
                         re.IGNORECASE)


def said_content(text: str, entity_spans: Sequence[tuple[int, int]] = (),
                 entity_words: frozenset[str] | Sequence[str] = ()) -> frozenset[str]:
    """What a claim says beyond who says it: its stemmed content words without names (`entity_spans`, offsets in
    `text`, and `entity_words`), titles and roles, appositions after a name, the attribution clause and weekdays.

    "Dr. Omar Haddad, a neurologist at Lakeside University, said the full data should be released" -> full, data,
    releas, ...; two claims that share only their speaker and how they say it share nothing here."""
    masked = list(text)

    def mask(start: int, end: int) -> None:
        masked[start:end] = " " * (end - start)

    for start, end in sorted(entity_spans):
        mask(start, end)
        position = end
        while True:  # appositions may follow each other: "Joan Pike, 79, whose husband ..."
            apposition = _APPOSITION.match(text, position)
            if not apposition or len(apposition.group(0).split()) > 12:
                break
            mask(position, apposition.end())
            position = apposition.end()
    tail = _attribution_tail("".join(masked))
    if tail is not None:
        mask(tail, len(text))
    leading = _LEADING_ATTRIBUTION.match("".join(masked))
    if leading and len(leading.group("subject").split()) <= ATTRIBUTION_SUBJECT:
        mask(0, leading.end())
    names = {stem(w) for w in entity_words}
    return frozenset(t for t in _content_words("".join(masked)) if t not in _NOT_CONTENT and t not in names)


_NEGATION_BOUNDARY = re.compile(r"[.,;:!?](?=[\s\"”’»)]|$)|[()\"“”«»—–]|\b(?:and|but|while|whereas|although|though|"
                                r"because|when|after|before|unless|which|who)\b", re.IGNORECASE)


# negation words that add rather than deny ("not only ... but also", "not just CNN", "no doubt")
_NOT_A_NEGATION = re.compile(r"(?:not\s+(?:only|just|merely|simply)|no\s+doubt|nothing\s+but)\b", re.IGNORECASE)


def negation_scopes(text: str) -> tuple[tuple[str, str, frozenset[str]], ...]:
    """Each negation of a sentence: (the clause holding it, as written; the first content word it negates; all
    content words it negates: those after it up to the end of the clause), stemmed. "No toxic chemicals were
    detected in the air, ..." -> ("No toxic chemicals were detected in the air", "toxic", {toxic, chemica, detect,
    air}). "without" ("left without trains") and "not only", "not just", "no doubt" negate no statement."""
    scopes = []
    for match in _NEGATION.finditer(text):
        if match.group(0).lower() == "without" or _NOT_A_NEGATION.match(text, match.start()):
            continue
        boundary = _NEGATION_BOUNDARY.search(text, match.end())
        scope_end = boundary.start() if boundary else len(text)
        terms = _content_words(_NEGATION.sub(" ", text[match.end():scope_end]))
        if not terms:
            continue
        clause_start = 0
        for previous in _NEGATION_BOUNDARY.finditer(text, 0, match.start()):
            clause_start = previous.end()
        scopes.append((" ".join(text[clause_start:scope_end].split()), terms[0], frozenset(terms)))
    return tuple(scopes)


def _is_heading(text: str, start: int, end: int) -> bool:
    line = text[start:end].rstrip()
    return not re.search(r"[.!?…:;][\"'”’»)\]]*$", line) and len(line.split()) < 25


_QUOTE_MARKS = re.compile(r"[\"“”«»„]")


def _quote_open_after(text: str, start: int, end: int, is_open: bool) -> bool:
    """Is a double quotation still open after text[start:end], given whether one was open before it?
    (Straight quotes toggle; “ « „ open and ” » close; a “ closes a quotation that „ opened.)"""
    opener = "“" if is_open else ""
    for char in _QUOTE_MARKS.findall(text, start, end):
        if char == '"':
            is_open = not is_open
        elif char == "“" and is_open and opener == "„":
            is_open = False
        elif char in "“«„":
            is_open, opener = True, char
        elif char in "”»":
            is_open = False
    return is_open


def _claim_units(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The sentences of a paragraph, with a quotation that runs over several sentences kept whole, so that no
    claim starts inside a quotation: `"We are not greedy. We just want to pay our rent," said Ben Osei.` is one
    unit, not `"We are not greedy.` and `We just want to pay our rent," said Ben Osei.` A quotation that does not
    close within the paragraph (the convention for a quote running over several paragraphs), or would make a unit
    longer than MAX_CLAIM_WORDS, leaves the sentences as they are."""
    sentences = sentences_in(text, start, end)
    units: list[tuple[int, int]] = []
    k = 0
    while k < len(sentences):
        unit_start, unit_end = sentences[k]
        is_open = _quote_open_after(text, unit_start, unit_end, False)
        last = k
        while is_open and last + 1 < len(sentences):
            last += 1
            is_open = _quote_open_after(text, sentences[last - 1][1], sentences[last][1], is_open)
        if last > k and not is_open and len(text[unit_start:sentences[last][1]].split()) <= MAX_CLAIM_WORDS:
            units.append((unit_start, sentences[last][1]))
            k = last + 1
        else:
            units.append((unit_start, unit_end))
            k += 1
    return units


def _has_verb(sentence: str) -> bool:
    if _VERB_HINT.search(sentence):
        return True
    words = re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)*", sentence)
    return any(word.lower() in _PRESENT_VERBS and words[k - 1].lower() not in _NOT_A_SUBJECT
               for k, word in enumerate(words) if k > 0)


def extract_claims(text: str, article: int = 0, language: str = "en", entities: list | None = None) -> list[Claim]:
    """The sentences of `text` that state checkable facts, with exact offsets (`entities`: `named_entities(text)`
    if already computed)."""
    entities = named_entities(text) if entities is None else entities
    dates = date_mentions(text)
    claims = []
    for paragraph in split_paragraphs(text):
        if _is_heading(text, paragraph.start, paragraph.end):
            continue
        for start, end in _claim_units(text, paragraph.start, paragraph.end):
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
            if language in ("en", "") and not _has_verb(sentence):
                continue
            inside = [e for e in entities if start <= e.start and e.end <= end]
            numbers = numbers_in(sentence)
            sentence_dates = [d for d in dates if start <= d[0] and d[1] <= end]
            anchors = (len(inside) + len([n for n in numbers if n.unit != "year"]) + len(sentence_dates)
                       + (1 if _REPORTED.search(sentence) else 0))
            needed = 2 if _OPINION.search(sentence) else 1
            if anchors < needed:
                continue
            names = frozenset(token for e in inside for token in (e.tokens or [e.key]))
            claims.append(Claim(
                article=article, start=start, end=end, text=sentence, entities=names, numbers=numbers,
                negated=bool(_NEGATION.search(sentence)), anchors=anchors,
                content=said_content(sentence, [(e.start - start, e.end - start) for e in inside], names)))
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


def same_counted_thing(left: Number, right: Number) -> bool:
    """Do two numbers count the same thing? The same kind ("%", a currency, years, nothing named, or things), and
    for things a word in common among the words that name them ("500 frightened residents" / "214 residents"); a
    percentage or an amount with named things after it ("a 4 percent raise") only meets one with other things
    after it ("12 percent of patients") when those share a word too."""
    if left.kind != right.kind:
        return False
    if left.kind == "count" or (left.counted and right.counted):
        return bool(set(left.counted) & set(right.counted))
    return True


def _thing_label(number: Number, other: Number) -> str:
    """The counted thing as written in the claim ("residents", "% raise"), for the reason."""
    shared = [w for w, t in zip(number.written, number.counted) if t in other.counted]
    if number.kind == "count":
        return shared[0] if shared else number.unit
    if number.kind == "year":
        return "years"
    if number.kind == "":
        return "bare numbers"
    return f"{number.kind} {shared[0]}" if shared else number.kind


def _shown(values: Sequence[float], kind: str) -> str:
    # in the claim's order ("7 to 2" reads 7, 2); 40,000,000 rather than 4e+07, a year without a separator
    return ", ".join(f"{v:.15g}" if kind == "year" else f"{v:,.15g}" for v in dict.fromkeys(values))


def _phrase_number(number: Number) -> bool:
    """A rate or an amount with words before and after it ("an offer of a 4 percent raise", "a loan of $2 billion
    dollars"): one quantity, whatever the rest of the sentence. (A count, "killed 4 people", is as often of a part
    or of another event, so it needs the same names or close wording.)"""
    return bool(number.before and number.counted) and number.kind not in ("count", "year", "")


def _number_conflict(left: Claim, right: Claim, bare: bool, phrase: bool = False) -> str | None:
    """Different numbers for the same counted thing in two claims, or None. bare: also numbers that count nothing
    named; phrase: only numbers with the same word before them and a counted word in common ("an offer of a 4
    percent raise" / "an offer of a 2.5 percent raise")."""
    for number in left.numbers:
        if (number.kind == "" and not bare) or (phrase and not _phrase_number(number)):
            continue
        matches = [n for n in right.numbers if same_counted_thing(number, n)
                   and (not phrase or (n.before == number.before and _phrase_number(n)))]
        if not matches:
            continue
        own = [n for n in left.numbers if same_counted_thing(number, n)
               and (not phrase or (n.before == number.before and _phrase_number(n)))]
        if {n.value for n in own} & {n.value for n in matches}:
            continue
        return (f"different numbers for the same thing ({_thing_label(number, matches[0])}): "
                f"{_shown([n.value for n in own], number.kind)} vs {_shown([n.value for n in matches], number.kind)}")
    return None


def _negation_conflict(negated: Claim, other: Claim) -> str | None:
    """A negation in `negated` of what `other` states: `other` negates nothing and holds the first word negated
    ("No toxic chemicals were detected" / "Toxic chemicals were detected")."""
    if other.negated:
        return None
    other_words = set(_content_words(other.text))
    for clause, first, _ in negated.negations:
        if first in other_words:
            return f"matched as one claim, but only one of them negates it: “{clause}”"
    return None


def shares_a_statement(left: Claim, right: Claim) -> bool:
    """Do two claims say something in common beyond who says it? The same number for the same thing (not a year),
    or at least two words of what they say (`Claim.content`: no names, titles or attribution)."""
    if any(a.value == b.value and a.kind != "year" and same_counted_thing(a, b)
           for a in left.numbers for b in right.numbers):
        return True
    return len(left.content & right.content) >= 2


def contradiction_reason(left: Claim, right: Claim, similarity: float,
                         threshold: float = DEFAULT_CLAIM_THRESHOLD, counterparts: bool = False) -> str | None:
    """Why two claims about the same thing may contradict each other, or None (heuristic).

    counterparts: the two are about to be merged into one shared claim, which says they are about the same thing
    even when they share no name ("Twelve people died in the fire."), unless each names someone else.
    Whatever the rest of the two sentences says, the same words around different numbers ("an offer of a 4
    percent raise" / "an offer of a 2.5 percent raise") are a possible contradiction too.
    """
    same_thing = bool(left.entities & right.entities) or (counterparts and not (left.entities and right.entities))
    if similarity >= CONTRADICTION_MIN_SIMILARITY and same_thing:
        same_wording = _same_wording(left, right)
        # a number that counts nothing named ("was 7 to 2") is only comparable in two claims matched as one
        # that say the same otherwise
        reason = _number_conflict(left, right, bare=counterparts and same_wording)
        if reason:
            return reason
        if left.negated != right.negated and similarity >= threshold and same_wording:
            return "the same statement, negated in one of the articles"
        if counterparts:
            reason = _negation_conflict(left, right) or _negation_conflict(right, left)
            if reason:
                return reason
    return _number_conflict(left, right, bare=False, phrase=True)


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


def _phrase_pairs(claims: Sequence[Claim], article_of: np.ndarray) -> set[tuple[int, int]]:
    """Pairs (i < j) of claims of different articles with a rate or amount after the same word, the candidates of
    `contradiction_reason`'s same-words-around-a-number rule whatever their similarity."""
    buckets: dict[tuple[str, str], set[int]] = {}
    for index, claim in enumerate(claims):
        for number in claim.numbers:
            if _phrase_number(number):
                buckets.setdefault((number.before, number.kind), set()).add(index)
    pairs = set()
    for members in buckets.values():
        ordered = sorted(members)
        for position, i in enumerate(ordered):
            for j in ordered[position + 1:]:
                if article_of[i] != article_of[j]:
                    pairs.add((i, j))
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
    contradicting: set[tuple[int, int]] = set()

    def flag(i: int, j: int, reason: str) -> None:
        i, j = min(i, j), max(i, j)
        if (i, j) not in contradicting:
            contradicting.add((i, j))
            result.contradictions.append((claims[i], claims[j], reason, float(similarity[i, j])))

    for i, j in sorted(set(pairs) | _phrase_pairs(claims, article_of)):
        reason = contradiction_reason(claims[i], claims[j], float(similarity[i, j]), threshold)
        if reason:
            flag(i, j, reason)
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
        # below the threshold, being each other's best match is not enough when all the two have in common is who
        # says it ("Laura Kim said the offer was fair." / "..., said Laura Kim, Northline's chief executive.")
        if similarity[i, j] < threshold and not shares_a_statement(claims[i], claims[j]):
            continue
        # about to become one shared claim: only if the two agree, also when they name nobody, and if neither
        # contradicts a claim already in the other's group ("Five workers were hurt" joining "Three workers were
        # hurt" through "A fire hit the plant")
        blocked = False
        for k in members[a]:
            for m in members[b]:
                pair = (min(k, m), max(k, m))
                if pair in contradicting:
                    blocked = True
                    break
                reason = contradiction_reason(claims[pair[0]], claims[pair[1]], float(similarity[pair]), threshold,
                                              counterparts=True)
                if reason:
                    flag(*pair, reason)
                    blocked = True
                    break
            if blocked:
                break
        if blocked:
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
    "negation_scopes", "numbers_in", "said_content", "same_counted_thing", "shares_a_statement", "stem",
]
