"""Coverage-guided fuzzing of HTML ingest (`spinscope.ingest.from_html`) with atheris/libFuzzer.

    nice -n 19 python fuzz/fuzz_html_ingest.py /tmp/fuzz-html fuzz/corpus/html -max_len=4096 -runs=500000
    python fuzz/fuzz_html_ingest.py --replay crash-...          # re-run saved inputs without atheris

The first byte of each input picks how the rest reaches `from_html`: as bytes (charset sniffing, BOMs, <meta>)
or as an already decoded str, and with or without an HTTP Content-Type header naming a charset. A refusal
(`InputError`) is fine; any other exception or a broken invariant is a crash. See fuzz/README.md.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness  # noqa: E402

if "--replay" not in sys.argv:
    import atheris

    with atheris.instrument_imports():
        import trafilatura  # noqa: F401 - imported here so its Python code is instrumented for coverage
        from spinscope import ingest, segment
        from spinscope.settings import Settings
else:
    from spinscope import ingest, segment
    from spinscope.settings import Settings

# small limits so the size checks are reachable with -max_len=4096
SETTINGS = Settings(max_input_bytes=3000, max_input_chars=2000)
# charsets a server or page may declare, including ones Python knows only as bytes-to-bytes codecs
HEADER_CHARSETS = ("utf-8", "iso-8859-1", "windows-1251", "utf-16", "utf-16le", "shift_jis", "koi8-r", "gb18030",
                   "utf-7", "ascii", "base64", "hex", "rot13", "punycode", "idna", "x-unknown", "", "utf-32")


def check(data: bytes) -> None:
    if not data:
        return
    mode, rest = data[0], data[1:]
    content_type = None
    if mode & 2 and rest:
        content_type = f"text/html; charset={HEADER_CHARSETS[rest[0] % len(HEADER_CHARSETS)]}"
        rest = rest[1:]
    html: str | bytes = rest.decode("utf-8", "replace") if mode & 1 else rest
    article = ingest.from_html(html, source="fuzz.html", settings=SETTINGS, content_type=content_type)

    # invariants of a successful extraction
    text = article.text
    assert isinstance(text, str) and segment.strip_blank(text), "empty article text"
    assert len(text) <= SETTINGS.max_input_chars, "text over the character limit"
    assert article.title and text.startswith(article.title), "title is not the first line of the text"
    assert "\n" not in article.title, "title spans several lines"
    segment.segment(article)
    assert article.paragraphs and article.paragraphs[0].start == 0, "first paragraph is not the title"
    previous_end = -1
    for paragraph in article.paragraphs:
        assert previous_end < paragraph.start < paragraph.end <= len(text), "paragraphs out of order"
        assert "\n" not in text[paragraph.start:paragraph.end], "paragraph crosses a line break"
        previous_end = paragraph.end
    for sentence in article.sentences:
        paragraph = article.paragraphs[sentence.paragraph]
        assert paragraph.start <= sentence.start < sentence.end <= paragraph.end, "sentence outside its paragraph"
    json.dumps(article.to_dict())


if __name__ == "__main__":
    if "--replay" in sys.argv:
        sys.exit(_harness.replay(check, [a for a in sys.argv[1:] if a != "--replay"]))
    _harness.main(check)
