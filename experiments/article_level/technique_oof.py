"""Out-of-fold paragraph technique probabilities for the training articles, cached on disk (not in the repo),
so genre/frames experiments can use technique-density features as they would look at analysis time.

    python experiments/article_level/technique_oof.py en [it ru fr de pl] [--folds 5] [--seed 0]

Per language: article-grouped folds (`evaluation.crossval.article_folds`); a `TechniqueDetector` with the shipped
parameters (restricted to the language) is fitted on the other folds (it chooses its own combiner, calibration and
thresholds on inner folds of that training part) and `predict_paragraph_probabilities` scores the held-out
articles. Written to $SPINSCOPE_ARTICLE_CACHE (default /tmp/spinscope_article_level_cache) as
techoof-<language>-f<folds>-s<seed>.json: {article id: {paragraph line: {technique: probability}}}.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from common import load, log
from spinscope.data import ISO_CODE
from spinscope.detectors.techniques import TechniqueDetector
from spinscope.evaluation.crossval import article_folds
from spinscope.settings import PACKAGED_MODELS

CACHE = Path(os.environ.get("SPINSCOPE_ARTICLE_CACHE", "/tmp/spinscope_article_level_cache"))


def oof_path(language: str, folds: int = 5, seed: int = 0) -> Path:
    return CACHE / f"techoof-{language}-f{folds}-s{seed}.json"


def load_oof(language: str, folds: int = 5, seed: int = 0) -> dict[str, dict[int, dict[str, float]]]:
    raw = json.loads(oof_path(language, folds, seed).read_text())
    return {aid: {int(line): scores for line, scores in paragraphs.items()} for aid, paragraphs in raw.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("languages", nargs="+")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    shipped = json.loads((PACKAGED_MODELS / "techniques" / "params.json").read_text())["params"]
    CACHE.mkdir(parents=True, exist_ok=True)
    for language in args.languages:
        path = oof_path(language, args.folds, args.seed)
        if path.exists():
            log(f"{language}: cached at {path}")
            continue
        articles = list(load(language))
        result: dict[str, dict[int, dict[str, float]]] = {}
        for fold, (train, test) in enumerate(article_folds(articles, args.folds, args.seed)):
            started = time.time()
            detector = TechniqueDetector(**{**shipped, "languages": [ISO_CODE.get(language, language)], "seed": args.seed})
            detector.fit([articles[i] for i in train])
            for i in test:
                result[articles[i].id] = detector.predict_paragraph_probabilities(articles[i])
            log(f"{language} fold {fold}: {len(train)} train / {len(test)} test, {time.time() - started:.0f} s")
        path.write_text(json.dumps({aid: {str(k): {t: round(float(p), 4) for t, p in v.items()}
                                          for k, v in paragraphs.items()} for aid, paragraphs in result.items()}))
        log(f"{language}: wrote {path}")


if __name__ == "__main__":
    main()
