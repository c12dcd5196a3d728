"""Spinscope: shows how a news article tries to persuade."""

__version__ = "0.1.0"

from .errors import InputError, ModelError, SpinscopeError  # noqa: E402
from .types import Article, Paragraph, Sentence, Span  # noqa: E402


def analyze(source, settings=None):
    """Analyse one article given as text, a path (.txt/.html), a URL, or an `Article`; returns the `Article`.

    `result.to_dict()` is the canonical JSON-ready form.
    """
    from .pipeline import analyze as _analyze

    return _analyze(source, settings)


def compare(sources, settings=None, **options):
    """Compare several outlets' coverage of the same stories; see `spinscope.compare.compare` for the options.

    (Importing the `spinscope.compare` module replaces this attribute; that module is callable with the same
    signature, so `spinscope.compare([...])` keeps working.)
    """
    from .compare import compare as _compare

    return _compare(sources, settings, **options)


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
    "Article", "Paragraph", "Sentence", "Span", "SpinscopeError", "InputError", "ModelError", "Pipeline",
    "Settings", "analyze", "compare", "__version__",
]
