"""Contextual article embeddings for the frame and genre explore scripts (cached in /tmp, never in the repo).

  python experiments/article_level/contextual_vectors.py minilm      # the packaged all-MiniLM-L6-v2, fp32 torch
  python experiments/article_level/contextual_vectors.py encoder     # the shipped span encoder's last hidden layer

Each article is cut into the span encoder's windows (256 sub-words every 192); a window's vector is the
attention-masked mean of its last hidden layer; the article gets "full" (mean of all its windows, unit length) and
"lead" (the first window only). Needs the [distill] extra for `minilm`; `encoder` reads the ONNX file with an
extra graph output. Languages other than English get zeros (MiniLM's vocabulary is English).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from common import load_all
from fastfeatures import CACHE

WINDOW, STRIDE = 256, 192


def windows(tokenizer_ids: list[int], cls: int, sep: int) -> list[list[int]]:
    """The span encoder's windows over the article's sub-words, each with its [CLS] and [SEP]."""
    from spinscope.detectors.span_encoder import window_bounds

    return [[cls] + tokenizer_ids[s:e] + [sep] for s, e in window_bounds(len(tokenizer_ids), WINDOW - 2, STRIDE)]


def minilm_embedder():
    import torch
    from transformers import AutoModel, AutoTokenizer

    from spinscope.detectors.static_vectors import packaged_minilm

    torch.set_num_threads(2)
    folder = packaged_minilm("contextual vectors", "")
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModel.from_pretrained(folder).eval()

    def embed(text: str) -> np.ndarray:
        ids = tokenizer(text, add_special_tokens=False)["input_ids"]
        rows = windows(ids, tokenizer.cls_token_id, tokenizer.sep_token_id)
        width = max(map(len, rows))
        input_ids = torch.tensor([r + [0] * (width - len(r)) for r in rows])
        mask = torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows])
        with torch.no_grad():
            hidden = model(input_ids=input_ids, attention_mask=mask).last_hidden_state.numpy()
        m = mask.numpy()[:, :, None]
        return (hidden * m).sum(1) / m.sum(1)

    return embed


def encoder_embedder():
    import onnx
    import onnxruntime
    from tokenizers import Tokenizer

    folder = Path(__file__).resolve().parents[2] / "src/spinscope/models/span_encoder/en"
    graph = onnx.load(str(folder / "model.int8.onnx"))
    # the last encoder layer's LayerNorm output is what the classification head reads
    hidden_name = [n.output[0] for n in graph.graph.node if n.op_type == "LayerNormalization"][-1]
    names = {o.name for o in graph.graph.output}
    if hidden_name not in names:
        graph.graph.output.append(onnx.helper.make_empty_tensor_value_info(hidden_name))
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 2
    session = onnxruntime.InferenceSession(graph.SerializeToString(), options, providers=["CPUExecutionProvider"])
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.no_truncation()
    input_names = [i.name for i in session.get_inputs()]

    def embed(text: str) -> np.ndarray:
        ids = tokenizer.encode(text, add_special_tokens=False).ids
        rows = windows(ids, tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]"))
        width = max(map(len, rows))
        feed = {"input_ids": np.array([r + [0] * (width - len(r)) for r in rows], dtype=np.int64),
                "attention_mask": np.array([[1] * len(r) + [0] * (width - len(r)) for r in rows], dtype=np.int64)}
        if "token_type_ids" in input_names:
            feed["token_type_ids"] = np.zeros_like(feed["input_ids"])
        hidden = session.run([hidden_name], {k: v for k, v in feed.items() if k in input_names})[0]
        m = feed["attention_mask"][:, :, None]
        return (hidden * m).sum(1) / m.sum(1)

    return embed


def main():
    kind = sys.argv[1]
    embed = {"minilm": minilm_embedder, "encoder": encoder_embedder}[kind]()
    corpora = load_all()
    everything = [a for items in corpora.values() for a in items]
    full = np.zeros((len(everything), 384), np.float32)
    lead = np.zeros_like(full)
    started = time.time()
    for i, article in enumerate(everything):
        if article.language != "en":
            continue
        rows = embed(article.text)
        full[i] = rows.mean(0) / np.linalg.norm(rows.mean(0))
        lead[i] = rows[0] / np.linalg.norm(rows[0])
    keys = np.array([a.language + "/" + a.id for a in everything])
    np.savez(CACHE / f"contextual-{kind}.npz", keys=keys, full=full, lead=lead)
    print(f"{kind}: {len(everything)} articles in {time.time() - started:.0f}s -> {CACHE / f'contextual-{kind}.npz'}")


def lookup(kind: str, variant: str, articles) -> np.ndarray:
    """The cached vectors of `articles` (run this script first)."""
    data = np.load(CACHE / f"contextual-{kind}.npz")
    index = {k: i for i, k in enumerate(data["keys"])}
    return data[variant][[index[a.language + "/" + a.id] for a in articles]]


if __name__ == "__main__":
    main()
