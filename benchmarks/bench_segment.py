"""Segmentation speed on real news text: milliseconds per 1,000 words for spinscope.segment (prints numbers only).

Uses up to 100 SemEval-2023 articles per language from ../shared (skips a language whose folder is missing).
"""

from __future__ import annotations

import time

from spinscope.data import default_data_root, read_text_file
from spinscope.segment import segment
from spinscope.types import Article


def main() -> None:
    root = default_data_root() / "semeval2023"
    for lang in ("en", "it", "ru", "fr", "ge", "po"):
        folder = root / lang / "train-articles-subtask-3"
        if not folder.is_dir():
            print(f"{lang}: skipped ({folder} not found)")
            continue
        texts = [read_text_file(f) for f in sorted(folder.glob("article*.txt"))[:100]]
        words = sum(len(t.split()) for t in texts)
        best = float("inf")
        for _ in range(5):
            start = time.perf_counter()
            sentences = sum(len(segment(Article(text=t)).sentences) for t in texts)
            best = min(best, time.perf_counter() - start)
        print(f"{lang}: {len(texts)} articles, {words} words, {sentences} sentences, "
              f"{best / words * 1e6:.3f} ms per 1,000 words")


if __name__ == "__main__":
    main()
