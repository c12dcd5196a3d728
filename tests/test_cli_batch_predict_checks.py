"""Audit regressions for `spinscope batch`, `predict-semeval`, `train` and `evaluate`: bad options, unwritable
outputs and bad inputs give one line and a non-zero exit, never an internal error, a silently wrong output or
files that block re-running the same command."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cli_helpers import run_cli
from test_cli import assert_one_line_error

pytest.importorskip("pyarrow", reason="batch extra (pyarrow) not installed")

from batch_helpers import FAST, article_text  # noqa: E402
from spinscope.batch import BatchOptions, run_batch  # noqa: E402
from spinscope.batch_io import iter_inputs, is_failure  # noqa: E402
from spinscope.errors import InputError, SpinscopeError  # noqa: E402
from spinscope.settings import Settings  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[1] / "src" / "spinscope" / "examples" / "council_budget.txt"


def _feed(tmp_path: Path, n: int = 2) -> Path:
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps({"id": f"a{i}", "text": article_text(i)}) + "\n" for i in range(n)))
    return feed


def test_batch_output_that_cannot_be_written_is_one_line(tmp_path):
    feed = _feed(tmp_path)
    blocker = tmp_path / "file.txt"
    blocker.write_text("keep me")
    proc = run_cli("batch", str(feed), "-o", str(blocker / "out.jsonl"), "--workers", "0")
    line = assert_one_line_error(proc)
    assert proc.returncode == 2 and "internal error" not in line and "cannot write" in line
    assert blocker.read_text() == "keep me"


def test_batch_bad_option_values_are_refused(tmp_path):
    feed = _feed(tmp_path)
    out = tmp_path / "out.jsonl"
    with pytest.raises(InputError, match="workers"):
        run_batch([str(feed)], out, Settings(), BatchOptions(workers=-1))
    with pytest.raises(InputError, match="dask engine"):
        run_batch([str(feed)], out, Settings(), BatchOptions(workers=0, scheduler="tcp://127.0.0.1:8786"))
    with pytest.raises(InputError, match="exclude each other"):
        run_batch([str(feed)], out, Settings(), BatchOptions(workers=0, resume=True, overwrite=True))
    with pytest.raises(InputError, match="no file name"):
        run_batch([str(feed)], "", Settings(), BatchOptions(workers=0))
    assert not out.exists()
    proc = run_cli("batch", str(feed), "-o", str(out), "--workers", "-1")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr.decode() and not out.exists()


def test_batch_unparsable_scheduler_address_is_one_line_and_leaves_nothing(tmp_path):
    pytest.importorskip("distributed")
    feed = _feed(tmp_path)
    out = tmp_path / "out.jsonl"
    proc = run_cli("batch", str(feed), "-o", str(out), "--engine", "dask", "--scheduler", "notanaddress")
    line = assert_one_line_error(proc)
    assert proc.returncode == 2 and "internal error" not in line and "scheduler" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feed.jsonl"]


def test_batch_bad_db_leaves_no_output_behind_so_the_command_can_be_rerun(tmp_path):
    pytest.importorskip("sqlalchemy")
    feed = _feed(tmp_path)
    out = tmp_path / "out.jsonl"
    bad_db = tmp_path / "notdb.sqlite3"
    bad_db.write_text("not a database")
    with pytest.raises(SpinscopeError):
        run_batch([str(feed)], out, Settings(), BatchOptions(db=str(bad_db), **FAST))
    assert bad_db.read_text() == "not a database"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feed.jsonl", "notdb.sqlite3"]
    report = run_batch([str(feed)], out, Settings(), BatchOptions(**FAST))  # not refused as "already exists"
    assert report.results == 2


def test_batch_empty_folder_and_nothing_analysed_are_errors(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = run_cli("batch", str(empty), "-o", str(tmp_path / "e.jsonl"), "--workers", "0")
    line = assert_one_line_error(proc)
    assert proc.returncode == 2 and "no article found" in line
    assert not (tmp_path / "e.jsonl").exists()
    proc = run_cli("batch", str(tmp_path / "nowhere"), "-o", str(tmp_path / "n.jsonl"), "--workers", "0")
    assert proc.returncode == 2, proc.stderr.decode()
    assert "nothing could be analysed" in proc.stderr.decode()


def test_csv_stray_quote_does_not_swallow_the_following_rows(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text(f'id,text\nbad,"{article_text(1)}\nok,{article_text(2).replace(chr(10), " ")}\n')
    items = list(iter_inputs([str(table)], Settings()))
    failures = [i for i in items if is_failure(i)]
    assert failures and "malformed CSV" in failures[0].reason
    assert not any(not is_failure(i) and "ok," in i.text for i in items)  # no row merged into another's text


def _semeval_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "en" / "articles"
    folder.mkdir(parents=True)
    text = EXAMPLE.read_text(encoding="utf-8")
    (folder / "article901.txt").write_text(text, encoding="utf-8")
    (folder / "article902.txt").write_text(text, encoding="utf-8")
    return folder


def test_predict_semeval_reads_only_article_files(tmp_path):
    folder = _semeval_folder(tmp_path)
    (folder / "notes.txt").write_text("My notes\n\nThese are notes about the corpus, not an article.\n")
    out = tmp_path / "sub1.txt"
    proc = run_cli("predict-semeval", "--subtask", "1", "--articles", str(folder), "--out", str(out))
    assert proc.returncode == 0, proc.stderr.decode()
    ids = [line.split("\t")[0] for line in out.read_text().splitlines()]
    assert ids == ["901", "902"]


def test_predict_semeval_unsupported_language_is_an_error_not_an_empty_submission(tmp_path):
    folder = _semeval_folder(tmp_path)
    out = tmp_path / "sub3.txt"
    proc = run_cli("predict-semeval", "--subtask", "3", "--articles", str(folder), "--out", str(out), "--lang", "xx")
    line = assert_one_line_error(proc)
    assert proc.returncode == 2 and "not supported" in line
    assert not out.exists()


def test_predict_semeval_folder_without_articles_is_one_clean_line(tmp_path):
    proc = run_cli("predict-semeval", "--subtask", "1", "--articles", str(tmp_path), "--out", str(tmp_path / "o"))
    line = assert_one_line_error(proc)
    assert "article" in line and f"{tmp_path}: {tmp_path}" not in line


@pytest.mark.parametrize("command", [
    ("train", "genre", "--out"), ("train", "vectors", "--out"), ("evaluate", "frames", "--json"),
    ("predict-semeval", "--subtask", "1", "--out"),
])
def test_unwritable_output_is_refused_before_the_long_job(tmp_path, command):
    blocker = tmp_path / "file.txt"
    blocker.write_text("keep me")
    data = ("--articles", str(tmp_path)) if command[0] == "predict-semeval" else ("--data", str(tmp_path / "nope"))
    proc = run_cli(*command, str(blocker / "target"), *data)
    line = assert_one_line_error(proc)
    # the output is checked first: the missing data folder is never reached
    assert proc.returncode == 2 and "cannot write" in line and "nope" not in line
    assert blocker.read_text() == "keep me"


def test_batch_with_an_empty_database_name_is_refused_before_any_output(tmp_path):
    feed = _feed(tmp_path)
    proc = run_cli("batch", str(feed), "-o", str(tmp_path / "out.jsonl"), "--workers", "0", "--db", "")
    line = assert_one_line_error(proc)
    assert proc.returncode == 2 and "--db" in line and "empty" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feed.jsonl"]


def test_train_and_evaluate_options_all_have_help():
    for command in (("train", "genre"), ("train", "techniques"), ("evaluate", "frames"), ("evaluate", "techniques"),
                    ("predict-semeval",), ("batch",), ("compare",)):
        proc = run_cli(*command, "--help", env={"COLUMNS": "200"})
        assert proc.returncode == 0
        rows = [line.strip("│ ") for line in proc.stdout.decode().splitlines()
                if line.lstrip("│ *").startswith("--")]
        # "--name  <type>  help text [default: x]": what is left without the name, type and markers is the help
        bare = [row for row in rows
                if not re.sub(r"\[(default|required)[^\]]*\]", "", " ".join(row.lstrip("* ").split()[2:])).strip()]
        assert rows and not bare, (command, bare)
