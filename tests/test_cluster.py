"""Story clustering on three small hand-written stories (two or three outlets each), on invented story pairs in
English, German and French (same story; different stories on the same topic), plus its building blocks."""

from __future__ import annotations

import pytest

from spinscope.cluster import (DEFAULT_STORY_THRESHOLD, StoryInput, candidate_pairs, cluster_stories, cluster_vectors,
                               date_mentions, named_entities, parse_published, similarity_matrix, stem, story_vectors)
from spinscope.errors import InputError
from story_texts import FLOOD_1, FLOOD_2, MINISTER_1, MINISTER_2, PORT_1, PORT_2, PORT_3, unwrap



ARTICLES = [PORT_1, FLOOD_1, MINISTER_1, PORT_2, FLOOD_2, PORT_3, MINISTER_2]
EXPECTED = [{0, 3, 5}, {1, 4}, {2, 6}]


def _groups(stories) -> list[set[int]]:
    return sorted((set(s.members) for s in stories), key=min)


def test_three_written_stories_cluster_right():
    stories = cluster_stories([StoryInput(t) for t in ARTICLES])
    assert _groups(stories) == sorted(EXPECTED, key=min)
    for story in stories:
        assert story.cohesion is not None and 0.0 < story.cohesion <= 1.0


def test_same_story_pairs_are_more_similar_than_cross_story_pairs():
    matrix = similarity_matrix([StoryInput(t) for t in ARTICLES])
    story_of = {i: k for k, group in enumerate(EXPECTED) for i in group}
    within = [matrix[i, j] for i in range(7) for j in range(i + 1, 7) if story_of[i] == story_of[j]]
    across = [matrix[i, j] for i in range(7) for j in range(i + 1, 7) if story_of[i] != story_of[j]]
    assert min(within) > max(across)


def test_every_article_in_exactly_one_story_and_singletons_have_no_cohesion():
    texts = ARTICLES + ["A recipe blog post: whisk two eggs with sugar, fold in flour and bake for 25 minutes."]
    stories = cluster_stories([StoryInput(t) for t in texts])
    members = sorted(i for s in stories for i in s.members)
    assert members == list(range(len(texts)))
    lonely = [s for s in stories if s.members == [len(texts) - 1]]
    assert len(lonely) == 1 and lonely[0].cohesion is None


def test_threshold_controls_granularity():
    inputs = [StoryInput(t) for t in ARTICLES]
    assert len(cluster_stories(inputs, threshold=0.99)) == len(ARTICLES)
    assert len(cluster_stories(inputs, threshold=0.01)) < 3
    with pytest.raises(InputError):
        cluster_stories(inputs, threshold=0)


def test_publication_dates_far_apart_split_a_story():
    close = [StoryInput(FLOOD_1, "2024-05-04"), StoryInput(FLOOD_2, "2024-05-05T08:00:00Z")]
    assert len(cluster_stories(close)) == 1
    apart = [StoryInput(FLOOD_1, "2024-05-04"), StoryInput(FLOOD_2, "2024-09-30")]
    assert len(cluster_stories(apart)) == 2
    assert len(cluster_stories(apart, window_days=0)) == 1  # 0 switches the date window off


PORT_OTHER = unwrap("""Valmora port plans cruise terminal

The Valmora Port Authority unveiled plans on Wednesday for a cruise terminal on the old north quay, to be financed
by a 40 million euro loan from the Castellan Development Bank. Construction would start next spring. Teresa Okafor
of the Harbour Workers Union welcomed the 200 permanent jobs the terminal is expected to create.
""")


def test_same_actors_in_a_later_event_are_split_by_publication_dates():
    # Same port, union and leader, but a different event six weeks later. Text alone links it to the strike
    # story (it shares all its rare names); the publication-date window keeps it apart.
    dated = [StoryInput(PORT_1, "2024-03-04"), StoryInput(PORT_2, "2024-03-04"), StoryInput(PORT_3, "2024-03-05"),
             StoryInput(PORT_OTHER, "2024-04-17")]
    assert _groups(cluster_stories(dated)) == [{0, 1, 2}, {3}]
    matrix = similarity_matrix(dated)
    assert matrix[3, :3].max() < min(matrix[0, 1], matrix[0, 2], matrix[1, 2])


def test_cited_sources_add_to_similarity():
    plain = similarity_matrix([StoryInput(PORT_1), StoryInput(FLOOD_1)])[0, 1]
    shared = similarity_matrix([StoryInput(PORT_1, sources=["reuters"]), StoryInput(FLOOD_1, sources=["reuters"])])
    assert shared[0, 1] > plain


def test_blocking_finds_the_same_stories_as_exact_scoring():
    vectors = story_vectors([StoryInput(t) for t in ARTICLES])
    exact = cluster_vectors(vectors, exact_limit=10_000)
    blocked = cluster_vectors(vectors, exact_limit=0)  # forces inverted-index candidate pairs
    assert _groups(blocked) == _groups(exact)
    left, right = candidate_pairs(vectors)
    assert all(i < j for i, j in zip(left, right))


def test_named_entities_skip_sentence_starts_headlines_and_shouting():
    text = ("Officials met on Monday. The Harbour Workers Union said Teresa Okafor would speak. "
            "This is REALLY bad, really. NATO and the U.S. agreed.")
    keys = {e.key for e in named_entities(text)}
    assert {"harbour_workers_union", "teresa_okafor", "nato", "us"} <= keys
    assert not keys & {"officials", "this", "really"}
    for entity in named_entities(text):
        assert text[entity.start:entity.end] == entity.text


def test_a_lone_sentence_opener_is_a_name_when_a_verb_follows():
    text = ("Hungary blocked the deal. Reuters reported it first. Lind flew home. Police said little. "
            "Critics argued. Despite claims by the union, nothing changed. Newest reports from Brenn disagree. "
            "Yesterday marked a year. Smoothly handled, it ended.")
    assert [e.text for e in named_entities(text)] == ["Hungary", "Reuters", "Lind", "Brenn"]


def test_named_entities_drop_titles_from_keys_and_split_and():
    entities = named_entities("He met President Oskar Lind and Pavel Rusu in the Ministry of Justice.")
    assert [e.key for e in entities] == ["oskar_lind", "pavel_rusu", "ministry_justice"]
    assert entities[0].text == "President Oskar Lind"


def test_date_mentions():
    text = "It began on May 10, 2017, ended in March 2018, resumed on 4 June 2019 and on Nov. 8; see 2016."
    keys = [k for _, _, k in date_mentions(text)]
    assert keys == ["d2017-05-10", "m2018-03", "d2019-06-04", "md11-08", "y2016"]
    assert parse_published("2019-09-27T10:00:00Z").isoformat() == "2019-09-27"
    assert parse_published("not a date") is None


def test_stem_conflates_inflections():
    assert stem("officials") == stem("official")
    assert stem("interfered") == stem("interfere") == stem("interference")
    assert stem("Russia's") == stem("russia")


@pytest.mark.parametrize("text, expected", [
    # an abbreviated title starts the name, out of its key
    ("It was fine, said Ms. Angela Brooks.", [("Ms. Angela Brooks", "angela_brooks")]),
    ("Dr. Brooks said it was fine.", [("Dr. Brooks", "brooks")]),
    ("Lt. Gen. Mark Hale left.", [("Lt. Gen. Mark Hale", "mark_hale")]),
    # a street abbreviation does not run into the next sentence
    ("The shop is on Mill St. Police said it was closed.", [("Mill St", "mill_st")]),
    # "according to" in another language is no part of a name
    ("Selon Priya Natarajan, les trois sont stables.", [("Priya Natarajan", "priya_natarajan")]),
    ("Laut Priya Natarajan sind alle drei stabil.", [("Priya Natarajan", "priya_natarajan")]),
])
def test_named_entities_titles_with_dots_and_foreign_cues(text, expected):
    assert [(e.text, e.key) for e in named_entities(text)] == expected


def test_a_role_before_a_title_is_part_of_the_title():
    mid = named_entities("The fire was out, Fire Chief Dana Okafor said.")
    start = named_entities("Fire Chief Dana Okafor said the fire was out.")
    assert [(e.text, e.key) for e in mid] == [(e.text, e.key) for e in start] == [
        ("Fire Chief Dana Okafor", "dana_okafor")]


@pytest.mark.parametrize("text, expected", [
    # descriptors before a full name are not part of it
    ("Mum-of-three Sarah Fenwick was in tears.", ["Sarah Fenwick"]),
    ("Manager Ellen Price said the store would close.", ["Ellen Price"]),
    ("Grandmother Joan Pike, 79, said it was hard.", ["Joan Pike"]),
    # real names and organisations stay whole
    ("Jean-Pierre Dupont said the vote was fair.", ["Jean-Pierre Dupont"]),
    ("Teacher Training College opened on Monday, and Anna Berg spoke.", ["Teacher Training College", "Anna Berg"]),
    ("Tom Hale met Manager Ellen Price and Manager Ellen Price agreed.", ["Tom Hale", "Manager Ellen Price",
                                                                       "Manager Ellen Price"]),
])
def test_named_entities_leave_descriptors_out_of_names(text, expected):
    assert [e.text for e in named_entities(text)] == expected


# ---------------------------------------------------------------- invented story pairs (en, de, fr)
# Written for these tests (no real events). "Same" pairs report one event in two outlets' wording; "different"
# pairs are different events on the same topic, sharing its vocabulary and sometimes a national official.

# A reviewer's report: two German articles on one story (place, bridge, official, "48 Millionen Euro", weekday)
# were not grouped when compared alone, but were once unrelated articles were added.
LINDENAU_A = unwrap("""Stadtrat von Lindenau schließt die Elsterbrücke für zwei Jahre

Der Stadtrat von Lindenau hat am Dienstag beschlossen, die marode Elsterbrücke ab dem 1. März für voraussichtlich
zwei Jahre zu sperren. Die Sanierung soll 48 Millionen Euro kosten.

„Wir haben keine andere Wahl, die Sicherheit der Bürger geht vor“, sagte Oberbürgermeisterin Katrin Vollmer nach
der Sitzung. Der Beschluss fiel mit 31 zu 12 Stimmen.

Nach Angaben des städtischen Tiefbauamts überqueren täglich rund 22.000 Fahrzeuge die Brücke. Ein Gutachten des
Ingenieurbüros Hartmann & Sohn hatte im Herbst Risse in zwei Pfeilern festgestellt.

Der Einzelhandelsverband Mitteldeutschland warnte vor Umsatzeinbußen in der Innenstadt. „Viele Geschäfte werden
diese Durststrecke nicht überleben“, erklärte Verbandssprecher Jonas Richter.

Die Stadt will Pendlern einen kostenlosen Busshuttle anbieten, teilte ein Sprecher der Verkehrsbetriebe mit.
""")
LINDENAU_B = unwrap("""Chaos droht: Lindenau macht die Elsterbrücke dicht

Ab März ist Schluss: Die Elsterbrücke in Lindenau wird für zwei Jahre gesperrt. Das hat der Stadtrat am Dienstag mit
großer Mehrheit entschieden.

Oberbürgermeisterin Katrin Vollmer verteidigte die Entscheidung. „Wer jetzt noch zögert, spielt mit Menschenleben“,
sagte die SPD-Politikerin.

Kritik kommt von der Opposition. Der CDU-Fraktionschef Markus Brandt nannte den Plan „ein Desaster mit Ansage“. Die
Stadt habe die Brücke jahrelang verfallen lassen, so Brandt.

Laut einem Gutachten sind zwei Pfeiler beschädigt. Die Kosten der Sanierung beziffert die Stadt auf 48 Millionen
Euro, Kritiker rechnen mit deutlich mehr.

Anwohner sind wütend. „Das ist eine Katastrophe für uns alle“, meint die Bäckerin Petra Lange, deren Laden direkt an
der Brücke liegt.
""")
EN_FIRE_A = unwrap("""Fire at Velton Chemicals plant in Marwick injures 14 workers

A fire broke out at the Velton Chemicals plant on the eastern edge of Marwick on Tuesday afternoon, injuring 14
workers, two of them seriously. Fire Chief Harriet Cole said the blaze started in a solvent storage hall and was
under control by 8 pm.

Police closed Route 9 between Marwick and Ashdown for six hours and asked residents within two miles to keep their
windows shut. The Marwick Environmental Office said air samples taken near the plant showed no dangerous levels of
toxic gases.

Velton Chemicals said in a statement that it would cooperate fully with investigators.
""")
EN_FIRE_B = unwrap("""Marwick blaze: residents told to stay indoors

Thick black smoke rose over Marwick on Tuesday after a storage hall at the Velton Chemicals site caught fire.
Fourteen employees were taken to hospital, according to Harriet Cole, the town's fire chief, who praised crews for
stopping the flames from reaching tanks of solvent.

Route 9 to Ashdown was shut until late evening. Some residents said they had received no warning. "We smelled it
before we saw anything," said Tom Reyes, who lives on Ashdown Road.

The company has promised an internal review.
""")
EN_STRIKE_A = unwrap("""Dunford teachers strike over class sizes

Teachers at all 23 public schools in Dunford walked out on Monday in a dispute over class sizes, the Dunford
Teachers Association said. Union president Maria Quint said some classes had grown to 38 pupils and that the strike
would go on until the district hired more staff.

Parents scrambled to find childcare as schools closed. Education Secretary Paul Okoro urged both sides to return to
talks, saying pupils should not pay the price for a breakdown in negotiations.
""")
EN_STRIKE_B = unwrap("""Lysander County teachers vote to strike over pay

Teachers in Lysander County will strike from next Thursday after 91 percent of members of the Lysander Education
Union voted for action over a pay offer of 2 percent. Union leader Derek Amadi called the offer an insult to staff
who had gone without a real raise for four years.

The county school board said it could not afford more without cutting programmes. Education Secretary Paul Okoro
said he was concerned about the disruption to pupils and parents and called for a fair settlement.
""")
DE_FIRE_A = unwrap("""Großbrand in Neuweiler Papierfabrik

In der Papierfabrik Kessler in Neuweiler ist in der Nacht zum Samstag ein Großbrand ausgebrochen. Rund 120
Feuerwehrleute aus dem ganzen Landkreis waren im Einsatz, teilte Kreisbrandmeister Stefan Albers mit. Verletzt wurde
niemand.

Das Feuer war gegen 2 Uhr in einer Lagerhalle mit Altpapier entstanden. Den Schaden schätzt die Polizei auf rund 3,5
Millionen Euro. Anwohner wurden über die Warn-App aufgefordert, Fenster und Türen geschlossen zu halten.

Die Brandursache ist noch unklar, die Kriminalpolizei ermittelt.
""")
DE_FIRE_B = unwrap("""Feuer bei Kessler: Millionenschaden in Neuweiler

Eine riesige Rauchwolke stand am Samstagmorgen über Neuweiler. In einer Halle der Papierfabrik Kessler hatten mehrere
hundert Tonnen Altpapier Feuer gefangen. „Wir konnten ein Übergreifen auf die Produktion verhindern“, sagte
Kreisbrandmeister Stefan Albers.

Die Polizei beziffert den Schaden auf 3,5 Millionen Euro. Geschäftsführerin Claudia Kessler kündigte an, die rund
200 Beschäftigten würden weiter bezahlt. Wie das Feuer entstand, ist offen.
""")
# two other bridges in other towns: the topic words of the Lindenau story (Brücke, Sanierung, Gutachten, Pfeiler,
# Millionen Euro, Stadtrat), none of its names
DE_BRIDGE_SOLLINGEN = unwrap("""Talbrücke bei Sollingen wird abgerissen

Die marode Talbrücke über die Sollbach bei Sollingen wird nicht mehr saniert, sondern abgerissen und neu gebaut. Das
hat der Kreistag am Mittwoch beschlossen. Der Neubau soll 30 Millionen Euro kosten und drei Jahre dauern.

Ein Gutachten hatte gravierende Schäden an den Pfeilern festgestellt. „Eine Sanierung wäre teurer geworden als ein
Neubau“, sagte Landrätin Ute Berger. Pendler müssen mit langen Umleitungen rechnen; täglich fahren rund 15.000 Autos
über die Brücke.
""")
DE_BRIDGE_GERNSHEIM = unwrap("""Brücke in Gernsheim: Sperrung für Lastwagen

Die Rheinbrücke in Gernsheim darf ab sofort nicht mehr von Lastwagen über 7,5 Tonnen befahren werden. Das teilte
Bürgermeister Thomas Weil am Montag mit. Bei einer Prüfung waren Risse an zwei Pfeilern entdeckt worden.

Die Sanierung werde mindestens 12 Millionen Euro kosten, sagte Weil. Der Stadtrat soll im Herbst entscheiden.
Spediteure befürchten lange Umwege, Anwohner hoffen dagegen auf weniger Lärm.
""")
FR_STRIKE_A = unwrap("""Grève des contrôleurs aériens : 340 vols annulés à Montclair-Sud

Une grève des contrôleurs aériens a entraîné jeudi l'annulation de 340 vols à l'aéroport de Montclair-Sud, selon la
direction de l'aéroport. L'Union des contrôleurs aériens (UCA) réclame le recrutement de 60 agents supplémentaires
et dénonce des horaires « intenables ».

« Nous ne pouvons plus garantir la sécurité dans ces conditions », a déclaré Camille Renaud, porte-parole du
syndicat. La ministre des Transports, Hélène Marchal, a appelé au dialogue.
""")
FR_STRIKE_B = unwrap("""Montclair-Sud paralysé par la grève du contrôle aérien

Des milliers de passagers bloqués jeudi à Montclair-Sud : plus de 300 vols ont été supprimés à cause du mouvement
des aiguilleurs du ciel. Le syndicat UCA exige 60 embauches et de meilleurs horaires.

Pour Camille Renaud, qui porte la parole de l'UCA, la sécurité des vols est en jeu. La direction de l'aéroport
conseille aux voyageurs de vérifier l'état de leur vol avant de se déplacer.
""")
# another strike in another sector and region; the same minister calls for dialogue in the same words
FR_RAIL = unwrap("""Grève à la SNCF : trafic très perturbé entre Lyon et Grenoble

Les cheminots de la région Auvergne-Rhône-Alpes sont en grève depuis mardi à l'appel du syndicat Sud-Rail, qui
dénonce la suppression de 45 postes de contrôleurs. Un TER sur trois circule entre Lyon et Grenoble.

« Les usagers sont pris en otage », a regretté le président de la région, Marc Delorme. La ministre des Transports,
Hélène Marchal, a appelé la direction et les syndicats au dialogue.
""")

SAME_STORY = {"de-lindenau-bridge": (LINDENAU_A, LINDENAU_B), "en-marwick-fire": (EN_FIRE_A, EN_FIRE_B),
              "de-neuweiler-fire": (DE_FIRE_A, DE_FIRE_B), "fr-montclair-strike": (FR_STRIKE_A, FR_STRIKE_B)}
DIFFERENT_STORIES = {"en-two-teacher-strikes": (EN_STRIKE_A, EN_STRIKE_B),
                     "de-lindenau-a-vs-sollingen": (LINDENAU_A, DE_BRIDGE_SOLLINGEN),
                     "de-lindenau-b-vs-sollingen": (LINDENAU_B, DE_BRIDGE_SOLLINGEN),
                     "de-lindenau-a-vs-gernsheim": (LINDENAU_A, DE_BRIDGE_GERNSHEIM),
                     "de-lindenau-b-vs-gernsheim": (LINDENAU_B, DE_BRIDGE_GERNSHEIM),
                     "de-sollingen-vs-gernsheim": (DE_BRIDGE_SOLLINGEN, DE_BRIDGE_GERNSHEIM),
                     "fr-air-strike-a-vs-rail-strike": (FR_STRIKE_A, FR_RAIL),
                     "fr-air-strike-b-vs-rail-strike": (FR_STRIKE_B, FR_RAIL)}
UNRELATED = [PORT_1, FLOOD_1, MINISTER_1, EN_STRIKE_A, DE_FIRE_A, FR_RAIL]


def _pair_similarity(a: str, b: str, others: list[str] = ()) -> float:
    return float(similarity_matrix([StoryInput(a), StoryInput(b)] + [StoryInput(t) for t in others])[0, 1])


def test_a_pairs_similarity_does_not_depend_on_the_other_articles_compared():
    # The IDF used to be computed over the compared articles: with two, every shared word weighed less than every
    # word only one had, and each unrelated article added raised the pair's similarity (0.21 alone, 0.26 with
    # four more).
    alone = _pair_similarity(LINDENAU_A, LINDENAU_B)
    for count in range(1, len(UNRELATED) + 1):
        assert _pair_similarity(LINDENAU_A, LINDENAU_B, UNRELATED[:count]) == pytest.approx(alone, abs=1e-12)
    matrix = similarity_matrix([StoryInput(t) for t in ARTICLES])
    assert matrix[0, 3] == pytest.approx(_pair_similarity(PORT_1, PORT_2), abs=1e-12)


def test_the_reported_german_pair_is_one_story_alone_and_among_others():
    assert [s.members for s in cluster_stories([StoryInput(LINDENAU_A), StoryInput(LINDENAU_B)])] == [[0, 1]]
    stories = cluster_stories([StoryInput(t) for t in [LINDENAU_A, LINDENAU_B, DE_BRIDGE_SOLLINGEN,
                                                        DE_BRIDGE_GERNSHEIM] + UNRELATED])
    assert [0, 1] in [s.members for s in stories]


@pytest.mark.parametrize("name", sorted(SAME_STORY))
def test_invented_same_story_pairs_are_one_story(name):
    a, b = SAME_STORY[name]
    assert len(cluster_stories([StoryInput(a), StoryInput(b)])) == 1, _pair_similarity(a, b)


@pytest.mark.parametrize("name", sorted(DIFFERENT_STORIES))
def test_invented_different_stories_on_one_topic_stay_apart(name):
    a, b = DIFFERENT_STORIES[name]
    assert len(cluster_stories([StoryInput(a), StoryInput(b)])) == 2, _pair_similarity(a, b)


def test_the_default_threshold_separates_the_invented_pairs():
    same = [_pair_similarity(a, b) for a, b in SAME_STORY.values()]
    different = [_pair_similarity(a, b) for a, b in DIFFERENT_STORIES.values()]
    assert max(different) < DEFAULT_STORY_THRESHOLD < min(same), (different, same)


def test_story_weights_come_from_the_shipped_background_table():
    from spinscope.cluster import STEM_LENGTH, background

    weights = background()
    assert weights.unseen > max(weights.idf.values()) and len(weights.idf) > 10_000
    # common in the corpus -> weighs little; a name it never saw -> as rare as can be
    assert weights.weight("e:trump") < weights.weight("e:lavrov") < weights.weight("e:lindenau") == weights.unseen
    assert weights.weight(stem("Jahre")) < weights.unseen  # common German words are known as common
    assert weights.weight("s:reuters") == weights.weight("e:reuters")  # a cited source weighs as its name
    # dates weigh by kind, not by year: a year says less than a full date, whatever the year
    assert weights.weight("t:y2017") == weights.weight("t:y2031") < weights.weight("t:d2031-03-01")
    import gzip
    import json
    from spinscope.cluster import BACKGROUND_PATH

    table = json.loads(gzip.decompress(BACKGROUND_PATH.read_bytes()))
    assert table["stem_length"] == STEM_LENGTH and set(table["languages"]) == {"en", "it", "ru", "fr", "de", "pl"}
    assert BACKGROUND_PATH.stat().st_size < 400_000
