"""The library survives the server: run `spinscope serve` as a real process, store analyses, kill it hard, start
the app again (through uvicorn's command line) on the same database file and find everything there."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from web_helpers import SAMPLE_ARTICLE, free_port

SECOND_ARTICLE = ("Ferry service returns\n\nOfficials said the new ferry timetable would start in March.\n"
                  "Can anyone really believe the minister's promises after so many failures?\n")


def start_server(db_path, model_dir, log_path, via_cli: bool):
    """`spinscope serve` (the CLI entry point), or uvicorn's own command line with the app factory."""
    port = free_port()
    env = dict(os.environ, SPINSCOPE_MODEL_DIR=str(model_dir), SPINSCOPE_LANGUAGE="en", SPINSCOPE_LOG_LEVEL="warning")
    if via_cli:
        command = [sys.executable, "-m", "spinscope.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
                   "--db", str(db_path)]
    else:
        env["SPINSCOPE_DB"] = str(db_path)
        command = [sys.executable, "-m", "uvicorn", "--factory", "spinscope.web.app:app_from_env", "--host",
                   "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    log = open(log_path, "ab")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited with {process.returncode}: {log_path.read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return process, url
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    pytest.fail(f"server did not answer within 60 s: {log_path.read_text()[-2000:]}")


def test_analyses_survive_a_killed_server(tmp_path, model_dir):
    db_path = tmp_path / "library.db"
    log_path = tmp_path / "server.log"
    process, url = start_server(db_path, model_dir, log_path, via_cli=True)
    try:
        # bound to loopback, the server only answers requests addressed to a loopback name (DNS rebinding guard)
        assert httpx.get(f"{url}/healthz", headers={"host": "attacker.example"}, timeout=5).status_code == 400
        first = httpx.post(f"{url}/api/analyze", json={"text": SAMPLE_ARTICLE, "outlet": "Harbour Times"},
                           timeout=60)
        second = httpx.post(f"{url}/api/analyze", json={"text": SECOND_ARTICLE, "outlet": "Ferry News"},
                            timeout=60)
        assert first.status_code == 200 and second.status_code == 200
        assert first.json()["spans"], "the model found nothing: the restart check would be weaker"
    finally:
        process.send_signal(signal.SIGKILL)  # no clean shutdown: committed analyses must already be on disk
        process.wait(10)

    process, url = start_server(db_path, model_dir, log_path, via_cli=False)
    try:
        listing = httpx.get(f"{url}/api/articles", timeout=10).json()
        assert listing["total"] == 2
        assert {item["outlet"] for item in listing["items"]} == {"Harbour Times", "Ferry News"}
        for before in (first.json(), second.json()):
            assert httpx.get(f"{url}/api/articles/{before['id']}", timeout=10).json() == before
        assert httpx.get(f"{url}/api/articles", params={"q": "betrayal"}, timeout=10).json()["total"] == 1
    finally:
        process.terminate()
        process.wait(10)
