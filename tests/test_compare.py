"""compare(): inputs of every kind, the result dict, its renderings, and an end-to-end run on the seed articles."""

from __future__ import annotations

import json
import re

import pytest

from spinscope.compare import article_from_dict, compare, outlet_name
from spinscope.errors import InputError
from spinscope.render.compare import compare_to_html, compare_to_json, compare_to_text
from spinscope.types import Article
from story_texts import FLOOD_1, FLOOD_2, MINISTER_1, MINISTER_2, PORT_1, PORT_2, PORT_3


def _articles() -> list[Article]:
    return [
        Article(text=PORT_1, id="p1", title="Dock workers walk out", outlet="Valmora Daily"),
        Article(text=FLOOD_1, id="f1", url="https://www.brenn-news.example/ostra"),
        Article(text=PORT_2, id="p2", outlet="Harbour Herald"),
        Article(text=MINISTER_1, id="m1", outlet="Capital Times"),
        Article(text=FLOOD_2, id="f2", outlet="Korvik Courier"),
        Article(text=PORT_3, id="p3", outlet="Shipping Wire"),
        Article(text=MINISTER_2, id="m2", outlet="Evening Post"),
    ]


@pytest.fixture(scope="module")
def result():
    return compare(_articles(), analyse=False)


def test_stories_group_the_right_articles(result):
    groups = sorted(sorted(a["id"] for a in story["articles"]) for story in result["stories"])
    assert groups == [["f1", "f2"], ["m1", "m2"], ["p1", "p2", "p3"]]
    assert result["stories"][0]["size"] == 3  # biggest story first
    for story in result["stories"]:
        assert 0 < story["cohesion"] <= 1
        assert len(story["profiles"]) == story["size"]
        assert {s["a"] for s in story["similarities"]} <= {a["id"] for a in story["articles"]}


def test_every_article_is_in_exactly_one_story(result):
    in_stories = [a["id"] for story in result["stories"] for a in story["articles"]]
    assert sorted(in_stories) == sorted(a["id"] for a in result["articles"])
    assert {a["story"] for a in result["articles"]} == {s["id"] for s in result["stories"]}


def test_outlets_come_from_metadata_then_url(result):
    outlets = {a["id"]: a["outlet"] for a in result["articles"]}
    assert outlets["p1"] == "Valmora Daily"
    assert outlets["f1"] == "brenn-news.example"


def test_articles_carry_canonical_fields_and_exact_offsets(result):
    for article in result["articles"]:
        text = article["text"]
        assert article["schema_version"] == 1 and "spans" in article and "summary" in article
        for source in article["sources"]:
            for span in source["spans"]:
                assert 0 <= span["start"] < span["end"] <= len(text)
        for quote in article["quotes"]:
            assert text[quote["start"]:quote["end"]] == quote["text"]
        for claim in article["claims"]:
            assert text[claim["start"]:claim["end"]] == claim["text"]


def test_story_claims_and_sources(result):
    port = next(s for s in result["stories"] if s["size"] == 3)
    by_id = {a["id"]: a["text"] for a in result["articles"]}
    for claim in port["unique_claims"]:
        assert by_id[claim["article"]][claim["start"]:claim["end"]] == claim["text"]
    for group in port["shared_claims"]:
        assert len(group["articles"]) >= 2
        assert group["carried_by_all"] == (len(group["articles"]) == 3)
        for member in group["claims"]:
            assert by_id[member["article"]][member["start"]:member["end"]] == member["text"]
    union = next(s for s in port["sources"] if "Harbour Workers Union" in s["name"])
    assert union["kind"] in ("person", "official") and union["articles"] == ["p1"]
    okafor = next(s for s in port["sources"] if "Okafor" in s["name"])
    assert "p1" in okafor["articles"] and "p2" in okafor["articles"]
    for item in port["contradictions"]:
        assert item["detection"] == "heuristic"


def test_conflicting_numbers_are_a_contradiction_not_a_shared_claim(tmp_path):
    context = ("A timber warehouse burned down in the Ridgeport harbour district on Tuesday night. "
               "The blaze started shortly after midnight and burned for six hours before crews brought it under "
               "control. Police closed Quay Road and asked residents to keep their windows shut.")
    deaths = {"a": ("Daily Planet", "Twelve people died in the fire, firefighters said."),
              "b": ("Springfield Shopper", "Forty people died in the fire, firefighters said.")}
    path = tmp_path / "fire.jsonl"
    path.write_text("".join(json.dumps({"id": key, "outlet": outlet, "title": "Warehouse fire",
                                        "text": f"{context} {sentence}"}) + "\n"
                            for key, (outlet, sentence) in deaths.items()), encoding="utf-8")
    result = compare([str(path)], analyse=False)
    [story] = result["stories"]
    assert story["size"] == 2
    assert not any("died" in group["text"] for group in story["shared_claims"])
    [item] = story["contradictions"]
    assert [c["text"] for c in item["claims"]] == [sentence for _, sentence in deaths.values()]
    assert "12" in item["reason"] and "40" in item["reason"]
    assert "found by a heuristic (1)" in compare_to_text(result)


def test_profiles_from_analysed_dicts_count_and_density():
    text = PORT_1
    start = text.index("stopped work")
    analysed = Article(text=text, id="a", outlet="X").to_dict()
    analysed["spans"] = [{"start": start, "end": start + 12, "technique": "Loaded_Language", "confidence": 0.9},
                         {"start": 0, "end": 4, "technique": "Loaded_Language", "confidence": 0.5}]
    analysed["genre"] = {"label": "reporting", "probabilities": {"reporting": 0.8, "opinion": 0.2}}
    other = Article(text=PORT_2, id="b", outlet="Y").to_dict()
    result = compare([analysed, other])
    profile = next(p for story in result["stories"] for p in story["profiles"] if p["article"] == "a")
    words = len(text.split())
    assert profile["technique_counts"] == {"Loaded_Language": 2}
    assert profile["technique_density"]["Loaded_Language"] == round(2 * 1000 / words, 2)
    assert profile["genre"] == "reporting"
    assert profile["top_spans"][0]["confidence"] == 0.9


def test_article_from_dict_round_trip():
    article = Article(text=PORT_1, id="x", title="t", outlet="o")
    article.add_span(0, 4, "Loaded_Language", 0.7)
    rebuilt = article_from_dict(article.to_dict())
    assert rebuilt.text == article.text and rebuilt.spans[0].technique == "Loaded_Language"
    with pytest.raises(InputError):
        article_from_dict({"id": "no text"})


def test_outlet_name_fallbacks(tmp_path):
    assert outlet_name(Article(text="x", url="https://m.example.org/a"), 0) == "example.org"
    assert outlet_name(Article(text="Body.\n© 2024 Valmora Daily. All rights reserved."), 0) == "Valmora Daily"
    assert outlet_name(Article(text="Body.", source=str(tmp_path / "herald.txt")), 0) == "herald"
    assert outlet_name(Article(text="Body.", source="text"), 2) == "article 3"
    # the word in a sentence, or a photo credit inside one, is not a copyright line
    for text in ("Body.\nThe law gives copyright protection for independent artists since 2018.",
                 "Body.\nThe rescue teams arrived at dawn (c) 2020 Reuters photo."):
        assert outlet_name(Article(text=text, source="text"), 0) == "article 1", text
    assert outlet_name(Article(text="Body.\nCOPYRIGHT 2018 CREATORS.COM"), 0) == "CREATORS"


def test_failures_are_reported_and_the_rest_compared(tmp_path):
    good = tmp_path / "port.txt"
    good.write_text(PORT_1, encoding="utf-8")
    result = compare([str(good), str(tmp_path / "missing.txt"), PORT_2], analyse=False)
    assert len(result["articles"]) == 2
    assert [f["source"] for f in result["failures"]] == [str(tmp_path / "missing.txt")]
    assert "no such file" in result["failures"][0]["reason"]


def test_nothing_readable_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="no article could be read"):
        compare([str(tmp_path / "missing.txt")])
    with pytest.raises(InputError, match="threshold"):
        compare([PORT_1, PORT_2], threshold=1.5)


def test_threshold_parameter_changes_stories():
    result = compare(_articles(), analyse=False, threshold=0.99)
    assert len(result["stories"]) == 7
    assert result["settings"]["story_threshold"] == 0.99


def test_json_text_and_html_renderings(result):
    parsed = json.loads(compare_to_json(result))
    assert parsed["stories"][0]["id"] == "story-1"
    text = compare_to_text(result)
    assert "Side by side" in text and "Valmora Daily" in text and "heuristic" in text
    page = compare_to_html(result)
    assert page.startswith("<!DOCTYPE html>")
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert "<svg" in page and "<script" not in page
    assert not re.search(r"""(?:src|href)=["']?https?://""", page.replace('href="https://www.brenn-news', ""))


def test_everything_is_escaped_in_html_and_plain_in_text():
    hostile = Article(text="<script>alert(1)</script> " + PORT_1, id="<b>x</b>", outlet="<img src=x onerror=1>")
    hostile.add_span(0, 8, "<Weird_Technique>", 0.5)
    result = compare([hostile, Article(text=PORT_2, id="y", outlet="[bold]Rich[/bold]")])
    page = compare_to_html(result)
    assert "<script>" not in page and "<img src=x" not in page and "<b>x</b>" not in page
    assert "&lt;img src=x onerror=1&gt;" in page
    assert "[bold]Rich[/bold]" in compare_to_text(result)


def test_single_article_gives_a_warning_not_an_error():
    result = compare([Article(text=PORT_1, id="only")], analyse=False)
    assert len(result["stories"]) == 1 and result["stories"][0]["cohesion"] is None
    assert "nothing to compare" in result["warnings"][0]


def test_seed_articles_end_to_end(seeds_dir):
    """The seeds: four outlets on Trump and Russia. Two (001, 002) report the same new revelation (the Washington
    Post's report on what Trump told Lavrov and Kislyak about election interference); 000 is about the 2017
    disclosure of ISIS intelligence and 003 about the Reuters report on a Kremlin think tank's plan."""
    result = compare([str(seeds_dir)])
    assert result["failures"] == []
    groups = sorted(sorted(a["id"][:3] for a in s["articles"]) for s in result["stories"])
    assert groups == [["000"], ["001", "002"], ["003"]]
    story = result["stories"][0]
    cited = {s["name"]: s["articles"] for s in story["sources"]}
    assert len(cited["Washington Post"]) == 2
    for article in result["articles"]:
        for quote in article["quotes"]:
            assert article["text"][quote["start"]:quote["end"]] == quote["text"]
    assert compare_to_html(result).count('<section class="story"') >= 2


def test_package_level_compare_still_callable_after_the_module_is_imported():
    import spinscope
    import spinscope.compare  # noqa: F401 - rebinds the package attribute to the module

    result = spinscope.compare([Article(text=PORT_1, id="a"), Article(text=PORT_2, id="b")], analyse=False)
    assert [s["size"] for s in result["stories"]] == [2]


def test_the_same_text_twice_is_compared_with_a_warning(tmp_path):
    (tmp_path / "a.txt").write_text(PORT_1, encoding="utf-8")
    (tmp_path / "b.txt").write_text(PORT_1, encoding="utf-8")
    result = compare([str(tmp_path / "a.txt"), str(tmp_path / "b.txt")], analyse=False)
    assert any("has the same text as" in w for w in result["warnings"]), result["warnings"]
    different = compare([str(tmp_path / "a.txt"), PORT_2], analyse=False)
    assert not any("same text" in w for w in different["warnings"])


def test_opposite_statements_are_a_contradiction_not_a_shared_claim():
    lead = ("A fire broke out on Tuesday at the Velkor battery plant in Dunmore, and residents were evacuated. "
            "Fire Chief Dana Okafor said the blaze was contained by mid-morning.")
    result = compare([
        Article(text=f"Fire at Dunmore plant\n\n{lead}\n\nNo toxic chemicals were found in the air, the Dunmore "
                     "Health Department said.\n", id="a", outlet="Dunmore Ledger"),
        Article(text=f"Blaze at Dunmore plant\n\n{lead}\n\nToxic chemicals were found in the air above the town, "
                     "one firefighter claimed.\n", id="b", outlet="Harbour Herald")], analyse=False)
    [story] = result["stories"]
    assert not any("chemicals" in c["text"] for group in story["shared_claims"] for c in group["claims"])
    [item] = story["contradictions"]
    assert item["detection"] == "heuristic" and "No toxic chemicals were found in the air" in item["reason"]
    assert [c["article"] for c in item["claims"]] == ["a", "b"]
    assert "negates" in " ".join(result["notes"])


GERMAN_1 = ("Brücke in Talheim gesperrt\n"
            "Die alte Brücke über die Lauter bleibt bis Oktober gesperrt. „Die Sicherheit geht vor“, sagte "
            "Bürgermeisterin Anna Keller am Montag. Die Reparatur kostet laut Landratsamt rund zwei Millionen Euro.")
GERMAN_2 = ("Talheimer Brücke: Sperrung bis Oktober\n"
            "Die Brücke über die Lauter in Talheim bleibt bis Oktober zu. Die Stadt werde die Kosten nicht allein "
            "tragen, erklärte Bürgermeisterin Anna Keller. Die Reparatur kostet dem Landratsamt zufolge zwei "
            "Millionen Euro.")


def test_compare_reads_german_sources_with_the_german_rules_and_merges_them_across_outlets():
    articles = [Article(text=GERMAN_1, id="d1", outlet="Lauterbote", language="de"),
                Article(text=GERMAN_2, id="d2", outlet="Talheimer Zeitung", language="de")]
    result = compare(articles, analyse=False)
    story = next(s for s in result["stories"] if s["size"] == 2)
    keller = next(s for s in story["sources"] if "Keller" in s["name"])
    assert keller["articles"] == ["d1", "d2"] and keller["kind"] in ("person", "official")
    # "laut Landratsamt" and "dem Landratsamt zufolge": one source, the article is no part of it
    office = [s for s in story["sources"] if "Landratsamt" in s["name"]]
    assert len(office) == 1 and office[0]["articles"] == ["d1", "d2"], story["sources"]
    quotes = [q for a in result["articles"] for q in a.get("quotes") or []]
    assert any("Sicherheit" in q["text"] and "Keller" in (q["speaker"] or "") for q in quotes), quotes
