"""Batch worker processes as a script's author meets them: a script without `if __name__ == "__main__":` (its
workers re-import it), workers that die while starting or on one article, Ctrl+C while they start, and the exit
status of a resumed run whose output already lists failures.

The scripts run as real files in a subprocess: local pool workers (forkserver) and Dask nannies (spawn) import
the main module of the program that started them, which is what these tests are about. A script also changes
the pipeline at module level to make a worker crash or start slowly: that code runs in every worker too.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytest.importorskip("pyarrow", reason="batch extra (pyarrow) not installed")

from batch_helpers import FAST, article_text, descendants, output_ids, read_jsonl, running  # noqa: E402
from cli_helpers import run_cli  # noqa: E402
from spinscope.batch import BatchOptions, run_batch  # noqa: E402
from spinscope.batch_io import failures_path  # noqa: E402
from spinscope.settings import Settings  # noqa: E402

RUN = """
import json
import sys

from spinscope.batch import BatchOptions, run_batch
from spinscope.errors import Interrupted, SpinscopeError
from spinscope.settings import Settings


def main():
    feed, output, engine, resume = sys.argv[1:5]
    try:
        report = run_batch([feed], output, Settings(), BatchOptions(engine=engine, workers=2, chunk_size=3,
                                                                    resume=resume == "resume"))
    except Interrupted as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(130)
    except SpinscopeError as error:
        print(f"error: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(2)
    print(json.dumps(report.to_dict()))
"""

UNGUARDED = RUN + "\nmain()\n"
GUARDED = RUN + "\nif __name__ == '__main__':\n    main()\n"

# module-level code runs in each worker too (as __mp_main__): there, it makes the article "poison" kill its worker
POISON = GUARDED + textwrap.dedent("""
    import os, signal
    import spinscope.pipeline

    _analyse = spinscope.pipeline.Pipeline.__call__

    def analyse_or_die(self, article):
        if getattr(article, "id", "") == "poison":
            os.kill(os.getpid(), signal.SIGKILL)  # a crash in native code, an out-of-memory kill
        return _analyse(self, article)

    spinscope.pipeline.Pipeline.__call__ = analyse_or_die
""")

# in the workers only: they die while loading the models
DIE_AT_START = GUARDED + textwrap.dedent("""
    import os
    import spinscope.pipeline

    if __name__ != "__main__":
        def die(self):
            os._exit(3)

        spinscope.pipeline.Pipeline.warm_up = die
""")

# in the workers only: model loading takes a minute; each worker says when it has started loading
SLOW_START = GUARDED + textwrap.dedent("""
    import os, time
    from pathlib import Path
    import spinscope.pipeline

    if __name__ != "__main__":
        _warm_up = spinscope.pipeline.Pipeline.warm_up

        def slow(self):
            Path(sys.argv[2] + f".started-{os.getpid()}").touch()
            time.sleep(60)
            return _warm_up(self)

        spinscope.pipeline.Pipeline.warm_up = slow
""")


def _feed(path: Path, ids: list[str]) -> Path:
    path.write_text("".join(json.dumps({"id": i, "text": article_text(n)}) + "\n" for n, i in enumerate(ids)),
                    encoding="utf-8")
    return path


def _environment() -> dict[str, str]:
    environment = dict(os.environ)
    environment.pop("SPINSCOPE_DEBUG", None)
    return environment


def _run_script(tmp_path: Path, source: str, *args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    script = tmp_path / "analyse.py"
    script.write_text(source, encoding="utf-8")
    return subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, cwd=tmp_path,
                          env=_environment(), timeout=timeout)


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_a_script_without_the_main_guard_stops_with_one_clear_error_and_fails_no_article(tmp_path, engine):
    """Unguarded, every worker re-ran the script: "... is being written by another spinscope batch run" from
    each, then "worker processes keep dying" and every healthy article committed as `worker failed`, which a
    resume then skipped as done (local engine); a traceback ending in "Nanny failed to start" (dask)."""
    if engine == "dask":
        pytest.importorskip("distributed", reason="batch extra (dask[distributed]) not installed")
    ids = [f"a{n:02d}" for n in range(12)]
    feed, output = _feed(tmp_path / "feed.jsonl", ids), tmp_path / "results.jsonl"
    proc = _run_script(tmp_path, UNGUARDED, str(feed), str(output), engine, "new")
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    message = proc.stderr.strip()
    assert len(message.splitlines()) == 1, message  # one line: no traceback from the workers, nor from the run
    assert "WorkerStartError: the batch workers could not start" in message, message
    assert "analyse.py" in message and "if __name__ == '__main__':" in message, message
    assert "No article was listed as failed" in message, message
    assert "BrokenProcessPool" not in message and "Nanny" not in message
    assert not failures_path(output).exists() or not read_jsonl(failures_path(output))
    assert not (tmp_path / ".results.jsonl.lock").exists()
    # fixed, and run again (a resume, as the reviewer did): every article is analysed, none was "done" already
    proc = _run_script(tmp_path, GUARDED, str(feed), str(output), engine, "resume")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert (report["results"], report["failures"], report["already_done"]) == (12, 0, 0)
    assert sorted(output_ids(output, "jsonl")) == ids


def test_workers_that_die_while_starting_are_a_start_up_error_not_article_failures(tmp_path):
    ids = [f"b{n:02d}" for n in range(8)]
    feed, output = _feed(tmp_path / "feed.jsonl", ids), tmp_path / "results.jsonl"
    proc = _run_script(tmp_path, DIE_AT_START, str(feed), str(output), "local", "new")
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    message = proc.stderr.strip()
    assert len(message.splitlines()) == 1 and "Traceback" not in message, message
    assert "could not start: a worker process died while starting (exit status 3)" in message, message
    assert "re-ran" not in message and "No article was listed as failed" in message, message
    assert not failures_path(output).exists() or not read_jsonl(failures_path(output))


def test_an_article_that_kills_its_worker_is_its_only_failure(tmp_path):
    """A real crash on one article, on a real pool, after the workers started: listed as that article's failure,
    and only that one (not the articles that shared its chunk, nor those in flight beside it)."""
    ids = [f"c{n:02d}" for n in range(6)] + ["poison"] + [f"c{n:02d}" for n in range(6, 12)]
    feed, output = _feed(tmp_path / "feed.jsonl", ids), tmp_path / "results.jsonl"
    proc = _run_script(tmp_path, POISON, str(feed), str(output), "local", "new")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert (report["results"], report["failures"]) == (12, 1) and report["consistent"], report
    (failure,) = read_jsonl(failures_path(output))
    assert failure["id"] == "poison" and "worker failed" in failure["reason"], failure
    assert sorted(output_ids(output, "jsonl")) == sorted(i for i in ids if i != "poison")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_ctrl_c_while_the_workers_start_exits_at_once_and_cleanly(tmp_path):
    """Ctrl+C while the workers were still loading the models waited for them to finish loading (>6 s with the
    real models, here a minute) and could print resource_tracker's "leaked semaphore objects" warning."""
    feed, output = _feed(tmp_path / "feed.jsonl", [f"d{n:02d}" for n in range(40)]), tmp_path / "results.jsonl"
    script = tmp_path / "analyse.py"
    script.write_text(SLOW_START, encoding="utf-8")
    process = subprocess.Popen([sys.executable, str(script), str(feed), str(output), "local", "new"],
                               cwd=tmp_path, env=_environment(), stderr=subprocess.PIPE, start_new_session=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    helpers: set[int] = set()
    try:
        deadline = time.monotonic() + 90
        while not list(tmp_path.glob("results.jsonl.started-*")):
            assert process.poll() is None, process.stderr.read().decode()
            assert time.monotonic() < deadline, "no worker started loading the models in time"
            time.sleep(0.05)
        helpers = descendants(process.pid)
        started = time.monotonic()
        os.killpg(process.pid, signal.SIGINT)  # as a terminal sends it: to the whole process group
        code = process.wait(timeout=30)
        took = time.monotonic() - started
        deadline = time.monotonic() + 10
        while any(map(running, helpers)) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = sorted(pid for pid in helpers if running(pid))
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        for pid in helpers:
            if running(pid):
                os.kill(pid, signal.SIGKILL)
    message = process.stderr.read().decode().strip()
    process.stderr.close()
    assert code == 130, message
    assert took < 10, f"Ctrl+C took {took:.1f} s to end the run"
    assert len(message.splitlines()) == 1 and "interrupted" in message, message  # no traceback, no leak warning
    assert not left, f"still running after the run ended: {left}"


def test_a_resumed_run_counts_and_exits_with_the_failures_of_earlier_runs(tmp_path):
    """An interrupted run listed failures; its resume said "0 failed" and exited 0 ("everything analysed")
    although the failures file still held them."""
    first_feed = tmp_path / "first.jsonl"
    first_feed.write_text("".join(json.dumps({"id": f"e{n}", "text": article_text(n)}) + "\n" for n in range(3))
                          + "{not json\n" + json.dumps({"id": "e-empty", "text": ""}) + "\n", encoding="utf-8")
    more = _feed(tmp_path / "more.jsonl", [f"m{n}" for n in range(3)])
    output = tmp_path / "out.jsonl"
    first = run_batch([str(first_feed)], output, Settings(), BatchOptions(**FAST))  # "the interrupted run"
    assert (first.results, first.failures) == (3, 2)

    proc = run_cli("batch", str(first_feed), str(more), "-o", str(output), "--resume", "--workers", "0")
    assert proc.returncode == 1, (proc.stdout, proc.stderr)  # some items failed (the README's exit status 1)
    summary = proc.stdout.decode()
    assert "8 items read: 3 analysed, 2 failed (all in earlier runs" in summary, summary
    assert "3 already analysed earlier" in summary and "(2 in total)" in summary, summary

    report = run_batch([str(first_feed), str(more)], output, Settings(), BatchOptions(resume=True, **FAST))
    assert (report.results, report.failures, report.earlier_failures, report.already_done) == (0, 2, 2, 6)
    assert report.new_failures == 0 and report.consistent and report.total_failures == 2
    proc = run_cli("batch", str(first_feed), str(more), "-o", str(output), "--resume", "--workers", "0")
    assert proc.returncode == 1, (proc.stdout, proc.stderr)  # nothing left to do, but not everything analysed
    assert len(read_jsonl(failures_path(output))) == 2  # counted again, never listed twice

    # new failures and earlier ones are told apart
    with open(more, "a", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "m-empty", "text": " "}) + "\n")
    report = run_batch([str(first_feed), str(more)], output, Settings(), BatchOptions(resume=True, **FAST))
    assert (report.failures, report.earlier_failures, report.new_failures) == (3, 2, 1) and report.consistent
    assert "3 failed (2 of them in earlier runs" in report.summary(), report.summary()
