"""Article-grouped cross-validation of TechniqueDetector settings on the English SemEval-2023 training data.

    python experiments/techniques/cv.py NAME [param=value ...] [--folds 5] [--seed 0] [--language en]

Values are parsed as JSON when possible (e.g. char_ngrams=null C_sentence=0.3 word_ngrams=[1,3]).
Prints one summary line and appends the full result to $SPINSCOPE_EXPERIMENT_CACHE/results.jsonl.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import parse_params, cross_validate, load_language, save_result, summary_line  # noqa: E402

from spinscope.data import ISO_CODE  # noqa: E402
from spinscope.detectors.techniques import TechniqueDetector, choose_thresholds  # noqa: E402


def _rethreshold(objective: str):
    def adjust(detector: TechniqueDetector) -> None:
        for language, model in detector.models_.items():
            oof = detector.oof_[language]
            model.thresholds = choose_thresholds(oof["paragraph_probabilities"], oof["paragraph_labels"], objective,
                                                 detector.threshold_floor)
    return adjust


def _no_trim(detector: TechniqueDetector) -> None:
    detector.trim_spans = False


def _tagger_restrict(value: int):
    def adjust(detector: TechniqueDetector) -> None:
        for _, model in detector.models_.items():
            if model.tagger is not None:
                model.tagger_settings[2] = value
    return adjust


# post-fit choices scored from the same fits (the default is whatever the parameters say)
VARIANTS = {
    "thresholds_per_technique": _rethreshold("per_technique"),
    "thresholds_micro": _rethreshold("micro"),
    "no_trim": _no_trim,
    "no_trim_paragraph_confidence": lambda d: d.set_params(trim_spans=False, span_confidence="paragraph"),
    # the span tagger (span_tagger=True fits): off (sentence spans, as before), forced to all / flagged paragraphs
    "no_tagger": lambda d: d.set_params(span_tagger=False),
    "tagger_no_backfill": lambda d: d.set_params(tagger_backfill=False),
    "tagger_all_paragraphs": _tagger_restrict(0),
    "tagger_flagged_paragraphs": _tagger_restrict(1),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("name")
    parser.add_argument("params", nargs="*")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--language", default="en", help="SemEval folder name: en it ru fr ge po")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N articles (smoke runs)")
    args = parser.parse_args()
    params = parse_params(args.params)
    language = ISO_CODE[args.language]
    params.setdefault("languages", [language])
    articles = load_language(args.language)
    if args.limit:
        articles = articles[: args.limit]
    results = cross_validate(lambda: TechniqueDetector(**params), articles, args.folds, args.seed,
                             variants=VARIANTS, log=lambda m: print(m, file=sys.stderr, flush=True))
    for variant, result in results.items():
        name = args.name if variant == "default" else f"{args.name}+{variant}"
        print(summary_line(name, result), flush=True)
        save_result(name, {**params, "folds": args.folds, "seed": args.seed, "language": args.language}, result)


if __name__ == "__main__":
    main()
