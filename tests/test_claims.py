"""Claims: extraction (what counts as a factual claim, exact offsets) and cross-article matching.

The paraphrase pairs here are not the development pairs the claim threshold was chosen on
(those are printed by benchmarks/bench_compare.py --claims-dev).
"""

from __future__ import annotations

import numpy as np
import pytest

from spinscope.claims import (DEFAULT_CLAIM_THRESHOLD, Claim, claim_similarities, contradiction_reason,
                              extract_claims, match_claims, numbers_in)

SAME_CLAIM = [
    ("Rescuers pulled 14 miners alive from the collapsed Dravik mine on Wednesday.",
     "On Wednesday, 14 miners were rescued alive from the Dravik mine after it collapsed."),
    ("The central bank of Norland raised its main interest rate to 4.5 percent.",
     "Norland's central bank lifted the key interest rate to 4.5%."),
    ("Striker Milo Berga signed a three-year contract with FC Aldren on Tuesday.",
     "FC Aldren signed striker Milo Berga on a three-year contract on Tuesday."),
    ("Flights at Kestrel airport were cancelled because of heavy snow, the airport operator said.",
     "Heavy snow forced the cancellation of flights at Kestrel airport, according to its operator."),
]
DIFFERENT_CLAIM = [
    ("Rescuers pulled 14 miners alive from the collapsed Dravik mine on Wednesday.",
     "The Dravik mine had passed a safety inspection in January, its owner said."),
    ("The central bank of Norland raised its main interest rate to 4.5 percent.",
     "Norland's finance minister criticised the central bank for its communication."),
    ("Striker Milo Berga signed a three-year contract with FC Aldren on Tuesday.",
     "FC Aldren lost 2-0 to Velden on Saturday without Milo Berga."),
    ("Flights at Kestrel airport were cancelled because of heavy snow, the airport operator said.",
     "Kestrel airport will open a second runway next year, its operator said."),
]


def _claim(text: str, article: int) -> Claim:
    found = extract_claims(text, article)
    return found[0] if found else Claim(article, 0, len(text), text)


@pytest.mark.parametrize("left, right", SAME_CLAIM)
def test_paraphrases_match(left, right):
    similarity = claim_similarities([_claim(left, 0), _claim(right, 1)])[0, 1]
    assert similarity >= DEFAULT_CLAIM_THRESHOLD


@pytest.mark.parametrize("left, right", DIFFERENT_CLAIM)
def test_same_topic_different_facts_do_not_match(left, right):
    similarity = claim_similarities([_claim(left, 0), _claim(right, 1)])[0, 1]
    assert similarity < DEFAULT_CLAIM_THRESHOLD


def test_matching_across_two_articles_pairs_the_right_claims():
    article_a = [_claim(left, 0) for left, _ in SAME_CLAIM]
    article_b = [_claim(right, 1) for _, right in reversed(SAME_CLAIM)] + [_claim(DIFFERENT_CLAIM[3][1], 1)]
    result = match_claims({0: article_a, 1: article_b})
    pairs = {(g.claims[0].text, g.claims[1].text) for g in result.shared}
    assert pairs == set(SAME_CLAIM)
    assert all(g.articles == [0, 1] for g in result.shared)
    assert [c.text for c in result.unique[1]] == [DIFFERENT_CLAIM[3][1]]
    assert result.unique[0] == []


def test_a_claim_joins_at_most_one_group_per_article():
    claims = {0: [_claim(SAME_CLAIM[0][0], 0)],
              1: [_claim(SAME_CLAIM[0][1], 1), _claim("Rescuers pulled 14 miners alive from the Dravik mine.", 1)]}
    result = match_claims(claims)
    assert len(result.shared) == 1 and len(result.shared[0].claims) == 2
    assert len(result.unique[1]) == 1


def test_number_contradiction_is_flagged_as_heuristic_reason():
    left = _claim("At least 12 people died when the Ostra flooded Brenn on Saturday, Mayor Lukas Vehr said.", 0)
    right = _claim("The Ostra flood in Brenn on Saturday killed 15 people, according to Mayor Lukas Vehr.", 1)
    result = match_claims({0: [left], 1: [right]})
    assert len(result.contradictions) == 1
    _, _, reason, _ = result.contradictions[0]
    assert "12" in reason and "15" in reason
    assert result.shared == []  # a contradicting pair is not reported as a shared claim


NUMBER_CONFLICTS = [
    # no names in either sentence: the closeness of the whole claim says it is about the same thing
    ("Twelve people died in the fire, firefighters said.", "Forty people died in the fire, firefighters said.",
     ("12", "40")),
    # a tally counts nothing after it
    ("The vote was 7 to 2.", "The vote was 5 to 4.", ("7", "2", "5", "4")),
]


@pytest.mark.parametrize("left, right, shown", NUMBER_CONFLICTS)
def test_close_claims_with_different_numbers_are_a_contradiction_not_shared(left, right, shown):
    result = match_claims({0: [_claim(left, 0)], 1: [_claim(right, 1)]})
    assert len(result.contradictions) == 1
    reason = result.contradictions[0][2]
    assert all(number in reason for number in shown)
    assert result.shared == []


class _FixedSimilarity:
    """Two texts at a chosen cosine: below the claim threshold, but each the other's best match."""

    name = "fixed"

    def __init__(self, similarity: float):
        self.similarity = similarity

    def encode(self, texts):
        return np.array([[1.0, 0.0], [self.similarity, np.sqrt(1 - self.similarity ** 2)]])


def test_mutual_best_pair_with_different_numbers_is_not_shared():
    left = _claim("Twelve people died in the fire, firefighters said.", 0)
    right = _claim("Forty people died in the fire, firefighters said.", 1)
    result = match_claims({0: [left], 1: [right]}, encoder=_FixedSimilarity(0.38))
    assert len(result.contradictions) == 1 and result.shared == []


def test_a_repeated_conflicting_number_does_not_make_a_shared_claim():
    left = _claim("Twelve people died in the fire, firefighters said.", 0)
    right = [_claim("Forty people died in the fire, firefighters said.", 1),
             _claim("Forty people died in the fire on Tuesday night, firefighters said.", 1)]
    result = match_claims({0: [left], 1: right})
    assert result.shared == [] and len(result.contradictions) == 2


@pytest.mark.parametrize("left, right", [
    # the same number, once in words and once in digits
    ("Twelve people died in the fire, firefighters said.", "12 people died in the fire, firefighters said."),
    # a number only one side gives
    ("Twelve people died in the fire, firefighters said.",
     "Twelve people died in the fire and 30 people were hurt, firefighters said."),
    # "four of the eight people": both numbers count people
    ("The fire killed four of the eight people inside, firefighters said.",
     "The fire killed four people, firefighters said."),
])
def test_close_claims_with_compatible_numbers_are_shared(left, right):
    result = match_claims({0: [_claim(left, 0)], 1: [_claim(right, 1)]})
    assert result.contradictions == [] and len(result.shared) == 1


@pytest.mark.parametrize("facts", [
    # the same counted word, and the same bare numbers in similar wording, for different facts
    ["Twelve people died in the fire, firefighters said.", "Forty people were hurt in the fire, firefighters said."],
    ["The Ridgeport council vote on the new bridge was 7 to 2.",
     "The Ridgeport council budget vote last year ended 5 to 4."],
])
def test_agreeing_articles_do_not_contradict_across_their_claims(facts):
    result = match_claims({0: [_claim(t, 0) for t in facts],
                           1: [_claim(t, 1) for t in reversed(facts)]})
    assert result.contradictions == [] and len(result.shared) == 2


def test_matched_claims_that_each_name_someone_else_are_not_a_contradiction():
    # different names: two similar events, not two accounts of one
    left = _claim("A 46-year-old man from Brenn was arrested by police on Monday.", 0)
    right = _claim("A 40-year-old man from Korvik was arrested by police on Monday.", 1)
    assert match_claims({0: [left], 1: [right]}).contradictions == []


@pytest.mark.parametrize("left, right", [
    ("A 46-year-old man from Brenn was arrested by police on Monday.",
     "A 40-year-old man from Korvik was arrested by police on Monday."),
    ("On Monday the plan to freeze the assets of President Viktor Strel was blocked by Hungary, diplomats said.",
     "On Monday the plan to freeze the assets of President Viktor Strel was blocked by Poland, diplomats said."),
    # a one-word name opening the sentence is still a name when a verb follows it
    ("Hungary blocked the plan to freeze the assets of President Viktor Strel on Monday, diplomats said.",
     "Poland blocked the plan to freeze the assets of President Viktor Strel on Monday, diplomats said."),
])
def test_claims_that_each_name_someone_the_other_does_not_are_not_shared(left, right):
    result = match_claims({0: [_claim(left, 0)], 1: [_claim(right, 1)]})
    assert result.shared == [] and [len(v) for v in result.unique.values()] == [1, 1]


def test_contradiction_reason_shows_numbers_readably():
    left = _claim("Norland gave the Brenn flood fund 40 million dollars, the ministry said.", 0)
    right = _claim("Norland gave the Brenn flood fund 55 million dollars, the ministry said.", 1)
    reason = contradiction_reason(left, right, float(claim_similarities([left, right])[0, 1]))
    assert reason is not None and "40,000,000" in reason and "55,000,000" in reason and "e+" not in reason


def test_negation_contradiction():
    left = _claim("Grayfield Engineering paid the Northline auditors, the ministry confirmed.", 0)
    right = _claim("Grayfield Engineering never paid the Northline auditors, the ministry confirmed.", 1)
    similarity = float(claim_similarities([left, right])[0, 1])
    assert contradiction_reason(left, right, similarity) == "the same statement, negated in one of the articles"


def test_agreeing_numbers_are_not_a_contradiction():
    left = _claim("Around 1,200 dock workers at Valmora port stopped work on Monday.", 0)
    right = _claim("On Monday 1,200 dock workers walked out at the port of Valmora.", 1)
    result = match_claims({0: [left], 1: [right]})
    assert result.contradictions == [] and len(result.shared) == 1


def test_extraction_skips_headings_questions_opinion_and_keeps_offsets():
    text = ("Valmora strike enters second day\n\n"
            "Around 1,200 dock workers at the port of Valmora stopped work on Monday, the Harbour Workers Union "
            "said. Will the strike spread to Castellan? I think this is a shameful way to treat people! "
            "Teresa Okafor told reporters the union would not back down.\n"
            "Everyone should read this.\n")
    claims = extract_claims(text)
    texts = [c.text for c in claims]
    assert texts == [
        "Around 1,200 dock workers at the port of Valmora stopped work on Monday, the Harbour Workers Union said.",
        "Teresa Okafor told reporters the union would not back down.",
    ]
    for claim in claims:
        assert text[claim.start:claim.end] == claim.text


@pytest.mark.parametrize("sentence", [
    "The plane with 40 passengers flew to Brenn on Monday.",
    "About 300 residents fled the village of Ostra overnight.",
])
def test_irregular_past_tenses_count_as_verbs(sentence):
    assert [c.text for c in extract_claims(sentence)] == [sentence]


def test_lets_is_not_a_claim_verb():
    assert extract_claims("Let’s look at the 2019 situation through the eyes of Oskar Lind.") == []


def test_numbers_parse_units():
    numbers = numbers_in("Prices rose 4.5% to $3 million in 2019, and three officials resigned.")
    assert [(n.value, n.unit) for n in numbers] == [(4.5, "%"), (3e6, "$"), (2019.0, "year"),
                                                    (3.0, "officia")]


def test_custom_encoder_is_used():
    class Constant:
        name = "constant"

        def encode(self, texts):
            return np.ones((len(texts), 1))

    claims = {0: [_claim(DIFFERENT_CLAIM[0][0], 0)], 1: [_claim(DIFFERENT_CLAIM[0][1], 1)]}
    assert len(match_claims(claims, encoder=Constant()).shared) == 1
