"""Cross-validated genre (subtask 1) macro-F1 per language, optionally pooling the other languages' data.

For each evaluation language: stratified 5-fold CV over its labelled articles, repeated with several seeds; each
fold trains on the language's training folds (+ every article of the other languages with --pool) and predicts
the held-out fold. Out-of-fold predictions of one repeat are scored together; the mean over repeats is reported.

  python experiments/article_level/genre_cv.py --eval en --pool --params '{"C": 1.0}' --repeats 3
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

import spinscope.detectors.genre as genre_module
from common import genre_folds, load_all, log, macro_f1, per_class_f1
from spinscope.data import LANGUAGES

_style_cache: dict[int, np.ndarray] = {}
_original_style = genre_module.style_features


def _cached_style(article):
    # experiments refit many times on the same articles: compute each article's style vector once
    key = id(article)
    if key not in _style_cache:
        _style_cache[key] = _original_style(article)
    return _style_cache[key]


genre_module.style_features = _cached_style


def run(eval_language, corpora, params, pool, n_folds, repeats, gold_techniques=False, pool_languages=None):
    articles = [a for a in corpora[eval_language] if a.gold.get("genre")]
    others = []
    if pool:
        for lang, items in corpora.items():
            if lang != eval_language and (pool_languages is None or lang in pool_languages):
                others += [a for a in items if a.gold.get("genre")]
    scores, balanced, per_class = [], [], []
    for repeat in range(repeats):
        predicted = [None] * len(articles)
        for train_idx, test_idx in genre_folds(articles, n_folds, seed=repeat):
            detector = genre_module.GenreDetector(**params).fit([articles[i] for i in train_idx] + others)
            probabilities = detector.predict_proba([articles[i] for i in test_idx])
            for i, row in zip(test_idx, probabilities):
                predicted[i] = genre_module.GENRES[int(row.argmax())]
        gold = [a.gold["genre"] for a in articles]
        scores.append(macro_f1(gold, predicted))
        balanced.append(macro_f1(gold, predicted, balanced=True))
        per_class.append(per_class_f1(gold, predicted))
    mean_class = {g: round(float(np.mean([p[g] for p in per_class])), 3) for g in per_class[0]}
    return float(np.mean(scores)), float(np.std(scores)), float(np.mean(balanced)), mean_class


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval", nargs="+", default=["en"])
    parser.add_argument("--pool", action="store_true", help="add all other languages' articles to training")
    parser.add_argument("--pool-languages", nargs="+", default=None)
    parser.add_argument("--params", default="{}")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--gold-techniques", action="store_true",
                        help="fill Paragraph.technique_scores from gold labels (upper bound for technique features)")
    args = parser.parse_args()
    params = json.loads(args.params)
    corpora = load_all(LANGUAGES)
    if args.gold_techniques:
        for items in corpora.values():
            for a in items:
                genre_module.gold_technique_scores(a)
    for lang in args.eval:
        started = time.time()
        mean, sd, bal, per_class = run(lang, corpora, params, args.pool, args.folds, args.repeats,
                                       pool_languages=args.pool_languages)
        log(f"{lang} pool={args.pool} params={json.dumps(params, sort_keys=True)} macroF1={mean:.3f}±{sd:.3f} "
            f"balanced={bal:.3f} per-class={per_class} ({time.time() - started:.0f}s)")


if __name__ == "__main__":
    main()
