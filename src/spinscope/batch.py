"""Batch analysis of large corpora on all local cores (`engine="local"`) or a Dask cluster (`engine="dask"`).

    report = run_batch(["corpus/", "more.jsonl"], "out.parquet", Settings(), BatchOptions(engine="dask"))

The corpus is streamed: the reader yields one article at a time, articles travel to workers in small chunks, at
most `max_in_flight` chunks are out at once, and results are written as they come back. Memory therefore stays flat
however large the input. Each worker process loads the pipeline (the models) once and reuses it for every chunk.

Nothing is dropped silently: every item read is either a result row or a line in `<output>.failures.jsonl`, and
the report checks `items read = results + failures + already done` (the last term is non-zero only with `resume`).
Durability and `resume` are described in `batch_io` and docs/batch.md.
"""

from __future__ import annotations

import itertools
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
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
    """What a batch run did. `items == results + failures + already_done` always holds for a finished run."""

    output: str
    failures_file: str
    manifest_file: str
    format: str
    engine: str
    workers: int
    items: int = 0  # items read from the inputs in this run
    results: int = 0  # analysed and written in this run
    failures: int = 0  # listed in the failures file in this run
    already_done: int = 0  # skipped because an earlier run finished them (resume)
    total_results: int = 0  # in the output over all runs
    total_failures: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        """Articles finished per second in this run."""
        return (self.results + self.failures) / self.seconds if self.seconds > 0 else 0.0

    @property
    def consistent(self) -> bool:
        return self.items == self.results + self.failures + self.already_done

    def to_dict(self) -> dict[str, Any]:
        return dict(asdict(self), rate=round(self.rate, 2), consistent=self.consistent)

    def summary(self) -> str:
        parts = [f"{self.items} items read: {self.results} analysed, {self.failures} failed"]
        if self.already_done:
            parts.append(f"{self.already_done} already done earlier")
        line = ", ".join(parts) + f" in {self.seconds:.1f} s ({self.rate:.1f} articles/s, {self.engine} engine, " \
                                  f"{self.workers} workers)"
        line += f"\noutput: {self.output} ({self.total_results} results in total)"
        if self.total_failures:
            line += f"\nfailures: {self.failures_file} ({self.total_failures} in total)"
        return line


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


def _init_pool_worker(settings: Settings) -> None:
    """The local process pool's initializer: Ctrl+C reaches the whole process group, and the parent stops the run
    and keeps what finished, so these workers ignore it (no traceback from each); a watchdog thread ends the worker
    when the batch process is gone; then `_init_worker`."""
    import signal
    import threading

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, name="spinscope-parent-watch", daemon=True).start()
    _init_worker(settings)


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

    A worker that dies (killed, out of memory) breaks a `ProcessPoolExecutor` for good: a fresh pool takes over
    (the lost chunks are retried by `_drive`), unless pools keep breaking before finishing any chunk.
    """

    MAX_BROKEN_POOLS_IN_A_ROW = 3

    def __init__(self, settings: Settings, workers: int):
        self.settings, self.workers = settings, workers
        self.broken_in_a_row = 0
        self.pool = self._new_pool()

    def _new_pool(self):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # forkserver: workers start from a clean single-threaded process, not a fork of this threaded one;
        # preloading the package there makes each worker start in milliseconds instead of re-importing it
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["spinscope.batch", "spinscope.pipeline"])
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=context,
                                   initializer=_init_pool_worker, initargs=(self.settings,))

    def submit(self, chunk):
        from concurrent.futures.process import BrokenProcessPool

        try:
            return self.pool.submit(analyse_chunk, chunk, self.settings)
        except BrokenProcessPool:
            self.broken_in_a_row += 1
            if self.broken_in_a_row > self.MAX_BROKEN_POOLS_IN_A_ROW:
                raise SpinscopeError("batch worker processes keep dying before finishing any work (out of memory? "
                                     "a crashing model?); see the failures file") from None
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = self._new_pool()
            return self.pool.submit(analyse_chunk, chunk, self.settings)

    def completed(self, pending: set) -> Iterator:
        from concurrent.futures import FIRST_COMPLETED, wait

        done, _ = wait(pending, return_when=FIRST_COMPLETED)
        if any(f.exception() is None for f in done):
            self.broken_in_a_row = 0
        return iter(done)

    def close(self, cancel: bool = False) -> None:
        self.pool.shutdown(wait=not cancel, cancel_futures=cancel)


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
    import signal
    import threading

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
                self.cluster = _local_cluster(workers, options)
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
        raise InputError(f"--db needs the database extra ({error}); install spinscope[web]") from None
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


def _drive(engine, run: _Run, items: Iterable, options: BatchOptions, report: BatchReport,
           advance: Callable[[int], None], window: int) -> None:
    """Keep at most `window` chunks in flight; write each chunk's results as soon as it is back.

    A chunk whose worker died is retried once, one article per task, so that only an article that kills its
    worker again is listed as failed (not the innocent ones that shared its chunk).
    """
    keyed = _keyed_items(items, run)
    pending: dict[Any, tuple[list[tuple[str, Article]], bool]] = {}  # future -> (chunk, is a retry)
    retries: list[list[tuple[str, Article]]] = []
    exhausted = False

    def next_chunk() -> list[tuple[str, Article]]:
        nonlocal exhausted
        if retries:
            return retries.pop()
        chunk: list[tuple[str, Article]] = []
        while len(chunk) < options.chunk_size:
            try:
                key, item = next(keyed)
            except StopIteration:
                exhausted = True
                break
            report.items += 1
            if key in run.done_keys:
                report.already_done += 1
                continue
            if is_failure(item):
                run.add_failure(key, item.source, item.reason, getattr(item, "id", ""))
                advance(1)
                continue
            chunk.append((key, item))
        return chunk

    while True:
        while (retries or not exhausted) and len(pending) < window:
            is_retry = bool(retries)
            chunk = next_chunk()
            if chunk:
                pending[engine.submit(chunk)] = (chunk, is_retry)
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
