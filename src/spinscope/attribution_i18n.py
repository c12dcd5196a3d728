"""Sources and quotes in German, French, Italian, Polish and Russian articles.

`attribution.attribute(text, language=...)` sends these languages here: the word lists of
`lexicon.attribution_words` with rules of their own, so the English rules of `attribution` stay as they are. A
source is the phrase next to a reporting verb ("sagte Bürgermeisterin Anna Keller", "le maire a déclaré", "ha detto il
sindaco", "powiedział burmistrz", "заявил мэр"), after an "according to" cue ("laut", "nach Angaben von",
"selon", "d'après", "secondo", "według", "zdaniem", "по словам", "по данным"), before a postposition ("Keller
zufolge") or after German "so" ("..., so Keller."). A phrase is a name (a capitalised run), or an office, role,
institution, organisation, group or document word, with its article and adjectives, a complement ("der Stadt", "du
gouvernement", "de commerce") and the name it introduces; a name behind an article and a noun the lists do not
know also counts ("die Bäckerin Petra Lange"). Capitalised words that name nothing are told apart by stop lists
and, in German (where every noun is capitalised), by noun endings and by the text using the word after an article.

Also: a name before an appositive ("Keller, die Bürgermeisterin, sagte"); the German perfect tense ("hat Keller
gesagt"); impersonal "hieß es aus dem Rathaus" (the source, if any, follows the preposition); opinion cues that
open a sentence before a person and a comma ("Pour Hélène Marchand, ..."); a quote inside a sentence that an
"according to" or opinion cue opens is that source's (not an outlet's: it reports someone else's words); a quote
that a verb of naming takes ("Brandt nannte den Plan „ein Desaster“") is its named subject's. An organisation
named by what it is ("le syndicat", "der Verband") is a source of kind "person" (identified, not anonymous); an
agency word with a complement and no name ("l'Agenzia regionale per l'ambiente") is official unless it says press.
A role phrase with no name ("sagte die SPD-Politikerin") stays an unnamed source or none: nothing resolves it to a
person named earlier.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .attribution import (_DOUBLE_RE, _OFFICIAL_WORDS, _OUTLET_WORDS, Attribution, Quote, Source, SourceMention,
                          _key, _lines, _words, find_quote_spans, follows_on, quote_surroundings,
                          sources_and_quotes)
from .lexicon import KNOWN_OUTLETS, AttributionWords


_ELIDED = r"(?:[lLdDjJnNsScCmMtT]|[qQ]u|[dD]ell|[aA]ll|[dD]all|[nN]ell|[sS]ull|[uU]n|[qQ]uell|[lL]orsqu|[pP]uisqu)['’]"
_FOREIGN_TOKEN = re.compile(r"(?:" + _ELIDED + r"(?=[^\W\d_]))|[^\W_](?:[\w\-]*[^\W_])?(?:\.[^\W\d_]+)*")
_FOREIGN_TOKEN_PLAIN = re.compile(r"[^\W_](?:[\w\-]*[^\W_])?(?:\.[^\W\d_]+)*")
# a break between two words that no phrase crosses
_PHRASE_BREAK = re.compile(r"[.,;:!?()\[\]{}\"“”„«»‹›‚‘’/\n]|\s[–—-]\s")
# German nouns that are never names (by their endings)
_GERMAN_NOUN_ENDINGS = ("ung", "ungen", "heit", "heiten", "keit", "keiten", "schaft", "schaften", "tät", "täten",
                        "tion", "tionen", "ismus", "nis", "nisse", "tum", "ment", "ments", "ik", "age", "ie", "ien",
                        "chen", "lein", "ling", "linge", "ierung", "sion", "sionen", "ur", "euren", "eure", "ität")
# conjunctions that may open a clause before its subject ("und Keller sagte", "wie die Polizei mitteilte")
_CLAUSE_OPENERS = frozenset("""und aber doch denn wie als nachdem da weil sondern oder dass et mais puis car comme
lorsque quand que qu' e ma poi come mentre però che quando perché poiché i a ale oraz jak gdy kiedy że iż и а но
как когда что""".split())
# second-person possessives: a phrase with one addresses the reader ("dein Verband", "votre médecin")
_SECOND_PERSON = frozenset("""dein deine deinen deinem deiner deines euer eure euren eurem eurer eures ton ta tes
votre vos tuo tua tuoi tue vostro vostra vostri vostre twój twoja twoje twojego twojej wasz wasza wasze waszego
твой твоя твоё твое твои ваш ваша ваше ваши""".split())
# emphatic pronouns set off after a subject ("Le directeur, lui, assure", "Il sindaco, invece, ...")
_EMPHATIC = {"fr": frozenset("lui elle eux elles".split()), "it": frozenset("lui lei loro invece".split())}
_STEM_VOWELS = "aeiouyąęóаеёиоуыэюяьй"
# possessives before an "according to" cue ("jego zdaniem Polska ..." is "in his opinion")
_POSSESSIVES = frozenset("jego jej ich moim twoim naszym waszym swoim его её ее их".split())
# English outlet names that are mostly surnames or words elsewhere ("a déclaré Hill")
_AMBIGUOUS_OUTLETS = frozenset("hill time vice fox sun atlantic intercept economist".split())
# French and Italian adjectives after a head word ("le ministre français", "il ministro italiano")
_POSTPOSED_ADJECTIVES = ("ais", "aise", "ain", "aine", "ien", "ienne", "ois", "oise", "ano", "ana", "ese", "ale",
                         "ico", "ica", "ique", "al", "el", "elle", "ier", "ière", "ani", "esi", "ali", "esco", "esca",
                         "eschi", "ino", "ina", "ini", "olo", "ola", "russo", "russa", "russi", "greco", "greca",
                         "turco", "turca", "grec", "grecque", "turc", "turque", "russe", "russes", "belge", "suisse",
                         "allemand", "allemande", "anglais", "chinois", "iraniano", "adjoint", "adjointe",
                         # "une source proche du dossier", "des sources proches de l'enquête"
                         "proche", "proches")
# adjectives before a head word, by their endings (French and Italian put most adjectives after the noun)
_ADJECTIVE_ENDINGS = {
    "de": ("e", "en", "er", "es", "em"),
    "fr": ("haut", "hauts", "haute", "hautes", "ancien", "ancienne", "anciens", "nouveau", "nouvelle", "nouveaux"),
    "it": ("alto", "alti", "alta", "alte", "ex", "nuovo", "nuova"),
    "pl": ("y", "i", "a", "e", "ego", "ej", "ych", "ym", "ą", "ie"),
    "ru": ("ый", "ий", "ой", "ая", "яя", "ое", "ее", "ые", "ие", "ого", "его", "ых", "их", "ым", "им", "ей", "ую"),
}
_NUMBER_WORDS = {
    "de": frozenset("zwei drei vier fünf sechs sieben acht neun zehn mehrere einige viele zahlreiche".split()),
    "fr": frozenset("deux trois quatre cinq six sept huit neuf dix plusieurs certains certaines nombreux "
                    "nombreuses quelques".split()),
    "it": frozenset("due tre quattro cinque sei sette otto nove dieci alcuni alcune diversi diverse numerosi "
                    "numerose molti molte".split()),
    "pl": frozenset("dwaj dwóch dwie trzej trzech czterej kilku kilka wielu niektórzy liczni".split()),
    "ru": frozenset("два две три четыре пять несколько многие ряд".split()),
}


def _stem(word: str) -> str:
    """A crude stem of a Polish or Russian word: the word less its final vowels ("policja" -> "polic")."""
    stem = word.rstrip(_STEM_VOWELS)
    return stem if len(stem) >= 3 else word


# case endings that name keys drop in Polish and Russian ("Kowalskiego" -> "kowalsk", "Иванова" -> "иванов")
_NAME_ENDINGS = {
    "pl": ("iego", "ego", "emu", "owi", "em", "ie", "ą", "ę", "y", "a", "u", "i", "o"),
    "ru": ("ого", "ему", "ому", "ой", "ым", "ом", "ем", "ою", "ую", "а", "у", "ы", "е", "я", "ю", "и"),
}


@dataclass
class _Phrase:
    start: int
    end: int
    name: str
    kind: str | None
    key: str
    gender: str | None = None
    pronoun: str | None = None  # "he" / "she" / "they" when the phrase is a pronoun
    person: bool = False  # an unnamed source that is one person ("der Sprecher", "l'hydrologue")
    outer: int = -1  # where the whole phrase starts (its article or head word), when before `start`
    described: bool = False  # a name behind a noun the lists do not know ("die Bäckerin Petra Lange")


class _Foreign:
    """Sources and quote speakers of one article in a language with its own `AttributionWords`."""

    def __init__(self, text: str, words: AttributionWords):
        self.text = text
        self.w = words
        token_re = _FOREIGN_TOKEN if words.language in ("fr", "it") else _FOREIGN_TOKEN_PLAIN
        self.tokens = [(m.start(), m.end(), m.group(0)) for m in token_re.finditer(text)]
        self.at_start = {s: i for i, (s, _, _) in enumerate(self.tokens)}
        self.at_end = {e: i for i, (_, e, _) in enumerate(self.tokens)}
        self.mentions: list[SourceMention] = []
        self.genders: dict[str, str | None] = {}
        self.singular: dict[tuple[int, int], str | None] = {}  # unnamed sources that are one person: their gender
        self.lower_words = {t.lower() for _, _, t in self.tokens if t[:1].islower()}
        self.after_determiner = {t.lower() for k, (_, _, t) in enumerate(self.tokens)
                                 if k and self.tokens[k - 1][2].lower() in words.determiners and t[:1].isupper()}
        self.capitalised_inside = {t for k, (s, _, t) in enumerate(self.tokens)
                                   if t[:1].isupper() and not self.sentence_initial(k)}
        # capitalised words the text also uses mid-sentence without an article before them (German nouns take one)
        self.inside_names = {t for k, (s, _, t) in enumerate(self.tokens)
                             if t[:1].isupper() and not self.sentence_initial(k)
                             and self.tokens[k - 1][2].lower() not in words.determiners}
        self._categories: dict[str, str | None] = {}
        self._quote_marks: list[tuple[int, int]] | None = None
        # stems of capitalised words that follow a locative preposition ("в Грузии", "w Polsce"): places
        self.places = {_stem(t.lower()) for k, (_, _, t) in enumerate(self.tokens)
                       if k and t[:1].isupper() and self.tokens[k - 1][2].lower() in ("в", "во", "из", "на", "w", "we",
                                                                                    "z", "do", "na", "ze")}
        self.verb_re = self._verb_regex()
        self.inverted_re = self._inverted_regex()
        self.impersonal_re = _word_regex(words.impersonal)
        self.naming_re = _word_regex(words.naming_verbs)
        self.cue_re = _word_regex(words.cues)
        self.opinion_re = _word_regex(words.opinion_cues)
        self.titled = {self.tokens[k + 1][2] for k in range(len(self.tokens) - 1)
                       if self.category(self.tokens[k][2]) in ("office", "spokes")
                       and self.tokens[k + 1][2][:1].isupper()}

    # -- words

    def _verb_regex(self) -> re.Pattern:
        forms = []
        for verb in sorted(self.w.verbs, key=len, reverse=True):
            pattern = ""
            for part in verb.split():
                if part == "{adv}":  # "a également déclaré", "ha poi detto"; not the passive "a été dit"
                    pattern += r"(?:(?!été\b|stato\b|stata\b)[^\W\d_]+\s+)?"
                elif part == "{part}":  # the subject may stand before a separable particle: "teilte die Polizei mit"
                    pattern += r"(?P<part%d>)(?:[^,.;:!?\n\"“”„«»]{1,60}?\s+)?" % len(forms)
                else:
                    pattern += re.escape(part) + r"\s+"
            pattern = pattern[:-len(r"\s+")]
            if "(?P<part" in pattern:  # the particle closes its clause: "teilte am Montag mit,"
                pattern += r"(?=\s*[,.;:!?\"“”„«»\n]|\s*$)"
            forms.append(pattern)
        return re.compile(r"(?<![\w\-])(?:" + "|".join(forms) + r")(?![\w\-])", re.IGNORECASE)

    @staticmethod
    def subject_position(match: re.Match) -> int:
        """Where a subject after the verb starts: after the verb, or before its separable particle."""
        part = next((name for name, value in match.groupdict().items() if value is not None), None)
        return match.start(part) if part else match.end()

    def _inverted_regex(self) -> re.Pattern | None:
        """French "a-t-il déclaré", "déclare-t-elle", "dit-il"."""
        if self.w.language != "fr":
            return None
        participles = sorted({v.split()[-1] for v in self.w.verbs if v.startswith("a {adv}")}, key=len, reverse=True)
        presents = sorted({v for v in self.w.verbs if " " not in v}, key=len, reverse=True)
        return re.compile(r"(?<![\w\-])(?:(?:a|ont|avait|avaient|aurait)-t?-?(?P<p1>il|elle|ils|elles)\s+"
                          r"(?:[^\W\d_]+ment\s+)?(?:" + "|".join(map(re.escape, participles)) + r")|(?:"
                          + "|".join(map(re.escape, presents)) + r")-(?:t-)?(?P<p2>il|elle|ils|elles))(?![\w\-])",
                          re.IGNORECASE)

    def category(self, word: str) -> str | None:
        """office | spokes | role | institution | group | document | outlet_word | organisation | None for one
        word."""
        lower = word.lower().replace("’", "'")
        if lower in self._categories:
            return self._categories[lower]
        w = self.w
        lists = (("office", w.offices), ("spokes", w.spokes), ("institution", w.institutions), ("group", w.groups),
                 ("document", w.documents), ("outlet_word", w.outlet_words), ("role", w.roles),
                 ("organisation", w.organisations))
        found = next((name for name, words in lists if lower in words), None)
        if found is None and w.language == "de":
            # inflected ("des Ministeriums", "des Sprechers") and compound ("Stadtsprecherin", "Ordnungsamt",
            # "Fraktionschef") forms; a short word heads a compound only behind three letters or more, and not in
            # "(ins)gesamt"
            forms = [lower] + [lower[:-len(e)] for e in ("s", "es", "n", "en") if lower.endswith(e)]
            found = next((name for name, words in lists for form in forms for word_ in words
                          if form == word_ or form.endswith(word_) and (
                              len(word_) >= 5 or len(form) >= len(word_) + 3 and not form.endswith("gesamt"))),
                         None)
        if found is None and w.stems:
            found = next((name for name, stem in _stemmed_lists(w, lists) if lower.startswith(stem)
                          and len(lower) - len(stem) <= 4 and lower[len(stem):].isalpha()), None)
        self._categories[lower] = found
        return found

    def head_category(self, word: str) -> str | None:
        """The category of a word that can head a source phrase: in German a noun, so capitalised ("so quellen"
        is a verb)."""
        if self.w.language == "de" and not word[:1].isupper():
            return None
        return self.category(word)

    def modifier(self, word: str) -> bool:
        """An adjective or number before a head word: "hochrangige amerikanische Beamte", "trois experts",
        "российский министр"."""
        lower = word.lower()
        if word[:1].isdigit():
            return word.isdigit()
        if not word[:1].islower() or lower in self.w.stop or lower in self.w.prepositions or \
                self.verb_re.fullmatch(word) or len(word) < 2:
            return lower in _NUMBER_WORDS.get(self.w.language, ())
        if lower in _NUMBER_WORDS.get(self.w.language, ()):
            return True
        return lower.endswith(_ADJECTIVE_ENDINGS[self.w.language])

    def is_outlet(self, name: str) -> bool:
        lower = name.lower().replace("’", "'").strip()
        bare = re.sub(r"^(?:the|der|die|das|le|la|les|l'|il|lo)\s*", "", lower)
        words = _words(bare)
        known = bare in KNOWN_OUTLETS and bare not in _AMBIGUOUS_OUTLETS
        return lower in self.w.outlets or bare in self.w.outlets or known or bool(words) and (
            words[-1] in _OUTLET_WORDS or self.category(words[-1]) == "outlet_word" and len(words) > 1
            or words[-1] in self.w.outlets)

    def sentence_initial(self, index: int) -> bool:
        start = self.tokens[index][0]
        before = self.text[self.tokens[index - 1][1] if index else 0:start]
        return index == 0 or bool(re.search(r"[.!?:;\n\"“”„«»–—•]\s*[\"“”„«»(\[]?\s*$", before))

    def name_token(self, index: int) -> bool:
        """A token that can be part of a name."""
        token = self.tokens[index][2]
        lower = token.lower().replace("’", "'")
        if not token[:1].isupper() or lower in self.w.stop or lower in self.w.fillers or lower in self.w.pronouns or \
                lower.rstrip(".") in self.w.courtesy or token.endswith(("'", "’")):
            return False
        if self.verb_re.fullmatch(token) or lower in self.w.determiners or \
                self.naming_re is not None and self.naming_re.fullmatch(token):
            return False  # "Nannte Schröder Putin ...?": the verb is no first name
        if token.isupper() and len(token) >= 2:  # an acronym: "ANF", "МИД", "PAP"
            return len(token) <= 6 and lower not in self.lower_words
        initial = self.sentence_initial(index)
        if initial and lower in self.lower_words:
            return False  # an ordinary word capitalised at a sentence start
        if self.w.language == "de":
            if lower in self.after_determiner and lower not in self.w.outlets or lower.endswith(_GERMAN_NOUN_ENDINGS):
                return False  # "die Stadt", "die Regierung": a common noun
        return True

    # -- phrases

    def _key(self, words: list[str]) -> str:
        key_words = []
        for word in words:
            lower = word.lower().replace("’", "'").strip(".")
            if lower in self.w.courtesy or lower in self.w.determiners or not key_words and self.category(lower) in (
                    "office", "spokes", "role"):
                continue  # a title before the name ("Verbandssprecher"), not a surname after it ("Jonas Richter")
            if self.w.stems and len(lower) > 4 and not word.isupper():
                ending = next((e for e in _NAME_ENDINGS.get(self.w.language, ()) if lower.endswith(e)
                               and len(lower) - len(e) >= 3), "")
                lower = lower[:len(lower) - len(ending)] if ending else lower
                lower = _stem(lower)  # "Sweeney" / "Sweeneya" -> "sween"
            key_words.append(lower.replace(".", ""))
        return "_".join(w for w in key_words if w)

    def _gap(self, left: int, right: int) -> str:
        return self.text[self.tokens[left][1]:self.tokens[right][0]]

    def name_run(self, index: int, limit: int = 5, surname: bool = False) -> int:
        """The index after the capitalised run of name tokens that starts at `index` (== index when none). With
        `surname`, a capitalised role word right after a first name that ends the run is the surname ("Jonas
        Richter", not "Jonas" and a judge); without, it ends the name ("Örneks Anwalt")."""
        j = index
        while j < len(self.tokens) and j - index < limit:
            if j > index and self._gap(j - 1, j) not in (" ", "\u00a0", "-"):
                break
            if j > index and self.category(self.tokens[j][2]) in ("office", "spokes", "role", "group", "document"):
                if surname and j == index + 1 and self._gap(j - 1, j) == " " and self.tokens[j][2][:1].isupper() \
                        and not self.tokens[j][2].isupper() and self._run_ends(j):
                    j += 1
                break  # "Örneks Anwalt": a role word ends the name
            if self.name_token(j):
                j += 1
                continue
            # "von der Leyen", "de Gaulle", "Dell'Utri"
            k = j
            while k < len(self.tokens) and k - j < 2 and self.tokens[k][2].lower() in self.w.connectors and \
                    self._gap(k - 1, k) in (" ", ""):
                k += 1
            if j > index and k > j and k < len(self.tokens) and self._gap(k - 1, k) in (" ", "") and \
                    self.name_token(k):
                j = k
                continue
            break
        return j

    def _run_ends(self, index: int) -> bool:
        """No name token follows token `index` inside its phrase."""
        following = index + 1
        return following >= len(self.tokens) or not self._joined(following) or not self.name_token(following) or \
            self._gap(index, following) not in (" ", "\u00a0")

    def phrase_at(self, position: int, limit: int | None = None, initial: bool = False) -> _Phrase | None:
        """The source phrase that starts at `position` (spaces skipped): a pronoun, a name, or a head word with
        its article, adjectives, complement and the name it introduces. With `initial`, one word opening a
        sentence may be a name even if the text names it nowhere else ("Müller zufolge ...")."""
        text = self.text
        while position < len(text) and text[position] in " \t\u00a0":
            position += 1
        i = self.at_start.get(position)
        if i is None:
            return None
        tokens, w = self.tokens, self.w
        lower = tokens[i][2].lower()
        if lower in w.pronouns:
            return _Phrase(tokens[i][0], tokens[i][1], tokens[i][2], None, "", pronoun=w.pronouns[lower])
        start = tokens[i][0]
        determiner = None
        gender = None
        j = i
        # an article, a courtesy title, adjectives and numbers (adjectives only before a head word)
        modifiers = 0
        while j < len(tokens) and j - i < 6:
            word = tokens[j][2]
            lower = word.lower().replace("’", "'")
            if j > i and _PHRASE_BREAK.search(self._gap(j - 1, j)):
                return None
            if lower in w.determiners and j == i:
                determiner = lower
                j += 1
                continue
            courtesy = lower.rstrip(".")
            if courtesy in w.courtesy or lower in w.courtesy:
                gender = w.courtesy.get(lower) or w.courtesy.get(courtesy) or gender
                j += 1
                continue
            if self.head_category(word) or self.name_token(j):
                break
            if self.modifier(word):
                modifiers += 1
                j += 1
                continue
            if determiner is not None:
                return self._described_name(start, j, determiner, gender, limit)
            return None
        if j >= len(tokens):
            return None
        if limit is not None and tokens[j][0] >= limit:
            return None
        head = tokens[j][2]
        category = self.head_category(head)
        if category and not (head[:1].isupper() and self.is_outlet(head)):
            return self._headed(start, j, category, determiner, gender, limit)
        if modifiers:
            return None  # "so starken Verteidiger": adjectives describe a head word, not a name
        if determiner and w.language == "de" and not self.is_outlet(head):
            return None  # "die Stadt", "das Papier": a common noun
        # "Anna Richter" is one name; "Örneks Anwalt" (a German genitive in -s) is the lawyer of Örnek
        end_index = self.name_run(j, surname=not (w.language == "de" and tokens[j][2].lower().endswith("s")))
        if end_index == j:
            return None
        if end_index == j + 1 and not initial and self.sentence_initial(j) and not tokens[j][2].isupper() and \
                tokens[j][2] not in self.inside_names and not self.is_outlet(tokens[j][2]):
            return None  # one word opening a sentence ("Infolgedessen", "Wczoraj") that the text names nowhere else
        if end_index == j + 1 and w.language == "pl" and self.sentence_initial(j) and \
                tokens[j][2] not in self.inside_names and tokens[j][2].lower().endswith(("o", "ie", "an")):
            return None  # a Polish adverb or plural noun opening a sentence ("Niedawno", "Łaskawie", "Rosjan")
        name_start = tokens[j][0]
        name_end = tokens[end_index - 1][1]
        words = [tokens[k][2] for k in range(j, end_index)]
        name = text[name_start:name_end]
        with_article = text[start:name_end]
        if self.is_outlet(with_article) or self.is_outlet(name):
            if with_article.lower().replace("’", "'") in w.outlets:  # "Le Monde", "la Repubblica"
                return _Phrase(start, name_end, with_article, "outlet", self._key(words), None)
            return _Phrase(name_start, name_end, name, "outlet", self._key(words), None)
        following = end_index if self._joined(end_index) else None
        if following is not None and w.language == "de" and words[-1].endswith("s") and \
                self.category(tokens[following][2]) in ("role", "spokes", "office"):
            # "Örneks Anwalt", "Merkels Sprecher": who speaks is the one the name's owner has
            end = tokens[following][1]
            kind = "official" if self.category(tokens[following][2]) in ("spokes", "office") else "anonymous"
            return _Phrase(name_start, end, text[name_start:end], kind, "", None)
        return _Phrase(name_start, name_end, name, self._named_kind(words, name), self._key(words), gender)

    def _described_name(self, start: int, j: int, determiner: str, gender: str | None,
                        limit: int | None) -> _Phrase | None:
        """A full name behind an article and a noun the lists do not know, which describes the person: "die
        Bäckerin Petra Lange", "der CDU-Fraktionschef Markus Brandt", "le boulanger Jean Dupont". The noun is a
        German (capitalised) or French or Italian (lower-case) noun, and the name has two words or more and ends
        the phrase."""
        tokens, w = self.tokens, self.w
        if w.language not in ("de", "fr", "it") or j + 2 >= len(tokens):
            return None
        noun = tokens[j][2]
        lower = noun.lower()
        if not re.fullmatch(r"[^\W\d_]+(?:-[^\W\d_]+)*", noun) or len(noun) < 3 or lower in w.stop or \
                lower in w.prepositions or lower in w.determiners or self.verb_re.fullmatch(noun):
            return None
        if w.language == "de" and (not noun[:1].isupper() or lower.endswith(("en", "em", "es"))):
            return None  # a noun, not an adjective of a name ("dem Nationalen Wissenschaftsrat Italiens")
        if w.language != "de" and not noun[:1].islower():
            return None
        name_index = j + 1
        if self._gap(j, name_index) != " " or limit is not None and tokens[name_index][0] >= limit:
            return None
        run_end = self.name_run(name_index, surname=True)
        if run_end - name_index < 2 or not self._run_ends(run_end - 1) or any(
                self.category(tokens[x][2]) for x in range(name_index, run_end)):
            return None
        words = [tokens[x][2] for x in range(name_index, run_end)]
        name_start, name_end = tokens[name_index][0], tokens[run_end - 1][1]
        name = self.text[name_start:name_end]
        if self.is_outlet(name):
            return None
        if gender is None and w.language == "de":
            gender = "she" if lower.endswith("in") and determiner in ("die", "eine", "der", "einer") else (
                "he" if determiner in ("der", "ein") and lower.endswith("er") else None)
        elif gender is None:
            gender = self._head_gender(lower, determiner)
        return _Phrase(name_start, name_end, name, self._named_kind(words, name), self._key(words), gender,
                       outer=start, described=True)

    def _named_kind(self, words: list[str], name: str) -> str:
        if self.is_outlet(name):
            return "outlet"
        if len(words) == 2 and self.category(words[0]) is None and self.category(words[1]) in ("office", "spokes",
                                                                                            "role"):
            words = words[:1]  # an office word as a surname holds no office: "Jonas Richter"
        if any(self.category(word) in ("institution", "office", "spokes") for word in words) or any(
                word.lower() in _OFFICIAL_WORDS for word in words) or words[-1] in self.titled:
            return "official"
        return "person"

    def _headed(self, start: int, j: int, category: str, determiner: str | None, gender: str | None,
                limit: int | None) -> _Phrase | None:
        """A phrase whose head is a list word: "Bürgermeisterin Anna Keller", "le porte-parole du gouvernement",
        "пресс-секретарь президента Дмитрий Песков", "die Polizei", "ein Sprecher der Stadt", "der Geschäftsführer
        der Krankenhausgesellschaft Schleswig-Holstein, Patrick Reimund"."""
        tokens, w, text = self.tokens, self.w, self.text
        head = tokens[j][2]
        if gender is None:
            gender = self._head_gender(head.lower(), determiner)
        # adjectives after the head ("le ministre français", "il ministro italiano")
        k = self._postposed(j + 1)
        complement_end = self._complement(k)
        if complement_end > k:  # and after its complement: "la chambre de commerce régionale"
            complement_end = self._postposed(complement_end)
        if w.stems:
            found = self._inflected_name(k, category)
            if found is not None:
                name_index, run_end = found
                words = [tokens[x][2] for x in range(name_index, run_end)]
                name_start, name_end = tokens[name_index][0], tokens[run_end - 1][1]
                name = text[name_start:name_end]
                kind = {"office": "official", "spokes": "official", "outlet_word": "outlet"}.get(category) or \
                    self._named_kind(words, name)
                return _Phrase(name_start, name_end, name, kind, self._key(words), gender, outer=start)
            complement_end = self._inflected_complement(k)
        # the name after the head: "Bürgermeisterin Anna Keller", "le maire de Lyon, Paul Martin"
        elif category in ("office", "spokes", "role", "outlet_word", "institution", "organisation"):
            for name_index, appositive in ((k, False), (complement_end, False), (complement_end, True)):
                if category == "institution" and (appositive or name_index != k) or category == "organisation" and \
                        appositive:
                    continue  # "la società di consulenza Capital Economics", not "la polizia di Roma, Paul"
                found = self._name_after(name_index, appositive, limit)
                if found is None:
                    continue
                name_index, run_end = found
                words = [tokens[x][2] for x in range(name_index, run_end)]
                name_start = tokens[name_index][0]
                if name_index == j + 1 and head[:1].isupper() and text[tokens[j][1]:name_start] == " ":
                    name_start = tokens[j][0]  # a capitalised title is part of the name: "Bürgermeisterin Anna Keller"
                name_end = tokens[run_end - 1][1]
                name = text[name_start:name_end]
                kind = {"office": "official", "spokes": "official", "institution": "official",
                        "outlet_word": "outlet"}.get(category) or self._named_kind(words, name)
                return _Phrase(name_start, name_end, name, kind, self._key(words), gender, outer=start)
        if category == "outlet_word" and complement_end > j + 1 and self._public_agency(j, complement_end):
            category = "institution"  # "l'Agenzia regionale per l'ambiente", "l'Agence régionale de santé"
        if category == "outlet_word":
            return None  # "die Zeitung" alone names no outlet
        end = tokens[complement_end - 1][1]
        phrase = text[start:end]
        # an organisation by what it is ("le syndicat", "der Verband") is identified, not anonymous: of the kinds,
        # "person" takes the organisations that are neither outlets nor offices
        kind = {"office": "official", "institution": "official", "document": "document",
                "organisation": "person"}.get(category, "anonymous")
        person = category in ("office", "spokes", "role")
        return _Phrase(start, end, phrase, kind, "", gender if person else None, person=person and not
                       self._plural(head))

    def _postposed(self, k: int) -> int:
        """The index after up to two French or Italian adjectives that follow a noun from token k on."""
        tokens, w = self.tokens, self.w
        start = k
        while k < len(tokens) and k - start < 2 and w.language in ("fr", "it") and self._joined(k) and \
                tokens[k][2][:1].islower() and tokens[k][2].lower().endswith(_POSTPOSED_ADJECTIVES) and \
                tokens[k][2].lower() not in w.stop | w.prepositions | w.determiners and \
                not self.verb_re.fullmatch(tokens[k][2]):
            k += 1
        return k

    def _public_agency(self, j: int, end: int) -> bool:
        """The agency word at token j, described by the words up to `end`, is a public agency: no word of the
        phrase says press or news ("l'agence de presse", "Nachrichtenagentur")."""
        w = self.w
        head = self.tokens[j][2].lower()
        agency = next((a for a in w.agencies if head == a or w.language == "de" and head.endswith(a)), None)
        if agency is None or any(p in head for p in w.press_words):
            return False
        return not any(self.tokens[x][2].lower() in w.press_words for x in range(j + 1, end))

    def _plural(self, head: str) -> bool:
        """A head word in the plural ("Experten", "les responsables", "эксперты"), as far as its ending says."""
        lower = head.lower()
        lang = self.w.language
        if self.category(head) == "group":
            return True
        if lang == "fr":
            return lower.endswith(("s", "x")) and lower not in self.w.offices | self.w.spokes | self.w.roles
        if lang == "it":
            return lower.endswith("i") and lower not in self.w.offices | self.w.spokes | self.w.roles
        if lang == "ru":
            return lower.endswith(("ы", "и")) and not lower.endswith("ии")
        if lang == "pl":
            return lower.endswith(("owie", "cy", "dzy"))
        return False

    def _joined(self, k: int) -> bool:
        """Token k follows the one before it inside one phrase (no punctuation between)."""
        return k < len(self.tokens) and not _PHRASE_BREAK.search(self._gap(k - 1, k))

    def _complement(self, k: int) -> int:
        """The index after a complement of the head that ends before token k: "der Stadt", "des Innenministeriums",
        "der Deutschen Krankenhausgesellschaft", "du gouvernement", "de l'Intérieur", "della Regione Lazio",
        "президента России" (k itself when there is none)."""
        tokens, w = self.tokens, self.w
        end = k
        for _ in range(2):
            if not self._joined(end):
                break
            lower = tokens[end][2].lower().replace("’", "'")
            x = end
            if w.language == "de" and lower in ("der", "des", "von", "vom", "für", "im", "beim", "bei"):
                x += 1
                if lower == "von" and self._joined(x) and tokens[x][2].lower() in ("der", "den", "dem"):
                    x += 1
            elif w.language in ("fr", "it") and lower in ("de", "du", "des", "d'", "di", "del", "della", "dei",
                                                         "degli", "dello", "delle", "dell'", "pour", "per"):
                x += 1
                if self._joined(x) and tokens[x][2].lower().replace("’", "'") in ("la", "l'", "le", "les"):
                    x += 1
            elif w.stems and tokens[end][2][:1].islower() and lower not in w.stop and lower not in w.prepositions \
                    and not self.verb_re.fullmatch(tokens[end][2]) and end == k:
                end += 1  # a genitive: "rzecznik rządu", "пресс-секретарь президента"
                continue
            else:
                break
            words = 0
            while self._joined(x) and tokens[x][2][:1].islower() and self.modifier(tokens[x][2]) and \
                    w.language == "de":
                x += 1  # "der Deutschen", "der finnischen Nichtregierungsorganisation"
            if w.language in ("fr", "it") and self._joined(x) and tokens[x][2][:1].islower() and \
                    self.category(tokens[x][2]):
                x += 1  # "du gouvernement", "della polizia"
                words = 1
            elif w.language in ("fr", "it") and self._joined(x) and self._plain_noun(x):
                end = x + 1  # "du dossier", "de commerce", "per l'ambiente": one common noun
                continue
            else:  # German "der Deutschen Krankenhausgesellschaft"; French and Italian one word ("de l'Intérieur")
                while self._joined(x) and words < (4 if w.language == "de" else 1) and tokens[x][2][:1].isupper() \
                        and tokens[x][2].lower() not in w.stop:
                    x += 1
                    words += 1
            if not words or not tokens[x - 1][2][:1].isupper() and not self.category(tokens[x - 1][2]):
                break
            end = x
        return end

    def _plain_noun(self, x: int) -> bool:
        """Token x is a lower-case French or Italian word that may be a common noun: not a stop word, preposition,
        article, reporting verb or number."""
        word = self.tokens[x][2]
        lower = word.lower()
        return word[:1].islower() and word.isalpha() and len(word) >= 3 and lower not in self.w.stop and \
            lower not in self.w.prepositions and lower not in self.w.determiners and lower not in self.w.fillers \
            and not self.verb_re.fullmatch(word)

    def _inflected_window(self, k: int) -> int:
        """The index after the words that may follow a head in Polish or Russian before its clause ends."""
        x = k
        while x - k < 7 and self._joined(x) and self.tokens[x][2].lower() not in self.w.stop | self.w.prepositions \
                and not self.verb_re.fullmatch(self.tokens[x][2]):
            x += 1
        return x

    def _inflected_name(self, k: int, category: str) -> tuple[int, int] | None:
        """The name of a Polish or Russian head at token k: the first run of two name words after a genitive
        complement ("пресс-секретарь Белого дома Карин Жан-Пьер", "szef resortu obrony Mariusz Błaszczak"; of a
        longer run the last two: "президент Украины Владимир Зеленский"), or one name word right after the head
        that ends the phrase ("премьер Гарибашвили заявил"; not a place, "премьер-министр Грузии", nor an
        acronym, "дипломат ЕС")."""
        if category not in ("office", "spokes", "role", "outlet_word"):
            return None
        tokens = self.tokens
        window = self._inflected_window(k)
        x = k
        while x < window:
            end = min(self.name_run(x), window)
            if end - x >= 2 and not any(tokens[y][2].isupper() for y in range(max(x, end - 2), end)) and \
                    _stem(tokens[end - 2][2].lower()) not in self.places:
                first = x
                if end - x >= 3 and not re.search(r"(?:вич|вна|ична)$", tokens[end - 2][2].lower()):
                    first = end - 2
                return first, end
            x = max(end, x + 1)
        if k < len(tokens) and self._joined(k) and self.name_run(k) == k + 1 and self.text[tokens[k - 1][1]:
                                                                                            tokens[k][0]] == " ":
            word = tokens[k][2]
            after = self.text[tokens[k][1]:tokens[k][1] + 30]
            following = re.match(r"\s*([^\W\d_]+)", after)
            ends = re.match(r"\s*(?:[,.;:!?)\n\"“”„«»(–—]|$)", after) or following and (
                following.group(1).lower() in self.w.prepositions or self.verb_re.fullmatch(following.group(1)))
            if ends and not word.isupper() and _stem(word.lower()) not in self.places and \
                    self.category(tokens[k - 1][2]) != "outlet_word" or ends and category == "outlet_word":
                return k, k + 1
        return None

    def _inflected_complement(self, k: int) -> int:
        """The index after a Polish or Russian genitive complement without a name ("rzecznik rządu", "дипломат
        ЕС", "власти Соединенных Штатов Америки"): up to three words, ending at a capitalised one or a list word."""
        window = min(self._inflected_window(k), k + 4)
        best = x = k
        while x < window:
            word = self.tokens[x][2]
            if word[:1].isupper() or self.category(word):
                best = x = x + 1
            elif x + 1 < window and (self.tokens[x + 1][2][:1].isupper() or self.category(self.tokens[x + 1][2])):
                x += 1  # "agencji badawczej Inquiry"
            else:
                break
        return best

    def _name_after(self, index: int, appositive: bool, limit: int | None) -> tuple[int, int] | None:
        """(first, after last) token of the name at token `index` (after ", " and a parenthesis when
        `appositive`), or None."""
        tokens, text = self.tokens, self.text
        if index >= len(tokens) or index == 0 or limit is not None and tokens[index][0] >= limit:
            return None
        gap = text[tokens[index - 1][1]:tokens[index][0]]
        if appositive:  # ", Patrick Reimund", "(DKG), Gerald Gaß"
            match = re.match(r"(?:\s*\([^()\n]{1,30}\))?\s*,\s*", text[tokens[index - 1][1]:])
            index = self.at_start.get(tokens[index - 1][1] + match.end(), -1) if match else -1
            if index < 0:
                return None
        elif gap not in (" ", "\u00a0"):
            return None
        run_end = self.name_run(index, surname=True)
        if run_end == index:
            return None
        if appositive and not re.match(r"\s*(?:[,.;:!?)]|$)", text[tokens[run_end - 1][1]:tokens[run_end - 1][1] + 2]):
            return None  # an appositive name closes its clause
        if self.w.stems and run_end - index >= 3 and not re.search(r"(?:вич|вна|ична)$", tokens[index + 1][2].lower()):
            index = run_end - 2  # "президент Украины Владимир Зеленский": the last two name him
        return index, run_end

    def _head_gender(self, head: str, determiner: str | None) -> str | None:
        lang = self.w.language
        if lang == "de":
            if head.endswith("in") and self.category(head) in ("office", "spokes", "role"):
                return "she"
            if determiner in ("der", "ein", "des", "dem", "einem", "eines") and head.endswith(("er", "ent", "or")):
                return "he"
        elif lang in ("fr", "it"):
            if determiner in ("la", "une", "una", "della", "alla", "dalla"):
                return "she"
            if determiner in ("le", "il", "un", "uno", "du", "del", "au", "al", "lo", "dello"):
                return "he"
        elif lang == "pl" and head.endswith(("ka", "yni", "ini")):
            return "she"
        elif lang == "ru" and head.endswith(("ница", "ница")):
            return "she"
        return None

    def phrase_ending_at(self, end: int, clause_start: bool = False, initial: bool = False) -> _Phrase | None:
        """The longest source phrase that ends at `end`; with `clause_start` it must open its clause."""
        text = self.text
        while end > 0 and text[end - 1] in " \t\u00a0":
            end -= 1
        last = self.at_end.get(end)
        if last is None:
            return None
        first = last
        while first > 0 and last - first < 9 and not _PHRASE_BREAK.search(self._gap(first - 1, first)):
            first -= 1
        for k in range(first, last + 1):
            previous = self.tokens[k - 1][2].lower() if k else ""
            opens = k == 0 or k == first and _PHRASE_BREAK.search(self._gap(k - 1, k)) or \
                previous in _CLAUSE_OPENERS or k == first and k == 0
            if k > first and previous in self.w.prepositions | self.w.determiners:
                continue
            if clause_start and not opens:
                continue
            phrase = self.phrase_at(self.tokens[k][0], limit=end + 1, initial=initial)
            if phrase is not None and phrase.end == end:
                return phrase
        return None

    def add(self, phrase: _Phrase) -> SourceMention | None:
        if phrase.pronoun or phrase.kind is None:
            return None
        if _words(phrase.name)[:1] and _words(phrase.name)[0] in _SECOND_PERSON:
            return None  # "Was sagt dein Fachverband?": the reader's, no source of the article
        if not phrase.key and phrase.kind in ("anonymous",) and len(_words(phrase.name)) == 1 and \
                self.category(phrase.name) not in ("group", "spokes", "office", "institution"):
            return None  # a bare role ("Lekarz") is too vague
        mention = SourceMention(phrase.start, phrase.end, phrase.name, phrase.kind, phrase.key)
        self.mentions.append(mention)
        if not phrase.key and phrase.person:
            self.singular[(phrase.start, phrase.end)] = phrase.gender  # "l'hydrologue", "ein Sprecher"
        if phrase.key and phrase.gender and phrase.key not in self.genders:
            self.genders[phrase.key] = phrase.gender
        return mention

    # -- reporting verbs and cues

    def verb_gender(self, verb: str) -> str | None:
        last = verb.split()[-1].lower()
        if self.w.feminine_endings and last.endswith(self.w.feminine_endings):
            return "she"
        if self.w.masculine_endings and last.endswith(self.w.masculine_endings):
            return "he"
        return None

    def verb_is_used(self, match: re.Match) -> bool:
        """Not an adjective ("das erklärte Ziel"), a passive ("est dit"), a reflexive ("se déclare") or German
        "absagen"/"zusagen"."""
        text = self.text
        before = text[max(0, match.start() - 20):match.start()].lower().split()
        previous = before[-1] if before else ""
        if self.w.language == "de":
            if previous in self.w.determiners or previous in ("sein", "seine", "ihr", "ihre", "ihrem", "ihren",
                                                              "seinem", "seinen", "zu"):
                return False
            if re.match(r"\s+(?:worden|werden|wurde|wurden|wird|sein)\b", text[match.end():match.end() + 10]):
                return False  # a passive: "von mehreren Regierungschefs kritisiert worden"
            clause = re.match(r"[^,.;:!?\n\"“”„«»]*", text[match.end():match.end() + 120]).group(0).split()
            if clause and clause[-1] in ("ab", "zu", "an") and match.group(0).lower().startswith("sag"):
                return False
        if self.w.language == "fr" and (previous in ("se", "s'", "s’", "est", "été", "sont", "soit", "ce", "le",
                                                     "ledit", "être", "autrement") or previous.endswith(("s'", "s’"))):
            return False
        if self.w.language == "it" and previous in ("si", "è", "viene", "sono", "essere", "stato"):
            return False
        if self.w.language == "pl" and re.match(r"\s+się\b", text[match.end():match.end() + 5]):
            return False
        return True

    def subject_after(self, position: int, verb: str) -> _Phrase | None:
        """The subject after a reporting verb: "sagte Keller", "a déclaré le maire", "заявил в интервью
        телеканалу CNN президент Украины Владимир Зеленский"."""
        text = self.text
        report = verb.lower() in self.w.report_verbs or re.sub(r"\s+", " ", verb.lower()) in {
            v.replace("{adv} ", "") for v in self.w.report_verbs} or (  # "hat der Spiegel berichtet"
            self.w.language == "de" and verb.split()[-1].lower() in self.w.report_verbs)
        cursor = position
        for _ in range(6):
            while cursor < len(text) and text[cursor] in " \t\u00a0":
                cursor += 1
            index = self.at_start.get(cursor)
            if index is None:
                return None
            word = self.tokens[index][2]
            lower = word.lower()
            if lower in self.w.fillers or word.isdigit():
                cursor = self.tokens[index][1]
                continue
            if self.category(word) == "outlet_word" and not report:
                # "заявил газете «Известия»", "sagte der Zeitung »Bild«": whom the speaker told
                skip = re.match(r"[^\W\d_][\w\-]*\s*[\"“„«»]?\s*(?:[^\W\d_][\w\-.]*\s*){0,3}?[\"”“»«]\s*",
                                text[cursor:cursor + 60])
                if skip:
                    cursor += skip.end()
                    continue
            if lower in self.w.prepositions or self.w.language == "de" and lower in ("dem", "den", "einem", "ihm",
                                                                                    "ihr", "uns", "mir"):
                # an object or an adverbial: "sagte dem RND", "powiedział w rozmowie z ...": in Polish and Russian
                # the subject, if any, ends the clause
                return self._clause_final_subject(cursor) if self.w.stems else None
            phrase = self.phrase_at(cursor)
            if phrase is None:
                return None
            if phrase.kind == "outlet" and not report and not re.match(r"\s*(?:[.!?\n]|$)",
                                                                       text[phrase.end:phrase.end + 2]):
                # "заявил телеканалу CNN ...": an outlet after a verb of speech is whom the speaker told
                cursor = phrase.end
                continue
            return phrase
        return None

    def _clause_final_subject(self, position: int) -> _Phrase | None:
        """A head phrase that ends the clause after an adverbial: "заявил в интервью телеканалу CNN президент
        Украины Владимир Зеленский"."""
        clause = re.match(r"[^,.;:!?\n\"“”„«»()\[\]–—]{1,80}", self.text[position:])
        if not clause:
            return None
        end = position + len(clause.group(0).rstrip())
        tail = self.text[end:end + 2]
        if not re.match(r"\s*(?:[,.;:!?\n\"“”„«»(–—]|$)", tail):
            return None
        phrase = self.phrase_ending_at(end)
        if phrase is None or phrase.pronoun:
            return None
        outer = phrase.outer if phrase.outer >= 0 else phrase.start
        index = self.at_start.get(outer)
        if index is None or not self.category(self.tokens[index][2]) or \
                self.category(self.tokens[index][2]) in ("outlet_word", "document"):
            return None
        start_index = self.at_start.get(position)
        if start_index is None or index - start_index > 4 or self.w.language == "ru" and \
                self.tokens[index][2].lower().endswith(("ов", "ев", "ами", "ям", "ам", "ому", "ему")):
            return None  # "написал в блоге после саммита на уровне министров стран G20"
        previous = self.tokens[index - 1][2] if index else ""
        if previous.lower() in self.w.prepositions or previous.lower() in self.w.determiners or \
                previous[:1].isupper() or self.category(previous) == "outlet_word":
            return None
        return phrase

    def verb_subject(self, match: re.Match) -> _Phrase | None:
        """Who a reporting verb reports: the subject before it (opening its clause) or after it."""
        verb = match.group(0)
        after_at = self.subject_position(match)
        before_text = self.text[max(0, match.start() - 12):match.start()]
        at_break = re.search(r"(?:^|[,.;:!?\"“”„«»‘’()\[\]–—-])\s*$", before_text) or re.search(
            r"(?:^|\s)(?:wie|comme|come|jak|как|so)\s+$", before_text, re.IGNORECASE)
        if not at_break:
            before = self._subject_before(match)
            if before is not None:
                return before
        phrase = self.subject_after(after_at, verb)
        previous = before_text.split()[-1].lower() if before_text.split() else ""
        if phrase is not None and phrase.described and not at_break and previous not in _CLAUSE_OPENERS | {
                "quanto", "ciò", "was", "ce", "co", "что"}:
            phrase = None  # "la DARPA aveva annunciato il programma Insect Allies": an object, not a subject
        if phrase is not None and phrase.end <= match.end() + 200:
            return phrase
        return None if not at_break else self._subject_before(match)

    def _subject_before(self, match: re.Match) -> _Phrase | None:
        phrase = self.phrase_ending_at(match.start(), clause_start=True, initial=True)  # "Müller sagte: ..."
        return self._appositive_subject(match.start()) or phrase

    def _appositive_subject(self, end: int) -> _Phrase | None:
        """A name before an appositive that ends at `end`, where a verb follows: "Keller, die Bürgermeisterin,
        sagte", "Paul Martin, le maire de Lyon, a déclaré", "Anna Keller, 54, sagte". The appositive is an office,
        role or organisation phrase (which gives the name its kind and gender) or an age; the name opens its
        clause."""
        text = self.text
        match = re.search(r",\s*(?P<app>[^,;:!?()\n\"“”„«»–—]{1,80}?)\s*,\s*$", text[max(0, end - 120):end])
        if match is None:
            return None
        offset = max(0, end - 120)
        app_start, app_end = offset + match.start("app"), offset + match.end("app")
        comma = offset + match.start()
        appositive = None
        if match.group("app").lower() in _EMPHATIC.get(self.w.language, ()):
            pass  # "Le directeur Philippe Garnier, lui, assure"
        elif not re.fullmatch(r"\d{1,3}", match.group("app")):
            appositive = self.phrase_at(app_start, limit=app_end + 1)
            if appositive is None or appositive.pronoun or appositive.end != app_end or appositive.key:
                return None
            head = self.at_start.get(appositive.outer if appositive.outer >= 0 else appositive.start)
            head = next((x for x in range(head, self.at_end.get(app_end, head) + 1)
                         if self.category(self.tokens[x][2])), None) if head is not None else None
            category = self.category(self.tokens[head][2]) if head is not None else None
            if category not in ("office", "spokes", "role", "organisation"):
                return None
            official = category in ("office", "spokes")
        name = self.phrase_ending_at(comma, clause_start=True, initial=True)
        if name is None or name.pronoun or not name.key or name.kind not in ("person", "official"):
            return None
        if appositive is not None and official:
            name.kind = "official"  # "Wang Wenbin, un porte-parole du ministère, a souligné"
        if appositive is not None and name.gender is None:
            name.gender = appositive.gender
        return name

    def run(self) -> None:
        text, w = self.text, self.w
        for match in self.verb_re.finditer(text):
            if not self.verb_is_used(match):
                continue
            phrase = self.verb_subject(match)
            if phrase is not None and not phrase.pronoun:
                if phrase.kind in ("person", "official") and phrase.key and phrase.key not in self.genders:
                    gender = self.verb_gender(match.group(0))
                    if gender:
                        self.genders[phrase.key] = gender
                self.add(phrase)
        cues = sorted(w.cues, key=len, reverse=True)
        cue_re = re.compile(r"(?<![\w\-])(?:" + "|".join(re.escape(c).replace(r"\ ", r"\s+") for c in cues)
                            + r")(?![\w\-])\s*", re.IGNORECASE)
        for match in cue_re.finditer(text):
            before = text[max(0, match.start() - 12):match.start()].lower().split()
            if before and before[-1] in _POSSESSIVES:
                continue  # "jego zdaniem", "à son avis": the pronoun's opinion
            phrase = self.phrase_at(match.end())
            if phrase is not None and not phrase.pronoun:
                self.add(phrase)
        for post in w.postpositions:
            for match in re.finditer(r"(?<![\w\-])" + re.escape(post) + r"(?![\w\-])", text, re.IGNORECASE):
                phrase = self.phrase_ending_at(match.start(), initial=True)  # "Müller zufolge ..."
                if phrase is not None and not phrase.pronoun:
                    self.add(phrase)
        for so in w.so_words:
            for match in re.finditer(r",\s*" + re.escape(so) + r"\s+", text):
                phrase = self.so_phrase(match.end())
                if phrase is not None:
                    self.add(phrase)
        if self.opinion_re is not None:
            for match in self.opinion_re.finditer(text):
                phrase = self.opinion_phrase(match)
                if phrase is not None:
                    self.add(phrase)
        if self.impersonal_re is not None:
            for match in self.impersonal_re.finditer(text):
                phrase = self.impersonal_source(match)
                if phrase is not None:
                    self.add(phrase)

    def opinion_phrase(self, match: re.Match) -> _Phrase | None:
        """The person after an opinion cue that opens its sentence and is closed by a comma: "Pour Hélène
        Marchand, ...", "Per il sindaco, ..." (a full name or a person's office or role; not a group, an
        institution or a place: "Pour les habitants, ..." is whom something is for)."""
        index = self.at_start.get(match.start())
        if index is None or not self.sentence_initial(index):
            return None
        phrase = self.phrase_at(match.end())
        if phrase is None or phrase.pronoun or not re.match(r"\s*,", self.text[phrase.end:phrase.end + 3]):
            return None
        if phrase.key:
            first, last = self.at_start.get(phrase.start), self.at_end.get(phrase.end)
            names = [t for _, _, t in self.tokens[first:last + 1]] if first is not None and last is not None else []
            if phrase.kind in ("person", "official") and names and not any(
                    self.category(t) in ("institution", "organisation", "group") for t in names) and (
                    len(phrase.key.split("_")) >= 2 or self._named_in_full(phrase.key)):
                return phrase
            return None
        return phrase if phrase.person else None

    def _named_in_full(self, key: str) -> bool:
        """The text gives a one-word name in full somewhere ("Macron" and "Emmanuel Macron"): a person, not a
        place ("Pour Paris, ...")."""
        i = 0
        while i < len(self.tokens):
            end = self.name_run(i)
            if end - i >= 2 and self._key([self.tokens[end - 1][2]]) == key:
                return True
            i = max(end, i + 1)
        return False

    def impersonal_source(self, match: re.Match) -> _Phrase | None:
        """The source of impersonal reporting: "hieß es aus dem Rathaus", "hieß es in einer Mitteilung der
        Polizei", "Aus Regierungskreisen hieß es"; None for a bare "hieß es"."""
        text, w = self.text, self.w
        after = re.match(r"\s*(?:([^\W\d_]+)\s+)??([^\W\d_]+)\s+", text[match.end():match.end() + 40])
        if after and (after.group(1) is None or after.group(1).lower() in w.fillers) and \
                after.group(2).lower() in w.impersonal_prepositions:
            phrase = self.phrase_at(match.end() + after.end())
            if phrase is not None and not phrase.pronoun and phrase.kind:
                return phrase
        end = match.start()
        while end > 0 and text[end - 1] in " \t\u00a0":
            end -= 1
        last = self.at_end.get(end)
        if last is None:
            return None
        for index in range(last, max(0, last - 6), -1):
            if index == 0 or self.tokens[index - 1][2].lower() not in w.impersonal_prepositions:
                continue
            preposition = index - 1
            if not (self.sentence_initial(preposition) or preposition and (
                    _PHRASE_BREAK.search(self._gap(preposition - 1, preposition))
                    or self.tokens[preposition - 1][2].lower() in _CLAUSE_OPENERS)):
                continue
            phrase = self.phrase_at(self.tokens[index][0], limit=end + 1)
            if phrase is not None and not phrase.pronoun and phrase.kind and phrase.end == end:
                return phrase
        return None

    def so_phrase(self, position: int) -> _Phrase | None:
        """German "..., so Keller." / "„...“, so der Sprecher": a name or head phrase that ends its clause or is
        followed by a preposition ("so Schneider vom Verband", "so Keller am Montag")."""
        phrase = self.phrase_at(position)
        if phrase is None or phrase.pronoun or phrase.kind == "document":
            return None
        after = self.text[phrase.end:phrase.end + 30]
        following = re.match(r"\s*([^\W\d_]+)", after)
        if re.match(r"\s*(?:[,.;:!?)\n\"“”„«»(]|$)", after) or following and (
                following.group(1).lower() in self.w.prepositions or following.group(1).lower() in self.w.fillers):
            return phrase
        return None

    # -- speakers of quotes

    def resolve(self, position: int, pronoun: str) -> tuple[str | None, str | None]:
        """The nearest earlier cited person or official (not an institution) whose gender fits the pronoun, or
        a person opening an earlier sentence of the paragraph when nearer ("Pour Hélène Marchand, ... Le directeur
        Philippe Garnier assure ... « ... », a-t-il affirmé")."""
        if pronoun not in ("he", "she"):
            return None, None
        candidates = [m for m in self.mentions if m.end <= position and position - m.end <= 700 and (
            m.key and m.kind in ("person", "official") and not any(self.category(x) in ("institution",
                                                                                     "organisation")
                                                                    for x in m.name.split())
            and self.genders.get(m.key) in (None, pronoun)
            or not m.key and (m.start, m.end) in self.singular and self.singular[(m.start, m.end)] in (None,
                                                                                                       pronoun))]
        subject = self._paragraph_subject(position, pronoun)
        if subject is not None and (not candidates or subject.end > max(m.end for m in candidates)):
            mention = self.add(subject)
            self.genders[subject.key] = pronoun
            return mention.name, mention.kind
        if not candidates:
            return None, None
        last = max(candidates, key=lambda m: m.end)
        if last.key:
            self.genders[last.key] = pronoun
        return last.name, last.kind

    def _paragraph_subject(self, position: int, pronoun: str) -> _Phrase | None:
        """The nearest named person or official opening an earlier sentence of the paragraph ("Le maire Paul
        Martin a visité le chantier. « ... », a-t-il déclaré."), or its first clause after a short opening one
        ("Interrogé lundi, Wang Wenbin, un porte-parole ..., a souligné ..."), whose gender is unknown or fits."""
        text = self.text
        line_start = text.rfind("\n", 0, position) + 1
        starts = [line_start] + [line_start + m.end() for m in re.finditer(r"[.!?…][\"“”»]?\s+",
                                                                          text[line_start:position])]
        for start in reversed(starts):
            if start >= position or position - start > 400:
                continue
            phrase = self.phrase_at(start, limit=position)
            opening = re.match(r"[^,.;:!?\"“”„«»()\n]{1,40},\s*", text[start:position])
            if (phrase is None or phrase.pronoun or not phrase.key) and opening and not (
                    self.cue_re is not None and self.cue_re.search(opening.group(0))):
                phrase = self.phrase_at(start + opening.end(), limit=position)  # not "По словам X, ООН ..."
                if phrase is not None and (phrase.name.isupper() or not re.match(
                        r"\s*,", text[phrase.end:phrase.end + 3]) and not self.verb_re.match(
                        text, phrase.end + len(text[phrase.end:]) - len(text[phrase.end:].lstrip()))):
                    phrase = None  # an acronym names no "he" or "she"; a subject closes its apposition or verbs
            if phrase is not None and self._quoted(phrase.start):
                continue  # a name inside a quote is no antecedent
            if phrase is not None and not phrase.pronoun and phrase.key and phrase.kind in ("person", "official") \
                    and phrase.end <= position and self.genders.get(phrase.key, phrase.gender) in (None, pronoun):
                return phrase
        return None

    def _quoted(self, position: int) -> bool:
        """`position` is inside a quotation."""
        if self._quote_marks is None:
            self._quote_marks = [(o, c) for _, _, o, c in find_quote_spans(self.text)]
        return any(o < position < c for o, c in self._quote_marks)

    def speaker_of(self, phrase: _Phrase | None, position: int, verb: str = "") -> tuple[str | None, str | None]:
        if phrase is None:
            return None, None
        if phrase.pronoun:
            return self.resolve(position, phrase.pronoun)
        mention = self.add(phrase)
        if mention is None:
            return None, None
        if mention.key and verb:
            gender = self.verb_gender(verb)
            if gender:
                self.genders.setdefault(mention.key, gender)
        return mention.name, mention.kind

    def speaker(self, open_mark: int, close_mark: int) -> tuple[tuple[str | None, str | None], bool]:
        """(speaker, kind) of the quote between the marks, and whether it was named after the quote."""
        text = self.text
        line_start, line_end, after_start = quote_surroundings(text, open_mark, close_mark)
        lead = re.match(r"\s*[,.]?\s*[–—-]?\s*", text[after_start:line_end])
        position = after_start + lead.end()
        introduced = text[close_mark - 1] in ".!?" and re.search(r":\s*$", text[max(line_start, open_mark - 5):
                                                                               open_mark])
        if not introduced and "." not in lead.group(0):  # '“. Biden sagt' starts another sentence
            found = self._speaker_after(position, line_end)
            if found[0]:
                return found, True
        return self._speaker_before(open_mark, line_start), False

    def _speaker_after(self, position: int, line_end: int) -> tuple[str | None, str | None]:
        text = self.text
        if self.inverted_re is not None:
            inverted = self.inverted_re.match(text, position)
            if inverted:
                pronoun = (inverted.group("p1") or inverted.group("p2")).lower()
                return self.resolve(position, {"il": "he", "elle": "she"}.get(pronoun, "they"))
        verb = self.verb_re.match(text, position)
        if verb and self.verb_is_used(verb):
            phrase = self.subject_after(self.subject_position(verb), verb.group(0))
            if phrase is not None:
                return self.speaker_of(phrase, position, verb.group(0))
            # no subject: Italian, Polish and Russian drop the pronoun ("– powiedział.", "ha detto.")
            if self.w.language in ("it", "pl", "ru") and re.match(r"\s*(?:[,.;:!?]|$)", text[verb.end():
                                                                                              verb.end() + 3]):
                return self.resolve(position, self.verb_gender(verb.group(0)) or "")
            return None, None
        if self.impersonal_re is not None:
            impersonal = self.impersonal_re.match(text, position)
            if impersonal:  # "„...“, hieß es aus dem Rathaus"
                phrase = self.impersonal_source(impersonal)
                return self.speaker_of(phrase, position) if phrase is not None else (None, None)
        cue = re.match(r"(?:" + "|".join(re.escape(c).replace(r"\ ", r"\s+") for c in
                                          sorted(self.w.cues, key=len, reverse=True)) + r")(?![\w\-])\s*",
                       text[position:position + 40], re.IGNORECASE)
        if cue:  # "«...», selon Patrick Simon"
            phrase = self.phrase_at(position + cue.end())
            if phrase is not None and not phrase.pronoun:
                return self.speaker_of(phrase, position)
        for so in self.w.so_words:
            so_match = re.match(re.escape(so) + r"\s+", text[position:position + 4])
            if so_match:
                phrase = self.so_phrase(position + so_match.end())
                if phrase is not None:
                    return self.speaker_of(phrase, position)
        # "«...», le maire a déclaré"
        phrase = self.phrase_at(position, limit=line_end)
        if phrase is not None:
            verb = self.verb_re.match(text, phrase.end + len(text[phrase.end:]) - len(text[phrase.end:].lstrip()))
            if verb and self.verb_is_used(verb):
                return self.speaker_of(phrase, position, verb.group(0))
        return None, None

    def _speaker_before(self, open_mark: int, line_start: int) -> tuple[str | None, str | None]:
        text = self.text
        window_start = max(line_start, open_mark - 200)
        before = text[window_start:open_mark]
        # "X sagte: „...“", "sagte Keller: „...“", "le maire a déclaré : « ... »"
        verbs = [m for m in self.verb_re.finditer(text, window_start, open_mark) if self.verb_is_used(m)]
        if verbs:
            verb = verbs[-1]
            tail = text[verb.end():open_mark]
            if not re.search(r"[.!?;]|\s[–—]\s", tail) and len(tail.split()) <= 8 and re.search(r"[:,]?\s*$", tail):
                if re.search(r"[:,]\s*$", tail) or not tail.strip():
                    phrase = self.verb_subject(verb)
                    if phrase is not None:
                        return self.speaker_of(phrase, verb.start(), verb.group(0))
                    if self.w.language in ("it", "pl", "ru") and not self._has_subject_room(verb):
                        return self.resolve(verb.start(), self.verb_gender(verb.group(0)) or "")
        if self.w.gerunds and re.search(r"(?<![\w\-])(?:" + "|".join(map(re.escape, self.w.gerunds))
                                        + r")\s*:?\s*$", before, re.IGNORECASE):
            # "Di Maio rassicurava l'Italia affermando: «...»": the sentence's subject
            sentence_start = line_start
            for dot in re.finditer(r"[.!?…]\s+", text[line_start:open_mark]):
                sentence_start = line_start + dot.end()
            subject = self.phrase_at(sentence_start)
            if subject is not None and not subject.pronoun and subject.kind in ("person", "official"):
                return self.speaker_of(subject, open_mark)
        cue_re = re.compile(r"(?<![\w\-])(?:" + "|".join(re.escape(c).replace(r"\ ", r"\s+") for c in
                                                          sorted(self.w.cues, key=len, reverse=True))
                            + r")(?![\w\-])\s*(?P<rest>[^:,.;!?]{1,80})[:,]\s*$", re.IGNORECASE)
        cue = cue_re.search(before)
        if cue:
            phrase = self.phrase_at(window_start + cue.start("rest"))
            if phrase is not None and not phrase.pronoun:
                return self.speaker_of(phrase, open_mark)
        if self.impersonal_re is not None:  # "Aus dem Rathaus hieß es: „...“"
            impersonal = [m for m in self.impersonal_re.finditer(text, window_start, open_mark)
                          if re.fullmatch(r"[^.!?;\"“”„«»]{0,60}?[:,]\s*", text[m.end():open_mark])]
            if impersonal:
                phrase = self.impersonal_source(impersonal[-1])
                return self.speaker_of(phrase, open_mark) if phrase is not None else (None, None)
        sentence_start = line_start
        for stop in re.finditer(r"[.!?…][\"“”»«]?\s+", text[line_start:open_mark]):
            sentence_start = line_start + stop.end()
        return self._naming_subject(sentence_start, open_mark) or self._sentence_cue(sentence_start, open_mark)

    def _naming_subject(self, sentence_start: int, open_mark: int) -> tuple[str, str] | None:
        """The speaker of a quote that a verb of naming takes as its complement, in the quote's sentence: "Markus
        Brandt nannte den Plan „ein Desaster“", "bezeichnete ihn als „...“", "a qualifié le projet de « ... »".
        Only a name: "Die Stadt nennt den Plan „mutig“" names no one (the city's word may be a scare quote)."""
        if self.naming_re is None:
            return None
        for verb in self.naming_re.finditer(self.text, sentence_start, open_mark):
            tail = self.text[verb.end():open_mark]
            if len(tail.split()) > 7 or re.search(r"[.,;:!?()\"“”„«»–—]", tail):
                continue
            # in German the subject may follow the verb ("Die Gäste nannte er „...“"); else it is before it (after
            # the verb stands the object: "ha definito la tecnologia Insect Allies una “...”")
            phrase = self.phrase_at(verb.end()) if self.w.language == "de" else None
            if phrase is None or not (phrase.pronoun or phrase.key and phrase.kind in ("person", "official")):
                phrase = self.phrase_ending_at(verb.start(), clause_start=True, initial=True)
            if phrase is not None and phrase.pronoun:
                name = self.resolve(verb.start(), phrase.pronoun)
                return name if name[0] else None
            if phrase is not None and phrase.key and phrase.kind in ("person", "official"):
                return self.speaker_of(phrase, verb.start())
        return None

    def _sentence_cue(self, sentence_start: int, open_mark: int) -> tuple[str | None, str | None]:
        """The source of an "according to" cue or an opinion cue that opens the quote's sentence before a comma
        ("Selon le maire, le projet est « irréaliste »", "Pour Hélène Marchand, la direction « sacrifie ... »");
        not an outlet, which reports someone else's words."""
        text = self.text
        for regex, opinion in ((self.cue_re, False), (self.opinion_re, True)):
            cue = regex.match(text, sentence_start) if regex is not None else None
            if cue is None:
                continue
            phrase = self.opinion_phrase(cue) if opinion else self.phrase_at(cue.end())
            if phrase is None or phrase.pronoun or phrase.end >= open_mark or phrase.kind == "outlet" or \
                    not re.match(r"\s*,", text[phrase.end:phrase.end + 3]):
                continue  # an outlet reports others' words: "Secondo l'agenzia Unian, Zelensky ... «...»"
            return self.speaker_of(phrase, open_mark)
        return None, None

    def _has_subject_room(self, verb: re.Match) -> bool:
        """Something other than a clause break stands right before the verb."""
        before = self.text[max(0, verb.start() - 3):verb.start()]
        return not re.search(r"(?:^|[,.;:!?\"“”„«»–—])\s*$", before)


_STEMMED: dict[int, tuple[AttributionWords, list[tuple[str, str]]]] = {}


def _stemmed_lists(words: AttributionWords, lists: tuple[tuple[str, frozenset[str]], ...]) -> list[tuple[str, str]]:
    """(category, stem) of every list word with a stem of three letters or more, in the order of `lists` (computed
    once per word lists)."""
    cached = _STEMMED.get(id(words))
    if cached is None or cached[0] is not words:
        cached = _STEMMED[id(words)] = (words, [(name, _stem(word)) for name, group in lists for word in group
                                                if len(_stem(word)) >= 3])
    return cached[1]


def _word_regex(words: tuple[str, ...] | frozenset[str]) -> re.Pattern | None:
    """Any of the words or word groups (spaces between them may be any spaces), as whole words."""
    if not words:
        return None
    return re.compile(r"(?<![\w\-])(?:" + "|".join(re.escape(c).replace(r"\ ", r"\s+") for c in
                                                   sorted(words, key=len, reverse=True)) + r")(?![\w\-])",
                      re.IGNORECASE)


def _foreign_dash_speech(text: str, verb_re: re.Pattern) -> list[tuple[int, int, int, int]]:
    """Dash speech: "— Мы готовы, — сказал Иванов." / "– Jesteśmy gotowi – powiedział Kowalski." -> (start, end,
    start of the verb, where its subject may start)."""
    found = []
    for line_start, line_end in _lines(text):
        line = text[line_start:line_end]
        match = re.match(r"\s*(?:[•·*]\s*)?[–—-]\s*", line)
        if not match:
            continue
        body_start = line_start + match.end()
        for tail in re.finditer(r",?\s*[–—]\s*", line[match.end():]):
            verb = verb_re.match(text, body_start + tail.end())
            if verb and tail.start() > 3:
                found.append((body_start, body_start + tail.start(), verb.start(), _Foreign.subject_position(verb)))
                break
    return found


def _any_full_stop(text: str, dot: int) -> bool:
    return True  # no list of abbreviated titles in these languages: every full stop ends a sentence


def _sentence_break(passage: str) -> bool:
    """A sentence ends inside `passage`: at "!", "?", ";" or a full stop before a blank (any script's capitals)."""
    return bool(re.search(r"[!?;]|\.\s", passage))


def _foreign_full_name(source: Source, finder: _Foreign) -> str:
    """The fullest way the article names a cited person ("Keller" -> "Anna Keller"): two name words (three with a
    particle, "Marine Le Pen") ending with the source's surname, taken from the end of a capitalised run."""
    tokens = source.key.split("_")
    if len(tokens) != 1:
        return source.name
    counts: Counter[str] = Counter()
    i = 0
    while i < len(finder.tokens):
        end = finder.name_run(i)
        if end > i + 1:
            for last in range(i + 1, end):
                if finder._key([finder.tokens[last][2]]) != tokens[0]:
                    continue
                first = last - 1
                if first > i and finder.tokens[first][2] in _PARTICLES:
                    first -= 1
                if finder.tokens[first][2].isupper():
                    continue  # "ЕС Боррель": an acronym is no first name
                counts[finder.text[finder.tokens[first][0]:finder.tokens[last][1]]] += 1
            i = end
        else:
            i += 1
    if not counts:
        return source.name
    best = max(counts, key=lambda t: (counts[t], -len(t)))
    return best if len(best) > len(source.name) else source.name


# capitalised particles inside a surname ("Marine Le Pen", "Ursula Von der Leyen")
_PARTICLES = frozenset("Le La De Du Des Di Da Del Della Van Von Der".split())


_SPACED_OPEN = re.compile("([«‹])([ \u00a0\u202f\u2009]+)")
_SPACED_CLOSE = re.compile("([ \u00a0\u202f\u2009]+)([»›])")


def _tight_guillemets(text: str) -> str:
    """The text with French spaced guillemets written tight ("« Oui »" -> " «Oui» ") and German ones turned round
    ("»Ja«" -> "«Ja»"): the same length, so every offset into it is an offset into `text`, and `find_quote_spans`
    closes them."""
    first = re.search("[«»]", text)
    if first and first.group(0) == "»":  # German style: »...« (and ›...‹)
        text = text.translate(str.maketrans("»«›‹", "«»‹›"))
    text = _SPACED_OPEN.sub(lambda m: m.group(2) + m.group(1), text)
    return _SPACED_CLOSE.sub(lambda m: m.group(2) + m.group(1), text)


def attribute_foreign(original: str, words: AttributionWords) -> Attribution:
    text = _tight_guillemets(original)
    finder = _Foreign(text, words)
    finder.run()
    quote_spans = find_quote_spans(text)
    dash = [(s, e, v, a) for s, e, v, a in _foreign_dash_speech(text, finder.verb_re)
            if not any(qs <= s < qe or s <= qs < e for qs, qe, _, _ in quote_spans)]
    quotes = []
    previous = None  # (close mark, speaker, kind, named after it)
    for start, end, open_mark, close_mark in quote_spans:
        (name, kind), named_after = finder.speaker(open_mark, close_mark)
        nested = any(o < open_mark and close_mark <= c for _, _, o, c in quote_spans if (o, c) != (open_mark,
                                                                                                   close_mark))
        if nested:
            quotes.append(Quote(start, end, name, kind))
            continue
        if name is None and previous is not None and previous[1] and follows_on(
                text, previous[0], previous[3], open_mark, close_mark, attributed=finder.verb_re.search,
                ends_sentence=_any_full_stop, sentence_break=_sentence_break):
            name, kind = previous[1], previous[2]
        quotes.append(Quote(start, end, name, kind))
        previous = (close_mark, name, kind, named_after)
    for start, end, verb_start, subject_at in dash:
        verb = finder.verb_re.match(text, verb_start)
        phrase = finder.subject_after(subject_at, verb.group(0))
        if phrase is not None:
            name, kind = finder.speaker_of(phrase, start, verb.group(0))
        elif re.match(r"\s*(?:[,.;:!?]|$)", text[verb.end():verb.end() + 2]):  # "— ..., — сказала." (no subject)
            name, kind = finder.resolve(start, finder.verb_gender(verb.group(0)) or "")
        else:
            name, kind = None, None
        quotes.append(Quote(start, end, name, kind))
    return sources_and_quotes(finder.mentions, quotes, lambda source: _foreign_full_name(source, finder),
                              words.determiners)
