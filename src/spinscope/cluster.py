"""Group articles into stories (articles reporting the same event).

Each article becomes one sparse vector made of five weighted blocks (`BLOCK_WEIGHTS`), each TF-IDF weighted and
L2-normalised on its own:

  lede      content words and names of the first `LEDE_WORDS` words (headline, lead) weight 0.35
  words     content words (stop words dropped, light stemming)                    weight 0.25
  entities  named people/organisations/places from a capitalised-sequence finder   weight 0.20
  sources   who the article cites (outlets, named people; from `attribution`)     weight 0.10
  dates     dates written in the text (years, months, full dates)                 weight 0.10

The IDF weights are fixed: document frequencies over a background corpus (the SemEval-2023 training articles of
all six languages, counts only, shipped as `BACKGROUND_PATH`; see `background`), never over the articles being
compared. So an article's vector depends on that article alone, and a pair's similarity is the same whatever other
articles are compared alongside it (an IDF over the compared set itself is degenerate for a few articles: with two,
every word they share weighs less than every word they do not). Dates weigh by their kind (a full date says more
than a year), not by their value. A word or name the background lacks counts as rare.

The similarity of two articles is the dot product of their vectors (a weighted mean of the five block cosines; a
block that is empty for an article is left out and the rest re-weighted, so missing evidence is not counted
against it). Stories are built by average-linkage agglomeration on that similarity: two groups merge while the
mean similarity over all their cross pairs is at least the threshold. Because the similarity is a dot product,
that mean is exact and cheap: (sum of vectors of A) . (sum of vectors of B) / (|A| |B|). When both articles carry a
publication date, articles further apart than `window_days` never join the same story.

Scaling: up to `EXACT_LIMIT` articles all pairs are scored with one sparse product. Above it, candidate pairs come
from blocking: an inverted index over each article's most distinctive features (rare entities and terms, skipping
features so common that they identify no story), so the work grows with the number of articles sharing rare
features rather than with n^2. (Blocking only chooses which pairs are scored; the scores are the same.)

The similarity threshold (`DEFAULT_STORY_THRESHOLD`, 0.30) was chosen by a stated rule on small hand-written
examples, not tuned on any evaluation set: the midpoint, rounded to 0.05, between the highest similarity of a
different-story pair and the lowest of a same-story pair among the invented pairs in tests/test_cluster.py, the
stories of tests/story_texts.py and the reference seed articles (0.268 and 0.345 when it was set). That is a
handful of invented pairs: treat the value as a starting point. Raise it to split stories more finely.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import scipy.sparse as sp

from .lexicon import (FAMILY_ROLES, FOREIGN_ACCORDING_CUES, GENERIC_SUBJECTS, KNOWN_OUTLETS, NAME_ABBREVIATIONS,
                      NOUN_FOLLOWERS, ORGANISATION_WORDS, PERSON_ROLES, is_finite_verb)
from .segment import line_bounds

DEFAULT_STORY_THRESHOLD = 0.30  # how it was chosen: see the module docstring
DEFAULT_WINDOW_DAYS = 10
EXACT_LIMIT = 1500
BLOCK_WEIGHTS = {"lede": 0.35, "words": 0.25, "entities": 0.20, "sources": 0.10, "dates": 0.10}
LEDE_WORDS = 120
# blocking: keys per article, and features held by more than this share of articles are not used as keys
BLOCKING_KEYS_PER_ARTICLE = 12
BLOCKING_MAX_SHARE = 0.02
BLOCKING_MIN_POSTINGS = 40
# background document frequencies of the features (see `background`)
BACKGROUND_PATH = Path(__file__).resolve().parent / "models" / "stories" / "document_frequency.json.gz"

# ---------------------------------------------------------------- words

_STOP_WORDS_EXTRA = {
    # reporting and filler words that every news article uses whatever its story
    "said", "says", "say", "told", "tell", "according", "reported", "reports", "report", "also", "would", "could",
    "one", "two", "three", "new", "like", "just", "year", "years", "time", "people", "make", "made", "way", "news",
    "article", "read", "click", "share", "comment", "comments", "follow", "advertisement", "sponsored", "links",
    "really", "even", "many", "much", "well", "still", "get", "got", "going", "know", "think", "want", "week",
    "day", "days", "today", "yesterday", "tuesday", "monday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "now", "last", "first", "will", "can", "may", "might", "must", "shall", "did", "does", "don",
    "isn", "wasn", "aren", "weren", "didn", "doesn", "won", "let", "lot", "thing", "things", "whether",
}
# Short function-word lists for the other SemEval languages (it, fr, de, pl, ru).
_STOP_WORDS_OTHER = """
il lo la le gli un una uno di da in con su per tra fra che chi non del della dei delle degli al alla ai alle nel
nella nei nelle sul sulla sono è era anche come più ma se questo questa questi quello quella essere ha hanno
le la les un une des du de et en au aux ce cette ces qui que quoi dans par pour sur pas plus ne est sont été
être avec mais ou où son sa ses leur leurs il elle ils elles nous vous on aussi comme tout très
der die das den dem des ein eine einer eines einem einen und oder aber nicht ist sind war waren mit von zu
zum zur auf für bei aus nach über vor sich auch wie dass als noch nur wird werden hat haben sie er es wir ihr
się nie jest są był była było być oraz ale czy jak już tak też który która które tego tej ten ta to na do
od po za przez dla przy pod nad że co jego jej ich
и в во не что он она оно они на я с со как а то все всё так его её их но да ты к у же вы за бы по только
ее мне было вот от меня еще ещё нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был была
были него до вас нибудь опять уж вам ведь там потом себя ничего ей может тут где есть надо ней для мы тебя
чем сам чтобы без будто чего раз тоже себе под будет ж тогда кто этот того потому этого какой совсем ним
здесь этом один почти мой тем чтоб нее сейчас куда зачем всех никогда можно при наконец два об другой
хоть после над больше тот через эти нас про всего них какая много разве три эту моя впрочем хорошо свою этой
перед иногда лучше чуть том нельзя такой им более всегда конечно всю между это также
"""


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | _STOP_WORDS_EXTRA | frozenset(_STOP_WORDS_OTHER.split())


_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
STEM_LENGTH = 7


def stem(word: str) -> str:
    """Lemmatise-ish: lower case, drop possessives and English plural/verb endings, then keep a 7-letter prefix.

    A fixed-length prefix is a crude but language-independent stemmer (it conflates inflections in the Romance,
    Germanic and Slavic languages of the corpus too); the English endings are removed first so that e.g.
    "officials"/"official" and "interfered"/"interfere" agree even when shorter than the prefix.
    """
    word = word.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4:
        if word.endswith("ies"):
            word = word[:-3] + "y"
        elif word.endswith("sses"):
            word = word[:-2]
        elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
            word = word[:-1]
    if len(word) > 5:
        for suffix in ("ing", "ed"):
            if word.endswith(suffix):
                word = word[: -len(suffix)]
                break
    return word[:STEM_LENGTH]


@lru_cache(maxsize=300_000)
def _term(word: str) -> str | None:
    """The stemmed term for a word as written, or None for stop words and words under 3 letters (cached:
    news vocabulary repeats, and this is the hot loop of clustering and claim matching)."""
    word = word.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) < 3 or word in stop_words():
        return None
    return stem(word)


def content_terms(text: str, keep: frozenset[str] = frozenset()) -> list[str]:
    """Stemmed content words of a text (stop words and words under 3 letters dropped, except the stop words in
    `keep`, lower case)."""
    terms = []
    for word in _WORD.findall(text):
        term = _term(word)
        if term is None and keep:
            lower = word.lower().replace("’", "'").removesuffix("'s")
            if len(lower) >= 3 and lower in keep:
                term = stem(lower)
        if term is not None:
            terms.append(term)
    return terms


# ---------------------------------------------------------------- named entities


@dataclass(frozen=True)
class Entity:
    start: int
    end: int
    text: str
    key: str  # normalised: lower case, titles and dots removed, words joined by "_"

    @property
    def tokens(self) -> list[str]:
        return [t for t in self.key.split("_") if len(t) >= 3]


# words that start a sentence or clause with a capital but name nothing
_CAPITAL_STOP = frozenset("""
the a an this that these those there here it its he she they we i you his her their our my your him them us me
in on at for but and or if when while as after before since during because although though so yet also even just
now then however meanwhile moreover furthermore still thus therefore what why how who where which whose whom
some many most more all any each every no not one two three four five other others another such both either
neither only to of by from with without about over under into onto upon up down out off again
according last next first is are was were be been has have had do does did will would can could should may
might must shall let please thank thanks yes oh well click scroll follow sponsored advertisement read more now
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december jan feb mar apr jun jul aug sep sept oct nov dec
""".split()) | frozenset(w for cue in FOREIGN_ACCORDING_CUES for w in cue.split())  # "Selon X": X is the name
# office and courtesy titles: kept in the entity text but not in its key ("President Trump" -> "trump")
TITLES = frozenset("""
president vice prime minister secretary senator sen rep representative governor gov mayor director deputy
chief ambassador former acting general gen admiral colonel col captain capt sgt lieutenant lt judge attorney
chairman chairwoman chair spokesman spokeswoman spokesperson king queen prince princess pope mr mrs ms dr prof
professor rev sir lord lady foreign commander cmdr officer official ex then senior
""".split())
# what an office is of, when it stands before a title: part of the title, out of the key, so that "Fire Chief Dana
# Okafor" mid-sentence and at a sentence start (where the capital of "Fire" alone says nothing) are one person
_TITLE_DOMAINS = frozenset("""
fire police health finance defence defense interior justice trade energy education transport environment
economy labour labor security intelligence immigration housing agriculture culture county city state district
regional federal national town village school hospital army navy military assistant associate press
""".split())
# lower-case words allowed inside a name ("Ministry of Justice", "Muhammad bin Salman"); not "and", which
# mostly joins two different names ("Trump and Putin")
_CONNECTORS = frozenset({"of", "for", "the", "de", "del", "della", "di", "da", "du", "des", "von", "van", "der",
                         "bin", "al", "la", "le", "y", "&"})
_TOKEN = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W_][\w'’&.\-]*[^\W_]|[^\W_]|&")
_SENTENCE_BREAK = re.compile(r"[.!?:;…•–—\n\"“”«»()\[\]]|^\s*$")


def _is_capitalised(token: str) -> bool:
    return token[:1].isupper()


def _is_all_caps(token: str) -> bool:
    letters = [c for c in token if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _sentence_initial(text: str, start: int) -> bool:
    """True when only spaces/quotes separate `start` from the text start or a sentence/clause break."""
    i = start - 1
    while i >= 0 and text[i] in " \t\"'“‘«(„[*-":
        i -= 1
    return i < 0 or bool(_SENTENCE_BREAK.match(text[i]))


def _headline_lines(text: str) -> list[tuple[int, int]]:
    """Lines written in title case without closing punctuation (headlines, "Sponsored Links"): their capitals
    say nothing about names."""
    spans = []
    for start, end in line_bounds(text):
        stripped = text[start:end].strip()
        words = [w for w in _WORD.findall(stripped) if len(w) >= 4]
        if words and not stripped.endswith((".", "!", "?", ":", "\"", "”", "»")):
            capitalised = sum(1 for w in words if w[:1].isupper())
            if capitalised >= 2 and capitalised >= 0.7 * len(words):
                spans.append((start, end))
    return spans


def named_entities(text: str) -> list[Entity]:
    """Capitalised word sequences that look like names ("Russian Foreign Minister Sergei Lavrov", "ISIS").

    A light stand-in for an NER model. A capitalised word that opens a sentence, or stands in a title-case
    headline line, only counts when the same word is also capitalised mid-sentence in the body; an all-capitals
    word counts as an acronym only when it is at most 5 letters long (or dotted, "U.S.") and the text never uses
    it in lower case, so that shouted words ("REALLY", "HEAVILY") are not names.

    Titles stay in the entity text but out of its key: office titles, abbreviated ones that a name follows after
    ". " ("Ms. Angela Brooks", "Lt. Gen. Mark Hale"), and the word before a title that says what the office is of
    ("Fire Chief Dana Okafor" -> "dana_okafor", at a sentence start too). A descriptor before a full name is left
    out of it ("Mum-of-three Sarah Fenwick", a sentence-initial "Manager Ellen Price"), and so are the "according
    to" cue words of the other corpus languages ("Selon Priya Natarajan").
    """
    tokens = [(m.start(), m.end(), m.group(0) if re.fullmatch(r"(?:[^\W\d_]\.){2,}", m.group(0))
               else m.group(0).rstrip(".")) for m in _TOKEN.finditer(text)]
    headlines = _headline_lines(text)

    def in_headline(offset: int) -> bool:
        return any(s <= offset < e for s, e in headlines)

    lowercase_words = {t.lower() for _, _, t in tokens if t[:1].islower()}

    def after_abbreviation(index: int) -> bool:
        """The token follows an abbreviated title that starts a name ("said Dr. Brooks", "Lt. Gen. Hale"): that
        ". " ends no sentence (the one in "on Mill St. Police said" does)."""
        if index < 1 or tokens[index - 1][2].lower() not in NAME_ABBREVIATIONS or \
                text[tokens[index - 1][1]:tokens[index][0]] != ". ":
            return False
        before = tokens[index - 2][2] if index >= 2 else ""
        return not _is_capitalised(before) or before.lower() in TITLES or before.lower() in NAME_ABBREVIATIONS

    capitalised_inside = {t for k, (s, _, t) in enumerate(tokens)
                          if _is_capitalised(t) and (not _sentence_initial(text, s) or after_abbreviation(k))
                          and not in_headline(s)}

    def name_like(token: str) -> bool:
        if not _is_capitalised(token):
            return False
        base = re.split(r"['’]", token.lower(), maxsplit=1)[0]
        if token.lower() in _CAPITAL_STOP or base in _CAPITAL_STOP:
            return False
        if _is_all_caps(token) and "." not in token:
            return len(token) <= 5 and token.lower() not in lowercase_words
        return True

    def weakly_capitalised(index: int, alone: bool) -> bool:
        """Capitalised only because of its position (sentence start, headline), never mid-sentence. A word that
        opens a longer name is kept unless it looks like an ordinary word ("Accusing Russia", not "Karl Olsen")."""
        start, _, token = tokens[index]
        if token in capitalised_inside or _is_all_caps(token) or token.lower().rstrip(".") in TITLES:
            return False
        if not alone and token.lower() in _TITLE_DOMAINS and (tokens[index + 1][2].lower() in TITLES
                                                              or tokens[index + 1][2].lower() in _TITLE_DOMAINS):
            return False  # "Fire Chief Dana Okafor said": "Fire" is part of the title
        if in_headline(start):
            return True
        if not _sentence_initial(text, start):
            return False
        lower = token.lower()
        if lower in lowercase_words or lower in stop_words() or re.search(r"(?:ing|ed|ly)$", lower):
            return True
        return alone and not names_subject(index)

    def names_subject(index: int) -> bool:
        """A lone word opening a sentence is a name when a finite verb follows it ("Hungary blocked the deal",
        "Reuters reported"), unless it is a common subject noun ("Police said") or a plural ("Critics argued")."""
        start, end, token = tokens[index]
        lower = token.lower().replace("’", "'")
        if lower in KNOWN_OUTLETS:
            return True
        if lower in GENERIC_SUBJECTS or lower in TITLES or (lower.endswith("s") and not lower.endswith("ss")):
            return False
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if following is None or text[end:following[0]] != " " or not is_finite_verb(following[2]):
            return False
        after = tokens[index + 2][2].lower() if index + 2 < len(tokens) else ""
        return not (following[2].endswith("s") and after in NOUN_FOLLOWERS)

    def describes(run: list[int]) -> bool:
        """The first word of a longer name describes the person rather than names them: a hyphenated descriptor
        ("Mum-of-three Sarah Fenwick", "Ex-soldier Tom Hale"; not "Jean-Pierre Dupont"), or a common role word
        capitalised only because it opens the sentence ("Manager Ellen Price"; not "Teacher Training College")."""
        first = tokens[run[0]][2]
        rest = [tokens[k][2] for k in run[1:]]
        if len(rest) < 2 or any(not name_like(w) for w in rest) or rest[-1].lower() in ORGANISATION_WORDS:
            return False
        parts = re.split(r"-", first.lower())
        if len(parts) > 1 and all(p[:1].islower() for p in re.split(r"-", first)[1:]):
            return any(p in stop_words() for p in parts[1:]) or parts[0] in PERSON_ROLES | FAMILY_ROLES or \
                parts[0] == "ex"
        return (first.lower() in PERSON_ROLES or first.lower() in FAMILY_ROLES) and first not in capitalised_inside

    entities: list[Entity] = []
    i = 0
    while i < len(tokens):
        if not name_like(tokens[i][2]):
            i += 1
            continue
        run = [i]
        j = i + 1
        while j < len(tokens) and not in_headline(tokens[j][0]):
            gap = text[tokens[j - 1][1]:tokens[j][0]]
            initial = len(tokens[j - 1][2]) == 1 and gap == ". "  # "James B. Comey"
            # "Ms. Angela Brooks", "Lt. Gen. Mark Hale": only titles before the abbreviation, so that a street
            # ("on Mill St. Police said") does not run into the next sentence
            abbreviated = gap == ". " and tokens[j - 1][2].lower() in NAME_ABBREVIATIONS and all(
                tokens[k][2].lower() in TITLES or tokens[k][2].lower() in NAME_ABBREVIATIONS for k in run)
            if gap not in (" ", "-", "\u00a0") and not initial and not abbreviated:
                break
            if name_like(tokens[j][2]):
                run.append(j)
                j += 1
                continue
            nxt = tokens[j + 1] if j + 1 < len(tokens) else None
            if (tokens[j][2].lower() in _CONNECTORS and nxt is not None and name_like(nxt[2])
                    and text[tokens[j][1]:nxt[0]] == " "):
                run.extend([j, j + 1])
                j += 2
                continue
            break
        i = j
        while run and weakly_capitalised(run[0], len(run) == 1):
            run = run[1:]
        while run and tokens[run[0]][2].lower() in _CONNECTORS:
            run = run[1:]
        if len(run) >= 3 and describes(run):
            run = run[1:]
        if not run:
            continue
        words = [tokens[k][2] for k in run]
        entity_start, entity_end = tokens[run[0]][0], tokens[run[-1]][0] + len(words[-1])
        if words[-1].endswith(("'s", "’s")):
            entity_end -= 2
        key_words = [w.lower().replace(".", "").replace("’", "'") for w in words]
        key_words = [w[:-2] if w.endswith("'s") else w for w in key_words]
        # a word that says what an office is of belongs to the title before it ("Fire Chief", "County Fire Chief")
        title_like = [w in TITLES for w in key_words]
        for k in range(len(key_words) - 2, -1, -1):
            title_like[k] = title_like[k] or key_words[k] in _TITLE_DOMAINS and title_like[k + 1]
        named = [w for w, title in zip(key_words, title_like) if not title and w not in _CONNECTORS]
        if not named:
            continue
        entities.append(Entity(entity_start, entity_end, text[entity_start:entity_end], "_".join(named)))
    return entities


def entity_keys(entities: Iterable[Entity]) -> list[str]:
    """Features for similarity: the whole name and each of its words (so "Sergei Lavrov" meets "Lavrov")."""
    keys = []
    for entity in entities:
        keys.append("e:" + entity.key)
        parts = entity.tokens
        if len(parts) > 1:
            keys.extend("e:" + part for part in parts)
    return keys


# ---------------------------------------------------------------- dates

_MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
           "nov": 11, "dec": 12}
_MONTH = (r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
# one pattern, alternatives in priority order, so each date is read once in its longest form
_DATE = re.compile(
    rf"\b(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d)\b"
    rf"|\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b"
    rf"|\b{_DAY.replace('day', 'day2')}\s+(?:of\s+)?{_MONTH.replace('month', 'month2')},?\s+"
    rf"{_YEAR.replace('year', 'year2')}\b"
    rf"|\b{_MONTH.replace('month', 'month3')}\s+(?:of\s+)?{_YEAR.replace('year', 'year3')}\b"
    rf"|\b{_MONTH.replace('month', 'month4')}\s+{_DAY.replace('day', 'day4')}\b(?!\s*,?\s*(?:19|20)\d\d)"
    rf"|\b{_YEAR.replace('year', 'year5')}\b")


def date_mentions(text: str) -> list[tuple[int, int, str]]:
    """(start, end, key) for dates written in the text; keys: "y2017", "m2017-05", "d2017-05-10", "md05-10"."""
    found: list[tuple[int, int, str]] = []
    for match in _DATE.finditer(text):
        groups = {k.rstrip("2345"): v for k, v in match.groupdict().items() if v}
        if groups.get("iso"):
            key = "d" + groups["iso"]
        else:
            month = _MONTHS[groups["month"][:3].lower()] if groups.get("month") else None
            day = int(groups["day"]) if groups.get("day") else None
            if day is not None and not 1 <= day <= 31:
                continue
            year = groups.get("year")
            if month and day and year:
                key = f"d{year}-{month:02d}-{day:02d}"
            elif month and year:
                key = f"m{year}-{month:02d}"
            elif month and day:
                key = f"md{month:02d}-{day:02d}"
            else:
                key = f"y{year}"
        found.append((match.start(), match.end(), key))
    return found


def date_keys(text: str) -> list[str]:
    keys = []
    for _, _, key in date_mentions(text):
        keys.append("t:" + key)
        if key.startswith("d"):  # a full date also counts as its month and year
            keys.extend(("t:m" + key[1:8], "t:y" + key[1:5]))
        elif key.startswith("m"):
            keys.append("t:y" + key[1:5])
    return keys


def parse_published(value: str | None) -> date | None:
    """A publication date from ISO-like text ("2019-09-27", "2019-09-27T10:00:00Z"), else None."""
    if not value:
        return None
    value = str(value).strip()
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    match = re.search(r"((?:19|20)\d\d)-([01]\d)-([0-3]\d)", value)
    if match:
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            return None
    return None


# ---------------------------------------------------------------- vectors


@dataclass
class StoryInput:
    """What clustering needs of an article."""

    text: str
    published: str = ""
    sources: Sequence[str] = ()  # names of cited sources (outlets, named people, officials)
    entities: Sequence[Entity] | None = None  # `named_entities(text)` when already computed


def date_kind(key: str) -> str:
    """The kind of a date key: "d" (full date), "md" (month and day), "m" (month), "y" (year)."""
    key = key.removeprefix("t:")
    return "md" if key.startswith("md") else key[:1]


@dataclass(frozen=True)
class Background:
    """Fixed feature weights (inverse document frequencies) from the shipped background table."""

    idf: dict[str, float]  # content-word stems and "e:" entity keys
    dates: dict[str, float]  # by date kind
    unseen: float  # a feature the table does not hold: as rare as the table can tell

    def weight(self, feature: str) -> float:
        if feature.startswith("t:"):
            return self.dates.get(date_kind(feature), self.unseen)
        if feature.startswith("s:"):  # a cited source is a name: as common as that name is as an entity
            return self.idf.get("e:" + feature[2:], self.unseen)
        return self.idf.get(feature, self.unseen)


def _idf(articles: int, document_frequency: float) -> float:
    return 1.0 + math.log((1.0 + articles) / (1.0 + document_frequency))


@lru_cache(maxsize=1)
def background() -> Background:
    """Load `BACKGROUND_PATH` (built by experiments/story_weights/build_document_frequencies.py).

    A feature's idf is 1 + ln((1 + N) / (1 + df)) in the training language where it is most common (the smallest
    idf over the languages, a language that lacks it counting df = 0), so that a word common in German weighs
    little in every article, whatever language a detector would call it; features the table lacks get the
    largest idf every language agrees on (df = 0 in the smallest corpus).
    """
    try:
        table = json.loads(gzip.decompress(BACKGROUND_PATH.read_bytes()))
        languages = [(int(entry["articles"]), entry["df"]) for entry in table["languages"].values()]
        if table.get("stem_length") != STEM_LENGTH or not languages:
            raise ValueError(f"built for stem length {table.get('stem_length')}, not {STEM_LENGTH}")
        dates = table["dates"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        from .errors import ModelError

        raise ModelError(f"cannot read the story-similarity weights {BACKGROUND_PATH}: {error}; rebuild them with "
                         f"experiments/story_weights/build_document_frequencies.py") from error
    unseen = min(_idf(articles, 0) for articles, _ in languages)
    idf: dict[str, float] = {}
    for articles, frequencies in languages:
        for feature, count in frequencies.items():
            value = _idf(articles, count)
            if value < idf.get(feature, unseen):
                idf[feature] = value
    return Background(idf, {kind: min(unseen, _idf(int(dates["articles"]), count))
                            for kind, count in dates["df"].items()}, unseen)


def _block(feature_lists: list[list[str]]) -> sp.csr_matrix:
    """Sublinear TF * background IDF (`background()`), rows L2-normalised (empty rows stay empty).

    Every weight comes from the article itself and the fixed background table, never from the other articles
    being compared, so a pair's similarity is the same whatever else is in the collection."""
    weights = background()
    vocabulary: dict[str, int] = {}
    rows, cols, values = [], [], []
    for row, features in enumerate(feature_lists):
        for feature, count in Counter(features).items():
            column = vocabulary.setdefault(feature, len(vocabulary))
            rows.append(row)
            cols.append(column)
            values.append(1.0 + math.log(count))
    matrix = sp.csr_matrix((values, (rows, cols)), shape=(len(feature_lists), max(1, len(vocabulary))),
                           dtype=np.float64)
    idf = np.ones(matrix.shape[1])  # one column even when no article has a feature
    idf[:len(vocabulary)] = [weights.weight(feature) for feature in vocabulary]
    matrix = matrix @ sp.diags(idf)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ matrix)


def lede_features(text: str, words: int = LEDE_WORDS, entities: Sequence[Entity] | None = None) -> list[str]:
    """Content words and names of the headline and first paragraphs, where news writing states the event."""
    count = 0
    end = len(text)
    for match in re.finditer(r"\S+", text):
        count += 1
        if count == words:
            end = match.end()
            break
    lede = text[:end]
    found = named_entities(lede) if entities is None else [e for e in entities if e.end <= end]
    return content_terms(lede) + entity_keys(found)


def story_vectors(inputs: Sequence[StoryInput], weights: dict[str, float] | None = None) -> sp.csr_matrix:
    """One unit-length row per article; row dot products are the story similarities described above."""
    weights = weights or BLOCK_WEIGHTS
    features = {
        "lede": [lede_features(item.text, entities=item.entities) for item in inputs],
        "words": [content_terms(item.text) for item in inputs],
        "entities": [entity_keys(item.entities if item.entities is not None else named_entities(item.text))
                     for item in inputs],
        "sources": [["s:" + re.sub(r"\W+", "_", name.lower()).strip("_") for name in item.sources if name]
                    for item in inputs],
        "dates": [date_keys(item.text) for item in inputs],
    }
    blocks = [math.sqrt(weights[name]) * _block(features[name]) for name in weights]
    combined = sp.hstack(blocks, format="csr")
    norms = np.sqrt(np.asarray(combined.multiply(combined).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ combined)


# ---------------------------------------------------------------- candidate pairs


def candidate_pairs(vectors: sp.csr_matrix, keys_per_article: int = BLOCKING_KEYS_PER_ARTICLE,
                    max_share: float = BLOCKING_MAX_SHARE) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i < j) of articles sharing one of their most distinctive features (inverted-index blocking)."""
    n = vectors.shape[0]
    document_frequency = np.bincount(vectors.indices, minlength=vectors.shape[1])
    max_postings = max(BLOCKING_MIN_POSTINGS, int(max_share * n))
    postings: dict[int, list[int]] = defaultdict(list)
    for row in range(n):
        lo, hi = vectors.indptr[row], vectors.indptr[row + 1]
        columns, values = vectors.indices[lo:hi], vectors.data[lo:hi]
        usable = (document_frequency[columns] >= 2) & (document_frequency[columns] <= max_postings)
        columns, values = columns[usable], values[usable]
        for column in columns[np.argsort(-values)[:keys_per_article]]:
            postings[int(column)].append(row)
    left, right = [], []
    for members in postings.values():
        if len(members) < 2:
            continue
        members_array = np.asarray(members)
        i, j = np.triu_indices(len(members_array), k=1)
        left.append(members_array[i])
        right.append(members_array[j])
    if not left:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    codes = np.unique(np.concatenate(left).astype(np.int64) * n + np.concatenate(right))
    return codes // n, codes % n


def pair_similarities(vectors: sp.csr_matrix, left: np.ndarray, right: np.ndarray,
                      batch: int = 4000) -> np.ndarray:
    out = np.empty(len(left), dtype=np.float64)
    for lo in range(0, len(left), batch):
        hi = lo + batch
        out[lo:hi] = np.asarray(vectors[left[lo:hi]].multiply(vectors[right[lo:hi]]).sum(axis=1)).ravel()
    return out


def scored_pairs(vectors: sp.csr_matrix, min_similarity: float,
                 exact_limit: int = EXACT_LIMIT) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (i < j) with similarity >= min_similarity: all pairs for small inputs, blocked pairs above."""
    n = vectors.shape[0]
    if n < 2:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0)
    if n <= exact_limit:
        product = sp.triu(vectors @ vectors.T, k=1).tocoo()
        keep = product.data >= min_similarity
        return product.row[keep].astype(np.int64), product.col[keep].astype(np.int64), product.data[keep]
    left, right = candidate_pairs(vectors)
    similarity = pair_similarities(vectors, left, right)
    keep = similarity >= min_similarity
    return left[keep], right[keep], similarity[keep]


# ---------------------------------------------------------------- agglomeration


@dataclass
class Story:
    members: list[int]  # indices into the clustered inputs, ascending
    cohesion: float | None  # mean similarity over all member pairs (None for a one-article story)
    similarities: dict[tuple[int, int], float] = field(default_factory=dict)  # member pairs (i < j)


def _mean_cross_similarity(sum_a: sp.csr_matrix, size_a: int, sum_b: sp.csr_matrix, size_b: int) -> float:
    return float(sum_a.multiply(sum_b).sum()) / (size_a * size_b)


def cluster_vectors(vectors: sp.csr_matrix, threshold: float = DEFAULT_STORY_THRESHOLD,
                    dates: Sequence[date | None] | None = None, window_days: int | None = DEFAULT_WINDOW_DAYS,
                    exact_limit: int = EXACT_LIMIT) -> list[Story]:
    """Average-linkage clustering of unit vectors over the pairs that reach the threshold."""
    n = vectors.shape[0]
    dates = list(dates) if dates is not None else [None] * n
    left, right, similarity = scored_pairs(vectors, threshold, exact_limit)
    order = np.argsort(-similarity, kind="stable")
    parent = list(range(n))
    size = [1] * n
    sums: dict[int, sp.csr_matrix] = {}
    span: list[tuple[date | None, date | None]] = [(d, d) for d in dates]

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def row_sum(root: int) -> sp.csr_matrix:
        if root not in sums:
            sums[root] = vectors[root]
        return sums[root]

    def within_window(a: int, b: int) -> bool:
        if window_days is None or window_days <= 0:
            return True
        known = [d for d in (*span[a], *span[b]) if d is not None]
        return not known or (max(known) - min(known)).days <= window_days

    # Repeat passes: a merge can lift a pair of groups that was refused earlier over the threshold.
    changed = True
    while changed:
        changed = False
        for index in order:
            a, b = find(int(left[index])), find(int(right[index]))
            if a == b or not within_window(a, b):
                continue
            if _mean_cross_similarity(row_sum(a), size[a], row_sum(b), size[b]) < threshold:
                continue
            if size[a] < size[b]:
                a, b = b, a
            parent[b] = a
            sums[a] = row_sum(a) + row_sum(b)
            sums.pop(b, None)
            size[a] += size[b]
            known = [d for d in (*span[a], *span[b]) if d is not None]
            span[a] = (min(known), max(known)) if known else (None, None)
            changed = True

    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        groups[find(i)].append(i)
    stories = []
    for root, members in groups.items():
        story = Story(members=sorted(members), cohesion=None)
        if len(members) > 1:
            total = row_sum(root)
            story.cohesion = round((float(total.multiply(total).sum()) - len(members))
                                   / (len(members) * (len(members) - 1)), 4)
            if len(members) <= 50:  # member-pair similarities are only kept for readable story sizes
                block = vectors[story.members]
                product = (block @ block.T).toarray()
                story.similarities = {(a, b): round(float(product[x, y]), 4)
                                      for x, a in enumerate(story.members)
                                      for y, b in enumerate(story.members) if x < y}
        stories.append(story)
    stories.sort(key=lambda s: (-len(s.members), s.members[0]))
    return stories


def cluster_stories(inputs: Sequence[StoryInput], threshold: float = DEFAULT_STORY_THRESHOLD,
                    window_days: int | None = DEFAULT_WINDOW_DAYS, exact_limit: int = EXACT_LIMIT) -> list[Story]:
    """Group articles into stories; every input belongs to exactly one story, biggest stories first."""
    if not 0.0 < threshold <= 1.0:
        from .errors import InputError

        raise InputError(f"story similarity threshold must be in (0, 1], got {threshold}")
    if not inputs:
        return []
    vectors = story_vectors(inputs)
    return cluster_vectors(vectors, threshold, [parse_published(item.published) for item in inputs], window_days,
                           exact_limit)


def similarity_matrix(inputs: Sequence[StoryInput]) -> np.ndarray:
    """All pairwise story similarities (for inspection and small inputs only: n x n dense)."""
    vectors = story_vectors(inputs)
    return (vectors @ vectors.T).toarray()
