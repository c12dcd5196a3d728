"""Ids a batch gives its items, how it reads odd table rows, and what a resume checks: same-named files in
sub-folders and glob matches stay apart, integer ids with gaps stay integers, an unclosed CSV quote says what it
skipped, and a resume with other models is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow", reason="batch extra (pyarrow) not installed")
import pyarrow.parquet as pq  # noqa: E402

from spinscope.batch import BatchOptions, run_batch  # noqa: E402
from spinscope.batch_io import failures_path, iter_inputs  # noqa: E402
from spinscope.errors import InputError  # noqa: E402
from spinscope.settings import Settings  # noqa: E402

STORY = "The council met again today to discuss the harbour budget and the repairs to the old bridge. {}"


def ids_of(inputs) -> list[str]:
    return [item.id for item in iter_inputs([str(i) for i in inputs], Settings())]


def test_same_named_feeds_and_files_in_sub_folders_or_glob_matches_get_distinct_ids(tmp_path):
    for day in ("2024-01-01", "2024-01-02"):
        (tmp_path / "feeds" / day).mkdir(parents=True)
        (tmp_path / "feeds" / day / "feed.jsonl").write_text(
            "".join(json.dumps({"text": STORY.format(f"{day} {n}")}) + "\n" for n in (1, 2)))
        (tmp_path / "feeds" / day / "b.txt").write_text(f"Title {day}\n\n" + STORY.format(day) + "\n")
    (tmp_path / "feeds" / "top.jsonl").write_text(json.dumps({"id": " spaced ", "text": STORY.format(0)}) + "\n")
    by_folder = ids_of([tmp_path / "feeds"])
    assert sorted(by_folder) == ["2024-01-01/b", "2024-01-01/feed-1", "2024-01-01/feed-2", "2024-01-02/b",
                                 "2024-01-02/feed-1", "2024-01-02/feed-2", "spaced"]
    assert sorted(ids_of([f"{tmp_path}/feeds/**/*.jsonl"])) == [
        "2024-01-01/feed-1", "2024-01-01/feed-2", "2024-01-02/feed-1", "2024-01-02/feed-2", "spaced"]
    assert sorted(ids_of([f"{tmp_path}/feeds/*/b.txt"])) == ["2024-01-01/b", "2024-01-02/b"]
    assert ids_of([tmp_path / "feeds" / "2024-01-01" / "feed.jsonl"]) == ["feed-1", "feed-2"]  # a file alone


def test_ndjson_feeds_in_folders_and_json_files_in_sub_folders_get_distinct_ids(tmp_path):
    for day in ("2024-01-01", "2024-01-02"):
        (tmp_path / "feeds" / day).mkdir(parents=True)
        (tmp_path / "feeds" / day / "feed.ndjson").write_text(
            "".join(json.dumps({"text": STORY.format(f"{day} {n}")}) + "\n" for n in (1, 2)))
        (tmp_path / "feeds" / day / "list.json").write_text(json.dumps([{"text": STORY.format(f"{day} a")}]))
        (tmp_path / "feeds" / day / "one.json").write_text(json.dumps({"text": STORY.format(f"{day} b")}))
    # a folder holds .ndjson feeds (its .json files may be anything, so they are read only when named)
    assert sorted(ids_of([tmp_path / "feeds"])) == ["2024-01-01/feed-1", "2024-01-01/feed-2",
                                                    "2024-01-02/feed-1", "2024-01-02/feed-2"]
    assert sorted(ids_of([f"{tmp_path}/feeds/**/*.json"])) == ["2024-01-01/list-1", "2024-01-01/one",
                                                               "2024-01-02/list-1", "2024-01-02/one"]


def test_integer_ids_with_gaps_in_a_parquet_table_stay_integers(tmp_path):
    table = pa.table({"id": pa.array([1.0, 2.0, None, 4.0]), "text": [STORY.format(n) for n in range(4)]})
    pq.write_table(table, tmp_path / "table.parquet")
    assert ids_of([tmp_path / "table.parquet"]) == ["1", "2", "table-3", "4"]


def test_an_unclosed_csv_quote_says_the_rest_of_the_file_was_skipped(tmp_path):
    rows = ["id,title,text", f"r1,One,{STORY.format(1)}", f'r2,Two,"{STORY.format(2)}', f"r3,Three,{STORY.format(3)}"]
    (tmp_path / "table.csv").write_text("\n".join(rows) + "\n")
    output = tmp_path / "out.jsonl"
    report = run_batch([str(tmp_path / "table.csv")], output, Settings(), BatchOptions(workers=0))
    assert report.results == 1 and report.failures == 1
    failure = json.loads(failures_path(output).read_text().splitlines()[0])
    assert "never closed" in failure["reason"] and "rest of the file is skipped" in failure["reason"]


def test_resume_refuses_models_other_than_the_ones_the_output_was_made_with(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps({"id": f"a{n}", "text": STORY.format(n)}) + "\n" for n in range(3)))
    output = tmp_path / "out.jsonl"
    run_batch([str(feed)], output, Settings(), BatchOptions(workers=0))
    with feed.open("a") as handle:  # the feed grows; a resume reads only the new items
        handle.write(json.dumps({"id": "a3", "text": STORY.format(3)}) + "\n")
    before = output.read_bytes()
    with pytest.raises(InputError, match="cannot resume: .* other models \\(techniques: "):
        run_batch([str(feed)], output, Settings(span_encoder=False), BatchOptions(workers=0, resume=True))
    assert output.read_bytes().startswith(before)
    report = run_batch([str(feed)], output, Settings(), BatchOptions(workers=0, resume=True))  # same models: fine
    assert report.results == 1 and report.already_done == 3
    assert [json.loads(line)["id"] for line in output.read_text().splitlines()] == ["a0", "a1", "a2", "a3"]
