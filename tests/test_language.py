import subprocess
import sys

from spinscope import language

ENGLISH = "The port authority said on Monday that work on the bridge will begin in April and last nine months."

# threads that all detect at once in a process that has not loaded the profiles yet: langdetect's own global
# factory is published half-loaded, so they got "pl" or "Need to load profiles."
RACE = f"""
import threading
from concurrent.futures import ThreadPoolExecutor
from spinscope.language import detect_language

start = threading.Barrier(8)

def detect(_):
    start.wait()
    try:
        return detect_language({ENGLISH!r})
    except Exception as exc:
        return type(exc).__name__

with ThreadPoolExecutor(8) as pool:
    print(" ".join(pool.map(detect, range(8))))
"""


def test_concurrent_first_detections_all_see_every_profile():
    for _ in range(2):  # fresh processes: the race is on the first use
        proc = subprocess.run([sys.executable, "-c", RACE], capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.split() == ["en"] * 8


def test_a_language_detector_that_cannot_load_means_not_detected(monkeypatch, tmp_path):
    from langdetect import detector_factory

    monkeypatch.setattr(language, "_FACTORY", None)
    monkeypatch.setattr(detector_factory, "PROFILES_DIRECTORY", str(tmp_path))  # no profiles in it
    assert language.warm_up() is False
    assert language.detect_language(ENGLISH) == ""
    monkeypatch.undo()
    assert language.detect_language(ENGLISH) == "en"
