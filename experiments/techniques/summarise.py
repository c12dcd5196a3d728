"""Write the cross-validation summary recorded in the shipped model's params.json metadata.

    python experiments/techniques/summarise.py RESULT_NAME [BATCH_RESULT_NAME] > experiments/techniques/cv_summary.json

Reads $SPINSCOPE_EXPERIMENT_CACHE/results.jsonl (written by cv.py); the last entry with each name wins.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import CACHE  # noqa: E402


def compact(result: dict) -> dict:
    paragraph = result["paragraph"]
    return {
        "paragraph_micro_f1": round(paragraph["micro_f1"], 4),
        "paragraph_precision": round(paragraph["precision"], 4),
        "paragraph_recall": round(paragraph["recall"], 4),
        "paragraph_macro_f1_over_techniques_present": round(paragraph["macro_f1"], 4),
        "paragraph_micro_f1_reporting_articles_only": round(result["paragraph_reporting_only"]["micro_f1"], 4),
        "per_technique_f1": {t: round(v["f1"], 4) for t, v in paragraph["per_technique"].items()},
        "spans": {k: round(v, 4) for k, v in result["spans"].items()},
        "ece_paragraph_scores_all_pairs": round(result["ece_paragraph_all_pairs"], 4),
        "ece_paragraph_scores_pairs_p_ge_0.05": round(result["ece_paragraph_pairs_p_ge_0.05"], 4),
        "ece_span_confidence": round(result["ece_spans"], 4),
    }


def main() -> None:
    entries = {}
    for line in (CACHE / "results.jsonl").read_text().splitlines():
        record = json.loads(line)
        entries[record["name"]] = record
    out = {}
    for name, label in zip(sys.argv[1:], ["article_grouped_5fold", "batch_split_7xxx_vs_rest"]):
        record = entries[name]
        out[label] = {"experiment": name, "params": record["params"], **compact(record["result"])}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
