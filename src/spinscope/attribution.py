"""Who an article cites, and its direct quotes.

Rule-based and English-first: sources are found from attribution cues ("according to X", "X said", "said X",
"a report by X", "X told reporters", "citing X", "the POTUS tweeted", "state records show"); the cue words for
"according to" are also known in the other corpus languages (selon, secondo, laut, według, по словам ...). A
relative clause before the verb attributes to its antecedent ("researchers who saw the data said" cites the
researchers, not the data). Names come from the capitalised-sequence finder in `cluster.named_entities`; unnamed
sources ("three former officials", "one emergency worker") from a small noun-phrase pattern.

Source kinds:
  outlet     a news organisation (known names, or names ending in Post/Times/News/...)
  official   a government office or an office holder ("the White House", "the POTUS", "Fire Chief Dana Okafor",
             "Ohio Environmental Protection Agency", a name that the article also gives with an office title, e.g.
             "Trump" when "President Trump" appears); an agency is an outlet only as a news or press agency
  person     any other named person or organisation
  anonymous  an unnamed source ("three former officials", "people familiar with the matter")
  document   a document the article relies on ("a memorandum", "two confidential documents")

Quotes are the text inside quote marks (“…”, "…", „…“, «…», French spaced « … », ‘…’, '…'; the offsets exclude
the marks and the spaces inside them), plus Russian-style dash speech closed by "– said X". The speaker is given
when an attribution cue sits next to the quote, or when the quote follows a paragraph ending in "Source:";
"he"/"she" resolve to the nearest earlier person they fit: a cited person or official, a person only named as a
sentence's subject, or a singular unnamed source ("one emergency worker claimed"), with gender from titles, role
words and "X said he ...". A quote without a cue that continues the previous quote's speech in its paragraph
(`"...," she said. "They only care..."`) takes that quote's speaker. A quote in an English text whose sentence is
in another corpus language and attributed in it ("« Nous avons vu ... », a déclaré son porte-parole, Luc Besson.")
gets its speaker from that language's rules. Everything else gets speaker null (e.g. scare quotes). Unnamed
people posting online count as unnamed sources ("..., wrote one user").

German, French, Italian, Polish and Russian articles (`attribute(text, language=...)` with "de", "fr", "it",
"pl" or "ru") use rules of their own with each language's reporting words from `lexicon.attribution_words`
("sagte", "so X", "laut", "zufolge"; "a déclaré", "a-t-il déclaré", "selon"; "ha detto", "secondo"; "powiedział",
"według", "zdaniem"; "заявил", "по словам", "«...», — сказал X"): see `attribution_i18n`. No language, English
or any other language keeps the English rules.

All offsets are half-open character offsets into the article text.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .cluster import TITLES, Entity, named_entities
from .lexicon import (DOCUMENT_VERBS, FOREIGN_ACCORDING_CUES, KNOWN_OUTLETS, NAME_ABBREVIATIONS,
                      ORGANISATION_WORDS, PERSON_ROLES, REPORTING_VERBS, attribution_words,
                      is_finite_verb)
from .segment import line_bounds

KINDS = ("outlet", "person", "official", "anonymous", "document")

_RV = "(?:" + "|".join(REPORTING_VERBS) + ")"
_AUX = r"(?:(?:has|have|had|also|later|previously|reportedly|first|then|once|just|publicly|repeatedly|further)\s+)*"

# "agency" is not among them: "Ohio Environmental Protection Agency" is an office; only a "news agency" or
# "press agency" is an outlet (see classify_named)
_OUTLET_WORDS = frozenset("""post times news journal tribune herald gazette daily telegraph press tv radio
magazine review chronicle observer standard wire insider examiner monitor reporter network channel broadcasting
newspaper zeitung nouvelles giornale gazeta""".split())
# offices and institutions of government (a source naming one is an official source). Not "general", which is
# mostly part of a name ("Harwick General Hospital", "General Motors"): a general is official through the title
# ("General Mark Hale" makes "Hale" official, see titled_names). Not "white" nor "house" alone ("Jack White"):
# the White House is a phrase. Institutions (no "he" or "she" refers to one) are kept apart.
_INSTITUTION_WORDS = frozenset("""ministry department kremlin pentagon fbi cia nsa dhs doj fsb svr gru epa congress
senate duma parliament government administration cabinet embassy commission council court army navy military
agency police""".split())
_OFFICIAL_WORDS = frozenset("""president potus vice minister secretary senator sen rep representative congressman
congresswoman governor gov mayor director ambassador spokesman spokeswoman spokesperson official officials officer
officers chairman chairwoman commissioner prosecutor attorney judge sheriff gen admiral chancellor premier king
queen pope councillor councilor councilman councilwoman alderman""".split()) | _INSTITUTION_WORDS
_INSTITUTION_PHRASES = ("white house", "state department", "justice department", "foreign ministry",
                        "downing street", "the kremlin", "the pentagon", "élysée", "elysee", "fire department",
                        "fire service")
_OFFICIAL_PHRASES = _INSTITUTION_PHRASES + ("fire chief", "fire marshal", "surgeon general")
_ANONYMOUS_HEADS = (
    "officials", "official", "sources", "source", "people", "persons", "person", "aides", "aide", "officers",
    "officer", "diplomats", "diplomat", "insiders", "insider", "staffers", "staffer", "employees", "employee",
    "advisers", "adviser", "advisors", "advisor", "lawmakers", "lawmaker", "investigators", "investigator",
    "analysts", "analyst", "experts", "expert", "witnesses", "witness", "observers", "observer", "spokesman",
    "spokeswoman", "spokesperson", "authorities", "agencies", "individuals", "individual", "members", "member",
    "critics", "residents", "researchers", "scientists", "economists", "police",
    # people posting online ("«...», wrote one user", "two users said")
    "user", "users",
    # institutions named by what they are ("the county fire service said", "the state environmental agency said")
    "agency", "service", "ministry", "department",
) + tuple(sorted({form for role in PERSON_ROLES  # "one emergency worker", "two firefighters", "a paramedic"
                  for form in (role, role + ("es" if role.endswith(("s", "sh", "ch", "x")) else "s"))}))
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
    r"in\s+an\s+interview\s+with", r"told",
) + tuple(re.escape(cue).replace(r"\ ", r"\s+") for cue in FOREIGN_ACCORDING_CUES)
_CUE = re.compile(r"(?<![\w-])(?P<cue>" + "|".join(_ACCORDING_CUES) + r")\s+(?:(?:the|a|an)\s+)?", re.IGNORECASE)
_QUALIFIER = (r"\s+(?:familiar\s+with|with\s+(?:direct\s+|first-hand\s+)?knowledge\s+of|close\s+to|briefed\s+on|"
              r"involved\s+in|knowledgeable\s+about|in\s+charge\s+of)\s+[^,.;:!?\"“”\n]{1,50}?(?=\s+"
              + _AUX + _RV + r"\b|,)")
_VERB_AFTER = re.compile(r"(?:['’]s?)?(?:" + _QUALIFIER + r")?\s*(?:,\s*(?:who\s+|which\s+)?[^,.;:!?\"“”\n]{1,80},\s*)?"
                         + _AUX + _RV + r"\b", re.IGNORECASE)
_QUALIFIER_AT = re.compile(_QUALIFIER, re.IGNORECASE)
# "state records show", "the documents reveal": plural present forms that only documents take as reporting verbs
_DOCUMENT_VERB_AFTER = re.compile(r"\s+(?:" + "|".join(DOCUMENT_VERBS) + r")\b", re.IGNORECASE)
# a relative clause right before a reporting verb: "researchers who saw the data said", "Jim Becker, who lives
# nearby, said"; the clause has no punctuation and starts after its antecedent
_RELATIVE = re.compile(r"(?P<ante>[\w’'\-]+)(?P<comma>\s*,)?\s+(?P<rel>who|that|which)\s+"
                       r"(?P<clause>[^,.;:!?\"“”()\[\]\n]{0,100}?)\s*,?\s*$", re.IGNORECASE)
_VERB_LIKE = frozenset("is are was were has have had will would can could does did lives works leads runs owns "
                       "knows".split())
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


# the words of the name may be initials ("B.") but no other word ending in a dot: "General Hospital. Dr. Priya
# Natarajan" titles no one
_TITLED = re.compile(r"\b(?:President|Minister|Secretary|Senator|Governor|Mayor|Director|Ambassador|Gen\.|General|"
                     r"Spokes(?:man|woman|person)|Chancellor|Premier|Sen\.|Rep\.)\s+((?:[A-Z](?:\.|[\w\-’']*)\s+){0,3}"
                     r"[A-Z][\w\-’']*)")


# an office written in lower case before a name ("fire chief Tomas Reyes", "police chief Ann Cole")
_LOWER_OFFICE = re.compile(r"\b(?:fire|police)\s+(?:chief|commissioner|marshal)\s+((?:[A-Z][\w\-’']*\s+){0,2}"
                           r"[A-Z][\w\-’']*)")


def titled_names(text: str) -> frozenset[str]:
    """Every capitalised word the text puts after an office title ("President Oskar Lind" -> Oskar, Lind)."""
    words = set()
    for match in [*_TITLED.finditer(text), *_LOWER_OFFICE.finditer(text)]:
        name = [re.sub(r"['’]s$", "", w) for w in match.group(1).split()]
        if name[-1].lower() not in ORGANISATION_WORDS:  # "General Hospital" names no general
            words.update(name)
    return frozenset(words)


def classify_named(name: str, text: str, titled: frozenset[str] | None = None) -> str:
    """outlet | official | person for a named source, from its words and how the article names it elsewhere
    (`titled`: `titled_names(text)` if already computed)."""
    lower = re.sub(r"^the\s+", "", name.lower()).replace("’", "'")
    words = [w.strip(".") for w in _words(lower)]
    if lower in KNOWN_OUTLETS or lower.replace(".", "") in KNOWN_OUTLETS or (words and words[-1] in _OUTLET_WORDS) \
            or words[-2:] in (["news", "agency"], ["press", "agency"]):
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
    if head in ("administration", "government", "ministry", "department", "agency", "agencies", "service",
                "authorities", "police"):
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
        lead = re.match(r"(?:and|or)\s+", self.text[position:position + 5], re.IGNORECASE)
        position += lead.end() if lead else 0  # '"...," and officials said': the conjunction is not the source
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
        # "..., and officials said": a leading conjunction is no part of the source ("three current and four
        # former officials" keeps its inner one)
        lead = re.match(r"(?:and|or)\s+", self.text[start:end], re.IGNORECASE)
        if lead:
            start += lead.end()
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
        employer = self.by_start.get(cursor)
        if employer is not None and _VERB_AFTER.match(self.text, employer.end):
            return self.add_named(employer)  # "the POTUS tweeted"
        if employer is not None and re.match(r"\s+[a-z]", self.text[employer.end:employer.end + 2]):
            cursor = employer.end + 1  # "Drexon chief executive Paul Whitford said": the person, not the firm
        else:
            employer = None
        for _ in range(4):
            word = re.match(r"([a-z][\w\-]*)\s+", self.text[cursor:cursor + 40])
            if not word or word.group(1) in _CLAUSE_WORDS:
                break
            cursor += word.end()
            entity = self.by_start.get(cursor)
            if entity is not None:
                return self.add_named(entity) if _VERB_AFTER.match(self.text, entity.end) else None
        if employer is not None:  # a name, then words that lead to no person: not a speaker
            return None
        return self.source_at(position)

    def relative_clause(self, end: int, verb: bool = True) -> re.Match | None:
        """The relative clause that ends at `end`, when the antecedent before it is who speaks: at a reporting
        verb (`verb`), "an official who said", "researchers who saw the data (said)", "a report that (said)"; at a
        name or phrase before one (not `verb`), only a clause with its own verb: "who saw (the data) said", not
        "the plan that (officials) said", where the name after "that" is the clause's subject."""
        match = _RELATIVE.search(self.text, max(0, end - 160), end)
        if match is None:
            return None
        clause = match.group("clause").split()
        if not clause:
            return match if verb else None
        if match.group("rel").lower() == "who":
            return match
        first = clause[0]
        own_verb = any(is_finite_verb(w) or w in _VERB_LIKE for w in clause) or (
            first.islower() and first.endswith("s") and first not in _QUANTIFIERS | _MODIFIER_STOP | _HEAD_SET)
        return match if own_verb else None

    def add_antecedent(self, relative: re.Match) -> SourceMention | None:
        """The source a relative clause describes: a name or unnamed-source phrase ending right before it."""
        end = relative.end("ante")
        entity = next((e for e in self.entities if e.end == end), None)
        if entity is not None:
            return self.add_named(entity)
        found = self.descriptive_ending_at(end)
        if found:
            phrase_words = _words(self.text[found[0]:found[1]])
            if len(phrase_words) >= 2 or phrase_words[-1] in _DOCUMENT_HEADS + _BARE_SOURCES:
                return self.add_descriptive(*found)
        return None

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
                if not self.relative_clause(entity.start, verb=False):  # "people who met Tom Hale said"
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
                if not _VERB_AFTER.match(text, match.end(), match.end() + 130) and not (
                        lower in _DOCUMENT_HEADS and _DOCUMENT_VERB_AFTER.match(text, match.end())):
                    continue
                found = self.descriptive_ending_at(match.end())
                # "researchers who saw the data said": the data is inside the relative clause; the researchers
                # speak (found at the verb, below)
                if found and not self.relative_clause(found[0], verb=False):
                    phrase_words = _words(text[found[0]:found[1]])
                    if len(phrase_words) >= 2 or phrase_words[-1] in _DOCUMENT_HEADS + _BARE_SOURCES:
                        self.add_descriptive(*found)
            elif lower in _RV_SET:
                relative = self.relative_clause(match.start())
                if relative is not None:
                    self.add_antecedent(relative)
                elif lower != "told" and re.search(r"(?:^|[,”\"’]|[–—])\s*$",
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


def merge_sources(mentions: list[SourceMention], determiners: frozenset[str] = frozenset()) -> list[Source]:
    """One `Source` per cited source: a name merges with longer forms of it ("Trump" -> "Donald Trump"), an
    acronym with the name it abbreviates ("WP" -> "Washington Post"); unnamed sources merge on their last two
    words ("three former officials" / "the former officials"). `determiners`: another language's articles, left
    out of unnamed sources' keys as "the" is ("dem Landratsamt" / "Landratsamt", "l'Assemblée" / "Assemblée")."""
    elided = tuple(d for d in determiners if d.endswith(("'", "’")))
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
        if determiners:
            bare = [w[len(d):] if (d := next((e for e in elided if w.startswith(e) and len(w) > len(e)), "")) else w
                    for w in words]
            words = [w for w in bare if w not in determiners] or words
        key = "~" + "_".join(words)
        target = next((s for s in sources if s.kind == mention.kind and s.key.startswith("~")
                       and set(words) <= set(s.key[1:].split("_")) and words[-1:] == s.key[1:].split("_")[-1:]),
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


_GUILLEMET_SPACES = " \u00a0\u202f\u2009"
_SPACED_OPEN = re.compile("([«‹])([" + _GUILLEMET_SPACES + "]+)(?=\\S)")
_SPACED_CLOSE = re.compile("(?<=\\S)([" + _GUILLEMET_SPACES + "]+)([»›])")


def tight_spaced_guillemets(text: str) -> str:
    """The text with French spaced guillemets written tight ("« Oui »" -> " «Oui» "), the spaces moved outside
    the marks: the same length, so every offset into it is an offset into `text`, and `find_quote_spans` closes
    them ("Lyon »" is a closing mark, though a space stands before it)."""
    if "«" not in text and "‹" not in text:
        return text
    text = _SPACED_OPEN.sub(lambda m: m.group(2) + m.group(1), text)
    return _SPACED_CLOSE.sub(lambda m: m.group(2) + m.group(1), text)


def find_quote_spans(text: str) -> list[tuple[int, int, int, int]]:
    """(content start, content end, open mark, close mark) of quotations, outer ones and quotes nested in them.

    Quotes do not cross line breaks, except that a quote opened at the start of a line and never closed runs to
    the end of that line (news style for a quotation spanning paragraphs). French spaced guillemets close like
    tight ones ("« Oui », a-t-il dit": the space before "»" does not make it an opening mark).
    """
    tight = tight_spaced_guillemets(text)
    if tight == text:
        return _quote_spans(text)
    # the same quotes as in the tight text; its marks stand where the spaces were: point at the marks of `text`
    spans = []
    for start, end, open_mark, close_mark in _quote_spans(tight):
        while text[open_mark] != tight[open_mark] and open_mark > 0 and text[open_mark] in _GUILLEMET_SPACES:
            open_mark -= 1
        while close_mark + 1 < len(text) and text[close_mark] != tight[close_mark] and \
                text[close_mark] in _GUILLEMET_SPACES:
            close_mark += 1
        spans.append((start, end, open_mark, close_mark))
    return spans


def _quote_spans(text: str) -> list[tuple[int, int, int, int]]:
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

# "Jim Becker said he ran", "Ruth Adeyemi told reporters that she would ask": the pronoun right after a person's
# own reporting verb is theirs
_SAID_PRONOUN = re.compile(r"(?:['’]s)?\s+" + _AUX + _RV + r"(?:\s+(?:reporters|journalists|him|her|them|us))?"
                           r"\s+(?:that\s+)?(?P<pronoun>he|she)\b", re.IGNORECASE)
# a pronoun's antecedent is no object of a preposition ("the son of Anna Berglund", "flew to New York")
_PREPOSITION_BEFORE = re.compile(r"\b(?:of|in|at|to|from|near|into|for|by|with|on|about|against|across|outside|"
                                 r"inside|than|like|behind|beside|toward|towards|via)\s+$", re.IGNORECASE)
_SINGULAR_HEADS = frozenset(h for h in _ANONYMOUS_HEADS
                            if (not h.endswith("s") or h.endswith("ss")) and h not in ("people", "police"))


def quote_surroundings(text: str, open_mark: int, close_mark: int) -> tuple[int, int, int]:
    """Where the quote's line starts and ends, and where the text after the quote starts (past its closing
    mark): the window its speaker is looked for in."""
    line_start = text.rfind("\n", 0, open_mark) + 1
    line_end = text.find("\n", close_mark)
    line_end = len(text) if line_end < 0 else line_end
    after_start = close_mark + 1 if close_mark < len(text) and text[close_mark] in _DOUBLE + _SINGLE_CLOSE \
        else close_mark
    return line_start, line_end, after_start


def _ends_sentence(text: str, dot: int) -> bool:
    """The dot at `dot` ends a sentence: not the dot of an abbreviated title or an initial ("Dr. Brooks said",
    "James B. Comey", "U.S. officials")."""
    word = re.search(r"([\w.]+)$", text[max(0, dot - 20):dot])
    word_text = word.group(1) if word else ""
    return not (word_text.lower() in NAME_ABBREVIATIONS or len(word_text) == 1 or "." in word_text)


def _has_sentence_break(passage: str) -> bool:
    """A sentence ends inside `passage`: at "!", "?", ";" or at a dot before a capital that ends a sentence."""
    return bool(re.search(r"[!?;]", passage)) or any(
        _ends_sentence(passage, dot.start()) for dot in re.finditer(r"\.(?=\s+[A-Z\"“‘'])", passage))


def _phrase_gender(phrase: str) -> str | None:
    """"he"/"she" from the words of an unnamed-source phrase ("a White House spokeswoman"), else None."""
    words = {part for w in _words(phrase) for part in w.strip(".").split("-")}
    for pronoun, cues in _GENDER_WORDS.items():
        if words & cues:
            return pronoun
    return None


class _Speakers:
    def __init__(self, finder: _Finder, sources: list[Source], quote_marks: list[tuple[int, int]] | None = None):
        self.finder = finder
        self.text = finder.text
        self.sources = sources
        self.genders: dict[str, str | None] = {}
        self.quote_marks = quote_marks or []  # (open mark, close mark) of every quote
        self.found_after = False  # whether the last `speaker` found the speaker named after the quote

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
            # the word right before the name only: "spokeswoman Anna Berglund", not "the son of Anna Berglund";
            # _phrase_gender also reads the parts of a hyphenated descriptor ("Mum-of-three Sarah Fenwick")
            before = _words(self.text[max(0, entity.start - 30):entity.start])[-1:]
            found = found or _phrase_gender(" ".join(before + [entity.text]))
        if found is None:
            for entity in self.finder.entities:
                said = _SAID_PRONOUN.match(self.text, entity.end) if entity.key.split("_")[-1] == surname else None
                if said:
                    found = said.group("pronoun").lower()
                    break
        self.genders[key] = found
        return found

    def resolve_pronoun(self, position: int, pronoun: str) -> tuple[str | None, str | None]:
        """The nearest earlier person whom the pronoun can refer to, cited or only named, or a singular unnamed
        source ("one emergency worker claimed. ... he said"); one whose gender is unknown or matches. The choice
        then fixes that person's gender for later pronouns.

        A person only named (not cited) counts with a full name or a known gender, and only as a subject: not
        inside a quote, not after a preposition ("the son of Anna Berglund") or a verb of their sentence ("Jim
        Becker ran to help Anna Berg"). Names of organisations and places never count."""
        if pronoun not in _PERSON_PRONOUNS:
            return None, None

        def near(start: int, end: int) -> bool:
            return end <= position and position - end <= 700 and not self._quoted(start)

        def fits(mention: SourceMention) -> bool:
            if mention.kind == "anonymous":
                return _phrase_gender(mention.name) in (None, pronoun)
            return self.gender(mention.key) in (None, pronoun)

        cited = [m for m in self.finder.mentions if near(m.start, m.end) and fits(m) and (
            m.kind in ("person", "official") and m.key and not self._institution(m.name)
            or m.kind == "anonymous" and self._singular(m.name))]
        named = [m for e in self.finder.entities if near(e.start, e.end)
                 and (len(e.key.split("_")) >= 2 or self.gender(e.key) == pronoun) and self._personal(e)
                 for m in [SourceMention(e.start, e.end, e.text, self.finder.classify(e.text), e.key)] if fits(m)]
        subjects = [m for m in named if self._subject(m.start)]
        # (the nearest; at the same place, the cited mention)
        candidates = [(m.end, 1, i, m) for i, m in enumerate(cited)] + [(m.end, 0, i, m) for i, m in
                                                                         enumerate(subjects)]
        if not candidates:  # nobody cited nor named as a subject: any person named before
            candidates = [(m.end, 0, i, m) for i, m in enumerate(named)]
        if not candidates:
            return None, None
        last = max(candidates)[-1]
        if last not in cited:
            self.finder.mentions.append(last)
        if last.key:
            self.genders[last.key] = pronoun
        return last.name, last.kind

    def _quoted(self, position: int) -> bool:
        return any(open_mark < position < close_mark for open_mark, close_mark in self.quote_marks)

    @staticmethod
    def _institution(name: str) -> bool:
        """An organisation, office or place, whatever its kind: "Velkor Industries", "White House", "Ohio EPA"."""
        words = [w.strip(".") for w in _words(name)]
        return bool(words) and (words[-1] in ORGANISATION_WORDS or words[-1] in _INSTITUTION_WORDS) or any(
            phrase in name.lower() for phrase in _INSTITUTION_PHRASES)

    @staticmethod
    def _singular(phrase: str) -> bool:
        """An unnamed source that is one person: "one emergency worker", "a White House spokesman"."""
        heads = [w for w in _words(phrase) if w in _HEAD_SET]
        return bool(heads) and heads[0] in _SINGULAR_HEADS and not any(
            w in _QUANTIFIERS and w not in ("a", "an", "the", "one", "other") for w in _words(phrase))

    def _subject(self, start: int) -> bool:
        """A name that starts its sentence or stands only behind descriptors or an appositive comma ("Mum-of-three
        Sarah Fenwick", "The son of Anna Berglund, Erik Berglund"): no verb or preposition of its sentence before
        it."""
        text = self.text
        line_start = text.rfind("\n", 0, start) + 1
        breaks = [m.end() for m in re.finditer(r"[.!?;:][\"”’']?\s+", text[line_start:start])
                  if text[line_start + m.start()] != "." or _ends_sentence(text, line_start + m.start())]
        before = text[line_start + max([0] + breaks):start]
        if _PREPOSITION_BEFORE.search(before):
            return False
        words = _words(before)
        return not any(is_finite_verb(w) or w in _VERB_LIKE or w in ("be", "been", "being") or
                       w.endswith("s") and not w.endswith("ss") and w not in _MODIFIER_STOP and "-" not in w
                       for w in words)

    def _personal(self, entity: Entity) -> bool:
        """A name of a person: classified as one, or an official named after an office title ("Mayor Tom Hale",
        "Fire Chief Dana Okafor"); not an organisation or place ("Velkor Industries", "Maple Avenue")."""
        if self._institution(entity.text):
            return False
        kind = self.finder.classify(entity.text)
        return kind == "person" or kind == "official" and (
            entity.key.split("_")[-1] in {w.lower() for w in self.finder.titled}
            or any(w.strip(".") in TITLES for w in _words(entity.text)))

    def speaker(self, start: int, end: int, open_mark: int, close_mark: int) -> tuple[str | None, str | None]:
        self.found_after = False
        return self._speaker_of(open_mark, close_mark)

    def _speaker_of(self, open_mark: int, close_mark: int) -> tuple[str | None, str | None]:
        text = self.text
        # after the quote: ", X said" / ", said X" / " – said X"
        line_start, line_end, after_start = quote_surroundings(text, open_mark, close_mark)
        after = text[after_start:min(line_end, after_start + 160)]
        # `Karl Smith said: "We are ready." Ann Jones said ...`: a whole sentence introduced by "X said:" is X's;
        # what follows it is the next sentence
        introduced = text[close_mark - 1] in ".!?" and re.search(
            _RV + r"(?:\s+[\w’']+){0,3}?\s*:\s*$", text[max(line_start, open_mark - 60):open_mark], re.IGNORECASE)
        match = None if introduced else re.match(r"[,.]?\s*[–—-]?\s*" + _AUX + "(?P<verb>" + _RV + r")\s+", after,
                                                 re.IGNORECASE)
        if match:
            who = self.who_after_verb(after_start + match.end())
            if who[0]:
                self.found_after = True
                return who
        match = re.match(r"[,.]?\s*[–—-]?\s*", after)
        subject_start = after_start + match.end()
        verb = None if introduced else _VERB_AFTER.search(text, subject_start, min(line_end, subject_start + 120))
        if verb and verb.start() > subject_start:
            # the verb must follow the subject directly (allowing an appositive, which _VERB_AFTER covers)
            head = text[subject_start:verb.start()]
            if len(head.split()) <= 8 and not _has_sentence_break(head):  # "Dr. Brooks said" ends no sentence
                who = self._speaker(subject_start, self.finder.source_behind_role)
                if who[0] and verb.start() - subject_start <= len(who[0]) + 90:
                    self.found_after = True
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
            # "Dana Okafor, the fire chief, said:", "Joan Pike, 79, whose husband is ill, said:": the name before
            # one or two appositives
            for appositives in (1, 2):
                if who[0]:
                    break
                appositive = re.search(r"(?<=[\w.’'])(?:\s*,[^,;:!?\"“”\n]{1,60}){%d},$" % appositives,
                                       text[max(0, subject_end - 130):subject_end])
                if appositive:
                    who = self.who_ending_at(subject_end - len(appositive.group(0)))
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


# the reporting words of a quote in another language start right after it ("«...», a déclaré X")
_FOREIGN_SENTENCE_LANGUAGES = ("fr", "it", "de", "pl", "ru")
_FOREIGN_FINDERS: dict[str, Any] = {}


def _foreign_sentence_speaker(text: str, open_mark: int, close_mark: int) -> tuple[str | None, str | None,
                                                                                  list[SourceMention]]:
    """The speaker of a quote in an English text whose sentence is in another corpus language and attributes it
    with that language's words ("« Nous avons vu ... », a déclaré son porte-parole, Luc Besson."): the reporting
    words must follow the quote and the sentence must be detected as that language. The speaker is found by that
    language's rules on the quote's paragraph alone; (None, None, []) otherwise."""
    from .attribution_i18n import _Foreign
    from .language import detect_language

    line_start = text.rfind("\n", 0, open_mark) + 1
    line_end = text.find("\n", close_mark)
    line_end = len(text) if line_end < 0 else line_end
    lead = re.match(r"[\"“”„«»‟’']?\s*[,.]?\s*[–—-]?\s*", text[close_mark:line_end])
    position = close_mark + lead.end()
    candidates = []
    for language in _FOREIGN_SENTENCE_LANGUAGES:
        finder = _FOREIGN_FINDERS.get(language)
        if finder is None:
            finder = _FOREIGN_FINDERS[language] = _Foreign("", attribution_words(language))
        if finder.verb_re.match(text, position) or finder.inverted_re is not None and \
                finder.inverted_re.match(text, position):
            candidates.append(language)
    if not candidates:
        return None, None, []
    sentence_end = next((m.end() for m in re.compile(r"[.!?](?=\s|$)").finditer(text, position, line_end)),
                        line_end)
    language = detect_language(text[open_mark:sentence_end])
    if language not in candidates:
        return None, None, []
    # the paragraph alone, at its own offsets
    paragraph = " " * line_start + text[line_start:line_end]
    foreign = _Foreign(paragraph, attribution_words(language))
    (name, kind), _ = foreign.speaker(open_mark, close_mark)
    if name is None:
        return None, None, []
    return name, kind, foreign.mentions


_OWN_ATTRIBUTION = re.compile(r"\b" + _RV + r"\b", re.IGNORECASE)


def follows_on(text: str, previous_close: int, named_after: bool, open_mark: int, close_mark: int, *,
               attributed=_OWN_ATTRIBUTION.search, ends_sentence=_ends_sentence,
               sentence_break=_has_sentence_break) -> bool:
    """A quote continues the previous one's speech: in the same paragraph, a whole sentence right after it, with
    at most the sentence that named the previous speaker in between (`"...," she said. "They only care..."`,
    `"...," said Jim Becker, 58. "The windows shook..."`). Not a scare quote inside a sentence.

    `attributed` finds a reporting verb, `ends_sentence(text, dot)` tells a sentence's full stop from an
    abbreviation's and `sentence_break(passage)` finds a sentence end inside a passage: English by default;
    `attribution_i18n` gives its language's."""
    gap = text[previous_close + 1:open_mark]
    if "\n" in gap or len(gap) > 200 or _DOUBLE_RE.search(gap):
        return False
    content = text[open_mark + 1:close_mark].rstrip()
    line_end = text.find("\n", close_mark)
    after = text[close_mark + 1:line_end if line_end >= 0 else len(text)]
    sentence_end = next((m.start() for m in re.finditer(r"[.!?](?=\s|$)", after) if ends_sentence(after, m.start())),
                        len(after))
    if attributed(after[:sentence_end]):
        return False  # it has an attribution of its own ("...," he said), even one that names no one
    if not content[:1].isupper() or not (content.endswith((".", "!", "?", "…")) or re.match(r"\s*(?:[.!?]|$)",
                                                                                           after)):
        return False
    if not gap.strip():  # two quotes side by side: the same speech
        return text[previous_close - 1] in ".!?…"
    body = gap.rstrip()
    return named_after and body.endswith((".", "!", "?", ":")) and not sentence_break(body[:-1])


# ---------------------------------------------------------------- public API


@dataclass
class Attribution:
    sources: list[Source]
    quotes: list[Quote]

    def to_dict(self, text: str) -> dict[str, Any]:
        return {"sources": [s.to_dict() for s in self.sources], "quotes": [q.to_dict(text) for q in self.quotes]}

    def source_names(self, kinds: tuple[str, ...] = ("outlet", "person", "official")) -> list[str]:
        return [s.name for s in self.sources if s.kind in kinds]


def attribute(text: str, entities: list[Entity] | None = None, language: str | None = None) -> Attribution:
    """Sources and quotes of one article text (`entities`: `named_entities(text)` if already computed).

    `language` (an ISO 639-1 code, as in `Article.language`) picks the rules: "de", "fr", "it", "pl" and "ru" use
    their own reporting words (`lexicon.attribution_words`; `entities` is then not needed); English, no language
    or any other language use the English rules."""
    words = attribution_words(language)
    if words is not None:
        from .attribution_i18n import attribute_foreign  # it builds on this module's quotes and sources
        return attribute_foreign(text, words)
    finder = _Finder(text, entities)
    finder.run()
    quote_spans = find_quote_spans(text)
    dash = [(s, e, v) for s, e, v in _dash_speech(text)
            if not any(qs <= s < qe or s <= qs < e for qs, qe, _, _ in quote_spans)]
    # speakers may add source mentions (the name after "said"), so the sources are merged afterwards
    speakers = _Speakers(finder, [], [(open_mark, close_mark) for _, _, open_mark, close_mark in quote_spans])
    quotes = []
    previous = None  # the last quote not nested in another: (close mark, speaker, kind, named after it)
    for start, end, open_mark, close_mark in quote_spans:
        name, kind = speakers.speaker(start, end, open_mark, close_mark)
        nested = any(o < open_mark and close_mark <= c for _, _, o, c in quote_spans if (o, c) != (open_mark,
                                                                                                   close_mark))
        if nested:
            quotes.append(Quote(start, end, name, kind))
            continue
        if name is None and previous is not None and previous[1] and follows_on(text, previous[0], previous[3],
                                                                                open_mark, close_mark):
            name, kind = previous[1], previous[2]
        found_after = speakers.found_after
        if name is None:  # «...», a déclaré son porte-parole, Luc Besson: a sentence in another language
            name, kind, mentions = _foreign_sentence_speaker(text, open_mark, close_mark)
            finder.mentions.extend(mentions)
            found_after = found_after or name is not None
        quotes.append(Quote(start, end, name, kind))
        previous = (close_mark, name, kind, found_after)
    for start, end, verb_end in dash:
        name, kind = speakers.who_after_verb(verb_end + len(text[verb_end:]) - len(text[verb_end:].lstrip()))
        quotes.append(Quote(start, end, name, kind))
    return sources_and_quotes(finder.mentions, quotes, lambda source: _full_name(source, finder.entities))


def sources_and_quotes(mentions: list[SourceMention], quotes: list[Quote], full_name,
                       determiners: frozenset[str] = frozenset()) -> Attribution:
    """The article's `Attribution`: its mentions merged into sources (`merge_sources`), each named source under
    its fullest name (`full_name(source)`), and every quote's speaker reported under its source's name."""
    quotes.sort(key=lambda q: (q.start, q.end))
    unique = {(m.start, m.end, m.kind): m for m in mentions}
    sources = merge_sources(list(unique.values()), determiners)
    for source in sources:
        if source.kind in ("outlet", "person", "official") and source.key:
            full = full_name(source)
            if full != source.name:
                for quote in quotes:
                    if quote.speaker and any(m.name == quote.speaker for m in source.mentions):
                        quote.speaker = full
                source.name = full
    for quote in quotes:
        if quote.speaker is None:
            continue
        for source in sources:
            if quote.speaker == source.name or any(m.name == quote.speaker for m in source.mentions):
                quote.speaker, quote.speaker_kind = source.name, source.kind
                break
    return Attribution(sources, quotes)


def attribution_dict(text: str, language: str | None = None) -> dict[str, Any]:
    """JSON form: {"sources": [{name, kind, spans: [{start, end}]}], "quotes": [{start, end, text, speaker,
    speaker_kind}]}."""
    return attribute(text, language=language).to_dict(text)
