"""Attribution in German, French, Italian, Polish and Russian articles: the language picks its own reporting words.

Every sentence here is written for the test (none comes from a corpus). Offsets are checked by reading them back and,
for a few, by their numbers."""

from __future__ import annotations

import pytest

from spinscope.attribution import attribute, attribution_dict
from spinscope.lexicon import attribution_words


def _sources(text: str, language: str) -> dict[str, tuple[str, list[str]]]:
    """name -> (kind, [mention texts read back through the offsets])."""
    return {s.name: (s.kind, [text[m.start:m.end] for m in s.mentions])
            for s in attribute(text, language=language).sources}


def _quotes(text: str, language: str) -> list[tuple[str, str | None, str | None]]:
    return [(text[q.start:q.end], q.speaker, q.speaker_kind) for q in attribute(text, language=language).quotes]


@pytest.mark.parametrize("language, text, name, kind, mention", [
    # German
    ("de", "Die Stadt werde die Kosten tragen, sagte Bürgermeisterin Anna Keller.", "Bürgermeisterin Anna Keller",
     "official", "Bürgermeisterin Anna Keller"),
    ("de", "Die Brücke sei sicher, so Jörg Müller.", "Jörg Müller", "person", "Jörg Müller"),
    ("de", "Laut Polizei wurde niemand verletzt.", "Polizei", "official", "Polizei"),
    ("de", "Nach Angaben von Jörg Müller brannte es drei Stunden.", "Jörg Müller", "person", "Jörg Müller"),
    ("de", "Die Straße bleibt gesperrt, teilte die Polizei am Dienstag mit.", "die Polizei", "official",
     "die Polizei"),
    ("de", "Stadtsprecherin Eva Brandt erklärte, der Markt öffne am Freitag.", "Stadtsprecherin Eva Brandt",
     "official", "Stadtsprecherin Eva Brandt"),
    ("de", "Dem Gutachten zufolge ist die Brücke marode.", "Dem Gutachten", "document", "Dem Gutachten"),
    # French
    ("fr", "Le pont sera reconstruit, a déclaré le maire de Lyon, Paul Martin.", "Paul Martin", "official",
     "Paul Martin"),
    ("fr", "Selon la police, personne n'a été blessé.", "la police", "official", "la police"),
    ("fr", "D'après Hélène Dubois, le pont est sûr.", "Hélène Dubois", "person", "Hélène Dubois"),
    ("fr", "Le maire a affirmé que les travaux dureraient un an.", "Le maire", "official", "Le maire"),
    ("fr", "Les travaux dureront un an, explique l'architecte Claire Roux.", "Claire Roux", "person", "Claire Roux"),
    # Italian
    ("it", "Il ponte sarà ricostruito, ha detto il sindaco Marco Rossi.", "Marco Rossi", "official", "Marco Rossi"),
    ("it", "Secondo la polizia, nessuno è rimasto ferito.", "la polizia", "official", "la polizia"),
    ("it", "La ministra Lucia Bianchi ha dichiarato che il ponte è sicuro.", "Lucia Bianchi", "official",
     "Lucia Bianchi"),
    ("it", "Il traffico è tornato normale, ha spiegato un portavoce della prefettura.",
     "un portavoce della prefettura", "anonymous", "un portavoce della prefettura"),
    # Polish
    ("pl", "Most zostanie odbudowany – powiedział burmistrz Łukasz Nowak.", "Łukasz Nowak", "official",
     "Łukasz Nowak"),
    ("pl", "Według policji nikt nie został ranny.", "policji", "official", "policji"),
    ("pl", "Zdaniem ekspertów most jest bezpieczny.", "ekspertów", "anonymous", "ekspertów"),
    ("pl", "Anna Kowalska stwierdziła, że most jest bezpieczny.", "Anna Kowalska", "person", "Anna Kowalska"),
    # Russian
    ("ru", "Мост будет восстановлен, — сказал мэр Иван Иванов.", "Иван Иванов", "official", "Иван Иванов"),
    ("ru", "По данным полиции, никто не пострадал.", "полиции", "official", "полиции"),
    ("ru", "Полиция сообщила, что водитель скрылся.", "Полиция", "official", "Полиция"),
    ("ru", "Мост безопасен, заявила министр транспорта Мария Петрова.", "Мария Петрова", "official",
     "Мария Петрова"),
])
def test_sources_by_language(language, text, name, kind, mention):
    found = _sources(text, language)
    assert name in found, found
    assert found[name] == (kind, [mention])


@pytest.mark.parametrize("language, text", [
    ("de", "Die Stadt plant neue Radwege, die Kosten steigen weiter."),
    ("de", "Das erklärte Ziel der Stadt ist ein neuer Bahnhof."),  # an adjective, not a verb
    ("de", "Seinen Worten zufolge steigen die Kosten."),  # "his words": no one named
    ("fr", "Le pont a été fermé mardi pour des travaux."),
    ("fr", "Ce qui explique la hausse des prix, c'est la sécheresse."),
    ("it", "Il ponte è stato chiuso martedì per lavori."),
    ("pl", "Most zamknięto we wtorek z powodu remontu."),
    ("pl", "Jego zdaniem Polska potrzebuje nowych mostów."),  # "in his opinion": no one named
    ("ru", "Мост закрыли во вторник на ремонт."),
])
def test_sentences_without_a_source(language, text):
    assert attribute(text, language=language).sources == []


@pytest.mark.parametrize("language, text, expected", [
    ("de", "„Wir bauen die Brücke neu“, sagte Stadtsprecher Jörg Müller. „Sie wird im Mai fertig.“",
     [("Wir bauen die Brücke neu", "Stadtsprecher Jörg Müller", "official"),
      ("Sie wird im Mai fertig.", "Stadtsprecher Jörg Müller", "official")]),
    ("de", "Anna Keller besuchte die Baustelle. „Alles läuft nach Plan“, sagte sie.",
     [("Alles läuft nach Plan", "Anna Keller", "person")]),
    ("de", "»Das ist ein guter Tag«, so Keller.", [("Das ist ein guter Tag", "Keller", "person")]),
    ("de", "Müller sagte: „Wir sind bereit.“", [("Wir sind bereit.", "Müller", "person")]),
    ("fr", "« Le pont sera reconstruit », a déclaré le maire de Lyon, Paul Martin.",
     [("Le pont sera reconstruit", "Paul Martin", "official")]),
    ("fr", "Le maire Paul Martin a visité le chantier. « Tout ira bien », a-t-il déclaré.",
     [("Tout ira bien", "Paul Martin", "official")]),
    ("fr", "Selon Hélène Dubois, « rien n'est perdu ».", [("rien n'est perdu", "Hélène Dubois", "person")]),
    ("it", "«Il ponte sarà ricostruito», ha detto il sindaco Marco Rossi.",
     [("Il ponte sarà ricostruito", "Marco Rossi", "official")]),
    ("it", "Il sindaco Marco Rossi ha dichiarato: «Siamo pronti».", [("Siamo pronti", "Marco Rossi", "official")]),
    ("pl", "„Most zostanie odbudowany” – powiedział burmistrz Łukasz Nowak.",
     [("Most zostanie odbudowany", "Łukasz Nowak", "official")]),
    ("pl", "Anna Kowalska odwiedziła budowę. „Wszystko idzie dobrze” – powiedziała.",
     [("Wszystko idzie dobrze", "Anna Kowalska", "person")]),
    ("ru", "«Мост будет восстановлен», — сказал мэр Иван Иванов.",
     [("Мост будет восстановлен", "Иван Иванов", "official")]),
    ("ru", "— Мы готовы, — заявила Мария Петрова.", [("Мы готовы", "Мария Петрова", "person")]),
    ("ru", "Иван Иванов заявил, что мост безопасен. «Мы готовы», — сказал он.",
     [("Мы готовы", "Иван Иванов", "person")]),
    # a scare quote keeps no speaker
    ("de", "Die Stadt nennt den Plan „mutig“ und baut weiter.", [("mutig", None, None)]),
    ("fr", "La ville parle d'un « projet audacieux » et continue.", [("projet audacieux", None, None)]),
])
def test_quote_speakers_by_language(language, text, expected):
    assert _quotes(text, language) == expected


def test_exact_offsets_with_non_ascii_names():
    text = "„Wir sind bereit“, sagte Stadtsprecher Jörg Müller."
    result = attribution_dict(text, language="de")
    assert result["sources"] == [{"name": "Stadtsprecher Jörg Müller", "kind": "official",
                                  "spans": [{"start": 25, "end": 50}]}]
    assert result["quotes"] == [{"start": 1, "end": 16, "text": "Wir sind bereit",
                                 "speaker": "Stadtsprecher Jörg Müller", "speaker_kind": "official"}]
    polish = "Most jest bezpieczny – powiedział Łukasz Wiśniewski."
    assert [(s.mentions[0].start, s.mentions[0].end) for s in attribute(polish, language="pl").sources] == [(34, 51)]
    assert polish[34:51] == "Łukasz Wiśniewski"


def test_spaced_french_guillemets_have_exact_offsets():
    text = "« Nous sommes prêts », a déclaré Paul Martin."
    quote, = attribute(text, language="fr").quotes
    assert (quote.start, quote.end, text[quote.start:quote.end]) == (2, 19, "Nous sommes prêts")
    assert quote.speaker == "Paul Martin"


def test_inflected_names_merge_into_one_source():
    polish = "Jan Kowalski powiedział, że most jest bezpieczny. Według Kowalskiego remont potrwa rok."
    assert _sources(polish, "pl") == {"Jan Kowalski": ("person", ["Jan Kowalski", "Kowalskiego"])}
    russian = "Иван Иванов заявил, что мост безопасен. По словам Иванова, ремонт займет год."
    assert _sources(russian, "ru") == {"Иван Иванов": ("person", ["Иван Иванов", "Иванова"])}


def test_an_outlet_after_a_verb_of_speech_is_whom_the_speaker_told():
    text = "Мост безопасен, заявил газете «Известия» мэр Иван Иванов."
    assert [(s.name, s.kind) for s in attribute(text, language="ru").sources] == [("Иван Иванов", "official")]


@pytest.mark.parametrize("language, expected", [
    ("de", "de"), ("de-AT", "de"), ("FR", "fr"), ("it_IT", "it"), ("pl", "pl"), ("ru", "ru"),
    ("en", None), ("", None), (None, None), ("es", None), ("xx", None),
])
def test_the_language_code_selects_its_word_lists(language, expected):
    words = attribution_words(language)
    assert (words.language if words else None) == expected


def test_no_or_unknown_language_keeps_the_english_rules():
    german = "Die Stadt werde die Kosten tragen, sagte Bürgermeisterin Anna Keller."
    assert attribute(german).sources == attribute(german, language="es").sources == []
    english = "Three workers were hurt, Mayor Tom Hale said. “We will rebuild,” he said."
    for language in (None, "", "en", "en-GB", "es"):
        assert attribute(english, language=language).to_dict(english) == attribute(english).to_dict(english)


def test_unnamed_source_keys_leave_out_the_languages_articles_elided_or_not():
    from spinscope.attribution import SourceMention, merge_sources
    from spinscope.lexicon import attribution_words

    # the key is what matches a source across outlets (compare): "dem" and "l'" are no part of it
    mentions = [SourceMention(0, 15, "dem Landratsamt", "official", "")]
    assert [s.key for s in merge_sources(mentions, attribution_words("de").determiners)] == ["~landratsamt"]
    french = [SourceMention(0, 10, "l'Élysée", "official", "")]
    assert [s.key for s in merge_sources(french, attribution_words("fr").determiners)] == ["~élysée"]
    # without the language's determiners "dem" is a word of the source like any other
    assert [s.key for s in merge_sources(mentions)] == ["~dem_landratsamt"]


def test_one_word_unnamed_sources_of_an_article_are_one_source():
    from spinscope.attribution import attribute

    text = ("Police said the road was closed. Police said it would reopen on Friday. The witness said she saw "
            "smoke, and the witness later said she called for help.")
    names = [(s.name, len(s.mentions)) for s in attribute(text).sources]
    assert names == [("Police", 2), ("The witness", 2)], names


# ---------------------------------------------------------------- unnamed sources, organisations and agencies


@pytest.mark.parametrize("language, text, name, kind", [
    # one unnamed source, with what it is close to
    ("fr", "Selon une source proche de l'enquête, le suspect a fui vers le sud.", "une source proche de l'enquête",
     "anonymous"),
    # an organisation named by what it is: identified, so not anonymous (the kind of organisations is "person")
    ("fr", "Selon la fédération, 300 fermes ont fermé.", "la fédération", "person"),
    ("fr", "D'après la chambre d'agriculture départementale, la récolte est perdue.",
     "la chambre d'agriculture départementale", "person"),
    ("it", "«Non ci arrendiamo», ha dichiarato il sindacato.", "il sindacato", "person"),
    ("de", "Der Verband Mittelstand Nord warnte vor Insolvenzen.", "Verband Mittelstand Nord", "person"),
    # an agency with a complement and no name is a public one
    ("it", "Secondo l'Agenzia nazionale per la sicurezza stradale, gli incidenti sono calati.",
     "l'Agenzia nazionale per la sicurezza stradale", "official"),
    ("de", "Laut der Bundesagentur für Arbeit sinkt die Zahl.", "der Bundesagentur für Arbeit", "official"),
    # a German office in a compound with a short head word ("Amt")
    ("de", "Nach Angaben des örtlichen Ordnungsamts wurden 40 Bußgelder verhängt.", "örtlichen Ordnungsamts",
     "official"),
    # union members
    ("pl", "Zdaniem związkowców kopalnia jest bezpieczna.", "związkowców", "anonymous"),
])
def test_unnamed_sources_organisations_and_agencies(language, text, name, kind):
    found = _sources(text, language)
    assert found == {name: (kind, [name])}, found


@pytest.mark.parametrize("language, text", [
    ("it", "Secondo l'agenzia di stampa, il ponte è chiuso."),  # a news agency, unnamed
    ("de", "Laut der Nachrichtenagentur brennt es."),
    ("de", "Was sagt dein Verband dazu?"),  # the reader's, not a source of the article
    ("de", "Insgesamt sagte die Hälfte nein."),  # "-gesamt" is no office ("Amt")
    ("pl", "Niedopuszczalne jest, aby partner mówił tak do swojej dziewczyny."),  # "partner" is no party
    ("fr", "Pour la première fois, le port est fermé."),  # "pour" opens no opinion here ...
    ("fr", "Pour les habitants, la facture augmente."),  # ... nor for whom something is
    ("fr", "Pour Paris, c'est une victoire."),  # ... nor for a place
    ("it", "Per il momento, la situazione è grave."),
    ("de", "Er hat ihr gestern nichts gesagt."),  # a pronoun is no source
    ("de", "Die Firma hat die Halle gebaut."),  # "gebaut" reports nothing
])
def test_more_sentences_without_a_source(language, text):
    assert attribute(text, language=language).sources == []


def test_an_agency_with_a_name_stays_an_outlet():
    assert _sources("Secondo l'agenzia Ansa, il ponte è chiuso.", "it") == {"Ansa": ("outlet", ["Ansa"])}


# ---------------------------------------------------------------- German: names, the perfect tense, "hieß es"


@pytest.mark.parametrize("text, expected", [
    # an office word after a first name is a surname: "Richter" is the spokeswoman's name, not a judge
    ("„Wir prüfen das“, sagte Pressesprecherin Lena Richter.",
     [("Wir prüfen das", "Pressesprecherin Lena Richter", "official")]),
    ("„Ja“, sagte Anna Richter.", [("Ja", "Anna Richter", "person")]),
    # a full name behind an article and a noun the lists do not know
    ("„Wir prüfen das“, sagt der Schreiner Tobias Wendt.", [("Wir prüfen das", "Tobias Wendt", "person")]),
    # a verb of naming: the quote is the named subject's words ...
    ("Die Grünen-Politikerin Sabine Roth nannte das Gesetz „einen Rückschritt“.",
     [("einen Rückschritt", "Sabine Roth", "person")]),
    ("Jan Vogt bezeichnete den Entwurf als „völlig verfehlt“.", [("völlig verfehlt", "Jan Vogt", "person")]),
    # ... and in German the subject may follow the verb
    ("Der Moderator Karl Lenz lud Gäste ein. Die Gäste wie Eva Hahn und Max Pohl nannte er „die besten Köpfe“.",
     [("die besten Köpfe", "Karl Lenz", "person")]),
    # the perfect tense: the subject may stand between the auxiliary and the participle
    ("„Wir bleiben“, hat der Verein mitgeteilt.", [("Wir bleiben", "der Verein", "person")]),
    ("„Das stimmt nicht“, hat der Spiegel berichtet.", [("Das stimmt nicht", "Spiegel", "outlet")]),
    # impersonal "hieß es": the source is the phrase after the preposition, and there is none without one
    ("„Wir prüfen das“, hieß es aus dem Landratsamt.", [("Wir prüfen das", "dem Landratsamt", "official")]),
    ("„Wir prüfen das“, hieß es.", [("Wir prüfen das", None, None)]),
])
def test_german_speakers(text, expected):
    assert _quotes(text, "de") == expected


@pytest.mark.parametrize("text, name, kind, mention", [
    ("Anna Keller hat am Montag gesagt, die Brücke sei sicher.", "Anna Keller", "person", "Anna Keller"),
    ("Aus Parteikreisen hieß es, der Vorstand trete zurück.", "Parteikreisen", "anonymous", "Parteikreisen"),
    ("Die Lage sei ernst, heißt es in einer Mitteilung der Polizei.", "einer Mitteilung der Polizei", "document",
     "einer Mitteilung der Polizei"),
    # a name before an appositive: the name speaks, and an office in the appositive makes it official
    ("Keller, die Landrätin, sagte, die Schule bleibe offen.", "Keller", "official", "Keller"),
    ("Jonas Weber, 47, sagte, er habe nichts gesehen.", "Jonas Weber", "person", "Jonas Weber"),
    ("In Berlin, der Hauptstadt, sagte Müller, alles sei gut.", "Müller", "person", "Müller"),
])
def test_german_sources(text, name, kind, mention):
    assert _sources(text, "de") == {name: (kind, [mention])}


def test_german_offsets_of_a_surname_that_is_an_office_word():
    text = "„Wir prüfen das“, sagte Pressesprecherin Lena Richter."
    result = attribution_dict(text, language="de")
    assert result["sources"] == [{"name": "Pressesprecherin Lena Richter", "kind": "official",
                                  "spans": [{"start": 24, "end": 53}]}]
    assert text[24:53] == "Pressesprecherin Lena Richter"


def test_a_role_phrase_without_a_name_is_not_resolved_to_a_person():
    # nothing resolves "die Grünen-Politikerin" to the person named before: no speaker rather than a wrong one
    text = "Bürgermeisterin Eva Lorenz besuchte die Schule. „Wir bauen neu“, sagte die Grünen-Politikerin."
    assert _quotes(text, "de") == [("Wir bauen neu", None, None)]


# ---------------------------------------------------------------- French and Italian: opinion cues, sentences


@pytest.mark.parametrize("language, text, expected", [
    # an opinion cue before a person and a comma attributes the sentence, its quote too
    ("fr", "Pour Claire Dubois, de l'association des riverains, la mairie « méprise les habitants ».",
     [("méprise les habitants", "Claire Dubois", "person")]),
    ("it", "Per il sindaco, la situazione è « grave ».", [("grave", "il sindaco", "official")]),
    # so does an "according to" cue that opens the quote's sentence ...
    ("fr", "Selon le maire, le projet est « irréaliste » et trop cher.", [("irréaliste", "le maire", "official")]),
    # ... but not an outlet, which reports someone else's words
    ("fr", "Selon le journal Le Monde, le ministre aurait parlé d'un « échec ».", [("échec", None, None)]),
    # a verb of naming
    ("fr", "Le député Marc Aubry a qualifié la réforme de « naufrage ».", [("naufrage", "Marc Aubry", "official")]),
    # "il" goes to the person opening the nearer sentence, not to the one cited before
    ("fr", "Selon Claire Dubois, le bruit est insupportable. Le directeur Marc Petit a visité le site. "
           "« Tout est conforme », a-t-il affirmé.", [("Tout est conforme", "Marc Petit", "person")]),
    # ... also behind a short opening clause
    ("fr", "Le ministre Paul Roy a parlé d'une « erreur ». Interrogé lundi, Wang Li, un porte-parole du ministère, "
           "a souligné que la réaction était légale. « C'est un avertissement », a-t-il ajouté.",
     [("erreur", None, None), ("C'est un avertissement", "Wang Li", "official")]),
])
def test_french_and_italian_speakers(language, text, expected):
    assert _quotes(text, language) == expected


@pytest.mark.parametrize("language, text, name, kind", [
    ("fr", "Pour Claire Dubois, le quartier est abandonné.", "Claire Dubois", "person"),
    # "lui" set off after the subject
    ("fr", "La directrice Claire Dubois, elle, affirme que le site est sûr.", "Claire Dubois", "person"),
    ("fr", "Interrogé lundi, Wang Li, un porte-parole du ministère, a souligné que tout était légal.", "Wang Li",
     "official"),
    ("fr", "Selon le directeur de l'usine, rien ne change.", "le directeur de l'usine", "anonymous"),
])
def test_french_sources(language, text, name, kind):
    assert _sources(text, language) == {name: (kind, [name])}
