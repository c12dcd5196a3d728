"""Span encoder per outer fold: fine-tune on the fold's training articles and save it, for `encoder_eval.py`.

    python experiments/techniques/encoder_folds.py --fold 0 [--folds 5] [--epochs 2] --out /tmp/spinscope_encoders
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import group_folds, load_language  # noqa: E402

from spinscope.detectors.span_encoder import SpanEncoder  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fold", type=int, required=True)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("/tmp/spinscope_encoders"))
    parser.add_argument("--epochs", type=float, default=SpanEncoder().epochs)
    args = parser.parse_args()
    articles = load_language("en")
    held = set(group_folds(articles, args.folds)[args.fold].tolist())
    train = [a for i, a in enumerate(articles) if i not in held]
    encoder = SpanEncoder(epochs=args.epochs).fit(train, log=lambda m: print(m, file=sys.stderr, flush=True))
    print(encoder.save(args.out / f"fold{args.fold}of{args.folds}" / "en"), encoder.metadata_)


if __name__ == "__main__":
    main()
