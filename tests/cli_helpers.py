"""Runs the CLI as a real subprocess, like a user would."""

from __future__ import annotations

import os
import subprocess
import sys


def run_cli(*args: str, stdin: str | bytes | None = None, env: dict | None = None,
            cwd=None) -> subprocess.CompletedProcess:
    environment = {**os.environ, **(env or {})}
    environment.pop("SPINSCOPE_DEBUG", None)
    data = stdin.encode() if isinstance(stdin, str) else stdin
    return subprocess.run([sys.executable, "-m", "spinscope.cli", *args], input=data, capture_output=True,
                          env=environment, timeout=300, cwd=cwd)
