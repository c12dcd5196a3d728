"""Train the shipped genre or frames model: per-language cross-validation with the project's harness
(`spinscope.evaluation.crossval.cross_validate` + official metrics), then a final fit on every labelled article,
saved with the CV scores and this exact command in params.json.

  python experiments/article_level/train_models.py genre  --languages en it ru fr de pl --out src/spinscope/models/genre
  python experiments/article_level/train_models.py frames --languages en it ru fr de pl --out src/spinscope/models/frames
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
import warnings


from common import DATA
from spinscope.data import ISO_CODE, load_semeval2023
from spinscope.detectors import frames as frames_module
from spinscope.detectors import genre as genre_module
from spinscope.evaluation.crossval import cross_validate
from spinscope.evaluation.metrics import frame_scores_from_articles, genre_scores_from_articles
from spinscope.segment import segment
from spinscope.taxonomy import FRAME_NAMES

FOLDER = {iso: folder for folder, iso in ISO_CODE.items()}
MODULES = {"genre": genre_module, "frames": frames_module}


def rarest_frame(frequency):
    def key(article):
        present = [f for f in article.gold.get("frames", []) if f in frequency]
        return min(present, key=lambda f: (frequency[f], f)) if present else "none"
    return key


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("component", choices=sorted(MODULES))
    parser.add_argument("--languages", nargs="+", default=["en"])
    parser.add_argument("--out", required=True)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--params", default="{}", help="detector parameters as JSON")
    parser.add_argument("--no-cv", action="store_true")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", category=UserWarning)
    params = json.loads(args.params)
    module = MODULES[args.component]
    field = "genre" if args.component == "genre" else "frames"
    detector_class = module.GenreDetector if args.component == "genre" else module.FrameDetector

    everything, cv = [], {}
    for language in args.languages:
        articles = [segment(a) for a in load_semeval2023(DATA / FOLDER.get(language, language)) if field in a.gold]
        everything += articles
        if args.no_cv:
            continue
        started = time.time()
        if args.component == "genre":
            stratify = "genre"
        else:
            frequency = {f: sum(f in a.gold["frames"] for a in articles) for f in FRAME_NAMES}
            stratify = rarest_frame(frequency)
        predicted = cross_validate(lambda: detector_class(**params), articles, n_folds=args.folds, seed=args.seed,
                                   stratify=stratify)
        if args.component == "genre":
            scores = genre_scores_from_articles(predicted)
            cv[language] = {"macro_f1": round(scores["macro_f1"], 4), "accuracy": round(scores["accuracy"], 4),
                            "per_class_f1": {k: round(v["f1"], 4) for k, v in scores["per_class"].items()},
                            "articles": scores["n"]}
        else:
            scores = frame_scores_from_articles(predicted)
            cv[language] = {"micro_f1": round(scores["micro_f1"], 4), "macro_f1": round(scores["macro_f1"], 4),
                            "micro_precision": round(scores["micro_precision"], 4),
                            "micro_recall": round(scores["micro_recall"], 4), "articles": scores["n"]}
        print(language, json.dumps(cv[language]), f"({time.time() - started:.0f}s)", flush=True)

    started = time.time()
    detector = module.train(everything, **params)
    metadata = dict(detector.metadata_)
    metadata.update({
        "cv": {"folds": args.folds, "seed": args.seed, "scores": cv,
               "protocol": "article-grouped stratified CV per language (spinscope.evaluation.crossval); "
                           "every fold fits its own vocabulary" + (" and inner-fold thresholds" if field == "frames"
                                                                   else "")},
        "command": "python " + " ".join(shlex.quote(a) for a in sys.argv),
        "data": "SemEval-2023 Task 3 training data (" + ", ".join(args.languages) + ")",
    })
    detector.save(args.out, metadata=metadata)
    print(f"saved {args.out} ({time.time() - started:.0f}s)")


if __name__ == "__main__":
    main()
