"""Evaluation metrics: the official SemEval-2023 Task 3 scores, SemEval-2020 Task 11 span scores, calibration.

Every metric takes simple structures (dicts of labels, lists of tuples) and returns a plain dict that serialises to
JSON. Thin `*_from_articles` helpers pull gold labels (`Article.gold`) and predictions (`Article.genre`,
`Article.frames`, `Article.paragraphs[i].techniques`, `Article.spans`) out of a list of `Article`s.

Definitions (each matches the official scorer; where we deviate, it is said here and in the function):

Subtask 1, genre (`scorer-subtask-1.py`): `f1_score(gold, pred, average="macro", zero_division=0)` with no `labels`
  argument, so the classes averaged over are the union of the labels occurring in gold or prediction (sklearn's
  `unique_labels`). A genre absent from both is left out of the average: on a fold without satire the macro-F1 is
  over two classes. Micro-F1 over all labels equals accuracy when every article has a prediction.
Subtask 2, frames (`scorer-subtask-2.py`) and subtask 3, paragraph techniques (`scorer-subtask-3.py`): each example
  (article, resp. article+paragraph line) becomes a 0/1 row via `MultiLabelBinarizer().fit([CLASSES])` (14 frames,
  23 techniques), then `f1_score(..., average="micro"|"macro", zero_division=1)`. Consequences, reproduced here:
  micro-F1 = 2TP / (2TP + FP + FN) summed over all rows and classes (rows with empty gold and empty prediction add
  nothing); macro-F1 averages over ALL classes, and a class with no gold and no prediction scores F1 = 1 (so rare
  absent classes raise the macro average); labels in the gold that are not in CLASSES are silently dropped by the
  binarizer; duplicates in a row count once.
  Missing/extra rows: the official scorer rejects a prediction file whose ids differ from the gold ids, and rejects
  any predicted label not in CLASSES. We reject unknown predicted labels too (`InputError`), but by default a gold
  row without prediction counts as predicted-empty and predictions for rows not in the gold are ignored (both are
  counted in the result); `strict=True` rejects either, like the official scorer.
Span scores (SemEval-2020 Task 11 scorer, `compute_score_pr`; Da San Martino et al., EMNLP 2019): spans are sets of
  character offsets [start, end). With S the predicted and T the gold spans of an article,
      P(S, T) = 1/|S| * sum_{s in S, t in T} C(s, t, |s|),   R(S, T) = 1/|T| * sum_{s in S, t in T} C(s, t, |t|),
      C(s, t, h) = |s ∩ t| / h * δ(l(s), l(t)),
  summed over all articles before dividing (|S|, |T| = total span counts); F1 = 2PR/(P+R), 0 if P or R is 0, and 1
  if there are no spans on either side. Sums run over ALL pairs, not a max, so overlapping spans must be merged
  first: for "any technique" span identification (SI) labels are ignored and overlapping spans of one article are
  merged into their union (the scorer always merges the gold; it merges submissions under its `-m` option and
  otherwise rejects overlapping ones, we always merge); with labels (FLC-style), only spans of the same technique
  are merged and δ requires equal techniques. Spans that touch without sharing a character are not merged.
  Per-technique P/R use that technique's span counts as denominators.
Strict span F1 (ours, no official counterpart): a predicted (technique, start, end) counts only if exactly that
  triple is in the gold; precision/recall/F1 use the same empty-side conventions as the 2020 scorer.
Calibration: expected calibration error with equal-width bins right-closed like
  `sklearn.calibration.calibration_curve(strategy="uniform")` (bin i holds p in (i/B, (i+1)/B], p = 0 in bin 0):
  ECE = sum_b n_b/N * |mean outcome_b - mean confidence_b|; reliability table per bin; Brier score mean (p - y)^2.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter, defaultdict
from typing import Any, Hashable, Iterable, Mapping, Sequence

from ..errors import InputError
from ..taxonomy import FRAME_NAMES, GENRES, TECHNIQUE_NAMES
from ..types import Article

SpanTuple = tuple[str, int, int]  # (technique, start, end), as in Article.gold["spans"]


# ---------------------------------------------------------------------------------------------------------------
# precision / recall / F1 from counts


def _divide(numerator: float, denominator: float, zero_division: float) -> float:
    return numerator / denominator if denominator else float(zero_division)


def prf_from_counts(tp: int, fp: int, fn: int, zero_division: float = 0.0) -> dict[str, Any]:
    """Precision, recall and F1 as sklearn computes them (`precision_recall_fscore_support`, sklearn >= 1.3).

    F1 = 2TP / (2TP + FP + FN), and `zero_division` when TP + FP + FN = 0. (sklearn < 1.3 derived F1 from P and R,
    which gives the same value for zero_division in {0, 1}; the official scorers use only those two.)
    """
    return {
        "precision": _divide(tp, tp + fp, zero_division),
        "recall": _divide(tp, tp + fn, zero_division),
        "f1": _divide(2 * tp, 2 * tp + fp + fn, zero_division),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "support": tp + fn,
        "predicted": tp + fp,
    }


def _scorer2020_prf(prec_numerator: float, prec_denominator: int, rec_numerator: float,
                    rec_denominator: int) -> tuple[float, float, float]:
    """`compute_prec_rec_f1` of the SemEval-2020 Task 11 scorer."""
    precision = prec_numerator / prec_denominator if prec_denominator > 0 else 0.0
    recall = rec_numerator / rec_denominator if rec_denominator > 0 else 0.0
    f1 = 0.0
    if prec_denominator == 0 and rec_denominator == 0:
        f1 = 1.0
    if precision > 0 and recall > 0:
        f1 = 2 * precision * recall / (precision + recall)
    return precision, recall, f1


# ---------------------------------------------------------------------------------------------------------------
# subtask 1: genre (single-label, 3 classes)


def genre_scores(gold: Mapping[Hashable, str], predicted: Mapping[Hashable, str | None], *,
                 classes: Sequence[str] = GENRES, strict: bool = False) -> dict[str, Any]:
    """Subtask-1 scores: macro-F1 (official ranking metric), micro-F1, accuracy, per-class P/R/F1, confusion.

    `gold` and `predicted` map an example id to a genre. Classes averaged over: the genres occurring in the gold or
    in the predictions (see module docstring). A gold id without prediction (missing or None) is an error unless
    `strict` is False, in which case it counts as wrong: a false negative for its gold class and a false positive
    for no class (it is reported under "missing_predictions", and accuracy counts it wrong).
    """
    allowed = set(classes)
    bad_gold = sorted({label for label in gold.values() if label not in allowed})
    if bad_gold:
        raise InputError(f"unknown genre label(s) in the gold: {', '.join(map(str, bad_gold))}")
    bad_pred = sorted({label for label in predicted.values() if label is not None and label not in allowed})
    if bad_pred:
        raise InputError(f"unknown genre label(s) in the predictions: {', '.join(map(str, bad_pred))}")
    missing = [key for key in gold if predicted.get(key) is None]
    extra = [key for key in predicted if key not in gold]
    if strict and (missing or extra):
        raise InputError(f"prediction ids differ from the gold ids: {len(missing)} missing, {len(extra)} extra")

    pairs = [(label, predicted.get(key)) for key, label in gold.items()]
    labels = sorted({g for g, _ in pairs} | {p for _, p in pairs if p is not None})
    confusion: dict[str, dict[str, int]] = {g: {} for g in labels}
    for g, p in pairs:
        column = p if p is not None else "<missing>"
        confusion[g][column] = confusion[g].get(column, 0) + 1
    per_class = {}
    for label in labels:
        tp = sum(1 for g, p in pairs if g == label and p == label)
        fp = sum(1 for g, p in pairs if g != label and p == label)
        fn = sum(1 for g, p in pairs if g == label and p != label)
        per_class[label] = prf_from_counts(tp, fp, fn, zero_division=0)
    n = len(pairs)
    correct = sum(1 for g, p in pairs if g == p)
    micro = prf_from_counts(correct, n - len(missing) - correct, n - correct, zero_division=0)
    return {
        "n": n,
        "macro_f1": sum(c["f1"] for c in per_class.values()) / len(per_class) if per_class else 0.0,
        "micro_f1": micro["f1"],
        "accuracy": correct / n if n else 0.0,
        "labels": labels,
        "per_class": per_class,
        "confusion": confusion,
        "missing_predictions": len(missing),
        "extra_predictions": len(extra),
    }


# ---------------------------------------------------------------------------------------------------------------
# subtasks 2 and 3: multi-label


def multilabel_scores(gold: Mapping[Hashable, Iterable[str]], predicted: Mapping[Hashable, Iterable[str]], *,
                      classes: Sequence[str], strict: bool = False, zero_division: float = 1.0) -> dict[str, Any]:
    """Micro/macro-F1 and per-class counts of the official subtask-2/3 scorers (MultiLabelBinarizer over `classes`,
    `f1_score(average=..., zero_division=1)`).

    Rows scored: the gold keys. Gold labels outside `classes` are dropped (counted in "ignored_gold_labels"), as the
    binarizer does; predicted labels outside `classes` raise `InputError`, as the scorer rejects the file. A gold key
    without prediction counts as predicted-empty and predicted keys missing from the gold are ignored, unless
    `strict`, which raises `InputError` for either (the official behaviour).
    """
    allowed = set(classes)
    bad_pred = sorted({label for labels in predicted.values() for label in labels if label not in allowed})
    if bad_pred:
        raise InputError(f"unknown label(s) in the predictions: {', '.join(bad_pred)}")
    missing = [key for key in gold if key not in predicted]
    extra = [key for key in predicted if key not in gold]
    if strict and (missing or extra):
        raise InputError(f"prediction ids differ from the gold ids: {len(missing)} missing, {len(extra)} extra")

    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    ignored = 0
    for key, gold_labels in gold.items():
        gold_set = set()
        for label in gold_labels:
            if label in allowed:
                gold_set.add(label)
            else:
                ignored += 1
        pred_set = set(predicted.get(key, ()))
        for label in gold_set & pred_set:
            tp[label] += 1
        for label in pred_set - gold_set:
            fp[label] += 1
        for label in gold_set - pred_set:
            fn[label] += 1
    per_class = {c: prf_from_counts(tp[c], fp[c], fn[c], zero_division) for c in classes}
    micro = prf_from_counts(sum(tp.values()), sum(fp.values()), sum(fn.values()), zero_division)
    return {
        "n": len(gold),
        "micro_f1": micro["f1"],
        "macro_f1": sum(c["f1"] for c in per_class.values()) / len(per_class) if per_class else float(zero_division),
        "micro_precision": micro["precision"],
        "micro_recall": micro["recall"],
        "tp": micro["tp"],
        "fp": micro["fp"],
        "fn": micro["fn"],
        "per_class": per_class,
        "missing_predictions": len(missing),
        "extra_predictions": len(extra),
        "ignored_gold_labels": ignored,
    }


def frame_scores(gold: Mapping[Hashable, Iterable[str]], predicted: Mapping[Hashable, Iterable[str]], *,
                 strict: bool = False) -> dict[str, Any]:
    """Subtask-2 scores over the 14 frames; micro-F1 is the official ranking metric."""
    return multilabel_scores(gold, predicted, classes=FRAME_NAMES, strict=strict)


def technique_scores(gold: Mapping[Hashable, Iterable[str]], predicted: Mapping[Hashable, Iterable[str]], *,
                     strict: bool = False) -> dict[str, Any]:
    """Subtask-3 scores over the 23 techniques; keys are (article id, paragraph line); micro-F1 ranks."""
    return multilabel_scores(gold, predicted, classes=TECHNIQUE_NAMES, strict=strict)


# ---------------------------------------------------------------------------------------------------------------
# span level (SemEval-2020 Task 11 style)


def _check_spans(spans: Mapping[Hashable, Iterable[SpanTuple]], side: str) -> dict[Hashable, list[SpanTuple]]:
    checked: dict[Hashable, list[SpanTuple]] = {}
    for key, items in spans.items():
        rows = []
        for technique, start, end in items:
            if start < 0 or end <= start:
                raise InputError(f"{side} span [{start}, {end}) of article {key} is empty or negative")
            rows.append((technique, int(start), int(end)))
        checked[key] = rows
    return checked


def merge_overlapping(intervals: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Union of intervals that share at least one character (the 2020 scorer's `merge_spans`); touching spans
    such as [0, 5) and [5, 9) stay apart."""
    merged: list[list[int]] = []
    for start, end in sorted(intervals):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _partial_sums(pred: list[tuple[int, int]], gold: list[tuple[int, int]]) -> tuple[float, float]:
    """Sum over all pairs of |s∩t|/|s| and of |s∩t|/|t|."""
    prec = rec = 0.0
    for s in pred:
        for t in gold:
            inter = _overlap(s, t)
            if inter:
                prec += inter / (s[1] - s[0])
                rec += inter / (t[1] - t[0])
    return prec, rec


def span_identification_scores(gold: Mapping[Hashable, Iterable[SpanTuple]],
                               predicted: Mapping[Hashable, Iterable[SpanTuple]]) -> dict[str, Any]:
    """SI ("any technique") precision/recall/F1 with partial credit by character overlap (2020 SI scorer).

    Labels are ignored; overlapping spans of one article are merged on both sides. An article on only one side
    counts with no spans on the other.
    """
    gold_checked, pred_checked = _check_spans(gold, "gold"), _check_spans(predicted, "predicted")
    prec_sum = rec_sum = 0.0
    n_pred = n_gold = 0
    for key in list(gold_checked) + [k for k in pred_checked if k not in gold_checked]:
        gold_spans = merge_overlapping((s, e) for _, s, e in gold_checked.get(key, []))
        pred_spans = merge_overlapping((s, e) for _, s, e in pred_checked.get(key, []))
        p, r = _partial_sums(pred_spans, gold_spans)
        prec_sum += p
        rec_sum += r
        n_pred += len(pred_spans)
        n_gold += len(gold_spans)
    precision, recall, f1 = _scorer2020_prf(prec_sum, n_pred, rec_sum, n_gold)
    return {"precision": precision, "recall": recall, "f1": f1, "predicted_spans": n_pred, "gold_spans": n_gold}


def labelled_span_scores(gold: Mapping[Hashable, Iterable[SpanTuple]],
                         predicted: Mapping[Hashable, Iterable[SpanTuple]], *,
                         classes: Sequence[str] = TECHNIQUE_NAMES) -> dict[str, Any]:
    """Span scores with partial credit where the technique must match (2019/2020 FLC-style scorer).

    Overlapping spans of the same technique are merged per article. Micro scores divide the summed credit by all
    predicted / gold spans; per-technique scores by that technique's counts. "macro_f1" (not an official number)
    averages the per-technique F1 over techniques that occur in the gold or the predictions.
    """
    gold_checked, pred_checked = _check_spans(gold, "gold"), _check_spans(predicted, "predicted")
    prec_sum: dict[str, float] = defaultdict(float)
    rec_sum: dict[str, float] = defaultdict(float)
    n_pred: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    for key in list(gold_checked) + [k for k in pred_checked if k not in gold_checked]:
        gold_by_tech: dict[str, list[tuple[int, int]]] = defaultdict(list)
        pred_by_tech: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for technique, s, e in gold_checked.get(key, []):
            gold_by_tech[technique].append((s, e))
        for technique, s, e in pred_checked.get(key, []):
            pred_by_tech[technique].append((s, e))
        for technique in set(gold_by_tech) | set(pred_by_tech):
            gold_spans = merge_overlapping(gold_by_tech.get(technique, []))
            pred_spans = merge_overlapping(pred_by_tech.get(technique, []))
            p, r = _partial_sums(pred_spans, gold_spans)
            prec_sum[technique] += p
            rec_sum[technique] += r
            n_pred[technique] += len(pred_spans)
            n_gold[technique] += len(gold_spans)
    precision, recall, f1 = _scorer2020_prf(sum(prec_sum.values()), sum(n_pred.values()),
                                            sum(rec_sum.values()), sum(n_gold.values()))
    names = list(classes) + sorted((set(n_pred) | set(n_gold)) - set(classes))
    per_technique = {}
    for technique in names:
        p, r, f = _scorer2020_prf(prec_sum[technique], n_pred[technique], rec_sum[technique], n_gold[technique])
        per_technique[technique] = {"precision": p, "recall": r, "f1": f,
                                    "predicted_spans": n_pred[technique], "gold_spans": n_gold[technique]}
    present = [t for t in names if n_pred[t] or n_gold[t]]
    return {
        "precision": precision, "recall": recall, "f1": f1,
        "macro_f1": sum(per_technique[t]["f1"] for t in present) / len(present) if present else 1.0,
        "predicted_spans": sum(n_pred.values()), "gold_spans": sum(n_gold.values()),
        "per_technique": per_technique,
    }


def strict_span_scores(gold: Mapping[Hashable, Iterable[SpanTuple]],
                       predicted: Mapping[Hashable, Iterable[SpanTuple]], *,
                       classes: Sequence[str] = TECHNIQUE_NAMES) -> dict[str, Any]:
    """Exact-match span F1: a prediction is right only if (technique, start, end) is a gold span of that article.
    Duplicate spans count once."""
    gold_checked, pred_checked = _check_spans(gold, "gold"), _check_spans(predicted, "predicted")
    tp: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    for key in set(gold_checked) | set(pred_checked):
        gold_set = set(gold_checked.get(key, []))
        pred_set = set(pred_checked.get(key, []))
        for technique, _, _ in gold_set & pred_set:
            tp[technique] += 1
        for technique, _, _ in pred_set:
            n_pred[technique] += 1
        for technique, _, _ in gold_set:
            n_gold[technique] += 1
    precision, recall, f1 = _scorer2020_prf(sum(tp.values()), sum(n_pred.values()),
                                            sum(tp.values()), sum(n_gold.values()))
    names = list(classes) + sorted((set(n_pred) | set(n_gold)) - set(classes))
    per_technique = {}
    for technique in names:
        p, r, f = _scorer2020_prf(tp[technique], n_pred[technique], tp[technique], n_gold[technique])
        per_technique[technique] = {"precision": p, "recall": r, "f1": f, "tp": tp[technique],
                                    "predicted_spans": n_pred[technique], "gold_spans": n_gold[technique]}
    return {"precision": precision, "recall": recall, "f1": f1, "tp": sum(tp.values()),
            "predicted_spans": sum(n_pred.values()), "gold_spans": sum(n_gold.values()),
            "per_technique": per_technique}


def span_scores(gold: Mapping[Hashable, Iterable[SpanTuple]], predicted: Mapping[Hashable, Iterable[SpanTuple]],
                *, classes: Sequence[str] = TECHNIQUE_NAMES) -> dict[str, Any]:
    """All three span views: "identification" (SI), "labelled" (partial credit, technique must match), "strict"."""
    gold = {k: list(v) for k, v in gold.items()}
    predicted = {k: list(v) for k, v in predicted.items()}
    return {
        "identification": span_identification_scores(gold, predicted),
        "labelled": labelled_span_scores(gold, predicted, classes=classes),
        "strict": strict_span_scores(gold, predicted, classes=classes),
    }


# ---------------------------------------------------------------------------------------------------------------
# calibration


def _check_probabilities(probabilities: Sequence[float], outcomes: Sequence[int]) -> tuple[list[float], list[int]]:
    probs = [float(p) for p in probabilities]
    ys = [int(y) for y in outcomes]
    if len(probs) != len(ys):
        raise InputError(f"{len(probs)} probabilities but {len(ys)} outcomes")
    if any(not (0.0 <= p <= 1.0) or math.isnan(p) for p in probs):
        raise InputError("probabilities must lie in [0, 1]")
    if any(y not in (0, 1) for y in ys):
        raise InputError("outcomes must be 0 or 1")
    return probs, ys




def reliability_table(probabilities: Sequence[float], outcomes: Sequence[int], n_bins: int = 10) -> list[dict]:
    """One row per equal-width bin: its bounds, how many predictions fall in it, their mean confidence and the
    observed frequency of the outcome (None for empty bins), and the gap |frequency - confidence|."""
    if n_bins < 1:
        raise InputError("n_bins must be at least 1")
    probs, ys = _check_probabilities(probabilities, outcomes)
    # right-closed bins (i/B, (i+1)/B]: the bin index is the number of inner edges strictly below p
    inner_edges = [i / n_bins for i in range(1, n_bins)]
    sums = [[0, 0.0, 0] for _ in range(n_bins)]  # count, sum of p, sum of y
    for p, y in zip(probs, ys):
        row = sums[bisect_left(inner_edges, p)]
        row[0] += 1
        row[1] += p
        row[2] += y
    table = []
    for i, (count, p_sum, y_sum) in enumerate(sums):
        confidence = p_sum / count if count else None
        frequency = y_sum / count if count else None
        table.append({
            "lower": i / n_bins, "upper": (i + 1) / n_bins, "count": count,
            "mean_confidence": confidence, "observed_frequency": frequency,
            "gap": abs(frequency - confidence) if count else None,
        })
    return table


def expected_calibration_error(probabilities: Sequence[float], outcomes: Sequence[int], n_bins: int = 10) -> float:
    """ECE = sum over bins of (bin size / N) * |observed frequency - mean confidence| (equal-width bins)."""
    table = reliability_table(probabilities, outcomes, n_bins)
    total = sum(row["count"] for row in table)
    if not total:
        raise InputError("no predictions to compute the calibration error on")
    return sum(row["count"] / total * row["gap"] for row in table if row["count"])


def brier_score(probabilities: Sequence[float], outcomes: Sequence[int]) -> float:
    """Mean squared difference between the predicted probability and the 0/1 outcome."""
    probs, ys = _check_probabilities(probabilities, outcomes)
    if not probs:
        raise InputError("no predictions to compute the Brier score on")
    return sum((p - y) ** 2 for p, y in zip(probs, ys)) / len(probs)


def calibration_report(probabilities: Sequence[float], outcomes: Sequence[int], n_bins: int = 10) -> dict[str, Any]:
    """ECE, Brier score and the reliability table of binary probability predictions."""
    probs, ys = _check_probabilities(probabilities, outcomes)
    if not probs:
        return {"n": 0, "ece": None, "brier": None, "bins": []}
    return {"n": len(probs), "ece": expected_calibration_error(probs, ys, n_bins),
            "brier": brier_score(probs, ys), "bins": reliability_table(probs, ys, n_bins)}


# ---------------------------------------------------------------------------------------------------------------
# gold and predictions out of Articles


def article_keys(articles: Sequence[Article], unique: bool = False) -> list[str]:
    """The key each article is scored under: its id; a repeated id (PTC-2020 and SemEval-2023 share ids) gets
    "#2", "#3"... appended, or raises `InputError` if `unique` (the submission formats cannot hold repeats)."""
    seen: Counter[str] = Counter()
    keys = []
    for article in articles:
        seen[article.id] += 1
        if seen[article.id] > 1:
            if unique:
                raise InputError(f"article id {article.id!r} occurs more than once")
            keys.append(f"{article.id}#{seen[article.id]}")
        else:
            keys.append(article.id)
    return keys


def _dedupe(labels: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(labels))


def gold_genres(articles: Sequence[Article]) -> dict[str, str]:
    return {key: a.gold["genre"] for key, a in zip(article_keys(articles), articles) if a.gold.get("genre")}


def predicted_genres(articles: Sequence[Article]) -> dict[str, str | None]:
    return {key: (a.genre or {}).get("label") for key, a in zip(article_keys(articles), articles)}


def gold_frames(articles: Sequence[Article]) -> dict[str, list[str]]:
    return {key: list(a.gold["frames"]) for key, a in zip(article_keys(articles), articles) if "frames" in a.gold}


def predicted_frames(articles: Sequence[Article]) -> dict[str, list[str]]:
    return {key: _dedupe(f["frame"] for f in a.frames) for key, a in zip(article_keys(articles), articles)}


def gold_paragraph_techniques(articles: Sequence[Article]) -> dict[tuple[str, int], list[str]]:
    result = {}
    for key, article in zip(article_keys(articles), articles):
        for line, labels in sorted(article.gold.get("paragraphs", {}).items()):
            result[(key, int(line))] = list(labels)
    return result


def predicted_paragraph_techniques(articles: Sequence[Article]) -> dict[tuple[str, int], list[str]]:
    return {(key, p.line): _dedupe(p.techniques)
            for key, article in zip(article_keys(articles), articles) for p in article.paragraphs}


def gold_spans(articles: Sequence[Article]) -> dict[str, list[SpanTuple]]:
    return {key: [tuple(s) for s in a.gold["spans"]]
            for key, a in zip(article_keys(articles), articles) if "spans" in a.gold}


def predicted_spans(articles: Sequence[Article]) -> dict[str, list[SpanTuple]]:
    return {key: [(s.technique, s.start, s.end) for s in a.spans] for key, a in zip(article_keys(articles), articles)}


def _with_gold(articles: Sequence[Article], field: str) -> list[Article]:
    return [a for a in articles if field in a.gold]


def genre_scores_from_articles(articles: Sequence[Article], strict: bool = False) -> dict[str, Any]:
    """Subtask 1 over the articles with a gold genre (prediction: `article.genre["label"]`)."""
    scored = _with_gold(articles, "genre")
    return genre_scores(gold_genres(scored), predicted_genres(scored), strict=strict)


def frame_scores_from_articles(articles: Sequence[Article], strict: bool = False) -> dict[str, Any]:
    """Subtask 2 over the articles with gold frames (prediction: the frames in `article.frames`)."""
    scored = _with_gold(articles, "frames")
    return frame_scores(gold_frames(scored), predicted_frames(scored), strict=strict)


def technique_scores_from_articles(articles: Sequence[Article], strict: bool = False) -> dict[str, Any]:
    """Subtask 3 over the template lines (`gold["paragraphs"]`) of the articles that have them. Segmentation lines
    that are not template lines (some non-English titles) are extra predictions and ignored unless `strict`."""
    scored = _with_gold(articles, "paragraphs")
    return technique_scores(gold_paragraph_techniques(scored), predicted_paragraph_techniques(scored), strict=strict)


def span_scores_from_articles(articles: Sequence[Article]) -> dict[str, Any]:
    """Span scores over the articles with gold spans (prediction: `article.spans`)."""
    scored = _with_gold(articles, "spans")
    return span_scores(gold_spans(scored), predicted_spans(scored))


def technique_calibration_from_articles(articles: Sequence[Article], n_bins: int = 10) -> dict[str, Any]:
    """Calibration of paragraph technique probabilities (`Paragraph.technique_scores`) against the gold labels of
    the template lines: one (probability, outcome) pair per scored paragraph and technique it has a score for."""
    probabilities, outcomes = [], []
    for article in _with_gold(articles, "paragraphs"):
        by_line = {p.line: p for p in article.paragraphs}
        for line, labels in article.gold["paragraphs"].items():
            paragraph = by_line.get(int(line))
            if paragraph is None:
                continue
            for technique, p in paragraph.technique_scores.items():
                probabilities.append(float(p))
                outcomes.append(int(technique in labels))
    return calibration_report(probabilities, outcomes, n_bins)


def multiclass_brier_score(probabilities: Sequence[Mapping[str, float]], gold: Sequence[str],
                           classes: Sequence[str]) -> float:
    """Mean over examples of sum over classes of (p_k - [gold == k])^2 (Brier's original multi-class form)."""
    if len(probabilities) != len(gold) or not gold:
        raise InputError("need one probability distribution per gold label, and at least one")
    total = 0.0
    for dist, label in zip(probabilities, gold):
        total += sum((float(dist.get(c, 0.0)) - (1.0 if c == label else 0.0)) ** 2 for c in classes)
    return total / len(gold)


def genre_calibration_from_articles(articles: Sequence[Article], n_bins: int = 10) -> dict[str, Any]:
    """Top-label calibration of the genre classifier (confidence of the predicted genre vs whether it is right:
    "ece", "bins", "top_label_brier") plus the multi-class Brier score over the three genres ("brier")."""
    confidences, correct, dists, golds = [], [], [], []
    for article in _with_gold(articles, "genre"):
        if not article.genre or not article.genre.get("probabilities"):
            continue
        dist = article.genre["probabilities"]
        label = article.genre.get("label") or max(dist, key=dist.get)
        confidences.append(float(dist.get(label, 0.0)))
        correct.append(int(label == article.gold["genre"]))
        dists.append(dist)
        golds.append(article.gold["genre"])
    report = calibration_report(confidences, correct, n_bins)
    report["top_label_brier"] = report.pop("brier")
    report["brier"] = multiclass_brier_score(dists, golds, GENRES) if golds else None
    return report


def evaluate_articles(articles: Sequence[Article], n_bins: int = 10) -> dict[str, Any]:
    """Every score the gold labels of `articles` allow: "genre", "frames", "techniques" (paragraph level), "spans",
    and "calibration" of whatever probabilities the predictions carry. Sections without gold are left out."""
    report: dict[str, Any] = {"n_articles": len(articles)}
    if any("genre" in a.gold for a in articles):
        report["genre"] = genre_scores_from_articles(articles)
    if any("frames" in a.gold for a in articles):
        report["frames"] = frame_scores_from_articles(articles)
    if any("paragraphs" in a.gold for a in articles):
        report["techniques"] = technique_scores_from_articles(articles)
    if any("spans" in a.gold for a in articles):
        report["spans"] = span_scores_from_articles(articles)
    calibration = {}
    technique_cal = technique_calibration_from_articles(articles, n_bins)
    if technique_cal["n"]:
        calibration["techniques"] = technique_cal
    genre_cal = genre_calibration_from_articles(articles, n_bins)
    if genre_cal["n"]:
        calibration["genre"] = genre_cal
    if calibration:
        report["calibration"] = calibration
    return report


# ---------------------------------------------------------------------------------------------------------------
# text table for the CLI


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]], left: Sequence[int] = (0,)) -> list[str]:
    cells = [list(header)] + [[_fmt(v) for v in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(c.ljust(w) if i in left else c.rjust(w)
                               for i, (c, w) in enumerate(zip(row, widths))).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def _class_row(name: str, counts: Mapping[str, Any]) -> tuple:
    # P with no predictions and R with no gold are undefined: shown as "-" (the dict keeps sklearn's
    # zero_division value, which is what the official averages use)
    return (name, counts["precision"] if counts["predicted"] else None, counts["recall"] if counts["support"] else None,
            counts["f1"], counts["support"], counts["predicted"])


def format_report_table(report: Mapping[str, Any]) -> str:
    """Plain-text rendering of an `evaluate_articles` report (headline numbers, then per-class tables)."""
    # evaluate_articles says n_articles; the cross-validation reports (train.evaluate_component) say articles
    lines = [f"articles: {report.get('n_articles', report.get('articles', '-'))}"]
    headline = []
    if "genre" in report:
        g = report["genre"]
        headline.append(("subtask 1 genre (macro-F1)", g["macro_f1"], f"micro-F1 {_fmt(g['micro_f1'])}, n={g['n']}"))
    if "frames" in report:
        f = report["frames"]
        headline.append(("subtask 2 frames (micro-F1)", f["micro_f1"], f"macro-F1 {_fmt(f['macro_f1'])}, n={f['n']}"))
    if "techniques" in report:
        t = report["techniques"]
        headline.append(("subtask 3 techniques (micro-F1)", t["micro_f1"],
                         f"macro-F1 {_fmt(t['macro_f1'])}, paragraphs={t['n']}"))
    if "spans" in report:
        s = report["spans"]
        headline.append(("spans, any technique (SI F1)", s["identification"]["f1"],
                         f"P {_fmt(s['identification']['precision'])}, R {_fmt(s['identification']['recall'])}"))
        headline.append(("spans, technique must match (F1)", s["labelled"]["f1"],
                         f"P {_fmt(s['labelled']['precision'])}, R {_fmt(s['labelled']['recall'])}"))
        headline.append(("spans, exact match (F1)", s["strict"]["f1"],
                         f"P {_fmt(s['strict']['precision'])}, R {_fmt(s['strict']['recall'])}"))
    for name, cal in report.get("calibration", {}).items():
        headline.append((f"calibration {name} (ECE)", cal["ece"], f"Brier {_fmt(cal['brier'])}, n={cal['n']}"))
    if headline:
        lines += [""] + _table(("metric", "value", "details"), headline, left=(0, 2))
    if "genre" in report:
        rows = [_class_row(label, c) for label, c in report["genre"]["per_class"].items()]
        lines += ["", "genre"] + _table(("class", "P", "R", "F1", "gold", "pred"), rows)
    if "techniques" in report:
        per = report["techniques"]["per_class"]
        rows = [_class_row(name, c) for name, c in sorted(per.items(), key=lambda kv: (-kv[1]["support"], kv[0]))]
        lines += ["", "paragraph techniques"] + _table(("technique", "P", "R", "F1", "gold", "pred"), rows)
    if "spans" in report:
        per = report["spans"]["labelled"]["per_technique"]
        rows = [(name, c["precision"], c["recall"], c["f1"], c["gold_spans"], c["predicted_spans"])
                for name, c in sorted(per.items(), key=lambda kv: (-kv[1]["gold_spans"], kv[0]))
                if c["gold_spans"] or c["predicted_spans"]]
        if rows:
            lines += ["", "spans, technique must match"] + _table(("technique", "P", "R", "F1", "gold", "pred"), rows)
    return "\n".join(lines)
