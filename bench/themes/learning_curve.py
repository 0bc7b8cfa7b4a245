"""Learning curve of the theme engine with hand-coded notes: queue against random (issue #20).

    .venv/bin/python bench/themes/learning_curve.py                 # the blind set
    .venv/bin/python bench/themes/learning_curve.py --tuning        # the set the knobs were set on

A lead codes n notes (0, 10, 30, 60) of a labelled set with their true theme;
the engine (the shipped ``ThemeModel`` with those coded notes) then reads every
note, and agreement (adjusted mutual information, an unassigned note counting
as one more label, as in eval_accuracy.py) is measured

* on **the rest**: every note not coded (the issue's measure, and the check's);
* on **a fixed half**: every second note, never offered for coding.  Choosing
  the hardest notes to code also removes them from "the rest", which raises
  its agreement without the engine learning anything; the fixed half shows
  what the engine itself learned.

Notes are chosen by the coding queue (``tandem.themes.coding.rank_for_coding``,
the same function as the page and ``themes to-code``) or at random.  "queue,
by tens" asks the queue for 10 notes at a time, refitting between batches, as
a lead working the page would; "queue, at once" asks for all n at once, as the
command-line check does.  Each seed is a different random 90% of the set (the
program), so both strategies have a spread; medians over ``SEEDS`` seeds.

Sets: ``holdout3_notes.csv`` is the blind set (written before session 3, never
tuned on, and not among the reference notes).  No set written by other hands
exists in the project; holdout3 is the most independent one.  ``--tuning``
runs holdout2 with the reference notes limited to dev + test, the set
``CODED_FLOOR`` and the queue weights were chosen on.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_mutual_info_score

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tandem.themes import sentiment  # noqa: E402
from tandem.themes.coding import rank_for_coding  # noqa: E402
from tandem.themes.engine import ThemeModel, default_codebook, reference_notes  # noqa: E402

HERE = Path(__file__).resolve().parent
UNASSIGNED = "(unassigned)"
SIZES = (0, 10, 30, 60)
SEEDS = 5
SHARE = 0.9


def load(name: str) -> list[dict[str, str]]:
    with (HERE / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


class Curve:
    def __init__(self, rows: list[dict[str, str]], reference: Sequence[tuple[str, str]]) -> None:
        self.texts = [r["text"] for r in rows]
        self.truth = np.array([r["theme"] for r in rows])
        self.reference = reference
        self.codebook = default_codebook()

    def model(self, coded: Sequence[int]) -> ThemeModel:
        """The engine with the notes ``coded`` (indices) coded with their true theme."""
        return ThemeModel(
            self.codebook,
            coded=[(self.texts[i], str(self.truth[i])) for i in coded],
            reference=self.reference,
        )

    def read(self, coded: Sequence[int]) -> tuple[np.ndarray, list[float]]:
        found = self.model(coded).assign(self.texts)
        return np.array([a.theme or UNASSIGNED for a in found]), [a.confidence for a in found]

    def queue(self, pool: np.ndarray, coded: list[int], n: int, at_once: bool) -> list[int]:
        coded = list(coded)
        while len(coded) < n:
            batch = n - len(coded) if at_once else min(10, n - len(coded))
            guesses, confidences = self.read(coded)
            free = [int(i) for i in pool if i not in set(coded)]
            counts: dict[str, int] = {}
            for i in coded:
                counts[str(self.truth[i]).lower()] = counts.get(str(self.truth[i]).lower(), 0) + 1
            ranked = rank_for_coding(
                [self.texts[i] for i in free],
                [confidences[i] for i in free],
                [None if guesses[i] == UNASSIGNED else str(guesses[i]) for i in free],
                counts,
                batch,
            )
            coded += [free[i] for i, _ in ranked]
        return coded

    def agreement(
        self, members: np.ndarray, half: np.ndarray, coded: list[int]
    ) -> tuple[float, float]:
        predicted, _ = self.read(coded)
        rest = np.setdiff1d(members, coded)
        return (
            float(adjusted_mutual_info_score(self.truth[rest], predicted[rest])),
            float(adjusted_mutual_info_score(self.truth[half], predicted[half])),
        )


def run(name: str, reference: Sequence[tuple[str, str]]) -> None:
    rows = load(name)
    curve = Curve(rows, reference)
    n = len(rows)
    strategies = ("queue, by tens", "queue, at once", "random")
    results: dict[str, dict[int, list[tuple[float, float]]]] = {
        s: {size: [] for size in SIZES} for s in strategies
    }
    started = time.process_time()
    for seed in range(SEEDS):
        rng = np.random.default_rng(seed)
        members = np.sort(rng.choice(n, int(SHARE * n), replace=False))
        half = members[1::2]  # never offered for coding
        pool = members[0::2]
        for strategy in strategies:
            for size in SIZES:
                if strategy == "random":
                    coded = [int(i) for i in rng.permutation(pool)[:size]]
                else:
                    coded = curve.queue(pool, [], size, strategy.endswith("once"))
                results[strategy][size].append(curve.agreement(members, half, coded))
    print(f"\n### {name} ({n} notes, {SEEDS} seeds of {SHARE:.0%})\n")
    print("| chosen by | " + " | ".join(f"{s} coded: rest / fixed half" for s in SIZES) + " |")
    print("|---|" + "---|" * len(SIZES))
    for strategy in strategies:
        cells = []
        for size in SIZES:
            values = np.array(results[strategy][size])
            rest, fixed = np.median(values[:, 0]), np.median(values[:, 1])
            cells.append(f"{rest:.3f} / {fixed:.3f}")
        print(f"| {strategy} | " + " | ".join(cells) + " |")
    moods = sentiment.score_many(curve.texts)
    agree = np.mean(
        [sentiment.polarity(m) == r["polarity"] for m, r in zip(moods, rows, strict=True)]
    )
    print(f"\nSentiment agreement (±{sentiment.NEUTRAL_BAND}): {agree:.3f}")
    print(f"CPU: {time.process_time() - started:.0f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tuning", action="store_true", help="holdout2, reference = dev + test")
    args = parser.parse_args()
    if args.tuning:
        reference = [
            (r["text"], r["theme"])
            for set_ in ("dev_notes.csv", "test_notes.csv")
            for r in load(set_)
        ]
        run("holdout2_notes.csv", reference)
    else:
        run("holdout3_notes.csv", reference_notes())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
