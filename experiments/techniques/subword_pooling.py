"""How the span encoder turns sub-word probabilities into word probabilities: does another rule find spans better?

The shipped rule: a word takes its first sub-word's probabilities, averaged over the overlapping windows that
cover it. Variants: the mean or the max over the word's sub-words, and windows weighted by how far a sub-word sits
from the window's edge (a sub-word near an edge has little context on one side). Each fold's held-out articles are
re-read by that fold's encoder under each rule; the CRF's probabilities, the sentences and the backfill come from
`decoding_explore.py capture`, and the spans are decoded at the shipped setting (`decoding_explore.decode_article`).

    python experiments/techniques/decoding_explore.py capture      # once, if the capture is missing
    python experiments/techniques/subword_pooling.py [--rules first mean max first-centre]
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from decoding_explore import CAPTURED, decode_article, si  # noqa: E402

from spinscope.detectors.span_encoder import LABEL_ID, SpanEncoder, _padded, length_batches, subwords  # noqa: E402

RULES = ("first", "mean", "max", "first-centre", "mean-centre", "max-centre")


def word_probabilities(encoder: SpanEncoder, text: str, words, rule: str) -> tuple[np.ndarray, np.ndarray]:
    ids, word_of, _ = subwords(encoder._tokenizer(), text, words)
    cls_id, sep_id = encoder._special_ids()
    summed = np.zeros((len(ids), len(LABEL_ID)), np.float64)
    weights = np.zeros(len(ids), np.float64)
    session = encoder._session()
    for chunk in length_batches(encoder._windows(ids), encoder.window):
        batch, mask, _ = _padded([(np.concatenate([[cls_id], ids[s:e], [sep_id]]), None) for s, e in chunk])
        logits = session.run(None, {"input_ids": batch, "attention_mask": mask})[0]
        probabilities = np.exp(logits - logits.max(-1, keepdims=True))
        probabilities /= probabilities.sum(-1, keepdims=True)
        for r, (s, e) in enumerate(chunk):
            n = e - s
            if rule.endswith("-centre"):  # distance to the nearer edge, at least 1
                w = np.minimum(np.arange(1, n + 1), np.arange(n, 0, -1)).astype(np.float64)
            else:
                w = np.ones(n)
            summed[s:e] += probabilities[r, 1:1 + n] * w[:, None]
            weights[s:e] += w
    per_subword = summed / np.maximum(weights, 1e-9)[:, None]
    p_begin = per_subword[:, LABEL_ID["B"]]
    p_inside = p_begin + per_subword[:, LABEL_ID["I"]]
    inside, begin = np.zeros(len(words)), np.zeros(len(words))
    pooling = rule.split("-")[0]
    for k in range(len(words)):
        members = np.flatnonzero(word_of == k)
        if not len(members):
            continue
        begin[k] = p_begin[members[0]]  # only the first sub-word can begin a span
        inside[k] = {"first": p_inside[members[0]], "mean": p_inside[members].mean(),
                     "max": p_inside[members].max()}[pooling]
    return inside, begin


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rules", nargs="+", default=list(RULES), choices=RULES)
    parser.add_argument("--encoders", type=Path, default=Path("/tmp/spinscope_encoders"))
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    records = pickle.loads(CAPTURED.read_bytes())
    by_fold: dict[int, list[str]] = {}
    for article_id, record in records.items():
        by_fold.setdefault(record["fold"], []).append(article_id)
    shipped = {a: decode_article(r, 0.5, 0.25, None, 0.0) for a, r in records.items()}
    print(json.dumps({"rule": "captured", "si_f1": round(si(records, records, shipped)["f1"], 4)}), flush=True)
    for rule in args.rules:
        variant = {}
        for k, ids in sorted(by_fold.items()):
            encoder = SpanEncoder.load(args.encoders / f"fold{k}of{args.folds}" / "en")
            for a in ids:
                record = records[a]
                words = [t for sentence in record["sentences"] for t in sentence["tokens"]]
                inside, begin = word_probabilities(encoder, record["text"], words, rule)
                sentences, at = [], 0
                for sentence in record["sentences"]:
                    n = len(sentence["tokens"])
                    sentences.append({**sentence, "encoder": (inside[at:at + n], begin[at:at + n])})
                    at += n
                variant[a] = decode_article({**record, "sentences": sentences}, 0.5, 0.25, None, 0.0)
        pooled = si(records, records, variant)
        print(json.dumps({"rule": rule, "si_f1": round(pooled["f1"], 4), "precision": round(pooled["precision"], 4),
                          "recall": round(pooled["recall"], 4),
                          "folds": [round(si(records, by_fold[k], variant)["f1"], 3) for k in sorted(by_fold)]}),
              flush=True)


if __name__ == "__main__":
    main()
