"""The detector contract, after scikit-learn's: `__init__` only stores parameters, `fit()` returns self,
learned state ends in `_`, and `save()/load()` keep the parameters as JSON next to the weights."""

from __future__ import annotations

import functools
import importlib
import inspect
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import ModelError
from ..types import Article

PARAMS_FILE = "params.json"


def undone_on_failure(fit):
    """Decorator for a `fit` method: whatever learned state a fit that raises (or is interrupted) has set is
    undone, so the object is afterwards fitted as it was before, or not fitted, never half-fitted."""
    @functools.wraps(fit)
    def wrapper(self, *args, **kwargs):
        before = dict(vars(self))
        try:
            return fit(self, *args, **kwargs)
        except BaseException:
            vars(self).clear()
            vars(self).update(before)
            raise
    return wrapper


def check_model_folder(directory: str | Path) -> Path:
    """The folder a model may be saved in (links resolved): a new or empty folder, or one holding a model,
    which the save replaces. A file, or a folder of other things, is a ModelError: saving there would delete
    what the user keeps in it. Training calls this first, so a long fit does not end in a refused save."""
    directory = Path(directory)
    if directory.is_symlink():  # replace the folder the link points at, not the link
        directory = directory.resolve()
    if directory.exists():
        if not directory.is_dir():
            raise ModelError(f"{directory} is a file, not a model folder")
        if not (directory / PARAMS_FILE).is_file() and any(directory.iterdir()):
            raise ModelError(f"{directory} is a folder that holds no Spinscope model ({PARAMS_FILE} missing); "
                             "choose a new or empty folder to save a model in")
    return directory


@contextmanager
def replacing_folder(directory: str | Path) -> Iterator[Path]:
    """Write a model folder whole or not at all: yields an empty staging folder beside `directory`; when the
    block ends without an error the staging folder takes `directory`'s place (the old model, if any, goes only
    then); on any error or interrupt it is removed and `directory` is left as it was."""
    directory = check_model_folder(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    tag = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    staging = directory.parent / f".{directory.name}.saving-{tag}"
    staging.mkdir()
    try:
        yield staging
        if directory.exists():
            old = directory.parent / f".{directory.name}.old-{tag}"
            os.replace(directory, old)
            try:
                os.replace(staging, directory)
            except BaseException:
                os.replace(old, directory)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, directory)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


class Detector:
    """Base class. Subclasses set `name`, implement `fit`, `annotate`, `_save_weights` and `_load_weights`."""

    name = "detector"

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor's parameters (scikit-learn's contract; `deep` changes nothing: no nested estimators)."""
        signature = inspect.signature(type(self).__init__)
        return {p: getattr(self, p) for p in signature.parameters if p != "self"}

    def set_params(self, **params) -> "Detector":
        valid = self.get_params()
        unknown = sorted(set(params) - set(valid))
        if unknown:  # as scikit-learn does: a misspelt name must not be ignored silently
            raise ValueError(f"invalid parameter {unknown[0]!r} for {type(self).__name__}; valid parameters: "
                             f"{', '.join(sorted(valid))}")
        for key, value in params.items():
            setattr(self, key, value)
        return self

    def fit(self, articles: list[Article], **kwargs) -> "Detector":  # pragma: no cover - abstract
        raise NotImplementedError

    def annotate(self, article: Article) -> Article:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def is_fitted(self) -> bool:
        return any(k.endswith("_") and not k.startswith("_") for k in vars(self))

    def _check_fitted(self) -> None:
        if not self.is_fitted:
            raise ModelError(f"the {self.name} detector is not fitted")

    @property
    def version(self) -> str:
        return getattr(self, "version_", "unfitted")

    def save(self, directory: str | Path, metadata: dict[str, Any] | None = None) -> Path:
        if not self.is_fitted:
            raise ModelError(f"{self.name} detector is not fitted; nothing to save")
        record = {
            "class": f"{type(self).__module__}.{type(self).__qualname__}",
            "name": self.name,
            "version": getattr(self, "version_", self.version),  # the fitted model's own (not analysis options)
            "params": self.get_params(),
            "metadata": metadata or getattr(self, "metadata_", {}),
        }
        with replacing_folder(directory) as staging:
            self._save_weights(staging)
            (staging / PARAMS_FILE).write_text(json.dumps(record, indent=2, sort_keys=True, default=str) + "\n")
        return Path(directory)

    @classmethod
    def load(cls, directory: str | Path) -> "Detector":
        directory = Path(directory)
        record = _read_params(directory)
        expected = f"{cls.__module__}.{cls.__qualname__}"
        if cls is not Detector and record["class"] != expected:
            raise ModelError(f"{directory} holds a {record['class'].rpartition('.')[2]} model, not a "
                             f"{cls.__qualname__}; use load_detector() to load whichever it is")
        # JSON has no tuples: a parameter whose default is a tuple gets its list back as one, as get_params gave it
        defaults = {name: p.default for name, p in inspect.signature(cls.__init__).parameters.items()}
        params = {key: tuple(value) if isinstance(value, list) and isinstance(defaults.get(key), tuple) else value
                  for key, value in record["params"].items()}
        try:
            detector = cls(**params)
        except TypeError as exc:  # a parameter this version does not know
            raise ModelError(f"cannot load {cls.name} model from {directory}: {exc}") from exc
        detector.version_ = record.get("version", "unknown")
        detector.metadata_ = record.get("metadata", {})
        try:
            detector._load_weights(directory)
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(f"cannot load {cls.name} model from {directory}: {exc}") from exc
        return detector

    def _save_weights(self, directory: Path) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _load_weights(self, directory: Path) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


def _read_params(directory: Path) -> dict[str, Any]:
    path = directory / PARAMS_FILE
    try:
        record = json.loads(path.read_text())
    except FileNotFoundError as exc:
        raise ModelError(f"no model at {directory} ({PARAMS_FILE} missing)") from exc
    except (OSError, ValueError) as exc:
        raise ModelError(f"unreadable model file {path}: {exc}") from exc
    if not isinstance(record, dict) or "class" not in record or "params" not in record:
        raise ModelError(f"{path} is not a Spinscope model description")
    return record


def load_detector(directory: str | Path) -> Detector:
    """Load whichever detector class the model folder names in its params.json."""
    directory = Path(directory)
    record = _read_params(directory)
    module_name, _, class_name = record["class"].rpartition(".")
    if not module_name.startswith("spinscope."):
        raise ModelError(f"{directory}: refusing to load non-Spinscope class {record['class']!r}")
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as exc:
        raise ModelError(f"{directory}: unknown detector class {record['class']!r}") from exc
    return cls.load(directory)
