"""Helpers for the web tests: a synthetic training corpus, a small real model fitted on it, a server thread.

The shipped technique model may not exist while the web app is developed, and tests must not depend on a big
model anyway; so a real `TechniqueDetector` (plus genre and frame detectors) is fitted on invented articles whose
gold spans mark obvious loaded words, flag waving and doubt. The highlights the tests see are that model's output.
"""

from __future__ import annotations

import random
import socket
import threading
import time
from pathlib import Path

from spinscope.types import Article

NEUTRAL = [
    "The council met on Tuesday to discuss the budget for the harbour district.",
    "Officials said the new ferry timetable would start in March.",
    "The report lists the number of visitors recorded at the museum last year.",
    "Residents were invited to comment on the proposal at the town hall.",
    "The company published its quarterly figures on Monday morning.",
    "A spokesperson confirmed that the bridge will close for repairs in May.",
    "The committee will publish its findings after the summer recess.",
    "Local schools reported attendance figures similar to last year.",
]
LOADED = [
    ("Critics called the plan a ", "disastrous, outrageous betrayal", " of the town."),
    ("Opponents described the decision as a ", "shameful and reckless disgrace", "."),
    ("The mayor's speech was a ", "pathetic, cowardly stunt", ", campaigners said."),
    ("Protesters denounced the ", "monstrous, scandalous scheme", " outside the offices."),
]
FLAG = [
    ("", "Every true patriot must stand with our great nation against this plan", "."),
    ("", "Our proud people will never abandon the flag our fathers defended", "."),
    ("", "Real patriots love this country and will defend our national pride", "."),
]
DOUBT = [
    ("", "Can anyone really believe the minister's promises after so many failures?", ""),
    ("", "Is the council even capable of telling the truth about its own accounts?", ""),
    ("", "Why should anyone trust officials who have misled the public before?", ""),
]
TOPICS = {
    "Economic": ["The budget shortfall could cost hundreds of jobs and raise local taxes.",
                 "Businesses warned that prices and wages would be affected by the spending cuts."],
    "Health_and_safety": ["Doctors at the hospital said patients faced longer waits for treatment.",
                          "Health inspectors found safety problems in two clinics."],
}


def _paragraph(rng: random.Random, kind: str) -> tuple[str, list[tuple[str, int, int]]]:
    """One paragraph and its gold spans (offsets relative to the paragraph)."""
    lead = rng.choice(NEUTRAL)
    if kind == "neutral":
        return lead + " " + rng.choice(NEUTRAL), []
    technique, options = {"loaded": ("Loaded_Language", LOADED), "flag": ("Flag_Waving", FLAG),
                          "doubt": ("Doubt", DOUBT)}[kind]
    before, span, after = rng.choice(options)
    prefix = lead + " " + before
    return prefix + span + after, [(technique, len(prefix), len(prefix) + len(span))]


def synthetic_corpus(n: int = 40, seed: int = 7) -> list[Article]:
    rng = random.Random(seed)
    articles = []
    for i in range(n):
        opinion = i % 2 == 0
        kinds = ["neutral"] * rng.randint(2, 3)
        if opinion:
            kinds += rng.sample(["loaded", "flag", "doubt", "loaded"], k=3)
        rng.shuffle(kinds)
        frame = "Economic" if i % 3 else "Health_and_safety"
        lines, spans = [f"Synthetic article {i}", ""], []
        offset = len(lines[0]) + 2
        topic = rng.choice(TOPICS[frame])
        for kind in kinds + ["topic"]:
            if kind == "topic":
                text, found = topic, []
            else:
                text, found = _paragraph(rng, kind)
            spans += [(t, offset + s, offset + e) for t, s, e in found]
            lines.append(text)
            offset += len(text) + 1
        text = "\n".join(lines)
        for _, s, e in spans:
            assert text[s:e] and not text[s:e].startswith(" ")
        articles.append(Article(text=text, id=f"synthetic-{i}", language="en", gold={
            "spans": spans, "genre": "opinion" if opinion else "reporting", "frames": [frame]}))
    return articles


SAMPLE_ARTICLE = (
    "Harbour plan splits the town\n"
    "\n"
    "The council met on Tuesday to discuss the budget for the harbour district. "
    "Officials said the new ferry timetable would start in March.\n"
    "Critics called the plan a disastrous, outrageous betrayal of the town.\n"
    "Every true patriot must stand with our great nation against this plan.\n"
    "The budget shortfall could cost hundreds of jobs and raise local taxes.\n"
)


def fit_models(directory: Path) -> Path:
    """Fit real technique, genre and frame detectors on the synthetic corpus and save them under `directory`."""
    from spinscope.detectors.frames import FrameDetector
    from spinscope.detectors.genre import GenreDetector
    from spinscope.detectors.techniques import TechniqueDetector

    TechniqueDetector(languages=("en",), char_ngrams=None, min_df=1, min_positives=3, inner_folds=2,
                      max_word_features=2000).fit(synthetic_corpus()).save(directory / "techniques")
    GenreDetector(word_max_features=2000).fit(synthetic_corpus()).save(directory / "genre")
    FrameDetector(word_max_features=2000, threshold_folds=0).fit(synthetic_corpus()).save(directory / "frames")
    return directory


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerThread:
    """A real uvicorn server for an app, on a free 127.0.0.1 port, in a background thread."""

    def __init__(self, app):
        import uvicorn

        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "ServerThread":
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(10)
