"""Where and in which shape the CLI writes: links and special files are written through, the JSON shape follows
the inputs, the -o suffix picks the format, and --lang takes language codes only."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest
from cli_helpers import run_cli

EXAMPLE = Path(__file__).resolve().parents[1] / "src" / "spinscope" / "examples" / "council_budget.txt"


def test_output_through_a_symlink_writes_its_target_and_keeps_the_link(tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "report.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    proc = run_cli("analyze", str(EXAMPLE), "-f", "json", "-o", str(link))
    assert proc.returncode == 0, proc.stderr.decode()
    assert link.is_symlink()
    assert json.loads(target.read_text())["title"]


def test_output_to_a_fifo_is_written_into_it_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    proc = run_cli("analyze", str(EXAMPLE), "-f", "json", "-o", str(fifo))
    reader.join(timeout=60)
    assert proc.returncode == 0, proc.stderr.decode()
    assert json.loads(received[0])["title"]
    assert fifo.is_fifo()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
def test_a_full_device_is_a_one_line_write_error_and_stays_a_device():
    for extra in (("-o", "/dev/full"), ()):
        if extra:
            proc = run_cli("analyze", str(EXAMPLE), "-f", "json", *extra)
        else:  # standard output itself is the full device
            with open("/dev/full", "w") as full:
                import subprocess
                import sys

                proc = subprocess.run([sys.executable, "-m", "spinscope.cli", "analyze", str(EXAMPLE), "-f", "json"],
                                      stdout=full, stderr=subprocess.PIPE, timeout=300)
        err = proc.stderr.decode()
        assert proc.returncode == 2 and "Traceback" not in err and "no space left" in err, err
        assert len(err.strip().splitlines()) == 1
    assert Path("/dev/full").is_char_device()


def test_json_shape_follows_the_inputs_not_how_many_succeeded(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    one = run_cli("analyze", str(EXAMPLE), "-f", "json")
    assert isinstance(json.loads(one.stdout), dict)
    two = run_cli("analyze", str(EXAMPLE), str(tmp_path / "empty.txt"), "-f", "json")
    assert two.returncode == 1  # partly failed
    assert isinstance(json.loads(two.stdout), list) and len(json.loads(two.stdout)) == 1


def test_json_and_ndjson_files_are_read_as_records_not_as_article_text(tmp_path):
    record = {"id": "p1", "text": "Pier reopens\n\nThe harbour board said the pier reopens on Monday."}
    (tmp_path / "one.json").write_text(json.dumps(record))
    (tmp_path / "many.json").write_text(json.dumps([record, {**record, "id": "p2"}]))
    (tmp_path / "feed.ndjson").write_text(json.dumps(record) + "\n")
    (tmp_path / "bad.json").write_text('{"text": "Pier')
    one = run_cli("analyze", str(tmp_path / "one.json"), "-f", "json")
    assert one.returncode == 0, one.stderr.decode()
    assert json.loads(one.stdout)["text"] == record["text"]  # one object in, one object out
    many = run_cli("analyze", str(tmp_path / "many.json"), "-f", "json")
    assert [r["id"] for r in json.loads(many.stdout)] == ["p1", "p2"]
    feed = run_cli("analyze", str(tmp_path / "feed.ndjson"), "-f", "json")
    assert [r["text"] for r in json.loads(feed.stdout)] == [record["text"]]
    bad = run_cli("analyze", str(tmp_path / "bad.json"), "-f", "json")
    err = bad.stderr.decode()
    assert bad.returncode == 2 and bad.stdout == b"" and err.count("\n") == 1 and "invalid JSON" in err, err


@pytest.mark.parametrize("name, starts", [("r.json", "{"), ("r.html", "<!DOCTYPE html>"), ("r.txt", "Council")])
def test_the_output_suffix_picks_the_format_unless_one_is_given(tmp_path, name, starts):
    proc = run_cli("analyze", str(EXAMPLE), "-o", str(tmp_path / name))
    assert proc.returncode == 0, proc.stderr.decode()
    assert (tmp_path / name).read_text(encoding="utf-8").startswith(starts)
    forced = run_cli("analyze", str(EXAMPLE), "-f", "json", "-o", str(tmp_path / ("forced-" + name)))
    assert (tmp_path / ("forced-" + name)).read_text(encoding="utf-8").startswith("{"), forced.stderr.decode()


@pytest.mark.parametrize("value, says", [("english", "two-letter"), ("ge", "'de'"), ("po", "'pl'")])
def test_lang_takes_language_codes_only(value, says):
    proc = run_cli("analyze", str(EXAMPLE), "--lang", value)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "Traceback" not in err and says in err and len(err.strip().splitlines()) == 1
