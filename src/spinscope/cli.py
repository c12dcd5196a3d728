"""Command line: a thin layer that parses arguments and calls the library.

Exit status: 0 all inputs analysed; 1 some inputs failed (the rest were analysed and written); 2 nothing could be
done (bad usage, bad input, missing model, a port in use); 130 interrupted (Ctrl+C; a batch keeps what finished);
70 internal error (set SPINSCOPE_DEBUG=1 for the traceback).
"""

from __future__ import annotations

import math
import os
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from .errors import Interrupted, SpinscopeError, os_reason
from .settings import Settings, normalise_language

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Spinscope shows how a news article tries to persuade: techniques, genre, frames, outlet comparison.",
)
train_app = typer.Typer(no_args_is_help=True, help="Train a component on labelled SemEval data.")
evaluate_app = typer.Typer(no_args_is_help=True, help="Cross-validate a component's configuration with official metrics.")
def _show_version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"spinscope {__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: bool = typer.Option(False, "--version", is_eager=True, callback=_show_version,
                                       help="Print the version and exit.")) -> None:
    """Spinscope shows how a news article tries to persuade: techniques, genre, frames, outlet comparison."""


app.add_typer(train_app, name="train")
app.add_typer(evaluate_app, name="evaluate")

EXIT_PARTIAL = 1
EXIT_FAILED = 2
EXIT_INTERNAL = 70
EXAMPLES = Path(__file__).parent / "examples"


class Format(str, Enum):
    text = "text"
    json = "json"
    jsonl = "jsonl"
    html = "html"


class CompareFormat(str, Enum):
    text = "text"
    json = "json"
    html = "html"


class Component(str, Enum):
    techniques = "techniques"
    genre = "genre"
    frames = "frames"


# what a terminal or str.splitlines() breaks a line at, shown escaped (as \n) so an error stays one line even when
# it quotes a file name or an input that holds one
_LINE_BREAKS = {ord(ch): repr(ch)[1:-1] for ch in "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"}


def _say_error(message: str) -> None:
    typer.echo(f"spinscope: error: {message.translate(_LINE_BREAKS)}", err=True)


def _confidence(value: Optional[float]) -> Optional[float]:
    # click's range check lets nan through (every comparison with nan is false)
    if value is not None and math.isnan(value):
        raise typer.BadParameter("must be a number from 0 to 1, not nan")
    return value


def _settings(model_dir: Optional[Path], lang: Optional[str], min_confidence: Optional[float] = None,
              span_encoder: bool = True) -> Settings:
    if model_dir is not None and not model_dir.is_dir():
        raise SpinscopeError(f"--model-dir {model_dir}: no such directory")
    try:
        lang = normalise_language(lang)  # "EN" means "en"
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--lang'") from None
    try:
        # --no-span-encoder turns it off; without the flag SPINSCOPE_SPAN_ENCODER (or the default) decides
        off = {} if span_encoder else {"span_encoder": False}
        return Settings.from_env(model_dir=model_dir, language=lang, min_confidence=min_confidence, **off)
    except (TypeError, ValueError) as exc:  # a SPINSCOPE_* variable that does not parse
        raise SpinscopeError(f"invalid SPINSCOPE_* environment setting: {exc}") from None


def _format_from_suffix(output: Optional[Path], formats: type[Enum]):
    """The format an output file's suffix names (report.json, page.html, notes.txt), else text."""
    suffix = output.suffix.lower().lstrip(".") if output is not None else ""
    name = {"htm": "html", "txt": "text"}.get(suffix, suffix)
    return formats.__members__.get(name, formats.text)


def _write(output: Optional[Path], content: str) -> None:
    content = content if content.endswith("\n") else content + "\n"
    if output is None:
        try:
            sys.stdout.write(content)
            sys.stdout.flush()
        except BrokenPipeError:  # the reader stopped early (| head): not an error of ours
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit's flush cannot fail
        except OSError as exc:
            raise SpinscopeError(f"cannot write to standard output: {os_reason(exc)}") from None
        return
    if output.is_dir():
        raise SpinscopeError(f"cannot write {output}: it is a directory; give a file name")
    if output.exists() and not output.is_file():  # a fifo or a device (/dev/stdout): written to, never replaced
        try:
            with open(output, "w", encoding="utf-8") as stream:
                stream.write(content)
        except OSError as exc:
            raise SpinscopeError(f"cannot write {output}: {os_reason(exc)}") from None
        return
    target = output.resolve() if output.is_symlink() else output  # a link is written through, never replaced
    # write next to the target then rename, so an interrupted run never leaves a half-written report
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(content, encoding="utf-8")
        tmp.replace(target)
    except OSError as exc:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        raise SpinscopeError(f"cannot write {output}: {os_reason(exc)}") from None


# options shared by the train / evaluate commands (one definition, one help text)
def _data_option():
    return typer.Option(..., "--data", help="SemEval-2023 data: the semeval2023 folder (then --lang picks the "
                        "languages) or language folders themselves.")


def _languages_option():
    return typer.Option(["en"], "--lang", help="SemEval language folders to read from the semeval2023 folder "
                        "(en it ru fr ge po; repeat the option for several).")


def _seed_option():
    return typer.Option(0, "--seed", help="Random seed (folds and training).")


def _model_out_option():
    return typer.Option(..., "--out", help="Model folder to write.")


def _configured_model_option():
    return typer.Option(None, "--model", help="Model folder whose saved parameters every fold trains with "
                        "(default: the component's defaults).")


def _folds_option():
    return typer.Option(5, "--folds", help="Article-grouped cross-validation folds.")


def _json_option():
    return typer.Option(None, "--json", help="Also write the full report as JSON here.")


def _ptc_option():
    return typer.Option(None, "--ptc", help="Also use the SemEval-2020 PTC corpus (labels mapped to the 23 "
                        "techniques).")


def _force_language_option():
    return typer.Option(None, "--lang", help="Force the language (ISO 639-1) instead of detecting it.")


def _no_span_encoder_option():
    return typer.Option(False, "--no-span-encoder", help="Tag spans with the CRF alone (about 6x faster, span F1 "
                        "0.394 instead of 0.432 in CV); same as SPINSCOPE_SPAN_ENCODER=0.")


def _model_dir_option():
    return typer.Option(None, "--model-dir", help="Folder of trained components (default: the packaged models).")


def _check_writable(target: Path, option: str, folder: bool = False) -> None:
    """Before a long job (training, cross-validation): fail now, not after it, if its output cannot be written."""
    if folder and target.exists() and not target.is_dir():
        raise SpinscopeError(f"{option} {target}: it is a file; give a folder")
    if not folder and target.is_dir():
        raise SpinscopeError(f"{option} {target}: it is a directory; give a file name")
    existing = target if folder and target.is_dir() else target.parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    problem = None if existing.is_dir() else "not a folder"
    if problem is None:  # a real probe: os.access says yes to root even where nothing can be created (/proc)
        import tempfile

        try:
            with tempfile.TemporaryFile(dir=existing):
                pass
        except OSError as exc:
            problem = os_reason(exc)
    if problem:
        raise SpinscopeError(f"{option} {target}: cannot write there ({existing}: {problem})")


def _analyse_inputs(inputs: List[str], settings: Settings) -> tuple[list[dict], int]:
    """Analyse every article the inputs expand to; failures are reported on stderr and counted."""
    from .ingest import Failure, iter_articles
    from .pipeline import Pipeline

    pipeline = Pipeline(settings)
    results, failures = [], 0
    for item in iter_articles(inputs, settings):
        if isinstance(item, Failure):
            failures += 1
            _say_error(item.reason)  # the reason names the input
            continue
        results.append(pipeline(item).to_dict())
    return results, failures


@app.command()
def analyze(
    inputs: List[str] = typer.Argument(..., help="Files (.txt/.html/.json), directories, .jsonl files, URLs, or - "
                                       "for stdin."),
    format: Optional[Format] = typer.Option(None, "--format", "-f",
                                            help="Output format (default: from the -o file's suffix, else text)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here instead of stdout."),
    lang: Optional[str] = _force_language_option(),
    model_dir: Optional[Path] = _model_dir_option(),
    min_confidence: Optional[float] = typer.Option(None, "--min-confidence", min=0.0, max=1.0, callback=_confidence,
                                                   help="Hide spans below this confidence (0-1)."),
    no_span_encoder: bool = _no_span_encoder_option(),
) -> None:
    """Analyse one or more articles."""
    from .render import render

    format = format or _format_from_suffix(output, Format)
    settings = _settings(model_dir, lang, min_confidence, span_encoder=not no_span_encoder)
    results, failures = _analyse_inputs(inputs, settings)
    if not results:
        if failures:  # each failure has been reported on its own line already
            raise typer.Exit(EXIT_FAILED)
        raise SpinscopeError("no article found in " + ", ".join(inputs))
    if format is Format.text and output is None:
        from rich.console import Console

        from .render.text import print_text

        print_text(results, Console())
    else:
        # one file, URL or stdin gives one JSON object; several inputs, a folder, a JSONL file or a JSON array an
        # array, even when only one of their articles could be analysed
        one = len(inputs) == 1 and not (Path(inputs[0]).is_dir() or inputs[0].lower().endswith((".jsonl", ".ndjson"))
                                        or results[0].get("source", "").startswith("json:"))
        _write(output, render(results[0] if one and len(results) == 1 else results, format.value))
        if output is not None:
            typer.echo(f"wrote {len(results)} {'analysis' if len(results) == 1 else 'analyses'} to {output}", err=True)
    if failures:
        raise typer.Exit(EXIT_PARTIAL)


@app.command()
def demo(
    output: Path = typer.Option(Path("out/demo.html"), "--output", "-o", help="Where to write the HTML report."),
) -> None:
    """Analyse the built-in example article and write an HTML report."""
    from .pipeline import analyze as analyse_one
    from .render import render
    from .render.text import print_text

    example = EXAMPLES / "council_budget.txt"
    result = analyse_one(example, Settings.from_env()).to_dict()
    from rich.console import Console

    print_text([result], Console())
    _write(output, render([result], "html"))
    typer.echo(f"HTML report: {output.resolve()}")


@app.command()
def compare(
    inputs: List[str] = typer.Argument(..., help="Articles of one or more stories (files, directories, .jsonl, URLs)."),
    format: Optional[CompareFormat] = typer.Option(
        None, "--format", "-f", help="Report format (default: from the -o file's suffix, else text)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here instead of stdout."),
    threshold: Optional[float] = typer.Option(None, "--threshold",
                                              help="Story similarity threshold (0-1, default 0.30)."),
    lang: Optional[str] = _force_language_option(),
    model_dir: Optional[Path] = _model_dir_option(),
) -> None:
    """Compare several outlets' coverage of the same story side by side."""
    from .compare import compare as compare_articles
    from .ingest import is_url
    from .render import compare as compare_render

    format = format or _format_from_suffix(output, CompareFormat)
    settings = _settings(model_dir, lang)
    kwargs = {"threshold": threshold} if threshold is not None else {}
    # here every input names a file, folder, URL or stdin: a missing name is an error, never article text (which
    # the library's compare() also accepts)
    sources = [item if item == "-" or not item.strip() or is_url(item.strip()) else Path(item) for item in inputs]
    result = compare_articles(sources, settings, **kwargs)
    renderers = {
        CompareFormat.text: compare_render.compare_to_text,
        CompareFormat.json: compare_render.compare_to_json,
        CompareFormat.html: compare_render.compare_to_html,
    }
    _write(output, renderers[format](result))
    if result.get("failures"):
        for failure in result["failures"]:
            _say_error(f"skipped {compare_render.failure_text(failure)}")
        raise typer.Exit(EXIT_PARTIAL)


class BatchFormat(str, Enum):
    parquet = "parquet"
    jsonl = "jsonl"
    csv = "csv"


class Engine(str, Enum):
    local = "local"
    dask = "dask"


@app.command()
def batch(
    inputs: List[str] = typer.Argument(..., help="Folders, globs, .jsonl/.csv/.parquet files, SemEval folders."),
    output: Path = typer.Option(..., "--output", "-o", help="Output file (jsonl/csv) or folder of parts (parquet)."),
    format: Optional[BatchFormat] = typer.Option(None, "--format", "-f", help="Default: from the output's suffix."),
    engine: Engine = typer.Option(Engine.local, "--engine", help="local: worker processes on this machine; dask: "
                                  "a Dask cluster (--scheduler, or a local one)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address (tcp://host:8786)."),
    workers: Optional[int] = typer.Option(None, "--workers", min=0,
                                          help="Worker processes (default: all cores; 0: in this process)."),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted run at the same output."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing output (not with --resume)."),
    db: Optional[str] = typer.Option(None, "--db", help="Also store every result in this database."),
    include_text: bool = typer.Option(False, "--include-text", help="Parquet/CSV: add the article text column."),
    lang: Optional[str] = _force_language_option(),
    model_dir: Optional[Path] = _model_dir_option(),
    no_span_encoder: bool = _no_span_encoder_option(),
) -> None:
    """Analyse a large corpus, streamed, on all local cores or a Dask cluster; resumable."""
    from .batch import BatchOptions, run_batch

    options = BatchOptions(format=format.value if format else None, engine=engine.value, scheduler=scheduler,
                           workers=workers, resume=resume, overwrite=overwrite, db=db, include_text=include_text,
                           progress=sys.stderr.isatty())
    report = run_batch(inputs, output, _settings(model_dir, lang, span_encoder=not no_span_encoder), options)
    typer.echo(report.summary())
    for warning in report.warnings:
        _say_error(warning)
    if report.failures and not report.results and not report.already_done:
        _say_error(f"nothing could be analysed: {report.failures} item(s) failed; the reasons are in "
                   f"{report.failures_file}")
        raise typer.Exit(EXIT_FAILED)
    if report.failures:
        raise typer.Exit(EXIT_PARTIAL)


@train_app.command("techniques")
def train_techniques(
    data: List[Path] = _data_option(),
    out: Path = _model_out_option(),
    lang: List[str] = _languages_option(),
    ptc: Optional[Path] = _ptc_option(),
    seed: int = _seed_option(),
) -> None:
    """Train the technique detector."""
    _train(Component.techniques, data, out, lang, ptc, seed)


@train_app.command("genre")
def train_genre(
    data: List[Path] = _data_option(), out: Path = _model_out_option(),
    lang: List[str] = _languages_option(), seed: int = _seed_option(),
) -> None:
    """Train the genre classifier (reporting / opinion / satire)."""
    _train(Component.genre, data, out, lang, None, seed)


@train_app.command("frames")
def train_frames(
    data: List[Path] = _data_option(), out: Path = _model_out_option(),
    lang: List[str] = _languages_option(), seed: int = _seed_option(),
) -> None:
    """Train the frame classifier."""
    _train(Component.frames, data, out, lang, None, seed)


@train_app.command("vectors")
def train_vectors(
    data: List[Path] = _data_option(), out: Path = _model_out_option(),
    lang: List[str] = _languages_option(),
    encoder: Optional[Path] = typer.Option(None, "--encoder", help="Local sentence-transformers model folder "
                                           "(default: the all-MiniLM-L6-v2 copy of the \\[distill] extra)."),
) -> None:
    """Distil static word vectors from a sentence encoder (needs the \\[distill] extra)."""
    from . import train as training

    _check_writable(out, "--out", folder=True)
    articles = training.load_corpus(data, lang)
    typer.echo(f"distilling word vectors from {len(articles)} articles ({', '.join(lang)})", err=True)
    for path in training.train_vectors(articles, out, encoder, command=" ".join(["spinscope"] + sys.argv[1:])):
        typer.echo(f"saved word vectors to {path}")


@train_app.command("span-encoder")
def train_span_encoder(
    data: List[Path] = _data_option(), out: Path = _model_out_option(),
    lang: List[str] = _languages_option(), seed: int = _seed_option(),
    epochs: Optional[float] = typer.Option(None, "--epochs", help="Passes over the training windows "
                                           "(default: SpanEncoder's)."),
) -> None:
    """Fine-tune the MiniLM span encoder on the span labels (the \\[distill] extra; ~28 min for English, 2 cores)."""
    from . import train as training

    _check_writable(out, "--out", folder=True)
    articles = training.load_corpus(data, lang)
    typer.echo(f"fine-tuning the span encoder on {len(articles)} articles ({', '.join(lang)})", err=True)
    params = {} if epochs is None else {"epochs": epochs}
    for path in training.train_span_encoder(articles, out, seed=seed, **params,
                                            log=lambda m: typer.echo(m, err=True),
                                            command=" ".join(["spinscope"] + sys.argv[1:])):
        typer.echo(f"saved the span encoder to {path}")


def _train(component: Component, data, out, lang, ptc, seed) -> None:
    from . import train as training

    _check_writable(out, "--out", folder=True)
    training.check_model_folder(out)
    # the articles that carry this component's labels (an error if none do), before anything is logged
    articles = training.labelled_articles(component.value, training.load_corpus(data, lang, ptc))
    typer.echo(f"training {component.value} on {training.describe(articles)}", err=True)
    detector = training.train_component(component.value, articles, seed=seed)
    training.save_component(detector, out, command=" ".join(["spinscope"] + sys.argv[1:]))
    typer.echo(f"saved {component.value} model to {out}")


@evaluate_app.command("techniques")
def evaluate_techniques(
    data: List[Path] = _data_option(), model: Optional[Path] = _configured_model_option(),
    lang: List[str] = _languages_option(), folds: int = _folds_option(),
    ptc: Optional[Path] = _ptc_option(), seed: int = _seed_option(),
    json_out: Optional[Path] = _json_option(),
    span_encoder_folds: bool = typer.Option(
        False, "--span-encoder-folds", help="Fine-tune a span encoder in every fold (needs the \\[distill] extra; "
        "~16 min a fold for English); without it the folds run the CRF tagger alone."),
) -> None:
    """Cross-validate the technique detector (article-grouped folds, official subtask-3 metrics, span F1)."""
    _evaluate(Component.techniques, data, model, lang, folds, ptc, seed, json_out, span_encoder_folds)


@evaluate_app.command("genre")
def evaluate_genre(
    data: List[Path] = _data_option(), model: Optional[Path] = _configured_model_option(),
    lang: List[str] = _languages_option(), folds: int = _folds_option(),
    seed: int = _seed_option(), json_out: Optional[Path] = _json_option(),
) -> None:
    """Cross-validate the genre classifier (official subtask-1 macro-F1)."""
    _evaluate(Component.genre, data, model, lang, folds, None, seed, json_out)


@evaluate_app.command("frames")
def evaluate_frames(
    data: List[Path] = _data_option(), model: Optional[Path] = _configured_model_option(),
    lang: List[str] = _languages_option(), folds: int = _folds_option(),
    seed: int = _seed_option(), json_out: Optional[Path] = _json_option(),
) -> None:
    """Cross-validate the frame classifier (official subtask-2 micro-F1)."""
    _evaluate(Component.frames, data, model, lang, folds, None, seed, json_out)


def _evaluate(component: Component, data, model, lang, folds, ptc, seed, json_out,
              span_encoder_folds: bool = False) -> None:
    import json

    from . import train as training

    if json_out is not None:
        _check_writable(json_out, "--json")
    articles = training.load_corpus(data, lang, ptc)
    report = training.evaluate_component(component.value, articles, model_dir=model, folds=folds, seed=seed,
                                         span_encoder_folds=span_encoder_folds)
    typer.echo(training.format_report(component.value, report))
    if json_out is not None:
        _write(json_out, json.dumps(report, indent=2, sort_keys=True))


@app.command("predict-semeval")
def predict_semeval(
    subtask: int = typer.Option(..., "--subtask", min=1, max=3, help="1 genre, 2 frames, 3 techniques."),
    articles: Path = typer.Option(..., "--articles", help="Folder of SemEval article*.txt files."),
    out: Path = typer.Option(..., "--out", help="Submission file to write."),
    lang: Optional[str] = _force_language_option(),
    model_dir: Optional[Path] = _model_dir_option(),
) -> None:
    """Write predictions in the official SemEval-2023 Task 3 submission format."""
    from . import train as training

    _check_writable(out, "--out")
    count = training.predict_semeval(subtask, articles, out, _settings(model_dir, lang))
    typer.echo(f"wrote subtask {subtask} predictions for {count} articles to {out}")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host"), port: int = typer.Option(8000, "--port", min=1, max=65535),
    db: Optional[str] = typer.Option(None, "--db", help="SQLite path or database URL (default spinscope.db)."),
    model_dir: Optional[Path] = _model_dir_option(),
) -> None:
    """Run the web app and HTTP API."""
    try:
        from .web.app import serve as run_server
    except ImportError as exc:
        raise SpinscopeError(f"the web app needs the 'web' extra ({exc.name} missing): in the Spinscope folder, "
                             "pip install -e '.[web]' -c constraints.txt")
    run_server(_settings(model_dir, None), host=host, port=port, db=db)


def _usage_error_line(exc: Exception) -> str | None:
    """One line for click's usage and parameter errors (typer may ship its own copy of click, so these are
    recognised by shape), with where to find help."""
    if not (callable(getattr(exc, "format_message", None)) and isinstance(getattr(exc, "exit_code", None), int)):
        return None
    context = getattr(exc, "ctx", None)
    hint = f" (see '{context.command_path} --help')" if context is not None else ""
    return " ".join(exc.format_message().split()) + hint


def main() -> None:
    # click's standalone mode prints usage errors as a box over several lines; here every error is one line, with
    # click's exit codes (2 for usage) or ours
    try:
        code = app(standalone_mode=False, prog_name="spinscope")
    except Interrupted as exc:
        _say_error(str(exc))
        sys.exit(130)
    except SpinscopeError as exc:
        _say_error(str(exc))
        sys.exit(EXIT_FAILED)
    except KeyboardInterrupt:
        _say_error("interrupted")
        sys.exit(130)
    except typer.Abort as exc:  # click's wrapper around Ctrl+C or an end of input it did not expect
        if isinstance(exc.__cause__, KeyboardInterrupt):
            _say_error("interrupted")
            sys.exit(130)
        _say_error(f"internal error: {type(exc.__cause__ or exc).__name__} (set SPINSCOPE_DEBUG=1 for details)")
        sys.exit(EXIT_INTERNAL)
    except Exception as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # `spinscope` alone: the help, as click shows it
            exc.show()
            sys.exit(exc.exit_code)
        line = _usage_error_line(exc)
        if line is not None:
            _say_error(line)
            sys.exit(exc.exit_code)
        if os.environ.get("SPINSCOPE_DEBUG"):  # a bug: still one line, no traceback unless asked for
            raise
        _say_error(f"internal error: {type(exc).__name__}: {exc} (set SPINSCOPE_DEBUG=1 for details)")
        sys.exit(EXIT_INTERNAL)
    if code == 130:  # newer typer turns Ctrl+C into a silent exit 130 itself
        _say_error("interrupted")
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
