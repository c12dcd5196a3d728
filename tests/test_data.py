from spinscope.data import load_ptc2020, load_semeval2023, paragraph_labels_from_spans
from spinscope.taxonomy import FRAME_NAMES, GENRES, TECHNIQUE_NAMES


def test_english_semeval_loads_with_valid_labels(semeval_dir):
    articles = load_semeval2023(semeval_dir / "en")
    assert len(articles) > 400
    by_id = {a.id: a for a in articles}
    assert len(by_id) == len(articles)
    for article in articles:
        gold = article.gold
        if "genre" in gold:
            assert gold["genre"] in GENRES
        for frame in gold.get("frames", []):
            assert frame in FRAME_NAMES
        lines = article.text.split("\n")
        for line, techniques in gold.get("paragraphs", {}).items():
            assert lines[line - 1].strip(), "template lines are non-empty lines of the article"
            assert set(techniques) <= set(TECHNIQUE_NAMES)
        for technique, start, end in gold.get("spans", []):
            assert technique in TECHNIQUE_NAMES and 0 <= start < end <= len(article.text)


def test_paragraph_labels_derived_from_spans_match_gold_in_english(semeval_dir):
    articles = [a for a in load_semeval2023(semeval_dir / "en") if "paragraphs" in a.gold]
    agree = total = 0
    for article in articles:
        derived = paragraph_labels_from_spans(article.text, article.gold["spans"])
        for line, techniques in article.gold["paragraphs"].items():
            total += 1
            agree += set(derived.get(line, [])) == set(techniques)
    assert agree / total > 0.99


def test_ptc2020_loads_mapped_spans(ptc_dir):
    articles = load_ptc2020(ptc_dir)
    assert len(articles) == 371
    assert sum(len(a.gold["spans"]) for a in articles) > 5000
    assert all(t in TECHNIQUE_NAMES for a in articles for t, _, _ in a.gold["spans"])


def test_paragraph_labels_from_spans_on_small_text():
    text = "Title\n\nFirst line here.\nSecond one."
    labels = paragraph_labels_from_spans(text, [("Doubt", 7, 12), ("Slogans", 20, 30)])
    assert labels == {1: [], 3: ["Doubt", "Slogans"], 4: ["Slogans"]}
