"""docs/batch.md's Python examples, run as documented: the run_batch example as a script (with its main guard:
an unguarded copy made every worker re-run it), and the way it gives to read several sharded Parquet outputs
together (`dask.dataframe.read_parquet("results-*.parquet")` silently read nothing, `pandas.read_parquet` of a list
of folders raised IsADirectoryError). And no install line that cannot work: Spinscope is not on PyPI."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pyarrow", reason="batch extra (pyarrow) not installed")

from batch_helpers import article_text  # noqa: E402
from spinscope.batch import BatchOptions, run_batch  # noqa: E402
from spinscope.settings import Settings  # noqa: E402

DOC = Path(__file__).resolve().parents[1] / "docs" / "batch.md"


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)


def _block_with(text: str) -> str:
    (block,) = [b for b in _python_blocks() if text in b]
    return block


def _calls_at_module_level(tree: ast.Module, name: str) -> list[ast.Call]:
    """Calls of `name` outside functions and outside `if __name__ == "__main__":` blocks."""
    found = []

    def visit(statements):
        for statement in statements:
            if isinstance(statement, ast.If) and "__name__" in ast.unparse(statement.test):
                visit(statement.orelse)
                continue
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            found.extend(node for node in ast.walk(statement)
                         if isinstance(node, ast.Call) and ast.unparse(node.func) == name)

    visit(tree.body)
    return found


def test_the_documented_script_guards_run_batch_and_runs(tmp_path):
    block = _block_with("run_batch(")
    tree = ast.parse(block)
    assert "run_batch" in ast.unparse(tree) and not _calls_at_module_level(tree, "run_batch"), block
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(4):
        (corpus / f"story{n}.txt").write_text(article_text(n), encoding="utf-8")
    (tmp_path / "example.py").write_text(block, encoding="utf-8")
    environment = {k: v for k, v in os.environ.items() if k != "SPINSCOPE_DEBUG"}
    proc = subprocess.run([sys.executable, "example.py"], cwd=tmp_path, capture_output=True, text=True,
                          env=environment, timeout=300)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stdout.startswith("4 items read: 4 analysed, 0 failed"), proc.stdout
    import pyarrow.parquet as pq

    assert pq.read_table(tmp_path / "results.parquet").num_rows == 4


def test_the_documented_way_to_read_sharded_outputs_reads_every_row(tmp_path, monkeypatch):
    pytest.importorskip("dask.dataframe", reason="batch extra (dask) not installed")
    pytest.importorskip("pandas", reason="batch extra (pandas) not installed")
    for shard in (1, 2):
        feed = tmp_path / f"shard{shard}.jsonl"
        feed.write_text("".join(json.dumps({"id": f"s{shard}-{n}", "text": article_text(n)}) + "\n"
                                for n in range(5)), encoding="utf-8")
        report = run_batch([str(feed)], tmp_path / f"results-{shard}.parquet", Settings(),
                           BatchOptions(workers=0, chunk_size=2, commit_every=2))
        assert report.results == 5
    assert len(list((tmp_path / "results-1.parquet").glob("part-*.parquet"))) >= 2  # really parts in folders
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(_block_with("read_parquet"), str(DOC), "exec"), namespace)  # noqa: S102 - the documented code
    table, frame = namespace["table"], namespace["frame"]
    expected = sorted(f"s{shard}-{n}" for shard in (1, 2) for n in range(5))
    assert sorted(table["id"]) == expected
    assert sorted(frame["id"].compute()) == expected


def test_install_commands_name_the_repository_not_pypi():
    """`pip install 'spinscope[batch]'` (and `==X.Y.Z`) fail: Spinscope is not on PyPI."""
    text = DOC.read_text(encoding="utf-8")
    commands = [line.strip() for block in re.findall(r"```[a-z]*\n(.*?)```", text, flags=re.DOTALL)
                for line in block.splitlines() if line.strip().startswith("pip ")]
    assert 'pip install "/path/to/spinscope[batch]" -c /path/to/spinscope/constraints.txt' in commands, commands
    assert "pip wheel --no-deps . -w dist" in [c.split("#")[0].strip() for c in commands], commands
    for command in commands:
        assert "==" not in command, command
        if command.startswith("pip install"):  # a path, a checkout (.) or a built wheel: never a bare name
            assert re.match(r'pip install (-e )?"(/path/to/spinscope|\.|dist/spinscope-[^"]+\.whl)\[batch\]"',
                            command), command
