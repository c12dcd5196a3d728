"""Streaming readers and crash-safe writers for `spinscope batch` (see docs/batch.md).

Readers yield `Article`s (or `ReadFailure`s for items that cannot be read) one at a time, so a corpus of any size
is never held in memory: CSV through the csv module row by row, Parquet by record batch, SemEval-2023 folders file
by file, and everything else (txt/html files, JSONL, plain folders) through `spinscope.ingest`.

Writers append results as they arrive and make them durable in *commits*: output and failures are flushed and
fsync'd, then one line naming what was committed (byte offsets, part file, keys) is appended to the manifest
`<output>.manifest.jsonl` and fsync'd. A resumed run trusts only what the manifest names: it truncates JSONL/CSV
and the failures file back to the committed byte offsets and deletes Parquet parts the manifest does not list, so an
item written after the last commit is redone once and never duplicated.
"""

from __future__ import annotations

import csv
import glob
import io
import itertools
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .data import ARTICLE_FILE, ISO_CODE, read_text_file
from .errors import InputError
from .settings import Settings
from .taxonomy import GENRES, TECHNIQUE_NAMES
from .types import Article

FORMATS = ("parquet", "jsonl", "csv")
TABLE_COLUMNS = ("id", "title", "text", "url", "outlet", "published", "language")
TABULAR_SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
# what ingest reads from a folder, plus JSONL batches (not .json: a folder's other JSON files are rarely articles)
ARTICLE_SUFFIXES = (".txt", ".html", ".htm", ".jsonl", ".ndjson")
_GLOB_CHARS = set("*?[")
PARQUET_BATCH_ROWS = 64  # rows per record batch read from Parquet: small enough to keep memory flat


@dataclass(frozen=True)
class ReadFailure:
    """An input item that could not be turned into an article (listed in the failures file, never dropped)."""

    source: str
    reason: str
    id: str = ""  # when the item had one (a duplicate id)


def is_failure(item: Any) -> bool:
    return not isinstance(item, Article) and hasattr(item, "reason") and hasattr(item, "source")


def require_batch_dependencies(*modules: str) -> None:
    """Fail with one clear line when the optional batch extra is not installed."""
    import importlib

    for module in modules:
        try:
            importlib.import_module(module)
        except ImportError as error:
            raise InputError(
                f"batch analysis needs {module} ({error}); install the batch extra from the spinscope repository: "
                "pip install -e '.[batch]' -c constraints.txt (see docs/batch.md)") from None


# ---------------------------------------------------------------- readers


def iter_inputs(inputs: Iterable[str | os.PathLike], settings: Settings,
                skip: Iterable[Path] = ()) -> Iterator[Article | ReadFailure]:
    """Every item of every input, in a stable order (needed for `--resume`), one at a time.

    Paths in `skip` (the batch's own output files, when they sit inside an input folder) are never read."""
    skip = frozenset(Path(p).resolve() for p in skip)
    for raw in inputs:
        name = str(raw)
        kind = _input_kind(name)
        if kind == "path":
            yield from _iter_path(Path(name), settings, skip)
        elif kind == "url":
            yield from _iter_ingest(name, settings)
        elif kind == "glob":
            matches = sorted(glob.glob(name, recursive=True))
            if not matches:
                yield ReadFailure(name, f"{name}: no file matches this pattern")
            root = _glob_root(name)
            for match in matches:
                if Path(match).resolve() not in skip:
                    yield from _relative_ids(_iter_path(Path(match), settings, skip), Path(match), root)
        else:
            yield ReadFailure(name, f"{name}: no such file or directory")


def missing_inputs(inputs: Iterable[str | os.PathLike]) -> list[str]:
    """Why named inputs cannot be found (no such path, a glob matching nothing), one line each, decided as
    `iter_inputs` decides, without reading anything: a batch refuses these before it creates any output."""
    problems = []
    for raw in inputs:
        name = str(raw)
        kind = _input_kind(name)
        if kind == "glob" and next(glob.iglob(name, recursive=True), None) is None:
            problems.append(f"{name}: no file matches this pattern")
        elif kind == "missing":
            problems.append(f"{name}: no such file or directory")
    return problems


def _input_kind(name: str) -> str:
    """How a named input is read: "path", "url", "glob" or "missing" (URLs before globs: "?" is a URL's query,
    not a wildcard)."""
    if Path(name).exists():
        return "path"
    if name.startswith(("http://", "https://")):
        return "url"
    return "glob" if _GLOB_CHARS & set(name) else "missing"


def _iter_path(path: Path, settings: Settings,
               skip: frozenset[Path] = frozenset()) -> Iterator[Article | ReadFailure]:
    if path.is_dir():
        yield from _iter_directory(path, settings, skip)
        return
    kind = TABULAR_SUFFIXES.get(path.suffix.lower())
    if kind == "csv":
        yield from iter_csv(path, settings)
    elif kind == "parquet":
        yield from iter_parquet(path, settings)
    else:
        yield from _iter_ingest(str(path), settings)


def is_semeval_folder(path: Path) -> bool:
    """A SemEval-2023 language folder: train-articles-subtask-* folders inside (a plain folder of article<N>.txt
    files needs nothing special: ingest reads it and takes N as the id)."""
    return any(child.is_dir() and child.name.startswith("train-articles-subtask-") for child in path.iterdir())


def _iter_directory(path: Path, settings: Settings, skip: frozenset[Path],
                    top: Path | None = None) -> Iterator[Article | ReadFailure]:
    """Walk a folder recursively in sorted order: SemEval folders and tables have their own readers, and the
    files ingest reads (.txt/.html/.htm/.jsonl) go through ingest. Other files (README, images ...) are not
    articles and are passed over, as `spinscope analyze FOLDER` does."""
    top = top or path
    try:
        if is_semeval_folder(path):
            yield from iter_semeval(path, settings)
            return
        children = sorted(path.iterdir())
    except OSError as error:
        yield ReadFailure(str(path), f"{path}: cannot read folder ({error.strerror or error})")
        return
    for child in children:
        if child.name.startswith((".", "_")) or child.resolve() in skip:  # hidden, bookkeeping, our output
            continue
        if child.is_dir():
            yield from _iter_directory(child, settings, skip, top)
        elif child.suffix.lower() in TABULAR_SUFFIXES:
            yield from _relative_ids(_iter_path(child, settings), child, top)
        elif child.suffix.lower() in ARTICLE_SUFFIXES:
            yield from _relative_ids(_iter_ingest(str(child), settings), child, top)


def _glob_root(pattern: str) -> Path:
    """The folder a glob pattern starts from: its leading components without wildcards ("feeds/**/*.jsonl" ->
    feeds)."""
    fixed = list(itertools.takewhile(lambda part: not (_GLOB_CHARS & set(part)), Path(pattern).parts))
    return Path(*fixed) if fixed else Path(".")


def _relative_ids(items: Iterator[Article | ReadFailure], file: Path, top: Path) -> Iterator[Article | ReadFailure]:
    """Files in sub-folders often share names (outlet/2024-01-01.html, day/feed.jsonl): below `top`, an article
    file's id is its relative path, and the ids made up for a table's or feed's rows without one start with the
    sub-folder. Files directly in `top` keep their plain ids, as before."""
    if file.parent == top or not file.is_relative_to(top):
        yield from items
        return
    relative = file.relative_to(top)
    suffix = file.suffix.lower()
    tabular = suffix in TABULAR_SUFFIXES or suffix in (".jsonl", ".ndjson", ".json")
    for item in items:
        if isinstance(item, Article):
            if not tabular or (suffix == ".json" and item.source == str(file) and item.id == file.stem):
                item.id = relative.with_suffix("").as_posix()  # an article file (or a .json of one, no id given)
            elif item.id == f"{file.stem}-{item.source.rsplit(':', 1)[-1]}":  # made up from the row number
                item.id = f"{relative.parent.as_posix()}/{item.id}"
        yield item


def _iter_ingest(source: str, settings: Settings) -> Iterator[Article | ReadFailure]:
    from . import ingest

    try:
        for item in ingest.iter_articles([source], settings):
            yield item if isinstance(item, Article) else ReadFailure(str(item.source), str(item.reason))
    except InputError as error:  # ingest refused the whole input
        yield ReadFailure(source, str(error))


def iter_semeval(folder: Path, settings: Settings) -> Iterator[Article | ReadFailure]:
    """A SemEval-2023 language folder, one article file at a time. An id is in several subtask folders: the
    subtask-3 copy is read (its text is what span offsets index, as in `data.load_semeval2023`), the others skipped.
    The folder name (en, it, ru, fr, ge, po) gives the language."""
    language = ISO_CODE.get(folder.name, "")
    directories = sorted((c for c in folder.iterdir() if c.is_dir() and c.name.startswith("train-articles-")),
                         key=lambda c: (not c.name.endswith("-3"), c.name))
    seen: set[str] = set()
    for directory in directories:
        for name in sorted(os.listdir(directory)):
            match = ARTICLE_FILE.match(name)
            if not match or match.group(1) in seen:
                continue
            seen.add(match.group(1))
            file = directory / name
            try:
                text = read_text_file(file)
            except (OSError, UnicodeDecodeError) as error:
                yield ReadFailure(str(file), f"{file}: cannot read it ({error})")
                continue
            yield _article_or_failure(text, str(file), settings, id=match.group(1), language=language)


def iter_csv(path: Path, settings: Settings) -> Iterator[Article | ReadFailure]:
    """Rows of a CSV file with a header naming id/title/text(/url/outlet/published/language) columns."""
    csv.field_size_limit(max(settings.max_input_chars * 4, 1 << 20))
    try:
        handle = open(path, encoding="utf-8-sig", newline="")
    except OSError as error:
        yield ReadFailure(str(path), f"{path}: cannot open it ({error.strerror or error})")
        return
    with handle:
        # strict: a stray quote is a malformed row, not a quoted field that silently swallows every later row
        reader = csv.reader(handle, strict=True)
        try:
            header = [h.strip().lower() for h in next(reader)]
        except StopIteration:
            yield ReadFailure(str(path), f"{path}: CSV file is empty")
            return
        except (csv.Error, UnicodeDecodeError) as error:
            yield ReadFailure(str(path), f"{path}: unreadable CSV header ({error})")
            return
        if "text" not in header:
            yield ReadFailure(str(path), f"{path}: CSV has no 'text' column (columns: {', '.join(header) or 'none'})")
            return
        row_number = 1
        while True:
            row_number += 1
            source = f"csv:{path}:{row_number}"
            try:
                row = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError as error:
                yield ReadFailure(source, f"{source}: not UTF-8 from here on ({error.reason}); rest of file skipped")
                return
            except csv.Error as error:
                if "unexpected end of data" in str(error):  # an unclosed quote ran to the end of the file
                    yield ReadFailure(source, f"{source}: malformed CSV row ({error}): a quote opened here is "
                                              "never closed, so the rest of the file is skipped")
                    return
                yield ReadFailure(source, f"{source}: malformed CSV row ({error})")
                continue
            if not any(cell.strip() for cell in row):  # a blank line is not an item
                continue
            if len(row) != len(header):
                yield ReadFailure(source, f"{source}: row has {len(row)} fields but the header has {len(header)}")
                continue
            yield _row_to_article(dict(zip(header, row)), source, path, row_number, settings)


def iter_parquet(path: Path, settings: Settings) -> Iterator[Article | ReadFailure]:
    """Rows of a Parquet file, streamed by record batch (only the needed columns are read)."""
    require_batch_dependencies("pyarrow")
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as error:  # pyarrow raises several types for a bad file
        yield ReadFailure(str(path), f"{path}: cannot read Parquet file ({error})")
        return
    names = {name.lower(): name for name in parquet.schema_arrow.names}
    if "text" not in names:
        yield ReadFailure(str(path),
                          f"{path}: Parquet file has no 'text' column (columns: {', '.join(names) or 'none'})")
        return
    columns = [names[c] for c in TABLE_COLUMNS if c in names]
    row_number = 0
    try:
        for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS, columns=columns):
            for row in batch.to_pylist():
                row_number += 1
                record = {key.lower(): value for key, value in row.items()}
                yield _row_to_article(record, f"parquet:{path}:{row_number}", path, row_number, settings)
    except Exception as error:
        yield ReadFailure(f"parquet:{path}:{row_number + 1}",
                          f"{path}: cannot read Parquet data after row {row_number} ({error}); rest skipped")


def _row_to_article(record: dict[str, Any], source: str, path: Path, row_number: int,
                    settings: Settings) -> Article | ReadFailure:
    text = record.get("text")
    if text is None:
        return ReadFailure(source, f"{source}: \"text\" is missing")
    if not isinstance(text, str):
        return ReadFailure(source, f"{source}: \"text\" must be a string, got {type(text).__name__}")
    meta = {key: _as_text(record.get(key)) for key in ("title", "url", "outlet", "published", "language")}
    article_id = _as_text(record.get("id")) or f"{path.stem}-{row_number}"
    return _article_or_failure(text, source, settings, id=article_id, **meta)


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):  # dates and timestamps from Parquet
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():  # an integer column with gaps comes back as floats
        return str(int(value))
    return str(value).strip()


def _article_or_failure(text: str, source: str, settings: Settings, **meta: str) -> Article | ReadFailure:
    """Build the article through ingest's checks (empty, too large ...); a refusal becomes a `ReadFailure`."""
    from .ingest import from_text

    meta = {key: value for key, value in meta.items() if value}
    try:
        return from_text(text, source=source, settings=settings, **meta)
    except InputError as error:
        return ReadFailure(source, str(error))


def estimate_total(inputs: Iterable[str | os.PathLike]) -> int | None:
    """A cheap count of the items the inputs hold, for the progress bar's ETA (None when it cannot be told)."""
    total = 0
    try:
        for raw in inputs:
            name = str(raw)
            paths = [Path(name)] if Path(name).exists() else [Path(m) for m in sorted(glob.glob(name, recursive=True))]
            if not paths:
                total += 1  # a URL (or a missing input): one item
            for path in paths:
                total += _estimate_path(path)
    except Exception:  # only an estimate: never let it stop the run
        return None
    return total


def _estimate_path(path: Path) -> int:
    if path.is_dir():
        if is_semeval_folder(path):
            return len({m.group(1) for child in path.iterdir() if child.name.startswith("train-articles-")
                        for f in os.listdir(child) if (m := ARTICLE_FILE.match(f))})
        return sum(_estimate_path(child) for child in path.iterdir()
                   if not child.name.startswith((".", "_"))
                   and (child.is_dir() or child.suffix.lower() in ARTICLE_SUFFIXES + tuple(TABULAR_SUFFIXES)))
    suffix = path.suffix.lower()
    if suffix in {".parquet", ".pq"}:
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    if suffix in {".csv", ".jsonl", ".ndjson"} and not path.is_file():
        raise ValueError("a pipe or device: reading it to count would consume it")
    if suffix == ".csv":
        with open(path, encoding="utf-8-sig", newline="", errors="replace") as handle:
            return max(0, sum(1 for row in csv.reader(handle) if any(c.strip() for c in row)) - 1)
    if suffix in {".jsonl", ".ndjson"}:
        with open(path, "rb") as handle:
            return sum(1 for line in handle if line.strip())
    return 1


# ---------------------------------------------------------------- output rows


def result_row(result: dict[str, Any], include_text: bool = False) -> dict[str, Any]:
    """The article-level row written to Parquet/CSV, from the canonical result dict."""
    genre = result.get("genre") or {}
    summary = result.get("summary") or {}
    counts = summary.get("technique_counts") or {}
    row = {
        "id": result.get("id", ""),
        "title": result.get("title", ""),
        "outlet": result.get("outlet", ""),
        "url": result.get("url", ""),
        "published": result.get("published", ""),
        "language": result.get("language", ""),
        "source": result.get("source", ""),
        "word_count": result.get("word_count", 0),
        "genre": genre.get("label"),
        "genre_probabilities": ({g: genre.get("probabilities", {}).get(g) for g in GENRES} if genre else None),
        "frames": [{"frame": f.get("frame"), "probability": f.get("probability"),
                    "paragraphs": list(f.get("paragraphs") or [])} for f in result.get("frames") or []],
        "propaganda_score": summary.get("propaganda_score"),
        "span_count": len(result.get("spans") or []),
        "technique_counts": {name: int(counts.get(name, 0)) for name in TECHNIQUE_NAMES},
        "spans": [{"start": s["start"], "end": s["end"], "text": s.get("text", ""), "technique": s["technique"],
                   "confidence": s.get("confidence")} for s in result.get("spans") or []],
        "models": dict(result.get("models") or {}),
        "warnings": list(result.get("warnings") or []),
        "schema_version": result.get("schema_version"),
        "spinscope_version": result.get("spinscope_version", ""),
    }
    if include_text:
        row["text"] = result.get("text", "")
    return row


def parquet_schema(include_text: bool):
    import pyarrow as pa

    fields = [
        ("id", pa.string()), ("title", pa.string()), ("outlet", pa.string()), ("url", pa.string()),
        ("published", pa.string()), ("language", pa.string()), ("source", pa.string()),
        ("word_count", pa.int64()), ("genre", pa.string()),
        ("genre_probabilities", pa.struct([(g, pa.float64()) for g in GENRES])),
        ("frames", pa.list_(pa.struct([("frame", pa.string()), ("probability", pa.float64()),
                                       ("paragraphs", pa.list_(pa.int32()))]))),
        ("propaganda_score", pa.float64()),
        ("span_count", pa.int32()),
        ("technique_counts", pa.struct([(name, pa.int32()) for name in TECHNIQUE_NAMES])),
        ("spans", pa.list_(pa.struct([("start", pa.int64()), ("end", pa.int64()), ("text", pa.string()),
                                      ("technique", pa.string()), ("confidence", pa.float64())]))),
        ("models", pa.map_(pa.string(), pa.string())),
        ("warnings", pa.list_(pa.string())),
        ("schema_version", pa.int32()),
        ("spinscope_version", pa.string()),
    ]
    if include_text:
        fields.append(("text", pa.string()))
    return pa.schema(fields)


CSV_JSON_COLUMNS = ("genre_probabilities", "frames", "technique_counts", "spans", "models", "warnings")


def csv_columns(include_text: bool) -> list[str]:
    return list(result_row({}, include_text).keys())


# ---------------------------------------------------------------- writers


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class AppendFile:
    """A binary append-only file whose committed length can be fsync'd and later restored by truncation."""

    def __init__(self, path: Path, committed_bytes: int):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            size = path.stat().st_size
            if size < committed_bytes:
                raise InputError(f"cannot resume: {path} is shorter than its manifest records ({size} < "
                                 f"{committed_bytes} bytes); start a new run")
            if size > committed_bytes:  # written after the last commit: redone, so drop it
                os.truncate(path, committed_bytes)
        elif committed_bytes:
            raise InputError(f"cannot resume: {path} is missing but the manifest says it holds results")
        self.handle = open(path, "ab")
        self.committed = committed_bytes

    def write(self, data: bytes) -> None:
        self.handle.write(data)

    def commit(self) -> int:
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.committed = self.handle.tell()
        return self.committed

    def close(self) -> None:
        self.handle.close()


class JsonlWriter:
    """One canonical result dict per line."""

    suffix = ".jsonl"

    def __init__(self, path: Path, committed_bytes: int, include_text: bool = True):
        self.file = AppendFile(path, committed_bytes)

    def write(self, result: dict[str, Any]) -> None:
        self.file.write(json.dumps(result, ensure_ascii=False).encode("utf-8") + b"\n")

    def commit(self) -> dict[str, Any]:
        return {"output_bytes": self.file.commit()}

    def close(self) -> None:
        self.file.close()


class CsvWriter:
    """One row per article; nested values (spans, frames, counts ...) as JSON strings."""

    def __init__(self, path: Path, committed_bytes: int, include_text: bool = False):
        self.file = AppendFile(path, committed_bytes)
        self.include_text = include_text
        self.columns = csv_columns(include_text)
        if committed_bytes == 0:
            self._write_row(self.columns)

    def _write_row(self, values: list[Any]) -> None:
        buffer = io.StringIO()
        # the csv module quotes only fields holding a character of the line terminator: "\r\n" makes it quote
        # every field with a CR or LF (an unquoted bare CR splits the row for readers); rows still end in "\n"
        csv.writer(buffer, lineterminator="\r\n").writerow(values)
        self.file.write((buffer.getvalue()[:-2] + "\n").encode("utf-8"))

    def write(self, result: dict[str, Any]) -> None:
        row = result_row(result, self.include_text)
        # only the techniques found: 23 zero counts per row would drown the CSV
        row["technique_counts"] = (result.get("summary") or {}).get("technique_counts") or {}
        self._write_row([json.dumps(row[c], ensure_ascii=False) if c in CSV_JSON_COLUMNS
                         else ("" if row[c] is None else row[c]) for c in self.columns])

    def commit(self) -> dict[str, Any]:
        return {"output_bytes": self.file.commit()}

    def close(self) -> None:
        self.file.close()


class ParquetPartWriter:
    """A directory of numbered Parquet part files, one per commit, each complete and renamed into place.

    A part is written with `pyarrow.parquet.ParquetWriter` (one row group per `row_group_rows` rows) under a hidden
    temporary name, closed, fsync'd and renamed, so readers (`pyarrow.dataset`, pandas, dask) never see a half part:
    they skip names starting with "." or "_".
    """

    def __init__(self, directory: Path, next_part: int, include_text: bool = False, row_group_rows: int = 128):
        require_batch_dependencies("pyarrow")
        import pyarrow as pa
        import pyarrow.parquet as pq

        self._pa, self._pq = pa, pq
        self.directory = directory
        if directory.exists() and not directory.is_dir():
            raise InputError(f"Parquet output {directory} is a file; batch writes a folder of part files there")
        directory.mkdir(parents=True, exist_ok=True)
        self.schema = parquet_schema(include_text)
        self.include_text = include_text
        self.row_group_rows = row_group_rows
        self.next_part = next_part
        self._rows: list[dict[str, Any]] = []
        self._writer = None
        self._rows_in_part = 0

    def _part_name(self) -> str:
        return f"part-{self.next_part:05d}.parquet"

    def _temporary(self) -> Path:
        return self.directory / f".{self._part_name()}.tmp"

    def write(self, result: dict[str, Any]) -> None:
        self._rows.append(result_row(result, self.include_text))
        if len(self._rows) >= self.row_group_rows:
            self._flush_rows()

    def _flush_rows(self) -> None:
        if not self._rows:
            return
        if self._writer is None:
            self._writer = self._pq.ParquetWriter(self._temporary(), self.schema, compression="zstd")
        self._writer.write_table(self._pa.Table.from_pylist(self._rows, schema=self.schema))
        self._rows_in_part += len(self._rows)
        self._rows = []

    def commit(self) -> dict[str, Any]:
        self._flush_rows()
        if self._writer is None:
            return {}
        self._writer.close()
        self._writer = None
        temporary, final = self._temporary(), self.directory / self._part_name()
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, final)
        _fsync_dir(self.directory)
        self.next_part += 1
        committed = {"part": final.name, "part_rows": self._rows_in_part}
        self._rows_in_part = 0
        return committed

    def close(self) -> None:
        if self._writer is not None:  # an uncommitted part: leave nothing half-written behind
            self._writer.close()
            self._writer = None
            self._temporary().unlink(missing_ok=True)


# ---------------------------------------------------------------- run state (manifest)


@dataclass
class ResumePoint:
    done_keys: set[str]
    output_bytes: int
    failures_bytes: int
    next_part: int
    results: int
    failures: int
    models: dict[str, str] | None = None  # the model versions the committed results were made with


def manifest_path(output: Path) -> Path:
    return output.with_name(output.name + ".manifest.jsonl")


def failures_path(output: Path) -> Path:
    return output.with_name(output.name + ".failures.jsonl")


def read_manifest(output: Path, fmt: str, include_text: bool = False) -> ResumePoint:
    """What earlier runs committed. A torn last line (killed mid-write) is cut off; it committed nothing."""
    path = manifest_path(output)
    point = ResumePoint(set(), 0, 0, 0, 0, 0)
    if not path.exists():
        return point
    good_bytes = 0
    parts: set[str] = set()
    with open(path, "rb") as handle:
        for line in handle:
            try:
                if not line.endswith(b"\n"):
                    raise ValueError("torn line")
                record = json.loads(line)
            except ValueError:
                break
            good_bytes += len(line)
            if record.get("kind") == "header":
                if record.get("format") != fmt:
                    raise InputError(f"cannot resume: {output} was written as {record.get('format')}, not {fmt}")
                if fmt != "jsonl" and bool(record.get("include_text")) != include_text:
                    raise InputError(f"cannot resume: {output} was written {'with' if not include_text else 'without'}"
                                     " the text column; resume with the same setting")
                continue
            if record.get("models"):
                point.models = record["models"]
            point.done_keys.update(record.get("keys", []))
            point.output_bytes = record.get("output_bytes", point.output_bytes)
            point.failures_bytes = record.get("failures_bytes", point.failures_bytes)
            point.results += record.get("results", 0)
            point.failures += record.get("failures", 0)
            if record.get("part"):
                parts.add(record["part"])
                point.next_part = max(point.next_part, int(record["part"].split("-")[1].split(".")[0]) + 1)
    if good_bytes < path.stat().st_size:
        os.truncate(path, good_bytes)
    if fmt == "parquet" and output.is_dir():
        for child in output.iterdir():  # parts renamed after the last manifest line, and temporary parts
            if child.name not in parts and (child.name.startswith("part-") or child.name.endswith(".tmp")):
                child.unlink()
    return point


def read_failure_keys(path: Path, committed_bytes: int) -> set[str]:
    """The keys of the items listed in the committed part of a failures file (what earlier runs recorded as
    failed). A line that does not parse is passed over: it names no key."""
    keys: set[str] = set()
    if committed_bytes <= 0 or not path.exists():
        return keys
    remaining = committed_bytes
    with open(path, "rb") as handle:
        for line in handle:
            if remaining <= 0:
                break
            line, remaining = line[:remaining], remaining - len(line)
            try:
                key = json.loads(line).get("key")
            except (ValueError, AttributeError):
                continue
            if isinstance(key, str):
                keys.add(key)
    return keys


def remove_previous_run(output: Path) -> None:
    """Delete an earlier run's output, manifest and failures (for `overwrite`); a folder is deleted only when it
    holds nothing but Parquet parts, so a mistyped --output can never wipe a folder of data."""
    import shutil

    if output.is_dir():
        foreign = [c.name for c in output.iterdir() if not re.match(r"^\.?part-\d+\.parquet(\.tmp)?$", c.name)]
        if foreign:
            raise InputError(f"{output} is a folder that holds other files ({', '.join(sorted(foreign)[:3])}); "
                             "not replacing it: choose another --output")
        shutil.rmtree(output)
    elif output.exists():
        output.unlink()
    for path in (manifest_path(output), failures_path(output)):
        path.unlink(missing_ok=True)


class Manifest:
    """Append-only, fsync'd log of commits; the single source of truth for `--resume`."""

    def __init__(self, output: Path, fmt: str, include_text: bool = False):
        self.path = manifest_path(output)
        self.handle = open(self.path, "ab")
        if self.handle.tell() == 0:
            from . import __version__

            self.append({"kind": "header", "format": fmt, "include_text": include_text, "output": str(output),
                         "spinscope_version": __version__})

    def append(self, record: dict[str, Any]) -> None:
        self.handle.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
        self.handle.flush()
        os.fsync(self.handle.fileno())

    def close(self) -> None:
        self.handle.close()


def make_writer(fmt: str, output: Path, point: ResumePoint, include_text: bool | None):
    if fmt == "jsonl":
        return JsonlWriter(output, point.output_bytes)
    if fmt == "csv":
        return CsvWriter(output, point.output_bytes, include_text=bool(include_text))
    if fmt == "parquet":
        return ParquetPartWriter(output, point.next_part, include_text=bool(include_text))
    raise InputError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}")


def format_for(output: Path, requested: str | None) -> str:
    if requested:
        if requested not in FORMATS:
            raise InputError(f"unknown output format {requested!r}; choose one of {', '.join(FORMATS)}")
        return requested
    suffix = output.suffix.lower()
    if suffix in {".jsonl", ".ndjson"}:
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    return "parquet"
