"""What both fuzz harnesses share: the crash rule, keep-going logging, and the atheris entry point.

The rule: an `InputError` is the documented way to refuse bad input, so it is not a crash. Any other exception is,
and so is a broken invariant (an `AssertionError` raised by the harness's own checks).

By default the first crash stops the run and libFuzzer writes the input to `crash-<sha1>` (its normal behaviour).
With `FUZZ_KEEP_GOING=<file>` a crash is appended to that JSON-lines file instead (deduplicated by exception type and
innermost source line, first 3 inputs of each kept, base64) and fuzzing goes on, so one known bug does not hide the
next one during a long unattended run.
"""

from __future__ import annotations

import base64
import json
import os
import sys
import traceback
from collections.abc import Callable

from spinscope.errors import InputError

_seen: dict[tuple[str, str], int] = {}


def _signature(error: BaseException) -> tuple[str, str]:
    frames = traceback.extract_tb(error.__traceback__)
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
    return type(error).__name__, where


def guarded(check: Callable[[bytes], None]) -> Callable[[bytes], None]:
    """Wrap a per-input check with the crash rule and the optional keep-going log."""
    log_path = os.environ.get("FUZZ_KEEP_GOING")

    def one_input(data: bytes) -> None:
        try:
            check(data)
        except InputError:
            pass
        except Exception as error:  # noqa: BLE001 - every other exception is a finding
            if not log_path:
                raise
            key = _signature(error)
            _seen[key] = _seen.get(key, 0) + 1
            if _seen[key] <= 3:
                record = {"type": key[0], "where": key[1], "message": str(error)[:300],
                          "input_b64": base64.b64encode(data).decode("ascii"),
                          "traceback": traceback.format_exc(limit=8)[-2000:]}
                with open(log_path, "a", encoding="utf-8") as handle:
                    handle.write(json.dumps(record) + "\n")

    return one_input


def main(check: Callable[[bytes], None]) -> None:
    import atheris

    atheris.Setup(sys.argv, guarded(check))
    atheris.Fuzz()


def replay(check: Callable[[bytes], None], paths: list[str]) -> int:
    """Run `check` once on each file (no atheris needed): `python fuzz/fuzz_x.py --replay FILE...`."""
    failures = 0
    for path in paths:
        with open(path, "rb") as handle:
            data = handle.read()
        try:
            check(data)
            print(f"{path}: ok")
        except InputError as error:
            print(f"{path}: refused: {error}")
        except Exception:  # noqa: BLE001
            failures += 1
            print(f"{path}: CRASH\n{traceback.format_exc()}")
    return 1 if failures else 0
