"""Speed and memory of the shipped technique detector. Prints numbers; asserts nothing.

    python benchmarks/bench_techniques.py [--model-dir DIR] [--articles N] [--no-span-encoder]

Measures: cold start (fresh process: import, load, and the first short article, which loads the span encoder
when there is one), one ~1,000-word article end to end on one core
(segmentation + annotate), throughput over N articles in one process and in 2 worker processes, peak RSS.
Texts are synthetic (built from the invented example sentences in the taxonomy), so no corpus is needed.
"""

from __future__ import annotations

import argparse
import json
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


def _load(model_dir, span_encoder: bool):
    from spinscope.detectors.base import load_detector

    detector = load_detector(model_dir)
    if not span_encoder:
        detector.set_params(encoder_weight=0.0)
    return detector


def _annotate_many(args: tuple[str, list[str], bool]) -> int:
    from spinscope.segment import segment
    from spinscope.types import Article

    model_dir, texts, span_encoder = args
    detector = _load(model_dir, span_encoder)
    spans = 0
    for text in texts:
        spans += len(detector.annotate(segment(Article(text=text, language="en"))).spans)
    return spans


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
    args = parser.parse_args()
    span_encoder = not args.no_span_encoder

    from spinscope.detectors import span_encoder as encoders
    from spinscope.segment import segment
    from spinscope.types import Article

    results = {"span_encoder": span_encoder}
    colds = [cold_start_seconds(args.model_dir, span_encoder) for _ in range(3)]
    results["cold_start_s_median_of_3"] = sorted(colds)[1]
    size = sum(f.stat().st_size for f in args.model_dir.iterdir() if f.is_file())
    results["model_size_mb"] = size / 1e6
    if span_encoder:
        results["span_encoder_size_mb"] = sum(f.stat().st_size for f in (encoders.DEFAULT_DIRECTORY / "en").iterdir()
                                              ) / 1e6

    detector = _load(args.model_dir, span_encoder)
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

    texts = [make_article_text(600 + 100 * (i % 8), seed=i) for i in range(args.articles)]
    started = time.perf_counter()
    for t in texts:
        detector.annotate(segment(Article(text=t, language="en")))
    results["articles_per_s_1_process"] = len(texts) / (time.perf_counter() - started)

    halves = [texts[: len(texts) // 2], texts[len(texts) // 2:]]
    started = time.perf_counter()
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_annotate_many, [(str(args.model_dir), h, span_encoder) for h in halves]))
    results["articles_per_s_2_processes_incl_load"] = len(texts) / (time.perf_counter() - started)
    results["peak_rss_mb_this_process"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results["peak_rss_mb_workers"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in results.items()}, indent=2))


if __name__ == "__main__":
    main()
