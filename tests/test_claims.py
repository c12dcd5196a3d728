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
    "The plane with 40 passengers flew to Brenn on Monday.",  # irregular past tenses
    "About 300 residents fled the village of Ostra overnight.",
    "The Velkor plant in Dunmore employs about 120 people.",  # present tense after a subject
    "The Dunmore quarry owns 40 trucks and a rail siding.",
])
def test_irregular_past_and_present_tenses_count_as_verbs(sentence):
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


# ---------------------------------------------------------------- matching rules (review of the comparison)


@pytest.mark.parametrize("left, right, similarity", [
    # worded differently apart from the negation, so the same-wording negation check does not see it: matched as
    # each other's best counterpart (below the threshold), above the threshold, at a fixed similarity
    ("No toxic chemicals were found in the river, the Dunmore Water Board said.",
     "Toxic chemicals were found in the river below the quarry, one angler claimed.", None),
    ("No toxic chemicals were found in the river water, the Dunmore Water Board said in a statement.",
     "Toxic chemicals were found in the river water below the quarry, one angler claimed.", None),
    ("No toxic chemicals were found in the river, the Dunmore Water Board said.",
     "Toxic chemicals were found in the river below the quarry, one angler claimed.", 0.5),
])
def test_matched_claims_that_differ_in_negation_are_a_contradiction_not_shared(left, right, similarity):
    encoder = None if similarity is None else _FixedSimilarity(similarity)
    result = match_claims({0: [_claim(left, 0)], 1: [_claim(right, 1)]}, encoder=encoder)
    assert result.shared == []
    [(_, _, reason, _)] = result.contradictions
    assert "negat" in reason and "“No toxic chemicals were found in the river" in reason


def test_two_claims_that_each_negate_do_not_contradict_on_negation():
    left = _claim("Union leader Mara Quist told reporters that dockers could not live on 3 percent.", 0)
    right = _claim("\"Our dockers cannot live on 3 percent,\" union leader Mara Quist said in Dunmore.", 1)
    result = match_claims({0: [left], 1: [right]}, encoder=_FixedSimilarity(0.5))
    assert result.contradictions == [] and len(result.shared) == 1


@pytest.mark.parametrize("left, right, shared", [
    # one speaker, two statements: the name and "said" are all they share
    ("Mayor Tom Reilly said the Dunmore bridge would reopen on Friday.",
     "\"We will not let this town down,\" said Mayor Tom Reilly, who has led Dunmore since 2015.", 0),
    # the same apposition does not make the same statement
    ("Dr. Lena Fiore, a surgeon at Castell Hospital, said the new wing would close in May.",
     "\"Nobody here expected the strike,\" said Dr. Lena Fiore, a surgeon at Castell Hospital.", 0),
    # what is said in common still matches
    ("Police arrested three men after the robbery at the Dunmore post office.",
     "Three men were detained by officers following the Dunmore post office robbery.", 1),
    ("Mayor Tom Reilly said the Dunmore bridge would reopen to traffic on Friday.",
     "The Dunmore bridge reopens to traffic on Friday, Mayor Tom Reilly said.", 1),
])
def test_a_mutual_best_pair_below_the_threshold_needs_more_than_its_speaker(left, right, shared):
    result = match_claims({0: [_claim(left, 0)], 1: [_claim(right, 1)]}, encoder=_FixedSimilarity(0.38))
    assert len(result.shared) == shared and result.contradictions == []


def test_said_content_leaves_out_names_titles_appositions_and_attribution():
    from spinscope.claims import said_content

    claim = _claim("Dr. Lena Fiore, a surgeon at Castell Hospital, said the new wing would close in May.", 0)
    assert {"wing", "close"} <= claim.content and not claim.content & {"surgeon", "hospita", "castell", "lena"}
    quoted = _claim("\"Nobody here expected the strike,\" said Dr. Lena Fiore, a surgeon at Castell Hospital.", 0)
    assert quoted.content == {"expect", "strike"}
    assert said_content("About 300 dockers joined the walkout, the union said.") == {"docker", "join", "walkout"}


def test_a_claim_does_not_join_a_group_holding_a_claim_it_contradicts():
    fire = _claim("A fire hit the Brenn sawmill on Monday night.", 0)
    five = _claim("Five workers were hurt when fire hit the Brenn sawmill on Monday night.", 1)
    three = _claim("The Brenn sawmill burned on Monday night and three workers were taken to hospital.", 2)
    result = match_claims({0: [fire], 1: [five], 2: [three]})
    assert len(result.contradictions) == 1 and "5 vs 3" in result.contradictions[0][2]
    for group in result.shared:  # never both sides of a contradiction in one shared claim
        assert not {five.text, three.text} <= {c.text for c in group.claims}


def test_the_counted_thing_is_found_past_adjectives_and_shown_as_written():
    left = _claim("Police in Dunmore evacuated 214 residents from their homes near the quarry.", 0)
    right = _claim("Police in Dunmore evacuated more than 500 frightened residents from their homes near the quarry.",
                   1)
    result = match_claims({0: [left], 1: [right]})
    assert result.shared == []
    [(_, _, reason, _)] = result.contradictions
    assert reason == "different numbers for the same thing (residents): 214 vs 500"


def test_numbers_name_what_they_count_past_adjectives():
    [number] = numbers_in("They evacuated 500 frightened residents from their homes.")
    assert number.counted == ("frighte", "residen") and number.written == ("frightened", "residents")
    [number] = numbers_in("Twelve people died in the fire.")
    assert number.counted == ("people",)  # a verb ends the counted thing


def test_a_present_tense_verb_form_as_a_noun_is_not_a_verb():
    assert extract_claims("Plans for 40 new homes in the Dunmore harbour district.") == []


def test_present_tense_claims_with_different_numbers_contradict():
    left = _claim("The Velkor plant in Dunmore employs about 120 people.", 0)
    right = _claim("The Velkor plant in Dunmore employs about 150 people.", 1)
    result = match_claims({0: [left], 1: [right]})
    assert result.shared == [] and "120 vs 150" in result.contradictions[0][2]


def test_different_rates_in_the_same_words_contradict_whatever_the_rest_of_the_sentences():
    left = _claim("The Dunmore Dockers Union said its members had rejected an offer of a 2.5 percent raise.", 0)
    right = _claim("Ferries to Castell were cancelled on Monday as dockers walked out over what the port authority "
                   "calls a fair offer of a 4 percent raise.", 1)
    assert claim_similarities([left, right])[0, 1] < 0.3
    result = match_claims({0: [left], 1: [right]})
    [(_, _, reason, _)] = result.contradictions
    assert reason == "different numbers for the same thing (% raise): 2.5 vs 4"


def test_a_count_after_the_same_word_in_unlike_sentences_is_not_a_contradiction():
    # "killed 4 people" in another sentence is as often another event or a part of the toll
    left = _claim("The 2019 flood in Brenn killed more than 40 people out of nearly 900 who were trapped.", 0)
    right = _claim("The most recent landslide near Korvik killed four people before rescuers arrived.", 1)
    assert match_claims({0: [left], 1: [right]}).contradictions == []


def test_a_claim_never_starts_inside_a_quotation():
    text = ("Dunmore dockers walk out\n\n"
            "\"We are not greedy. We just want a fair deal,\" said Mara Quist, who leads the Dunmore dockers. "
            "\"Nobody strikes for fun.\"\n")
    texts = [c.text for c in extract_claims(text)]
    assert texts == ["\"We are not greedy. We just want a fair deal,\" said Mara Quist, who leads the Dunmore dockers."]
    for claim in extract_claims(text):
        assert text[claim.start:claim.end] == claim.text


def test_a_quotation_left_open_at_the_end_of_the_paragraph_leaves_the_sentences_as_they_are():
    # a quote running over several paragraphs has no closing mark in the first one
    text = "Strike\n\n\"We are not greedy. Mara Quist said the 300 dockers of Dunmore would stay out until Friday.\n"
    assert [c.text for c in extract_claims(text)] == [
        "Mara Quist said the 300 dockers of Dunmore would stay out until Friday."]
