"""Finished pairings whose outcome depends on known match-score components: what the
tests of learning weights from outcomes (``tandem.matching.learn``, ``python -m tandem
weights``) start from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np
from sqlalchemy import Engine

from tandem.matching.config import COMPONENTS, MatchConfig
from tandem.matching.people import load_people
from tandem.matching.scoring import kind_code, score_components
from tandem.program.bulk import upsert
from tandem.program.schema import metadata
from tests.factories import person

TABLES = metadata.tables
VOCAB = ["strategy", "finance", "coaching", "ai", "sales", "design"]
#: The planted truth: what each component adds to the share of milestones done.
PLANTED = {"skills": 0.4, "diversity": 0.0, "breadth": 0.0, "level": 0.3, "availability": 0.0}
#: No component adds anything: the share of milestones done is noise around one level.
NOTHING_PLANTED = dict.fromkeys(PLANTED, 0.0)
MILESTONES_EACH = 20


def load_finished_pairings(
    engine: Engine, n_pairs: int, seed: int = 5, planted: Mapping[str, float] = PLANTED
) -> None:
    """Finished pairings whose milestones depend on ``planted`` components, plus noise."""
    rng = np.random.default_rng(seed)
    people = []
    for i in range(2 * n_pairs):
        people.append(
            person(
                f"p{i}",
                f"Person {i}",
                int(rng.integers(1, 9)),
                division=str(rng.choice(["A", "B", "C"])),
                geography=str(rng.choice(["EMEA", "APAC"])),
                function=str(rng.choice(["F", "G"])),
                tenure_years=float(rng.integers(0, 20)),
                strengths=";".join(rng.choice(VOCAB, 3, replace=False)),
                development_goals=";".join(rng.choice(VOCAB, 2, replace=False)),
                monthly_hours=float(rng.integers(1, 12)),
            )
        )
    cohort = {
        "cohort_id": "c1",
        "name": "c1",
        "program_type": "executive",
        "start_date": dt.date(2024, 1, 1),
        "end_date": None,
        "sponsor_id": None,
    }
    pairings = [
        {
            "pairing_id": f"x{k}",
            "cohort_id": "c1",
            "mentor_id": f"p{2 * k}",
            "mentee_id": f"p{2 * k + 1}",
            "kind": "traditional",
            "status": "completed" if k % 3 else "ended",
            "start_date": dt.date(2024, 1, 1),
            "planned_end_date": None,
            "ended_date": dt.date(2024, 12, 1),
            "cadence_days": 30,
            "objective": None,
            "version": 1,
        }
        for k in range(n_pairs)
    ]
    with engine.begin() as connection:
        upsert(connection, TABLES["people"], people)
        upsert(connection, TABLES["cohorts"], [cohort])
        upsert(connection, TABLES["pairings"], pairings)
    encoded = load_people(engine)
    mentors = np.array([encoded.index[str(p["mentor_id"])] for p in pairings])
    mentees = np.array([encoded.index[str(p["mentee_id"])] for p in pairings])
    parts = score_components(encoded, mentors, mentees, kind_code("traditional"), MatchConfig())
    share = 0.15 + sum(planted[name] * parts[name] for name in COMPONENTS)
    share = np.clip(share + rng.normal(0, 0.05, n_pairs), 0, 1)
    milestones = []
    for k in range(n_pairs):
        done = rng.binomial(MILESTONES_EACH, share[k])
        for j in range(MILESTONES_EACH):
            milestones.append(
                {
                    "milestone_id": f"m{k}-{j}",
                    "pairing_id": f"x{k}",
                    "title": "t",
                    "success_criteria": None,
                    "due_date": dt.date(2024, 6, 1),
                    "completed_date": dt.date(2024, 5, 1) if j < done else None,
                    "status": None if j < done else "missed",
                }
            )
    with engine.begin() as connection:
        upsert(connection, TABLES["milestones"], milestones)
