"""JSON / JSON Lines output and the `render` dispatcher."""

from __future__ import annotations

import json

import pytest

from spinscope.errors import InputError
from spinscope.render import FORMATS, render
from spinscope.render.jsonout import to_json, to_jsonl
from spinscope.segment import segment
from spinscope.types import Article


def make_result(text: str, title: str = "A title") -> dict:
    article = segment(Article(text=text, title=title, outlet="Example Outlet", language="en"))
    first_word_end = text.index(" ")
    article.add_span(0, first_word_end, "Loaded_Language", 0.8)
    return article.to_dict()


def strict_loads(payload: str):
    def refuse(name):
        raise ValueError(f"non-standard JSON constant {name}")

    return json.loads(payload, parse_constant=refuse)


def test_one_result_is_one_object_that_round_trips_and_a_list_of_one_stays_a_list():
    result = make_result("Shocking news from the harbour.\nSecond line here.")
    output = to_json(result)
    assert strict_loads(output) == result
    assert output.startswith("{\n  ")  # pretty-printed
    assert strict_loads(to_json([result])) == [result]  # the shape follows the input, not its length


def test_several_results_give_an_array_and_none_gives_an_empty_array():
    results = [make_result("First article text."), make_result("Second article text.")]
    assert strict_loads(to_json(results)) == results
    assert strict_loads(to_json([])) == []


def test_non_ascii_is_written_as_is():
    result = make_result("Café naïve 😀 مرحبا ‏שלום", title="Ünïcödé ✓")
    output = to_json(result)
    assert "Café naïve 😀 مرحبا" in output and "Ünïcödé ✓" in output
    assert "\\u" not in output


def test_jsonl_gives_one_parsable_object_per_line_even_with_newlines_in_text():
    results = [make_result("Line one.\nLine two.\n\nLine four."), make_result("Other text here.")]
    lines = to_jsonl(results).splitlines()
    assert len(lines) == 2
    assert [strict_loads(line) for line in lines] == results


def test_nan_and_infinity_become_null_so_output_is_strict_json():
    result = make_result("Some words here.")
    result["spans"][0]["confidence"] = float("nan")
    result["summary"]["propaganda_score"] = float("inf")
    parsed = strict_loads(to_json(result))
    assert parsed["spans"][0]["confidence"] is None
    assert parsed["summary"]["propaganda_score"] is None
    assert strict_loads(to_jsonl([result]).strip())["spans"][0]["confidence"] is None


def test_a_single_dict_is_accepted_too():
    result = make_result("Some words here.")
    assert strict_loads(to_json(result)) == result


@pytest.mark.parametrize("fmt", FORMATS)
def test_render_dispatches_every_format(fmt):
    result = make_result("Outrageous plans were announced today.")
    output = render([result], fmt)
    assert isinstance(output, str) and output
    if fmt == "json":
        assert strict_loads(output) == [result]
    elif fmt == "jsonl":
        assert strict_loads(output.strip()) == result
    elif fmt == "html":
        assert output.startswith("<!DOCTYPE html>")
    else:
        assert "Outrageous" in output and "<" not in output


def test_unknown_format_is_a_clear_input_error():
    with pytest.raises(InputError, match="unknown output format 'yaml'"):
        render([make_result("Some words here.")], "yaml")


def test_non_dict_results_are_rejected_clearly():
    with pytest.raises(InputError, match="expected result dicts"):
        render(["not a result"], "json")
