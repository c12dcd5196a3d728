"""Runs the components over an `Article`: segment, detect language, each detector, then the article score."""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from . import language as _language
from .detectors.base import PARAMS_FILE, Detector, load_detector
from .errors import InputError, ModelError
from .language import SUPPORTED, detect_language
from .segment import segment
from .settings import Settings, checked_settings, normalise_language
from .types import Article

log = logging.getLogger(__name__)


def _files_state(model_dir: Path, names: tuple[str, ...]) -> tuple:
    """Each component's params.json as (inode, mtime, size), None when missing: save() writes it last, so a model
    fitted and saved again into the same folder changes it, and a new `Pipeline` loads the new model."""
    state = []
    for name in names:
        try:
            info = (Path(model_dir) / name / PARAMS_FILE).stat()
        except OSError:
            state.append(None)
        else:
            state.append((info.st_ino, info.st_mtime_ns, info.st_size))
    return tuple(state)


@lru_cache(maxsize=8)
def _load_components(model_dir: Path, names: tuple[str, ...], span_encoder: bool = True, files_state: tuple = ()
                     ) -> tuple[tuple[str, Detector | None, str], ...]:
    loaded = []
    for name in names:
        directory = Path(model_dir) / name
        if not (directory / PARAMS_FILE).exists():
            loaded.append((name, None, f"no {name} model in {model_dir}; {name} results are missing"))
            continue
        detector = load_detector(directory)
        if detector.name != name:  # e.g. a frames model saved under <model_dir>/genre
            raise ModelError(f"{directory} holds a {detector.name} model ({type(detector).__name__}), "
                             f"not a {name} model")
        if not span_encoder and "encoder_weight" in detector.get_params():
            detector.set_params(encoder_weight=0.0)  # this cache entry's own copy: the CRF tagger alone
        loaded.append((name, detector, ""))
    if names and all(detector is None for _, detector, _ in loaded):
        # a wrong --model-dir would otherwise give "results" with no models in them and exit 0
        raise ModelError(f"no Spinscope model in {model_dir}: none of {', '.join(n + '/' for n in names)} holds a "
                         f"{PARAMS_FILE}; give a folder that `spinscope train` wrote models into")
    return tuple(loaded)


class Pipeline:
    """Callable that analyses an `Article` in place and returns it (text, a path or a URL are read first with
    `ingest.load_one` and the pipeline's settings, as `analyze` does)."""

    def __init__(self, settings: Settings | None = None):
        self.settings = checked_settings(settings)

    @property
    def components(self) -> tuple[tuple[str, Detector | None, str], ...]:
        model_dir, names = Path(self.settings.model_dir), tuple(self.settings.components)
        return _load_components(model_dir, names, self.settings.span_encoder, _files_state(model_dir, names))

    def __call__(self, article: Article | str | Path) -> Article:
        from .aggregate import score_article
        from .ingest import _check_encodable, load_one

        if not isinstance(article, Article):
            article = load_one(article, self.settings)
        # an Article is trusted input (no size or blank checks), but its text must be a str the models can encode
        name = article.source or article.id or "article"
        if not isinstance(article.text, str):
            raise InputError(f"{name}: text must be a string, not {type(article.text).__name__}")
        _check_encodable(article.text, name, "text")
        # analysing an already analysed Article replaces its results: it starts again from the article as it
        # came in (its own language and ingest warnings), not from the last analysis's language and warnings
        if article.input_state is None:
            article.input_state = (article.language, tuple(article.warnings))
        article.language, article.warnings = article.input_state[0], list(article.input_state[1])
        article.spans, article.genre, article.frames, article.models = [], None, [], {}
        article.hidden_spans = 0
        segment(article)
        language = self.settings.language
        if language is None and article.language:  # the input's own (a JSONL/CSV column): "EN-gb" means "en"
            try:
                language = normalise_language(article.language)
            except ValueError as exc:
                article.warnings.append(f"the input's language field: {exc}; the language was detected instead")
        article.language = language or detect_language(article.text)
        supported = article.language in SUPPORTED
        if not article.language:  # too little text to tell, not an unsupported language
            article.warnings.append(
                "the language could not be detected (too little text); only language-independent results are "
                "given: name it (--lang de, or \"language\": \"de\" in the API)")
        elif not supported:
            article.warnings.append(
                f"language {article.language!r} is not supported; only language-independent results are given")
        for name, detector, problem in self.components:
            if detector is None:
                article.warnings.append(problem)
                continue
            if not supported or not _handles(detector, article.language):
                if supported:
                    article.warnings.append(f"the {name} model does not cover language {article.language!r}")
                continue
            detector.annotate(article)
            article.models[name] = detector.version
        score_article(article)
        cut = self.settings.min_confidence
        if cut > 0:  # a display filter: the score and the paragraph labels are the model's, from every span
            shown = [s for s in article.spans if s.confidence >= cut]
            article.hidden_spans = len(article.spans) - len(shown)
            article.spans = shown
            if article.hidden_spans:
                article.warnings.append(f"{article.hidden_spans} span(s) with a confidence below {cut:g} are hidden; "
                                        "the score and the paragraph labels still count them")
        return article

    def warm_up(self) -> "Pipeline":
        self.components  # noqa: B018 - loads the models once
        _language.warm_up()  # and the language profiles, before threads share the pipeline
        return self


def _handles(detector: Detector, language: str) -> bool:
    languages = getattr(detector, "languages_", None) or detector.get_params().get("languages")
    return not languages or language in languages


def get_pipeline(settings: Settings | None = None) -> Pipeline:
    return Pipeline(settings)


def analyze(source, settings: Settings | None = None) -> Article:
    """Analyse text, a path, a URL or an `Article` and return the annotated `Article`."""
    from .ingest import load_one

    settings = settings or Settings()
    article = source if isinstance(source, Article) else load_one(source, settings)
    return Pipeline(settings)(article)
