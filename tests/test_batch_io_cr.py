"""Batch output of texts with bare carriage returns (old Mac line ends): CSV rows stay whole and texts exact."""

from __future__ import annotations

import csv
import json

import pytest

pytest.importorskip("pyarrow", reason="batch extra (pyarrow) not installed")

from batch_helpers import FAST, read_jsonl  # noqa: E402
from spinscope.batch import BatchOptions, run_batch  # noqa: E402
from spinscope.batch_io import CsvWriter  # noqa: E402
from spinscope.settings import Settings  # noqa: E402

CR_TEXT = "Crisis\rold mac\r\rThe evil regime lied again! Shame on these traitors.\r"
OK_TEXT = "A normal title\n\nThe evil regime lied again! Shame on these traitors.\n"


def _csv_rows(path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle, strict=True))


def test_csv_writer_quotes_every_field_with_a_line_break(tmp_path):
    texts = ["one\rtwo", "one\r\ntwo", "one\ntwo", "ends in cr\r", "\rstarts with cr"]
    writer = CsvWriter(tmp_path / "out.csv", committed_bytes=0, include_text=True)
    for number, text in enumerate(texts):
        writer.write({"id": f"t{number}", "title": text, "text": text})
    writer.commit()
    writer.close()
    header, *rows = _csv_rows(tmp_path / "out.csv")
    assert [row[header.index("id")] for row in rows] == [f"t{n}" for n in range(len(texts))]
    assert [row[header.index("text")] for row in rows] == texts
    assert [row[header.index("title")] for row in rows] == texts
    assert (tmp_path / "out.csv").read_bytes().count(b"\r\n") == 2  # only inside "one\r\ntwo": rows end in "\n"


def test_batch_csv_of_cr_only_files_round_trips(tmp_path):
    corpus = tmp_path / "crlf"
    corpus.mkdir()
    (corpus / "cr.txt").write_bytes(CR_TEXT.encode())
    (corpus / "ok.txt").write_bytes(OK_TEXT.encode())
    output = tmp_path / "out.csv"
    report = run_batch([str(corpus)], output, Settings(), BatchOptions(include_text=True, **FAST))
    assert (report.results, report.failures) == (2, 0)
    header, *rows = _csv_rows(output)
    assert all(len(row) == len(header) for row in rows)
    by_id = {row[header.index("id")]: dict(zip(header, row)) for row in rows}
    assert sorted(by_id) == ["cr", "ok"]
    assert by_id["cr"]["text"] == CR_TEXT and by_id["ok"]["text"] == OK_TEXT
    assert by_id["cr"]["title"] == "Crisis"
    for row in by_id.values():
        assert all(row["text"][s["start"]:s["end"]] == s["text"] for s in json.loads(row["spans"]))
    pandas = pytest.importorskip("pandas")
    frame = pandas.read_csv(output, keep_default_na=False)
    assert frame.shape[0] == 2 and sorted(frame["id"]) == ["cr", "ok"]
    assert dict(zip(frame["id"], frame["text"])) == {"cr": CR_TEXT, "ok": OK_TEXT}


def test_batch_jsonl_of_a_cr_only_file_has_exact_paragraphs(tmp_path):
    (tmp_path / "cr.txt").write_bytes(CR_TEXT.encode())
    output = tmp_path / "out.jsonl"
    run_batch([str(tmp_path / "cr.txt")], output, Settings(), BatchOptions(**FAST))
    (result,) = read_jsonl(output)
    assert result["text"] == CR_TEXT and result["title"] == "Crisis"
    assert [(p["line"], CR_TEXT[p["start"]:p["end"]]) for p in result["paragraphs"]] == [
        (1, "Crisis"), (2, "old mac"), (4, "The evil regime lied again! Shame on these traitors.")]
