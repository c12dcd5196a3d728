"""Build models/score_reference.json: the propaganda-score distribution of the SemEval-2023 training articles,
per language, against which `aggregate.percentile` places a new article.

  --spans gold    scores the human-annotated spans (confidence 1): the corpus as a perfect detector would see it
  --spans model   scores the spans the technique model in --model-dir predicts; with --oof the technique model is
                  re-trained in 5 article-grouped folds so every article is scored by a model that never saw it
                  (slow); without it the shipped model scores its own training data (optimistic, documented)

  python experiments/article_level/build_score_reference.py --spans gold --out src/spinscope/models/score_reference.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import shlex
from pathlib import Path

from common import DATA
from spinscope.aggregate import build_reference
from spinscope.data import LANGUAGES, ISO_CODE, load_semeval2023
from spinscope.segment import segment


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--spans", choices=["gold", "model"], default="gold")
    parser.add_argument("--model-dir", default="src/spinscope/models")
    parser.add_argument("--oof", action="store_true")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    by_language = {}
    detector = None
    if args.spans == "model":
        from spinscope.detectors import load_detector

        detector = load_detector(Path(args.model_dir) / "techniques")
    for folder in LANGUAGES:
        language = ISO_CODE[folder]
        articles = [segment(a) for a in load_semeval2023(DATA / folder) if "spans" in a.gold]
        if args.spans == "gold":
            for article in articles:
                for technique, start, end in article.gold["spans"]:
                    article.add_span(start, end, technique, 1.0)
                article.models["techniques"] = "gold"  # no gold span: scores 0, not "not scored"
        elif args.oof:
            from spinscope.evaluation.crossval import cross_validate

            params = detector.get_params()
            articles = cross_validate(lambda: type(detector)(**params), articles, n_folds=5, seed=0)
        else:
            if not getattr(detector, "languages_", None) or language in (detector.get_params().get("languages") or []):
                for article in articles:
                    detector.annotate(article)
                    # as the pipeline records it: an article with no spans then scores 0 ("not scored" otherwise)
                    article.models["techniques"] = detector.version
            else:
                continue
        by_language[language] = articles
    source = {"gold": "gold SemEval-2023 training spans, confidence 1",
              "model": "technique model predictions on the SemEval-2023 training articles"
                       + (" (5-fold out-of-fold)" if args.oof else " (in-sample: the model saw these articles)")}
    reference = build_reference(by_language, source=source[args.spans])
    reference["command"] = "python " + " ".join(shlex.quote(a) for a in sys.argv)
    Path(args.out).write_text(json.dumps(reference, separators=(",", ":")) + "\n")
    for language, values in reference["scores"].items():
        quartiles = statistics.quantiles(values, n=4) if len(values) > 1 else values
        print(language, len(values), "median", round(statistics.median(values), 1),
              "quartiles", [round(q, 1) for q in quartiles])


if __name__ == "__main__":
    main()
