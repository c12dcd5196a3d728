"""The propaganda score: its documented definition on hand-computed examples, and its edge cases."""

from __future__ import annotations

import json

import pytest

from spinscope.aggregate import (DEFINITION, REFERENCE_FILE, build_reference, compute_score, percentile,
                                 score_article, span_weight)
from spinscope.segment import segment
from spinscope.taxonomy import BY_NAME
from spinscope.types import Article, Span

TEXT = "Title here\n\nThe awful plan failed. It was fine.\nLast line."
#        0         1         2         3         4         5
#        0123456789 0 1234567890123456789012345678901234567 8 9012345678


def _article(text: str = TEXT) -> Article:
    return segment(Article(text=text, language="en"))


def test_span_weight_is_confidence_times_severity_over_three():
    span = Span(0, 1, "Doubt", 0.5)
    assert span_weight(span) == pytest.approx(0.5 * BY_NAME["Doubt"].severity / 3)
    assert span_weight(Span(0, 1, "Not_A_Technique", 1.0)) == 0.0


def test_score_matches_hand_computation():
    article = _article()
    article.add_span(16, 21, "Loaded_Language", 0.9)  # "awful", severity 1 -> w = 0.3
    article.add_span(12, 33, "Doubt", 0.5)  # "The awful plan failed", severity 1.5 -> w = 0.25
    score_article(article)
    assert article.text[16:21] == "awful"
    # body = 3 paragraphs of 10 + 35 + 10 characters; 4 sentences (title, two in line 3, last line)
    body = 10 + 35 + 10
    character_share = (5 * 0.3 + 16 * 0.25) / body  # the 5 characters of "awful" count once, at 0.3
    sentence_share = 0.3 / 4  # only "The awful plan failed." is touched, by its strongest span
    expected = 100 * (character_share + sentence_share) / 2
    assert article.score["value"] == round(expected, 1)
    assert article.score["components"]["character_share"] == pytest.approx(round(character_share, 4))
    assert article.score["components"]["sentence_share"] == pytest.approx(round(sentence_share, 4))
    assert article.score["definition"] == DEFINITION
    evidence = article.score["evidence"]
    assert [e["technique"] for e in evidence] == ["Loaded_Language", "Doubt"]
    loaded = 100 * (0.5 * 5 * 0.3 / body + 0.5 * 0.3 / 4)
    assert evidence[0]["contribution"] == pytest.approx(round(loaded, 2))
    # contributions add up to the score
    assert sum(e["contribution"] for e in evidence) == pytest.approx(expected, abs=0.02)


def test_overlapping_spans_are_not_double_counted():
    article = _article()
    article.add_span(12, 33, "Loaded_Language", 1.0)
    single = compute_score(article)["value"]
    article.add_span(12, 33, "Loaded_Language", 1.0)
    assert compute_score(article)["value"] == single


def test_no_spans_gives_zero_with_definition():
    article = _article()
    article.models["techniques"] = "test"  # the detector ran and found nothing
    score_article(article)
    assert article.score["value"] == 0.0
    assert article.score["evidence"] == []
    assert "no technique spans" in article.score["note"]
    assert article.score["definition"] == DEFINITION


def test_no_technique_model_gives_no_score_rather_than_zero():
    article = _article()
    score_article(article)
    assert article.score["value"] is None and article.to_dict()["summary"]["propaganda_score"] is None
    assert "did not run" in article.score["note"]
    assert article.score["percentile"] is None


@pytest.mark.parametrize("text", ["", "   \n  "])
def test_empty_text_gives_zero(text):
    article = Article(text=text)
    score_article(article)
    assert article.score["value"] == 0.0
    assert article.score["percentile"] is None


def test_unsegmented_article_is_scored_like_segmented_one():
    plain = Article(text=TEXT)
    plain.add_span(16, 21, "Loaded_Language", 0.9)
    segmented = _article()
    segmented.add_span(16, 21, "Loaded_Language", 0.9)
    assert compute_score(plain)["value"] == compute_score(segmented)["value"] > 0


def test_full_coverage_by_the_most_severe_technique_scores_100():
    article = _article("One sentence only.")
    severest = max(BY_NAME.values(), key=lambda t: t.severity)
    article.add_span(0, len(article.text), severest.name, 1.0)
    assert compute_score(article)["value"] == pytest.approx(100 * severest.severity / 3, abs=0.05)


def test_many_spans_on_long_text_is_fast_enough_to_run_at_all():
    # a correctness check on a larger input (not a timing test): the sweep agrees with a brute-force count
    sentence = "Words that are loaded and words that are not. "
    article = _article(sentence * 400)
    for k in range(0, len(article.text) - 30, 37):
        article.add_span(k, k + 30, "Loaded_Language" if k % 2 else "Doubt", 0.8)
    covered = [0.0] * len(article.text)
    for span in article.spans:
        for i in range(span.start, span.end):
            covered[i] = max(covered[i], span_weight(span))
    body = sum(p.end - p.start for p in article.paragraphs)
    in_body = sum(covered[i] for p in article.paragraphs for i in range(p.start, p.end))
    result = compute_score(article)
    assert result["components"]["character_share"] == pytest.approx(round(in_body / body, 4))


def test_percentile_against_reference():
    reference = {"scores": {"en": [0.0, 10.0, 20.0, 30.0], "all": [5.0]}}
    assert percentile(20.0, "en", reference) == 62.5  # 2 below + half of 1 tie, out of 4
    assert percentile(100.0, "it", reference) == 100.0  # falls back to "all"
    assert percentile(1.0, "en", {}) is None


def test_build_reference_is_sorted_per_language():
    low, high, unscored = _article(), _article(), _article()
    low.models["techniques"] = "test"  # analysed, nothing found: scores 0
    high.add_span(12, 33, "Straw_Man", 1.0)
    reference = build_reference({"en": [high, unscored, low]}, source="test")
    assert reference["scores"]["en"] == sorted(reference["scores"]["en"])
    assert reference["scores"]["all"][0] == 0.0
    assert reference["articles"]["en"] == 2  # the article the detector never ran on has no score to place


def test_shipped_reference_is_valid_when_present():
    if not REFERENCE_FILE.exists():
        pytest.skip("no score_reference.json shipped yet")
    reference = json.loads(REFERENCE_FILE.read_text())
    assert reference["definition"] == DEFINITION, "reference was built with another score definition: rebuild it"
    for values in reference["scores"].values():
        assert values == sorted(values) and all(0 <= v <= 100 for v in values)


def test_evidence_and_its_rest_add_up_to_the_score_when_more_spans_count_than_are_listed():
    from spinscope.aggregate import EVIDENCE_SIZE

    words = [f"word{i}" for i in range(3 * EVIDENCE_SIZE)]
    text = "Title here\n\n" + ". ".join(words) + "."
    article = _article(text)
    for i, word in enumerate(words):  # one span per sentence, each a little stronger than the last
        start = text.index(word + ".")
        article.add_span(start, start + len(word), "Doubt", 0.2 + 0.02 * i)
    score = compute_score(article)
    assert len(score["evidence"]) == EVIDENCE_SIZE
    assert score["evidence_rest"]["spans"] == len(words) - EVIDENCE_SIZE
    total = sum(e["contribution"] for e in score["evidence"]) + score["evidence_rest"]["contribution"]
    assert total == pytest.approx(score["value"], abs=0.1)
    assert score["evidence_rest"]["contribution"] > 0
