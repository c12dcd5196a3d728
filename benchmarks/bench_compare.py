"""Time and peak memory of the comparison stages on the shared training corpora.

    .venv/bin/python benchmarks/bench_compare.py                    # 500 and 2,000 articles
    .venv/bin/python benchmarks/bench_compare.py --sizes 500 2000 8000 --stages cluster
    .venv/bin/python benchmarks/bench_compare.py --claims-dev        # claim-similarity development pairs

Articles come from SemEval-2023 (all six languages) and SemEval-2020 PTC, one copy of each article. Sizes above that
add variants (an article's first half, or its paragraphs in reverse order, under a new id): variants are
near-duplicates of real articles, so they also exercise the story clustering with true positives. The techniques
pipeline is NOT run: it dominates the time and is measured by the pipeline's own benchmark; this measures what
`compare` adds (attribution, story clustering, claim extraction and matching).

Memory: the process's peak resident set size after each stage (includes the corpus and the imported
libraries), or with --tracemalloc each stage's own allocation peak (slower; times are then inflated).
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
import tracemalloc
from collections import Counter

from spinscope.attribution import attribute
from spinscope.claims import DEFAULT_CLAIM_THRESHOLD, extract_claims, match_claims
from spinscope.cluster import StoryInput, cluster_stories, named_entities
from spinscope.data import LANGUAGES, default_data_root, load_ptc2020, load_semeval2023
from spinscope.types import Article


def corpus(size: int) -> list[Article]:
    root = default_data_root()
    articles: list[Article] = []
    for language in LANGUAGES:
        folder = root / "semeval2023" / language
        if folder.is_dir():
            articles.extend(load_semeval2023(folder))
    if (root / "ptc2020").is_dir():
        articles.extend(load_ptc2020(root / "ptc2020"))
    if not articles:
        sys.exit(f"no corpus found under {root}")
    # SemEval-2023 English re-uses PTC articles (same ids): keep one copy of each
    seen: set[tuple[str, str]] = set()
    articles = [a for a in articles if not ((a.language, a.id) in seen or seen.add((a.language, a.id)))]
    real = len(articles)
    base = list(articles)
    round_number = 0
    while len(articles) < size:
        round_number += 1
        for article in base:
            if len(articles) >= size:
                break
            lines = article.text.split("\n")
            text = ("\n".join(lines[: max(1, len(lines) // 2)]) if round_number % 2
                    else "\n".join(reversed(lines)))
            articles.append(Article(text=text, id=f"{article.id}-v{round_number}", language=article.language))
    print(f"corpus: {real} real articles, using {min(size, len(articles))}"
          f"{f' ({size - real} variants)' if size > real else ''}")
    return articles[:size]


TRACE = False


def measure(label: str, function):
    """Run one stage; print its wall and CPU time (CPU time is the steadier figure on a shared machine) and memory.

    Memory: with --tracemalloc, the stage's own peak of traced allocations (Python objects and numpy/scipy
    buffers; slows pure-Python stages several-fold, so times are then not representative); without it, the
    process's peak resident set size so far (ru_maxrss), which includes the loaded corpus.
    """
    gc.collect()
    if TRACE:
        tracemalloc.start()
    started, cpu_started = time.perf_counter(), time.process_time()
    result = function()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    if TRACE:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        memory = f"stage peak {peak / 2**20:8.1f} MiB (tracemalloc)"
    else:
        memory = f"process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:8.1f} MiB"
    print(f"  {label:<34} {seconds:8.2f} s wall {cpu:8.2f} s CPU   {memory}", flush=True)
    return result, seconds


def run(size: int, stages: set[str]) -> None:
    print(f"\n== {size} articles", flush=True)
    articles = corpus(size)
    from spinscope.cluster import stop_words
    stop_words()  # imports scikit-learn outside the timed stages
    entities, _ = measure("named entities", lambda: [named_entities(a.text) for a in articles])
    sources = [[] for _ in articles]
    if "attribution" in stages:
        attributions, _ = measure("attribution (sources, quotes)",
                                  lambda: [attribute(a.text, e) for a, e in zip(articles, entities)])
        sources = [[s.key for s in at.sources if s.kind in ("outlet", "person", "official")] for at in attributions]
        print(f"    sources/article {sum(len(a.sources) for a in attributions) / len(articles):.1f}, "
              f"quotes/article {sum(len(a.quotes) for a in attributions) / len(articles):.1f}")
    stories = None
    if "cluster" in stages:
        inputs = [StoryInput(a.text, a.published, s, e) for a, s, e in zip(articles, sources, entities)]
        stories, _ = measure("story clustering", lambda: cluster_stories(inputs))
        sizes = Counter(len(s.members) for s in stories)
        print(f"    {len(stories)} stories; sizes {dict(sorted(sizes.items()))}")
    if "claims" in stages:
        claims, _ = measure("claim extraction", lambda: [extract_claims(a.text, i, a.language or "en", e)
                                                         for i, (a, e) in enumerate(zip(articles, entities))])
        print(f"    claims/article {sum(map(len, claims)) / len(articles):.1f}")
        if stories is not None:
            multi = [s for s in stories if len(s.members) > 1]

            def match_all():
                return [match_claims({i: claims[i] for i in s.members}, threshold=DEFAULT_CLAIM_THRESHOLD)
                        for s in multi]

            matched, _ = measure(f"claim matching ({len(multi)} stories)", match_all)
            print(f"    shared claim groups {sum(len(m.shared) for m in matched)}")


def claims_dev() -> None:
    """Similarities of the hand-written development pairs used to choose the claim encoder weights."""
    from spinscope.claims import Claim, claim_similarities

    positive = [
        ("The city council approved a budget of 40 million euros for the new harbour on Monday.",
         "On Monday, councillors voted through the 40 million euro harbour budget."),
        ("Police arrested three men after the robbery at the central bank branch in Lyon.",
         "Three men were arrested by police following the robbery of a central bank branch in Lyon."),
        ("Prime Minister Anna Kovac resigned on Friday after losing a confidence vote in parliament.",
         "Anna Kovac stepped down as prime minister on Friday, after parliament voted no confidence in her "
         "government."),
        ("The company said it will cut 1,200 jobs at its factories in Ohio by the end of the year.",
         "By year end, 1,200 jobs will go at the firm's Ohio factories, the company announced."),
        ("The earthquake, which struck off the coast of Chile late on Sunday, killed at least 12 people.",
         "At least 12 people died when an earthquake hit the Chilean coast on Sunday night."),
        ("Health Minister Peter Lang announced that hospitals in Bavaria will receive 300 new ventilators next "
         "week.", "Bavarian hospitals are to get 300 new ventilators next week, Health Minister Peter Lang said."),
    ]
    negative = [
        ("The city council approved a budget of 40 million euros for the new harbour on Monday.",
         "The city council will debate the new school timetable on Monday."),
        ("Police arrested three men after the robbery at the central bank branch in Lyon.",
         "The central bank raised interest rates by half a point in Lyon on Thursday."),
        ("Prime Minister Anna Kovac resigned on Friday after losing a confidence vote in parliament.",
         "Prime Minister Anna Kovac met the Italian president in Rome to discuss migration."),
        ("The company said it will cut 1,200 jobs at its factories in Ohio by the end of the year.",
         "The company reported record profits in its Ohio division last quarter."),
        ("The earthquake, which struck off the coast of Chile late on Sunday, killed at least 12 people.",
         "Chile's president visited the coast on Sunday to open a new port."),
        ("Health Minister Peter Lang announced that hospitals in Bavaria will receive 300 new ventilators next "
         "week.", "Health Minister Peter Lang was criticised by nurses in Bavaria over pay."),
    ]
    texts = [t for pair in positive + negative for t in pair]
    similarity = claim_similarities([Claim(i % 2, 0, len(t), t) for i, t in enumerate(texts)])
    print(f"claim threshold {DEFAULT_CLAIM_THRESHOLD}")
    for k, (left, right) in enumerate(positive + negative):
        label = "same claim " if k < len(positive) else "different  "
        print(f"  {label} {similarity[2 * k, 2 * k + 1]:.2f}  {left[:50]} | {right[:50]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--stages", nargs="+", default=["attribution", "cluster", "claims"],
                        choices=["attribution", "cluster", "claims"])
    parser.add_argument("--claims-dev", action="store_true", help="print the claim-similarity development pairs")
    parser.add_argument("--tracemalloc", action="store_true", help="per-stage allocation peaks (slower)")
    args = parser.parse_args()
    global TRACE
    TRACE = args.tracemalloc
    if args.claims_dev:
        claims_dev()
        return
    for size in args.sizes:
        run(size, set(args.stages))


if __name__ == "__main__":
    main()
