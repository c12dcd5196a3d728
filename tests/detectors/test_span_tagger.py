"""The CRF span tagger's pieces: tokens, BIO labels from gold offsets, decoding into exact spans."""

from __future__ import annotations

import sys

import numpy as np

from spinscope.detectors import span_tagger as st
from spinscope.segment import segment
from spinscope.types import Article

TEXT = "They called it a “total disgrace”, said the so-called experts."


def test_tokens_cover_words_and_punctuation_with_exact_offsets():
    tokens = st.tokenize(TEXT, 0, len(TEXT))
    words = [TEXT[s:e] for s, e in tokens]
    assert words[:6] == ["They", "called", "it", "a", "“", "total"]
    assert "so" in words and "-" in words and words[-1] == "."


def test_decomposed_accents_stay_inside_their_words():
    import unicodedata

    text = unicodedata.normalize("NFD", "The passé élites of Café Élysée, n’est-ce pas?")
    words = [text[s:e] for s, e in st.tokenize(text, 0, len(text))]
    assert [unicodedata.normalize("NFC", w) for w in words] == [
        "The", "passé", "élites", "of", "Café", "Élysée", ",", "n’est", "-", "ce", "pas", "?"]


def test_labels_follow_the_gold_offsets():
    tokens = st.tokenize(TEXT, 0, len(TEXT))
    start = TEXT.index("total")
    end = TEXT.index("”") + 1
    experts = TEXT.index("so-called")
    gold = st.merge([(start, end), (experts, experts + len("so-called experts"))])
    labels = dict(zip((TEXT[s:e] for s, e in tokens), st.token_labels(tokens, gold)))
    assert labels["total"] == "B" and labels["disgrace"] == "I" and labels["”"] == "I"
    assert labels["They"] == "O" and labels["said"] == "O"
    assert labels["so"] == "B" and labels["experts"] == "I"


def test_decode_gives_exact_trimmed_spans_and_splits_at_b():
    tokens = st.tokenize(TEXT, 0, len(TEXT))
    words = [TEXT[s:e] for s, e in tokens]
    inside = np.zeros(len(tokens))
    begin = np.zeros(len(tokens))
    first, last = words.index("total"), len(words) - 2  # "total" ... "experts"
    for k in list(range(first, words.index("said"))) + list(range(words.index("so"), last + 1)):
        inside[k] = 0.8  # "total disgrace” ," and "so - called experts"
    begin[first] = 0.7
    begin[words.index("so")] = 0.7
    spans = st.decode(TEXT, tokens, inside, begin, 0.5)
    assert [TEXT[s:e] for s, e, _ in spans] == ["total disgrace”", "so-called experts"]
    assert all(abs(c - 0.8) < 1e-9 for _, _, c in spans)
    # nothing above the threshold: no spans
    assert st.decode(TEXT, tokens, inside, begin, 0.9) == []


def test_close_gaps_joins_nearby_spans_only():
    tokens = st.tokenize(TEXT, 0, len(TEXT))
    a = (TEXT.index("total"), TEXT.index("total") + 5, 0.6)
    b = (TEXT.index("disgrace"), TEXT.index("disgrace") + 8, 0.8)
    c = (TEXT.index("experts"), TEXT.index("experts") + 7, 0.5)
    joined = st.close_gaps([a, b, c], tokens, 1)
    assert [(s, e) for s, e, _ in joined] == [(a[0], b[1]), (c[0], c[1])]
    assert st.close_gaps([a, b, c], tokens, 0) == [a, b, c]


def test_a_crf_learns_to_tag_a_word():
    sentences = ["the plan is outrageous .", "an outrageous idea here", "the plan is fine .", "a fine idea here"]
    data = []
    for sentence in sentences * 5:
        tokens = st.tokenize(sentence, 0, len(sentence))
        gold = [(sentence.index("outrageous"), sentence.index("outrageous") + 10)] if "outrageous" in sentence else []
        data.append((st.sentence_features(sentence, tokens), st.token_labels(tokens, gold)))
    tagger = st.CrfTagger(st.train_crf(data, c1=0.0, c2=0.01, max_iterations=50))
    text = "this outrageous plan"
    tokens = st.tokenize(text, 0, len(text))
    inside, _ = tagger.inside_probabilities(st.sentence_features(text, tokens))
    assert inside[1] > 0.5 > max(inside[0], inside[2])
    spans = st.decode(text, tokens, *tagger.inside_probabilities(st.sentence_features(text, tokens)), 0.5)
    assert [text[s:e] for s, e, _ in spans] == ["outrageous"]


def test_sentence_mode_widens_a_tagged_piece_to_its_sentence():
    text = "Critics say the plan is a total disgrace."
    tokens = st.tokenize(text, 0, len(text))
    piece = [(text.index("total"), text.index("disgrace") + 8, 0.4)]
    assert st.shape_spans(text, tokens, piece, 0, True) == [(0, len(text) - 1, 0.4)]
    assert st.shape_spans(text, tokens, piece, 0, False) == piece
    assert st.shape_spans(text, tokens, [], 0, True) == []


def test_evidence_buckets_the_sentence_probability():
    techniques = ["Loaded_Language", "Doubt"]
    low = st.evidence(np.array([0.01, 0.0]), np.array([0.01, 0.0]), np.array([False, False]), techniques)
    high = st.evidence(np.array([0.9, 0.2]), np.array([0.7, 0.1]), np.array([True, False]), techniques)
    assert low[0] == "sp=0" and "flag" not in low and not any(e.startswith("top=") for e in low)
    assert high[0] == "sp=10" and "flag" in high and "top=Loaded_Language" in high


def test_threads_sharing_one_detector_get_the_single_threaded_spans():
    """CRFsuite keeps a sentence between set() and marginal(): a web app with several worker threads shares one
    tagger, which must not mix their sentences up."""
    from concurrent.futures import ThreadPoolExecutor

    from spinscope.detectors import load_detector
    from spinscope.settings import PACKAGED_MODELS

    detector = load_detector(PACKAGED_MODELS / "techniques")
    detector.set_params(encoder_weight=0.0)  # the CRF alone: fast, and the part that keeps state
    texts = [f"Headline {n}\n" + " ".join(["The corrupt elites lie and lie again, they are traitors!",
                                          "The council meets on Tuesday to discuss the budget."][(n + k) % 2]
                                         for k in range(3 + n % 4)) for n in range(12)]

    def spans(text):
        article = detector.annotate(segment(Article(text=text, language="en")))
        return [(s.start, s.end, s.technique, round(s.confidence, 9)) for s in article.spans]

    alone = [spans(t) for t in texts]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads swap often, as under load
    try:
        with ThreadPoolExecutor(8) as pool:
            for _ in range(3):
                assert list(pool.map(spans, texts)) == alone
    finally:
        sys.setswitchinterval(interval)
