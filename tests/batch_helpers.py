"""A small mixed-format input corpus with known results and failures, shared by the local and dask batch tests."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

TOPICS = ["the harbour bridge", "the school budget", "a new rail line", "the city water plan", "farm subsidies",
          "a heat wave", "the hospital merger", "local elections", "a museum reopening", "the tram strike"]


def article_text(number: int) -> str:
    topic = TOPICS[number % len(TOPICS)]
    return (f"Council debates {topic} (report {number})\n\n"
            f"The council met on Tuesday to discuss {topic}. Officials said a decision is expected next month.\n"
            f"Residents who attended asked how {topic} would affect their street; one speaker called it "
            f"the worst idea in decades, while others asked for more time to study item {number}.\n")


def write_corpus(root: Path) -> dict[str, int]:
    """Inputs of every kind with known results/failures; returns the expected counts."""
    texts = root / "texts"
    (texts / "nested").mkdir(parents=True)
    for n in range(3):
        (texts / f"story{n}.txt").write_text(article_text(n), encoding="utf-8")
    (texts / "nested" / "story0.txt").write_text(article_text(3), encoding="utf-8")  # same name, other folder
    (texts / "blank.txt").write_text("   \n\n", encoding="utf-8")  # failure: empty
    (texts / "README.md").write_text("not an article", encoding="utf-8")  # not an input type: passed over

    with open(root / "feed.jsonl", "w", encoding="utf-8") as handle:
        for n in range(10, 14):
            handle.write(json.dumps({"id": f"j{n}", "title": f"J {n}", "text": article_text(n),
                                     "outlet": "Daily Test", "published": "2026-11-01"}) + "\n")
        handle.write('{"id": "broken", "text": "no closing brace"\n')  # failure: malformed line
        handle.write(json.dumps({"id": "j-empty", "text": ""}) + "\n")  # failure: empty text

    with open(root / "table.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "title", "text", "url", "outlet", "published"])
        for n in range(20, 23):
            writer.writerow([f"c{n}", f"C {n}", article_text(n), f"https://example.invalid/{n}", "CSV Times",
                             "2026-10-0" + str(n - 19)])
        writer.writerow(["c-empty", "nothing", "", "", "", ""])  # failure: empty text

    table = pa.table({"id": ["p30", "p31", "p32"], "title": ["P 30", "P 31", None],
                      "text": [article_text(30), article_text(31), None],  # failure: null text
                      "outlet": ["Parquet Post"] * 3})
    pq.write_table(table, root / "table.parquet")
    results = 4 + 4 + 3 + 2
    failures = 1 + 2 + 1 + 1
    return {"results": results, "failures": failures, "items": results + failures}


def corpus_inputs(root: Path) -> list[str]:
    return [str(root / "texts"), str(root / "feed.jsonl"), str(root / "table.csv"), str(root / "table.parquet")]


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def output_ids(output: Path, fmt: str) -> list[str]:
    if fmt == "jsonl":
        return [r["id"] for r in read_jsonl(output)]
    if fmt == "csv":
        with open(output, encoding="utf-8", newline="") as handle:
            return [row["id"] for row in csv.DictReader(handle)]
    return pq.read_table(output).column("id").to_pylist()


def descendants(pid: int) -> set[int]:
    """The pids of every process below `pid`, from /proc."""
    parents = {}
    for entry in Path("/proc").iterdir():
        try:
            parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (ValueError, OSError):
            continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def running(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


# workers=0 analyses in the test process (no pool start-up); tests marked "pool" use real worker processes
FAST = dict(workers=0, chunk_size=2, commit_every=3)
POOL = dict(workers=1, chunk_size=2, commit_every=3)
