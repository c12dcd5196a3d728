"""Batch analysis on the local engine: readers, writers, counts, failures, resume after kill -9, --db.

The corpora are small texts written here. The models may be absent (the pipeline then returns no spans and a
warning per missing component); nothing below depends on what the models find.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow", reason="batch extra (pyarrow) not installed")
import pyarrow.parquet as pq  # noqa: E402

from spinscope.batch import BatchOptions, run_batch  # noqa: E402
from spinscope.batch_io import (  # noqa: E402
    CsvWriter,
    ParquetPartWriter,
    failures_path,
    is_failure,
    iter_inputs,
    manifest_path,
    missing_inputs,
)
from spinscope.errors import InputError, ModelError  # noqa: E402
from spinscope.settings import Settings  # noqa: E402
from spinscope.types import Article  # noqa: E402
from batch_helpers import (FAST, POOL, article_text, corpus_inputs, descendants, output_ids,  # noqa: E402
                           read_jsonl, running, write_corpus)
from cli_helpers import run_cli  # noqa: E402
from test_cli import assert_one_line_error  # noqa: E402



@pytest.fixture
def corpus(tmp_path):
    root = tmp_path / "corpus"
    root.mkdir()
    return root, write_corpus(root)


def test_readers_yield_every_item_once_with_reasons(corpus):
    root, expected = corpus
    items = list(iter_inputs(corpus_inputs(root), Settings()))
    failures = [i for i in items if is_failure(i)]
    articles = [i for i in items if not is_failure(i)]
    assert len(items) == expected["items"]
    assert len(failures) == expected["failures"]
    ids = [a.id for a in articles]
    assert len(set(ids)) == len(ids)
    assert "nested/story0" in ids and "story0" in ids  # same file name in a sub-folder gets its path as id
    by_id = {a.id: a for a in articles}
    assert by_id["c20"].outlet == "CSV Times" and by_id["c20"].url == "https://example.invalid/20"
    assert by_id["p30"].title == "P 30" and by_id["j10"].published == "2026-11-01"
    # every reason names the item it is about
    assert all(f.reason and (Path(f.source).name in f.reason or f.source in f.reason) for f in failures), failures


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_local_engine_end_to_end_counts_add_up(corpus, tmp_path, fmt):
    root, expected = corpus
    output = tmp_path / f"out.{fmt}"
    report = run_batch(corpus_inputs(root), output, Settings(), BatchOptions(**(POOL if fmt == "parquet" else FAST)))
    assert (report.items, report.results, report.failures) == (expected["items"], expected["results"],
                                                               expected["failures"])
    assert report.consistent and report.already_done == 0 and not report.warnings
    ids = output_ids(output, fmt)
    assert len(ids) == len(set(ids)) == expected["results"]
    failures = read_jsonl(Path(report.failures_file))
    assert len(failures) == expected["failures"]
    sources = sorted(f["source"] for f in failures)
    for marker in ("blank.txt", "feed.jsonl:5", "feed.jsonl:6", "table.csv:5", "table.parquet:3"):
        assert sum(marker in source for source in sources) == 1, (marker, sources)
    # a failed row or line is named the way its article would have been ("jsonl:PATH:LINE", "csv:PATH:ROW")
    for source in sources:
        if ".jsonl:" in source or ".csv:" in source or ".parquet:" in source:
            assert source.split(":", 1)[0] in ("jsonl", "csv", "parquet"), sources
    assert all(f["reason"] for f in failures)


def test_jsonl_output_is_the_canonical_dict(corpus, tmp_path):
    root, _ = corpus
    output = tmp_path / "out.jsonl"
    run_batch([str(root / "feed.jsonl")], output, Settings(), BatchOptions(**FAST))
    rows = {r["id"]: r for r in read_jsonl(output)}
    assert set(rows) == {"j10", "j11", "j12", "j13"}
    row = rows["j11"]
    assert row["text"] == article_text(11) and row["outlet"] == "Daily Test"
    assert {"spans", "paragraphs", "genre", "frames", "summary", "models", "warnings"} <= row.keys()
    assert all(row["text"][s["start"]:s["end"]] == s["text"] for s in row["spans"])


def _result_with_spans() -> dict:
    text = article_text(7)
    article = Article(text=text, id="hand-made", title="Hand made", outlet="Test")
    start = text.index("the worst idea in decades")
    article.add_span(start, start + len("the worst idea in decades"), "Exaggeration-Minimisation", 0.8)
    article.add_span(start + 4, start + 14, "Loaded_Language", 0.6)
    article.genre = {"label": "opinion", "probabilities": {"reporting": 0.2, "opinion": 0.7, "satire": 0.1}}
    article.frames = [{"frame": "Political", "probability": 0.9, "paragraphs": [3]}]
    article.score = {"value": 12.5}
    article.models = {"techniques": "t-1"}
    return article.to_dict()


def test_parquet_row_whose_text_is_not_a_string_reads_naturally(tmp_path):
    from spinscope.batch_io import iter_parquet

    pq.write_table(pa.table({"text": [7]}), tmp_path / "table.parquet")
    [failure] = list(iter_parquet(tmp_path / "table.parquet", Settings()))
    assert is_failure(failure) and failure.reason.endswith('"text" must be a string, got int'), failure


def test_parquet_part_holds_spans_as_list_of_structs(tmp_path):
    result = _result_with_spans()
    writer = ParquetPartWriter(tmp_path / "out.parquet", next_part=0, include_text=True)
    writer.write(result)
    committed = writer.commit()
    assert committed == {"part": "part-00000.parquet", "part_rows": 1}
    table = pq.read_table(tmp_path / "out.parquet")
    assert pa.types.is_list(table.schema.field("spans").type)
    assert pa.types.is_struct(table.schema.field("spans").type.value_type)
    row = table.to_pylist()[0]
    assert [(s["start"], s["end"], s["technique"]) for s in row["spans"]] == \
        [(s["start"], s["end"], s["technique"]) for s in result["spans"]]
    assert all(row["text"][s["start"]:s["end"]] == s["text"] for s in row["spans"])
    assert row["technique_counts"]["Loaded_Language"] == 1 and row["technique_counts"]["Slogans"] == 0
    assert row["genre"] == "opinion" and row["genre_probabilities"]["opinion"] == 0.7
    assert row["frames"][0]["frame"] == "Political" and row["propaganda_score"] == 12.5
    assert dict(row["models"]) == {"techniques": "t-1"}


def test_csv_row_keeps_spans_as_json(tmp_path):
    result = _result_with_spans()
    writer = CsvWriter(tmp_path / "out.csv", committed_bytes=0)
    writer.write(result)
    writer.commit()
    writer.close()
    with open(tmp_path / "out.csv", encoding="utf-8", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    spans = json.loads(row["spans"])
    assert [(s["start"], s["end"], s["technique"]) for s in spans] == \
        [(s["start"], s["end"], s["technique"]) for s in result["spans"]]
    assert json.loads(row["technique_counts"]) == {"Exaggeration-Minimisation": 1, "Loaded_Language": 1}
    assert row["genre"] == "opinion" and float(row["propaganda_score"]) == 12.5


def test_existing_output_is_not_overwritten_without_resume(corpus, tmp_path):
    root, _ = corpus
    output = tmp_path / "out.jsonl"
    run_batch([str(root / "table.csv")], output, Settings(), BatchOptions(**FAST))
    with pytest.raises(InputError, match="--resume"):
        run_batch([str(root / "table.csv")], output, Settings(), BatchOptions(**FAST))
    with pytest.raises(InputError, match="written as jsonl"):
        run_batch([str(root / "table.csv")], output, Settings(), BatchOptions(format="csv", resume=True, **FAST))
    again = run_batch([str(root / "table.csv")], output, Settings(), BatchOptions(overwrite=True, **FAST))
    assert again.results == 3 and len(output_ids(output, "jsonl")) == 3
    table = tmp_path / "out.csv"
    run_batch([str(root / "table.csv")], table, Settings(), BatchOptions(**FAST))
    with pytest.raises(InputError, match="without the text column"):  # the columns would change mid-file
        run_batch([str(root / "table.csv")], table, Settings(), BatchOptions(resume=True, include_text=True, **FAST))


def test_resume_drops_torn_writes_and_finishes_the_rest(corpus, tmp_path):
    """What a crash can leave behind (rows after the last commit, a torn manifest line) is redone exactly once."""
    root, expected = corpus
    inputs = corpus_inputs(root)
    output = tmp_path / "out.jsonl"
    first = run_batch(inputs[:2], output, Settings(), BatchOptions(**FAST))  # an "earlier run" over part of it
    with open(output, "ab") as handle:  # a result written but never committed, torn mid-line
        handle.write(b'{"id": "c20", "text": "half a li')
    with open(manifest_path(output), "ab") as handle:
        handle.write(b'{"output_bytes": 999999, "keys": ["c20", "c21"')
    report = run_batch(inputs, output, Settings(), BatchOptions(resume=True, **FAST))
    # what the earlier run analysed is done; what it listed as failed is still failed (counted, not retried)
    assert report.already_done == first.results and report.earlier_failures == first.failures > 0
    assert report.failures == expected["failures"] and report.new_failures == expected["failures"] - first.failures
    assert report.items == expected["items"] and report.consistent
    ids = output_ids(output, "jsonl")
    assert len(ids) == len(set(ids)) == expected["results"]
    assert report.total_results == expected["results"] and report.total_failures == expected["failures"]
    assert len(read_jsonl(Path(report.failures_file))) == expected["failures"]


def test_duplicate_ids_are_failures(tmp_path):
    feed = tmp_path / "dupes.jsonl"
    feed.write_text("\n".join(json.dumps({"id": "same", "text": article_text(n)}) for n in range(2)) + "\n")
    report = run_batch([str(feed)], tmp_path / "out.jsonl", Settings(), BatchOptions(**FAST))
    assert (report.items, report.results, report.failures) == (2, 1, 1)
    (failure,) = read_jsonl(Path(report.failures_file))
    assert "duplicate id 'same'" in failure["reason"] and failure["id"] == "same"


def test_missing_inputs_are_refused_before_any_output_exists(tmp_path):
    """A typo'd input must not leave files that make the corrected command say "already exists"."""
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps({"id": f"a{n}", "text": article_text(n)}) + "\n" for n in range(2)))
    (tmp_path / "empty").mkdir()
    output = tmp_path / "out.jsonl"
    for inputs, reason in (([tmp_path / "nowhere.jsonl"], "nowhere.jsonl: no such file"),
                           ([feed, tmp_path / "nowhere.jsonl"], "nowhere.jsonl: no such file"),
                           ([feed, tmp_path / "*.nothing"], "no file matches"),
                           ([tmp_path / "empty"], "no article found")):
        with pytest.raises(InputError, match=reason):
            run_batch([str(i) for i in inputs], output, Settings(), BatchOptions(**FAST))
        assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "feed.jsonl"], inputs
    first = run_batch([str(feed)], output, Settings(), BatchOptions(**FAST))  # the corrected command just runs
    assert first.results == 2
    kept = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    for options in (dict(resume=True), dict(overwrite=True)):  # nor may they touch an earlier run's output
        for inputs in ([tmp_path / "nowhere.jsonl"], [tmp_path / "empty"]):
            with pytest.raises(InputError):
                run_batch([str(i) for i in inputs], output, Settings(), BatchOptions(**options, **FAST))
            assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == kept


def test_a_url_with_a_query_is_fetched_not_globbed():
    url = "http://127.0.0.1:9/story?id=1"  # refused by the URL policy before any connection
    assert missing_inputs([url]) == []
    (failure,) = iter_inputs([url], Settings())
    assert "loopback" in failure.reason and "no file matches" not in failure.reason


def test_cli_missing_input_is_one_line_and_leaves_nothing(tmp_path):
    proc = run_cli("batch", str(tmp_path / "nothere.jsonl"), "-o", str(tmp_path / "g3.jsonl"), "--workers", "0")
    line = assert_one_line_error(proc)
    assert proc.returncode == 2 and "nothere.jsonl: no such file or directory" in line
    assert list(tmp_path.iterdir()) == []


def test_semeval_layout_reads_subtask3_copy_once(tmp_path):
    folder = tmp_path / "en"
    for sub, ids in (("train-articles-subtask-1", ["1", "2"]), ("train-articles-subtask-3", ["2", "3"])):
        (folder / sub).mkdir(parents=True)
        for article_id in ids:
            (folder / sub / f"article{article_id}.txt").write_text(f"{sub}\n" + article_text(int(article_id)))
    items = list(iter_inputs([str(folder)], Settings()))
    assert sorted(a.id for a in items) == ["1", "2", "3"]
    assert all(a.language == "en" for a in items)
    assert next(a for a in items if a.id == "2").text.startswith("train-articles-subtask-3")


def test_semeval_training_data_is_read_in_full(semeval_dir):
    items = list(iter_inputs([str(semeval_dir / "en")], Settings()))
    files = {name for sub in (semeval_dir / "en").glob("train-articles-subtask-*") for name in os.listdir(sub)
             if name.startswith("article") and name.endswith(".txt")}
    assert len(items) == len(files) and not any(is_failure(i) for i in items)


def test_unloadable_model_stops_the_run_with_one_clear_error(corpus, tmp_path):
    root, _ = corpus
    models = tmp_path / "models" / "techniques"
    models.mkdir(parents=True)
    (models / "params.json").write_text("{ not json")
    settings = Settings(model_dir=tmp_path / "models")
    with pytest.raises(ModelError, match="unreadable model file"):
        run_batch([str(root / "table.csv")], tmp_path / "out.jsonl", settings, BatchOptions(**FAST))


@pytest.mark.parametrize("workers", [0, 1, 2])
def test_model_error_commits_nothing_in_flight_so_resume_analyses_it(tmp_path, workers):
    """The articles in flight when the models fail to load are not at fault: they are neither listed as failures
    nor counted as done, so the resumed run (models fixed) analyses every one of them."""
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps({"id": f"m{n}", "text": article_text(n)}) + "\n" for n in range(10)))
    (tmp_path / "models" / "techniques").mkdir(parents=True)
    broken = tmp_path / "models" / "techniques" / "params.json"
    broken.write_text("{ not json")
    settings, output = Settings(model_dir=tmp_path / "models"), tmp_path / "out.jsonl"
    with pytest.raises(ModelError, match="unreadable model file"):
        run_batch([str(feed)], output, settings, BatchOptions(workers=workers, chunk_size=2, commit_every=1))
    assert not failures_path(output).exists() or "model error" not in failures_path(output).read_text()
    broken.unlink()  # the models are fixed: here, the packaged ones (an empty model folder is itself an error)
    report = run_batch([str(feed)], output, Settings(), BatchOptions(resume=True, **FAST))
    assert (report.already_done, report.results, report.failures) == (0, 10, 0) and report.consistent
    assert sorted(output_ids(output, "jsonl")) == [f"m{n}" for n in range(10)]


def test_db_option_saves_every_result(corpus, tmp_path):
    store_module = pytest.importorskip("spinscope.store", reason="spinscope.store not available")
    root, _ = corpus
    db = tmp_path / "library.sqlite3"
    report = run_batch([str(root / "feed.jsonl")], tmp_path / "out.jsonl", Settings(),
                       BatchOptions(db=str(db), **FAST))
    with store_module.Store(str(db)) as store:
        assert store.count() == report.results == 4
        assert store.get("j12")["outlet"] == "Daily Test"


KILL_SCRIPT = """
import sys
from pathlib import Path
from spinscope.batch import BatchOptions, run_batch
from spinscope.settings import Settings
run_batch([sys.argv[1]], Path(sys.argv[2]), Settings(),
          BatchOptions(workers=int(sys.argv[4]), chunk_size=2, commit_every=4, format=sys.argv[3]))
"""


def _committed_results(output: Path) -> int:
    path = manifest_path(output)
    if not path.exists():
        return 0
    total = 0
    for line in path.read_bytes().splitlines():
        try:
            total += json.loads(line).get("results", 0)
        except ValueError:
            pass
    return total


def _wait_for(process: subprocess.Popen, condition, failure: str, seconds: float = 45) -> None:
    """Until `condition()` holds, while the batch `process` is still running (its stderr shows why it stopped)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert process.poll() is None, process.stderr.read().decode()
        assert time.monotonic() < deadline, failure
        time.sleep(0.05)


def _feed_writer(feed: Path, process: subprocess.Popen):
    """The write end of the named pipe `feed`, opened once the batch `process` has opened its read end (never
    blocking on a run that died first)."""
    deadline = time.monotonic() + 45
    while True:
        try:
            descriptor = os.open(feed, os.O_WRONLY | os.O_NONBLOCK)
            break
        except OSError:
            assert process.poll() is None, process.stderr.read().decode()
            assert time.monotonic() < deadline, "the batch run never opened its input"
            time.sleep(0.05)
    os.set_blocking(descriptor, True)
    return open(descriptor, "w", encoding="utf-8")


@pytest.mark.parametrize("fmt,workers", [("parquet", 1), ("jsonl", 0)])
def test_resume_after_kill_9(tmp_path, fmt, workers):
    """A real run is killed with SIGKILL mid-way; `resume` then finishes with every id exactly once.

    The input is a named pipe fed half of the corpus, so the run is certainly still going (waiting for more
    input) when it is killed; the resumed run reads the complete file under the same name.
    """
    lines = [json.dumps({"id": f"k{n:02d}", "text": article_text(n)}) + "\n" for n in range(60)]
    lines.insert(45, "{not json\n")  # one failure, so failures are counted across the two runs
    feed = tmp_path / "feed.jsonl"
    os.mkfifo(feed)
    output = tmp_path / f"out.{fmt}"
    process = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(feed), str(output), fmt, str(workers)],
                               start_new_session=True, stderr=subprocess.PIPE)
    try:
        with _feed_writer(feed, process) as pipe:
            pipe.writelines(lines[:30])
            pipe.flush()
            _wait_for(process, lambda: _committed_results(output) >= 12, "the batch run committed nothing in time")
            os.killpg(process.pid, signal.SIGKILL)  # the batch process, its forkserver and worker
            process.wait(timeout=10)
    except BrokenPipeError:
        pass
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        process.stderr.close()
    killed_at = _committed_results(output)
    assert 12 <= killed_at < 30
    # leftovers of a crash mid-commit: a half-written part / a torn line; both must be ignored
    if fmt == "parquet":
        (output / ".part-00999.parquet.tmp").write_bytes(b"PAR1 half a file")
    else:
        with open(output, "ab") as handle:
            handle.write(b'{"id": "k29", "te')

    feed.unlink()
    feed.write_text("".join(lines), encoding="utf-8")
    report = run_batch([str(feed)], output, Settings(),
                       BatchOptions(resume=True, workers=0, chunk_size=4, format=fmt))
    assert report.consistent and report.items == 61
    assert report.already_done == killed_at
    assert report.total_results == 60 and report.total_failures == 1
    ids = output_ids(output, fmt)
    assert sorted(ids) == [f"k{n:02d}" for n in range(60)]  # every id exactly once
    assert len(read_jsonl(Path(report.failures_file))) == 1
    if fmt == "parquet":
        assert not list(output.glob(".*.tmp"))


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_killing_the_main_process_leaves_no_worker_behind(tmp_path):
    """kill -9 of the batch process alone (not its group): its workers (~300 MB each), forkserver and resource
    tracker must not live on, orphaned, for ever."""
    feed = tmp_path / "feed.jsonl"
    os.mkfifo(feed)
    output = tmp_path / "out.jsonl"
    process = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(feed), str(output), "jsonl", "2"],
                               start_new_session=True, stderr=subprocess.PIPE)
    helpers: set[int] = set()
    try:
        with _feed_writer(feed, process) as pipe:
            pipe.writelines(json.dumps({"id": f"o{n:02d}", "text": article_text(n)}) + "\n" for n in range(30))
            pipe.flush()
            _wait_for(process, lambda: _committed_results(output) >= 4, "the batch run committed nothing in time")
            helpers = descendants(process.pid)
            assert len(helpers) >= 3, helpers  # 2 workers and the forkserver at least
            process.kill()
            process.wait(timeout=10)
            deadline = time.monotonic() + 10
            while any(map(running, helpers)) and time.monotonic() < deadline:
                time.sleep(0.1)
        left = sorted(pid for pid in helpers if running(pid))
    finally:
        for pid in helpers | {process.pid}:
            if running(pid):
                os.kill(pid, signal.SIGKILL)
        process.wait(timeout=10)
        process.stderr.close()
    assert not left, f"still running after the batch process was killed: {left}"


@pytest.mark.parametrize("engine", [["--workers", "0"], ["--workers", "2"],
                                    ["--engine", "dask", "--workers", "1"]], ids=["inline", "local", "dask"])
def test_ctrl_c_keeps_what_finished_and_exits_130(tmp_path, engine):
    """Ctrl+C on a real `spinscope batch` waiting for more input, sent as a terminal does (SIGINT to the whole
    process group, idle workers included): one line, exit 130 like a shell, and the items finished so far are
    committed for --resume."""
    if "dask" in engine:
        pytest.importorskip("distributed", reason="batch extra (dask[distributed]) not installed")
    feed = tmp_path / "feed.jsonl"
    os.mkfifo(feed)
    output = tmp_path / "out.jsonl"
    environment = {**os.environ, "SPINSCOPE_SPAN_ENCODER": "0"}
    environment.pop("SPINSCOPE_DEBUG", None)
    # a shell without job control starts background jobs with SIGINT ignored, and children inherit that (then
    # Python installs no KeyboardInterrupt handler): give the run a terminal's default, whoever started the tests
    process = subprocess.Popen([sys.executable, "-m", "spinscope.cli", "batch", str(feed), "-o", str(output),
                                *engine], stderr=subprocess.PIPE, env=environment,
                               start_new_session=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        with _feed_writer(feed, process) as pipe:
            # more than the chunks in flight, so results are written while the run then waits for more input
            pipe.writelines(json.dumps({"id": f"c{n:02d}", "text": article_text(n)}) + "\n" for n in range(40))
            pipe.flush()
            _wait_for(process, lambda: output.exists() and output.stat().st_size > 0,  # results reach the file
                      "the batch run wrote nothing in time", seconds=90)
            time.sleep(1)  # the rest finishes; workers wait for more
            os.killpg(process.pid, signal.SIGINT)
            code = process.wait(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    message = process.stderr.read().decode().strip()
    process.stderr.close()
    assert code == 130
    assert len(message.splitlines()) == 1 and "interrupted" in message and "--resume" in message, message
    kept = read_jsonl(output)  # what finished was committed on the way out, whole lines only
    assert kept and all(item["id"].startswith("c") for item in kept)


def test_options_are_checked(tmp_path):
    with pytest.raises(InputError, match="at least one input"):
        run_batch([], tmp_path / "out.jsonl")
    with pytest.raises(InputError, match="unknown engine"):
        run_batch(["x"], tmp_path / "out.jsonl", options=BatchOptions(engine="spark"))
    with pytest.raises(InputError, match="unknown output format"):
        run_batch(["x"], tmp_path / "out.jsonl", options=BatchOptions(format="xlsx"))



def test_a_chunk_whose_worker_dies_is_retried_article_by_article(tmp_path, monkeypatch):
    """Only the article that kills its worker again is a failure; its chunk-mates are analysed on retry."""
    from concurrent.futures import Future

    import spinscope.batch as batch

    submitted: list[list[str]] = []

    class DyingWorkerEngine(batch._InlineEngine):
        def submit(self, chunk):
            submitted.append([key for key, _ in chunk])
            if any(key == "poison" for key, _ in chunk):
                future: Future = Future()
                future.set_exception(RuntimeError("worker process exited with signal 9"))
                return future
            return super().submit(chunk)

    monkeypatch.setattr(batch, "_InlineEngine", DyingWorkerEngine)
    feed = tmp_path / "feed.jsonl"
    ids = ["a", "b", "poison", "c", "d", "e"]
    feed.write_text("".join(json.dumps({"id": i, "text": article_text(n)}) + "\n" for n, i in enumerate(ids)))
    report = run_batch([str(feed)], tmp_path / "out.jsonl", Settings(), BatchOptions(workers=0, chunk_size=3))
    assert (report.results, report.failures) == (5, 1) and report.consistent
    assert sorted(output_ids(tmp_path / "out.jsonl", "jsonl")) == ["a", "b", "c", "d", "e"]
    (failure,) = read_jsonl(Path(report.failures_file))
    assert failure["id"] == "poison" and "worker failed" in failure["reason"] and "signal 9" in failure["reason"]
    assert ["a", "b", "poison"] in submitted and ["poison"] in submitted and ["a"] in submitted


def test_output_inside_an_input_folder_is_not_read_back(corpus, tmp_path):
    root, expected = corpus
    inputs = corpus_inputs(root)
    output = root / "texts" / "results.jsonl"  # inside the folder being walked, and a .jsonl like the inputs
    first = run_batch(inputs, output, Settings(), BatchOptions(**FAST))
    resumed = run_batch(inputs, output, Settings(), BatchOptions(resume=True, **FAST))
    assert first.items == resumed.items == expected["items"]
    assert resumed.already_done == expected["results"] and resumed.results == 0
    assert resumed.failures == resumed.earlier_failures == expected["failures"] and resumed.consistent
    with pytest.raises(InputError, match="own output"):
        run_batch([str(output)], output, Settings(), BatchOptions(resume=True, **FAST))


def test_overwrite_never_deletes_a_folder_of_other_files(corpus, tmp_path):
    root, _ = corpus
    with pytest.raises(InputError, match="holds other files"):
        run_batch([str(root / "feed.jsonl")], root / "texts", Settings(),
                  BatchOptions(format="parquet", overwrite=True, **FAST))
    assert (root / "texts" / "story1.txt").exists()


def test_a_second_run_on_an_output_in_use_is_refused(tmp_path):
    """Two runs on one output (the second with --resume) both wrote every item, so the output held each twice."""
    lines = [json.dumps({"id": f"w{n:02d}", "text": article_text(n)}) + "\n" for n in range(8)]
    feed = tmp_path / "feed.jsonl"
    os.mkfifo(feed)
    output = tmp_path / "out.jsonl"
    process = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(feed), str(output), "jsonl", "0"],
                               start_new_session=True, stderr=subprocess.PIPE)
    try:
        with _feed_writer(feed, process) as pipe:  # the first run is reading its input: it holds the output
            pipe.writelines(lines[:4])
            pipe.flush()
            # the run reads its first item, then takes the output
            _wait_for(process, output.exists, "the batch run never opened its output")
            other_feed = tmp_path / "other.jsonl"
            other_feed.write_text("".join(lines), encoding="utf-8")
            for options in (BatchOptions(resume=True, **FAST), BatchOptions(overwrite=True, **FAST)):
                with pytest.raises(InputError, match="being written by another `spinscope batch` run"):
                    run_batch([str(other_feed)], output, Settings(), options)
            pipe.writelines(lines[4:])
        assert process.wait(timeout=60) == 0, process.stderr.read().decode()
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        process.stderr.close()
    ids = output_ids(output, "jsonl")
    assert sorted(ids) == [f"w{n:02d}" for n in range(8)]
    # once the first run has ended, the output is free again, and no lock file is left
    assert not (tmp_path / ".out.jsonl.lock").exists()
    again = run_batch([str(other_feed)], output, Settings(), BatchOptions(resume=True, **FAST))
    assert again.already_done == 8 and again.results == 0
