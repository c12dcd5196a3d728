"""Evaluation: official SemEval metrics, submission formats and article-grouped cross-validation."""

from .crossval import article_folds, cross_validate
from .metrics import (
    brier_score,
    calibration_report,
    evaluate_articles,
    expected_calibration_error,
    format_report_table,
    frame_scores,
    genre_scores,
    labelled_span_scores,
    multilabel_scores,
    reliability_table,
    span_identification_scores,
    span_scores,
    strict_span_scores,
    technique_scores,
)
from .semeval_format import (
    read_spans,
    read_subtask1,
    read_subtask2,
    read_subtask3,
    read_template,
    write_spans,
    write_subtask1,
    write_subtask2,
    write_subtask3,
)

__all__ = [
    "article_folds", "cross_validate", "brier_score", "calibration_report", "evaluate_articles",
    "expected_calibration_error", "format_report_table", "frame_scores", "genre_scores", "labelled_span_scores",
    "multilabel_scores", "reliability_table", "span_identification_scores", "span_scores", "strict_span_scores",
    "technique_scores", "read_spans", "read_subtask1", "read_subtask2", "read_subtask3", "read_template",
    "write_spans", "write_subtask1", "write_subtask2", "write_subtask3",
]
