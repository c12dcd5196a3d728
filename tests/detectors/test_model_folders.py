"""Model folders are written whole or not at all, and a failed fit leaves no half-fitted detector."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cli_helpers import run_cli
from spinscope.detectors.base import load_detector, replacing_folder
from spinscope.detectors.frames import FrameDetector
from spinscope.detectors.genre import GenreDetector
from spinscope.detectors.techniques import TechniqueDetector
from spinscope.errors import ModelError
from spinscope.segment import segment
from spinscope.settings import PACKAGED_MODELS
from spinscope.types import Article


def _genre_articles() -> list[Article]:
    return [Article(text=f"Title {i}\n{'We think so. You must agree!' if i % 2 else 'Officials said on Monday.'}",
                    id=f"g{i}", language="en", gold={"genre": "opinion" if i % 2 else "reporting"})
            for i in range(8)]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


@pytest.fixture()
def genre_model() -> GenreDetector:
    return GenreDetector(word_max_features=0).fit(_genre_articles())


def test_a_save_that_fails_part_way_leaves_the_old_model_as_it_was(genre_model, tmp_path, monkeypatch):
    folder = genre_model.save(tmp_path / "genre")
    before = _files(folder)

    def broken(self, directory):
        (directory / "weights.npz").write_bytes(b"half written")
        raise OSError("No space left on device")
    monkeypatch.setattr(GenreDetector, "_save_weights", broken)
    with pytest.raises(OSError, match="No space"):
        genre_model.save(folder)
    assert _files(folder) == before
    assert _leftovers(tmp_path) == []
    assert load_detector(folder).predict_proba([segment(_genre_articles()[0])]).shape == (1, 3)


def test_an_interrupted_first_save_leaves_no_folder_and_no_staging(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        with replacing_folder(tmp_path / "new") as staging:
            (staging / "params.json").write_text("{}")
            raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_saving_over_a_model_replaces_the_whole_folder(genre_model, tmp_path):
    folder = genre_model.save(tmp_path / "genre")
    (folder / "weights.it.npz").write_bytes(b"an earlier model's language")
    genre_model.save(folder)
    assert "weights.it.npz" not in _files(folder)
    assert _leftovers(tmp_path) == []
    assert isinstance(load_detector(folder), GenreDetector)


@pytest.mark.parametrize("make", ["notes", "file"])
def test_a_folder_of_other_things_or_a_file_is_refused_and_kept(genre_model, tmp_path, make):
    target = tmp_path / "target"
    if make == "notes":
        target.mkdir()
        (target / "notes.txt").write_text("mine")
    else:
        target.write_text("mine")
    with pytest.raises(ModelError, match="holds no Spinscope model|is a file") as error:
        genre_model.save(target)
    assert "\n" not in str(error.value)
    assert (target / "notes.txt" if make == "notes" else target).read_text() == "mine"


def test_a_link_to_a_model_folder_stays_a_link(genre_model, tmp_path):
    real = genre_model.save(tmp_path / "real")
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    genre_model.save(link)
    assert link.is_symlink() and (real / "params.json").is_file()


def test_a_technique_model_read_lazily_from_its_folder_saves_back_into_it(tmp_path):
    # the language models load from the folder on first use: the save must read them before the folder goes
    folder = tmp_path / "techniques"
    shutil.copytree(PACKAGED_MODELS / "techniques", folder)
    text = "Title\nThis disgraceful, shameful plan is a total disaster for our nation."
    detector = TechniqueDetector.load(folder)
    expected = detector.annotate(segment(Article(text=text, language="en"))).to_dict()["spans"]
    detector.save(folder)
    again = TechniqueDetector.load(folder).annotate(segment(Article(text=text, language="en")))
    assert again.to_dict()["spans"] == expected and expected
    assert _leftovers(tmp_path) == []


def _two_language_frames() -> list[Article]:
    words = {"Economic": "budget taxes prices jobs", "Security_and_defense": "army border troops attack"}
    articles = []
    for i in range(24):
        frame = list(words)[i % 2]
        language = "en" if i < 12 else "de"
        articles.append(Article(text=f"Title {i}\nThe {words[frame]} story today.", id=f"f{i}", language=language,
                                gold={"frames": [frame]}))
    return articles


def test_a_frames_fit_that_fails_in_its_second_language_leaves_no_partial_model(monkeypatch):
    fresh = FrameDetector(word_max_features=50, embedding_weight=0.0)
    refitted = FrameDetector(word_max_features=50, embedding_weight=0.0).fit(_two_language_frames()[:12])
    kept = refitted.models_
    original = FrameDetector._fit_one
    calls = []

    def fails_second(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise MemoryError("out of memory")
        return original(self, *args, **kwargs)
    monkeypatch.setattr(FrameDetector, "_fit_one", fails_second)
    with pytest.raises(MemoryError):
        fresh.fit(_two_language_frames())
    assert not fresh.is_fitted
    calls.clear()
    with pytest.raises(MemoryError):
        refitted.fit(_two_language_frames())
    assert refitted.models_ is kept and refitted.languages_ == ["en"]


def test_train_refuses_an_out_folder_of_other_things_before_training(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.txt").write_text("keep me")
    proc = run_cli("train", "genre", "--data", str(tmp_path / "nowhere-needed"), "--out", str(out))
    message = proc.stderr.decode().strip()
    assert proc.returncode != 0
    assert "holds no Spinscope model" in message and len(message.splitlines()) == 1, message
    assert (out / "thesis.txt").read_text() == "keep me"
