"""Span decoding with the encoder: mixing weight, threshold, gap joining and a second ("seed") threshold, chosen
by leave-one-fold-out over the five outer folds whose encoders `encoder_folds.py` fine-tuned.

    python experiments/techniques/decoding_explore.py capture [--encoders /tmp/spinscope_encoders]   # ~3 min
    python experiments/techniques/decoding_explore.py grid
    python experiments/techniques/decoding_explore.py stack [--C 1]     # a learned per-word mix instead, ~1 min
    python experiments/techniques/decoding_explore.py gate              # encoder gate, offline estimate, seconds
    python experiments/techniques/decoding_explore.py gate-real --gates 0.02 0 0.05   # the detector's own gate

`capture` annotates every fold's held-out articles once with that fold's detector and encoder and keeps, per
sentence the tagger reads, the CRF's and the encoder's per-word P(inside) and P(begin), plus the sentence spans
the detector backfills into flagged paragraphs where the tagger finds nothing. `grid` re-decodes those words under
every setting and scores SI F1 offline (the same spans the detector would emit: tagged spans plus backfill).

(The grid in RESULTS.md was captured before the encoder ran its windows one at a time; the detector's SI F1 at
the default moved from 0.4257 to 0.4265 with that change.)

Honest estimate: for each fold, the setting with the best pooled SI F1 on the other four folds is scored on it;
those held-out predictions are pooled. The shipped default (w 0.5, threshold 0.25, the CRF's own gap) was fixed
on fold 0 earlier, so its pooled figure is slightly flattered.
"""
from __future__ import annotations

import argparse
import itertools
import json
import pickle
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from common import (CACHE, blank_copy, expected_calibration_error, group_folds, load_language,  # noqa: E402
                    span_hits_gold)

from spinscope.detectors import span_tagger  # noqa: E402
from spinscope.detectors.base import load_detector  # noqa: E402
from spinscope.detectors.techniques import TechniqueDetector  # noqa: E402
from spinscope.evaluation.metrics import span_identification_scores  # noqa: E402

CAPTURED = CACHE / "decoding_capture.pkl"
CAPTURE_WEIGHT = 0.5  # the mix the capture runs at; the encoder's part is recovered from it exactly


def capture(encoders: Path, n_folds: int) -> None:
    articles = load_language("en")
    records: dict[str, dict] = {}
    crf_out: list = []
    original_crf = span_tagger.CrfTagger.inside_probabilities
    original_tagged = span_tagger.tagged_spans

    def crf_probabilities(self, features):
        result = original_crf(self, features)
        crf_out.append(result)
        return result

    def tagged(text, tokens, inside, begin, threshold, gap, sentence_mode):
        crf_inside, crf_begin = crf_out.pop(0)  # the detector runs the CRF on every sentence first, in order
        w = CAPTURE_WEIGHT
        current["sentences"].append({
            "tokens": list(tokens), "crf": (crf_inside, crf_begin),
            "encoder": ((inside - (1 - w) * crf_inside) / w, (begin - (1 - w) * crf_begin) / w),
            "gap": gap, "sentence_mode": sentence_mode})
        return original_tagged(text, tokens, inside, begin, threshold, gap, sentence_mode)

    span_tagger.CrfTagger.inside_probabilities = crf_probabilities
    span_tagger.tagged_spans = tagged
    for k, held in enumerate(group_folds(articles, n_folds)):
        detector: TechniqueDetector = load_detector(encoders / f"detector_fold{k}of{n_folds}")
        # gate 0: every sentence mixed, so the encoder's share can be recovered from the mix everywhere
        detector.set_params(encoder_weight=CAPTURE_WEIGHT, encoder_gate=0.0,
                            span_encoder=str(encoders / f"fold{k}of{n_folds}"))
        for i in held:
            gold = articles[i]
            current = {"fold": k, "sentences": [], "gold": [tuple(s) for s in gold.gold.get("spans", [])]}
            article = detector.annotate(blank_copy(gold))
            current["paragraphs"] = [(p.start, p.end, bool(p.techniques)) for p in article.paragraphs]
            # backfill: what the detector adds to a flagged paragraph when the tagger finds nothing in it
            saved_tag = detector._tag_spans
            detector._tag_spans = lambda *args, **kwargs: ({}, None)
            bare = detector.annotate(blank_copy(gold))
            detector._tag_spans = saved_tag
            current["backfill"] = [(s.start, s.end) for s in bare.spans]
            current["shipped"] = [(s.start, s.end) for s in article.spans]
            current["text"] = gold.text
            records[gold.id] = current
            crf_out.clear()
        print(f"fold {k}: {len(held)} articles", flush=True)
    CAPTURED.write_bytes(pickle.dumps(records))


def decode_article(record: dict, weight: float, threshold: float, gap: int | None, seed: float,
                   gate: float = 0.0, crf_threshold: float = 0.12, stacked: list | None = None) -> list[tuple]:
    """The spans the detector would emit under one decoding setting (gap None = the CRF's own). A sentence whose
    largest CRF P(inside) is below `gate` is decoded by the CRF alone at its own threshold (the encoder skipped).
    `stacked`: per sentence, a P(inside) to decode instead of the weighted mix."""
    text = record["text"]
    spans, tagged_paragraphs = [], set()
    starts = [p[0] for p in record["paragraphs"]]
    for k, sentence in enumerate(record["sentences"]):
        tokens = sentence["tokens"]
        if stacked is not None:
            inside = stacked[k]
            begin = np.minimum(inside, (1 - weight) * sentence["crf"][1] + weight * sentence["encoder"][1])
            cut = threshold
        elif sentence["crf"][0].max() < gate:
            inside, begin, cut = sentence["crf"][0], sentence["crf"][1], crf_threshold
        else:
            inside = (1 - weight) * sentence["crf"][0] + weight * sentence["encoder"][0]
            begin = (1 - weight) * sentence["crf"][1] + weight * sentence["encoder"][1]
            cut = threshold
        raw = span_tagger.decode(text, tokens, inside, begin, cut)
        if seed > cut:  # keep a run only when one of its words reaches the seed threshold
            token_starts = np.asarray([s for s, _ in tokens])
            raw = [(s, e, c) for s, e, c in raw
                   if inside[np.searchsorted(token_starts, s):np.searchsorted(token_starts, e)].max() >= seed]
        shaped = span_tagger.shape_spans(text, tokens, raw, sentence["gap"] if gap is None else gap,
                                         sentence["sentence_mode"])
        if shaped:
            tagged_paragraphs.add(int(np.searchsorted(starts, tokens[0][0], side="right")) - 1)
        spans.extend(("x", s, e) for s, e, _ in shaped)
    for s, e in record["backfill"]:
        i = int(np.searchsorted(starts, s, side="right")) - 1
        if record["paragraphs"][i][2] and i not in tagged_paragraphs:
            spans.append(("x", s, e))
    return spans


def si(records: dict, ids, predictions: dict) -> dict:
    return span_identification_scores({a: records[a]["gold"] for a in ids}, {a: predictions[a] for a in ids})


def grid() -> None:
    records = pickle.loads(CAPTURED.read_bytes())
    by_fold: dict[int, list[str]] = {}
    for article_id, record in records.items():
        by_fold.setdefault(record["fold"], []).append(article_id)
    settings = list(itertools.product((0.4, 0.5, 0.6, 0.7), (0.2, 0.25, 0.3, 0.35), (None, 0, 2), (0.0, 0.4, 0.5)))
    default = (0.5, 0.25, None, 0.0)
    if default not in settings:
        settings.append(default)
    # sanity: the default re-decoded offline must give the spans the detector emitted
    check = {a: decode_article(r, *default) for a, r in records.items()}
    shipped = {a: [("x", s, e) for s, e in r["shipped"]] for a, r in records.items()}
    print("offline default vs detector's own spans:", json.dumps({
        "offline": round(si(records, records, check)["f1"], 4), "detector": round(si(records, records, shipped)["f1"], 4)}))
    per_setting: dict[tuple, dict[str, list]] = {}
    fold_f1: dict[tuple, dict[int, dict]] = {}
    for setting in settings:
        predictions = {a: decode_article(r, *setting) for a, r in records.items()}
        per_setting[setting] = predictions
        fold_f1[setting] = {k: si(records, ids, predictions) for k, ids in by_fold.items()}
    pooled = {s: si(records, records, per_setting[s])["f1"] for s in settings}
    for s in sorted(settings, key=lambda s: -pooled[s])[:15]:
        print(json.dumps({"setting": s, "pooled_si_f1": round(pooled[s], 4),
                          "folds": [round(fold_f1[s][k]["f1"], 3) for k in sorted(by_fold)]}))
    # leave one fold out: choose on the other four folds (pooled), score on the held-out one
    honest, chosen = {}, {}
    for k, ids in by_fold.items():
        others = [a for j, other in by_fold.items() if j != k for a in other]
        best = max(settings, key=lambda s: si(records, others, per_setting[s])["f1"])
        chosen[k] = best
        honest.update({a: per_setting[best][a] for a in ids})
    result = si(records, records, honest)
    base = si(records, records, per_setting[default])
    print(json.dumps({"leave_one_fold_out": {"f1": round(result["f1"], 4), "precision": round(result["precision"], 4),
                                             "recall": round(result["recall"], 4)},
                      "chosen": {k: chosen[k] for k in sorted(chosen)},
                      "per_fold": [round(si(records, by_fold[k], honest)["f1"], 3) for k in sorted(by_fold)],
                      "default": {"f1": round(base["f1"], 4), "precision": round(base["precision"], 4),
                                  "recall": round(base["recall"], 4),
                                  "per_fold": [round(fold_f1[default][k]["f1"], 3) for k in sorted(by_fold)]}}))


def gate(encoders: Path, n_folds: int) -> None:
    """Skipping the encoder on sentences the CRF sees no technique in: SI F1 against the share of words the
    encoder still reads (its probabilities here come from full windows, so this is an upper bound)."""
    records = pickle.loads(CAPTURED.read_bytes())
    crf_threshold = {k: float(np.load(encoders / f"detector_fold{k}of{n_folds}" / "weights.en.npz")["tagger_settings"][0])
                     for k in range(n_folds)}
    total = sum(len(s["tokens"]) for r in records.values() for s in r["sentences"])
    for g in (0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3):
        kept = sum(len(s["tokens"]) for r in records.values() for s in r["sentences"] if s["crf"][0].max() >= g)
        predictions = {a: decode_article(r, 0.5, 0.25, None, 0.0, g, crf_threshold[r["fold"]])
                       for a, r in records.items()}
        result = si(records, records, predictions)
        print(json.dumps({"gate": g, "words_encoded": round(kept / total, 3), "si_f1": round(result["f1"], 4),
                          "precision": round(result["precision"], 4), "recall": round(result["recall"], 4)}))


def gate_real(encoders: Path, n_folds: int, gates: list[float], context: int | None) -> None:
    """The same with the detector's own `encoder_gate` (windows read only around the gated-in sentences): SI F1
    and the sub-words the encoder reads, against the encoder reading everything."""
    from spinscope.detectors import span_encoder

    articles = load_language("en")
    read = [0]
    original = span_encoder.window_bounds

    def counted(n, body, stride):
        bounds = original(n, body, stride)
        read[0] += sum(e - s for s, e in bounds)
        return bounds

    span_encoder.window_bounds = counted
    if context is not None:
        span_encoder.REGION_CONTEXT = context
    gold = {a.id: [tuple(s) for s in a.gold.get("spans", [])] for a in articles}
    for g in gates:
        read[0] = 0
        predictions, confidences, outcomes = {}, [], []
        for k, held in enumerate(group_folds(articles, n_folds)):
            detector = load_detector(encoders / f"detector_fold{k}of{n_folds}")
            detector.set_params(encoder_gate=g, span_encoder=str(encoders / f"fold{k}of{n_folds}"))
            for i in held:
                article = detector.annotate(blank_copy(articles[i]))
                predictions[article.id] = [(s.technique, s.start, s.end) for s in article.spans]
                confidences.extend(s.confidence for s in article.spans)
                outcomes.extend(span_hits_gold(s, gold[article.id]) for s in article.spans)
        result = span_identification_scores(gold, predictions)
        print(json.dumps({"gate": g, "context": span_encoder.REGION_CONTEXT, "subwords_read": read[0],
                          "si_f1": round(result["f1"], 4), "precision": round(result["precision"], 4),
                          "recall": round(result["recall"], 4), "spans": len(confidences),
                          # the fold-wise encoders carry no confidence map (the shipped one was fitted on
                          # their spans afterwards): this is the span ECE before the map
                          "span_ece_before_map": round(expected_calibration_error(
                              np.asarray(confidences), np.asarray(outcomes)), 4)}), flush=True)


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def word_features(sentence: dict) -> np.ndarray:
    """Per word: both taggers' logits (inside, begin), their product, the inside logits of the two words on either
    side, each tagger's sentence max and mean, and the position in the sentence."""
    crf, encoder = _logit(sentence["crf"][0]), _logit(sentence["encoder"][0])
    columns = [crf, encoder, _logit(sentence["crf"][1]), _logit(sentence["encoder"][1]), crf * encoder]
    n = len(crf)
    for values in (crf, encoder):
        for shift in (-2, -1, 1, 2):
            moved = np.full(n, _logit(np.zeros(1))[0])
            if shift < 0:
                moved[-shift:] = values[:shift]
            else:
                moved[:-shift] = values[shift:]
            columns.append(moved)
        columns += [np.full(n, values.max()), np.full(n, values.mean())]
    columns.append(np.arange(n) / max(1, n - 1))
    return np.stack(columns, 1)


def stack(C: float) -> None:
    """A per-word logistic regression over both taggers' probabilities and their neighbours', instead of the fixed
    average: fitted on four folds' words, its threshold chosen on those folds, scored on the fifth."""
    from sklearn.linear_model import LogisticRegression

    records = pickle.loads(CAPTURED.read_bytes())
    ids = list(records)
    rows, labels, owner = [], [], []
    for n, article_id in enumerate(ids):
        record = records[article_id]
        merged = span_tagger.merge((s, e) for _, s, e in record["gold"])
        for sentence in record["sentences"]:
            rows.append(word_features(sentence))
            labels.append([label != "O" for label in span_tagger.token_labels(sentence["tokens"], merged)])
            owner += [n] * len(sentence["tokens"])
    X, y, owner = np.concatenate(rows), np.concatenate(labels), np.asarray(owner)
    fold_of = np.asarray([records[a]["fold"] for a in ids])

    def predictions(probability: np.ndarray, threshold: float, chosen: list[int]) -> dict:
        out = {}
        for n in chosen:
            values, record = probability[owner == n], records[ids[n]]
            bounds = np.cumsum([0] + [len(s["tokens"]) for s in record["sentences"]])
            out[ids[n]] = decode_article(record, 0.5, threshold, None, 0.0,
                                         stacked=[values[a:b] for a, b in zip(bounds, bounds[1:])])
        return out

    honest = {}
    for k in sorted(set(fold_of)):
        train = np.flatnonzero(fold_of != k)
        model = LogisticRegression(C=C, max_iter=2000).fit(X[np.isin(owner, train)], y[np.isin(owner, train)])
        probability = model.predict_proba(X)[:, 1]
        trained_on = [ids[n] for n in train]
        best = max((0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5),
                   key=lambda t: si(records, trained_on, predictions(probability, t, list(train)))["f1"])
        honest.update(predictions(probability, best, list(np.flatnonzero(fold_of == k))))
        print(json.dumps({"fold": int(k), "threshold": best}), flush=True)
    result = si(records, ids, honest)
    print(json.dumps({"stacker_C": C, "leave_one_fold_out_si_f1": round(result["f1"], 4),
                      "precision": round(result["precision"], 4), "recall": round(result["recall"], 4)}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("step", choices=["capture", "grid", "gate", "gate-real", "stack"])
    parser.add_argument("--C", type=float, default=1.0, help="the stacker's inverse regularisation")
    parser.add_argument("--gates", type=float, nargs="+", default=[0.0, 0.02, 0.05, 0.1])
    parser.add_argument("--context", type=int, default=None, help="sub-words of context around gated-in words")
    parser.add_argument("--encoders", type=Path, default=Path("/tmp/spinscope_encoders"))
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    if args.step == "capture":
        capture(args.encoders, args.folds)
    elif args.step == "stack":
        stack(args.C)
    elif args.step == "gate-real":
        gate_real(args.encoders, args.folds, args.gates, args.context)
    elif args.step == "gate":
        gate(args.encoders, args.folds)
    else:
        grid()


if __name__ == "__main__":
    main()
