"""Readers and writers for the SemEval-2023 Task 3 submission/label formats (and SemEval-2020 Task 11 span files).

Layouts (one example per line, TAB-separated, UTF-8, "\\n" line ends, the last line ends with "\\n" too):
  subtask 1  `<article id>\\t<genre>`
  subtask 2  `<article id>\\t<frame>,<frame>,...`          empty list: `<article id>\\t`
  subtask 3  `<article id>\\t<line>\\t<technique>,...`     empty list: `<article id>\\t<line>\\t` (the trailing tab
             stays, exactly as in `train-labels-subtask-3.txt`); one row per non-blank line of every article
  template   `<article id>\\t<line>\\t<paragraph text>`   (`train-labels-subtask-3.template`)
  spans      `<article id>\\t<technique>\\t<start>\\t<end>` (SemEval-2023 `*-spans/`, 2020 TC); 3 columns
             `<article id>\\t<start>\\t<end>` is the 2020 SI form (technique "")
Readers keep the row order and the labels as written (duplicates included) so that writing back what was read
reproduces the file byte for byte; `normalise=True` maps technique names to the official list
(`taxonomy.normalise_technique`, which repairs the corpus typos). Readers return the structures that
`spinscope.evaluation.metrics` scores.

Which rows subtask 3 has: every line of the article text whose `str.strip()` is non-empty (1-based), see
`label_rows`. That reproduces the rows of `train-labels-subtask-3.txt` exactly in all six languages. The
`.template` files agree in English only: in it/ru/fr/ge/po they leave out some title lines that the label files
(and hence the scorer, which requires the gold ids) do have. Rows can differ from `segment.paragraphs()` too: a
line holding only invisible characters (e.g. U+FEFF, 9 English articles) is a row but not a paragraph; such a row
is written with no techniques.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from ..data import read_text_file
from ..errors import InputError
from ..segment import line_bounds
from ..taxonomy import normalise_technique
from ..types import Article
from .metrics import SpanTuple, article_keys

PathLike = str | os.PathLike


# ---------------------------------------------------------------------------------------------------------------
# reading


def _rows(path: PathLike) -> Iterable[tuple[int, list[str]]]:
    """(1-based line number, TAB-separated fields) of every non-blank line; a trailing CR is dropped."""
    try:
        text = read_text_file(Path(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from exc
    for number, line in enumerate(text.split("\n"), 1):
        line = line.rstrip("\r")
        if line.strip():
            yield number, line.split("\t")


def _label_list(field: str, normalise: bool = False) -> list[str]:
    labels = [label.strip() for label in field.split(",") if label.strip()]
    if normalise:
        labels = [normalise_technique(label) or label for label in labels]
    return labels


def _put(result: dict, key, value, path: PathLike, number: int) -> None:
    if key in result:
        raise InputError(f"{path}:{number}: {key} occurs twice")
    result[key] = value


def read_subtask1(path: PathLike) -> dict[str, str]:
    """article id -> genre."""
    result: dict[str, str] = {}
    for number, fields in _rows(path):
        if len(fields) != 2 or not fields[1].strip():
            raise InputError(f"{path}:{number}: expected '<id><TAB><genre>'")
        _put(result, fields[0].strip(), fields[1].strip(), path, number)
    return result


def read_subtask2(path: PathLike) -> dict[str, list[str]]:
    """article id -> list of frames (possibly empty)."""
    result: dict[str, list[str]] = {}
    for number, fields in _rows(path):
        if len(fields) != 2:
            raise InputError(f"{path}:{number}: expected '<id><TAB><frame>,<frame>,...'")
        _put(result, fields[0].strip(), _label_list(fields[1]), path, number)
    return result


def read_subtask3(path: PathLike, normalise: bool = False) -> dict[tuple[str, int], list[str]]:
    """(article id, paragraph line) -> list of techniques (possibly empty)."""
    result: dict[tuple[str, int], list[str]] = {}
    for number, fields in _rows(path):
        if len(fields) not in (2, 3) or not fields[1].strip().isdigit():
            raise InputError(f"{path}:{number}: expected '<id><TAB><line><TAB><technique>,...'")
        labels = _label_list(fields[2], normalise) if len(fields) == 3 else []
        _put(result, (fields[0].strip(), int(fields[1])), labels, path, number)
    return result


def read_template(path: PathLike) -> list[tuple[str, int]]:
    """The (article id, line) rows of a subtask-3 template (or label) file, in file order."""
    keys = []
    for number, fields in _rows(path):
        if len(fields) < 2 or not fields[1].strip().isdigit():
            raise InputError(f"{path}:{number}: expected '<id><TAB><line><TAB>...'")
        keys.append((fields[0].strip(), int(fields[1])))
    return keys


def read_spans(path: PathLike, normalise: bool = False) -> dict[str, list[SpanTuple]]:
    """article id -> [(technique, start, end)] from one span file or every *.txt / *.labels file of a folder."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in (".txt", ".labels"))
    else:
        files = [path]
    result: dict[str, list[SpanTuple]] = {}
    for file in files:
        for number, fields in _rows(file):
            if len(fields) == 4:
                article_id, technique, start, end = fields
            elif len(fields) == 3:
                (article_id, start, end), technique = fields, ""
            else:
                raise InputError(f"{file}:{number}: expected '<id><TAB><technique><TAB><start><TAB><end>'")
            try:
                begin, finish = int(start), int(end)
            except ValueError as exc:
                raise InputError(f"{file}:{number}: offsets must be integers") from exc
            technique = technique.strip()
            if normalise and technique:
                technique = normalise_technique(technique) or technique
            result.setdefault(article_id.strip(), []).append((technique, begin, finish))
    return result


# ---------------------------------------------------------------------------------------------------------------
# writing label structures


def format_subtask1(labels: Mapping[str, str]) -> str:
    return "".join(f"{article_id}\t{genre}\n" for article_id, genre in labels.items())


def format_subtask2(labels: Mapping[str, Sequence[str]]) -> str:
    return "".join(f"{article_id}\t{','.join(frames)}\n" for article_id, frames in labels.items())


def format_subtask3(labels: Mapping[tuple[str, int], Sequence[str]]) -> str:
    return "".join(f"{article_id}\t{line}\t{','.join(techniques)}\n"
                   for (article_id, line), techniques in labels.items())


def format_spans(spans: Mapping[str, Sequence[SpanTuple]]) -> str:
    return "".join(f"{article_id}\t{technique}\t{start}\t{end}\n"
                   for article_id, rows in spans.items() for technique, start, end in rows)


def _write(path: PathLike, content: str) -> Path:
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as handle:  # newline="": always "\n"
            handle.write(content)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc}") from exc
    return path


def write_subtask1_labels(labels: Mapping[str, str], path: PathLike) -> Path:
    return _write(path, format_subtask1(labels))


def write_subtask2_labels(labels: Mapping[str, Sequence[str]], path: PathLike) -> Path:
    return _write(path, format_subtask2(labels))


def write_subtask3_labels(labels: Mapping[tuple[str, int], Sequence[str]], path: PathLike) -> Path:
    return _write(path, format_subtask3(labels))


def write_span_labels(spans: Mapping[str, Sequence[SpanTuple]], path: PathLike) -> Path:
    return _write(path, format_spans(spans))


# ---------------------------------------------------------------------------------------------------------------
# writing predictions of Articles


def subtask1_labels(articles: Sequence[Article]) -> dict[str, str]:
    """Predicted genre per article; every article needs one (the scorer rejects missing rows)."""
    result = {}
    for key, article in zip(article_keys(articles, unique=True), articles):
        label = (article.genre or {}).get("label")
        if not label:
            raise InputError(f"article {key!r} has no genre prediction")
        result[key] = label
    return result


def subtask2_labels(articles: Sequence[Article]) -> dict[str, list[str]]:
    return {key: list(dict.fromkeys(f["frame"] for f in article.frames))
            for key, article in zip(article_keys(articles, unique=True), articles)}


def _template_lines(template) -> dict[str, list[int]]:
    if template is None:
        return {}
    if isinstance(template, (str, os.PathLike)):
        template = read_template(template)
    if isinstance(template, Mapping):
        return {str(k): [int(x) for x in v] for k, v in template.items()}
    lines: dict[str, list[int]] = {}
    for article_id, line in template:
        lines.setdefault(str(article_id), []).append(int(line))
    return lines


def label_rows(text: str) -> list[int]:
    """The subtask-3 rows of an article: 1-based numbers of the lines with non-whitespace content."""
    return [number for number, (start, end) in enumerate(line_bounds(text), 1) if text[start:end].strip()]


def subtask3_labels(articles: Sequence[Article], template=None) -> dict[tuple[str, int], list[str]]:
    """Predicted techniques (from `article.paragraphs`, by line number) for every row of every article.

    Rows come from `template` (a template/label file path, {id: [line, ...]} or [(id, line), ...]) when given,
    otherwise from `label_rows(article.text)`. A row without a predicted paragraph is written with no techniques.
    """
    lines_by_id = _template_lines(template)
    result: dict[tuple[str, int], list[str]] = {}
    for key, article in zip(article_keys(articles, unique=True), articles):
        predicted = {p.line: list(dict.fromkeys(p.techniques)) for p in article.paragraphs}
        if template is not None:
            if key not in lines_by_id:
                raise InputError(f"article {key!r} is not in the subtask-3 template")
            lines = lines_by_id[key]
        else:
            lines = label_rows(article.text)
        for line in lines:
            result[(key, line)] = predicted.get(line, [])
    return result


def span_labels(articles: Sequence[Article]) -> dict[str, list[SpanTuple]]:
    return {key: [(s.technique, s.start, s.end) for s in sorted(article.spans, key=lambda s: (s.start, s.end))]
            for key, article in zip(article_keys(articles, unique=True), articles)}


def write_subtask1(articles: Sequence[Article], path: PathLike) -> Path:
    """`id<TAB>genre` for every article, from `article.genre["label"]`."""
    return write_subtask1_labels(subtask1_labels(articles), path)


def write_subtask2(articles: Sequence[Article], path: PathLike) -> Path:
    """`id<TAB>frame,frame` for every article, from `article.frames`."""
    return write_subtask2_labels(subtask2_labels(articles), path)


def write_subtask3(articles: Sequence[Article], path: PathLike, template=None) -> Path:
    """`id<TAB>line<TAB>technique,...` for every row of every article (see `subtask3_labels`)."""
    return write_subtask3_labels(subtask3_labels(articles, template), path)


def write_spans(articles: Sequence[Article], path: PathLike) -> Path:
    """`id<TAB>technique<TAB>start<TAB>end` for every predicted span, sorted by offset within each article."""
    return write_span_labels(span_labels(articles), path)
