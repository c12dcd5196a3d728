"""Readers for the labelled corpora: SemEval-2023 Task 3 (one folder per language) and SemEval-2020 Task 11 (PTC).

Each article becomes an `Article` whose `gold` holds its labels:
  gold["genre"]       reporting | opinion | satire                    (subtask 1, when labelled)
  gold["frames"]      [frame, ...]                                    (subtask 2, when labelled)
  gold["paragraphs"]  {line: [technique, ...]} for every template line (subtask 3, when labelled)
  gold["spans"]       [(technique, start, end), ...]                   (subtask 3 spans, when the folder has them)
Technique names are normalised to the official 2023 list (the corpus has a few typos, such as
"Appeal_to_Fear-Prejudi-čce" on one English paragraph). The official scorer's binarizer would drop such a gold
label, so scores on these repaired labels can differ from the official scorer's by that label (about 1 gold label in
10,000 in English).
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from pathlib import Path

from .errors import InputError
from .taxonomy import FRAME_NAMES, GENRES, normalise_technique
from .types import Article

LANGUAGES = ("en", "it", "ru", "fr", "ge", "po")
# SemEval folder names -> ISO 639-1
ISO_CODE = {"en": "en", "it": "it", "ru": "ru", "fr": "fr", "ge": "de", "po": "pl"}
# a SemEval article file; group 1 is the article id
ARTICLE_FILE = re.compile(r"^article(\d+)\.txt$")
_SPAN_FILE = re.compile(r"^article(\d+)-labels-subtask-3\.txt$")
# where each component's labels are in a language folder
LABEL_FILES = {"genre": "train-labels-subtask-1.txt", "frames": "train-labels-subtask-2.txt",
               "techniques": "train-labels-subtask-3.txt"}
SPAN_FOLDER = "train-labels-subtask-3-spans"


def default_data_root() -> Path:
    """../shared/data next to the checkout (or $SPINSCOPE_DATA)."""
    env = os.environ.get("SPINSCOPE_DATA")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent.parent / "shared" / "data"
        if candidate.is_dir():
            return candidate
    return Path.cwd().parent / "shared" / "data"


def read_text_file(path: Path) -> str:
    # newline="" keeps the text byte-for-byte so corpus offsets stay valid
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def _read(path: Path) -> str:
    try:
        return read_text_file(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from None


def _read_tsv(path: Path) -> list[tuple[int, list[str]]]:
    """(1-based line number, TAB-separated fields) of every non-blank line; none if the file is missing."""
    if not path.exists():
        return []
    rows = []
    for number, line in enumerate(_read(path).split("\n"), 1):
        line = line.rstrip("\r")
        if line.strip():
            rows.append((number, line.split("\t")))
    return rows


def _row(path: Path, number: int, row: list[str], columns: tuple[int, ...], layout: str) -> list[str]:
    if len(row) not in columns:
        raise InputError(f"{path}:{number}: expected '{layout}', found {len(row)} TAB-separated columns")
    return [field.strip() for field in row]


def _count(path: Path, number: int, field: str, what: str) -> int:
    if not field.isascii() or not field.isdigit():
        raise InputError(f"{path}:{number}: the {what} {field!r} is not a whole number")
    return int(field)


def _technique(path: Path, number: int, raw: str) -> str:
    name = normalise_technique(raw)
    if not name:
        raise InputError(f"{path}:{number}: unknown technique {raw.strip()!r}")
    return name


def _techniques(field: str, path: Path, number: int) -> list[str]:
    names = []
    for raw in field.split(","):
        if raw.strip():
            name = _technique(path, number, raw)
            if name not in names:
                names.append(name)
    return names


# genre and frame names in any case, as technique names are matched (`normalise_technique`)
_GENRE_NAMES = {name.lower(): name for name in GENRES}
_FRAME_NAMES = {name.lower(): name for name in FRAME_NAMES}


def _name(path: Path, number: int, raw: str, names: dict[str, str], what: str) -> str:
    name = names.get(raw.strip().lower())
    if not name:
        raise InputError(f"{path}:{number}: unknown {what} {raw.strip()!r} (use one of {', '.join(names.values())})")
    return name


def _spans(path: Path) -> list[tuple[str, tuple[str, int, int]]]:
    """(article id, (technique, start, end)) of every row of a SemEval span file (2023 spans, 2020 TC labels)."""
    spans = []
    for number, row in _read_tsv(path):
        article_id, technique, start, end = _row(path, number, row, (4,),
                                                 "<id><TAB><technique><TAB><start><TAB><end>")
        span = (_technique(path, number, technique), _count(path, number, start, "start offset"),
                _count(path, number, end, "end offset"))
        spans.append((article_id, span))
    return spans


def load_semeval2023(folder: str | Path, ids: set[str] | None = None) -> list[Article]:
    """Load one language folder of SemEval-2023 Task 3 (e.g. ../shared/data/semeval2023/en)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"no SemEval-2023 folder at {folder}")
    # the language comes from the folder name: another name would train a model for a language no one asks for
    folder_name = Path(os.path.abspath(folder)).name  # "." too; a symlink keeps its own name
    if folder_name not in ISO_CODE:
        raise InputError(f"{folder}: {folder_name!r} is not a SemEval-2023 language folder name; the language is "
                         f"taken from it, so name the folder one of {', '.join(LANGUAGES)}")
    lang_code = ISO_CODE[folder_name]
    texts: dict[str, str] = {}
    # subtask-3 texts first: span offsets index those files
    for sub in ("train-articles-subtask-3", "train-articles-subtask-2", "train-articles-subtask-1"):
        directory = folder / sub
        if not directory.is_dir():
            continue
        for name in sorted(os.listdir(directory)):
            match = ARTICLE_FILE.match(name)
            if match and match.group(1) not in texts and (ids is None or match.group(1) in ids):
                texts[match.group(1)] = _read(directory / name)

    genres, frames = {}, {}
    path = folder / LABEL_FILES["genre"]
    for number, row in _read_tsv(path):
        article_id, genre = _row(path, number, row, (2,), "<id><TAB><genre>")
        genres[article_id] = _name(path, number, genre, _GENRE_NAMES, "genre")
    path = folder / LABEL_FILES["frames"]
    for number, row in _read_tsv(path):
        article_id, *field = _row(path, number, row, (1, 2), "<id><TAB><frame>,<frame>,...")
        frames[article_id] = [_name(path, number, f, _FRAME_NAMES, "frame") for f in "".join(field).split(",")
                              if f.strip()]
    paragraphs: dict[str, dict[int, list[str]]] = defaultdict(dict)
    path = folder / LABEL_FILES["techniques"]
    for number, row in _read_tsv(path):
        article_id, line, *techniques = _row(path, number, row, (2, 3), "<id><TAB><line><TAB><technique>,...")
        paragraphs[article_id][_count(path, number, line, "line number")] = \
            _techniques(techniques[0], path, number) if techniques else []
    spans: dict[str, list[tuple[str, int, int]]] | None = None  # None: no span labels (not: no spans)
    span_dir = folder / SPAN_FOLDER
    if span_dir.is_dir():
        spans = defaultdict(list)
        for name in sorted(os.listdir(span_dir)):
            if _SPAN_FILE.match(name):
                for article_id, span in _spans(span_dir / name):
                    spans[article_id].append(span)

    articles = []
    for article_id, text in texts.items():
        gold: dict = {}
        if article_id in genres:
            gold["genre"] = genres[article_id]
        if article_id in frames:
            gold["frames"] = frames[article_id]
        if article_id in paragraphs:
            gold["paragraphs"] = paragraphs[article_id]
            if spans is not None:  # a few spans in it/ru/fr/ge/po end past their text
                gold["spans"] = [s for s in spans.get(article_id, []) if 0 <= s[1] < s[2] <= len(text)]
        first_line = text.split("\n", 1)[0].strip()
        articles.append(Article(text=text, id=article_id, title=first_line, language=lang_code,
                                source=str(folder / f"article{article_id}.txt"), gold=gold))
    return articles


def load_ptc2020(folder: str | Path) -> list[Article]:
    """Load the SemEval-2020 Task 11 training corpus with techniques mapped onto the 2023 names."""
    folder = Path(folder)
    article_dir = folder / "train-articles"
    label_dir = folder / "train-labels-task2-technique-classification"
    if not article_dir.is_dir():
        raise InputError(f"{article_dir}: no such folder (the PTC-2020 articles)")
    articles = []
    for name in sorted(os.listdir(article_dir)):
        match = ARTICLE_FILE.match(name)
        if not match:
            continue
        article_id = match.group(1)
        text = _read(article_dir / name)
        spans = [span for _, span in _spans(label_dir / f"article{article_id}.task2-TC.labels")
                 if 0 <= span[1] < span[2] <= len(text)]
        articles.append(Article(text=text, id=article_id, title=text.split("\n", 1)[0].strip(), language="en",
                                source=str(article_dir / name), gold={"spans": spans, "corpus": "ptc2020"}))
    return articles


def paragraph_labels_from_spans(text: str, spans: list[tuple[str, int, int]]) -> dict[int, list[str]]:
    """Derive SemEval-2023-style paragraph labels (1-based line -> techniques) from character spans."""
    labels: dict[int, list[str]] = {}
    line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    for number, start in enumerate(line_starts, 1):
        end = line_starts[number] - 1 if number < len(line_starts) else len(text)
        if not text[start:end].strip():
            continue
        found = sorted({t for t, s, e in spans if s < end and e > start})
        labels[number] = found
    return labels
