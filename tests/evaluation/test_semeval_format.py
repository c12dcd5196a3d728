"""SemEval-2023 Task 3 file formats: byte-exact round trips, writers from Articles, gold scored against itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinscope.data import LANGUAGES, load_semeval2023
from spinscope.errors import InputError
from spinscope.evaluation.metrics import frame_scores, genre_scores, span_scores, technique_scores
from spinscope.evaluation.semeval_format import (
    format_spans,
    format_subtask1,
    format_subtask2,
    format_subtask3,
    read_spans,
    read_subtask1,
    read_subtask2,
    read_subtask3,
    read_template,
    write_spans,
    write_subtask1,
    write_subtask2,
    write_subtask3,
)
from spinscope.segment import segment
from spinscope.types import Article

LL, DOUBT = "Loaded_Language", "Doubt"


def _write(path: Path, content: str) -> Path:
    path.write_bytes(content.encode("utf-8"))
    return path


def test_hand_written_files_round_trip(tmp_path):
    sub1 = "10\topinion\n11\tsatire\n"
    sub2 = "10\tPolitical,Economic\n11\t\n"
    sub3 = "10\t1\t\n10\t3\tLoaded_Language,Doubt\n11\t2\tSlogans\n"
    spans = "10\tDoubt\t149\t157\n10\tLoaded_Language\t3\t9\n"
    assert read_subtask1(_write(tmp_path / "1.txt", sub1)) == {"10": "opinion", "11": "satire"}
    assert read_subtask2(_write(tmp_path / "2.txt", sub2)) == {"10": ["Political", "Economic"], "11": []}
    assert read_subtask3(_write(tmp_path / "3.txt", sub3)) == {
        ("10", 1): [], ("10", 3): [LL, DOUBT], ("11", 2): ["Slogans"]}
    assert read_spans(_write(tmp_path / "s.txt", spans)) == {"10": [(DOUBT, 149, 157), (LL, 3, 9)]}
    assert format_subtask1(read_subtask1(tmp_path / "1.txt")) == sub1
    assert format_subtask2(read_subtask2(tmp_path / "2.txt")) == sub2
    assert format_subtask3(read_subtask3(tmp_path / "3.txt")) == sub3
    assert format_spans(read_spans(tmp_path / "s.txt")) == spans
    # without the trailing tab the empty label list still reads as empty
    assert read_subtask3(_write(tmp_path / "3b.txt", "10\t1\n"))[("10", 1)] == []
    assert read_subtask3(_write(tmp_path / "3c.txt", "10\t5\tAppeal_to_Fear-Prejudi-\u010dce\n"),
                         normalise=True)[("10", 5)] == ["Appeal_to_Fear-Prejudice"]


@pytest.mark.parametrize("content, reader", [
    ("10 opinion\n", read_subtask1),
    ("10\n", read_subtask2),
    ("10\tone\tLoaded_Language\n", read_subtask3),
    ("10\t1\t\n10\t1\t\n", read_subtask3),
])
def test_malformed_files_give_one_line_errors(tmp_path, content, reader):
    with pytest.raises(InputError) as error:
        reader(_write(tmp_path / "bad.txt", content))
    assert "\n" not in str(error.value) and "bad.txt" in str(error.value)


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError):
        read_subtask1(tmp_path / "nope.txt")


def _predicted(article_id: str, text: str) -> Article:
    article = segment(Article(text=text, id=article_id))
    return article


def test_writers_from_articles_match_layout(tmp_path):
    first = _predicted("5", "Title\n\nFirst loaded paragraph.\n\nSecond one.")
    first.genre = {"label": "opinion", "probabilities": {}}
    first.frames = [{"frame": "Political", "probability": 0.8, "paragraphs": []},
                    {"frame": "Morality", "probability": 0.6, "paragraphs": []}]
    first.paragraphs[1].techniques = [LL, DOUBT]
    first.add_span(7, 13, LL, 0.9)
    second = _predicted("6", "Just one line")
    second.genre = {"label": "reporting", "probabilities": {}}
    write_subtask1([first, second], tmp_path / "1.txt")
    write_subtask2([first, second], tmp_path / "2.txt")
    write_subtask3([first, second], tmp_path / "3.txt")
    write_spans([first, second], tmp_path / "s.txt")
    assert (tmp_path / "1.txt").read_bytes() == b"5\topinion\n6\treporting\n"
    assert (tmp_path / "2.txt").read_bytes() == b"5\tPolitical,Morality\n6\t\n"
    assert (tmp_path / "3.txt").read_bytes() == b"5\t1\t\n5\t3\tLoaded_Language,Doubt\n5\t5\t\n6\t1\t\n"
    assert (tmp_path / "s.txt").read_bytes() == b"5\tLoaded_Language\t7\t13\n"
    # an explicit template decides the rows, including lines without a paragraph prediction
    write_subtask3([first], tmp_path / "3t.txt", template=[("5", 3), ("5", 5)])
    assert (tmp_path / "3t.txt").read_bytes() == b"5\t3\tLoaded_Language,Doubt\n5\t5\t\n"
    with pytest.raises(InputError):
        write_subtask3([first, second], tmp_path / "x.txt", template={"5": [1]})
    second.genre = None
    with pytest.raises(InputError):
        write_subtask1([first, second], tmp_path / "x.txt")
    with pytest.raises(InputError):
        write_subtask2([first, _predicted("5", "dup")], tmp_path / "x.txt")


# --- the real gold files ------------------------------------------------------------------------------------------

def test_gold_files_round_trip_byte_for_byte(semeval_dir, tmp_path):
    for lang in LANGUAGES:
        folder = semeval_dir / lang
        if not folder.is_dir():
            continue
        for name, reader, writer in (("train-labels-subtask-1.txt", read_subtask1, format_subtask1),
                                     ("train-labels-subtask-2.txt", read_subtask2, format_subtask2),
                                     ("train-labels-subtask-3.txt", read_subtask3, format_subtask3)):
            original = (folder / name).read_bytes()
            assert writer(reader(folder / name)).encode("utf-8") == original, f"{lang}/{name}"
        template = read_template(folder / "train-labels-subtask-3.template")
        rows = list(read_subtask3(folder / "train-labels-subtask-3.txt"))
        # the label files have every non-blank line; non-English templates leave out some title lines
        assert template == rows if lang == "en" else set(template) <= set(rows)
    span_dir = semeval_dir / "en" / "train-labels-subtask-3-spans"
    for path in sorted(span_dir.iterdir())[:60]:
        assert format_spans(read_spans(path)).encode("utf-8") == path.read_bytes(), path.name


def test_gold_scored_against_itself_is_perfect(semeval_dir):
    folder = semeval_dir / "en"
    genres = read_subtask1(folder / "train-labels-subtask-1.txt")
    assert genre_scores(genres, genres, strict=True)["macro_f1"] == 1.0
    frames = read_subtask2(folder / "train-labels-subtask-2.txt")
    result = frame_scores(frames, frames, strict=True)
    assert result["micro_f1"] == result["macro_f1"] == 1.0
    techniques = read_subtask3(folder / "train-labels-subtask-3.txt", normalise=True)
    result = technique_scores(techniques, techniques, strict=True)
    assert result["micro_f1"] == result["macro_f1"] == 1.0 and result["tp"] > 5000
    spans = read_spans(folder / "train-labels-subtask-3-spans", normalise=True)
    assert all(s["f1"] == 1.0 for s in (lambda r: [r["identification"], r["labelled"], r["strict"]])(
        span_scores(spans, spans)))


def test_written_predictions_reproduce_gold_paragraph_labels(semeval_dir, tmp_path):
    """Gold copied into paragraph predictions, written from Articles, reads back as the (normalised) gold file:
    same rows (derived from the text alone) and same labels."""
    for lang in ("en", "it"):
        folder = semeval_dir / lang
        articles = [segment(a) for a in load_semeval2023(folder) if "paragraphs" in a.gold]
        gold = read_subtask3(folder / "train-labels-subtask-3.txt", normalise=True)
        for article in articles:
            for paragraph in article.paragraphs:
                paragraph.techniques = list(article.gold["paragraphs"].get(paragraph.line, []))
            article.gold = {}  # rows must come from the text alone
        write_subtask3(articles, tmp_path / f"{lang}.txt")
        written = read_subtask3(tmp_path / f"{lang}.txt")
        assert set(written) == set(gold), lang
        # rows that are no paragraph (lines of invisible characters) carry no labels in the gold either
        assert all(set(written[k]) == set(gold[k]) for k in gold), lang
        template = folder / "train-labels-subtask-3.template"
        write_subtask3(articles, tmp_path / f"{lang}-t.txt", template=template)
        assert set(read_subtask3(tmp_path / f"{lang}-t.txt")) == set(read_template(template)), lang
