"""The demo's cohorts: executive pairings, reverse mentoring on digital & AI, reciprocal
across levels, a peer circle, last year's completed wave and, in larger programs,
regional waves of the same programs."""

from __future__ import annotations

import numpy as np

from tandem.program.demo import people as vocab
from tandem.program.demo.draw import Days, stage_rng
from tandem.program.demo.tables import CohortPlan, People, Table

#: Day offset of this year's executive cohort; last year's wave started a year before.
EXEC_START = -350
#: A regional wave per this many pairings (at most ``MAX_WAVES``).
PAIRINGS_PER_WAVE = 2500
MAX_WAVES = 30


def make_cohorts(
    seed: int, pairings: int, people: People, days: Days
) -> tuple[Table, list[CohortPlan]]:
    """The cohorts' table and the plans the pairings are drawn from."""
    rng = stage_rng(seed, 2)
    plans = _main_plans(people, days)
    plans += _regional_waves(rng, plans, pairings, people)
    table = Table(
        "cohorts",
        {
            "cohort_id": [p.cohort_id for p in plans],
            "name": [p.name for p in plans],
            "program_type": [p.program_type for p in plans],
            "start_date": [days.one(p.start) for p in plans],
            "end_date": [None if p.end is None else days.one(p.end) for p in plans],
            "sponsor_id": [people.ids[p.sponsor] for p in plans],
        },
    )
    return table, plans


def _main_plans(people: People, days: Days) -> list[CohortPlan]:
    """The four running programs, each sponsored by a fitting executive, and last
    year's executive wave (completed)."""
    heads = {int(people.division[i]): i for i in range(len(people.ids)) if people.level[i] == 7}
    division_index = {name: d for d, (name, _s, _f) in enumerate(vocab.DIVISIONS)}
    cto = heads.get(division_index["Technology"], 0)
    cpo = heads.get(division_index["People"], 0)
    coo = heads.get(division_index["Operations"], 0)

    def year(offset: int) -> int:
        # A program is named after the year most of it runs in.
        return days.one(offset + 180).year

    exec_start = EXEC_START
    base = [
        ("exec", f"Executive Pairings {year(exec_start)}", "executive", 0, exec_start, 65, 0, 0.30),
        ("reverse", "Reverse Mentoring: Digital & AI", "reverse", 1, -290, 60, cto, 0.20),
        ("reciprocal", "Reciprocal Across Levels", "reciprocal", 2, -380, 35, cpo, 0.20),
        ("peer", "Emerging Leaders Peer Circle", "peer", 3, -300, None, coo, 0.13),
    ]
    plans: list[CohortPlan] = []
    for slug, name, program_type, kind, start, length, sponsor, weight in base:
        end = None if length is None else start + 365 + length
        plans.append(
            CohortPlan(
                f"{slug}-{year(start)}",
                name,
                program_type,
                kind,
                start,
                end,
                sponsor,
                weight,
                False,
            )
        )
    old_start = exec_start - 380
    plans.append(
        CohortPlan(
            f"exec-{year(old_start)}",
            f"Executive Pairings {year(old_start)}",
            "executive",
            0,
            old_start,
            old_start + 365,
            0,
            0.17,
            True,
        )
    )
    return plans


def _regional_waves(
    rng: np.random.Generator, plans: list[CohortPlan], pairings: int, people: People
) -> list[CohortPlan]:
    """Larger programs run regional waves of the same programs, a little shifted in time."""
    extra = min(MAX_WAVES, pairings // PAIRINGS_PER_WAVE)
    seniors = np.flatnonzero(people.level >= 6)
    waves: list[CohortPlan] = []
    for k in range(extra):
        template = plans[k % 4]
        geography = vocab.GEOGRAPHIES[(k // 4 + 1) % len(vocab.GEOGRAPHIES)][0]
        wave = k // (4 * len(vocab.GEOGRAPHIES)) + 2
        suffix = f" — {geography}" + (f" (wave {wave})" if wave > 2 else "")
        slug = geography.lower().replace(" ", "-")
        shift = int(rng.integers(-30, 60))
        end = None if template.end is None else template.end + shift
        waves.append(
            CohortPlan(
                f"{template.cohort_id}-{slug}-{wave}",
                template.name + suffix,
                template.program_type,
                template.kind,
                template.start + shift,
                end,
                int(seniors[rng.integers(0, len(seniors))]) if len(seniors) else 0,
                template.weight,
                False,
            )
        )
    return waves
