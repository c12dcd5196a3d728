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
