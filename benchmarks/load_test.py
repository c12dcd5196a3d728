"""Bounded loopback load test of the web server: prints latency percentiles, throughput and error counts.

    python benchmarks/load_test.py                       # 3 minutes, 8 concurrent clients, packaged models
    python benchmarks/load_test.py --duration 60 --concurrency 16 --model-dir models/ --post-share 0.5

Starts the real server (`python -m spinscope.cli serve`) on 127.0.0.1 with a temporary SQLite library, then runs
`--concurrency` asyncio clients (httpx) that mix POST /api/analyze (new articles built from the packaged example
texts, each made unique) with GET /api/articles (paging, filters, full-text search) until `--duration` seconds or
`--max-requests` requests, whichever comes first, and stops the server. Traffic goes to 127.0.0.1 only.

A 503 is the server shedding load by design (too many analyses queued) and is counted apart from real server
errors (other 5xx) and transport failures. Exit status 1 if there was any server error or transport failure.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from importlib.resources import files
from pathlib import Path

import httpx

SEARCH_WORDS = ["council", "budget", "harbour", "library", "ferry", "parking", "town", "report"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def example_paragraphs() -> list[str]:
    """Paragraphs of the packaged example articles (src/spinscope/examples), the raw material for new articles."""
    paragraphs = []
    for item in sorted(files("spinscope").joinpath("examples").iterdir(), key=lambda p: p.name):
        if item.name.endswith(".txt"):
            paragraphs += [line.strip() for line in item.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not paragraphs:
        raise SystemExit("no example texts found in spinscope/examples")
    return paragraphs


def make_article(rng: random.Random, paragraphs: list[str], number: int) -> dict:
    body = rng.sample(paragraphs, k=min(len(paragraphs), rng.randint(3, 7)))
    return {"text": f"Load test article {number}\n\n" + "\n\n".join(body),
            "outlet": f"Outlet {number % 5}", "published": f"2026-{1 + number % 12:02d}-{1 + number % 28:02d}"}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1000
    except OSError:
        pass
    return float("nan")


def start_server(port: int, db: Path, model_dir: str | None, log_path: Path) -> subprocess.Popen:
    env = dict(os.environ, SPINSCOPE_LOG_LEVEL="warning")
    command = [sys.executable, "-m", "spinscope.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--db", str(db)]
    if model_dir:
        command += ["--model-dir", model_dir]
    with open(log_path, "ab") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    process.kill()
    raise SystemExit("server did not become healthy within 120 s")


async def run_load(base: str, args, paragraphs: list[str]) -> tuple[dict, Counter, int, float]:
    latencies: dict[str, list[float]] = defaultdict(list)
    statuses: Counter = Counter()
    transport_errors = 0
    budget = args.max_requests
    counter = 0
    deadline = time.monotonic() + args.duration
    rng = random.Random(args.seed)

    async def worker(client: httpx.AsyncClient, worker_rng: random.Random) -> None:
        nonlocal budget, counter, transport_errors
        while time.monotonic() < deadline and budget > 0:
            budget -= 1
            counter += 1
            number = counter
            if worker_rng.random() < args.post_share:
                name, request = "POST /api/analyze", client.post(
                    "/api/analyze", json=make_article(worker_rng, paragraphs, number))
            else:
                params = {"page": worker_rng.randint(1, 3), "per_page": 20}
                choice = worker_rng.random()
                if choice < 0.4:
                    params["q"] = worker_rng.choice(SEARCH_WORDS)
                elif choice < 0.6:
                    params["outlet"] = f"Outlet {worker_rng.randint(0, 4)}"
                elif choice < 0.7:
                    params["sort"] = "score"
                name, request = "GET /api/articles", client.get("/api/articles", params=params)
            started = time.perf_counter()
            try:
                response = await request
            except httpx.TransportError:
                transport_errors += 1
                continue
            latencies[name].append(time.perf_counter() - started)
            statuses[(name, response.status_code)] += 1

    limits = httpx.Limits(max_connections=args.concurrency, max_keepalive_connections=args.concurrency)
    started = time.monotonic()
    async with httpx.AsyncClient(base_url=base, timeout=args.timeout, limits=limits) as client:
        await asyncio.gather(*(worker(client, random.Random(rng.random())) for _ in range(args.concurrency)))
    return latencies, statuses, transport_errors, time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=180.0, help="seconds of load (default 180)")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--max-requests", type=int, default=50_000, help="stop after this many requests")
    parser.add_argument("--post-share", type=float, default=0.3, help="share of requests that are analyses")
    parser.add_argument("--model-dir", default=None, help="models to serve (default: the packaged ones)")
    parser.add_argument("--timeout", type=float, default=120.0, help="per-request timeout in seconds")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if not (1 <= args.concurrency <= 64 and 0 < args.duration <= 3600 and 0 <= args.post_share <= 1):
        parser.error("need 1 <= concurrency <= 64, 0 < duration <= 3600 and 0 <= post-share <= 1")

    paragraphs = example_paragraphs()
    with tempfile.TemporaryDirectory(prefix="spinscope-load-") as scratch:
        port = free_port()
        log_path = Path(scratch) / "server.log"
        process = start_server(port, Path(scratch) / "library.db", args.model_dir, log_path)
        base = f"http://127.0.0.1:{port}"
        try:
            health = httpx.get(f"{base}/healthz", timeout=10).json()
            models = health.get("models") or {}
            print(f"server: {base} (pid {process.pid}); models: "
                  + (", ".join(f"{k} {v}" for k, v in models.items()) or "NONE (analyses are segmentation only)"))
            print(f"load: {args.concurrency} clients, {args.duration:g} s or {args.max_requests} requests, "
                  f"{args.post_share:.0%} POST /api/analyze")
            latencies, statuses, transport_errors, elapsed = asyncio.run(run_load(base, args, paragraphs))
            stored = httpx.get(f"{base}/api/articles", params={"per_page": 1}, timeout=30).json()["total"]
        finally:
            rss = peak_rss_mb(process.pid)
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
        logged_errors = log_path.read_text(errors="replace").count("Traceback")

    total = sum(len(v) for v in latencies.values())
    print(f"\n{total} responses in {elapsed:.1f} s: {total / elapsed:.1f} requests/s")
    print(f"{'endpoint':<20} {'n':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for name in sorted(latencies):
        values = latencies[name]
        print(f"{name:<20} {len(values):>6} {len(values) / elapsed:>7.1f} {percentile(values, .5) * 1e3:>8.1f} "
              f"{percentile(values, .95) * 1e3:>8.1f} {percentile(values, .99) * 1e3:>8.1f} "
              f"{max(values) * 1e3:>8.1f}")
    everything = [x for values in latencies.values() for x in values]
    if everything:
        print(f"{'all':<20} {len(everything):>6} {len(everything) / elapsed:>7.1f} "
              f"{statistics.median(everything) * 1e3:>8.1f} {percentile(everything, .95) * 1e3:>8.1f} "
              f"{percentile(everything, .99) * 1e3:>8.1f} {max(everything) * 1e3:>8.1f}")
    print("status codes: " + ", ".join(f"{name} {code}: {n}" for (name, code), n in sorted(statuses.items())))
    server_errors = sum(n for (_, code), n in statuses.items() if code >= 500 and code != 503)
    shed = sum(n for (_, code), n in statuses.items() if code == 503)
    posted = sum(n for (name, code), n in statuses.items() if name.startswith("POST") and code == 200)
    print(f"server errors (5xx other than 503): {server_errors}; shed (503): {shed}; transport failures: "
          f"{transport_errors}; tracebacks in server log: {logged_errors}")
    print(f"analyses acknowledged: {posted}; articles in library afterwards: {stored}; server peak RSS: {rss:.0f} MB")
    return 1 if server_errors or transport_errors or logged_errors else 0


if __name__ == "__main__":
    sys.exit(main())
