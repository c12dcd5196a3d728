"""Speed and memory of the shipped technique detector. Prints numbers; asserts nothing.

    python benchmarks/bench_techniques.py [--model-dir DIR] [--articles N] [--no-span-encoder] [--encoder-gate G]
                                          [--corpus DIR]

Measures: cold start (fresh process: import, load, and the first short article, which loads the span encoder
when there is one), one ~1,000-word article end to end on one core
(segmentation + annotate), throughput over N articles in one process and in 2 spawned worker processes (with and
without their start-up), peak RSS of this process and of a worker.
Texts are synthetic (built from the invented example sentences in the taxonomy), so no corpus is needed;
`--corpus DIR` (e.g. ../shared/data/semeval2023/en/train-articles-subtask-3) times real articles instead (throughput
with `--encoder-gate` depends on how many sentences the CRF sees techniques in, which synthetic text misrepresents).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

DEFAULT_MODEL = Path(__file__).resolve().parents[1] / "src" / "spinscope" / "models" / "techniques"
FILLER = ("The committee met on Monday and reviewed the figures for the past quarter, which showed a modest "
          "rise in spending on roads and a small fall in the cost of public transport. ")


def make_article_text(words: int, seed: int = 0) -> str:
    """A news-like text of about `words` words: neutral filler with the taxonomy's example sentences mixed in."""
    from spinscope.taxonomy import TECHNIQUES

    paragraphs, count, i = ["Council budget under fire"], 4, seed
    while count < words:
        example = TECHNIQUES[i % len(TECHNIQUES)].example
        paragraph = FILLER + example + " " + FILLER
        paragraphs.append(paragraph.strip())
        count += len(paragraph.split())
        i += 1
    return "\n\n".join(paragraphs)


def _load(model_dir, span_encoder: bool, encoder_gate: float | None = None):
    from spinscope.detectors.base import load_detector

    detector = load_detector(model_dir)
    if not span_encoder:
        detector.set_params(encoder_weight=0.0)
    if encoder_gate is not None:
        detector.set_params(encoder_gate=encoder_gate)
    return detector


def _peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike getrusage's maxrss it starts afresh at exec, so a
    spawned worker does not inherit its parent's figure)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _annotate_many(args: tuple[str, list[str], bool, float | None]) -> tuple[float, float]:
    """A worker: load the model (and warm it on a short text), then annotate; (seconds annotating, peak RSS)."""
    from spinscope.segment import segment
    from spinscope.types import Article

    model_dir, texts, span_encoder, encoder_gate = args
    detector = _load(model_dir, span_encoder, encoder_gate)
    detector.annotate(segment(Article(text="They lie to you.", language="en")))
    started = time.perf_counter()
    for text in texts:
        detector.annotate(segment(Article(text=text, language="en")))
    return time.perf_counter() - started, _peak_rss_mb()


def cold_start_seconds(model_dir: Path, span_encoder: bool) -> float:
    code = ("import time, sys; t = time.perf_counter(); sys.path.insert(0, sys.argv[1]); "
            "from bench_techniques import _load; from spinscope.segment import segment; "
            "from spinscope.types import Article; "
            f"_load({str(model_dir)!r}, {span_encoder}).annotate(segment(Article(text='They lie to you.', "
            "language='en'))); print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code, str(Path(__file__).parent)], capture_output=True, text=True,
                         check=True)
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model-dir", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--no-span-encoder", action="store_true", help="the CRF tagger alone")
    parser.add_argument("--encoder-gate", type=float, default=None, help="override the model's encoder_gate")
    parser.add_argument("--corpus", type=Path, default=None, help="a folder of article*.txt files to time instead")
    args = parser.parse_args()
    span_encoder = not args.no_span_encoder

    from spinscope.detectors import span_encoder as encoders
    from spinscope.segment import segment
    from spinscope.types import Article

    results = {"span_encoder": span_encoder}
    detector = _load(args.model_dir, span_encoder, args.encoder_gate)
    results["encoder_gate"] = detector.get_params().get("encoder_gate")
    colds = [cold_start_seconds(args.model_dir, span_encoder) for _ in range(3)]
    results["cold_start_s_median_of_3"] = sorted(colds)[1]
    size = sum(f.stat().st_size for f in args.model_dir.iterdir() if f.is_file())
    results["model_size_mb"] = size / 1e6
    if span_encoder:
        results["span_encoder_size_mb"] = sum(f.stat().st_size for f in (encoders.DEFAULT_DIRECTORY / "en").iterdir()
                                              ) / 1e6

    text = make_article_text(1000)
    detector.annotate(segment(Article(text=text, language="en")))  # warm caches
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        article = detector.annotate(segment(Article(text=text, language="en")))
        timings.append(time.perf_counter() - started)
    results["one_1000_word_article_s_median"] = sorted(timings)[2]
    results["words_in_that_article"] = len(text.split())
    results["spans_in_that_article"] = len(article.spans)

    if args.corpus is not None:
        files = sorted(args.corpus.glob("article*.txt"))[: args.articles]
        if not files:
            sys.exit(f"no article*.txt files in {args.corpus}")
        texts = [f.read_text(encoding="utf-8") for f in files]
        results["corpus_articles"], results["corpus_words_mean"] = len(texts), sum(len(t.split()) for t in texts
                                                                                      ) / len(texts)
    else:
        texts = [make_article_text(600 + 100 * (i % 8), seed=i) for i in range(args.articles)]
    started = time.perf_counter()
    for t in texts:
        detector.annotate(segment(Article(text=t, language="en")))
    results["articles_per_s_1_process"] = len(texts) / (time.perf_counter() - started)

    halves = [texts[: len(texts) // 2], texts[len(texts) // 2:]]
    started = time.perf_counter()
    # spawned, not forked: a forked worker starts with this process's pages, which muddles its peak RSS
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        workers = list(pool.map(_annotate_many, [(str(args.model_dir), h, span_encoder, args.encoder_gate)
                                                 for h in halves]))
    results["articles_per_s_2_processes_incl_load"] = len(texts) / (time.perf_counter() - started)
    # what a long-running batch worker pair sustains: start-up and model load left out
    results["articles_per_s_2_processes_steady"] = len(texts) / max(seconds for seconds, _ in workers)
    results["peak_rss_mb_this_process"] = _peak_rss_mb()
    results["peak_rss_mb_per_worker"] = max(rss for _, rss in workers)
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in results.items()}, indent=2))


if __name__ == "__main__":
    main()
