"""Readers for the labelled corpora: SemEval-2023 Task 3 (one folder per language) and SemEval-2020 Task 11 (PTC).

Each article becomes an `Article` whose `gold` holds its labels:
  gold["genre"]       reporting | opinion | satire                    (subtask 1, when labelled)
  gold["frames"]      [frame, ...]                                    (subtask 2, when labelled)
  gold["paragraphs"]  {line: [technique, ...]} for every template line (subtask 3, when labelled)
  gold["spans"]       [(technique, start, end), ...]                   (subtask 3 spans, when labelled)
Technique names are normalised to the official 2023 list (the corpus has a few typos).
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from pathlib import Path

from .taxonomy import normalise_technique
from .types import Article

LANGUAGES = ("en", "it", "ru", "fr", "ge", "po")
# SemEval folder names -> ISO 639-1
ISO_CODE = {"en": "en", "it": "it", "ru": "ru", "fr": "fr", "ge": "de", "po": "pl"}
# a SemEval article file; group 1 is the article id
ARTICLE_FILE = re.compile(r"^article(\d+)\.txt$")
_SPAN_FILE = re.compile(r"^article(\d+)-labels-subtask-3\.txt$")


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


def _read_tsv(path: Path) -> list[list[str]]:
    if not path.exists():
        return []
    rows = []
    for line in read_text_file(path).split("\n"):
        line = line.rstrip("\r")
        if line.strip():
            rows.append(line.split("\t"))
    return rows


def _techniques(field: str) -> list[str]:
    names = []
    for raw in field.split(","):
        if raw.strip():
            name = normalise_technique(raw)
            if name and name not in names:
                names.append(name)
    return names


def load_semeval2023(folder: str | Path, ids: set[str] | None = None) -> list[Article]:
    """Load one language folder of SemEval-2023 Task 3 (e.g. ../shared/data/semeval2023/en)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"no SemEval-2023 folder at {folder}")
    lang_code = ISO_CODE.get(folder.name, folder.name)
    texts: dict[str, str] = {}
    # subtask-3 texts first: span offsets index those files
    for sub in ("train-articles-subtask-3", "train-articles-subtask-2", "train-articles-subtask-1"):
        directory = folder / sub
        if not directory.is_dir():
            continue
        for name in sorted(os.listdir(directory)):
            match = ARTICLE_FILE.match(name)
            if match and match.group(1) not in texts and (ids is None or match.group(1) in ids):
                texts[match.group(1)] = read_text_file(directory / name)

    genres = {row[0]: row[1].strip() for row in _read_tsv(folder / "train-labels-subtask-1.txt") if len(row) > 1}
    frames = {row[0]: [f for f in row[1].split(",") if f.strip()] if len(row) > 1 else []
              for row in _read_tsv(folder / "train-labels-subtask-2.txt")}
    paragraphs: dict[str, dict[int, list[str]]] = defaultdict(dict)
    for row in _read_tsv(folder / "train-labels-subtask-3.txt"):
        paragraphs[row[0]][int(row[1])] = _techniques(row[2]) if len(row) > 2 else []
    spans: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    span_dir = folder / "train-labels-subtask-3-spans"
    if span_dir.is_dir():
        for name in sorted(os.listdir(span_dir)):
            match = _SPAN_FILE.match(name)
            if not match:
                continue
            for row in _read_tsv(span_dir / name):
                if len(row) >= 4:
                    technique = normalise_technique(row[1])
                    if technique:
                        spans[row[0]].append((technique, int(row[2]), int(row[3])))

    articles = []
    for article_id, text in texts.items():
        gold: dict = {}
        if article_id in genres:
            gold["genre"] = genres[article_id]
        if article_id in frames:
            gold["frames"] = frames[article_id]
        if article_id in paragraphs:
            gold["paragraphs"] = paragraphs[article_id]
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
    articles = []
    for name in sorted(os.listdir(article_dir)):
        match = ARTICLE_FILE.match(name)
        if not match:
            continue
        article_id = match.group(1)
        text = read_text_file(article_dir / name)
        spans = []
        for row in _read_tsv(label_dir / f"article{article_id}.task2-TC.labels"):
            technique = normalise_technique(row[1])
            start, end = int(row[2]), int(row[3])
            if technique and 0 <= start < end <= len(text):
                spans.append((technique, start, end))
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
