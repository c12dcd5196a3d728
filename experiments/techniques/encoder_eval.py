"""The technique detector with and without the span encoder, on outer folds whose encoders
`encoder_folds.py` fine-tuned (the detector is fitted here on the same fold's training articles).

    python experiments/techniques/encoder_eval.py --folds-to-run 0 1 [--encoders /tmp/spinscope_encoders]
    python experiments/techniques/encoder_eval.py --pool [--detail]   # all folds' saved predictions, scored together

For each fold, every (encoder_weight, encoder_threshold) of the grid is scored from one detector fit; the encoder's
word probabilities are computed once per article. Appends to $SPINSCOPE_EXPERIMENT_CACHE/encoder_eval.jsonl and
keeps the predictions of the detector's defaults and of the CRF alone for `--pool`.
"""
from __future__ import annotations

import argparse
import copy
import json
import pickle
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import CACHE, _evaluate, blank_copy, group_folds, load_language  # noqa: E402

from spinscope.detectors import span_encoder  # noqa: E402
from spinscope.detectors.base import load_detector  # noqa: E402
from spinscope.detectors.techniques import TechniqueDetector  # noqa: E402

GRID = [(0.0, 0.0)] + [(w, t) for w in (0.4, 0.5, 0.6) for t in (0.15, 0.2, 0.25, 0.3, 0.35)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--folds-to-run", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--encoders", type=Path, default=Path("/tmp/spinscope_encoders"))
    parser.add_argument("--pool", action="store_true")
    parser.add_argument("--tag", default="", help="prefix of the kept predictions and field of the results lines "
                        "(to keep a variant's encoders apart from the defaults')")
    parser.add_argument("--defaults-only", action="store_true", help="only the CRF alone and the defaults")
    parser.add_argument("--detail", action="store_true", help="with --pool: also per genre and per technique")
    args = parser.parse_args()
    articles = load_language("en")
    kept = CACHE / "encoder_predictions"
    kept.mkdir(exist_ok=True)
    defaults = TechniqueDetector().get_params()
    chosen = {(0.0, 0.0): "crf_only", (defaults["encoder_weight"], defaults["encoder_threshold"]): "with_encoder"}
    if args.pool:
        for name in chosen.values():
            predictions, fold_ids = {}, {}
            folds = sorted(kept.glob(f"{args.tag}{name}_fold*.pkl"))
            for path in folds:
                held = pickle.loads(path.read_bytes())
                predictions.update(held)
                fold_ids[path.stem] = set(held)
            scored = [a for a in articles if a.id in predictions]
            result = _evaluate(scored, predictions)
            s = result["spans"]
            print(json.dumps({"run": name, "folds": [p.stem for p in folds], "articles": len(scored),
                              "si_f1": s["si_f1"], "si_precision": s["si_precision"], "si_recall": s["si_recall"],
                              "any_overlap_f1": s["any_overlap_f1"], "technique_overlap_f1": s["technique_overlap_f1"],
                              "strict_f1": s["strict_f1"], "ece_spans": result["ece_spans"],
                              "paragraph_micro_f1": result["paragraph"]["micro_f1"],
                              "n_spans": result["n_spans_predicted"],
                              "official": {k: v for k, v in result["official"].items() if k != "per_technique_f1"}},
                             default=str))
            if args.detail:  # per genre and per technique, as README and RESULTS.md quote them
                print(json.dumps({"run": name, "per_technique_paragraph_f1": {
                    t: round(v["f1"], 3) for t, v in sorted(result["paragraph"]["per_technique"].items(),
                                                            key=lambda x: -x[1]["f1"])}}))
                # the folds after the first: the encoder's mix and threshold were chosen on fold 0
                first = fold_ids.get(f"{args.tag}{name}_fold0of{args.folds}", set())
                subsets = [("folds after the first", [a for a in scored if a.id not in first])]
                subsets += [(genre, [a for a in scored if a.gold.get("genre") == genre])
                            for genre in ("reporting", "opinion", "satire")]
                for genre, subset in subsets:
                    if subset:
                        part = _evaluate(subset, {a.id: predictions[a.id] for a in subset})
                        print(json.dumps({"run": name, "subset": genre, "articles": len(subset),
                                          "paragraph_micro_f1": round(part["paragraph"]["micro_f1"], 4),
                                          "si_f1": round(part["spans"]["si_f1"], 4)}))
        return
    cached: dict = {}
    original = span_encoder.SpanEncoder.word_probabilities

    def memo(self, text, words, needed=None):  # the same article under every grid point
        key = (id(self), text, len(words), None if needed is None else needed.tobytes())
        if key not in cached:
            cached[key] = original(self, text, words, needed)
        return cached[key]

    span_encoder.SpanEncoder.word_probabilities = memo
    fit_seconds = {}
    for k in args.folds_to_run:  # every fold's detector first: the encoders may still be fine-tuning meanwhile
        saved = args.encoders / f"detector_fold{k}of{args.folds}"
        if not (saved / "params.json").exists():  # else fitted by an earlier run of this script
            held_set = set(group_folds(articles, args.folds)[k].tolist())
            train = [a for i, a in enumerate(articles) if i not in held_set]
            started = time.time()
            TechniqueDetector(languages=["en"]).fit(copy.deepcopy(train)).save(saved)
            fit_seconds[k] = round(time.time() - started)
    (args.encoders / "detectors_fitted").touch()
    for k in args.folds_to_run:
        held = group_folds(articles, args.folds)[k]
        detector = load_detector(args.encoders / f"detector_fold{k}of{args.folds}")
        root = str(args.encoders / f"fold{k}of{args.folds}")
        while not (Path(root) / "en" / "params.json").exists():  # encoder_folds.py may still be fine-tuning
            time.sleep(30)
        for w, t in (list(chosen) if args.defaults_only else GRID):
            detector.set_params(encoder_weight=w, encoder_threshold=t, span_encoder=root)
            predictions = {}
            started = time.time()
            for i in held:
                article = blank_copy(articles[i])
                detector.annotate(article)
                predictions[article.id] = article
            result = _evaluate([articles[i] for i in held], predictions)
            s = result["spans"]
            line = {"tag": args.tag, "fold": k, "encoder_weight": w, "encoder_threshold": t, "si_f1": s["si_f1"],
                    "si_precision": s["si_precision"], "si_recall": s["si_recall"],
                    "any_overlap_f1": s["any_overlap_f1"], "technique_overlap_f1": s["technique_overlap_f1"],
                    "ece_spans": result["ece_spans"], "paragraph_micro_f1": result["paragraph"]["micro_f1"],
                    "n_spans": result["n_spans_predicted"], "fit_seconds": fit_seconds.get(k),
                    "annotate_seconds": round(time.time() - started, 1)}
            print(json.dumps(line), flush=True)
            if (w, t) in chosen:
                (kept / f"{args.tag}{chosen[w, t]}_fold{k}of{args.folds}.pkl").write_bytes(pickle.dumps(predictions))
            with open(CACHE / "encoder_eval.jsonl", "a") as f:
                f.write(json.dumps(line) + "\n")


if __name__ == "__main__":
    main()
