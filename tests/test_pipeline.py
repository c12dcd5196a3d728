import json

import pytest

from spinscope import analyze
from spinscope.errors import InputError, ModelError
from spinscope.pipeline import Pipeline
from spinscope.settings import Settings
from spinscope.types import Article

TEXT = ("Harbour repairs start in April\n\nThe port authority said on Monday that work on the bridge will begin "
        "in April and last nine months.\n\nOne lane will stay open in each direction, the statement said.\n")


@pytest.fixture()
def genre_only(tmp_path):
    """A model folder with the shipped genre model and no technique or frame model."""
    from spinscope.settings import PACKAGED_MODELS

    (tmp_path / "genre").symlink_to(PACKAGED_MODELS / "genre", target_is_directory=True)
    return tmp_path


def test_missing_models_give_warnings_not_errors(genre_only):
    article = Pipeline(Settings(model_dir=genre_only))(Article(text=TEXT))
    assert article.language == "en"
    assert [p.line for p in article.paragraphs] == [1, 3, 5]
    assert any("techniques" in w for w in article.warnings)
    assert article.spans == [] and article.genre is not None
    assert article.to_dict()["summary"]["propaganda_score"] is None  # not analysed is not "scores 0"


@pytest.mark.parametrize("where", ["empty", "missing"])
def test_a_model_folder_without_any_model_is_a_model_error(tmp_path, where):
    folder = tmp_path if where == "empty" else tmp_path / "nowhere"
    with pytest.raises(ModelError, match=r"^no Spinscope model in .*techniques/, genre/, frames/") as error:
        analyze(TEXT, settings=Settings(model_dir=folder))
    assert "\n" not in str(error.value)


def test_unsupported_language_runs_no_language_models():
    text = ("Ez egy magyar nyelvű cikk a kikötő felújításáról.\n\nA munkálatok áprilisban kezdődnek "
            "és kilenc hónapig tartanak, közölte a hatóság hétfőn.")
    article = Pipeline()(Article(text=text))
    assert article.language == "hu"
    assert article.spans == [] and article.genre is None and article.frames == []
    assert any("not supported" in w for w in article.warnings)


def test_forced_language_is_used(genre_only):
    article = Pipeline(Settings(model_dir=genre_only, language="fr"))(Article(text=TEXT))
    assert article.language == "fr"


def test_corrupt_model_folder_is_a_model_error(tmp_path):
    (tmp_path / "techniques").mkdir()
    (tmp_path / "techniques" / "params.json").write_text("{broken")
    with pytest.raises(ModelError):
        Pipeline(Settings(model_dir=tmp_path, components=("techniques",)))(Article(text=TEXT))
    (tmp_path / "techniques" / "params.json").write_text(json.dumps({"class": "os.system", "params": {}}))
    with pytest.raises(ModelError, match="non-Spinscope"):
        Pipeline(Settings(model_dir=tmp_path, components=("techniques",)))(Article(text=TEXT))


def test_analyze_accepts_raw_text_and_returns_article():
    article = analyze(TEXT)
    assert isinstance(article, Article)
    assert article.text == TEXT
    for span in article.spans:
        assert TEXT[span.start:span.end] == span.text


def test_analysing_an_analysed_article_again_replaces_its_results():
    first = analyze(TEXT.replace("work on the bridge", "the corrupt, lying council's disastrous work"))
    spans, warnings, score = list(first.spans), list(first.warnings), dict(first.score)
    again = analyze(first)
    assert again.spans == spans and again.warnings == warnings and again.score == score
    # a re-analysis under other settings starts from the article as it came in, not from the last run's
    analyze(again, Settings(language="fr", min_confidence=0.99))
    fresh = analyze(again)
    assert fresh.language == "en" and fresh.spans == spans and fresh.warnings == warnings


def test_min_confidence_hides_spans_but_leaves_score_and_paragraph_labels_alone():
    text = ("Traitors and liars in charge\n\nThe corrupt, treacherous elites want to destroy our great nation with "
            "their insane schemes, and only fools would believe their lies. Shame on them!\n")
    full = analyze(text)
    assert full.spans, "the example needs some spans"
    cut = max(s.confidence for s in full.spans) + 1e-6  # above every span: all hidden
    hidden = analyze(text, Settings(min_confidence=min(cut, 1.0)))
    assert hidden.spans == [] and hidden.hidden_spans == len(full.spans)
    assert hidden.score == full.score
    assert [p.techniques for p in hidden.paragraphs] == [p.techniques for p in full.paragraphs]
    assert any("hidden" in w for w in hidden.warnings)
    assert hidden.to_dict()["summary"]["hidden_spans"] == len(full.spans)


def test_spans_of_decomposed_text_begin_and_end_on_whole_letters():
    """NFD text (e + U+0301 for "é"): highlights cut letters in half ('…with the re' before the accent)."""
    import unicodedata

    text = unicodedata.normalize("NFD", "The corrupt élites\n\nThese passé élites and their shameful, disgusting "
                                 "résumé of betrayal are a disaster for our great nation. Café owners are "
                                 "terrified, and every true patriot knows the Élysée lies.")
    article = analyze(text)
    assert article.spans
    for span in article.spans:
        assert not unicodedata.combining(text[span.start])
        assert span.end == len(text) or not unicodedata.combining(text[span.end])


# a Pipeline shared by threads right after warm_up(): the language profiles must be loaded too, not raced for
SHARED_PIPELINE = f"""
import sys
from concurrent.futures import ThreadPoolExecutor
from spinscope import Pipeline, ingest
from spinscope.settings import Settings

pipeline = Pipeline(Settings(model_dir=sys.argv[1], components=())).warm_up()  # language detection only
with ThreadPoolExecutor(4) as pool:
    print(" ".join(pool.map(lambda _: pipeline(ingest.from_text({TEXT!r})).language, range(4))))
"""


def test_warm_up_loads_the_language_detector_for_threads(tmp_path):
    import subprocess
    import sys

    for _ in range(2):  # fresh processes: the race is on the first detection
        proc = subprocess.run([sys.executable, "-c", SHARED_PIPELINE, str(tmp_path)], capture_output=True,
                              text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.split() == ["en"] * 4


def test_a_new_pipeline_loads_a_model_saved_again_into_the_same_folder(tmp_path, model_dir):
    import shutil

    shutil.copytree(model_dir / "genre", tmp_path / "genre")
    settings = Settings(model_dir=tmp_path, components=("genre",))
    before = Pipeline(settings)(Article(text=TEXT)).models["genre"]
    params = tmp_path / "genre" / "params.json"
    record = json.loads(params.read_text())
    record["version"] = before + "-refitted"  # what a fit and save into the same folder leaves
    params.write_text(json.dumps(record))
    assert Pipeline(settings)(Article(text=TEXT)).models["genre"] == before + "-refitted"


def test_a_component_folder_holding_another_components_model_is_a_model_error(tmp_path, model_dir):
    import shutil

    shutil.copytree(model_dir / "frames", tmp_path / "genre")
    with pytest.raises(ModelError, match=r"genre holds a frames model \(FrameDetector\), not a genre model"):
        Pipeline(Settings(model_dir=tmp_path, components=("genre", "frames")))(Article(text=TEXT))


def test_a_pipeline_reads_text_and_paths_as_analyze_does(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text(TEXT)
    pipeline = Pipeline(Settings(model_dir=tmp_path, components=()))  # reading only: no models needed
    assert pipeline(TEXT).text == TEXT and pipeline(TEXT).id == analyze(TEXT, pipeline.settings).id
    assert pipeline(path).text == TEXT and pipeline(str(path)).source == str(path)
    with pytest.raises(InputError, match="over the 10-character"):  # read with the pipeline's own settings
        Pipeline(Settings(model_dir=tmp_path, components=(), max_input_chars=10))(TEXT)


@pytest.mark.parametrize("text, says", [
    (None, "article: text must be a string, not NoneType"),
    (b"The minister said", "article: text must be a string, not bytes"),
    ("T\n\nThe minister \ud800 said the budget is fine.", "article: text holds invalid Unicode"),
])
def test_an_article_whose_text_cannot_be_analysed_is_an_input_error(text, says):
    with pytest.raises(InputError, match=says) as caught:
        analyze(Article(text=text))
    assert len(str(caught.value).splitlines()) == 1
    with pytest.raises(InputError, match="story-1: text"):
        Pipeline()(Article(text=text, id="story-1"))
