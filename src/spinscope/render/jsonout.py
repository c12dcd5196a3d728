"""JSON and JSON Lines output of canonical result dicts: UTF-8 text, non-ASCII kept as is, strict JSON."""

from __future__ import annotations

import json
import math
from typing import Any, Mapping

from . import as_result_list


def _strict(value: Any) -> Any:
    """Replace NaN/infinity (not valid JSON) by null, recursively; everything else is kept as it is."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _strict(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_strict(v) for v in value]
    return value


def to_json(results: list[dict] | dict) -> str:
    """A result dict -> one pretty JSON object; a list -> a JSON array, whatever its length (the shape follows the
    input, not how many of its articles succeeded). Ends with a newline."""
    payload = as_result_list(results)
    if isinstance(results, Mapping):
        payload = payload[0]
    return json.dumps(_strict(payload), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def to_jsonl(results: list[dict] | dict) -> str:
    """One compact JSON object per line (JSON Lines)."""
    return "".join(json.dumps(_strict(r), ensure_ascii=False, allow_nan=False) + "\n"
                   for r in as_result_list(results))
