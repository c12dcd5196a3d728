"""End-to-end tests of the command line, run as a real subprocess like a user would."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import run_cli

EXAMPLE = Path(__file__).resolve().parents[1] / "src" / "spinscope" / "examples" / "council_budget.txt"


def check_offsets(result: dict) -> None:
    text = result["text"]
    for span in result["spans"]:
        assert 0 <= span["start"] < span["end"] <= len(text)
        assert text[span["start"]:span["end"]] == span["text"]
        assert 0.0 <= span["confidence"] <= 1.0
        assert span["explanation"], "every highlight carries an explanation"
    lines = text.split("\n")
    for paragraph in result["paragraphs"]:
        assert text[paragraph["start"]:paragraph["end"]] == lines[paragraph["line"] - 1].strip()


def assert_one_line_error(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode != 0
    err = proc.stderr.decode()
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("spinscope: error:")
    return lines[0]


def test_analyze_example_json_has_canonical_fields():
    proc = run_cli("analyze", str(EXAMPLE), "--format", "json")
    assert proc.returncode == 0, proc.stderr.decode()
    result = json.loads(proc.stdout)
    for key in ("id", "title", "text", "outlet", "language", "spans", "paragraphs", "summary"):
        assert key in result
    assert result["text"] == EXAMPLE.read_text(encoding="utf-8")
    assert result["language"] == "en"
    assert result["title"].startswith("Council's Budget Betrayal")
    assert set(result["summary"]) >= {"technique_counts", "propaganda_score"}
    check_offsets(result)


def test_no_span_encoder_flag_tags_with_the_crf_alone(tmp_path):
    with_encoder = json.loads(run_cli("analyze", str(EXAMPLE), "--format", "json").stdout)
    proc = run_cli("analyze", str(EXAMPLE), "--format", "json", "--no-span-encoder")
    assert proc.returncode == 0, proc.stderr.decode()
    crf_only = json.loads(proc.stdout)
    assert "span-encoder" in with_encoder["models"]["techniques"]
    assert "span-encoder" not in crf_only["models"]["techniques"]
    check_offsets(crf_only)
    output = tmp_path / "out.jsonl"
    proc = run_cli("batch", str(EXAMPLE), "-o", str(output), "--workers", "0", "--no-span-encoder")
    assert proc.returncode == 0, proc.stderr.decode()
    assert json.loads(output.read_text().splitlines()[0])["models"] == crf_only["models"]


def test_analyze_stdin_text_and_jsonl_format():
    proc = run_cli("analyze", "-", "--format", "jsonl", stdin=EXAMPLE.read_text(encoding="utf-8"))
    assert proc.returncode == 0, proc.stderr.decode()
    rows = [json.loads(line) for line in proc.stdout.decode().splitlines() if line.strip()]
    assert len(rows) == 1
    check_offsets(rows[0])


def test_analyze_html_report_written(tmp_path):
    out = tmp_path / "report.html"
    proc = run_cli("analyze", str(EXAMPLE), "--format", "html", "--output", str(out))
    assert proc.returncode == 0, proc.stderr.decode()
    page = out.read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html")
    assert "http://" not in page.split("<body", 1)[0] and "https://" not in page.split("<body", 1)[0]


def test_analyze_text_format_runs():
    proc = run_cli("analyze", str(EXAMPLE), "--format", "text")
    assert proc.returncode == 0, proc.stderr.decode()
    assert "Council" in proc.stdout.decode()


@pytest.mark.parametrize("name,content", [
    ("empty.txt", b""),
    ("blank.txt", b"  \n\t\n  "),
    ("binary.txt", bytes(range(256)) * 8),
    ("latin1.txt", "Caf\u00e9 cr\u00e8me na\u00efve \u00e0 la carte".encode("latin-1")),
])
def test_bad_single_input_gives_one_line_error(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    assert_one_line_error(run_cli("analyze", str(path), "--format", "json"))


def test_missing_path_and_unreachable_url():
    assert "no-such-file" in assert_one_line_error(run_cli("analyze", "/no/such/dir/no-such-file.txt"))
    # a closed port on loopback; private addresses must be allowed explicitly for this to reach the network code
    err = assert_one_line_error(run_cli("analyze", "http://127.0.0.1:9/none.html",
                                        env={"SPINSCOPE_ALLOW_PRIVATE_URLS": "1", "SPINSCOPE_FETCH_TIMEOUT": "3"}))
    assert "127.0.0.1" in err


def test_private_url_refused_by_default():
    assert_one_line_error(run_cli("analyze", "http://127.0.0.1:9/none.html"))


def test_huge_file_refused(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: a 50 MB file without writing 50 MB
    err = assert_one_line_error(run_cli("analyze", str(path)))
    assert "huge.txt" in err


def test_directory_with_one_bad_item_analyses_the_rest(tmp_path):
    (tmp_path / "good.txt").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    proc = run_cli("analyze", str(tmp_path), "--format", "jsonl")
    assert proc.returncode == 1
    rows = [json.loads(line) for line in proc.stdout.decode().splitlines() if line.strip()]
    assert len(rows) == 1 and rows[0]["id"] == "good"
    assert "empty.txt" in proc.stderr.decode() and "Traceback" not in proc.stderr.decode()


def test_jsonl_with_malformed_line(tmp_path):
    path = tmp_path / "batch.jsonl"
    good = {"id": "a1", "title": "Harbour", "text": "The port said repairs start in April.\n\nTraffic will flow.",
            "outlet": "Test Gazette"}
    path.write_text(json.dumps(good) + "\n{not json\n" + json.dumps({**good, "id": "a2"}) + "\n", encoding="utf-8")
    proc = run_cli("analyze", str(path), "--format", "jsonl")
    assert proc.returncode == 1
    rows = [json.loads(line) for line in proc.stdout.decode().splitlines() if line.strip()]
    assert [r["id"] for r in rows] == ["a1", "a2"]
    assert rows[0]["outlet"] == "Test Gazette"
    assert ":2" in proc.stderr.decode()


def test_jsonl_with_a_deeply_nested_line_analyses_the_other_lines(tmp_path):
    path = tmp_path / "deep.jsonl"
    good = json.dumps({"id": "a1", "text": "The port said repairs start in April.\n\nTraffic will flow."})
    path.write_text(good + '\n{"text": "x", "meta": ' + "[" * 5000 + "]" * 5000 + "}\n", encoding="utf-8")
    proc = run_cli("analyze", str(path), "--format", "jsonl")
    assert proc.returncode == 1
    assert [json.loads(line)["id"] for line in proc.stdout.decode().splitlines()] == ["a1"]
    assert assert_one_line_error(proc) == f"spinscope: error: {path}:2: invalid JSON: nested too deeply"


def test_closed_stdin_is_a_one_line_error():
    proc = subprocess.run(["sh", "-c", 'exec "$0" -m spinscope.cli analyze - <&-', sys.executable],
                          capture_output=True, timeout=300)
    assert proc.returncode == 2
    assert assert_one_line_error(proc).startswith("spinscope: error: stdin: standard input is closed")


def test_usage_error_is_not_a_traceback():
    proc = run_cli("analyze", str(EXAMPLE), "--format", "pdf")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr.decode()


def test_seeds_analyse_to_valid_json(seeds_dir):
    proc = run_cli("analyze", str(seeds_dir), "--format", "json")
    assert proc.returncode == 0, proc.stderr.decode()
    results = json.loads(proc.stdout)
    assert len(results) == 4
    for result in results:
        assert result["language"] == "en"
        assert result["paragraphs"]
        check_offsets(result)


def test_version_flag_prints_the_version():
    from spinscope import __version__

    proc = run_cli("--version")
    assert proc.returncode == 0 and proc.stdout.decode().strip() == f"spinscope {__version__}"
