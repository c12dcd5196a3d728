"""Batch analysis on dask.distributed: a LocalCluster (threads, and one with worker processes), an existing
cluster reached by its scheduler address, and resuming a run started on the local engine."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

pytest.importorskip("distributed", reason="batch extra (dask[distributed]) not installed")
pytest.importorskip("pyarrow", reason="batch extra (pyarrow) not installed")


from batch_helpers import FAST, corpus_inputs, output_ids, read_jsonl, write_corpus  # noqa: E402
from spinscope.batch import BatchOptions, run_batch  # noqa: E402
from spinscope.settings import Settings  # noqa: E402


@pytest.fixture
def corpus(tmp_path):
    root = tmp_path / "corpus"
    root.mkdir()
    return root, write_corpus(root)


def test_dask_threads_cluster_end_to_end(corpus, tmp_path):
    root, expected = corpus
    output = tmp_path / "out.jsonl"
    report = run_batch(corpus_inputs(root), output, Settings(),
                       BatchOptions(engine="dask", workers=1, dask_processes=False, chunk_size=2, commit_every=4))
    assert (report.items, report.results, report.failures) == (expected["items"], expected["results"],
                                                               expected["failures"])
    assert report.consistent and report.engine == "dask"
    ids = output_ids(output, "jsonl")
    assert len(ids) == len(set(ids)) == expected["results"]
    assert len(read_jsonl(Path(report.failures_file))) == expected["failures"]


def test_dask_worker_processes_write_parquet(corpus, tmp_path):
    root, expected = corpus
    output = tmp_path / "out.parquet"
    report = run_batch(corpus_inputs(root), output, Settings(),
                       BatchOptions(engine="dask", workers=1, dask_processes=True, chunk_size=3, commit_every=5))
    assert report.consistent and report.results == expected["results"]
    assert len(list(output.glob("part-*.parquet"))) >= 2  # committed in several parts
    ids = output_ids(output, "parquet")
    assert len(ids) == len(set(ids)) == expected["results"]


def test_existing_cluster_by_scheduler_address(corpus, tmp_path):
    from dask.distributed import LocalCluster

    root, expected = corpus
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None,
                      silence_logs=logging.ERROR) as cluster:
        report = run_batch([str(root / "feed.jsonl"), str(root / "table.csv")], tmp_path / "out.csv", Settings(),
                           BatchOptions(engine="dask", scheduler=cluster.scheduler_address, chunk_size=2))
    assert report.workers == 1 and report.results == 4 + 3 and report.failures == 2 + 1
    assert sorted(output_ids(tmp_path / "out.csv", "csv")) == ["c20", "c21", "c22", "j10", "j11", "j12", "j13"]


def test_resume_on_dask_after_input_grew(corpus, tmp_path):
    """A run finished on the local engine; the feed then grows and a resumed dask run does only the new items."""
    root, _ = corpus
    feed = root / "feed.jsonl"
    output = tmp_path / "out.jsonl"
    first = run_batch([str(feed)], output, Settings(), BatchOptions(**FAST))
    with open(feed, "a", encoding="utf-8") as handle:
        for n in range(40, 43):
            handle.write(json.dumps({"id": f"late{n}", "text": f"A later report number {n} about the budget.\n"
                                                               "It was added after the first run ended."}) + "\n")
    second = run_batch([str(feed)], output, Settings(),
                       BatchOptions(engine="dask", workers=1, dask_processes=False, resume=True, chunk_size=2))
    assert second.already_done == first.results and second.results == 3 and second.new_failures == 0
    assert second.failures == second.earlier_failures == first.failures  # still listed: not analysed
    assert second.total_results == first.results + 3 and second.consistent
    ids = output_ids(output, "jsonl")
    assert len(ids) == len(set(ids)) == first.results + 3


@pytest.mark.parametrize("processes", [False, True], ids=["threads", "processes"])
def test_dask_model_error_commits_nothing_in_flight(tmp_path, processes):
    """As on the local engine: the articles in flight at a model error are not failures, and resume does them."""
    from spinscope.batch_io import failures_path
    from spinscope.errors import ModelError

    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps({"id": f"m{n}", "text": f"Report {n} on the budget.\nIt was debated."})
                            + "\n" for n in range(10)))
    (tmp_path / "models" / "techniques").mkdir(parents=True)
    broken = tmp_path / "models" / "techniques" / "params.json"
    broken.write_text("{ not json")
    settings, output = Settings(model_dir=tmp_path / "models"), tmp_path / "out.jsonl"
    with pytest.raises(ModelError, match="unreadable model file"):
        run_batch([str(feed)], output, settings, BatchOptions(engine="dask", workers=1, dask_processes=processes,
                                                              chunk_size=2, commit_every=1))
    assert not failures_path(output).exists() or "model error" not in failures_path(output).read_text()
    broken.unlink()  # the models are fixed: here, the packaged ones (an empty model folder is itself an error)
    report = run_batch([str(feed)], output, Settings(), BatchOptions(resume=True, **FAST))
    assert (report.already_done, report.results, report.failures) == (0, 10, 0) and report.consistent


def test_local_cluster_leaves_the_dashboard_port_alone(corpus, tmp_path, recwarn):
    """No dashboard by default, so port 8787 (perhaps another cluster's dashboard) is not even tried: no
    "Port 8787 is already in use" warning on the user's stderr."""
    import socket

    root, _ = corpus
    with socket.socket() as taken:
        try:
            taken.bind(("", 8787))
            taken.listen()
        except OSError:  # already held by someone else: just as good
            pass
        report = run_batch([str(root / "feed.jsonl")], tmp_path / "out.jsonl", Settings(),
                           BatchOptions(engine="dask", workers=1, dask_processes=False, chunk_size=2))
    assert report.results == 4
    assert not [w for w in recwarn if "8787" in str(w.message)], [str(w.message) for w in recwarn]
