"""Shared helpers for the technique-detector experiments: data, article-grouped folds, metrics.

Metrics follow the SemEval definitions (subtask-3 micro/macro-F1 over (article, line, technique) for every template
line; SemEval-2020 SI-style character-overlap span F1). When `spinscope.evaluation.metrics` provides them, those are
used instead of the local fallbacks so there is one definition.
"""

from __future__ import annotations

import copy
import json
import os
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from spinscope.data import default_data_root, load_ptc2020, load_semeval2023
from spinscope.detectors.span_tagger import merge as merge_touching
from spinscope.segment import segment
from spinscope.taxonomy import TECHNIQUE_NAMES
from spinscope.types import Article

CACHE = Path(os.environ.get("SPINSCOPE_EXPERIMENT_CACHE", "/tmp/spinscope_techniques"))
CACHE.mkdir(parents=True, exist_ok=True)


def parse_params(items: list[str]) -> dict:
    """`key=value` command-line items as detector parameters (values read as JSON when they parse)."""
    params = {}
    for item in items:
        key, _, value = item.partition("=")
        try:
            params[key] = json.loads(value)
        except ValueError:
            params[key] = value
    return params


def load_language(folder_name: str = "en") -> list[Article]:
    root = default_data_root() / "semeval2023" / folder_name
    return [a for a in load_semeval2023(root) if "paragraphs" in a.gold]


def load_ptc() -> list[Article]:
    return load_ptc2020(default_data_root() / "ptc2020")


def group_folds(articles: list[Article], n_folds: int = 5, seed: int = 0) -> list[np.ndarray]:
    """Article-grouped folds by id (shared ids across corpora land in the same fold).

    n_folds=0 means the "batch" split instead: the 7xxxxxxxx articles against all the others (other ids come
    from other collection rounds), a harsher test of generalisation to unseen sources and topics."""
    if n_folds == 0:
        batch = np.asarray([a.id.startswith("7") for a in articles])
        return [np.flatnonzero(batch), np.flatnonzero(~batch)]
    ids = sorted({a.id for a in articles})
    rng = np.random.default_rng(seed)
    rng.shuffle(ids)
    fold_of = {g: i % n_folds for i, g in enumerate(ids)}
    assignment = np.asarray([fold_of[a.id] for a in articles])
    return [np.flatnonzero(assignment == k) for k in range(n_folds)]


def blank_copy(article: Article) -> Article:
    """The article as the pipeline would see it: text and metadata only, segmented."""
    fresh = Article(text=article.text, id=article.id, title=article.title, language=article.language)
    return segment(fresh)


# ---------------------------------------------------------------------------------------------------- metrics


def paragraph_f1(gold: dict[str, dict[int, list[str]]], predicted: dict[str, dict[int, list[str]]],
                 restrict: set[str] | None = None) -> dict:
    """Subtask-3 micro/macro F1 over (article, line, technique), all template lines of the gold articles."""
    tp, fp, fn = defaultdict(int), defaultdict(int), defaultdict(int)
    for article_id, lines in gold.items():
        if restrict is not None and article_id not in restrict:
            continue
        for line, gold_techniques in lines.items():
            g = set(gold_techniques)
            p = set(predicted.get(article_id, {}).get(line, []))
            for t in g & p:
                tp[t] += 1
            for t in p - g:
                fp[t] += 1
            for t in g - p:
                fn[t] += 1
    TP, FP, FN = sum(tp.values()), sum(fp.values()), sum(fn.values())
    precision = TP / (TP + FP) if TP + FP else 0.0
    recall = TP / (TP + FN) if TP + FN else 0.0
    micro = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    per = {}
    for t in TECHNIQUE_NAMES:
        if tp[t] + fn[t] == 0 and fp[t] == 0:
            continue
        denominator = 2 * tp[t] + fp[t] + fn[t]
        per[t] = {"f1": 2 * tp[t] / denominator if denominator else 0.0, "support": tp[t] + fn[t],
                  "predicted": tp[t] + fp[t]}
    with_support = [v["f1"] for v in per.values() if v["support"] > 0]
    return {"micro_f1": micro, "precision": precision, "recall": recall,
            "macro_f1": float(np.mean(with_support)) if with_support else 0.0, "per_technique": per}


def span_hits_gold(span, gold_spans) -> bool:
    """What a span's confidence claims (the "span ECE" outcome): it overlaps a gold span of its technique."""
    return any(t == span.technique and min(span.end, e) > max(span.start, b) for t, b, e in gold_spans)


def expected_calibration_error(probabilities: np.ndarray, outcomes: np.ndarray, bins: int = 15) -> float:
    probabilities, outcomes = np.asarray(probabilities, float), np.asarray(outcomes, float)
    if len(probabilities) == 0:
        return 0.0
    edges = np.linspace(0, 1, bins + 1)
    index = np.clip(np.digitize(probabilities, edges[1:-1]), 0, bins - 1)
    error = 0.0
    for b in range(bins):
        mask = index == b
        if mask.any():
            error += mask.mean() * abs(probabilities[mask].mean() - outcomes[mask].mean())
    return float(error)


def span_scores(gold: dict[str, list[tuple[str, int, int]]], predicted: dict[str, list[tuple[str, int, int]]]) -> dict:
    """Span F1s: SI-style character overlap (technique-agnostic, SemEval-2020 task SI), any-overlap match
    (technique-agnostic), overlap match with the same technique, and strict (same technique, exact offsets)."""
    si_p_num = si_p_den = si_r_num = si_r_den = 0.0
    ov_p = ov_pn = ov_r = ov_rn = 0
    tov_p = tov_pn = tov_r = tov_rn = 0
    strict_tp = strict_pn = strict_gn = 0
    for article_id in gold:
        g_all = gold[article_id]
        p_all = predicted.get(article_id, [])
        g = merge_touching([(s, e) for _, s, e in g_all])
        p = merge_touching([(s, e) for _, s, e in p_all])
        for s, e in p:
            si_p_num += sum(max(0, min(e, ge) - max(s, gs)) for gs, ge in g) / (e - s)
        for s, e in g:
            si_r_num += sum(max(0, min(e, pe) - max(s, ps)) for ps, pe in p) / (e - s)
        si_p_den += len(p)
        si_r_den += len(g)
        for s, e in p:
            ov_p += any(min(e, ge) > max(s, gs) for gs, ge in g)
        ov_pn += len(p)
        for s, e in g:
            ov_r += any(min(e, pe) > max(s, ps) for ps, pe in p)
        ov_rn += len(g)
        for t, s, e in p_all:
            tov_p += any(gt == t and min(e, ge) > max(s, gs) for gt, gs, ge in g_all)
        tov_pn += len(p_all)
        for t, s, e in g_all:
            tov_r += any(pt == t and min(e, pe) > max(s, ps) for pt, ps, pe in p_all)
        tov_rn += len(g_all)
        strict_tp += len(set(g_all) & set(p_all))
        strict_pn += len(set(p_all))
        strict_gn += len(set(g_all))

    def f1(p, r):
        return 2 * p * r / (p + r) if p + r else 0.0

    si_p = si_p_num / si_p_den if si_p_den else 0.0
    si_r = si_r_num / si_r_den if si_r_den else 0.0
    op, orr = (ov_p / ov_pn if ov_pn else 0.0), (ov_r / ov_rn if ov_rn else 0.0)
    tp_, tr_ = (tov_p / tov_pn if tov_pn else 0.0), (tov_r / tov_rn if tov_rn else 0.0)
    sp_, sr_ = (strict_tp / strict_pn if strict_pn else 0.0), (strict_tp / strict_gn if strict_gn else 0.0)
    return {"si_f1": f1(si_p, si_r), "si_precision": si_p, "si_recall": si_r,
            "any_overlap_f1": f1(op, orr), "any_overlap_precision": op, "any_overlap_recall": orr,
            "technique_overlap_f1": f1(tp_, tr_), "strict_f1": f1(sp_, sr_)}


# ---------------------------------------------------------------------------------------------------- CV driver


def _evaluate(articles: list[Article], predictions: dict[str, Article]) -> dict:
    gold_paragraphs = {a.id: {int(k): v for k, v in a.gold["paragraphs"].items()} for a in articles}
    gold_spans = {a.id: [tuple(s) for s in a.gold.get("spans", [])] for a in articles}
    predicted_paragraphs, predicted_spans = {}, {}
    probability_rows, outcome_rows, span_confidences, span_correct = [], [], [], []
    for article_id, article in predictions.items():
        predicted_paragraphs[article_id] = {p.line: list(p.techniques) for p in article.paragraphs}
        predicted_spans[article_id] = [(s.technique, s.start, s.end) for s in article.spans]
        gold_lines = gold_paragraphs[article_id]
        for p in article.paragraphs:
            g = set(gold_lines.get(p.line, []))
            for t in TECHNIQUE_NAMES:
                probability_rows.append(p.technique_scores.get(t, 0.0))
                outcome_rows.append(t in g)
        for s in article.spans:
            span_confidences.append(s.confidence)
            span_correct.append(span_hits_gold(s, gold_spans[article_id]))
    reporting = {a.id for a in articles if a.gold.get("genre") == "reporting"}
    probability_rows, outcome_rows = np.asarray(probability_rows), np.asarray(outcome_rows)
    relevant = probability_rows >= 0.05
    official = {}
    try:  # the project's official metric definitions, when present
        from spinscope.evaluation.metrics import evaluate_articles

        gold_by_id = {a.id: a.gold for a in articles}
        scored = []
        for article_id, article in predictions.items():
            article.gold = gold_by_id[article_id]
            scored.append(article)
        report = evaluate_articles(scored)
        official = {
            "paragraph_micro_f1": report["techniques"]["micro_f1"],
            "paragraph_macro_f1_all_23_zero_division_1": report["techniques"]["macro_f1"],
            "span_identification": report["spans"]["identification"],
            "span_labelled_micro": {k: v for k, v in report["spans"]["labelled"].items()
                                    if not isinstance(v, dict)},
            "span_strict": {k: v for k, v in report["spans"]["strict"].items() if not isinstance(v, dict)},
            "ece_paragraph_10_bins": report["calibration"]["techniques"]["ece"],
            "per_technique_f1": {t: v["f1"] for t, v in report["techniques"]["per_class"].items()},
        }
    except ImportError:
        pass
    return {
        "official": official,
        "paragraph": paragraph_f1(gold_paragraphs, predicted_paragraphs),
        "paragraph_reporting_only": paragraph_f1(gold_paragraphs, predicted_paragraphs, reporting),
        "spans": span_scores(gold_spans, predicted_spans),
        "ece_paragraph_all_pairs": expected_calibration_error(probability_rows, outcome_rows),
        "ece_paragraph_pairs_p_ge_0.05": expected_calibration_error(probability_rows[relevant],
                                                                     outcome_rows[relevant]),
        "ece_spans": expected_calibration_error(np.asarray(span_confidences), np.asarray(span_correct)),
        "n_spans_predicted": len(span_confidences),
        "n_spans_gold": sum(len(v) for v in gold_spans.values()),
    }


def cross_validate(make_detector, articles: list[Article], n_folds: int = 5, seed: int = 0,
                   extra_training: list[Article] | None = None, variants: dict | None = None, log=print) -> dict:
    """Outer article-grouped CV. `variants` maps a name to a function that adjusts a fitted detector in place
    (e.g. another threshold rule) so several post-fit choices are scored from one set of fits.
    Returns {variant name: metrics}; the unadjusted detector is "default"."""
    variants = {"default": None, **(variants or {})}
    folds = group_folds(articles, n_folds, seed)
    predictions: dict[str, dict[str, Article]] = {name: {} for name in variants}
    started = time.time()
    for k, held_out in enumerate(folds):
        test_ids = {articles[i].id for i in held_out}
        held = set(held_out.tolist())
        train = [a for i, a in enumerate(articles) if i not in held]
        if extra_training:
            train = train + [a for a in extra_training if a.id not in test_ids]
        base = make_detector().fit(copy.deepcopy(train))
        for language, model in getattr(base, "models_", {}).items():
            if getattr(model, "tagger", None) is not None:
                log(f"fold {k + 1} {language}: tagger threshold/gap/flagged-only {model.tagger_settings.tolist()} "
                    f"calibration {model.tagger_calibration.round(3).tolist()} "
                    f"inner SI F1 {base.oof_[language].get('tagger_inner_si_f1', float('nan')):.3f}")
        for name, adjust in variants.items():
            detector = base
            if adjust is not None:
                detector = copy.deepcopy(base)
                adjust(detector)
            for i in held_out:
                article = blank_copy(articles[i])
                detector.annotate(article)
                predictions[name][article.id] = article
        log(f"fold {k + 1}/{len(folds)} done at {time.time() - started:.0f}s")
    results = {name: _evaluate(articles, predictions[name]) for name in variants}
    for result in results.values():
        result["seconds"] = time.time() - started
    return results


def summary_line(name: str, result: dict) -> str:
    p, r, s = result["paragraph"], result["paragraph_reporting_only"], result["spans"]
    return (f"{name}: micro-F1 {p['micro_f1']:.3f} (P {p['precision']:.3f} R {p['recall']:.3f}) macro {p['macro_f1']:.3f}"
            f" | reporting-only micro {r['micro_f1']:.3f} | span SI {s['si_f1']:.3f} any-overlap "
            f"{s['any_overlap_f1']:.3f} tech-overlap {s['technique_overlap_f1']:.3f} strict {s['strict_f1']:.3f}"
            f" | ECE all {result['ece_paragraph_all_pairs']:.3f} p>=.05 {result['ece_paragraph_pairs_p_ge_0.05']:.3f}"
            f" spans {result['ece_spans']:.3f} | {result['seconds']:.0f}s")


def save_result(name: str, params: dict, result: dict) -> None:
    out = CACHE / "results.jsonl"
    with out.open("a") as handle:
        handle.write(json.dumps({"name": name, "params": params, "result": result}, default=str) + "\n")
