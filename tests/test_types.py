import json

import pytest

from spinscope.types import Article, Paragraph


def test_add_span_keeps_exact_text_and_rejects_bad_offsets():
    article = Article(text="Caf\u00e9 \U0001F600 is awful!")
    span = article.add_span(7, 15, "Loaded_Language", 0.7, "why")
    assert span.text == article.text[7:15]
    with pytest.raises(ValueError):
        article.add_span(5, 5, "Loaded_Language", 0.5)
    with pytest.raises(ValueError):
        article.add_span(0, len(article.text) + 1, "Loaded_Language", 0.5)


def test_to_dict_is_json_and_sorted():
    article = Article(text="Title\n\nBody text here.", id="x", title="Title")
    article.paragraphs = [Paragraph(0, 1, 0, 5), Paragraph(1, 3, 7, 22, ["Doubt"], {"Doubt": 0.61234})]
    article.add_span(12, 16, "Doubt", 0.6)
    article.add_span(7, 11, "Loaded_Language", 0.9)
    result = json.loads(json.dumps(article.to_dict()))
    assert [s["start"] for s in result["spans"]] == [7, 12]
    assert result["summary"]["technique_counts"] == {"Doubt": 1, "Loaded_Language": 1}
    assert result["paragraphs"][1] == {"line": 3, "start": 7, "end": 22, "techniques": ["Doubt"],
                                       "scores": {"Doubt": 0.6123}}
    assert "gold" not in result


def test_readme_result_table_lists_every_key_of_to_dict():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    table = readme.split("## The result", 1)[1].split("\n\n", 2)[2].split("\n\n", 1)[0]
    listed = {key for row in table.splitlines()[2:]
              for key in row.split("|")[1].replace("`", "").replace(",", " ").split()}
    assert set(Article(text="Title\n\nBody.").to_dict()) - listed == set()
