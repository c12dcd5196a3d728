"""Genre with technique-density features from OUT-OF-FOLD technique predictions, and gradient boosting vs LR.

  python experiments/article_level/technique_oof.py en it ru fr ge po       # once: cached paragraph probabilities
  python experiments/article_level/density_explore.py --eval en --seeds 0 1 2

Per language, article-stratified 5-fold CV (`common.genre_folds`) repeated over seeds; every fold refits the
standardiser, the TF-IDF vocabulary (`fastfeatures.FoldTfidf`) and the classifier on its training part only.
The technique scores of every article come from a technique model that never saw it (technique_oof.py), which is
what the genre model sees at analysis time. Variants (all with balanced class weights):
  lr_shipped   style + words x 0.5, C=1 (the shipped GenreDetector)
  lr_tech      style + technique density (weight w) + words x 0.5
  lr_style_tech  style + technique density, no words
  hgb_style / hgb_style_tech   HistGradientBoostingClassifier (fixed, untuned settings) on the dense features
Reported: official macro-F1, the "balanced" proxy (every class weighted equally), per-class F1, mean ± sd over seeds.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression

import spinscope.detectors.genre as G
from common import genre_folds, load_all, log, macro_f1, per_class_f1
from fastfeatures import FoldTfidf, cached_dense
from spinscope.data import ISO_CODE
from technique_oof import load_oof

FOLDER = {iso: folder for folder, iso in ISO_CODE.items()}


def oof_technique_matrix(articles):
    """TECHNIQUE_FEATURES of each article from its out-of-fold paragraph probabilities."""
    cache = {}
    rows = []
    for article in articles:
        folder = FOLDER.get(article.language, article.language)
        if folder not in cache:
            try:
                cache[folder] = load_oof(folder)
            except FileNotFoundError:  # not computed yet: only for languages that are not evaluated
                cache[folder] = {}
        scores = cache[folder].get(article.id, {})
        saved = [p.technique_scores for p in article.paragraphs]
        for p in article.paragraphs:
            p.technique_scores = dict(scores.get(p.line, {}))
        rows.append(G.technique_features(article))
        for p, old in zip(article.paragraphs, saved):
            p.technique_scores = old
    return np.array(rows)


def standardise(d, train_idx):
    mean, sd = d[train_idx].mean(0), d[train_idx].std(0)
    sd[sd < 1e-9] = 1
    return np.clip((d - mean) / sd, -5, 5)


def run_variant(name, setting, own, labels, style, tech, words, seeds):
    from sklearn.ensemble import HistGradientBoostingClassifier

    results = []
    for seed in seeds:
        predicted = np.zeros(len(own), dtype=int)
        for tr, te in genre_folds([ARTICLES[i] for i in own], 5, seed=seed):
            train_idx, test_idx = own[tr], own[te]
            block = tech[:, -3:-1] if setting.get("summary") else tech  # mean strongest score, share above 0.5
            dense = [style] + ([block] if setting.get("tech") else [])
            d = np.hstack(dense)
            if setting["model"] == "hgb":
                model = HistGradientBoostingClassifier(
                    learning_rate=0.05, max_iter=200, max_depth=3, min_samples_leaf=10, l2_regularization=1.0,
                    class_weight="balanced", random_state=seed)
                model.fit(d[train_idx], labels[train_idx])
                probabilities = np.full((len(test_idx), 3), 1e-9)
                probabilities[:, model.classes_] = model.predict_proba(d[test_idx])
            else:
                z = standardise(d, train_idx)
                if setting.get("tech"):
                    z[:, style.shape[1]:] *= setting["tech"]
                blocks_train, blocks_test = [sparse.csr_matrix(z[train_idx])], [sparse.csr_matrix(z[test_idx])]
                if setting.get("words"):
                    a, b = words.matrices(train_idx, test_idx, 20000)
                    blocks_train.append(a * setting["words"])
                    blocks_test.append(b * setting["words"])
                model = LogisticRegression(C=setting.get("C", 1.0), class_weight="balanced", max_iter=3000)
                model.fit(sparse.hstack(blocks_train, format="csr"), labels[train_idx])
                probabilities = np.full((len(test_idx), 3), 1e-9)
                probabilities[:, model.classes_] = model.predict_proba(sparse.hstack(blocks_test, format="csr"))
            predicted[te] = probabilities.argmax(1)
        gold = [G.GENRES[i] for i in labels[own]]
        pred = [G.GENRES[i] for i in predicted]
        results.append((macro_f1(gold, pred), macro_f1(gold, pred, balanced=True), per_class_f1(gold, pred)))
    return results


VARIANTS = {
    "lr_shipped": {"model": "lr", "words": 0.5},
    "lr_tech1": {"model": "lr", "words": 0.5, "tech": 1.0},
    "lr_tech0.5": {"model": "lr", "words": 0.5, "tech": 0.5},
    "lr_style_only": {"model": "lr"},
    "lr_style_tech1": {"model": "lr", "tech": 1.0},
    "lr_tech_summary1": {"model": "lr", "words": 0.5, "tech": 1.0, "summary": True},
    "hgb_style": {"model": "hgb"},
    "hgb_style_tech": {"model": "hgb", "tech": 1.0},
}
ARTICLES: list = []


def main():
    warnings.filterwarnings("ignore")
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval", nargs="+", default=["en"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1])
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS))
    args = parser.parse_args()
    corpora = load_all()
    ARTICLES.extend(a for items in corpora.values() for a in items if a.gold.get("genre"))
    style = cached_dense("style", ARTICLES, G.style_features)
    tech = oof_technique_matrix(ARTICLES)
    words = FoldTfidf([a.text for a in ARTICLES])
    labels = np.array([G.GENRES.index(a.gold["genre"]) for a in ARTICLES])
    languages = np.array([a.language for a in ARTICLES])
    for lang in args.eval:
        own = np.flatnonzero(languages == lang)
        for name in args.variants:
            started = time.time()
            results = run_variant(name, VARIANTS[name], own, labels, style, tech, words, args.seeds)
            macro = [r[0] for r in results]
            balanced = [r[1] for r in results]
            per = {g: round(float(np.mean([r[2][g] for r in results])), 3) for g in G.GENRES}
            log(json.dumps({"language": lang, "variant": name, "macro_f1": round(float(np.mean(macro)), 4),
                            "macro_sd": round(float(np.std(macro)), 4), "balanced": round(float(np.mean(balanced)), 4),
                            "per_class": per, "seeds": args.seeds, "runs": [round(m, 4) for m in macro],
                            "seconds": round(time.time() - started)}))


if __name__ == "__main__":
    main()
