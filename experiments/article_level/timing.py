"""CPU time per article (the machine is shared, so wall time is noisy) of the shipped genre and frames models and of the score (and of techniques, if shipped),
on the first N English training articles (already segmented, models loaded once).

  python experiments/article_level/timing.py --n 100
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from common import load
from spinscope.aggregate import score_article
from spinscope.detectors import load_detector
from spinscope.settings import PACKAGED_MODELS


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--language", default="en")
    args = parser.parse_args()
    articles = list(load(args.language))[: args.n]
    for article in articles:
        for technique, start, end in article.gold.get("spans", []):
            article.add_span(start, end, technique, 0.8)
    for name in ("techniques", "genre", "frames"):
        directory = Path(PACKAGED_MODELS) / name
        if not (directory / "params.json").exists():
            print(f"{name}: no shipped model")
            continue
        started = time.perf_counter()
        detector = load_detector(directory)
        loaded = time.perf_counter() - started
        detector.annotate(articles[0])  # warm-up
        started, cpu = time.perf_counter(), time.process_time()
        for article in articles:
            detector.annotate(article)
        elapsed = (time.perf_counter() - started) / len(articles)
        cpu = (time.process_time() - cpu) / len(articles)
        size = sum(f.stat().st_size for f in directory.iterdir()) / 1e6
        print(f"{name}: {1000 * cpu:.1f} ms CPU/article ({1000 * elapsed:.1f} ms wall), load {loaded:.2f} s, "
              f"{size:.2f} MB on disk")
    if all((Path(PACKAGED_MODELS) / n / "params.json").exists() for n in ("genre", "frames")):
        genre, frames = load_detector(Path(PACKAGED_MODELS) / "genre"), load_detector(Path(PACKAGED_MODELS) / "frames")
        cpu = time.process_time()
        for article in articles:  # as the pipeline runs them: one article through both (shared n-gram cache)
            genre.annotate(article)
            frames.annotate(article)
        print(f"genre + frames in sequence: {1000 * (time.process_time() - cpu) / len(articles):.1f} ms CPU/article")
    cpu = time.process_time()
    for article in articles:
        score_article(article)
    print(f"score: {1000 * (time.process_time() - cpu) / len(articles):.2f} ms CPU/article "
          f"(mean {sum(len(a.spans) for a in articles) / len(articles):.0f} spans, "
          f"{sum(len(a.text) for a in articles) / len(articles):.0f} chars)")


if __name__ == "__main__":
    main()
