"""`kill -9` in the middle of writing loses nothing that was acknowledged and leaves the SQLite library consistent:
the web server killed while several clients are posting analyses, and a batch run (`run_batch` with `db=`)
killed between commits, then resumed."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import httpx

from spinscope.batch import BatchOptions, run_batch
from spinscope.store import Store

from processes import start_server
from web_helpers import synthetic_corpus


def check_library(db_path: Path) -> dict[str, dict]:
    """Integrity of the SQLite library after a crash; returns {article id: newest stored result}."""
    connection = sqlite3.connect(db_path)  # replays the WAL left by the killed writer
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        for fts in sorted(t for t in tables if "fts" in t and not t.endswith(("_data", "_idx", "_docsize",
                                                                                 "_config", "_content"))):
            connection.execute(f"INSERT INTO {fts}({fts}) VALUES('integrity-check')")  # raises if corrupt
        newest: dict[str, dict] = {}
        for article_id, raw in connection.execute("SELECT article_id, result FROM analyses ORDER BY id"):
            result = json.loads(raw)  # every stored analysis parses
            assert result["id"] == article_id and isinstance(result["text"], str)
            newest[article_id] = result
        article_ids = {row[0] for row in connection.execute("SELECT id FROM articles")}
        assert article_ids == set(newest), "articles without an analysis, or analyses without an article"
        for article_id, result in newest.items():
            (count,) = connection.execute("SELECT COUNT(*) FROM spans WHERE article_id = ?", (article_id,)).fetchone()
            assert count == len(result["spans"]), f"{article_id}: span rows do not match the stored analysis"
    finally:
        connection.close()
    return newest


def test_server_killed_while_clients_write_loses_no_acknowledged_analysis(model_dir, tmp_path):
    db_path = tmp_path / "library.db"
    process, port = start_server(db_path, model_dir, tmp_path / "server.log")
    base = f"http://127.0.0.1:{port}"
    texts = [f"Report number {i}\n\n{article.text}" for i, article in enumerate(synthetic_corpus(400, seed=11))]
    acknowledged: dict[str, dict] = {}
    attempted = 0
    lock = threading.Lock()
    stop = threading.Event()

    def client(worker: int) -> None:
        nonlocal attempted
        with httpx.Client(base_url=base, timeout=30) as http:
            for index in range(worker, len(texts), 4):
                if stop.is_set():
                    return
                with lock:
                    attempted += 1
                try:
                    response = http.post("/api/analyze", json={"text": texts[index], "outlet": f"Outlet {worker}"})
                except httpx.TransportError:
                    return  # the server is gone
                if response.status_code == 200:
                    with lock:
                        acknowledged[response.json()["id"]] = response.json()

    threads = [threading.Thread(target=client, args=(w,)) for w in range(4)]
    try:
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 40
        while len(acknowledged) < 12 and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)  # mid-write: four clients have requests in flight
        process.wait(10)
    finally:
        stop.set()
        if process.poll() is None:
            process.kill()
        for thread in threads:
            thread.join(30)
    assert len(acknowledged) >= 12, "too few analyses finished before the kill to test anything"

    stored = check_library(db_path)
    missing = set(acknowledged) - set(stored)
    assert not missing, f"acknowledged analyses lost: {sorted(missing)[:5]}"
    for article_id, result in acknowledged.items():
        assert stored[article_id] == result
    assert len(acknowledged) <= len(stored) <= attempted
    with Store(db_path) as store:  # the app's own code opens and migrates the crashed file
        assert store.count() == len(stored)


BATCH_SCRIPT = textwrap.dedent("""
    import sys
    from spinscope.batch import BatchOptions, run_batch
    from spinscope.settings import Settings
    corpus, output, db, model_dir = sys.argv[1:5]
    run_batch([corpus], output, Settings(model_dir=model_dir, language="en"),
              BatchOptions(workers=0, db=db, commit_every=5, commit_seconds=3600))
""")


def test_batch_killed_mid_write_keeps_committed_results_and_resumes(model_dir, model_settings,
                                                                     tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    articles = synthetic_corpus(60, seed=5)
    with open(corpus, "w", encoding="utf-8") as handle:
        for i, article in enumerate(articles):
            handle.write(json.dumps({"id": f"doc-{i}", "text": f"Batch item {i}\n\n{article.text}",
                                     "outlet": f"Outlet {i % 3}"}) + "\n")
    output, db_path = tmp_path / "out.jsonl", tmp_path / "library.db"
    manifest = Path(str(output) + ".manifest.jsonl")
    process = subprocess.Popen([sys.executable, "-c", BATCH_SCRIPT, str(corpus), str(output), str(db_path),
                                str(model_dir)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            if manifest.exists() and manifest.read_bytes().count(b"\n") >= 3:  # header + two commits
                break
            time.sleep(0.02)
        assert process.poll() is None, f"batch ended before it could be killed: {process.stderr.read()[-2000:]}"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
        process.stderr.close()

    committed = [json.loads(line) for line in manifest.read_text().splitlines()[1:] if line.endswith("}")]
    committed_keys = {key for record in committed for key in record.get("keys", [])}
    assert len(committed_keys) >= 10
    stored = check_library(db_path)
    # results are saved to the library before the commit that acknowledges them
    assert committed_keys <= set(stored)
    assert len(stored) < len(articles), "the batch finished before the kill: nothing was tested"
    # the committed part of the output parses, whatever the kill left after it
    committed_bytes = committed[-1]["output_bytes"]
    committed_lines = output.read_bytes()[:committed_bytes].decode("utf-8").splitlines()
    assert {json.loads(line)["id"] for line in committed_lines} == committed_keys

    report = run_batch([corpus], output, model_settings,
                       BatchOptions(workers=0, db=str(db_path), resume=True))
    assert report.consistent and report.failures == 0
    assert report.already_done == len(committed_keys)
    rows = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert sorted(row["id"] for row in rows) == sorted(f"doc-{i}" for i in range(len(articles)))
    assert set(check_library(db_path)) == {f"doc-{i}" for i in range(len(articles))}

