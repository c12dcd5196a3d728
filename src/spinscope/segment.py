"""Split an article into paragraphs (non-empty lines, as in SemEval-2023) and sentences, with exact offsets.

Sentence splitting is a rule-based splitter for English, Italian, Russian, French, German and Polish news text:
a run of . ! ? … (plus closing quotes/brackets) ends a sentence when whitespace and a character that is not
lowercase follow, unless the word before the full stop is an abbreviation, an initial or (German) an ordinal
before a month name. The clock abbreviations a.m. / p.m. are the exception to "abbreviations never end a
sentence": before a capitalised word they end it ("at 4 a.m. Union leaders said"), unless that word carries on
the time ("4 p.m. ET", "7 p.m. Wednesday", "10 a.m. Eastern time", "9 a.m. Jan. 5", "3 p.m. Moscow time").
It takes about 0.25 ms per 1,000 words of SemEval news text; pysbd (char spans) took about 26 ms, a hundred
times more, for no gain that matters here, so the rules stay in this file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from .types import Article, Paragraph, Sentence

# Never content at the edge of a line or sentence: Unicode whitespace (including \r), control characters
# (NUL, ...) and invisible format marks (zero-width space/joiners, word joiner, BOM, bidi controls, soft hyphen).
BLANK_CHARS = "".join(
    chr(c) for c in range(0x3001) if chr(c).isspace() or unicodedata.category(chr(c)) == "Cc"
) + "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064" \
    "\u2066\u2067\u2068\u2069\ufeff"
_BLANK = frozenset(BLANK_CHARS)

# Terminal punctuation, then closing quotes/brackets attached to it; French puts a (no-break) space before ».
# Only candidates followed by at least one blank character are considered, so "3.5", "e.g.x" and URLs never split.
_CANDIDATE = re.compile(r"(?P<term>[.!?…‼⁇⁈⁉]+)(?:[\"'”’“‘»›)\]}]|[ \u00a0\u202f][»›])*")
_OPENERS = "\"'“‘„‚«‹([{¿¡"
# Letters-only pieces joined by dots: U.S, z.B, т.е, m.in, Sig.ra, J.-C, Dipl.-Ing
_INITIALISM = re.compile(r"(?:[^\W\d_]{1,4}\.-?)+[^\W\d_]{1,4}")
_MAX_TOKEN = 40  # longer "words" before a full stop are never abbreviations

# Abbreviations (lowercase, without the final dot) that practically never end a sentence: titles and the like.
_ABBREVIATIONS = frozenset("""
    mr mrs ms mx dr drs prof sr jr st gen col lt maj sgt capt cmdr adm gov sen rep rev hon pres supt insp messrs
    vs approx dept univ est jan feb mar apr jun jul aug sep sept oct nov dec
    sig sigg sigra dott dottssa avv ing geom mons dep cfr es
    mme mmes mlle mlles pr ste cf env ex
    hr hrn frl dipl bzw vgl ggf evtl inkl exkl zzgl sog mio mrd tsd jh
    гг ул пр просп пер им проф акад доц тов ген см напр
    np tzw tj mgr inż hab ks św al płk mjr kpt por wg ws ww pt min prok
""".split())
# Case-sensitive ones that are also ordinary words when lowercase ("me.", "fr."): French Maître, German Frau.
_CASED_ABBREVIATIONS = frozenset({"Me", "Fr", "MM", "Mgr"})
# Not sentence ends when a number follows: "No. 5", "Art. 3", "ok. 300" (Polish około), "S. 12".
_NUMBER_ABBREVIATIONS = frozenset("""
    no nr nos art pag pp vol ch cap fig figs tel str abs ust poz par sec ca ok godz tab ed
    стр ст рис гл п
""".split())
# Abbreviations that often do end a sentence; split after them when a capital follows.
_CAN_END = frozenset({"etc", "ecc", "usw", "itd", "itp", "т.д", "т.п", "др", "u.s.w", "inc", "ltd", "co", "corp"})
# German ordinals: "am 3. Oktober", "im 19. Jahrhundert".
_ORDINAL_NOUNS = frozenset("""
    januar jänner februar märz april mai juni juli august september oktober november dezember jahrhundert jh
""".split())
# Clock abbreviations "a.m." / "p.m.", alone or glued to the time ("4p.m.", "10:30a.m."). Capitals ("4 P.M.")
# count only after a number, so "P.M. Modi" (prime minister) stays an initialism.
_CLOCK = re.compile(r"(?P<time>\d{1,2}(?:[:.]\d{2})?)?(?:[ap]\.m|(?P<upper>[AP]\.M))")
# Capitalised words that carry on a time instead of starting a sentence.
_TIME_ZONES = frozenset("""
    ET EST EDT CT CST CDT MT MST MDT PT PST PDT AKST AKDT HST GMT UTC BST IST CET CEST EET EEST WET WEST MSK
    JST KST AEST AEDT AWST NZST NZDT SGT HKT
""".split())
_WEEKDAYS = frozenset("""
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday
    Mondays Tuesdays Wednesdays Thursdays Fridays Saturdays Sundays
""".split())
_MONTHS = frozenset("""
    January February March April May June July August September October November December
    Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec
""".split())  # only before a day number: "10 a.m. March 3" (but "4 p.m. May God help us" splits)
# US zone names ("10 a.m. Eastern", "Pacific time"), only when what follows fits a zone: "Central banks" splits.
_ZONE_REGIONS = frozenset({"Eastern", "Central", "Mountain", "Pacific", "Atlantic"})
_AFTER_ZONE_REGION = frozenset({"time", "Time", "Standard", "Daylight", "Summer", "on"}) | _WEEKDAYS
# "<Place> time" ("3 p.m. Moscow time") carries on the time, but not when a sentence opens with "This time ...".
_NOT_PLACES = frozenset("""
    This That These Those Next Last Every Each Some Any No One Another Other Such What Which Whose The A An
    Our Their His Her My Your Its Half Full Part Prime Extra Over Same First
""".split())
_WORD_END = ".,;:!?\"'”’»)]}"
_NO_SPLIT_BEFORE = ",;:"
_DASHES = "—–-"
# A line ends at "\r\n", a bare "\r" (old Mac files) or "\n"; "\r\n" is one break, so SemEval line numbers hold.
_LINE_BREAK = re.compile(r"\r\n?|\n")


def _strip_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """(left, right) of text[start:end] without blank characters at either edge; left == right if all blank."""
    piece = text[start:end]
    left_trimmed = piece.lstrip(BLANK_CHARS)
    if not left_trimmed:
        return start, start
    left = start + len(piece) - len(left_trimmed)
    return left, start + len(piece.rstrip(BLANK_CHARS))


def strip_blank(text: str) -> str:
    """`text` without whitespace, control characters or invisible marks at either end."""
    return text.strip(BLANK_CHARS)


def line_bounds(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """(start, end) of every line of text[start:end], line break excluded (see `_LINE_BREAK`)."""
    end = len(text) if end is None else end
    for match in _LINE_BREAK.finditer(text, start, end):
        yield start, match.start()
        start = match.end()
    yield start, end


def paragraphs(text: str) -> list[Paragraph]:
    """Every line holding visible characters is a paragraph; offsets exclude the line break and edge blanks.

    Lines end at "\\r\\n", "\\r" or "\\n" (so "\\r\\n" files keep their SemEval line numbers)."""
    result = []
    for number, (line_start, line_end) in enumerate(line_bounds(text), 1):
        left, right = _strip_bounds(text, line_start, line_end)
        if left < right:
            result.append(Paragraph(index=len(result), line=number, start=left, end=right))
    return result


def _word_before(text: str, lower_bound: int, position: int) -> str:
    """The whitespace-delimited token ending at `position`, without opening quotes/brackets ("" if too long)."""
    k = position
    while k > lower_bound and text[k - 1] not in _BLANK:
        k -= 1
        if position - k > _MAX_TOKEN:
            return ""
    return text[k:position].lstrip(_OPENERS)


def _next_word(text: str, start: int, end: int) -> str:
    k = start
    while k < end and text[k] not in _BLANK:
        k += 1
        if k - start > _MAX_TOKEN:
            break
    return text[start:k]


def _continues_after_dash(text: str, position: int, end: int) -> bool:
    """A dash then a lowercase word continues the sentence (speech attribution in Russian, Polish, ...)."""
    while position < end and text[position] in _BLANK:
        position += 1
    return position < end and text[position].islower()


def _is_abbreviation(word: str, next_char: str, next_word: str) -> bool:
    """Is the full stop after `word` part of an abbreviation, initial or ordinal rather than a sentence end?"""
    if not word:
        return False
    lower = word.lower()
    if lower in _CAN_END:
        return False
    if len(word) == 1 and word.isalpha():  # initials: "J. Smith", "M. Macron", "В. Путин"
        return True
    if lower in _ABBREVIATIONS or word in _CASED_ABBREVIATIONS or _INITIALISM.fullmatch(word):
        return True
    if next_char.isdigit() and lower in _NUMBER_ABBREVIATIONS:
        return True
    if word.isdigit() and len(word) <= 2:
        return next_word.rstrip(".,").lower() in _ORDINAL_NOUNS
    return False


def _is_clock(text: str, lower_bound: int, position: int, word: str) -> bool:
    """Is `word` (ending at `position`, just before a full stop) the a.m. / p.m. of a time?"""
    match = _CLOCK.fullmatch(word)
    if not match:
        return False
    if match.group("upper") and not match.group("time"):  # "4 P.M." yes, "P.M. Modi" no
        k = position - len(word)
        while k > lower_bound and text[k - 1] in _BLANK:
            k -= 1
        before = _word_before(text, lower_bound, k) if k < position - len(word) else ""
        return before[-1:].isdigit()
    return True


def _clock_ends_sentence(text: str, start: int, end: int) -> bool:
    """After "a.m." / "p.m." and blanks, does text[start:end] open a new sentence (a capitalised word that does
    not carry on the time)? Digits, dashes and lowercase words never do: "9 a.m. - 5 p.m.", "9 a.m. and left"."""
    token = _next_word(text, start, end)
    word = token.lstrip(_OPENERS)
    if not word[:1].isupper():
        return False
    bare = word.rstrip(_WORD_END)
    if bare in _TIME_ZONES or bare in _WEEKDAYS:
        return False
    k = start + len(token)
    while k < end and text[k] in _BLANK:
        k += 1
    after = _next_word(text, k, end)
    if bare in _MONTHS:
        return not after[:1].isdigit()
    if bare != word:  # punctuation right after it: "10 a.m. Eastern." / "at 4 a.m. Eastern, then"
        return bare not in _ZONE_REGIONS
    if bare in _ZONE_REGIONS:
        return bool(after) and after.rstrip(_WORD_END) not in _AFTER_ZONE_REGION
    return not (after.rstrip(_WORD_END) == "time" and bare not in _NOT_PLACES)


def _sentences_in_line(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    cursor = start
    for match in _CANDIDATE.finditer(text, start, end):
        after = match.end()
        following = after
        while following < end and text[following] in _BLANK:
            following += 1
        if following == after or following >= end:
            continue  # no space after it ("3.5", "a.m.x") or nothing after it (the last piece handles that)
        next_char = text[following]
        if next_char.islower() or next_char in _NO_SPLIT_BEFORE:
            continue
        if next_char in _DASHES and _continues_after_dash(text, following + 1, end):
            continue  # «Нет!» — сказал он. / „Nie!” – powiedział.
        term = match.group("term")
        if term.endswith(".") and not term.endswith(".."):
            word = _word_before(text, cursor, match.start())
            if _is_clock(text, cursor, match.start(), word):
                if not _clock_ends_sentence(text, following, end):
                    continue  # "at 4 p.m. ET", "at 9 a.m. - 5 p.m." (lowercase "and left" never gets here)
            elif _is_abbreviation(word, next_char, _next_word(text, following, end)):
                continue
        left, right = _strip_bounds(text, cursor, after)
        if left < right:
            out.append((left, right))
        cursor = after
    left, right = _strip_bounds(text, cursor, end)
    if left < right:
        out.append((left, right))


def sentences_in(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences inside text[start:end] as absolute half-open offsets, blanks trimmed; a line break always
    ends a sentence."""
    result: list[tuple[int, int]] = []
    for line_start, line_end in line_bounds(text, start, end):
        _sentences_in_line(text, line_start, line_end, result)
    return result


def segment(article: Article) -> Article:
    article.paragraphs = paragraphs(article.text)
    article.sentences = [Sentence(s, e, p.index)
                         for p in article.paragraphs for s, e in sentences_in(article.text, p.start, p.end)]
    return article
