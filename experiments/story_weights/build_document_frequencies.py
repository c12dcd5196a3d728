"""Build src/spinscope/models/stories/document_frequency.json.gz: the background document frequencies that weight
the story-similarity features (`spinscope.cluster`), so that a pair's similarity does not depend on which other
articles are compared alongside it.

For each SemEval-2023 Task 3 training language (all subtasks, one copy per article id, as `load_semeval2023` reads
them) it counts in how many articles each clustering feature occurs: the stemmed content words
(`cluster.content_terms`) and the named-entity keys (`cluster.entity_keys`, "e:..."), exactly as clustering
extracts them at run time. Features found in fewer than --min-df articles of a language are left out (they count as
unseen, i.e. rare). Only counts are stored, no text.

Dates are weighted by their kind, not by their value (the corpus was written in 2014-2022, so the value of a year
says when the corpus was collected, not how specific a date is): for each kind of date key (year, month, full date,
month and day) the table stores the document frequency of the key behind a typical mention of that kind (the
mean over mentions of their key's document frequency) and the number of articles.

    python experiments/story_weights/build_document_frequencies.py          # writes the shipped table
    python experiments/story_weights/build_document_frequencies.py --check  # compares a rebuild with it

The output is byte-for-byte reproducible (sorted keys, gzip without a time stamp).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter
from pathlib import Path

from spinscope.cluster import (BACKGROUND_PATH, STEM_LENGTH, content_terms, date_keys, date_kind, entity_keys,
                               named_entities)
from spinscope.data import ISO_CODE, LANGUAGES, default_data_root, load_semeval2023

FORMAT = 1


def build(data_root: Path, min_df: int) -> dict:
    languages: dict[str, dict] = {}
    date_frequency: Counter = Counter()
    date_mentions: list[str] = []
    total = 0
    for folder in LANGUAGES:
        articles = load_semeval2023(data_root / "semeval2023" / folder)
        frequency: Counter = Counter()
        for article in articles:
            frequency.update(set(content_terms(article.text)) | set(entity_keys(named_entities(article.text))))
            keys = date_keys(article.text)
            date_frequency.update(set(keys))
            date_mentions.extend(keys)
        total += len(articles)
        languages[ISO_CODE[folder]] = {
            "articles": len(articles),
            "df": {feature: count for feature, count in sorted(frequency.items()) if count >= min_df},
        }
        print(f"{folder}: {len(articles)} articles, {len(frequency)} features, "
              f"{len(languages[ISO_CODE[folder]]['df'])} kept (df >= {min_df})", file=sys.stderr)
    by_kind: dict[str, list[int]] = {}
    for key in date_mentions:
        by_kind.setdefault(date_kind(key), []).append(date_frequency[key])
    dates = {kind: round(sum(values) / len(values), 2) for kind, values in sorted(by_kind.items())}
    return {
        "format": FORMAT,
        "description": "document frequencies of the story-clustering features (stemmed content words; 'e:' entity "
                       "keys) per language over the SemEval-2023 Task 3 training articles; dates: per kind of date "
                       "key, the mean over mentions of the key's document frequency over all languages' articles",
        "command": "python experiments/story_weights/build_document_frequencies.py",
        "stem_length": STEM_LENGTH,
        "min_df": min_df,
        "languages": languages,
        "dates": {"articles": total, "df": dates},
    }


def encode(table: dict) -> bytes:
    raw = json.dumps(table, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return gzip.compress(raw, compresslevel=9, mtime=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=default_data_root(), help="folder holding semeval2023/")
    parser.add_argument("--min-df", type=int, default=2)
    parser.add_argument("--out", type=Path, default=BACKGROUND_PATH)
    parser.add_argument("--check", action="store_true", help="rebuild and compare with --out, write nothing")
    args = parser.parse_args()
    table = build(args.data, args.min_df)
    data = encode(table)
    if args.check:
        old = json.loads(gzip.decompress(args.out.read_bytes()))
        for language, entry in table["languages"].items():
            before = old["languages"].get(language, {}).get("df", {})
            changed = sum(1 for k in set(before) | set(entry["df"]) if before.get(k) != entry["df"].get(k))
            print(f"{language}: {changed} of {len(entry['df'])} features differ")
        print("identical" if data == args.out.read_bytes() else "differs")
        return
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    print(f"wrote {args.out} ({len(data) / 1024:.0f} KiB)", file=sys.stderr)


if __name__ == "__main__":
    main()
