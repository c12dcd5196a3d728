"""Batch analysis of large corpora on all local cores (`engine="local"`) or a Dask cluster (`engine="dask"`).

    report = run_batch(["corpus/", "more.jsonl"], "out.parquet", Settings(), BatchOptions(engine="dask"))

The corpus is streamed: the reader yields one article at a time, articles travel to workers in small chunks, at
most `max_in_flight` chunks are out at once, and results are written as they come back. Memory therefore stays flat
however large the input. Each worker process loads the pipeline (the models) once and reuses it for every chunk.

Nothing is dropped silently: every item read is either a result row or a line in `<output>.failures.jsonl`, and
the report checks `items read = results + failures + already done` (the last term is non-zero only with `resume`;
an item an earlier run listed as failed counts as a failure again, not as done).

A script that calls `run_batch` must do so under `if __name__ == "__main__":`: worker processes (forkserver,
spawn) import the main module, and a worker that finds itself re-running the batch exits, so that the run stops
with a `WorkerStartError` rather than with every article failed. Durability and `resume` are described in
`batch_io` and docs/batch.md.
"""

from __future__ import annotations

import itertools
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .batch_io import (
    AppendFile,
    Manifest,
    ReadFailure,
    estimate_total,
    failures_path,
    format_for,
    is_failure,
    iter_inputs,
    make_writer,
    manifest_path,
    missing_inputs,
    read_failure_keys,
    read_manifest,
    remove_previous_run,
    require_batch_dependencies,
)
from .errors import InputError, Interrupted, ModelError, SpinscopeError, os_reason
from .settings import Settings
from .types import Article

log = logging.getLogger(__name__)

ENGINES = ("local", "dask")


@dataclass
class BatchOptions:
    """How to run a batch. Everything has a default; the CLI maps its flags onto these fields."""

    format: str | None = None  # parquet | jsonl | csv; None: from the output's suffix (parquet otherwise)
    engine: str = "local"  # local (process pool) | dask
    scheduler: str | None = None  # dask scheduler address (tcp://host:8786); None starts a LocalCluster
    workers: int | None = None  # worker processes (local, or LocalCluster); None: all cores; 0: in this process
    resume: bool = False  # continue an interrupted run at the same output
    overwrite: bool = False  # replace an existing output instead of refusing
    db: str | None = None  # also save each result with spinscope.store.Store(db)
    progress: bool = False  # Rich progress bar on stderr
    chunk_size: int = 8  # articles per task: amortises task overhead without hurting load balance
    max_in_flight: int | None = None  # chunks submitted but not yet collected; None: 2 per worker
    commit_every: int = 256  # make results durable after this many items ...
    commit_seconds: float = 30.0  # ... or after this many seconds, whichever comes first
    include_text: bool = False  # Parquet/CSV: add the article text column (JSONL always has the whole dict)
    dask_processes: bool = True  # LocalCluster with worker processes (False: threads in this process, for tests)
    dashboard_address: str | None = None  # LocalCluster dashboard (e.g. ":8787"); None: no dashboard


@dataclass
class BatchReport:
    """What a batch run did. `items == results + failures + already_done` always holds for a finished run.

    On a resumed run an item that an earlier run listed as failed is counted again as a failure (one of
    `earlier_failures`), not as done: the failures file still holds it, so the run did not analyse everything."""

    output: str
    failures_file: str
    manifest_file: str
    format: str
    engine: str
    workers: int
    items: int = 0  # items read from the inputs in this run
    results: int = 0  # analysed and written in this run
    failures: int = 0  # items read in this run that are listed in the failures file (new or from earlier runs)
    earlier_failures: int = 0  # of `failures`, those listed by an earlier run (resume), not retried
    already_done: int = 0  # skipped because an earlier run analysed them (resume)
    total_results: int = 0  # in the output over all runs
    total_failures: int = 0  # in the failures file over all runs
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    @property
    def new_failures(self) -> int:
        """Items that failed in this run."""
        return self.failures - self.earlier_failures

    @property
    def rate(self) -> float:
        """Articles finished per second in this run."""
        return (self.results + self.new_failures) / self.seconds if self.seconds > 0 else 0.0

    @property
    def consistent(self) -> bool:
        return self.items == self.results + self.failures + self.already_done

    def to_dict(self) -> dict[str, Any]:
        return dict(asdict(self), rate=round(self.rate, 2), consistent=self.consistent,
                    new_failures=self.new_failures)

    def summary(self) -> str:
        failed = f"{self.failures} failed"
        if self.earlier_failures:
            failed += (f" ({self.earlier_failures} of them in earlier runs, listed in the failures file and not "
                       "retried)" if self.new_failures else " (all in earlier runs, listed in the failures file "
                                                            "and not retried)")
        parts = [f"{self.items} items read: {self.results} analysed, {failed}"]
        if self.already_done:
            parts.append(f"{self.already_done} already analysed earlier")
        line = ", ".join(parts) + f" in {self.seconds:.1f} s ({self.rate:.1f} articles/s, {self.engine} engine, " \
                                  f"{self.workers} workers)"
        line += f"\noutput: {self.output} ({self.total_results} results in total)"
        if self.total_failures:
            line += f"\nfailures: {self.failures_file} ({self.total_failures} in total)"
        return line


class WorkerStartError(SpinscopeError):
    """The batch's worker processes could not start (not the fault of any article: none is listed as failed)."""


class _WorkersDidNotStart(Exception):
    """Raised by an engine whose workers died while starting; `run_batch` turns it into a `WorkerStartError`."""

    def __init__(self, detail: str, reran_main: bool = False):
        super().__init__(detail)
        self.detail, self.reran_main = detail, reran_main


# ---------------------------------------------------------------- worker side

_PIPELINES: dict[Settings, Any] = {}


def _pipeline_for(settings: Settings):
    """The pipeline of this worker process, built once per settings (module-level cache, so once per process)."""
    pipeline = _PIPELINES.get(settings)
    if pipeline is None:
        from .pipeline import Pipeline

        pipeline = Pipeline(settings).warm_up()
        _PIPELINES[settings] = pipeline
    return pipeline


# A new worker process of the local pool or of a Dask LocalCluster is started with the "forkserver" or "spawn"
# method: before it runs anything it re-imports the main module of the program that started it, and a script that
# calls run_batch outside `if __name__ == "__main__":` would run the whole batch again in every worker. Such a
# worker exits at once with this status (see `_stop_worker_bootstrap`), and the batch stops with one clear error.
WORKER_BOOTSTRAP_EXIT = 86
_BOOTSTRAP_MARK = "a worker process re-ran the main module and called run_batch\n"

# Ctrl+C (or an error) stops a local run: the parent asks each pool worker to stop with SIGUSR1 (see
# `_LocalEngine.close`). A worker that is loading the models or analysing a chunk then exits at once: its work is
# discarded anyway, and waiting for it made Ctrl+C take as long as the slowest model load. A worker that is
# reading or writing the pool's queues is never stopped in the middle of a message (that could leave the pool's
# manager thread waiting for the rest of it for ever): it stops before its next chunk, or on the pool's sentinel.
WORKER_STOPPED_EXIT = 87
_BUSY = False  # this pool worker is in its initializer or analysing a chunk (not using the pool's queues)
_STOP = False  # the batch process asked this pool worker to stop


def _in_worker_bootstrap() -> bool:
    """True while this process is a new multiprocessing worker re-importing its parent's main module (the state
    in which multiprocessing itself refuses to start processes, `spawn._check_not_importing_main`)."""
    import multiprocessing

    return bool(getattr(multiprocessing.current_process(), "_inheriting", False))


def _stop_worker_bootstrap(output: Any) -> None:
    """In a worker that is re-running its parent's unguarded script: leave a mark in the lock file of the
    parent's run (same script, so the same output), for the parent's error message, and exit quietly. Never
    returns. No traceback per worker: the parent says what happened, once."""
    import sys

    try:
        path = Path(output)
        lock = path.with_name(f".{path.name}.lock")
        descriptor = os.open(lock, os.O_WRONLY | os.O_APPEND)  # the parent's lock file: never created here
        try:
            os.write(descriptor, _BOOTSTRAP_MARK.encode())
        finally:
            os.close(descriptor)
    except (OSError, TypeError, ValueError):
        pass
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    os._exit(WORKER_BOOTSTRAP_EXIT)


def _on_stop_request(signum, frame) -> None:
    global _STOP
    _STOP = True
    if _BUSY:
        os._exit(WORKER_STOPPED_EXIT)


def _init_pool_worker(settings: Settings) -> None:
    """The local process pool's initializer: Ctrl+C reaches the whole process group, and the parent stops the run
    and keeps what finished, so these workers ignore it (no traceback from each); a watchdog thread ends the worker
    when the batch process is gone; SIGUSR1 stops it (`_on_stop_request`); then `_init_worker`."""

    global _BUSY
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, name="spinscope-parent-watch", daemon=True).start()
    _BUSY = True
    signal.signal(signal.SIGUSR1, _on_stop_request)
    try:
        _init_worker(settings)
    finally:
        _BUSY = False


def _worker_ready() -> int:
    """The local engine's first task: it returns once a worker has started and run its initializer."""
    return os.getpid()


def _pool_analyse_chunk(chunk: list[tuple[str, Article]], settings: Settings):
    """`analyse_chunk` in a local pool worker, which a stop request (`_on_stop_request`) ends at once."""
    global _BUSY
    _BUSY = True
    try:
        if _STOP:
            os._exit(WORKER_STOPPED_EXIT)
        return analyse_chunk(chunk, settings)
    finally:
        _BUSY = False


def _exit_with_parent() -> None:
    """Exit once the batch process dies (kill -9, SIGTERM): nothing in the pool's queues tells a waiting worker,
    and live workers also keep the forkserver and the resource tracker alive, all orphaned for ever."""
    import multiprocessing
    from multiprocessing.connection import wait

    parent = multiprocessing.parent_process()
    if parent is not None:
        wait([parent.sentinel])  # a pipe only the batch process writes to: readable (EOF) once it is gone
        os._exit(1)


def _init_worker(settings: Settings) -> None:
    """Worker initializer: load the models before the first chunk arrives. Errors surface per article."""
    try:
        _pipeline_for(settings)
    except Exception:  # reported with the first chunk, where it can name the article
        pass


def analyse_chunk(chunk: list[tuple[str, Article]], settings: Settings) -> list[tuple[str, dict | None, str | None]]:
    """Analyse (key, article) pairs; returns (key, canonical result dict, None) or (key, None, reason) for each."""
    try:
        pipeline = _pipeline_for(settings)
    except Exception as error:  # ModelError, or a model that cannot even be unpickled/imported here
        return [(key, None, f"model error: {error}") for key, _ in chunk]
    out: list[tuple[str, dict | None, str | None]] = []
    for key, article in chunk:
        try:
            out.append((key, pipeline(article).to_dict(), None))
        except ModelError as error:
            out.append((key, None, f"model error: {error}"))
        except SpinscopeError as error:
            out.append((key, None, str(error)))
        except Exception as error:  # a bug, but one article must not take the batch down
            log.exception("analysis of %s failed", key)
            out.append((key, None, f"internal error: {type(error).__name__}: {error}"))
    return out


# ---------------------------------------------------------------- engines


class _LocalEngine:
    """A process pool; each worker process loads the pipeline once in its initializer.

    A new pool first runs a trivial task (`_worker_ready`) per worker and waits for the first: workers that die
    before that (they re-ran an unguarded script, or crashed or ran out of memory while starting) are a start-up
    failure, reported as such, with no article in flight to blame. A worker that dies later (killed, out of
    memory) breaks a `ProcessPoolExecutor` for good: a fresh pool takes over (the lost chunks are retried by
    `_drive`), unless pools keep breaking before finishing any chunk.
    """

    MAX_BROKEN_POOLS_IN_A_ROW = 3
    STOP_SECONDS = 5.0  # how long close(cancel=True) waits for stopped workers to be gone

    def __init__(self, settings: Settings, workers: int):
        self.settings, self.workers = settings, workers
        self.broken_in_a_row = 0
        self.pool = self._new_pool()

    def _new_pool(self):
        import multiprocessing
        from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
        from concurrent.futures.process import BrokenProcessPool

        # forkserver: workers start from a clean single-threaded process, not a fork of this threaded one;
        # preloading the package there makes each worker start in milliseconds instead of re-importing it
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["spinscope.batch", "spinscope.pipeline"])
        _start_forkserver_ignoring_sigint()
        pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context,
                                   initializer=_init_pool_worker, initargs=(self.settings,))
        try:
            # one trivial task per worker starts them all at once (a pool starts a worker per task submitted,
            # up to max_workers); the first one back says whether they can start at all
            probes = [_submit(pool, _worker_ready) for _ in range(self.workers)]
            done, _ = wait(probes, return_when=FIRST_COMPLETED)
            if not any(probe.exception() is None for probe in done):
                next(iter(done)).result()  # raises BrokenProcessPool
        except BrokenProcessPool:
            processes = _pool_processes(pool)
            pool.shutdown(wait=True)  # the broken pool has ended (and reaped) its workers
            codes = [process.exitcode for process in processes]
            raise _WorkersDidNotStart(_exit_detail(codes), WORKER_BOOTSTRAP_EXIT in codes) from None
        except BaseException:  # Ctrl+C while the first worker starts
            _stop_pool(pool, self.STOP_SECONDS)
            raise
        return pool

    def submit(self, chunk):
        from concurrent.futures.process import BrokenProcessPool

        try:
            return _submit(self.pool, _pool_analyse_chunk, chunk, self.settings)
        except BrokenProcessPool:
            self.broken_in_a_row += 1
            if self.broken_in_a_row > self.MAX_BROKEN_POOLS_IN_A_ROW:
                raise SpinscopeError("batch worker processes keep dying before finishing any work (out of memory? "
                                     "a crashing model?); see the failures file") from None
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = self._new_pool()
            return _submit(self.pool, _pool_analyse_chunk, chunk, self.settings)

    def completed(self, pending: set) -> Iterator:
        from concurrent.futures import FIRST_COMPLETED, wait

        done, _ = wait(pending, return_when=FIRST_COMPLETED)
        if any(f.exception() is None for f in done):
            self.broken_in_a_row = 0
        return iter(done)

    def close(self, cancel: bool = False) -> None:
        if cancel:
            _stop_pool(self.pool, self.STOP_SECONDS)
        else:
            self.pool.shutdown(wait=True)


def _submit(pool, fn, *args):
    """`pool.submit`, with Ctrl+C held back until it returns: submit may start a worker process, and a Ctrl+C
    in the middle of that left a worker the pool did not know about yet (so nobody stopped it, and it printed a
    traceback once this process had exited) or a forkserver that died with a traceback."""
    with _sigint_deferred():
        return pool.submit(fn, *args)


@contextmanager
def _sigint_deferred():
    """SIGINT that arrives inside the block is delivered when the block ends (in the main thread; elsewhere, or
    where SIGINT is ignored or not handled by Python, the block runs as it is)."""

    previous = signal.getsignal(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread() or previous in (None, signal.SIG_IGN):
        yield
        return
    received: list[int] = []
    signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if received:
            signal.raise_signal(signal.SIGINT)


def _pool_processes(pool) -> list:
    """The worker processes of a ProcessPoolExecutor (before its shutdown, which forgets them)."""
    return list((getattr(pool, "_processes", None) or {}).values())


def _exit_detail(codes: list[int | None]) -> str:

    reasons = []
    # a broken pool terminates (SIGTERM) the workers still alive: they say nothing about why it broke
    for code in [c for c in codes if c != -signal.SIGTERM] or codes:
        if code == WORKER_BOOTSTRAP_EXIT:
            reason = "re-ran the main module"
        elif code is not None and code < 0:
            try:
                reason = f"killed by {signal.Signals(-code).name}"
            except ValueError:
                reason = f"killed by signal {-code}"
        else:
            reason = f"exit status {code}"
        if reason not in reasons:
            reasons.append(reason)
    return "a worker process died while starting" + (f" ({', '.join(reasons)})" if reasons else "")


def _stop_pool(pool, seconds: float) -> None:
    """Shut a pool down without waiting for its workers' current chunks (or model loading): they are asked to
    stop (SIGUSR1, see `_on_stop_request`), and this waits a little for them to be gone, so that none is left
    starting or analysing after the run has returned."""
    from multiprocessing.connection import wait

    processes = _pool_processes(pool)
    pool.shutdown(wait=False, cancel_futures=True)
    running = []
    for process in processes:
        try:
            if wait([process.sentinel], 0):  # already gone (the sentinel is ready: never signal a reused pid)
                continue
            os.kill(process.pid, signal.SIGUSR1)
            running.append(process.sentinel)
        except (OSError, ValueError):
            continue
    deadline = time.monotonic() + seconds
    while running and time.monotonic() < deadline:
        try:
            ready = wait(running, deadline - time.monotonic())
        except (OSError, ValueError):
            break
        running = [sentinel for sentinel in running if sentinel not in ready]


def _start_forkserver_ignoring_sigint() -> None:
    """Start the forkserver (if it is not running) with SIGINT ignored. It then ignores Ctrl+C while it imports
    its preloaded modules (a Ctrl+C then printed a KeyboardInterrupt traceback from it), and so do the workers it
    forks from birth, before their initializer ignores it too."""
    from multiprocessing import forkserver

    previous = signal.getsignal(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread() or previous is None:  # cannot (re)set it
        forkserver.ensure_running()
        return
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        forkserver.ensure_running()
    finally:
        signal.signal(signal.SIGINT, previous)


class _InlineEngine:
    """`workers=0`: analyse in this process, one chunk at a time (debugging, tiny inputs, tests)."""

    def __init__(self, settings: Settings):
        self.settings = settings

    def submit(self, chunk):
        from concurrent.futures import Future

        future: Future = Future()
        try:
            future.set_result(analyse_chunk(chunk, self.settings))
        except Exception as error:
            future.set_exception(error)
        return future

    def completed(self, pending: set) -> Iterator:
        return iter(list(pending))

    def close(self, cancel: bool = False) -> None:
        pass


def _local_cluster(workers: int, options: BatchOptions):

    from dask.distributed import LocalCluster

    # worker processes inherit an ignored SIGINT (a Python handler would not survive their exec): Ctrl+C reaches
    # the whole process group, this process stops the run, and each worker would print KeyboardInterrupt tracebacks
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main_thread and options.dask_processes else None
    try:
        return LocalCluster(n_workers=workers, threads_per_worker=1, processes=options.dask_processes,
                            dashboard_address=options.dashboard_address, silence_logs=logging.ERROR,
                            # without a dashboard the scheduler still serves HTTP (health checks), by default on
                            # 8787, warning on stderr when that is taken: any free local port will do
                            scheduler_kwargs=None if options.dashboard_address else
                            {"dashboard_address": "127.0.0.1:0"})
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


class _DaskEngine:
    """dask.distributed: a LocalCluster by default, or the cluster behind `scheduler`."""

    def __init__(self, settings: Settings, options: BatchOptions, workers: int):
        require_batch_dependencies("distributed")
        from dask.distributed import Client

        self.cluster = None
        try:
            if options.scheduler:
                self.client = Client(options.scheduler, timeout="30s")
            else:
                try:
                    self.cluster = _local_cluster(workers, options)
                except RuntimeError as error:  # "Nanny failed to start": a worker process died while starting
                    cause = str(error.__cause__ or error).rstrip(".")
                    raise _WorkersDidNotStart(f"a Dask worker process died while starting ({cause})") from None
                self.client = Client(self.cluster)
        except (OSError, TimeoutError, ValueError) as error:  # ValueError: an address that does not parse
            raise InputError(f"cannot reach the Dask scheduler {options.scheduler}: {error}") from None
        self.settings = settings
        # load the models on every worker now, in parallel; a worker that joins later (or is restarted) loads
        # them with its first chunk, through the same per-process cache
        self.client.run(_init_worker, settings)

    @property
    def workers(self) -> int:
        return len(self.client.scheduler_info(n_workers=-1).get("workers", {})) or 1

    def submit(self, chunk):
        # the articles travel as scattered data, not inside the task: submitted task graphs are kept by the
        # client and scheduler for a while, and with the texts in them the client grew ~40% at 10x the input
        (data,) = self.client.scatter([chunk], hash=False)
        return self.client.submit(analyse_chunk, data, self.settings, pure=False)

    def completed(self, pending: set) -> Iterator:
        from dask.distributed import wait

        done, _ = wait(list(pending), return_when="FIRST_COMPLETED")
        return iter(done)

    def close(self, cancel: bool = False) -> None:
        try:
            self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()


# ---------------------------------------------------------------- the run


class _Run:
    """Client-side bookkeeping: writes results and failures, commits durably, keeps the counts."""

    def __init__(self, output: Path, fmt: str, options: BatchOptions, report: BatchReport):
        self.output, self.fmt, self.options, self.report = output, fmt, options, report
        # the database first: a bad --db must fail before any output file exists (which would block a re-run)
        self.store = _open_store(options.db) if options.db is not None else None
        try:
            self._open_files(output, fmt, options, report)
        except BaseException as error:
            self.release()
            if self.store is not None:
                self.store.close()
            if isinstance(error, OSError):  # an unwritable place: one line, not an internal error
                raise InputError(f"cannot write {output}: {os_reason(error)}") from None
            raise
        self.pending_keys: list[str] = []
        self.pending_results = self.pending_failures = 0
        self.last_commit = time.monotonic()

    def _open_files(self, output: Path, fmt: str, options: BatchOptions, report: BatchReport) -> None:
        self.lock = _lock_output(output)
        exists = [p for p in (output, manifest_path(output), failures_path(output)) if p.exists()]
        self.fresh = not (options.resume and manifest_path(output).exists())  # this run starts the output
        if options.resume and manifest_path(output).exists():
            point = read_manifest(output, fmt, options.include_text)
        else:
            if exists and not options.overwrite:
                if options.resume:
                    raise InputError(f"cannot resume: {output} has no manifest ({manifest_path(output).name}); "
                                     "it was not written by `spinscope batch`")
                raise InputError(f"{exists[0]} already exists: use --resume to continue that run, or remove it")
            remove_previous_run(output)
            point = read_manifest(output, fmt, options.include_text)
        output.parent.mkdir(parents=True, exist_ok=True)
        self.done_keys = point.done_keys
        # the keys of the items an earlier run listed as failed (counted as failures again, not as done)
        self.failed_keys = read_failure_keys(failures_path(output), point.failures_bytes) if point.failures else set()
        # the model versions the output's results were made with (a resumed output's, from its manifest): new
        # results must match them
        self.models: dict[str, str] | None = point.models
        report.total_results, report.total_failures = point.results, point.failures
        self.writer = make_writer(fmt, output, point, options.include_text)
        self.failures = AppendFile(failures_path(output), point.failures_bytes)
        self.manifest = Manifest(output, fmt, options.include_text)

    def add_result(self, key: str, result: dict) -> None:
        # one output, one version of each model: a resumed run with another --model-dir or span-encoder setting
        # would mix analyses that are not comparable (an article no model ran on, e.g. in another language, says
        # nothing either way)
        known = self.models or {}
        models = dict(result.get("models") or {})
        for name in sorted(set(models) & set(known)):
            if models[name] != known[name]:
                raise InputError(f"cannot resume: {self.output} was analysed with other models ({name}: "
                                 f"{known[name]} then, {models[name]} now); resume with the same --model-dir and "
                                 "SPINSCOPE_SPAN_ENCODER, or write a new output")
        self.models = {**known, **models}
        self.writer.write(result)
        if self.store is not None:
            self.store.save(result)
        self.pending_keys.append(key)
        self.pending_results += 1
        self.report.results += 1

    def add_failure(self, key: str, source: str, reason: str, article_id: str = "") -> None:
        import json

        record = {"key": key, "id": article_id, "source": source, "reason": reason}
        self.failures.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
        self.pending_keys.append(key)
        self.pending_failures += 1
        self.report.failures += 1

    def maybe_commit(self, force: bool = False) -> None:
        if not self.pending_keys:
            return
        due = (len(self.pending_keys) >= self.options.commit_every
               or time.monotonic() - self.last_commit >= self.options.commit_seconds)
        if force or due:
            self.commit()

    def commit(self) -> None:
        record: dict[str, Any] = dict(self.writer.commit())
        record["failures_bytes"] = self.failures.commit()
        record.update(results=self.pending_results, failures=self.pending_failures, keys=self.pending_keys)
        if self.models is not None:
            record["models"] = self.models
        self.manifest.append(record)  # the commit point: everything above is now part of the run
        self.report.total_results += self.pending_results
        self.report.total_failures += self.pending_failures
        self.pending_keys, self.pending_results, self.pending_failures = [], 0, 0
        self.last_commit = time.monotonic()

    def close(self) -> None:
        self.maybe_commit(force=True)
        self.writer.close()
        self.failures.close()
        self.manifest.close()
        if self.store is not None:
            self.store.close()
        self.release()

    def release(self) -> None:
        if getattr(self, "lock", None) is not None:
            try:  # removed while still held, so a refused or finished run leaves no file behind
                os.unlink(self.lock.name)
            except OSError:
                pass
            self.lock.close()  # closing the file drops the lock
            self.lock = None

    def workers_reran_main(self) -> bool:
        """Whether a worker process re-ran the script that started this run (`_stop_worker_bootstrap`)."""
        if getattr(self, "lock", None) is None:
            return False
        try:
            self.lock.seek(0)
            return _BOOTSTRAP_MARK in self.lock.read()
        except (OSError, ValueError):
            return False

    def discard_if_empty(self) -> None:
        """After a run that stopped with an error before committing anything: remove the files it created, so
        that the same command can simply be run again (instead of being refused as an existing output)."""
        if self.fresh and self.report.total_results == 0 and self.report.total_failures == 0:
            try:
                remove_previous_run(self.output)
            except (OSError, InputError):
                pass


def _lock_output(output: Path):
    """An exclusive lock on the output for the whole run (a hidden `.NAME.lock` beside it), so that a second run
    on the same output, even a --resume, is refused instead of writing every item a second time. The run removes
    the file when it ends (a killed run leaves it, but its lock goes with the process). None where the platform has
    no flock."""
    try:
        import fcntl
    except ImportError:
        return None
    output.parent.mkdir(parents=True, exist_ok=True)
    handle = open(output.with_name(f".{output.name}.lock"), "a+")  # noqa: SIM115 - held for the whole run
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise InputError(f"{output} is being written by another `spinscope batch` run; wait for it to finish "
                         "(then --resume if needed) or choose another output") from None
    return handle


def _open_store(url: str):
    try:
        from .store import Store
    except ImportError as error:
        raise InputError(f"--db needs the web extra ({error}); install it from the spinscope repository: "
                         "pip install -e '.[web]' -c constraints.txt") from None
    return Store(url)


def _keyed_items(items: Iterable[Article | ReadFailure], run: _Run) -> Iterator[tuple[str, Article | ReadFailure]]:
    """Give every item a stable key (its id; read failures and duplicate ids get a key of their own)."""
    seen_ids: dict[str, str] = {}
    for item in items:
        if is_failure(item):
            yield f"read:{item.source}", item
            continue
        if not item.id:
            item.id = item.source or f"item-{len(seen_ids) + 1}"
        first = seen_ids.get(item.id)
        if first is not None:
            yield f"duplicate:{item.id}:{item.source}", ReadFailure(
                item.source, f"duplicate id {item.id!r} (first seen in {first}); ids must be unique", item.id)
            continue
        seen_ids[item.id] = item.source
        yield item.id, item


def run_batch(inputs: Iterable[str | os.PathLike], output: str | os.PathLike, settings: Settings | None = None,
              options: BatchOptions | None = None) -> BatchReport:
    """Analyse every article in `inputs` and write one row per article to `output` (see module doc)."""
    if _in_worker_bootstrap():  # a worker re-running the unguarded script that started the batch: stop it
        _stop_worker_bootstrap(output)
    settings = settings or Settings()
    options = options or BatchOptions()
    inputs = [str(i) for i in inputs]
    if not inputs:
        raise InputError("batch needs at least one input (a folder, glob, JSONL, CSV or Parquet file)")
    if options.engine not in ENGINES:
        raise InputError(f"unknown engine {options.engine!r}; choose one of {', '.join(ENGINES)}")
    if options.chunk_size < 1 or options.commit_every < 1:
        raise InputError("chunk_size and commit_every must be at least 1")
    if options.workers is not None and options.workers < 0:
        raise InputError(f"workers must be 0 or more, not {options.workers}")
    if options.scheduler and options.engine != "dask":
        raise InputError("a Dask scheduler address needs the dask engine (--engine dask)")
    if options.db is not None and not str(options.db).strip():
        raise InputError("the database (--db) is empty; give a SQLite path or a database URL")
    if options.resume and options.overwrite:
        raise InputError("resume and overwrite exclude each other: resume continues the output, overwrite "
                         "replaces it")
    if not str(output).strip() or not Path(output).name:
        raise InputError(f"output {str(output)!r} has no file name; give a file (jsonl/csv) or folder (parquet)")
    output = Path(output)
    fmt = format_for(output, options.format)
    own_files = (output, manifest_path(output), failures_path(output))
    inputs = list(inputs)  # read more than once below: a generator would be empty the second time
    clash = {str(i) for i in inputs if Path(i).exists() and Path(i).resolve() in {p.resolve() for p in own_files}}
    if clash:
        raise InputError(f"{sorted(clash)[0]} is this batch's own output; choose another --output")
    if fmt == "parquet":
        require_batch_dependencies("pyarrow")
    workers = (os.cpu_count() or 1) if options.workers is None else options.workers
    if workers == 0 and options.engine == "dask":
        raise InputError("the dask engine needs at least one worker")
    # a typo'd or empty input is refused before any output file exists: such files (or --overwrite's deletion of
    # the earlier output) would otherwise block or spoil the corrected re-run
    missing = missing_inputs(inputs)
    if missing:
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        raise InputError(f"{missing[0]}{more}; nothing could be analysed")
    items = iter_inputs(inputs, settings, skip=own_files)
    first = next(items, None)
    if first is None:
        raise InputError("no article found in " + ", ".join(map(str, inputs)))
    items = itertools.chain([first], items)

    report = BatchReport(output=str(output), failures_file=str(failures_path(output)),
                         manifest_file=str(manifest_path(output)), format=fmt, engine=options.engine,
                         workers=workers)
    run = _Run(output, fmt, options, report)
    started = time.monotonic()
    engine = None
    cancelled = False
    progress = _Progress(options.progress, inputs, len(run.done_keys))
    try:
        if options.engine == "dask":
            engine = _DaskEngine(settings, options, workers)
            if options.scheduler:
                report.workers = engine.workers
        else:
            engine = _LocalEngine(settings, workers) if workers else _InlineEngine(settings)
        _drive(engine, run, items, options, report, progress.advance,
               window=options.max_in_flight or 2 * max(1, report.workers))
    except _WorkersDidNotStart as error:
        cancelled = True
        raise WorkerStartError(_worker_start_message(error, error.reran_main or run.workers_reran_main(),
                                                     report.results + report.failures)) from None
    except KeyboardInterrupt:
        cancelled = True
        raise Interrupted(
            f"interrupted; {report.results + report.failures} items finished were kept — "
            "run again with --resume to continue") from None
    except BaseException:
        cancelled = True
        raise
    finally:
        progress.stop()
        if engine is not None:
            engine.close(cancel=cancelled)
        run.close()  # commits what was collected, also after an error
        if cancelled:
            run.discard_if_empty()
        report.seconds = round(time.monotonic() - started, 3)
    if not report.consistent:  # a bug: say so rather than report numbers that do not add up
        report.warnings.append(f"counts do not add up: {report.items} read but {report.results} results, "
                               f"{report.failures} failures, {report.already_done} already done")
    return report


def _worker_start_message(error: _WorkersDidNotStart, reran_main: bool, finished: int) -> str:
    import sys

    kept = (f"the {finished} items finished before were kept (--resume continues)" if finished else
            "nothing was analysed in this run")
    if reran_main:
        script = getattr(sys.modules.get("__main__"), "__file__", None) or "the main module"
        return (f"the batch workers could not start: each worker process re-ran {script}, which calls run_batch "
                "outside `if __name__ == '__main__':` (worker processes import the main module, so a script must "
                f"call run_batch under that guard). No article was listed as failed; {kept}")
    return (f"the batch workers could not start: {error.detail}. No article was listed as failed; {kept}. "
            "Likely causes: a script that calls run_batch outside `if __name__ == '__main__':` (worker processes "
            "import the main module), too little memory, or a model that crashes while loading")


def _drive(engine, run: _Run, items: Iterable, options: BatchOptions, report: BatchReport,
           advance: Callable[[int], None], window: int) -> None:
    """Keep at most `window` chunks in flight; write each chunk's results as soon as it is back.

    A chunk whose worker died is retried once, one article per task and one task at a time (nothing else in
    flight), so that only an article that kills its worker again is listed as failed: not the innocent ones that
    shared its chunk, nor those in flight beside it when it kills the worker (a dying local worker fails every
    task of its pool).
    """
    keyed = _keyed_items(items, run)
    pending: dict[Any, tuple[list[tuple[str, Article]], bool]] = {}  # future -> (chunk, is a retry)
    retries: list[list[tuple[str, Article]]] = []
    exhausted = False

    def next_chunk() -> list[tuple[str, Article]]:
        nonlocal exhausted
        chunk: list[tuple[str, Article]] = []
        while len(chunk) < options.chunk_size:
            try:
                key, item = next(keyed)
            except StopIteration:
                exhausted = True
                break
            report.items += 1
            if key in run.done_keys:
                if key in run.failed_keys:  # failed in an earlier run: still a failure of this output
                    report.failures += 1
                    report.earlier_failures += 1
                else:
                    report.already_done += 1
                continue
            if is_failure(item):
                run.add_failure(key, item.source, item.reason, getattr(item, "id", ""))
                advance(1)
                continue
            chunk.append((key, item))
        return chunk

    while True:
        while len(pending) < window:
            if retries or any(is_retry for _, is_retry in pending.values()):  # retrying: one article alone
                if not pending and retries:
                    chunk = retries.pop(0)
                    pending[engine.submit(chunk)] = (chunk, True)
                break
            if exhausted:
                break
            chunk = next_chunk()
            if chunk:
                pending[engine.submit(chunk)] = (chunk, False)
        run.maybe_commit()
        if not pending:
            break
        for future in engine.completed(set(pending)):
            chunk, is_retry = pending.pop(future)
            try:
                outcomes = future.result()
            except Exception as error:  # the worker died (killed, out of memory, crashed in native code)
                if not is_retry:
                    retries.extend([pair] for pair in chunk)
                    continue
                reason = f"worker failed: {type(error).__name__}: {error}".strip()
                outcomes = [(key, None, reason) for key, _ in chunk]
            _collect(outcomes, chunk, run)
            advance(len(chunk))
        run.maybe_commit()


def _collect(outcomes: list[tuple[str, dict | None, str | None]], chunk: list[tuple[str, Article]],
             run: _Run) -> None:
    articles = dict(chunk)
    fatal = None
    for key, result, reason in outcomes:
        article = articles[key]
        if result is not None:
            run.add_result(key, result)
        elif reason and reason.startswith("model error:"):
            fatal = reason  # not the article's fault: neither failed nor done, so --resume analyses it
        else:
            run.add_failure(key, article.source, reason or "unknown error", article.id)
    if fatal:  # the models cannot load: every further article would fail the same way
        raise ModelError(fatal.removeprefix("model error: "))


class _Progress:
    """A Rich progress bar (count, rate, ETA) on stderr; the total is a cheap estimate made before the run."""

    def __init__(self, enabled: bool, inputs: list[str], already_done: int):
        self.bar = None
        if not enabled:
            return
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, SpinnerColumn,
                                   TextColumn, TimeElapsedColumn, TimeRemainingColumn)
        from rich.text import Text

        class RateColumn(ProgressColumn):
            def render(self, task) -> Text:
                return Text(f"{task.speed:.1f} art/s" if task.speed else "-- art/s", style="progress.data.speed")

        estimate = estimate_total(inputs)
        total = max(0, estimate - already_done) if estimate is not None else None
        self.bar = Progress(SpinnerColumn(), TextColumn("analysing"), BarColumn(), MofNCompleteColumn(),
                            RateColumn(), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                            console=Console(stderr=True), transient=False)
        self.task = self.bar.add_task("batch", total=total)
        self.bar.start()

    def advance(self, n: int) -> None:
        if self.bar is not None:
            self.bar.advance(self.task, n)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()
