"""Does a frozen MiniLM paragraph embedding add to the sparse paragraph features? A paragraph-only comparison.

Needs the cache written by embed_paragraphs.py. Same protocol for both feature sets: outer 5-fold article-grouped
CV; per fold, SGD logistic models per technique, thresholds chosen on inner 3-fold out-of-fold scores of the
training part (micro-F1 coordinate ascent, as the detector does), scored with subtask-3 micro-F1.

    python experiments/techniques/embedding_ablation.py [embedding_weight ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import SGDClassifier

sys.path.insert(0, str(Path(__file__).parent))
from common import CACHE, group_folds, load_language  # noqa: E402

from spinscope.detectors.features import TfidfNgrams  # noqa: E402
from spinscope.detectors.techniques import choose_thresholds  # noqa: E402
from spinscope.taxonomy import TECHNIQUE_NAMES  # noqa: E402


def fit_scores(X_train, Y_train, X_test):
    out = np.zeros((X_test.shape[0], Y_train.shape[1]))
    for j in range(Y_train.shape[1]):
        if Y_train[:, j].sum() < 3:
            out[:, j] = -10
            continue
        model = SGDClassifier(loss="log_loss", alpha=1.0 / X_train.shape[0], max_iter=10, tol=None,
                              class_weight="balanced", random_state=0).fit(X_train, Y_train[:, j])
        out[:, j] = model.decision_function(X_test)
    return out


def to_probability(scores_oof, y_oof, scores):
    from sklearn.linear_model import LogisticRegression
    p_oof, p = np.zeros_like(scores_oof), np.zeros_like(scores)
    for j in range(scores.shape[1]):
        if y_oof[:, j].sum() == 0:
            continue
        cal = LogisticRegression().fit(scores_oof[:, j:j + 1], y_oof[:, j])
        p_oof[:, j] = cal.predict_proba(scores_oof[:, j:j + 1])[:, 1]
        p[:, j] = cal.predict_proba(scores[:, j:j + 1])[:, 1]
    return p_oof, p


def static_paragraph_vectors(articles):
    """Each gold paragraph's embedding from the packaged static word vectors (as the detector computes it)."""
    from spinscope.detectors.static_vectors import DEFAULT_DIRECTORY, StaticVectors

    vectors = StaticVectors.load(DEFAULT_DIRECTORY / "en")
    out = {}
    for article in articles:
        lines = article.text.split("\n")
        keys = [f"{article.id}:{line}" for line in article.gold["paragraphs"]]
        rows = vectors.embed([lines[int(line) - 1] for line in article.gold["paragraphs"]])
        out.update(zip(keys, rows))
    return out


def main() -> None:
    weights = [float(x) for x in sys.argv[1:] if not x.startswith("--")] or [0.0, 0.5, 1.0]
    articles = load_language("en")
    if "--static" in sys.argv:  # the packaged static word vectors instead of the MiniLM cache
        vectors = static_paragraph_vectors(articles)
    else:
        cache = np.load(CACHE / "embeddings_en_paragraphs.npz")
        vectors = dict(zip(cache["keys"].tolist(), cache["vectors"]))
    texts, labels, article_index, emb = [], [], [], []
    index = {t: j for j, t in enumerate(TECHNIQUE_NAMES)}
    for a_i, article in enumerate(articles):
        lines = article.text.split("\n")
        for line, techniques in article.gold["paragraphs"].items():
            texts.append(lines[int(line) - 1].strip())
            row = np.zeros(len(TECHNIQUE_NAMES), np.int8)
            for t in techniques:
                row[index[t]] = 1
            labels.append(row)
            article_index.append(a_i)
            emb.append(vectors[f"{article.id}:{line}"])
    Y, article_index, E = np.vstack(labels), np.asarray(article_index), np.vstack(emb).astype(np.float32)
    folds = group_folds(articles, 5, 0)
    for weight in weights:
        tp = fp = fn = 0
        for held in folds:
            test = np.isin(article_index, held)
            train_idx = np.flatnonzero(~test)
            word = TfidfNgrams("word", (1, 2), 2, 60000).fit([texts[i] for i in train_idx])
            char = TfidfNgrams("char_wb", (3, 5), 2, 40000).fit([texts[i] for i in train_idx])
            X = sp.hstack([word.transform(texts), char.transform(texts), sp.csr_matrix(E * weight)], format="csr")
            X_train, Y_train = X[train_idx], Y[train_idx]
            inner_articles = [articles[i] for i in np.unique(article_index[train_idx])]
            inner = group_folds(inner_articles, 3, 0)
            inner_ids = [{inner_articles[i].id for i in f} for f in inner]
            train_article_ids = np.asarray([articles[article_index[i]].id for i in train_idx])
            oof = np.zeros((len(train_idx), Y.shape[1]))
            for ids in inner_ids:
                m = np.isin(train_article_ids, list(ids))
                oof[m] = fit_scores(X_train[~m], Y_train[~m], X_train[m])
            scores = fit_scores(X_train, Y_train, X[test])
            p_oof, p = to_probability(oof, Y_train, scores)
            thresholds = choose_thresholds(p_oof, Y_train, "micro", 0.1)
            predicted = p >= thresholds
            gold = Y[test].astype(bool)
            tp += (predicted & gold).sum()
            fp += (predicted & ~gold).sum()
            fn += (~predicted & gold).sum()
        print(f"embedding weight {weight}: paragraph-only micro-F1 {2 * tp / (2 * tp + fp + fn):.3f} "
              f"(P {tp / max(1, tp + fp):.3f} R {tp / max(1, tp + fn):.3f})", flush=True)


if __name__ == "__main__":
    main()
