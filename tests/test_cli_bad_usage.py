"""Command-line mistakes a user makes (bad output path, bad settings, empty arguments) get one line and exit 2,
never an internal error or a traceback; help texts show what they say."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import typer

from cli_helpers import run_cli
from spinscope.cli import _confidence
from test_cli import assert_one_line_error

EXAMPLE = Path(__file__).resolve().parents[1] / "src" / "spinscope" / "examples" / "council_budget.txt"


def test_output_that_is_a_directory_is_a_clear_error_and_leaves_no_temp_file(tmp_path):
    target = tmp_path / "reports"
    target.mkdir()
    proc = run_cli("analyze", str(EXAMPLE), "--format", "json", "-o", str(target))
    line = assert_one_line_error(proc)
    assert proc.returncode == 2 and "internal error" not in line and "directory" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports"]  # no .reports.tmp left behind


def test_output_under_a_file_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("keep me")
    proc = run_cli("analyze", str(EXAMPLE), "--format", "json", "-o", str(blocker / "out.json"))
    line = assert_one_line_error(proc)
    assert proc.returncode == 2 and "internal error" not in line and "cannot write" in line
    assert blocker.read_text() == "keep me"


def test_empty_input_argument_does_not_analyse_the_current_folder(tmp_path):
    (tmp_path / "article.txt").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    proc = run_cli("analyze", "", "--format", "json", cwd=tmp_path)
    line = assert_one_line_error(proc)
    assert proc.returncode == 2 and "empty input name" in line
    assert proc.stdout == b""


def test_a_file_name_with_line_breaks_stays_one_error_line(tmp_path):
    name = tmp_path / "no\nsuch\r\nfile.txt"
    line = assert_one_line_error(run_cli("analyze", str(name)))
    assert line == f"spinscope: error: {tmp_path}/no\\nsuch\\r\\nfile.txt: no such file or directory"


def test_invalid_environment_setting_is_a_clear_error():
    proc = run_cli("analyze", str(EXAMPLE), "--format", "json", env={"SPINSCOPE_MAX_INPUT_BYTES": "abc"})
    line = assert_one_line_error(proc)
    assert proc.returncode == 2 and "internal error" not in line and "SPINSCOPE_" in line


def test_missing_model_dir_is_an_error_not_an_empty_analysis(tmp_path):
    proc = run_cli("analyze", str(EXAMPLE), "--format", "json", "--model-dir", str(tmp_path / "nope"))
    line = assert_one_line_error(proc)
    assert proc.returncode == 2 and "--model-dir" in line
    assert proc.stdout == b""


def test_serve_port_out_of_range_is_a_usage_error():
    proc = run_cli("serve", "--port", "99999", env={"COLUMNS": "200"})
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert "Traceback" not in err and "internal error" not in err and "65535" in err


def test_min_confidence_outside_0_1_is_a_usage_error():
    proc = run_cli("analyze", str(EXAMPLE), "--min-confidence", "2")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr.decode()


@pytest.mark.parametrize("args, words", [
    (("analyze", "--bogus", "x"), ["No such option: --bogus", "spinscope analyze --help"]),
    (("analyze",), ["Missing argument", "spinscope analyze --help"]),
    (("nosuchcommand",), ["No such command", "spinscope --help"]),
    (("analyze", "--format", "nope", "x"), ["--format", "nope"]),
    (("batch", "x"), ["Missing option", "--output"]),
    (("serve", "--port", "99999"), ["--port", "65535"]),
])
def test_usage_errors_are_one_line_with_where_to_find_help(args, words):
    proc = run_cli(*args, env={"COLUMNS": "60"})  # narrow: nothing may wrap onto a second line
    line = assert_one_line_error(proc)
    assert proc.returncode == 2 and "internal error" not in line
    for word in words:
        assert word in line


def test_no_arguments_still_shows_the_help():
    proc = run_cli()
    # click's exit code for this changed between the versions the project allows (0 before 8.2, 2 after)
    assert proc.returncode in (0, 2) and "analyze" in proc.stdout.decode() + proc.stderr.decode()
    assert "internal error" not in proc.stderr.decode()


def test_a_truncated_model_file_is_a_model_error_not_an_interruption(tmp_path):
    from spinscope.settings import PACKAGED_MODELS

    broken = tmp_path / "models" / "techniques"
    broken.mkdir(parents=True)
    for item in (PACKAGED_MODELS / "techniques").iterdir():
        (broken / item.name).symlink_to(item)
    tagger = broken / "tagger.en.crfsuite.gz"
    data = tagger.read_bytes()
    tagger.unlink()
    tagger.write_bytes(data[: len(data) // 3])
    proc = run_cli("analyze", str(EXAMPLE), "--format", "json", "--model-dir", str(tmp_path / "models"))
    line = assert_one_line_error(proc)
    assert proc.returncode == 2 and "cannot load the 'en' technique model" in line
    assert "interrupted" not in line and proc.stdout == b""


def test_compare_names_a_missing_file_instead_of_reading_the_name_as_text(tmp_path):
    proc = run_cli("compare", "typo", "-f", "json", cwd=tmp_path)
    line = assert_one_line_error(proc)
    assert proc.returncode == 2 and "typo: no such file" in line
    assert proc.stdout == b""
    # several failures: each reason on the one line, up to three
    line = assert_one_line_error(run_cli("compare", "a1", "b2", "c3", "d4", "e5", cwd=tmp_path))
    assert all(f"{name}: no such file" in line for name in ("a1", "b2", "c3")) and "d4" not in line
    assert "and 2 more" in line
    # an argument that is not a well-formed address is a missing file too, never the text of an article
    line = assert_one_line_error(run_cli("compare", "https://exa mple.com/x", str(EXAMPLE), cwd=tmp_path))
    assert "no such file" in line or "no two" in line.lower() or "nothing to compare" in line


def test_help_texts_keep_the_extra_names_in_brackets():
    for command in (("train", "--help"), ("train", "vectors", "--help"), ("train", "span-encoder", "--help"),
                    ("evaluate", "techniques", "--help")):
        proc = run_cli(*command, env={"COLUMNS": "200"})
        assert proc.returncode == 0
        out = proc.stdout.decode()
        assert "the [distill] extra" in out and "the  extra" not in out, command


def test_lang_option_is_case_insensitive():
    import json

    proc = run_cli("analyze", str(EXAMPLE), "--format", "json", "--lang", "EN")
    assert proc.returncode == 0, proc.stderr.decode()
    result = json.loads(proc.stdout)
    assert result["language"] == "en" and not result["warnings"] and result["spans"]


def test_serve_on_a_port_in_use_is_a_clear_error_before_the_database_is_created(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        db = tmp_path / "library.sqlite3"
        proc = run_cli("serve", "--host", "127.0.0.1", "--port", str(port), "--db", str(db))
    line = assert_one_line_error(proc)
    assert proc.returncode == 2 and "already in use" in line and str(port) in line
    assert not db.exists() and proc.stdout == b""  # nothing was created or migrated, no startup banner


def test_serve_on_an_unknown_host_is_a_clear_error(tmp_path):
    proc = run_cli("serve", "--host", "no-such-host.invalid", "--port", "8000", "--db", str(tmp_path / "l.db"))
    line = assert_one_line_error(proc)
    assert proc.returncode == 2 and "no-such-host.invalid" in line and not (tmp_path / "l.db").exists()


def test_min_confidence_nan_is_a_usage_error():
    proc = run_cli("analyze", str(EXAMPLE), "--format", "json", "--min-confidence", "nan", env={"COLUMNS": "200"})
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "Traceback" not in err and "--min-confidence" in err, err
    assert proc.stdout == b""
    # click's own range check lets nan through (recent typer versions catch it first); the option's callback
    # refuses it whichever typer is installed
    with pytest.raises(typer.BadParameter, match="nan"):
        _confidence(math.nan)
    assert _confidence(0.5) == 0.5 and _confidence(None) is None
