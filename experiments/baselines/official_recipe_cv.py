"""The SemEval-2023 Task 3 organisers' baseline recipe, cross-validated exactly like Spinscope's models.

The organisers' baselines (distributed with the data, scripts `baselines/st{1,2,3}.py`) fit word 1-2-gram counts
(scikit-learn CountVectorizer defaults) and a linear-kernel SVC with C=1 and no class weights: one SVC per label
for frames (subtask 2, whole article) and techniques (subtask 3, one row per template paragraph), and one
multiclass SVC for genre (subtask 1, whole article). Their published numbers are on the dev set, for English,
Italian and Russian only. To compare with our cross-validated scores on every language, this script re-runs that
recipe inside the same article-grouped folds (`spinscope.evaluation.crossval`) and scores it with the same metric
code (`spinscope.evaluation.metrics`).

    python experiments/baselines/official_recipe_cv.py [--languages en it ru fr ge po] [--subtasks 1 2 3]

Prints one JSON line per (language, subtask) and a Markdown table at the end. Needs scikit-learn (dev extra).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from sklearn.feature_extraction.text import CountVectorizer
from sklearn.multioutput import MultiOutputClassifier
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.svm import SVC

from spinscope.data import ISO_CODE, default_data_root, load_semeval2023
from spinscope.evaluation import metrics
from spinscope.evaluation.crossval import cross_validate

# our per-language fold counts, as used for the shipped models' CV numbers
TECHNIQUE_FOLDS = {"en": 5}
DEFAULT_FOLDS = 5


def _vectoriser() -> CountVectorizer:
    return CountVectorizer(ngram_range=(1, 2), analyzer="word")


def _svc() -> SVC:
    return SVC(class_weight=None, C=1, kernel="linear")


class GenreBaseline:
    def fit(self, articles):
        self.pipe_ = (_vectoriser(), _svc())
        X = self.pipe_[0].fit_transform([a.text for a in articles])
        self.pipe_[1].fit(X, [a.gold["genre"] for a in articles])
        return self

    def annotate(self, article):
        label = self.pipe_[1].predict(self.pipe_[0].transform([article.text]))[0]
        article.genre = {"label": str(label), "probabilities": {}}
        return article


class MultiLabelBaseline:
    """One linear SVC per label over word 1-2-gram counts of a text unit (article or paragraph)."""

    def _fit_units(self, texts, label_sets):
        self.binariser_ = MultiLabelBinarizer()
        Y = self.binariser_.fit_transform(label_sets)
        keep = [j for j in range(Y.shape[1]) if 0 < Y[:, j].sum() < len(Y)]  # SVC needs both classes
        self.labels_ = [self.binariser_.classes_[j] for j in keep]
        self.vectoriser_ = _vectoriser()
        X = self.vectoriser_.fit_transform(texts)
        self.model_ = MultiOutputClassifier(_svc(), n_jobs=1).fit(X, Y[:, keep])
        return self

    def _predict_units(self, texts):
        predicted = self.model_.predict(self.vectoriser_.transform(texts))
        return [[label for label, on in zip(self.labels_, row) if on] for row in predicted]


class FramesBaseline(MultiLabelBaseline):
    def fit(self, articles):
        return self._fit_units([a.text for a in articles], [a.gold["frames"] for a in articles])

    def annotate(self, article):
        (frames,) = self._predict_units([article.text])
        article.frames = [{"frame": f, "probability": 1.0, "paragraphs": []} for f in frames]
        return article


def _template_paragraphs(article):
    """(line, text) of the gold template lines: the units the official subtask-3 baseline classifies."""
    lines = article.text.split("\n")
    return [(int(line), lines[int(line) - 1]) for line in sorted(article.gold.get("paragraphs", {}), key=int)
            if int(line) - 1 < len(lines)]


class TechniquesBaseline(MultiLabelBaseline):
    def fit(self, articles):
        texts, labels = [], []
        for article in articles:
            for line, text in _template_paragraphs(article):
                texts.append(text)
                labels.append(article.gold["paragraphs"][line] if line in article.gold["paragraphs"]
                              else article.gold["paragraphs"].get(str(line), []))
        return self._fit_units(texts, labels)

    def annotate(self, article):
        units = [(line, text) for line, text in _template_paragraphs(article)]
        predicted = dict(zip([line for line, _ in units], self._predict_units([t for _, t in units]) if units else []))
        for paragraph in article.paragraphs:
            paragraph.techniques = predicted.get(paragraph.line, [])
        return article


SUBTASKS = {
    1: ("genre", GenreBaseline, "genre", lambda r: r["genre"]["macro_f1"]),
    2: ("frames", FramesBaseline, None, lambda r: r["frames"]["micro_f1"]),
    3: ("paragraphs", TechniquesBaseline, None, lambda r: r["techniques"]["micro_f1"]),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=default_data_root() / "semeval2023")
    parser.add_argument("--languages", nargs="+", default=["en", "it", "ru", "fr", "ge", "po"])
    parser.add_argument("--subtasks", nargs="+", type=int, default=[1, 2, 3])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if not args.data.exists():
        print(f"official_recipe_cv: {args.data} not found (the SemEval-2023 data must sit in ../shared)", file=sys.stderr)
        return 2
    table = {}
    for folder in args.languages:
        articles = load_semeval2023(args.data / folder)
        for subtask in args.subtasks:
            gold_field, detector, stratify, official = SUBTASKS[subtask]
            labelled = [a for a in articles if gold_field in a.gold]
            folds = TECHNIQUE_FOLDS.get(folder, 3) if subtask == 3 else DEFAULT_FOLDS
            started = time.perf_counter()
            predicted = cross_validate(detector, labelled, n_folds=folds, seed=args.seed, stratify=stratify)
            report = metrics.evaluate_articles(predicted)
            score = official(report)
            language = ISO_CODE.get(folder, folder)
            table[(language, subtask)] = score
            print(json.dumps({"language": language, "subtask": subtask, "folds": folds, "articles": len(labelled),
                              "official_metric": round(score, 4), "seconds": round(time.perf_counter() - started, 1)}),
                  flush=True)
    languages = [ISO_CODE.get(f, f) for f in args.languages]
    print("\n| official baseline recipe, same CV | " + " | ".join(languages) + " |")
    print("| --- |" + " --- |" * len(languages))
    names = {1: "genre macro-F1", 2: "frames micro-F1", 3: "techniques micro-F1"}
    for subtask in args.subtasks:
        print(f"| {names[subtask]} | " + " | ".join(f"{table[(l, subtask)]:.3f}" for l in languages) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
