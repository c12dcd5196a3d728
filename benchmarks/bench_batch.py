"""Batch throughput and memory: local process pool vs dask.distributed, 1 and 2 workers, small vs 10x corpus.

    .venv/bin/python benchmarks/bench_batch.py               # 300 and 3,000 articles (several minutes)
    .venv/bin/python benchmarks/bench_batch.py --small 100 --large 1000 --engines local

The corpora are the shared SemEval-2023 English training articles, repeated with new ids up to the size asked
(written to a temporary folder, never into the repo). Every run is a separate process so its memory is its own;
a sampler reads the RSS of the batch (client) process and of every worker process below it every 50 ms.

Printed per run: wall time, articles/s, peak RSS of the client, of the largest worker and of the whole tree.
Then, per engine and worker count:
  * marginal throughput = (large - small) / (t_large - t_small): start-up (pool / cluster, model loading) cancels
    out, leaving the steady rate that a long job sees;
  * per-worker rate (1 worker), which predicts a cluster whose workers each have a core: N workers ~ N * that
    rate, until the client's own reading + writing rate (measured separately: the ceiling one client can feed)
    is reached; the 2-worker scaling efficiency rate(2) / (2 * rate(1)) shows how far this machine is from that;
  * memory flatness: peak RSS at 10x the input over peak RSS at 1x (the target is within 20%).
The machine's load average is printed too: on a shared 2-core box, 2 workers cannot reach 2x.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

CHILD_FLAG = "--child"


def shared_english_texts() -> list[str]:
    from spinscope.data import default_data_root, read_text_file

    folder = default_data_root() / "semeval2023" / "en" / "train-articles-subtask-3"
    if not folder.is_dir():
        return []
    return [read_text_file(path) for path in sorted(folder.glob("article*.txt"))]


def write_corpus(path: Path, texts: list[str], count: int) -> Path:
    with open(path, "w", encoding="utf-8") as handle:
        for number in range(count):
            handle.write(json.dumps({"id": f"bench-{number:06d}", "text": texts[number % len(texts)]}) + "\n")
    return path


def child_main(argv: list[str]) -> None:
    """One batch run in this process; prints its report as JSON."""
    from spinscope.batch import BatchOptions, run_batch
    from spinscope.settings import Settings

    source, output, engine, workers = argv[0], argv[1], argv[2], int(argv[3])
    report = run_batch([source], output, Settings(), BatchOptions(engine=engine, workers=workers, overwrite=True))
    print(json.dumps(report.to_dict()))


def measured_run(corpus: Path, output: Path, engine: str, workers: int) -> dict:
    import psutil

    started = time.monotonic()
    process = subprocess.Popen([sys.executable, __file__, CHILD_FLAG, str(corpus), str(output), engine, str(workers)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peaks = {"client": 0, "worker": 0, "tree": 0}
    stop = threading.Event()

    def sample() -> None:
        root = psutil.Process(process.pid)
        while not stop.is_set():
            try:
                client = root.memory_info().rss
                workers_rss = []
                for child in root.children(recursive=True):
                    try:
                        workers_rss.append(child.memory_info().rss)
                    except psutil.Error:
                        pass
            except psutil.Error:
                break
            peaks["client"] = max(peaks["client"], client)
            peaks["worker"] = max([peaks["worker"], *workers_rss])
            peaks["tree"] = max(peaks["tree"], client + sum(workers_rss))
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    seconds = time.monotonic() - started
    stop.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"batch run failed ({engine}, {workers} workers):\n{stderr[-2000:]}")
    report = json.loads(stdout.strip().splitlines()[-1])
    return {"seconds": seconds, "report": report, **{k: v / 2**20 for k, v in peaks.items()}}


def client_ceiling(corpus: Path, output_dir: Path, count: int) -> float:
    """Articles/s the client alone can read and write (Parquet), with one real result dict reused."""
    from spinscope.batch_io import ResumePoint, is_failure, iter_inputs, make_writer
    from spinscope.pipeline import Pipeline
    from spinscope.settings import Settings

    settings = Settings()
    items = iter_inputs([str(corpus)], settings)
    template = Pipeline(settings)(next(items)).to_dict()
    writer = make_writer("parquet", output_dir / "ceiling.parquet", ResumePoint(set(), 0, 0, 0, 0, 0), False)
    started = time.perf_counter()
    done = 0
    for item in items:
        if not is_failure(item):
            writer.write(dict(template, id=item.id, text=item.text))
        done += 1
        if done % 256 == 0:
            writer.commit()
    writer.commit()
    writer.close()
    return done / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=300)
    parser.add_argument("--large", type=int, default=3000)
    parser.add_argument("--engines", default="local,dask")
    parser.add_argument("--workers", default="1,2")
    args = parser.parse_args()

    texts = shared_english_texts()
    if not texts:
        print("bench_batch: ../shared/data/semeval2023/en not found; nothing to measure")
        return
    from spinscope.pipeline import Pipeline
    from spinscope.settings import Settings

    components = [(name, detector.version if detector else "missing") for name, detector, _ in
                  Pipeline(Settings()).components]
    print(f"models: {', '.join(f'{n}={v}' for n, v in components)}")
    print(f"cpus: {os.cpu_count()}, load average before: {os.getloadavg()[0]:.1f}")
    engines = [e for e in args.engines.split(",") if e]
    worker_counts = [int(w) for w in args.workers.split(",") if w]

    with tempfile.TemporaryDirectory(prefix="spinscope-bench-") as tmp:
        tmp_path = Path(tmp)
        corpora = {n: write_corpus(tmp_path / f"corpus-{n}.jsonl", texts, n) for n in (args.small, args.large)}
        ceiling = client_ceiling(corpora[args.large], tmp_path, args.large)
        print(f"client ceiling (read JSONL + write Parquet, no analysis): {ceiling:.0f} articles/s\n")
        print(f"{'engine':6} {'workers':>7} {'articles':>8} {'seconds':>8} {'art/s':>7} "
              f"{'client MB':>9} {'worker MB':>9} {'tree MB':>8} {'load':>5}")
        runs: dict[tuple[str, int, int], dict] = {}
        for engine in engines:
            for workers in worker_counts:
                for count in (args.small, args.large):
                    run = measured_run(corpora[count], tmp_path / f"out-{engine}-{workers}-{count}.parquet",
                                       engine, workers)
                    report = run["report"]
                    assert report["consistent"] and report["results"] == count, report
                    runs[engine, workers, count] = run
                    print(f"{engine:6} {workers:>7} {count:>8} {run['seconds']:>8.1f} "
                          f"{count / run['seconds']:>7.1f} {run['client']:>9.0f} {run['worker']:>9.0f} "
                          f"{run['tree']:>8.0f} {os.getloadavg()[0]:>5.1f}")

        print("\nsteady-state throughput (start-up cancelled out) and memory flatness at "
              f"{args.large // args.small}x the input:")
        for engine in engines:
            rates = {}
            for workers in worker_counts:
                small, large = runs[engine, workers, args.small], runs[engine, workers, args.large]
                rate = (args.large - args.small) / max(1e-9, large["seconds"] - small["seconds"])
                rates[workers] = rate
                startup = max(0.0, small["seconds"] - args.small / rate)
                print(f"  {engine:6} {workers} worker(s): {rate:6.1f} articles/s ({1000 * workers / rate:.0f} ms "
                      f"per article per worker), start-up ~{startup:.1f} s; peak RSS client "
                      f"{small['client']:.0f} -> {large['client']:.0f} MB ({_growth(small, large, 'client')}), "
                      f"largest worker {small['worker']:.0f} -> {large['worker']:.0f} MB "
                      f"({_growth(small, large, 'worker')})")
            if 1 in rates:
                per_worker = rates[1]
                line = f"  {engine}: per-worker rate {per_worker:.1f} articles/s"
                if 2 in rates:
                    line += f", 2-worker efficiency {rates[2] / (2 * per_worker):.0%} on this machine"
                # a worker with a core of its own does per_worker/s; the one client caps the total
                predicted = {n: min(n * per_worker, ceiling) for n in (8, 32, 128)}
                line += "; predicted cluster (1 core per worker): "
                line += ", ".join(f"{n} workers ~{v:.0f}/s" for n, v in predicted.items())
                line += f" (client ceiling {ceiling:.0f}/s)"
                print(line)


def _growth(small: dict, large: dict, key: str) -> str:
    if not small[key]:
        return "n/a"
    return f"{100 * (large[key] - small[key]) / small[key]:+.0f}%"


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == CHILD_FLAG:
        child_main(sys.argv[2:])
    else:
        main()
