"""Spinscope: shows how a news article tries to persuade."""

__version__ = "0.1.0"

from .errors import InputError, ModelError, SettingsError, SpinscopeError  # noqa: E402
from .types import Article, Paragraph, Sentence, Span  # noqa: E402


def analyze(source, settings=None):
    """Analyse one article and return it as an `Article`; `result.to_dict()` is the canonical JSON-ready form.

    `source` is one of:

    - an `Article` (analysed as it is);
    - a `pathlib.Path`, or a str naming an existing file: .txt (UTF-8, or UTF-16/32 with a byte-order mark),
      .html/.htm, or .json (one object with a "text" field);
    - a str that is an http(s) URL (fetched under the URL policy in `Settings`), or "-" for standard input;
    - a str or bytes that is an HTML document: after an optional byte-order mark, whitespace, comments and an
      XML declaration it starts with a doctype, <html>, <head> or <body> tag (the rule `spinscope analyze -` and
      web uploads use, `spinscope.ingest.looks_like_html`). Its main text is extracted as for an .html file and
      `source` is "html". A fragment (`<p>...</p>`, `<article>...`) is not a document: it is plain text;
    - any other str or bytes: the article's plain text (bytes must be UTF-8, or UTF-16/32 with a BOM), with
      `source` "text".

    Offsets (`Span.start`/`end`, paragraph and sentence bounds) are character (code point) offsets into
    `result.text`, never byte offsets into the file. For plain text, `result.text` is the input exactly: a str
    unchanged, a file or bytes decoded with its byte-order mark (if any) dropped, so a file with a BOM has every
    offset one character lower than in the file's bytes decoded naively (with "utf-8", which keeps U+FEFF).
    Nothing else is changed: line endings stay as in the file ("\\r\\n" counts as two characters), and there is
    no Unicode normalisation. For HTML, `result.text` is the extracted title, a blank line and one paragraph per
    line: offsets index that text, not the markup.

    `settings` is a `spinscope.Settings` (None: the defaults); anything else, such as a dict, is refused with a
    `SettingsError`: write `Settings(language="de")`. Unreadable input raises an `InputError` whose message is
    one line naming the input.
    """
    from .pipeline import analyze as _analyze
    from .settings import checked_settings

    return _analyze(source, checked_settings(settings))


def compare(sources, settings=None, **options):
    """Compare several outlets' coverage of the same stories; see `spinscope.compare.compare` for the options.

    (Importing the `spinscope.compare` module replaces this attribute; that module is callable with the same
    signature, so `spinscope.compare([...])` keeps working.)
    """
    from .compare import compare as _compare
    from .settings import checked_settings

    return _compare(sources, checked_settings(settings), **options)


def __getattr__(name):
    # the pipeline (and the models behind it) load only when asked for: `import spinscope` stays light
    if name == "Pipeline":
        from .pipeline import Pipeline

        return Pipeline
    if name == "Settings":
        from .settings import Settings

        return Settings
    raise AttributeError(f"module 'spinscope' has no attribute {name!r}")


__all__ = [
    "Article", "Paragraph", "Sentence", "Span", "SpinscopeError", "InputError", "ModelError", "SettingsError",
    "Pipeline", "Settings", "analyze", "compare", "__version__",
]
