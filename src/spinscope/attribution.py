"""Who an article cites, and its direct quotes.

Rule-based and English-first: sources are found from attribution cues ("according to X", "X said", "said X",
"a report by X", "X told reporters", "citing X", "the POTUS tweeted"); the cue words for "according to" are also
known in the other corpus languages (selon, secondo, laut, według, по словам ...). Names come from the
capitalised-sequence finder in `cluster.named_entities`; unnamed sources ("three former officials") from a small
noun-phrase pattern.

Source kinds:
  outlet     a news organisation (known names, or names ending in Post/Times/News/...)
  official   a government office or an office holder ("the White House", "the POTUS", a name that the article
             also gives with an office title, e.g. "Trump" when "President Trump" appears)
  person     any other named person or organisation
  anonymous  an unnamed source ("three former officials", "people familiar with the matter")
  document   a document the article relies on ("a memorandum", "two confidential documents")

Quotes are the text inside quote marks (“…”, "…", „…“, «…», ‘…’, '…'; the offsets exclude the marks), plus
Russian-style dash speech closed by "– said X". The speaker is given when an attribution cue sits next to the
quote, or when the quote follows a paragraph ending in "Source:"; "he"/"she" resolve to the last named person or
official source cited before the quote. Everything else gets speaker null (e.g. scare quotes).

All offsets are half-open character offsets into the article text.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .cluster import Entity, named_entities
from .lexicon import KNOWN_OUTLETS, REPORTING_VERBS
from .segment import line_bounds

KINDS = ("outlet", "person", "official", "anonymous", "document")

_RV = "(?:" + "|".join(REPORTING_VERBS) + ")"
_AUX = r"(?:(?:has|have|had|also|later|previously|reportedly|first|then|once|just|publicly|repeatedly|further)\s+)*"

_OUTLET_WORDS = frozenset("""post times news journal tribune herald gazette daily telegraph press agency tv radio
magazine review chronicle observer standard wire insider examiner monitor reporter network channel broadcasting
newspaper zeitung nouvelles giornale gazeta""".split())
# offices and institutions of government (a source naming one is an official source)
_OFFICIAL_WORDS = frozenset("""president potus vice minister ministry secretary senator sen rep representative
congressman congresswoman governor gov mayor director ambassador spokesman spokeswoman spokesperson official
officials officer officers chairman chairwoman commissioner prosecutor attorney judge police sheriff general admiral
chancellor premier king queen pope department white house kremlin pentagon fbi cia nsa dhs doj fsb svr gru
congress senate duma parliament government administration cabinet embassy commission council court army navy
military""".split())
_OFFICIAL_PHRASES = ("white house", "state department", "justice department", "foreign ministry", "downing street",
                     "the kremlin", "the pentagon", "élysée", "elysee")
_ANONYMOUS_HEADS = (
    "officials", "official", "sources", "source", "people", "persons", "person", "aides", "aide", "officers",
    "officer", "diplomats", "diplomat", "insiders", "insider", "staffers", "staffer", "employees", "employee",
    "advisers", "adviser", "advisors", "advisor", "lawmakers", "lawmaker", "investigators", "investigator",
    "analysts", "analyst", "experts", "expert", "witnesses", "witness", "observers", "observer", "spokesman",
    "spokeswoman", "spokesperson", "authorities", "agencies", "individuals", "individual", "members", "member",
    "critics", "residents", "researchers", "scientists", "economists", "police",
)
# plural roles that are a source on their own ("officials said", "police said"); "people said" is too vague
_BARE_SOURCES = ("officials", "diplomats", "police", "investigators", "witnesses", "authorities",
                 "sources", "aides", "analysts", "experts", "lawmakers", "insiders", "observers", "officers")
_DOCUMENT_HEADS = (
    "report", "reports", "memo", "memos", "memorandum", "memoranda", "documents", "document", "transcripts",
    "transcript", "filings", "filing", "papers", "paper", "letters", "letter", "emails", "email", "e-mails",
    "cables", "cable", "study", "studies", "survey", "poll", "records", "record", "dossier", "indictment",
    "complaint", "assessment", "analysis", "data", "briefing", "minutes", "files", "leak", "leaks",
)
_QUANTIFIERS = frozenset("""a an the one two three four five six seven eight nine ten eleven twelve several some many
multiple numerous few dozens dozen number other two-dozen both all most these those""".split())
# words that may describe an unnamed source ("current and former senior U.S. intelligence officials")
_MODIFIER_STOP = frozenset("""in on at to for by with from that which who whom whose is are was were be been being
have has had do does did said told says say according as than then when while because after before since if
whether not no nor but so yet into onto about over under against between among through during without within
this that it he she they we i you his her him them us our my your me its there here what why how where
accused admitted denied though although however meanwhile""".split())
# words that start a clause rather than describe a speaker ("since the United States is ...")
_CLAUSE_WORDS = _MODIFIER_STOP | frozenset("and or the a an".split())
_PERSON_PRONOUNS = {"he", "she"}
# words before or inside a name that say which pronoun fits ("Ms. Berglund", "spokeswoman Anna Berglund")
_GENDER_WORDS = {
    "she": frozenset("""mrs ms miss madam madame dame lady queen princess duchess baroness countess spokeswoman
chairwoman congresswoman businesswoman councilwoman policewoman sportswoman mother wife daughter sister grandmother
actress widow woman girl aunt niece""".split()),
    "he": frozenset("""mr sir lord king prince duke baron count spokesman chairman congressman businessman councilman
policeman sportsman father husband son brother grandfather actor widower man boy uncle nephew""".split()),
}
_ACCORDING_CUES = (
    r"according\s+to", r"as\s+reported\s+by", r"(?:first\s+)?reported\s+by", r"cited\s+by", r"quoted\s+by",
    r"citing", r"an?\s+(?:new\s+)?report\s+(?:by|from|in)", r"reports?\s+(?:by|from|in)",
    r"sources?\s+(?:at|in|close\s+to)",
    r"in\s+an\s+interview\s+with", r"told", r"selon", r"d['’]après", r"secondo", r"stando\s+a", r"laut",
    r"według", r"по\s+словам", r"по\s+данным", r"согласно",
)
_CUE = re.compile(r"(?<![\w-])(?P<cue>" + "|".join(_ACCORDING_CUES) + r")\s+(?:(?:the|a|an)\s+)?", re.IGNORECASE)
_QUALIFIER = (r"\s+(?:familiar\s+with|with\s+(?:direct\s+|first-hand\s+)?knowledge\s+of|close\s+to|briefed\s+on|"
              r"involved\s+in|knowledgeable\s+about|in\s+charge\s+of)\s+[^,.;:!?\"“”\n]{1,50}?(?=\s+"
              + _AUX + _RV + r"\b|,)")
_VERB_AFTER = re.compile(r"(?:['’]s?)?(?:" + _QUALIFIER + r")?\s*(?:,\s*(?:who\s+|which\s+)?[^,.;:!?\"“”\n]{1,80},\s*)?"
                         + _AUX + _RV + r"\b", re.IGNORECASE)
_QUALIFIER_AT = re.compile(_QUALIFIER, re.IGNORECASE)
_VERB_BEFORE = re.compile(r"(?:^|[,”\"’:;]\s*|[–—]\s*)" + _RV + r"\s+(?:(?:the|a|an)\s+)?$", re.IGNORECASE)
_SIMPLE_WORD = re.compile(r"[A-Za-z][A-Za-z\-]*")
_RV_SET = frozenset(REPORTING_VERBS)
_POSSESSIVE_REPORT = re.compile(r"^['’]s?\s+(?:own\s+)?(?:report|reporting|story|investigation|analysis|sources)\b")
_HEAD_SET = frozenset(_ANONYMOUS_HEADS + _DOCUMENT_HEADS)
_ANONYMOUS_CORE = re.compile(r"\b(?P<head>" + "|".join(sorted(set(_ANONYMOUS_HEADS + _DOCUMENT_HEADS), key=len,
                                                           reverse=True)) + r")\b", re.IGNORECASE)


@dataclass
class SourceMention:
    start: int
    end: int
    name: str
    kind: str
    key: str


@dataclass
class Source:
    name: str
    kind: str
    key: str
    mentions: list[SourceMention] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        spans = sorted({(m.start, m.end) for m in self.mentions})
        return {"name": self.name, "kind": self.kind, "spans": [{"start": s, "end": e} for s, e in spans]}


@dataclass
class Quote:
    start: int
    end: int
    speaker: str | None = None
    speaker_kind: str | None = None

    def to_dict(self, text: str) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": text[self.start:self.end], "speaker": self.speaker,
                "speaker_kind": self.speaker_kind}


# ---------------------------------------------------------------- classifying a source phrase


def _words(phrase: str) -> list[str]:
    return re.findall(r"[\w.’'\-]+", phrase.lower())


_TITLED = re.compile(r"\b(?:President|Minister|Secretary|Senator|Governor|Mayor|Director|Ambassador|Gen\.|General|"
                     r"Spokes(?:man|woman|person)|Chancellor|Premier|Sen\.|Rep\.)\s+((?:[A-Z][\w.\-’']*\s+){0,3}"
                     r"[A-Z][\w\-’']*)")


def titled_names(text: str) -> frozenset[str]:
    """Every capitalised word the text puts after an office title ("President Oskar Lind" -> Oskar, Lind)."""
    words = set()
    for match in _TITLED.finditer(text):
        words.update(re.sub(r"['’]s$", "", w) for w in match.group(1).split())
    return frozenset(words)


def classify_named(name: str, text: str, titled: frozenset[str] | None = None) -> str:
    """outlet | official | person for a named source, from its words and how the article names it elsewhere
    (`titled`: `titled_names(text)` if already computed)."""
    lower = re.sub(r"^the\s+", "", name.lower()).replace("’", "'")
    words = [w.strip(".") for w in _words(lower)]
    if lower in KNOWN_OUTLETS or lower.replace(".", "") in KNOWN_OUTLETS or (words and words[-1] in _OUTLET_WORDS):
        return "outlet"
    if any(w in _OFFICIAL_WORDS for w in words) or any(p in lower for p in _OFFICIAL_PHRASES):
        return "official"
    original_words = re.findall(r"[\w\-]+", re.sub(r"['’]s$", "", name))
    surname = original_words[-1] if original_words else ""
    if surname and surname in (titled if titled is not None else titled_names(text)):
        return "official"
    return "person"


def classify_descriptive(phrase: str) -> str:
    """anonymous | document | official for an unnamed source phrase ("three former officials", "a memo")."""
    words = _words(phrase)
    head = words[-1] if words else ""
    if head in _DOCUMENT_HEADS:
        return "document"
    if head in ("administration", "government", "ministry", "department", "agencies", "authorities", "police"):
        return "official"  # unnamed, but an institution of government speaking as such
    return "anonymous"


def _key(name: str) -> str:
    words = [w.strip(".").replace(".", "") for w in _words(name)]
    words = [w[:-2] if w.endswith(("'s", "’s")) else w for w in words]
    return "_".join(w for w in words if w and w not in ("the", "a", "an"))


# ---------------------------------------------------------------- finding source phrases


class _Finder:
    def __init__(self, text: str, entities: list[Entity] | None = None):
        self.text = text
        self.entities: list[Entity] = named_entities(text) if entities is None else list(entities)
        self.by_start = {e.start: e for e in self.entities}
        self.mentions: list[SourceMention] = []
        self.titled = titled_names(text)

    def classify(self, name: str) -> str:
        return classify_named(name, self.text, self.titled)

    def entity_at(self, position: int) -> Entity | None:
        """A name starting at `position` (after an optional "the ")."""
        match = re.match(r"(?:the\s+)?", self.text[position:], re.IGNORECASE)
        return self.by_start.get(position + match.end())

    def descriptive_at(self, position: int, limit: int = 90) -> tuple[int, int] | None:
        """An unnamed-source phrase starting at `position`: modifiers then an anonymous/document head noun."""
        window = self.text[position:position + limit]
        stop = re.search(r"[,;:!?\"“”()\n]|\.(?=\s+[A-Z]|\s*$)", window)  # not the dots of "U.S."
        window = window[:stop.start()] if stop else window
        best = None
        for match in _ANONYMOUS_CORE.finditer(window):
            before = _words(window[:match.start()])
            if any(w in _MODIFIER_STOP for w in before) or len(before) > 6:
                break
            best = (position, position + match.end())
            if match.group("head").lower() in _DOCUMENT_HEADS:
                break
        if best is None:
            return None
        # "one of the sources", "some of the officials": include "of the" chains
        return best

    def descriptive_ending_at(self, end: int) -> tuple[int, int] | None:
        """An unnamed-source phrase that ends at `end` (its head noun is right before it)."""
        head = _ANONYMOUS_CORE.search(self.text, max(0, end - 20), end)
        while head and head.end() != end:
            head = _ANONYMOUS_CORE.search(self.text, head.end(), end)
        if head is None:
            return None
        start = head.start()
        count = 0
        while count < 6:
            previous = re.search(r"(?<![\w’'])([\w.\-]+(?:['’]\w+)?)(\s+)$", self.text[max(0, start - 40):start])
            if not previous:
                break
            word = previous.group(1).lower()
            if word in _MODIFIER_STOP or previous.group(2) != " " and "\n" in previous.group(2):
                break
            if word.endswith(".") and word.count(".") == 1 and len(word) > 2:
                break  # the end of the previous sentence ("... had failed. Police said"), not "U.S."
            if word[:1].isalpha() and word in ("said", "told") or word.endswith(("ed", "ing")) and \
                    word not in ("unnamed", "informed", "retired", "elected", "appointed", "concerned"):
                break
            start -= len(previous.group(0))
            count += 1
            if word in _QUANTIFIERS and word not in ("other",):
                if word in ("a", "an", "the", "one", "some", "several", "many", "multiple", "numerous", "few"):
                    break
        qualifier = _QUALIFIER_AT.match(self.text, end)
        if qualifier:
            end = qualifier.end()
        elif self.text[start:end].lower() in ("people", "person", "members", "member", "individuals", "residents",
                                              "critics"):
            return None  # a bare "people said" is too vague to count
        return start, end

    def add_named(self, entity: Entity, cue: str = "") -> SourceMention:
        kind = self.classify(entity.text)
        mention = SourceMention(entity.start, entity.end, entity.text, kind, entity.key)
        self.mentions.append(mention)
        return mention

    def add_descriptive(self, start: int, end: int, kind: str | None = None) -> SourceMention:
        phrase = self.text[start:end]
        mention = SourceMention(start, end, phrase, kind or classify_descriptive(phrase), "")
        self.mentions.append(mention)
        return mention

    def source_at(self, position: int, allow_descriptive: bool = True) -> SourceMention | None:
        entity = self.entity_at(position)
        if entity is not None:
            return self.add_named(entity)
        if allow_descriptive:
            match = re.match(r"(?:the\s+)?", self.text[position:], re.IGNORECASE)
            found = self.descriptive_at(position + match.end())
            if found:
                by = re.match(r"\s+(?:by|from|of|in)\s+", self.text[found[1]:found[1] + 12])
                if by and classify_descriptive(self.text[found[0]:found[1]]) == "document":
                    entity = self.entity_at(found[1] + by.end())
                    if entity is not None:
                        return self.add_named(entity)
                qualifier = _QUALIFIER_AT.match(self.text, found[1])
                return self.add_descriptive(found[0], qualifier.end() if qualifier else found[1])
        return None

    def source_after_verb(self, position: int) -> SourceMention | None:
        """The source after a reporting verb, possibly behind a role: "said political analyst Ivan Lizan"."""
        cursor = position
        for _ in range(5):
            entity = self.entity_at(cursor)
            if entity is not None:
                return self.add_named(entity)
            word = re.match(r"[a-z][\w\-]*\s+", self.text[cursor:cursor + 40])
            if not word:
                break
            cursor += word.end()
        return self.source_at(position)

    def source_behind_role(self, position: int) -> SourceMention | None:
        """The subject of a reporting verb, possibly behind a role: "fire chief Anna Berglund (said)". The role
        words are content words ("since the United States said" is no role), and the verb must follow the name."""
        cursor = position + re.match(r"(?:(?:the|a|an)\s+)?", self.text[position:position + 4], re.IGNORECASE).end()
        for _ in range(4):
            word = re.match(r"([a-z][\w\-]*)\s+", self.text[cursor:cursor + 40])
            if not word or word.group(1) in _CLAUSE_WORDS:
                break
            cursor += word.end()
            entity = self.by_start.get(cursor)
            if entity is not None:
                return self.add_named(entity) if _VERB_AFTER.match(self.text, entity.end) else None
        return self.source_at(position)

    # -- the cue patterns

    def run(self) -> list[SourceMention]:
        text = self.text
        for match in _CUE.finditer(text):
            cue = match.group("cue").lower()
            if cue == "told":
                entity = self.entity_at(match.end())
                if entity is not None and self.classify(entity.text) == "outlet":
                    self.add_named(entity)
                continue
            self.source_at(match.end())
        for entity in self.entities:
            after = text[entity.end:entity.end + 130]
            if _VERB_AFTER.match(after) or _POSSESSIVE_REPORT.match(after):
                self.add_named(entity)
            else:
                end_match = re.match(r"(?:['’]s?)?\s*(?:[.,;:!?\n]|$)", text[entity.end:entity.end + 3])
                if not end_match:
                    continue
                before = text[max(0, entity.start - 40):entity.start]
                if _VERB_BEFORE.search(before):  # "..., said Igor Shatrov."
                    self.add_named(entity)
                elif (re.search(r"\b(?!told\b)" + _RV + r"\s+(?:the\s+)?$", before, re.IGNORECASE)
                      and self.classify(entity.text) == "outlet"):  # "... writes The Washington Post."
                    self.add_named(entity)
        # word tokens once, then set look-ups: much faster than scanning the text with big alternations
        words = list(_SIMPLE_WORD.finditer(text))
        for match in words:
            lower = match.group(0).lower()
            if lower in _HEAD_SET:
                if not _VERB_AFTER.match(text, match.end(), match.end() + 130):
                    continue
                found = self.descriptive_ending_at(match.end())
                if found:
                    phrase_words = _words(text[found[0]:found[1]])
                    if len(phrase_words) >= 2 or phrase_words[-1] in _DOCUMENT_HEADS + _BARE_SOURCES:
                        self.add_descriptive(*found)
            elif lower in _RV_SET and lower != "told" and re.search(r"(?:^|[,”\"’]|[–—])\s*$",
                                                                   text[max(0, match.start() - 3):match.start()]):
                self._inverted_source(match.end())
        return self.mentions

    def _inverted_source(self, verb_end: int) -> None:
        """After ', said' / '” said' / '– said': "political analyst Ivan Lizan", "one of the sources"."""
        text = self.text
        rest = re.match(r"\s+(?:(?:the|a|an)\s+)?", text[verb_end:verb_end + 8])
        if not rest:
            return
        position = verb_end + rest.end()
        partitive = re.match(r"(?:one|some|two|three|several|many|most|all|each|none)\s+of\s+the\s+",
                             text[position:position + 30], re.IGNORECASE)
        if partitive:
            found = self.descriptive_at(position + partitive.end())
            if found:
                self.add_descriptive(position, found[1])
            return
        cursor = position
        for _ in range(5):
            entity = self.by_start.get(cursor)
            if entity is not None:
                if re.match(r"(?:['’]s?)?\s*(?:[.,;:!?\n]|$)", text[entity.end:entity.end + 3]):
                    self.add_named(entity)
                return
            word = re.match(r"[a-z][\w\-]*\s+", text[cursor:cursor + 40])
            if not word:
                return
            cursor += word.end()


# ---------------------------------------------------------------- merging mentions into sources


def _initials(key: str) -> str:
    return "".join(part[0] for part in key.split("_") if part)


def _full_name(source: Source, entities: list[Entity]) -> str:
    """The fullest way the article names a cited person or organisation ("Lind" -> "President Oskar Lind")."""
    tokens = set(source.key.split("_"))
    candidates = Counter(e.text for e in entities
                         if tokens <= set(e.key.split("_")) and len(e.key.split("_")) <= 3)
    if not candidates:
        return source.name
    key_length = {e.text: len(e.key.split("_")) for e in entities}
    # first and last name (two key words) is the fullest useful form; then the most frequent, then the shortest
    best = max(candidates, key=lambda t: (min(key_length[t], 2), candidates[t], -len(t)))
    return best if len(best) >= len(source.name) else source.name


def merge_sources(mentions: list[SourceMention]) -> list[Source]:
    """One `Source` per cited source: a name merges with longer forms of it ("Trump" -> "Donald Trump"), an
    acronym with the name it abbreviates ("WP" -> "Washington Post"); unnamed sources merge on their last two
    words ("three former officials" / "the former officials")."""
    # an unnamed official source ("police", "the ministry") has no name key: it merges as the unnamed do
    named = [m for m in mentions if m.kind in ("outlet", "person", "official") and m.key]
    unnamed = [m for m in mentions if m not in named]
    sources: list[Source] = []
    kind_rank = {"outlet": 0, "official": 1, "person": 2}
    for mention in sorted(named, key=lambda m: -len(m.key.split("_"))):
        tokens = set(mention.key.split("_"))
        target = None
        for source in sources:
            source_tokens = set(source.key.split("_"))
            if tokens <= source_tokens or (mention.key.isalpha() and len(mention.key) >= 2 and "_" not in
                                           mention.key and _initials(source.key) == mention.key):
                target = source
                break
        if target is None:
            target = Source(mention.name, mention.kind, mention.key)
            sources.append(target)
        target.mentions.append(mention)
        if kind_rank[mention.kind] < kind_rank[target.kind]:
            target.kind = mention.kind
    for mention in sorted(unnamed, key=lambda m: -len(_words(m.name))):
        words = [w for w in _words(mention.name) if w not in _QUANTIFIERS and not w.isdigit()]
        key = "~" + "_".join(words)
        target = next((s for s in sources if s.kind == mention.kind and s.key.startswith("~")
                       and set(words) <= set(s.key[1:].split("_")) and words[-1:] == s.key.split("_")[-1:]),
                      None)
        if target is None:
            target = Source(mention.name, mention.kind, key)
            sources.append(target)
        target.mentions.append(mention)
    for source in sources:
        source.mentions.sort(key=lambda m: m.start)
        if source.kind in ("outlet", "person", "official"):
            source.name = max((m.name for m in source.mentions), key=lambda n: (len(n.split()), len(n)))
            source.name = re.sub(r"['’]s$", "", source.name)
    sources.sort(key=lambda s: s.mentions[0].start)
    return sources


# ---------------------------------------------------------------- quotes

_DOUBLE = "\"“”„«»‟〝〞＂"
_OPENING_DOUBLE = "\"“„«‟〝＂"
_CLOSING_DOUBLE = "\"”“»〞＂"
_SINGLE_OPEN = "‘'‚‹"
_SINGLE_CLOSE = "’'‹›"
_OPEN_CONTEXT = " \t([{—–-:;,/"
_DOUBLE_RE = re.compile("[" + re.escape(_DOUBLE) + "]")
_SINGLE_RE = re.compile("[" + re.escape(_SINGLE_OPEN + _SINGLE_CLOSE) + "]")


def _lines(text: str) -> list[tuple[int, int]]:
    return [(start, end) for start, end in line_bounds(text) if text[start:end].strip()]


def find_quote_spans(text: str) -> list[tuple[int, int, int, int]]:
    """(content start, content end, open mark, close mark) of quotations, outer ones and quotes nested in them.

    Quotes do not cross line breaks, except that a quote opened at the start of a line and never closed runs to
    the end of that line (news style for a quotation spanning paragraphs).
    """
    found = []
    for line_start, line_end in _lines(text):
        first = line_start + len(text[line_start:line_end]) - len(text[line_start:line_end].lstrip())
        opened = None
        for mark in _DOUBLE_RE.finditer(text, line_start, line_end):
            i = mark.start()
            char = text[i]
            before = text[i - 1] if i > line_start else " "
            after = text[i + 1] if i + 1 < line_end else " "
            if opened is None:
                if (char in _OPENING_DOUBLE and (before in _OPEN_CONTEXT or i == first) and not after.isspace()) \
                        or i == first:
                    opened = i
            elif char in _CLOSING_DOUBLE and not before.isspace():
                if re.search(r"\w", text[opened + 1:i]):
                    found.append((opened + 1, i, opened, i))
                opened = None
        if opened is not None and opened == first and re.search(r"\w", text[opened + 1:line_end]):
            content_end = line_start + len(text[line_start:line_end].rstrip())
            found.append((opened + 1, content_end, opened, content_end))
    # single quotes: at top level or inside a double-quoted passage
    double_ranges = [(open_mark, close_mark) for _, _, open_mark, close_mark in found]
    for line_start, line_end in _lines(text):
        opened = None
        for mark in _SINGLE_RE.finditer(text, line_start, line_end):
            i = mark.start()
            char = text[i]
            before = text[i - 1] if i > line_start else " "
            after = text[i + 1] if i + 1 < line_end else " "
            if opened is None:
                if char in _SINGLE_OPEN and (before in _OPEN_CONTEXT or before in _DOUBLE) and after.isalnum():
                    opened = i
            elif char in _SINGLE_CLOSE and not before.isspace() and not after.isalnum() and i - opened > 1:
                content = text[opened + 1:i]
                crosses = any((s < opened < e) != (s < i < e) for s, e in double_ranges)
                if not crosses and len(content) <= 600 and re.search(r"\w", content):
                    found.append((opened + 1, i, opened, i))
                opened = None
    trimmed = []
    for start, end, open_mark, close_mark in found:
        content = text[start:end]
        left = start + len(content) - len(content.lstrip())
        right = start + len(content.rstrip())
        if left < right:
            trimmed.append((left, right, open_mark, close_mark))
    return sorted(set(trimmed))


def _dash_speech(text: str) -> list[tuple[int, int, int]]:
    """Russian-style direct speech: "– This could really be said, – said Igor Shatrov." -> (start, end, verb)."""
    found = []
    for line_start, line_end in _lines(text):
        line = text[line_start:line_end]
        match = re.match(r"\s*(?:[•·*]\s*)?[–—-]?\s*", line)
        body_start = line_start + match.end()
        tail = re.search(r",?\s*[–—]\s*" + _RV + r"\b", line[match.end():], re.IGNORECASE)
        if tail and tail.start() > 10:
            found.append((body_start, body_start + tail.start(), body_start + tail.end()))
    return found


# ---------------------------------------------------------------- speakers


class _Speakers:
    def __init__(self, finder: _Finder, sources: list[Source]):
        self.finder = finder
        self.text = finder.text
        self.sources = sources
        self.genders: dict[str, str | None] = {}

    def source_for(self, mention: SourceMention) -> Source | None:
        for source in self.sources:
            if mention in source.mentions:
                return source
        return None

    def who_at(self, position: int) -> tuple[str | None, str | None]:
        """Speaker starting at `position`: a pronoun, a name, or an unnamed-source phrase."""
        return self._speaker(position, self.finder.source_at)

    def who_after_verb(self, position: int) -> tuple[str | None, str | None]:
        return self._speaker(position, self.finder.source_after_verb)

    def _speaker(self, position: int, find) -> tuple[str | None, str | None]:
        pronoun = re.match(r"(he|she|they)\b", self.text[position:position + 5], re.IGNORECASE)
        if pronoun:
            return self.resolve_pronoun(position, pronoun.group(1).lower())
        mention = find(position)
        return (mention.name, mention.kind) if mention else (None, None)

    def who_ending_at(self, end: int) -> tuple[str | None, str | None]:
        pronoun = re.search(r"\b(he|she|they)$", self.text[max(0, end - 5):end], re.IGNORECASE)
        if pronoun:
            return self.resolve_pronoun(end, pronoun.group(1).lower())
        entity = next((e for e in self.finder.entities if e.end == end or e.end + 2 == end and
                       self.text[e.end:end] in ("'s", "’s")), None)
        if entity is not None:
            mention = self.finder.add_named(entity)
            return mention.name, mention.kind
        found = self.finder.descriptive_ending_at(end)
        if found:
            mention = self.finder.add_descriptive(*found)
            return mention.name, mention.kind
        return None, None

    def gender(self, key: str) -> str | None:
        """"he" or "she" for the person with this key, from a courtesy title or gendered role word before or in
        any of their names, else from a pronoun already resolved to them; None when nothing says."""
        if key in self.genders:
            return self.genders[key]
        surname = key.split("_")[-1]
        found = None
        for entity in self.finder.entities:
            if surname not in entity.key.split("_"):
                continue
            # the word right before the name only: "spokeswoman Anna Berglund", not "the son of Anna Berglund"
            words = _words(self.text[max(0, entity.start - 30):entity.start])[-1:] + _words(entity.text)
            words = [w.strip(".") for w in words]
            for pronoun, cues in _GENDER_WORDS.items():
                if any(w in cues for w in words):
                    found = found or pronoun
        self.genders[key] = found
        return found

    def resolve_pronoun(self, position: int, pronoun: str) -> tuple[str | None, str | None]:
        """The nearest earlier cited person (or, failing that, named person) whom the pronoun can refer to: one
        whose gender is unknown or matches; the choice then fixes that person's gender for later pronouns."""
        if pronoun not in _PERSON_PRONOUNS:
            return None, None

        def fits(mention: SourceMention) -> bool:
            return self.gender(mention.key) in (None, pronoun)

        earlier = [m for m in self.finder.mentions if m.end <= position and position - m.end <= 700
                   and m.kind in ("person", "official") and m.key and fits(m)]
        if not earlier:
            earlier = [m for e in self.finder.entities if e.end <= position and position - e.end <= 700
                       and (len(e.key.split("_")) >= 2 or self.gender(e.key) == pronoun) and self._personal(e)
                       for m in [SourceMention(e.start, e.end, e.text, self.finder.classify(e.text), e.key)]
                       if fits(m)]
            if earlier:
                self.finder.mentions.append(earlier[-1])
        if not earlier:
            return None, None
        last = max(earlier, key=lambda m: m.end)
        self.genders[last.key] = pronoun
        return last.name, last.kind

    def _personal(self, entity: Entity) -> bool:
        """A name of a person: classified as one, or an official named after an office title ("Mayor Tom Hale")."""
        kind = self.finder.classify(entity.text)
        return kind == "person" or kind == "official" and entity.key.split("_")[-1] in \
            {w.lower() for w in self.finder.titled}

    def speaker(self, start: int, end: int, open_mark: int, close_mark: int) -> tuple[str | None, str | None]:
        text = self.text
        line_start = text.rfind("\n", 0, open_mark) + 1
        line_end = text.find("\n", close_mark)
        line_end = len(text) if line_end < 0 else line_end
        # after the quote: ", X said" / ", said X" / " – said X"
        after_start = close_mark + 1 if close_mark < len(text) and text[close_mark] in _DOUBLE + _SINGLE_CLOSE \
            else close_mark
        after = text[after_start:min(line_end, after_start + 160)]
        match = re.match(r"[,.]?\s*[–—-]?\s*" + _AUX + "(?P<verb>" + _RV + r")\s+", after, re.IGNORECASE)
        if match:
            who = self.who_after_verb(after_start + match.end())
            if who[0]:
                return who
        match = re.match(r"[,.]?\s*[–—-]?\s*", after)
        subject_start = after_start + match.end()
        verb = _VERB_AFTER.search(text, subject_start, min(line_end, subject_start + 120))
        if verb and verb.start() > subject_start:
            # the verb must follow the subject directly (allowing an appositive, which _VERB_AFTER covers)
            head = text[subject_start:verb.start()]
            if len(head.split()) <= 8 and not re.search(r"[!?;]|\.(?=\s+[A-Z])", head):
                who = self._speaker(subject_start, self.finder.source_behind_role)
                if who[0] and verb.start() - subject_start <= len(who[0]) + 90:
                    return who
        # before the quote: "X said: “", "X tweeted, “", "according to X: “", "..., citing “"
        before = text[max(line_start, open_mark - 200):open_mark]
        match = re.search(r"(?P<verb>" + _RV + r")(?:\s+[\w’']+){0,3}?\s*[:,]?\s*$", before, re.IGNORECASE)
        if match:
            verb_at = open_mark - len(before) + match.start("verb")
            subject_end = verb_at
            while subject_end > 0 and text[subject_end - 1] == " ":
                subject_end -= 1
            aux = re.search(r"(?:\s+(?:has|have|had|also|later|then|once|just|publicly))+$", text[:subject_end])
            if aux:
                subject_end = aux.start()
            who = self.who_ending_at(subject_end)
            if who[0]:
                return who
        match = re.search(r"\baccording\s+to\s+(?:the\s+)?(?P<rest>[^:,]{1,80})[:,]?\s*$", before, re.IGNORECASE)
        if match:
            who = self.who_at(open_mark - len(before) + match.start("rest"))
            if who[0]:
                return who
        if re.search(r"\b(?:citing|saying|adding|writing|quoting|calling\s+it)\s*:?\s*$", before, re.IGNORECASE):
            sentence_start = max(text.rfind(". ", line_start, open_mark) + 2, line_start)
            subject = next((e for e in self.finder.entities if sentence_start <= e.start < open_mark), None)
            if subject is not None:
                mention = self.finder.add_named(subject)
                return mention.name, mention.kind
        # a quote opening its line after a line ending in a colon: "According to Reuters:" / "More from Reuters:"
        if not text[line_start:open_mark].strip():
            previous_end = line_start - 1
            while previous_end > 0 and text[previous_end - 1] in " \n\r\t":
                previous_end -= 1
            if previous_end > 0 and text[previous_end - 1] == ":":
                previous_start = text.rfind("\n", 0, previous_end - 1) + 1
                names = [e for e in self.finder.entities if previous_start <= e.start < previous_end]
                if names:
                    mention = self.finder.add_named(names[-1])
                    return mention.name, mention.kind
        return None, None


# ---------------------------------------------------------------- public API


@dataclass
class Attribution:
    sources: list[Source]
    quotes: list[Quote]

    def to_dict(self, text: str) -> dict[str, Any]:
        return {"sources": [s.to_dict() for s in self.sources], "quotes": [q.to_dict(text) for q in self.quotes]}

    def source_names(self, kinds: tuple[str, ...] = ("outlet", "person", "official")) -> list[str]:
        return [s.name for s in self.sources if s.kind in kinds]


def attribute(text: str, entities: list[Entity] | None = None) -> Attribution:
    """Sources and quotes of one article text (`entities`: `named_entities(text)` if already computed)."""
    finder = _Finder(text, entities)
    finder.run()
    quote_spans = find_quote_spans(text)
    dash = [(s, e, v) for s, e, v in _dash_speech(text)
            if not any(qs <= s < qe or s <= qs < e for qs, qe, _, _ in quote_spans)]
    # speakers may add source mentions (the name after "said"), so the sources are merged afterwards
    speakers = _Speakers(finder, [])
    quotes = []
    for start, end, open_mark, close_mark in quote_spans:
        name, kind = speakers.speaker(start, end, open_mark, close_mark)
        quotes.append(Quote(start, end, name, kind))
    for start, end, verb_end in dash:
        name, kind = speakers.who_after_verb(verb_end + len(text[verb_end:]) - len(text[verb_end:].lstrip()))
        quotes.append(Quote(start, end, name, kind))
    quotes.sort(key=lambda q: (q.start, q.end))
    unique = {(m.start, m.end, m.kind): m for m in finder.mentions}
    sources = merge_sources(list(unique.values()))
    for source in sources:
        if source.kind in ("outlet", "person", "official"):
            full = _full_name(source, finder.entities)
            if full != source.name:
                for quote in quotes:
                    if quote.speaker and any(m.name == quote.speaker for m in source.mentions):
                        quote.speaker = full
                source.name = full
    # speakers are reported under their merged source name
    for quote in quotes:
        if quote.speaker is None:
            continue
        for source in sources:
            if quote.speaker == source.name or any(m.name == quote.speaker for m in source.mentions):
                quote.speaker, quote.speaker_kind = source.name, source.kind
                break
    return Attribution(sources, quotes)


def attribution_dict(text: str) -> dict[str, Any]:
    """JSON form: {"sources": [{name, kind, spans: [{start, end}]}], "quotes": [{start, end, text, speaker,
    speaker_kind}]}."""
    return attribute(text).to_dict(text)
