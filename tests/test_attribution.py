"""Attribution: who is cited (named / anonymous, kind, exact offsets) and direct quotes with their speakers."""

from __future__ import annotations

import pytest

from spinscope.attribution import KINDS, attribute, attribution_dict, find_quote_spans


def _sources(text: str) -> dict[str, tuple[str, list[str]]]:
    """name -> (kind, [mention texts read back through the offsets])."""
    found = {}
    for source in attribute(text).sources:
        found[source.name] = (source.kind, [text[m.start:m.end] for m in source.mentions])
    return found


@pytest.mark.parametrize("text, name, kind, mention", [
    ("The plan was approved on Monday, according to The Washington Post.", "Washington Post", "outlet",
     "Washington Post"),
    ("A report by Reuters found that the plan dated back to 2016.", "Reuters", "outlet", "Reuters"),
    ("Three former officials said the memo was limited to a few people.", "Three former officials", "anonymous",
     "Three former officials"),
    ("People familiar with the matter said the deal was close.", "People familiar with the matter", "anonymous",
     "People familiar with the matter"),
    ("Senator Jane Hollis told reporters that the vote would be delayed.", "Senator Jane Hollis", "official",
     "Senator Jane Hollis"),
    ("Two confidential documents showed the operation was planned.", "Two confidential documents", "document",
     "Two confidential documents"),
    ("The harbour will close early, the Valmora Gazette reported on Sunday.", "Valmora Gazette", "outlet",
     "Valmora Gazette"),
    ("Karl Olsen, a farmer from Brenn, said the water rose within an hour.", "Karl Olsen", "person", "Karl Olsen"),
    ("The vote was delayed, writes the Valmora Herald.", "Valmora Herald", "outlet", "Valmora Herald"),
])
def test_source_name_kind_and_offsets(text, name, kind, mention):
    found = _sources(text)
    assert name in found, found
    assert found[name] == (kind, [mention])


def test_office_title_elsewhere_makes_a_surname_official():
    text = "President Oskar Lind visited Brenn. Lind said the damage was severe."
    found = _sources(text)
    assert list(found) == ["President Oskar Lind"]
    kind, mentions = found["President Oskar Lind"]
    assert kind == "official" and mentions == ["Lind"]


def test_acronym_merges_with_the_name_it_abbreviates():
    text = ("According to The Washington Post, the meeting was secret. Days later the same WP reported that the "
            "memo was hidden.")
    found = _sources(text)
    assert found["Washington Post"] == ("outlet", ["Washington Post", "WP"])


def test_plain_mentions_are_not_sources():
    text = "The mayor of Brenn opened a bridge over the Ostra. Residents of Mill Street watched."
    assert attribute(text).sources == []


def test_quotes_with_speakers_in_several_styles():
    text = ('“We will not back down,” the POTUS tweeted on Tuesday.\n'
            'Mayor Tom Berg said: "The budget is balanced."\n'
            "«C'est fini», a déclaré le ministre.\n"
            "“It was a mistake,” said Karl Olsen, a local farmer.\n"
            "Critics called it ‘a disgrace’ and left.\n")
    quotes = attribute(text).quotes
    read = [(text[q.start:q.end], q.speaker, q.speaker_kind) for q in quotes]
    assert ("We will not back down,", "POTUS", "official") in read
    assert ("The budget is balanced.", "Mayor Tom Berg", "official") in read
    assert ("It was a mistake,", "Karl Olsen", "person") in read
    assert ("a disgrace", None, None) in read
    assert any(q == "C'est fini" for q, _, _ in read)


def test_pronoun_speaker_resolves_to_the_last_named_source():
    text = "Former official Clint Watts testified on Thursday. “The measures worked,” he said."
    quotes = attribute(text).quotes
    assert [(text[q.start:q.end], q.speaker) for q in quotes] == [("The measures worked,", "Clint Watts")]


@pytest.mark.parametrize("text, expected", [
    # the gender a first pronoun fixed ("she" -> Berglund) keeps "he" off her
    ('Mayor Tom Hale opened the bridge on Monday. Fire chief Anna Berglund praised the crews. '
     '"We worked for three nights," she said. "It was worth it," he said later.',
     [("We worked for three nights,", "Anna Berglund"), ("It was worth it,", "Mayor Tom Hale")]),
    # courtesy titles say it outright, even for a one-word name
    ('"Nobody saw it coming," said Anna Berglund. Mr. Hale disagreed. "We warned them," he said. '
     'Ms. Berglund shook her head. "Not true," she said.',
     [("Nobody saw it coming,", "Anna Berglund"), ("We warned them,", "Mr. Hale"), ("Not true,", "Anna Berglund")]),
    # a gendered role word before the name; no one fits "he"
    ('"It is over," said spokeswoman Lena Holm. "We will rebuild," he said.',
     [("It is over,", "Lena Holm"), ("We will rebuild,", None)]),
    # "the son of" describes the son, not Anna
    ('The son of Anna Berglund, Erik Berglund, spoke first. "We are tired," he said.',
     [("We are tired,", "Erik Berglund")]),
])
def test_pronoun_speakers_follow_gender(text, expected):
    assert [(text[q.start:q.end], q.speaker) for q in attribute(text).quotes] == expected


@pytest.mark.parametrize("text, speaker", [
    ('"The fire is under control," fire chief Anna Berglund said on Tuesday.', "Anna Berglund"),
    ('"The fire is under control," the regional fire chief Anna Berglund told reporters.', "Anna Berglund"),
    # "since" opens a clause: the United States is not the speaker (and "States" is no reporting verb)
    ('He is not worried about "Russian intervention," since the United States is doing the same.', None),
])
def test_speaker_after_the_quote_behind_a_role(text, speaker):
    assert [q.speaker for q in attribute(text).quotes] == [speaker]


def test_sentence_initial_one_word_sources():
    text = ("Reuters reported that the talks had failed. Police said the road was closed. The river rose. "
            "Though authorities said it was safe, no one came.")
    assert _sources(text) == {"Reuters": ("outlet", ["Reuters"]), "Police": ("official", ["Police"]),
                              "authorities": ("official", ["authorities"])}


def test_quote_after_a_colon_line_is_attributed_to_its_source():
    text = "More from Reuters:\n“Putin had the objective in mind all along.”\n"
    quotes = attribute(text).quotes
    assert quotes[0].speaker == "Reuters"


def test_dash_speech_with_attribution():
    text = "• This could really be said by the mayor, – said political analyst Ivan Lizan.\n"
    quotes = attribute(text).quotes
    assert [(text[q.start:q.end], q.speaker) for q in quotes] == [
        ("This could really be said by the mayor", "Ivan Lizan")]


def test_apostrophes_are_not_quotes():
    text = "Trump’s aides didn’t comment, and the officials’ view wasn’t clear."
    assert find_quote_spans(text) == []


def test_nested_quotes_are_both_reported():
    text = "He wrote: “They said ‘never again’ in March.”"
    spans = [text[s:e] for s, e, _, _ in find_quote_spans(text)]
    assert spans == ["They said ‘never again’ in March.", "never again"]


def test_json_form_has_exact_offsets_and_known_kinds():
    text = ("According to three former officials, the memo was hidden. “No comment,” a White House spokesman "
            "said.")
    result = attribution_dict(text)
    assert result["sources"]
    for source in result["sources"]:
        assert source["kind"] in KINDS
        for span in source["spans"]:
            assert 0 <= span["start"] < span["end"] <= len(text)
    for quote in result["quotes"]:
        assert text[quote["start"]:quote["end"]] == quote["text"]
    kinds = {s["name"]: s["kind"] for s in result["sources"]}
    assert kinds.get("three former officials") == "anonymous"


def test_empty_and_odd_text():
    assert attribution_dict("") == {"sources": [], "quotes": []}
    attribution_dict("“unclosed quote at the start of a line\n\"\n''\n“”")  # must not raise


@pytest.mark.parametrize("text, source, kind", [
    ("Fifteen workers died in the fire on Tuesday, officials said.", "officials", "anonymous"),
    ("The plan was blocked, diplomats said.", "diplomats", "anonymous"),
    ("Police said the fire started at night.", "Police", "official"),
])
def test_a_bare_plural_role_is_an_unnamed_source(text, source, kind):
    assert [(s.name, s.kind) for s in attribute(text).sources] == [(source, kind)]


@pytest.mark.parametrize("text", ["People said the plan failed.", "Residents said it was loud."])
def test_a_bare_people_said_is_still_too_vague_to_count(text):
    assert attribute(text).sources == []


def _speakers(text: str) -> list[tuple[str, str | None]]:
    return [(text[q.start:q.end], q.speaker) for q in attribute(text).quotes]


@pytest.mark.parametrize("text, speaker, kind", [
    # a person only named (not cited) but nearer than the cited one, and "Mum" says she is a woman
    ('Jim Becker said he ran. Mum-of-three Sarah Fenwick, 34, was in tears. "My kids are terrified," she said.',
     "Sarah Fenwick", "person"),
    # "Jim Becker said he ..." makes him a man: "she" is no one here
    ('Jim Becker said he ran. "My kids are terrified," she said.', None, None),
    # a singular unnamed source cited after the named one is the nearer antecedent
    ('Fire Chief Dana Okafor said the fire was out. Toxic chemicals were detected, one emergency worker claimed. '
     '"You could taste it," he said.', "one emergency worker", "anonymous"),
    # not a name after a preposition or a verb of its sentence, nor one inside the quote, nor a company
    ('Jim Becker said he ran to help Anna Berg. "It was awful," he said.', "Jim Becker", "person"),
    ('Anna Berg said the road was shut. "I met Tom Hale yesterday," she said.', "Anna Berg", "person"),
    ('Mayor Tom Hale said the plant was safe. Velkor Industries disagreed. "It was bad," he said.',
     "Mayor Tom Hale", "official"),
])
def test_pronoun_goes_to_the_nearest_person_who_fits(text, speaker, kind):
    quote = attribute(text).quotes[-1]
    assert (quote.speaker, quote.speaker_kind) == (speaker, kind)


@pytest.mark.parametrize("text, name", [
    ('"We found it in compliance," said Ms. Angela Brooks, a spokeswoman for the agency.', "Ms. Angela Brooks"),
    ('"We found it in compliance," said Dr. Angela Brooks.', "Dr. Angela Brooks"),
    ('"We found it in compliance," Dr. Brooks said.', "Dr. Brooks"),
    ('"We found it in compliance," said Mr. Brooks.', "Mr. Brooks"),
    ('"We found it in compliance," Ms. Angela Brooks said.', "Ms. Angela Brooks"),
    ('Lt. Gen. Mark Hale said: "The troops will stay."', "Lt. Gen. Mark Hale"),
])
def test_courtesy_titles_with_a_dot_name_the_source_and_speaker(text, name):
    result = attribute(text)
    assert [s.name for s in result.sources] == [name]
    assert [q.speaker for q in result.quotes] == [name]


def test_a_role_before_a_title_names_one_official_across_outlets():
    first = "The fire was out by noon, Fire Chief Dana Okafor said."
    second = "Fire Chief Dana Okafor said the fire was out by noon."
    assert _sources(first) == {"Fire Chief Dana Okafor": ("official", ["Fire Chief Dana Okafor"])}
    assert _sources(second) == _sources(first)
    assert [s.key for s in attribute(first).sources] == [s.key for s in attribute(second).sources] == ["dana_okafor"]


@pytest.mark.parametrize("text, source, kind", [
    ("Ohio Environmental Protection Agency said the plant was fined.", "Ohio Environmental Protection Agency",
     "official"),
    ("The Brenn Press Agency reported that the plant was fined.", "Brenn Press Agency", "outlet"),
    ("Police Chief Ann Lee said the road was closed.", "Police Chief Ann Lee", "official"),
    ("Councillor Ruth Adeyemi said she would ask for a review.", "Councillor Ruth Adeyemi", "official"),
    # "General" in a hospital's name is no office, nor does it make the next sentence's doctor official
    ("Three workers were hurt, according to Harwick General Hospital. Dr. Priya Natarajan said they were stable.",
     "Dr. Priya Natarajan", "person"),
    ("Three workers were hurt, according to Harwick General Hospital.", "Harwick General Hospital", "person"),
    ("The road was closed, one emergency worker said.", "one emergency worker", "anonymous"),
    ("The fire spread fast, a firefighter said.", "a firefighter", "anonymous"),
    ("The plant was fined twice, state records show.", "state records", "document"),
])
def test_source_kinds_and_unnamed_people(text, source, kind):
    assert (source, kind) in [(s.name, s.kind) for s in attribute(text).sources]


@pytest.mark.parametrize("text, expected", [
    # the relative clause describes the speaker: the data and Tom Hale say nothing
    ("Independent researchers who saw the data said the plant was unsafe.",
     [("Independent researchers", "anonymous")]),
    ("Officials who spoke on condition of anonymity said the plan failed.", [("Officials", "anonymous")]),
    ("People who know Tom Hale said he was kind.", []),
    # here the name after "that" is the clause's own subject, and it is the one who said it
    ("The plan that officials said would work failed.", [("officials", "anonymous")]),
])
def test_a_relative_clause_before_the_verb_attributes_to_its_antecedent(text, expected):
    assert [(s.name, s.kind) for s in attribute(text).sources] == expected


@pytest.mark.parametrize("text, expected", [
    ('Maria Lopez lives nearby. "We heard a bang," she said. "They only care about their money."',
     [("We heard a bang,", "Maria Lopez"), ("They only care about their money.", "Maria Lopez")]),
    ('"It was loud," said Jim Becker, 58. "The windows shook."',
     [("It was loud,", "Jim Becker"), ("The windows shook.", "Jim Becker")]),
    # not across another sentence, nor after a quote whose speaker was named before it
    ('"We are ready," Karl Smith said. Ann Jones disagreed. "We are not."',
     [("We are ready,", "Karl Smith"), ("We are not.", None)]),
    ('Karl Smith said: "We are ready." Ann Jones said that was wrong. "We are not."',
     [("We are ready.", "Karl Smith"), ("We are not.", None)]),
    # a quote with an attribution of its own keeps it, even when it names no one
    ('"It is over," said Ms. Lena Holm. "We will rebuild," he said.', [("It is over,", "Ms. Lena Holm"),
                                                                      ("We will rebuild,", None)]),
])
def test_a_follow_on_quote_takes_the_speaker_named_next_to_the_previous_one(text, expected):
    assert _speakers(text) == expected


@pytest.mark.parametrize("text, speaker", [
    ('Dana Okafor, the fire chief, said: "The fire is out."', "Dana Okafor"),
    ('Joan Pike, 79, whose husband is ill, said: "I pray it works."', "Joan Pike"),
])
def test_speaker_before_an_appositive(text, speaker):
    assert [q.speaker for q in attribute(text).quotes] == [speaker]


@pytest.mark.parametrize("text", [
    "Selon Priya Natarajan, les trois sont stables.",
    "Secondo Priya Natarajan, i tre sono stabili.",
    "Laut Priya Natarajan sind alle drei stabil.",
    "Die drei sind stabil, laut Priya Natarajan.",
])
def test_sentence_initial_foreign_according_to_cues(text):
    assert _sources(text) == {"Priya Natarajan": ("person", ["Priya Natarajan"])}


@pytest.mark.parametrize("text, sources, speaker", [
    # the person behind the firm's name and role speaks, not the firm
    ('"Our safety systems worked as designed," Drexon chief executive Paul Whitford said.',
     {"Paul Whitford": "person"}, "Paul Whitford"),
    # an office in lower case before the name makes an official
    ("The blaze was out by noon, fire chief Tomas Reyes said.", {"Tomas Reyes": "official"}, None),
    # institutions named by what they are
    ("The county fire service said two crews stayed. The state environmental agency said the air was safe.",
     {"The county fire service": "official", "The state environmental agency": "official"}, None),
    # a leading conjunction is no part of the source
    ('"It is over," and officials said so.', {"officials": "anonymous"}, None),
])
def test_firm_roles_lower_case_offices_institutions_and_conjunctions(text, sources, speaker):
    found = attribute(text)
    assert {s.name: s.kind for s in found.sources} == sources
    if speaker:
        assert [q.speaker for q in found.quotes] == [speaker]


_ENGLISH_TEXTS = [
    "The plan was approved on Monday, according to The Washington Post.",
    "Senator Jane Hollis told reporters that the vote would be delayed.",
    "President Oskar Lind visited Brenn. Lind said the damage was severe.",
    ('“We will not back down,” the POTUS tweeted on Tuesday.\nMayor Tom Berg said: "The budget is balanced."\n'
     "«C'est fini», a déclaré le ministre.\n“It was a mistake,” said Karl Olsen, a local farmer.\n"),
    'Mayor Tom Hale opened the bridge on Monday. Fire chief Anna Berglund praised the crews. '
    '"We worked for three nights," she said. "It was worth it," he said later.',
    "• This could really be said by the mayor, – said political analyst Ivan Lizan.\n",
    "Independent researchers who saw the data said the plant was unsafe.",
    "Selon Priya Natarajan, les trois sont stables.",
    "Die drei sind stabil, laut Priya Natarajan.",
    '"Our safety systems worked as designed," Drexon chief executive Paul Whitford said.',
]


@pytest.mark.parametrize("text", _ENGLISH_TEXTS)
@pytest.mark.parametrize("language", ["en", "en-US", "EN", "", None, "es", "xx"])
def test_english_no_and_unknown_languages_give_the_english_results(text, language):
    # the other languages' rules apply only to de, fr, it, pl and ru: every other code keeps English attribution
    assert attribute(text, language=language).to_dict(text) == attribute(text).to_dict(text)
    assert attribution_dict(text, language=language) == attribution_dict(text)


# ---------------------------------------------------------------- spaced guillemets, foreign sentences, online users


def test_spaced_guillemets_close_in_english_texts():
    text = "« We are ready », said Mayor Tom Hale. He left."
    spans = find_quote_spans(text)
    # the content leaves out the spaces inside the marks, and the marks are the guillemets themselves
    assert spans == [(2, 14, 0, 15)]
    assert (text[2:14], text[0], text[15]) == ("We are ready", "«", "»")
    quote, = attribute(text).quotes
    assert (quote.start, quote.end, quote.speaker, quote.speaker_kind) == (2, 14, "Mayor Tom Hale", "official")


def test_a_spaced_quote_after_a_sentence_ends_at_its_closing_mark():
    text = "The mayor spoke in French. « Nous sommes prêts », a-t-il ajouté, puis il est parti."
    quote, = attribute(text).quotes
    assert text[quote.start:quote.end] == "Nous sommes prêts"


def test_a_sentence_in_another_language_is_attributed_by_that_languages_words():
    text = ("The firm answered in French.\n"
            "« Nos ateliers resteront ouverts », a déclaré sa directrice, Anne Roux.")
    result = attribute(text)
    assert [(text[q.start:q.end], q.speaker) for q in result.quotes] == [("Nos ateliers resteront ouverts",
                                                                        "Anne Roux")]
    assert [(s.name, [text[m.start:m.end] for m in s.mentions]) for s in result.sources] == [("Anne Roux",
                                                                                           ["Anne Roux"])]


@pytest.mark.parametrize("text, speaker, sources", [
    # "note" is also a French reporting verb, but the sentence is English (and "note" is no English cue)
    ('"It is over," note the critics.', None, []),
    # "a" is also the French "has", but here an article
    ('"We will rebuild," a spokesman said.', "a spokesman", [("a spokesman", "anonymous")]),
])
def test_english_sentences_keep_the_english_rules(text, speaker, sources):
    result = attribute(text)
    assert [q.speaker for q in result.quotes] == [speaker]
    assert [(s.name, s.kind) for s in result.sources] == sources


def test_breadcrumb_guillemets_are_no_quotes():
    assert attribute("Home » News » World\n\nThe bridge closed.").quotes == []


@pytest.mark.parametrize("text, speaker", [
    ('"The bridge should have been fixed years ago," wrote one user.', "one user"),
    ("«Мост давно пора было чинить», wrote one user on the forum.", "one user"),
])
def test_a_user_posting_online_is_an_unnamed_source(text, speaker):
    result = attribute(text)
    assert [(q.speaker, q.speaker_kind) for q in result.quotes] == [(speaker, "anonymous")]
    assert [(s.name, s.kind) for s in result.sources] == [(speaker, "anonymous")]


def test_users_said_is_an_unnamed_source_but_a_bare_word_user_is_not():
    assert [(s.name, s.kind) for s in attribute("Two users said the app had crashed.").sources] == [
        ("Two users", "anonymous")]
    assert attribute("The user manual said nothing about it.").sources == []
