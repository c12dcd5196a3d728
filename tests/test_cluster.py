"""Story clustering on three small hand-written stories (two or three outlets each), plus its building blocks."""

from __future__ import annotations

import pytest

from spinscope.cluster import (StoryInput, candidate_pairs, cluster_stories, cluster_vectors, date_mentions,
                               named_entities, parse_published, similarity_matrix, stem, story_vectors)
from spinscope.errors import InputError



def _unwrap(text: str) -> str:
    """Join the wrapped lines of each paragraph: as in the corpora, a paragraph is one line."""
    return "\n\n".join(" ".join(block.split("\n")).strip() for block in text.strip().split("\n\n")) + "\n"


# Story "port": dock workers strike in Valmora; three outlets, different wording and emphasis.
PORT_1 = """Dock workers walk out at Valmora port

Around 1,200 dock workers at the port of Valmora stopped work on Monday, according to the Harbour Workers Union.
Union leader Teresa Okafor said the strike would continue until the Valmora Port Authority restored the night-shift
bonus it cut in March. Ships queued outside the harbour and two container lines diverted to Castellan.
"""
PORT_2 = """Valmora harbour paralysed as union strikes over pay

The Harbour Workers Union called a strike at Valmora's container terminal on Monday after talks with the port
authority collapsed. Teresa Okafor, who leads the union, told reporters that members would not return until the
night-shift bonus was reinstated. The Valmora Port Authority said the bonus had become unaffordable.
"""
PORT_3 = """Strike at Valmora port: what we know

Container ships are waiting off Valmora after dock workers struck on Monday. The walkout, organised by the Harbour
Workers Union under Teresa Okafor, is about a night-shift bonus that the Valmora Port Authority removed in March.
Shipping lines warned of delays, and some cargo was sent to Castellan instead.
"""
# Story "flood": the river Ostra floods the town of Brenn.
FLOOD_1 = """River Ostra bursts its banks in Brenn

Heavy rain pushed the river Ostra over its banks in Brenn on Saturday, flooding the old town. Mayor Lukas Vehr
said 300 residents were evacuated to the Brenn sports hall overnight. Firefighters used boats to reach homes on
Mill Street, and the regional rail line to Korvik was closed.
"""
FLOOD_2 = """Hundreds evacuated as Ostra floods Brenn old town

About 300 people spent the night in a sports hall after the Ostra flooded Brenn on Saturday. Mayor Lukas Vehr
thanked volunteers and firefighters, who rescued residents of Mill Street by boat. Trains between Brenn and Korvik
were suspended while engineers inspected the line.
"""
# Story "minister": a transport minister resigns over a tender.
MINISTER_1 = """Transport minister Adela Marsh resigns over rail tender

Adela Marsh stepped down as transport minister on Thursday, two days after auditors questioned how the Northline
rail tender was awarded to Grayfield Engineering. Prime Minister Oskar Lind accepted her resignation and named
deputy minister Pavel Rusu as interim replacement.
"""
MINISTER_2 = """Marsh quits after auditors criticise Northline contract

The auditors' report on the Northline tender cost Adela Marsh her job: the transport minister resigned on Thursday.
Grayfield Engineering, which won the contract, denied any wrongdoing. Oskar Lind, the prime minister, said Pavel
Rusu would run the ministry until a successor is found.
"""

PORT_1, PORT_2, PORT_3, FLOOD_1, FLOOD_2, MINISTER_1, MINISTER_2 = map(
    _unwrap, (PORT_1, PORT_2, PORT_3, FLOOD_1, FLOOD_2, MINISTER_1, MINISTER_2))
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


PORT_OTHER = _unwrap("""Valmora port plans cruise terminal

The Valmora Port Authority unveiled plans on Wednesday for a cruise terminal on the old north quay, to be financed
by a 40 million euro loan from the Castellan Development Bank. Construction would start next spring. Teresa Okafor
of the Harbour Workers Union welcomed the 200 permanent jobs the terminal is expected to create.
""")


def test_same_actors_in_a_later_event_are_split_by_publication_dates():
    # Same port, union and leader, but a different event six weeks later. Text alone links it to the strike
    # story (shared names weigh a lot in a small collection); the publication-date window keeps it apart.
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
