"""What the genre and frames components add to the analysis of one article. Prints numbers; asserts nothing.

    python benchmarks/bench_article_level.py [--n 100] [--repeats 5] [--model-dir DIR] [--data DIR]

End to end, as `spinscope.analyze(text)` does it: ingest from text (`ingest.from_text`), language detection,
segmentation, then the real `Pipeline` with the shipped models, once with components ("techniques",) and once
with ("techniques", "genre", "frames") (plus each of genre and frames alone). Inputs: the first N English
SemEval-2023 training articles (read from the data folder; no corpus text is written anywhere) and the training
article closest to 1,000 words. Timing is CPU time of this process (the machine is shared; wall time is noisy),
per article, with the configurations interleaved article by article so load drifts hit them alike; each run
over the articles is repeated and the median run is reported. The shared n-gram caches are emptied before each
analysis, so no configuration profits from another having read the same text.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = Path(os.environ.get("SPINSCOPE_SEMEVAL", ROOT.parent / "shared" / "data" / "semeval2023"))
CONFIGS = {
    "techniques": ("techniques",),
    "techniques+genre": ("techniques", "genre"),
    "techniques+frames": ("techniques", "frames"),
    "techniques+genre+frames": ("techniques", "genre", "frames"),
}


def _clear_caches() -> None:
    from spinscope.detectors import article_features

    article_features.clear_caches()


def analyse(text: str, settings) -> object:
    """What `spinscope.analyze(text)` does for raw text."""
    from spinscope.ingest import from_text
    from spinscope.pipeline import Pipeline

    return Pipeline(settings)(from_text(text, settings=settings))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100, help="English training articles to analyse")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--long-repeats", type=int, default=30, help="runs of the ~1,000-word article")
    parser.add_argument("--model-dir", type=Path, default=None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()

    from spinscope.data import load_semeval2023
    from spinscope.settings import Settings

    articles = load_semeval2023(args.data / "en")
    texts = [a.text for a in articles[: args.n]]
    long_text = min((a.text for a in articles), key=lambda t: abs(len(t.split()) - 1000))
    base = Settings() if args.model_dir is None else Settings(model_dir=args.model_dir)
    settings = {name: base.with_changes(components=components) for name, components in CONFIGS.items()}
    for name, config in settings.items():  # load every model and warm every code path once
        _clear_caches()
        result = analyse(texts[0], config)
        missing = [w for w in result.warnings if "model" in w]
        if missing:
            raise SystemExit(f"{name}: {missing}")

    # CPU time inside each detector of the full configuration (wrapped annotate; the wrapper costs ~1 us)
    from spinscope.pipeline import Pipeline

    inside: dict[str, float] = {}
    for component, detector, _ in Pipeline(settings["techniques+genre+frames"]).components:
        def timed(article, _annotate=detector.annotate, _name=component):
            started = time.process_time()
            try:
                return _annotate(article)
            finally:
                inside[_name] = inside.get(_name, 0.0) + time.process_time() - started
        detector.annotate = timed

    def run(batch: list[str], repeats: int) -> dict[str, list[float]]:
        """ms CPU per article for each configuration, one entry per repeat."""
        totals = {name: [] for name in settings}
        for _ in range(repeats):
            spent = dict.fromkeys(settings, 0.0)
            for text in batch:
                for name, config in settings.items():
                    _clear_caches()
                    started = time.process_time()
                    analyse(text, config)
                    spent[name] += time.process_time() - started
            for name in settings:
                totals[name].append(1000 * spent[name] / len(batch))
        return totals

    words = sum(len(t.split()) for t in texts) / len(texts)
    print(f"{len(texts)} English training articles (mean {words:.0f} words), {args.repeats} runs; "
          f"CPU ms per article, median run (min-max)")
    inside.clear()
    _report(run(texts, args.repeats))
    _report_inside(inside, len(texts) * args.repeats)
    inside.clear()
    print(f"\none training article of {len(long_text.split())} words, {args.long_repeats} runs; CPU ms, median (min-max)")
    _report(run([long_text], args.long_repeats))
    _report_inside(inside, args.long_repeats)


def _report_inside(inside: dict[str, float], analyses: int) -> None:
    print("  inside the full configuration, CPU ms per article: "
          + ", ".join(f"{name} {1000 * seconds / analyses:.2f}" for name, seconds in inside.items()))


def _report(totals: dict[str, list[float]]) -> None:
    reference = statistics.median(totals["techniques"])
    for name, values in totals.items():
        median = statistics.median(values)
        overhead = "" if name == "techniques" else f"  {100 * (median / reference - 1):+5.1f}% vs techniques"
        print(f"  {name:<26} {median:7.2f} ms  ({min(values):.2f}-{max(values):.2f}){overhead}")
    # overhead per repeat (paired): how stable the relative figure is
    pairs = [100 * (full / alone - 1) for full, alone in zip(totals["techniques+genre+frames"], totals["techniques"])]
    print(f"  overhead of genre+frames per run: median {statistics.median(pairs):+.1f}% "
          f"(runs: {', '.join(f'{p:+.1f}' for p in pairs)})")


if __name__ == "__main__":
    main()
