"""Span-tagger-only cross-validation (no paragraph model): SI F1 of the CRF tagger at several thresholds.

    python experiments/techniques/tagger_proto.py [--language en] [--folds 5] [c1=0.05 c2=0.01 iters=100 classes=1]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import group_folds, load_language, parse_params  # noqa: E402

from spinscope.detectors import span_tagger as st  # noqa: E402
from spinscope.evaluation.metrics import span_identification_scores  # noqa: E402


WORD_CLASSES: dict = {}


def sequences(article):
    return [(tokens, st.sentence_features(article.text, tokens, (), WORD_CLASSES), labels)
            for tokens, labels in st.labelled_sentences(article)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("params", nargs="*")
    parser.add_argument("--language", default="en")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    params = {"c1": 0.05, "c2": 0.01, "iters": 100, **parse_params(args.params)}
    if params.get("classes"):  # the word classes of the packaged static vectors
        from spinscope.detectors.static_vectors import DEFAULT_DIRECTORY, StaticVectors
        WORD_CLASSES.update(StaticVectors.load(DEFAULT_DIRECTORY / args.language).word_classes())
    articles = load_language(args.language)
    seqs = {a.id: sequences(a) for a in articles}
    thresholds = [0.04, 0.06, 0.08, 0.1, 0.12, 0.15, 0.2, 0.3]
    predicted = {t: {} for t in thresholds}
    started = time.time()
    for k, held in enumerate(group_folds(articles, args.folds)):
        held_ids = {articles[i].id for i in held}
        train = [(f, l) for a in articles if a.id not in held_ids for _, f, l in seqs[a.id]]
        t0 = time.time()
        model = st.train_crf(train, params["c1"], params["c2"], params["iters"])
        tagger = st.CrfTagger(model)
        t1 = time.time()
        for i in held:
            a = articles[i]
            probs = [(tokens,) + tagger.inside_probabilities(f) for tokens, f, _ in seqs[a.id]]
            for t in thresholds:
                predicted[t][a.id] = [("x", s, e) for tokens, inside, begin in probs
                                      for s, e, _ in st.decode(a.text, tokens, inside, begin, t)]
        print(f"fold {k}: train {t1 - t0:.0f}s tag {time.time() - t1:.0f}s model {len(model) / 1e6:.1f} MB",
              file=sys.stderr, flush=True)
    gold = {a.id: [tuple(s) for s in a.gold.get("spans", [])] for a in articles}
    for t in thresholds:
        r = span_identification_scores(gold, predicted[t])
        print(f"{params} t={t}: SI F1 {r['f1']:.3f} P {r['precision']:.3f} R {r['recall']:.3f} "
              f"n_pred {r['predicted_spans']} n_gold {r['gold_spans']}", flush=True)
    print(f"{time.time() - started:.0f}s")


if __name__ == "__main__":
    main()
