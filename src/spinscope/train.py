"""Training, cross-validated evaluation and SemEval-format prediction for the components.

The CLI's `train`, `evaluate` and `predict-semeval` commands are thin wrappers over these functions.
"""

from __future__ import annotations

import importlib
import inspect
import platform
import time
from pathlib import Path

from .data import ARTICLE_FILE, ISO_CODE, LABEL_FILES, LANGUAGES, SPAN_FOLDER, load_ptc2020, load_semeval2023
from .detectors.base import Detector, check_model_folder, load_detector
from .errors import InputError, ModelError
from .settings import Settings
from .types import Article

COMPONENT_CLASSES = {
    "techniques": ("spinscope.detectors.techniques", "TechniqueDetector"),
    "genre": ("spinscope.detectors.genre", "GenreDetector"),
    "frames": ("spinscope.detectors.frames", "FrameDetector"),
}


def load_corpus(data: list[Path], languages: list[str], ptc: Path | None = None) -> list[Article]:
    """Articles from SemEval-2023 folders: each path is the semeval2023 root or one language folder."""
    articles: list[Article] = []
    for path in data:
        path = Path(path)
        if not path.is_dir():
            raise InputError(f"{path}: no such data folder")
        if any(path.glob("train-articles-subtask-*")) or any(path.glob("train-labels-subtask-*")):
            articles.extend(load_semeval2023(path))
            continue
        folder_of = {iso: folder for folder, iso in ISO_CODE.items()}
        for lang in languages:
            lang = folder_of.get(lang, lang)  # the ISO code of a folder names it too ("de" for "ge")
            if lang not in LANGUAGES:
                raise InputError(f"unknown language folder {lang!r}: use one of {', '.join(LANGUAGES)} "
                                 "(or de, pl)")
            if not (path / lang).is_dir():
                raise InputError(f"{path / lang}: no such language folder")
            articles.extend(load_semeval2023(path / lang))
    if ptc is not None:
        if not Path(ptc).is_dir():
            raise InputError(f"{ptc}: no such PTC-2020 folder")
        articles.extend(load_ptc2020(ptc))
    if not articles:
        raise InputError("no labelled articles found in " + ", ".join(str(p) for p in data))
    return articles


def _module(component: str):
    if component not in COMPONENT_CLASSES:
        raise InputError(f"unknown component {component!r}")
    return importlib.import_module(COMPONENT_CLASSES[component][0])


def _seeded(cls: type, params: dict, seed: int) -> dict:
    """`params` with the seed set, for detector classes that take one."""
    if "seed" in inspect.signature(cls.__init__).parameters:
        return {**params, "seed": seed}
    return params


def labelled_articles(component: str, articles: list[Article]) -> list[Article]:
    """The articles carrying `component`'s labels; an InputError saying what is missing and where when none do."""
    _module(component)
    if component == "techniques":
        # the sentence model and the CRF span tagger learn from the span offsets: paragraph labels alone would
        # train a detector that cannot place its spans
        missing = sorted({Path(a.source).parent for a in articles if "paragraphs" in a.gold and "spans" not in a.gold})
        if missing:
            raise InputError(f"{missing[0] / SPAN_FOLDER}: no such folder; the technique detector learns from these "
                             f"span labels, not only from {LABEL_FILES['techniques']}")
    labelled = [a for a in articles if _has_gold(component, a)]
    files = [Path(f) / LABEL_FILES[component]
             for f in sorted({str(Path(a.source).parent) for a in articles if not a.gold.get("corpus")})]
    if not labelled:
        looked = ", ".join(f"{f}{'' if f.exists() else ' (no such file)'}" for f in files)
        raise InputError(f"no {component} labels for any of the {len(articles)} articles read; looked in {looked}")
    genres = {a.gold["genre"] for a in labelled} if component == "genre" else set()
    if len(genres) == 1:
        raise InputError(f"every genre label in {', '.join(map(str, files))} is {genres.pop()!r}; the genre "
                         "classifier needs at least two genres to learn from")
    return labelled


def describe(articles: list[Article]) -> str:
    """'40 articles (en)' / '60 articles (de 20, en 40)': how many articles, in which languages."""
    languages = _corpus_summary(articles)["languages"]
    if len(languages) == 1:
        return f"{len(articles)} articles ({next(iter(languages))})"
    return f"{len(articles)} articles ({', '.join(f'{k} {n}' for k, n in sorted(languages.items()))})"


def train_component(component: str, articles: list[Article], seed: int = 0, **params) -> Detector:
    module = _module(component)
    articles = labelled_articles(component, articles)
    started = time.perf_counter()
    cls = getattr(module, COMPONENT_CLASSES[component][1])
    detector = module.train(articles, **_seeded(cls, params, seed))
    detector.metadata_ = {
        **getattr(detector, "metadata_", {}),
        "trained_on": _corpus_summary(articles),
        "train_seconds": round(time.perf_counter() - started, 1),
        "python": platform.python_version(),
    }
    return detector


def train_vectors(articles: list[Article], out: Path, encoder: Path | None = None, min_df: int = 1,
                  command: str = "") -> list[Path]:
    """Distil static word vectors per language from the training texts (`out/<iso language>/`)."""
    from .detectors.static_vectors import distill

    by_language: dict[str, dict[str, str]] = {}
    for article in articles:  # one text per article id
        by_language.setdefault(article.language, {})[article.id] = article.text
    for language in by_language:
        check_model_folder(Path(out) / language)
    written = []
    for language, texts in sorted(by_language.items()):
        vectors = distill(texts.values(), language, encoder=encoder, min_df=min_df)
        vectors.params.update({"trained_on": {"articles": len(texts)}, "command": command})
        written.append(vectors.save(Path(out) / language))
    return written


def train_span_encoder(articles: list[Article], out: Path, seed: int = 0, log=None, command: str = "",
                       **params) -> list[Path]:
    """Fine-tune the span encoder per language on the articles that carry span labels (`out/<iso language>/`)."""
    from .detectors.span_encoder import SpanEncoder

    by_language: dict[str, dict[str, Article]] = {}
    for article in articles:  # one article per id: the span labels are the subtask-3 ones
        if "paragraphs" in article.gold:
            by_language.setdefault(article.language, {}).setdefault(article.id, article)
    if not by_language:
        raise InputError("no articles with technique span labels to fine-tune the span encoder on")
    for language in by_language:
        check_model_folder(Path(out) / language)
    written = []
    for language, chosen in sorted(by_language.items()):
        encoder = SpanEncoder(seed=seed, **params).fit(list(chosen.values()), log=log)
        encoder.metadata_.update({"trained_on": {"articles": len(chosen)}, "command": command})
        written.append(encoder.save(Path(out) / language))
    return written


def save_component(detector: Detector, out: Path, command: str = "") -> Path:
    metadata = dict(getattr(detector, "metadata_", {}))
    if command:
        metadata["command"] = command
    return detector.save(out, metadata=metadata)


def _corpus_summary(articles: list[Article]) -> dict:
    languages: dict[str, int] = {}
    for article in articles:
        languages[article.language] = languages.get(article.language, 0) + 1
    return {"articles": len(articles), "languages": languages}


def _detector_factory(component: str, model_dir: Path | None, seed: int, languages: list[str]):
    """A fresh unfitted detector with the configuration of `model_dir` (or the component's defaults), for the
    `languages` of the articles it is evaluated on (a technique detector otherwise trains English only, or, with
    the shipped configuration, asks for all six languages)."""
    expected = getattr(_module(component), COMPONENT_CLASSES[component][1])
    if model_dir is None:
        cls, params = expected, {}
    else:
        configured = load_detector(model_dir)
        if not isinstance(configured, expected):
            raise ModelError(f"{model_dir}: holds a {type(configured).__name__} model, not a {component} model")
        cls, params = type(configured), configured.get_params()
    if "languages" in inspect.signature(cls.__init__).parameters:
        params = {**params, "languages": tuple(languages)}
    params = _seeded(cls, params, seed)
    return lambda: cls(**params)


def _rarest_frame(articles: list[Article]):
    """Each article's rarest gold frame (over `articles`), to stratify frame folds as the shipped models' CV did
    (`experiments/article_level/train_models.py`)."""
    frequency: dict[str, int] = {}
    for article in articles:
        for frame in article.gold.get("frames") or []:
            frequency[frame] = frequency.get(frame, 0) + 1

    def key(article: Article) -> str:
        present = [f for f in article.gold.get("frames") or [] if f in frequency]
        return min(present, key=lambda f: (frequency[f], f)) if present else "none"
    return key


class _WithFoldEncoders:
    """For cross-validation with the span encoder: fits the technique detector, then fine-tunes its own encoders
    on the same (fold's training) articles, for the languages that ship one, in a temporary folder."""

    def __init__(self, detector: Detector, seed: int, folders: list[str]):
        self.detector, self.seed, self.folders = detector, seed, folders

    def fit(self, articles: list[Article]) -> "_WithFoldEncoders":
        import tempfile

        from .detectors import span_encoder

        self.detector.fit(articles)
        languages = {a.language for a in articles if span_encoder.load_for_language(None, a.language)}
        if languages:
            folder = tempfile.mkdtemp(prefix="spinscope-fold-encoders-")
            self.folders.append(folder)
            train_span_encoder([a for a in articles if a.language in languages], Path(folder), seed=self.seed)
            self.detector.set_params(span_encoder=folder)
        return self

    def annotate(self, article: Article) -> Article:
        return self.detector.annotate(article)


def evaluate_component(component: str, articles: list[Article], model_dir: Path | None = None, folds: int = 5,
                       seed: int = 0, span_encoder_folds: bool = False) -> dict:
    """Article-grouped k-fold cross-validation with the official metric of the component's subtask.

    Techniques run without the span encoder unless `span_encoder_folds`: the packaged encoder was fine-tuned on
    every training article, so each fold then fine-tunes its own (needs the [distill] extra; ~16 min a fold for
    English on 2 cores). Its spans' confidences are then without the packaged encoder's confidence map."""
    from .evaluation import crossval, metrics

    labelled = labelled_articles(component, articles)
    if len(labelled) < folds:
        raise InputError(f"only {len(labelled)} articles carry {component} labels; need at least {folds}")
    if span_encoder_folds and component == "techniques":
        from .detectors.static_vectors import training_modules

        training_modules("fine-tuning a span encoder in every fold")  # fail before any fold runs, not after one
    started = time.perf_counter()
    languages = sorted({a.language or "en" for a in labelled})
    make = _detector_factory(component, model_dir, seed, languages)
    factory = make
    encoder_folders: list[str] = []
    if component == "techniques" and span_encoder_folds:
        def factory():
            return _WithFoldEncoders(make(), seed, encoder_folders)
    elif component == "techniques":
        # the span encoder is fine-tuned once, on every training article (`train span-encoder`, with torch), so
        # inside a fold it would have seen the held-out articles: the folds run the detector without it
        def factory():
            return make().set_params(encoder_weight=0.0)
    try:
        stratify = {"genre": "genre", "frames": _rarest_frame(labelled)}.get(component)
        predicted = crossval.cross_validate(factory, labelled, n_folds=folds, seed=seed, stratify=stratify)
    finally:
        import shutil

        for folder in encoder_folders:
            shutil.rmtree(folder, ignore_errors=True)
    scored = [a for a in predicted if _has_gold(component, a) and a.id and not a.gold.get("corpus")]
    full = metrics.evaluate_articles(scored)
    report = {key: full[key] for key in REPORT_SECTIONS[component] if key in full}
    calibration = full.get("calibration", {}).get(component)
    if calibration:
        report["calibration"] = {component: calibration}
    report["folds"] = folds
    report["articles"] = len(scored)
    report["languages"] = sorted({a.language for a in scored})
    report["seconds"] = round(time.perf_counter() - started, 1)
    if component == "techniques" and span_encoder_folds:
        report["span_encoder"] = ("fine-tuned anew in every fold on that fold's training articles "
                                  "(confidences without the packaged encoder's map)")
    elif component == "techniques":
        report["span_encoder"] = ("not used in these folds (it is fine-tuned on all training articles); "
                                  "--span-encoder-folds fine-tunes one per fold")
    return report


REPORT_SECTIONS = {"techniques": ("techniques", "spans"), "genre": ("genre",), "frames": ("frames",)}


def _has_gold(component: str, article: Article) -> bool:
    key = {"techniques": "spans", "genre": "genre", "frames": "frames"}[component]
    return key in article.gold


def format_report(component: str, report: dict) -> str:
    from .evaluation import metrics

    title = f"{component}: {report.get('folds')}-fold article-grouped cross-validation, {report.get('articles')} articles"
    if report.get("span_encoder"):
        title += f"\nspan encoder: {report['span_encoder']}"
    return title + "\n" + metrics.format_report_table(report)


SUBTASK_COMPONENTS = {1: "genre", 2: "frames", 3: "techniques"}


def predict_semeval(subtask: int, articles_dir: Path, out: Path, settings: Settings) -> int:
    """Analyse every article*.txt in `articles_dir` and write the official subtask format to `out`."""
    from .evaluation import semeval_format
    from .ingest import Failure, iter_articles
    from .pipeline import Pipeline

    if not Path(articles_dir).is_dir():
        raise InputError(f"{articles_dir}: no such folder")
    language = settings.language or ISO_CODE.get(Path(articles_dir).resolve().parent.name)
    pipeline = Pipeline(settings.with_changes(language=language))
    component = SUBTASK_COMPONENTS[subtask]
    predicted = []
    # only the SemEval article files: another .txt/.html there (notes, a README) must not become a submission row
    files = sorted(str(f) for f in Path(articles_dir).iterdir() if f.is_file() and ARTICLE_FILE.match(f.name))
    if not files:
        raise InputError(f"{articles_dir}: no SemEval article<id>.txt files in this folder")
    for item in iter_articles(files, settings):
        if isinstance(item, Failure):
            raise InputError(item.reason)  # the reason names the input
        article = pipeline(item)
        if component not in article.models:  # unsupported language or missing model: no prediction was made,
            # and a submission of empty rows would look like a real one
            why = "; ".join(article.warnings) or f"no {component} model ran"
            raise InputError(f"no subtask {subtask} prediction for {item.source}: {why}")
        predicted.append(article)
    writer = {1: semeval_format.write_subtask1, 2: semeval_format.write_subtask2, 3: semeval_format.write_subtask3}
    out.parent.mkdir(parents=True, exist_ok=True)
    writer[subtask](predicted, out)
    return len(predicted)
