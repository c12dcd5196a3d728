"""Metrics on hand-computed fixtures, edge cases, and agreement with scikit-learn where the definitions coincide."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
from sklearn.calibration import calibration_curve
from sklearn.metrics import brier_score_loss, f1_score, precision_recall_fscore_support
from sklearn.preprocessing import MultiLabelBinarizer

from spinscope.errors import InputError
from spinscope.evaluation.metrics import (
    brier_score,
    calibration_report,
    evaluate_articles,
    expected_calibration_error,
    format_report_table,
    frame_scores,
    genre_scores,
    labelled_span_scores,
    merge_overlapping,
    multiclass_brier_score,
    reliability_table,
    span_identification_scores,
    strict_span_scores,
    technique_scores,
)
from spinscope.segment import segment
from spinscope.taxonomy import FRAME_NAMES, GENRES, TECHNIQUE_NAMES
from spinscope.types import Article

LL, DOUBT, SLOGANS, REPETITION = "Loaded_Language", "Doubt", "Slogans", "Repetition"


# --- subtask 1 -------------------------------------------------------------------------------------------------

def test_genre_hand_computed():
    gold = {"a": "opinion", "b": "opinion", "c": "reporting", "d": "satire"}
    pred = {"a": "opinion", "b": "reporting", "c": "reporting", "d": "opinion"}
    result = genre_scores(gold, pred)
    # opinion P=1/2 R=1/2 F=1/2; reporting P=1/2 R=1 F=2/3; satire F=0
    assert result["per_class"]["opinion"]["f1"] == pytest.approx(0.5)
    assert result["per_class"]["reporting"]["f1"] == pytest.approx(2 / 3)
    assert result["per_class"]["satire"]["f1"] == 0.0
    assert result["macro_f1"] == pytest.approx((0.5 + 2 / 3) / 3)
    assert result["accuracy"] == result["micro_f1"] == pytest.approx(0.5)
    assert result["confusion"]["opinion"] == {"opinion": 1, "reporting": 1}


def test_genre_absent_class_left_out_of_macro_like_official_scorer():
    gold = {"a": "opinion", "b": "reporting", "c": "opinion"}
    pred = {"a": "opinion", "b": "opinion", "c": "opinion"}
    result = genre_scores(gold, pred)
    assert result["labels"] == ["opinion", "reporting"]  # satire appears nowhere: not averaged
    keys = list(gold)
    expected = f1_score([gold[k] for k in keys], [pred[k] for k in keys], average="macro", zero_division=0)
    assert result["macro_f1"] == pytest.approx(expected) == pytest.approx((0.8 + 0.0) / 2)


def test_genre_missing_prediction_counts_wrong_or_raises_when_strict():
    gold = {"a": "opinion", "b": "satire"}
    result = genre_scores(gold, {"a": "opinion"})
    assert result["missing_predictions"] == 1
    assert result["accuracy"] == 0.5
    assert result["per_class"]["satire"]["fn"] == 1
    with pytest.raises(InputError):
        genre_scores(gold, {"a": "opinion"}, strict=True)
    with pytest.raises(InputError):
        genre_scores(gold, {"a": "opinion", "b": "comedy"})


def test_genre_agrees_with_sklearn_on_random_labels():
    rng = random.Random(3)
    for _ in range(30):
        n = rng.randint(1, 40)
        gold = {str(i): rng.choice(GENRES[: rng.randint(1, 3)]) for i in range(n)}
        pred = {str(i): rng.choice(GENRES) for i in range(n)}
        keys = list(gold)
        g, p = [gold[k] for k in keys], [pred[k] for k in keys]
        result = genre_scores(gold, pred)
        assert result["macro_f1"] == pytest.approx(f1_score(g, p, average="macro", zero_division=0))
        assert result["micro_f1"] == pytest.approx(f1_score(g, p, average="micro", zero_division=0))


# --- subtasks 2 and 3 --------------------------------------------------------------------------------------------

GOLD3 = {("A", 1): [LL, DOUBT], ("A", 3): [], ("B", 1): [SLOGANS]}
PRED3 = {("A", 1): [LL], ("A", 3): [REPETITION], ("B", 1): [SLOGANS, DOUBT]}


def _official(gold, pred, classes):
    """The official subtask-2/3 scorer's computation."""
    keys = list(gold)
    mlb = MultiLabelBinarizer()
    mlb.fit([classes])
    g = mlb.transform([gold[k] for k in keys])
    p = mlb.transform([pred.get(k, []) for k in keys])
    return (f1_score(g, p, average="micro", zero_division=1), f1_score(g, p, average="macro", zero_division=1),
            precision_recall_fscore_support(g, p, average=None, zero_division=1))


def test_techniques_hand_computed():
    result = technique_scores(GOLD3, PRED3)
    # TP: LL@A1, Slogans@B1; FP: Repetition@A3, Doubt@B1; FN: Doubt@A1
    assert (result["tp"], result["fp"], result["fn"]) == (2, 2, 1)
    assert result["micro_f1"] == pytest.approx(4 / 7)
    # LL 1, Slogans 1, Doubt 0, Repetition 0, the 19 techniques absent on both sides count 1 (zero_division=1)
    assert result["macro_f1"] == pytest.approx(21 / 23)
    assert result["per_class"][DOUBT]["f1"] == 0.0 and result["per_class"][DOUBT]["support"] == 1
    micro, macro, _ = _official(GOLD3, PRED3, TECHNIQUE_NAMES)
    assert (result["micro_f1"], result["macro_f1"]) == (pytest.approx(micro), pytest.approx(macro))


def test_empty_paragraphs_contribute_nothing_and_missing_rows_are_empty():
    padded_gold = {**GOLD3, **{("C", k): [] for k in range(1, 6)}}
    padded_pred = {**PRED3, **{("C", k): [] for k in range(1, 6)}}
    assert technique_scores(padded_gold, padded_pred)["micro_f1"] == pytest.approx(4 / 7)
    # rows of C missing from the prediction: predicted-empty, same score, reported
    result = technique_scores(padded_gold, PRED3)
    assert result["micro_f1"] == pytest.approx(4 / 7) and result["missing_predictions"] == 5
    # a missing row with gold labels costs recall
    missing = technique_scores(GOLD3, {k: v for k, v in PRED3.items() if k != ("B", 1)})
    assert (missing["tp"], missing["fp"], missing["fn"]) == (1, 1, 2)
    with pytest.raises(InputError):
        technique_scores(padded_gold, PRED3, strict=True)
    extra = technique_scores(GOLD3, {**PRED3, ("Z", 1): [LL]})
    assert extra["micro_f1"] == pytest.approx(4 / 7) and extra["extra_predictions"] == 1
    with pytest.raises(InputError):
        technique_scores(GOLD3, {**PRED3, ("Z", 1): [LL]}, strict=True)


def test_no_predictions_no_gold_and_unknown_labels():
    none = technique_scores(GOLD3, {k: [] for k in GOLD3})
    assert none["micro_f1"] == 0.0 and none["micro_recall"] == 0.0
    empty = {("A", 1): [], ("A", 2): []}
    nothing = technique_scores(empty, empty)
    assert nothing["micro_f1"] == 1.0 and nothing["macro_f1"] == 1.0  # sklearn zero_division=1
    with pytest.raises(InputError):
        technique_scores(GOLD3, {("A", 1): ["Not_A_Technique"]})
    typo = technique_scores({("A", 1): [LL, "Lodaed_Lnguage"]}, {("A", 1): [LL]})
    assert typo["ignored_gold_labels"] == 1 and typo["micro_f1"] == 1.0


def test_multilabel_agrees_with_sklearn_on_random_matrices():
    rng = np.random.default_rng(7)
    for trial in range(25):
        n_rows = int(rng.integers(1, 60))
        classes = FRAME_NAMES if trial % 2 else TECHNIQUE_NAMES
        density = rng.uniform(0.0, 0.3)
        # some classes never occur, so the zero_division cases are exercised
        live = [c for c in classes if rng.random() < 0.6]
        gold = {str(i): [c for c in live if rng.random() < density] for i in range(n_rows)}
        pred = {str(i): [c for c in live if rng.random() < density] for i in range(n_rows)}
        scorer = frame_scores if classes is FRAME_NAMES else technique_scores
        result = scorer(gold, pred)
        micro, macro, (p, r, f, support) = _official(gold, pred, list(classes))
        assert result["micro_f1"] == pytest.approx(micro)
        assert result["macro_f1"] == pytest.approx(macro)
        mlb_order = sorted(classes)  # MultiLabelBinarizer sorts its classes
        for i, name in enumerate(mlb_order):
            entry = result["per_class"][name]
            assert (entry["precision"], entry["recall"], entry["f1"]) == (
                pytest.approx(p[i]), pytest.approx(r[i]), pytest.approx(f[i]))
            assert entry["support"] == support[i]


# --- spans -------------------------------------------------------------------------------------------------------

def test_merge_overlapping():
    assert merge_overlapping([(5, 20), (0, 10), (30, 40), (39, 41)]) == [(0, 20), (30, 41)]
    assert merge_overlapping([(0, 5), (5, 9)]) == [(0, 5), (5, 9)]  # touching, no shared character


def test_span_identification_partial_overlap():
    result = span_identification_scores({"A": [(LL, 0, 10)]}, {"A": [(DOUBT, 5, 15)]})
    assert (result["precision"], result["recall"], result["f1"]) == (0.5, 0.5, 0.5)  # labels ignored


def test_span_identification_merges_overlapping_gold():
    # gold [0,10) and [5,20) merge into [0,20): P = 10/10, R = 10/20
    result = span_identification_scores({"A": [(LL, 0, 10), (DOUBT, 5, 20)]}, {"A": [(LL, 0, 10)]})
    assert result["gold_spans"] == 1
    assert (result["precision"], result["recall"]) == (1.0, 0.5)
    assert result["f1"] == pytest.approx(2 / 3)


def test_span_identification_sums_over_pairs_and_articles():
    # pred [0,20) and [25,40) against gold [10,30): P = (10/20 + 5/15) / 2, R = (10/20 + 5/20) / 1
    gold = {"A": [(LL, 10, 30)], "B": [(LL, 0, 4)]}  # B is missed entirely: a second gold span
    pred = {"A": [(LL, 0, 20), (LL, 25, 40)], "C": [(LL, 0, 8)]}  # C has no gold: a third predicted span
    result = span_identification_scores(gold, pred)
    assert result["precision"] == pytest.approx((0.5 + 1 / 3) / 3)
    assert result["recall"] == pytest.approx((0.5 + 0.25) / 2)
    p, r = result["precision"], result["recall"]
    assert result["f1"] == pytest.approx(2 * p * r / (p + r))
    touching = span_identification_scores({"A": [(LL, 0, 5), (LL, 5, 10)]}, {"A": [(LL, 0, 10)]})
    assert (touching["precision"], touching["recall"], touching["f1"]) == (1.0, 1.0, 1.0)


def test_span_edge_cases():
    assert span_identification_scores({}, {})["f1"] == 1.0
    assert span_identification_scores({"A": []}, {"A": []})["f1"] == 1.0
    missed = span_identification_scores({"A": [(LL, 0, 5)]}, {"A": []})
    assert (missed["precision"], missed["recall"], missed["f1"]) == (0.0, 0.0, 0.0)
    with pytest.raises(InputError):
        span_identification_scores({"A": [(LL, 5, 5)]}, {})


def test_labelled_spans_require_matching_technique():
    gold = {"A": [(LL, 0, 10), (DOUBT, 5, 20)]}
    result = labelled_span_scores(gold, {"A": [(LL, 0, 10)]})
    assert (result["precision"], result["recall"]) == (1.0, 0.5)  # same-technique spans only; no merge across
    assert result["per_technique"][LL]["f1"] == 1.0
    assert result["per_technique"][DOUBT] == {"precision": 0.0, "recall": 0.0, "f1": 0.0,
                                              "predicted_spans": 0, "gold_spans": 1}
    assert result["per_technique"][SLOGANS]["f1"] == 1.0  # absent on both sides, as the 2020 scorer prints
    assert result["macro_f1"] == 0.5  # over LL and Doubt only
    wrong = labelled_span_scores(gold, {"A": [(SLOGANS, 0, 10)]})
    assert wrong["f1"] == 0.0
    # two overlapping predictions of one technique merge: [0,6) + [4,10) -> [0,10)
    merged = labelled_span_scores({"A": [(LL, 0, 10)]}, {"A": [(LL, 0, 6), (LL, 4, 10)]})
    assert merged["predicted_spans"] == 1 and merged["f1"] == 1.0


def test_strict_spans():
    gold = {"A": [(LL, 0, 10), (DOUBT, 5, 20)], "B": [(SLOGANS, 3, 9)]}
    pred = {"A": [(LL, 0, 10), (LL, 0, 10), (DOUBT, 5, 19)], "B": [(LL, 3, 9)]}
    result = strict_span_scores(gold, pred)
    assert result["tp"] == 1 and result["predicted_spans"] == 3 and result["gold_spans"] == 3
    assert result["f1"] == pytest.approx(1 / 3)
    assert result["per_technique"][LL]["precision"] == 0.5


# --- calibration -------------------------------------------------------------------------------------------------

PROBS = [0.05, 0.15, 0.95, 0.85, 0.3]
OUTCOMES = [0, 0, 1, 0, 1]


def test_ece_and_brier_hand_computed():
    assert expected_calibration_error(PROBS, OUTCOMES) == pytest.approx((0.05 + 0.15 + 0.05 + 0.85 + 0.7) / 5)
    # 2 bins: {.05,.15,.3} -> conf 1/6, freq 1/3; {.95,.85} -> conf .9, freq .5
    assert expected_calibration_error(PROBS, OUTCOMES, n_bins=2) == pytest.approx(3 / 5 * (1 / 6) + 2 / 5 * 0.4)
    assert brier_score(PROBS, OUTCOMES) == pytest.approx((0.0025 + 0.0225 + 0.0025 + 0.7225 + 0.49) / 5)
    table = reliability_table(PROBS, OUTCOMES)
    assert [row["count"] for row in table] == [1, 1, 1, 0, 0, 0, 0, 0, 1, 1]  # 0.3 is in (0.2, 0.3]
    assert table[3]["mean_confidence"] is None
    assert calibration_report([], [])["ece"] is None
    with pytest.raises(InputError):
        brier_score([1.2], [1])
    with pytest.raises(InputError):
        expected_calibration_error([0.5], [2])


def test_calibration_agrees_with_sklearn():
    rng = np.random.default_rng(11)
    probs = rng.random(500)
    outcomes = (rng.random(500) < probs ** 2).astype(int)
    report = calibration_report(probs, outcomes, n_bins=10)
    prob_true, prob_pred = calibration_curve(outcomes, probs, n_bins=10, strategy="uniform")
    filled = [row for row in report["bins"] if row["count"]]
    assert [row["observed_frequency"] for row in filled] == pytest.approx(list(prob_true))
    assert [row["mean_confidence"] for row in filled] == pytest.approx(list(prob_pred))
    assert report["brier"] == pytest.approx(brier_score_loss(outcomes, probs))
    weights = np.array([row["count"] for row in filled]) / len(probs)
    assert report["ece"] == pytest.approx(float(np.sum(weights * np.abs(prob_true - prob_pred))))


def test_multiclass_brier():
    dists = [{"opinion": 0.7, "reporting": 0.2, "satire": 0.1}, {"opinion": 1.0}]
    # (0.09 + 0.04 + 0.01) and (1 + 1 + 0)
    assert multiclass_brier_score(dists, ["opinion", "reporting"], GENRES) == pytest.approx((0.14 + 2.0) / 2)


# --- Articles ----------------------------------------------------------------------------------------------------

def _article(article_id: str, text: str, gold: dict) -> Article:
    return segment(Article(text=text, id=article_id, gold=gold))


def test_evaluate_articles_uses_gold_and_predictions():
    text_a = "A title here\n\nSome loaded words appear.\n\nA plain line."
    text_b = "Another title\nJobs, not promises!"
    a = _article("A", text_a, {"genre": "opinion", "frames": ["Political"],
                               "paragraphs": {1: [LL, DOUBT], 3: [], 5: []},
                               "spans": [(LL, 0, 10), (DOUBT, 5, 20)]})
    b = _article("B", text_b, {"genre": "reporting", "frames": [], "paragraphs": {1: [SLOGANS], 2: []},
                               "spans": [(SLOGANS, 14, 33)]})
    a.genre = {"label": "opinion", "probabilities": {"opinion": 0.8, "reporting": 0.15, "satire": 0.05}}
    b.genre = {"label": "opinion", "probabilities": {"opinion": 0.6, "reporting": 0.3, "satire": 0.1}}
    a.frames = [{"frame": "Political", "probability": 0.9, "paragraphs": [1]}]
    a.paragraphs[0].techniques = [LL]
    a.paragraphs[1].techniques = [REPETITION]
    a.paragraphs[0].technique_scores = {LL: 0.9, DOUBT: 0.2}
    b.paragraphs[0].techniques = [SLOGANS, DOUBT]
    a.add_span(0, 10, LL, 0.9)
    b.add_span(14, 33, SLOGANS, 0.8)
    report = evaluate_articles([a, b])
    json.dumps(report)  # plain, serialisable
    same_rows = {("A", 1): [LL, DOUBT], ("A", 3): [], ("A", 5): [], ("B", 1): [SLOGANS], ("B", 2): []}
    assert report["techniques"]["micro_f1"] == technique_scores(
        same_rows, {("A", 1): [LL], ("A", 3): [REPETITION], ("A", 5): [], ("B", 1): [SLOGANS, DOUBT],
                    ("B", 2): []})["micro_f1"] == pytest.approx(4 / 7)
    assert report["genre"]["accuracy"] == 0.5
    assert report["frames"]["micro_f1"] == 1.0
    assert report["spans"]["identification"]["recall"] == pytest.approx((10 / 20 + 1) / 2)
    assert report["calibration"]["techniques"]["n"] == 2
    assert report["calibration"]["genre"]["ece"] == pytest.approx(((1 - 0.8) + 0.6) / 2)
    table = format_report_table(report)
    assert "subtask 3 techniques (micro-F1)" in table and "0.571" in table


def test_repeated_ids_do_not_collide():
    text = "Loaded words here."
    first = _article("7", text, {"spans": [(LL, 0, 6)]})
    second = _article("7", text, {"spans": [(DOUBT, 7, 12)]})
    first.add_span(0, 6, LL, 1.0)
    second.add_span(7, 12, DOUBT, 1.0)
    assert evaluate_articles([first, second])["spans"]["strict"]["f1"] == 1.0


def test_trivial_baseline_on_english_gold_matches_official_computation(semeval_dir):
    """"Loaded_Language on every paragraph" scored by us and by the official scorer's recipe on the raw gold file
    (whose one misspelt label the binarizer drops, as the official scorer would)."""
    import warnings

    from spinscope.evaluation.semeval_format import read_subtask3

    gold = read_subtask3(semeval_dir / "en" / "train-labels-subtask-3.txt")
    baseline = {key: [LL] for key in gold}
    result = technique_scores(gold, baseline, strict=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "unknown class(es) will be ignored"
        micro, macro, _ = _official(gold, baseline, list(TECHNIQUE_NAMES))
    assert result["micro_f1"] == pytest.approx(micro) and result["macro_f1"] == pytest.approx(macro)
    assert result["ignored_gold_labels"] == 1
    assert 0.1 < result["micro_f1"] < 0.4  # Loaded_Language is the most frequent technique, far from all of them
