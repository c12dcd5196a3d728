"""Coverage-guided fuzzing of JSONL batch ingest (`spinscope.ingest.iter_articles` on a .jsonl file).

    nice -n 19 python fuzz/fuzz_jsonl_ingest.py /tmp/fuzz-jsonl fuzz/corpus/jsonl -max_len=4096 -runs=500000
    python fuzz/fuzz_jsonl_ingest.py --replay crash-...         # re-run saved inputs without atheris

Each input is written to a temporary .jsonl file and read back through the public entry point, so line splitting,
oversized lines, BOMs, decoding and record validation are all exercised. `iter_articles` must never raise: bad
lines become `Failure`s with a one-line reason, and every article it yields must carry its line's "text"
unchanged (offsets index it). See fuzz/README.md.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness  # noqa: E402

if "--replay" not in sys.argv:
    import atheris

    with atheris.instrument_imports():
        from spinscope import ingest
        from spinscope.settings import Settings
else:
    from spinscope import ingest
    from spinscope.settings import Settings

# small limits so the oversized-line and character-limit paths are reachable with -max_len=4096
SETTINGS = Settings(max_input_bytes=1500, max_input_chars=1000)
_DIRECTORY = tempfile.mkdtemp(prefix="spinscope-fuzz-jsonl-")
PATH = Path(_DIRECTORY) / "batch.jsonl"


def _record_texts(data: bytes) -> list[str]:
    """The "text" of every line that is a JSON object with a string text, as the reader should return it."""
    texts = []
    for raw in data.split(b"\n"):
        try:
            record = json.loads(raw.decode("utf-8-sig").rstrip("\r"))
        except (UnicodeDecodeError, ValueError):
            continue
        if isinstance(record, dict) and isinstance(record.get("text"), str):
            texts.append(record["text"])
    return texts


def check(data: bytes) -> None:
    PATH.write_bytes(data)
    items = list(ingest.iter_articles([str(PATH)], SETTINGS))  # must not raise, whatever the file holds
    expected = _record_texts(data)
    articles = [item for item in items if not isinstance(item, ingest.Failure)]
    for item in items:
        if isinstance(item, ingest.Failure):
            assert item.reason and "\n" not in item.reason and "\r" not in item.reason, "reason is not one line"
            assert item.source.startswith(str(PATH)), "failure does not name the input"
    for article in articles:
        # every article comes from a well-formed line, unchanged
        assert article.text in expected, "article text differs from its JSON line"
        assert all(isinstance(getattr(article, f), str) for f in ("id", "title", "url", "outlet", "published")), \
            "metadata field is not a str"
        assert article.id, "article without an id"
        for name in ("text", "id", "title", "url", "outlet", "published", "language"):
            # stores, Parquet and HTTP responses all need UTF-8: a lone surrogate ("\\ud800" in JSON) breaks them
            getattr(article, name).encode("utf-8")
        json.dumps(article.to_dict())
    assert len(articles) <= len(expected), "more articles than well-formed lines"


if __name__ == "__main__":
    if "--replay" in sys.argv:
        sys.exit(_harness.replay(check, [a for a in sys.argv[1:] if a != "--replay"]))
    try:
        _harness.main(check)
    finally:
        if os.path.exists(PATH):
            os.unlink(PATH)
