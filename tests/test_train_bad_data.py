"""Bad or incomplete SemEval-format training data: one line naming the file (and line), exit 2, never a traceback."""

from __future__ import annotations

import json
import shutil

import pytest

from cli_helpers import run_cli
from spinscope.data import load_semeval2023
from spinscope.errors import InputError
from test_train import write_corpus


def _one_line_error(proc, *expected: str) -> str:
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert "Traceback" not in err and "internal error" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("spinscope: error: "), err
    for text in expected:
        assert text in lines[-1], err
    return lines[-1]


def _replace_line(path, number: int, line: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[number - 1] = line
    path.write_text("\n".join(lines), encoding="utf-8")


SPAN_FILE = "train-labels-subtask-3-spans/article900-labels-subtask-3.txt"


@pytest.mark.parametrize("file, number, line, problem", [
    ("train-labels-subtask-3.txt", 3, "900\tthree\tLoaded_Language", "'three'"),
    ("train-labels-subtask-3.txt", 2, "900", "expected"),
    ("train-labels-subtask-3.txt", 2, "900\t3\tNo_Such_Technique", "'No_Such_Technique'"),
    (SPAN_FILE, 1, "900\tLoaded_Language\t19\tx", "'x'"),
    (SPAN_FILE, 1, "900\tLoaded_Language\t19", "expected"),
    ("train-labels-subtask-1.txt", 1, "900\topinon", "'opinon'"),
    ("train-labels-subtask-1.txt", 1, "900", "expected"),
    ("train-labels-subtask-2.txt", 1, "900\tPolitical,Cultural_identiti", "'Cultural_identiti'"),
])
def test_a_malformed_label_line_is_one_error_naming_file_and_line(tmp_path, file, number, line, problem):
    corpus = write_corpus(tmp_path / "data", n_articles=6)
    _replace_line(corpus / file, number, line)
    for command in (("train", "genre", "--out", str(tmp_path / "m")), ("evaluate", "genre", "--folds", "2")):
        proc = run_cli(*command[:2], "--data", str(corpus), *command[2:])
        _one_line_error(proc, f"{corpus / file}:{number}: ", problem)


def test_a_label_file_that_is_not_utf8_is_one_error(tmp_path):
    corpus = write_corpus(tmp_path / "data", n_articles=6)
    (corpus / "train-labels-subtask-1.txt").write_bytes(b"900\topini\xf3n\n")
    proc = run_cli("train", "genre", "--data", str(corpus), "--out", str(tmp_path / "m"))
    _one_line_error(proc, str(corpus / "train-labels-subtask-1.txt"))


def test_a_malformed_ptc_label_line_is_one_error(tmp_path):
    corpus = write_corpus(tmp_path / "data", n_articles=6)
    ptc = tmp_path / "ptc"
    (ptc / "train-articles").mkdir(parents=True)
    (ptc / "train-labels-task2-technique-classification").mkdir()
    (ptc / "train-articles" / "article1.txt").write_text("A shameful disaster.\n", encoding="utf-8")
    labels = ptc / "train-labels-task2-technique-classification" / "article1.task2-TC.labels"
    labels.write_text("1\tLoaded_Language\t2\t10\n1\tLoaded_Language\ttwo\t19\n", encoding="utf-8")
    proc = run_cli("train", "techniques", "--data", str(corpus), "--ptc", str(ptc), "--out", str(tmp_path / "m"))
    _one_line_error(proc, f"{labels}:2: ", "'two'")


@pytest.mark.parametrize("command", [("train", "genre", "--out", "m"), ("evaluate", "genre", "--json", "r.json")])
def test_no_labels_for_the_component_names_what_is_missing_and_where(tmp_path, command):
    corpus = write_corpus(tmp_path / "data", n_articles=6)
    (corpus / "train-labels-subtask-1.txt").unlink()
    proc = run_cli(*command[:2], "--data", str(corpus), *command[2:-1], str(tmp_path / command[-1]))
    _one_line_error(proc, "genre labels", str(corpus / "train-labels-subtask-1.txt"))


def test_genre_labels_of_a_single_genre_are_one_error(tmp_path):
    corpus = write_corpus(tmp_path / "data", n_articles=6)
    labels = corpus / "train-labels-subtask-1.txt"
    labels.write_text(labels.read_text(encoding="utf-8").replace("reporting", "opinion"), encoding="utf-8")
    proc = run_cli("train", "genre", "--data", str(corpus), "--out", str(tmp_path / "m"))
    _one_line_error(proc, "opinion", "two genres")


def test_a_language_folder_with_another_name_is_refused(tmp_path):
    corpus = write_corpus(tmp_path / "data", n_articles=6)
    subset = corpus.with_name("en_subset")
    shutil.copytree(corpus, subset)
    proc = run_cli("train", "genre", "--data", str(subset), "--out", str(tmp_path / "m"))
    _one_line_error(proc, str(subset), "en, it, ru, fr, ge, po")
    assert not (tmp_path / "m").exists()


def test_the_model_records_only_the_articles_labelled_for_it(tmp_path):
    corpus = write_corpus(tmp_path / "data", n_articles=8)
    labels = corpus / "train-labels-subtask-1.txt"
    labels.write_text("".join(labels.read_text(encoding="utf-8").splitlines(keepends=True)[:5]), encoding="utf-8")
    proc = run_cli("train", "genre", "--data", str(corpus), "--out", str(tmp_path / "m"))
    assert proc.returncode == 0, proc.stderr.decode()
    params = json.loads((tmp_path / "m" / "params.json").read_text())
    assert params["metadata"]["trained_on"] == {"articles": 5, "languages": {"en": 5}}


def test_describe_counts_the_labelled_articles_and_their_languages(tmp_path):
    from spinscope import train

    corpus = write_corpus(tmp_path / "data", n_articles=8)
    labels = corpus / "train-labels-subtask-1.txt"
    labels.write_text("".join(labels.read_text(encoding="utf-8").splitlines(keepends=True)[:5]), encoding="utf-8")
    articles = train.labelled_articles("genre", train.load_corpus([corpus], ["en"]))
    assert train.describe(articles) == "5 articles (en)"


def test_train_logs_the_labelled_articles_and_their_language(tmp_path):
    corpus = write_corpus(tmp_path / "data", n_articles=8)
    labels = corpus / "train-labels-subtask-1.txt"
    labels.write_text("".join(labels.read_text(encoding="utf-8").splitlines(keepends=True)[:5]), encoding="utf-8")
    proc = run_cli("train", "genre", "--data", str(corpus), "--out", str(tmp_path / "m"))
    assert proc.returncode == 0 and "training genre on 5 articles (en)" in proc.stderr.decode(), proc.stderr.decode()
    labels.unlink()
    proc = run_cli("train", "genre", "--data", str(corpus), "--out", str(tmp_path / "m2"))
    assert proc.returncode == 2 and len(proc.stderr.decode().strip().splitlines()) == 1, proc.stderr.decode()


def test_genre_and_frame_names_are_matched_whatever_their_case(tmp_path):
    corpus = write_corpus(tmp_path / "data", n_articles=4)
    _replace_line(corpus / "train-labels-subtask-1.txt", 1, "900\tOpinion")
    _replace_line(corpus / "train-labels-subtask-2.txt", 1, "900\tpolitical, cultural_identity")
    gold = {a.id: a.gold for a in load_semeval2023(corpus)}
    assert gold["900"]["genre"] == "opinion"
    assert gold["900"]["frames"] == ["Political", "Cultural_identity"]


@pytest.mark.parametrize("command", [("train", "techniques", "--out", "m"), ("evaluate", "techniques", "--folds", "2",
                                                                             "--json", "r.json")])
def test_techniques_without_span_labels_is_one_error_naming_the_span_folder(tmp_path, command):
    corpus = write_corpus(tmp_path / "data", n_articles=6)
    shutil.rmtree(corpus / "train-labels-subtask-3-spans")
    proc = run_cli(*command[:2], "--data", str(corpus), *command[2:-1], str(tmp_path / command[-1]))
    _one_line_error(proc, str(corpus / "train-labels-subtask-3-spans"))
    assert not (tmp_path / command[-1]).exists()


def test_the_loader_raises_input_error_for_a_bad_folder_name(tmp_path):
    corpus = write_corpus(tmp_path / "data", n_articles=2)
    with pytest.raises(InputError, match="en, it, ru, fr, ge, po"):
        load_semeval2023(corpus.rename(corpus.with_name("english")))
