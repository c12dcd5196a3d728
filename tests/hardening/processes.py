"""Real servers for the hardening tests: start `spinscope serve` on a free loopback port, and send a server a raw
(huge) request body."""

from __future__ import annotations

import os
import select
import socket
import subprocess
import sys
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            return sock.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def start_server(db_path: Path, model_dir: Path, log_path: Path, timeout: float = 90) -> tuple[subprocess.Popen, int]:
    """`spinscope serve` (through the CLI module) as a child process; returns (process, port) once /healthz is ok."""
    port = free_port()
    env = dict(os.environ, SPINSCOPE_MODEL_DIR=str(model_dir), SPINSCOPE_LANGUAGE="en",
               SPINSCOPE_LOG_LEVEL="warning")
    command = [sys.executable, "-m", "spinscope.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--db", str(db_path)]
    with open(log_path, "ab") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: {log_path.read_text()[-2000:]}")
        if _healthy(port):
            return process, port
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"server did not answer within {timeout:g} s: {log_path.read_text()[-2000:]}")


def post_raw(port: int, path: str, size: int, declare_length: bool, piece: int = 1 << 20,
             timeout: float = 30) -> tuple[int, bytes, int]:
    """POST `size` bytes of JSON-looking body, with Content-Length or chunked; stop sending as soon as the server
    answers. Returns (status, response body, bytes of body sent)."""
    head = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json", "Connection: close"]
    head.append(f"Content-Length: {size}" if declare_length else "Transfer-Encoding: chunked")
    filler = b'{"text": "' + b"a" * (piece - 10)
    sent = 0
    deadline = time.monotonic() + timeout
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        try:
            while sent < size and time.monotonic() < deadline:
                readable, _, _ = select.select([sock], [], [], 0)
                if readable:
                    break  # the server has answered: stop sending
                data = filler[: min(piece, size - sent)]
                sock.sendall(data if declare_length else b"%x\r\n%s\r\n" % (len(data), data))
                sent += len(data)
            else:
                if not declare_length:
                    sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        response = b""
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                response += chunk
        except (ConnectionResetError, socket.timeout):
            pass
    status_line, _, rest = response.partition(b"\r\n")
    status = int(status_line.split()[1]) if status_line.startswith(b"HTTP/") else 0
    return status, rest.partition(b"\r\n\r\n")[2], sent
