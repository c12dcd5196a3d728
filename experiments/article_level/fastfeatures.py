"""Fast exploration path: tokenise every article once, then rebuild per-fold TF-IDF exactly as
`features.TfidfNgrams.fit` would on the fold's training articles (same min_df/max_df/max_features rules, same idf),
without re-tokenising. Style and technique features are computed once per article and cached in /tmp.
Final numbers in RESULTS.md come from the real detectors (genre_cv.py / frames_cv.py); this is for exploring.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
from scipy import sparse

CACHE = Path("/tmp/spinscope_article_level_cache")


class FoldTfidf:
    def __init__(self, texts, analyzer="word", ngram_range=(1, 2)):
        from sklearn.feature_extraction.text import CountVectorizer

        options = {"analyzer": analyzer, "ngram_range": ngram_range, "lowercase": True, "dtype": np.float64}
        if analyzer == "word":
            options["token_pattern"] = r"(?u)\b\w+(?:['’]\w+)*\b|[!?]"  # as features.TfidfNgrams
        key = hashlib.sha1(("|".join(texts) + repr(options)).encode()).hexdigest()[:16]
        CACHE.mkdir(exist_ok=True)
        path = CACHE / f"counts-{key}.npz"
        if path.exists():
            self.counts = sparse.load_npz(path).tocsr()
        else:
            self.counts = CountVectorizer(**options).fit_transform(texts).tocsr()
            sparse.save_npz(path, self.counts)
        self.binary = self.counts.copy()
        self.binary.data[:] = 1.0

    def matrices(self, train_idx, test_idx, max_features=20000, min_df=2, max_df=1.0):
        n = len(train_idx)
        df = np.asarray(self.binary[train_idx].sum(axis=0)).ravel()
        keep = (df >= min(min_df, n)) & (df <= max_df * n)
        candidates = np.flatnonzero(keep)
        if max_features and len(candidates) > max_features:
            # TfidfNgrams keeps the terms with the highest document frequency (ties: alphabetical, which is the
            # CountVectorizer column order here); the early runs in RESULTS.md ranked by total term count
            order = np.argsort(-df[candidates], kind="stable")[:max_features]
            candidates = np.sort(candidates[order])
        idf = np.log((1 + n) / (1 + df[candidates])) + 1.0
        out = []
        for rows in (train_idx, test_idx):
            m = self.counts[rows][:, candidates].tocsr()
            m.data = np.log(m.data) + 1.0
            m = m.multiply(idf).tocsr()
            norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
            norms[norms == 0] = 1
            out.append(sparse.csr_matrix(sparse.diags(1 / norms) @ m))
        return out


def cached_dense(name, articles, function):
    key = hashlib.sha1("|".join(a.language + a.id for a in articles).encode()).hexdigest()[:16]
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"{name}-{key}.npy"
    if path.exists():
        return np.load(path)
    values = np.array([function(a) for a in articles])
    np.save(path, values)
    return values


class DenseFeature:
    """A dense per-article block for the explore scripts: standardised on the fold's training rows, times weight."""

    def __init__(self, values: np.ndarray):
        self.values = values

    def matrices(self, train_idx, test_idx, weight=1.0):
        from spinscope.detectors.article_features import Standardiser

        z = Standardiser().fit(self.values[train_idx]).transform(self.values) * weight
        return sparse.csr_matrix(z[train_idx]), sparse.csr_matrix(z[test_idx])


def static_article_vectors(articles):
    """Each article's static-vector embedding (packaged vectors, as the frame detector computes it); zeros for
    languages without vectors."""
    from spinscope.detectors.article_features import article_text
    from spinscope.detectors.static_vectors import load_for_language

    out = np.zeros((len(articles), 384))
    for i, article in enumerate(articles):
        vectors = load_for_language(None, article.language)
        if vectors is not None:
            out[i] = vectors.embed([article_text(article)])[0]
    return out
