"""Paragraph labels from the span taggers' evidence: fit and measure `ParagraphStage` out of fold.

    python experiments/techniques/paragraph_stage.py collect [--encoders /tmp/spinscope_encoders] [--folds 5]
    python experiments/techniques/paragraph_stage.py evaluate                    # stage alone, from the rows
    python experiments/techniques/paragraph_stage.py collect --folds 0 --encoders /tmp/spinscope_encoders_round \
        --tag round_ && python experiments/techniques/paragraph_stage.py transfer   # harder split
    python experiments/techniques/paragraph_stage.py stage-folds --out /tmp/spinscope_encoders_staged
    python experiments/techniques/encoder_eval.py --folds-to-run 0 1 2 3 4 --defaults-only \
        --encoders /tmp/spinscope_encoders_staged --tag staged_                  # the detector itself, with stages
    python experiments/techniques/paragraph_stage.py write src/spinscope/models/span_encoder/en

`collect` annotates every fold's held-out articles with that fold's detector and fold-wise encoder (both fitted
without them) and keeps, per paragraph, the paragraph model's probabilities, the detector's own labels and the
taggers' evidence (`TechniqueDetector.tagger_evidence`). `evaluate` fits a stage on four folds' rows and scores
the fifth (paragraph micro-F1 against the detector's own labels). `stage-folds` writes those four-fold stages into
copies of the fold encoders, so `encoder_eval.py` measures the detector with them end to end (spans included).
`write` fits one stage on all five folds' rows and stores it in the shipped encoder. `collect --folds 0 --encoders
/tmp/spinscope_encoders_round --tag round_` collects the harder collection-round split; `transfer` then fits a
stage as the shipped one is (5-fold rows) on the articles each round model was trained on and scores it on that
model's held-out side.

The rows of fold k come from models that saw the other folds' articles, so a stage fitted on four folds has seen
the fifth fold's labels only through those models' evidence on other articles: the same cross-fitting as the span
confidence map (`encoder_calibration.py`).
"""
from __future__ import annotations

import argparse
import json
import pickle
import shutil
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from common import CACHE, blank_copy, expected_calibration_error, group_folds, load_language  # noqa: E402

from spinscope.detectors.base import load_detector  # noqa: E402
from spinscope.detectors.paragraph_stage import ParagraphStage  # noqa: E402
from spinscope.detectors.span_encoder import SpanEncoder  # noqa: E402
from spinscope.taxonomy import TECHNIQUE_NAMES  # noqa: E402


def rows_path(tag: str) -> Path:
    return CACHE / f"{tag}paragraph_stage_rows.pkl"


def collect(encoders: Path, n_folds: int, tag: str) -> None:
    articles = load_language("en")
    rows = []
    for k, held in enumerate(group_folds(articles, n_folds)):
        detector = load_detector(encoders / f"detector_fold{k}of{n_folds}")
        detector.set_params(span_encoder=str(encoders / f"fold{k}of{n_folds}"))
        for i in held:
            gold = articles[i]
            article = blank_copy(gold)
            techniques, modelled, evidence = detector.tagger_evidence(article)
            # every row over the whole inventory (a fold's detector models only the techniques its articles have):
            # gold labels of unmodelled techniques stay as misses, as in the official scorer
            columns = [TECHNIQUE_NAMES.index(t) for t in techniques]
            probabilities = np.zeros((len(article.paragraphs), len(TECHNIQUE_NAMES)))
            probabilities[:, columns] = modelled
            thresholds = np.ones(len(TECHNIQUE_NAMES))
            thresholds[columns] = detector._model_for(article).thresholds
            lines = gold.gold["paragraphs"]
            labels = np.array([[t in lines.get(p.line, []) for t in TECHNIQUE_NAMES] for p in article.paragraphs],
                              bool)
            rows.append({"id": gold.id, "fold": k, "techniques": list(TECHNIQUE_NAMES),
                         "probabilities": probabilities, "evidence": evidence, "labels": labels,
                         "detector_labels": probabilities >= thresholds, "thresholds": thresholds})
        print(f"fold {k}: {len(held)} articles", flush=True)
    rows_path(tag).write_bytes(pickle.dumps(rows))


def stacked(rows: list[dict]) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    techniques = rows[0]["techniques"]
    assert all(r["techniques"] == techniques for r in rows)
    return (techniques, np.concatenate([r["probabilities"] for r in rows]),
            np.concatenate([r["evidence"] for r in rows]), np.concatenate([r["labels"] for r in rows]))


def fit_stage(rows: list[dict], C: float) -> ParagraphStage:
    return ParagraphStage(C=C).fit(*stacked(rows))


def micro_f1(predicted: np.ndarray, gold: np.ndarray) -> float:
    tp = int((predicted & gold).sum())
    return 2 * tp / max(1, 2 * tp + int((predicted & ~gold).sum()) + int((~predicted & gold).sum()))


def evaluate(tag: str, C: float) -> None:
    rows = pickle.loads(rows_path(tag).read_bytes())
    folds = sorted({r["fold"] for r in rows})
    gold = np.concatenate([r["labels"] for r in rows])
    own = np.concatenate([r["detector_labels"] for r in rows])
    probabilities = np.zeros(gold.shape)
    predicted = np.zeros(gold.shape, bool)
    fold_of = np.concatenate([np.full(len(r["labels"]), r["fold"]) for r in rows])
    at = np.cumsum([0] + [len(r["labels"]) for r in rows])
    for k in folds:
        stage = fit_stage([r for r in rows if r["fold"] != k], C)
        for n, r in enumerate(rows):
            if r["fold"] == k:
                p, cut = stage.apply(r["techniques"], r["probabilities"], r["evidence"], r["thresholds"])
                probabilities[at[n]:at[n + 1]], predicted[at[n]:at[n + 1]] = p, p >= cut
    raw = np.concatenate([r["probabilities"] for r in rows])
    wide = probabilities >= 0.05
    print(json.dumps({
        "tag": tag, "C": C, "paragraphs": len(gold),
        "micro_f1_detector": round(micro_f1(own, gold), 4), "micro_f1_stage_cross_fitted": round(micro_f1(predicted, gold), 4),
        "per_fold_detector": [round(micro_f1(own[fold_of == k], gold[fold_of == k]), 3) for k in folds],
        "per_fold_stage": [round(micro_f1(predicted[fold_of == k], gold[fold_of == k]), 3) for k in folds],
        "ece_detector": round(expected_calibration_error(raw.ravel(), gold.ravel()), 4),
        "ece_stage": round(expected_calibration_error(probabilities.ravel(), gold.ravel()), 4),
        "ece_p05_detector": round(expected_calibration_error(raw[raw >= 0.05], gold[raw >= 0.05]), 4),
        "ece_p05_stage": round(expected_calibration_error(probabilities[wide], gold[wide]), 4)}))


def transfer(C: float) -> None:
    """The harder split, with a stage fitted as the shipped one is: on 5-fold rows (fold models of ~357 articles),
    restricted to the articles each round model was trained on, applied to that round model's held-out side."""
    five = pickle.loads(rows_path("").read_bytes())
    rounds = pickle.loads(rows_path("round_").read_bytes())
    for side in sorted({r["fold"] for r in rounds}):
        held = [r for r in rounds if r["fold"] == side]
        held_ids = {r["id"] for r in held}
        stage = fit_stage([r for r in five if r["id"] not in held_ids], C)
        gold = np.concatenate([r["labels"] for r in held])
        own = np.concatenate([r["detector_labels"] for r in held])
        restacked = np.concatenate([np.greater_equal(*stage.apply(r["techniques"], r["probabilities"], r["evidence"],
                                                                  r["thresholds"])) for r in held])
        print(json.dumps({"held_out_articles": len(held), "round_model_trained_on": len(rounds) - len(held),
                          "stage_rows_articles": len(five) - len(held),
                          "micro_f1_detector": round(micro_f1(own, gold), 4),
                          "micro_f1_stage": round(micro_f1(restacked, gold), 4),
                          "labels_per_paragraph": [round(float(own.mean() * own.shape[1]), 3),
                                                   round(float(restacked.mean() * own.shape[1]), 3),
                                                   round(float(gold.mean() * own.shape[1]), 3)]}))


def stage_folds(encoders: Path, out: Path, n_folds: int, tag: str, C: float) -> None:
    """Copies of the fold encoders carrying the stage fitted on the other folds, beside links to the detectors."""
    rows = pickle.loads(rows_path(tag).read_bytes())
    out.mkdir(parents=True, exist_ok=True)
    for k in sorted({r["fold"] for r in rows}):
        link = out / f"detector_fold{k}of{n_folds}"
        if not link.exists():
            link.symlink_to(encoders / f"detector_fold{k}of{n_folds}")
        encoder = SpanEncoder.load(encoders / f"fold{k}of{n_folds}" / "en")
        encoder.paragraph_stage_ = fit_stage([r for r in rows if r["fold"] != k], C)
        target = out / f"fold{k}of{n_folds}" / "en"
        shutil.rmtree(target, ignore_errors=True)
        print("saved", encoder.save(target))
    (out / "detectors_fitted").touch()


def write(directory: Path, tag: str, C: float) -> None:
    rows = pickle.loads(rows_path(tag).read_bytes())
    shipped = SpanEncoder.load(directory)
    shipped.paragraph_stage_ = fit_stage(rows, C)
    shipped.metadata_["paragraph_stage"] = (
        f"fitted on the out-of-fold evidence of 5 fold-wise detectors and encoders, {len(rows)} articles "
        "(python experiments/techniques/paragraph_stage.py collect, then write DIR)")
    print("saved", shipped.save(directory))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("step", choices=["collect", "evaluate", "transfer", "stage-folds", "write"])
    parser.add_argument("directory", nargs="?", type=Path, help="write: the span encoder folder (…/span_encoder/en)")
    parser.add_argument("--encoders", type=Path, default=Path("/tmp/spinscope_encoders"))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--tag", default="")
    parser.add_argument("--out", type=Path, default=Path("/tmp/spinscope_encoders_staged"))
    parser.add_argument("--C", type=float, default=ParagraphStage().C)
    args = parser.parse_args()
    if args.step == "collect":
        collect(args.encoders, args.folds, args.tag)
    elif args.step == "evaluate":
        evaluate(args.tag, args.C)
    elif args.step == "transfer":
        transfer(args.C)
    elif args.step == "stage-folds":
        stage_folds(args.encoders, args.out, args.folds, args.tag, args.C)
    else:
        if args.directory is None:
            parser.error("write needs the span encoder folder")
        write(args.directory, args.tag, args.C)


if __name__ == "__main__":
    main()
