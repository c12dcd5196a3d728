"""Train the shipped technique model on all labelled SemEval-2023 training data of the chosen languages.

    python experiments/techniques/train_final.py --out src/spinscope/models/techniques \
        --languages en it ru fr ge po [--cv-results experiments/techniques/cv_summary.json] [param=value ...]

Equivalent to the CLI's `spinscope train techniques --data DIR --lang en --out MODEL_DIR` (one language folder
there); this script adds several languages and records the cross-validation summary in params.json metadata.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import parse_params, load_language  # noqa: E402

import sklearn  # noqa: E402

from spinscope.detectors.techniques import train  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--languages", nargs="+", default=["en"], help="SemEval folder names")
    parser.add_argument("--cv-results", type=Path, default=None, help="JSON with the CV summary to record")
    parser.add_argument("params", nargs="*")
    args = parser.parse_args()
    params = parse_params(args.params)
    articles = []
    counts = {}
    for folder in args.languages:
        loaded = load_language(folder)
        counts[folder] = {"articles": len(loaded), "paragraphs": sum(len(a.gold["paragraphs"]) for a in loaded)}
        articles.extend(loaded)
    started = time.time()
    detector = train(articles, **params)
    seconds = time.time() - started
    metadata = {
        "trained_on": {"corpus": "SemEval-2023 Task 3 training data (subtask 3 paragraphs and spans)",
                       "languages": counts},
        "training_command": "python experiments/techniques/train_final.py " + " ".join(sys.argv[1:]),
        "training_seconds": round(seconds, 1),
        "trained_with": {"python": platform.python_version(), "scikit-learn": sklearn.__version__,
                         "python-crfsuite": importlib.metadata.version("python-crfsuite")},
        "runtime_requirements": "numpy, scipy, python-crfsuite (core dependencies only)",
        "thresholds": {lang: dict(zip(m.techniques, [round(float(x), 4) for x in m.thresholds]))
                       for lang, m in detector.models_.items()},
    }
    metadata["span_tagger"] = {
        lang: {"used": m.tagger is not None,
               "threshold": round(float(m.tagger_settings[0]), 3), "gap_tokens": int(m.tagger_settings[1]),
               "flagged_paragraphs_only": bool(m.tagger_settings[2]), "whole_sentences": bool(m.tagger_settings[3]),
               "inner_3fold_si_f1": round(float(detector.oof_[lang].get("tagger_inner_si_f1", float("nan"))), 4),
               "all_sentences_si_f1": round(float(detector.oof_[lang].get("all_sentences_si_f1", float("nan"))), 4)}
        for lang, m in detector.models_.items()}
    print(json.dumps(metadata["span_tagger"]))
    if args.cv_results and args.cv_results.exists():
        metadata["cross_validation"] = json.loads(args.cv_results.read_text())
    detector.save(args.out, metadata=metadata)
    size = sum(f.stat().st_size for f in args.out.iterdir() if f.is_file())
    print(f"saved {detector.version} to {args.out} ({size / 1e6:.1f} MB) in {seconds:.0f}s")


if __name__ == "__main__":
    main()
