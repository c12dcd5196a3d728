"""Story clustering on three small hand-written stories (two or three outlets each), plus its building blocks."""

from __future__ import annotations

import pytest

from spinscope.cluster import (StoryInput, candidate_pairs, cluster_stories, cluster_vectors, date_mentions,
                               named_entities, parse_published, similarity_matrix, stem, story_vectors)
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
