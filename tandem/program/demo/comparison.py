"""Comparison colleagues for the demo's impact estimate: for every cohort, new people
who take part in no pairing, drawn to look like that cohort's mentees (level,
division, geography and tenure spread), ``COMPARISON_PER_MENTEE`` per mentee,
between ``COMPARISON_MIN`` and ``COMPARISON_MAX`` per cohort, so the count grows
with the cohorts, never with the square of the program."""

from __future__ import annotations

from typing import Any

import numpy as np

from tandem.program.demo import people as vocab
from tandem.program.demo.organisation import (
    Profile,
    draw_capacity,
    draw_styles_and_groups,
    draw_titles,
    people_columns,
)
from tandem.program.demo.tables import CohortPlan, Pairings, People

COMPARISON_PER_MENTEE = 5
COMPARISON_MIN = 50
COMPARISON_MAX = 300


def make_comparison_people(
    rng: np.random.Generator,
    table: dict[str, list[Any]],
    people: People,
    pr: Pairings,
    plans: list[CohortPlan],
) -> dict[str, list[Any]]:
    """New colleagues who take part in nothing, alike to each cohort's mentees."""
    template = _templates(rng, pr, plans)
    n = len(template)
    level, division, geography, tenure = _alike(rng, template, table, people)
    managers = _managers(rng, people, division, level)
    names, emails = _names(rng, table, geography)
    titled = draw_titles(rng, level, division, {})
    max_mentees = draw_capacity(rng, level)
    hours = rng.choice(np.array([2.0, 3.0, 4.0, 4.0, 6.0, 8.0]), n)
    styles, groups = draw_styles_and_groups(rng, n)
    # Never signed up: no mentoring profile.
    profile = Profile([None] * n, [None] * n, styles, hours, max_mentees, groups)
    place = (geography, managers, tenure)
    return people_columns(_new_ids(rng, table, n), (names, emails), titled, level, place, profile)


def _templates(rng: np.random.Generator, pr: Pairings, plans: list[CohortPlan]) -> np.ndarray:
    """For each new colleague, the mentee (person index) they are drawn to look like."""
    templates: list[np.ndarray] = []
    for c in range(len(plans)):
        mentees = np.unique(pr.mentee[pr.cohort == c])
        if len(mentees) == 0:
            continue
        count = int(np.clip(COMPARISON_PER_MENTEE * len(mentees), COMPARISON_MIN, COMPARISON_MAX))
        templates.append(mentees[rng.integers(0, len(mentees), count)])
    return np.concatenate(templates) if templates else np.zeros(0, dtype=np.int64)


def _alike(
    rng: np.random.Generator, template: np.ndarray, table: dict[str, list[Any]], people: People
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(level, division, geography, tenure) near the template's: a quarter a level
    apart, a fifth in another division or place, tenure spread around theirs."""
    n = len(template)
    n_div = len(vocab.DIVISIONS)
    div_weights = np.array([share for _n, share, _f in vocab.DIVISIONS])
    geo_index = {name: g for g, (name, _share, _c) in enumerate(vocab.GEOGRAPHIES)}
    geo_weights = np.array([share for _g, share, _c in vocab.GEOGRAPHIES])
    person_geo = np.array([geo_index[g] for g in table["geography"]], dtype=np.int64)
    person_tenure = np.array(table["tenure_years"], dtype=float)

    level = people.level[template].copy()
    jitter = np.where(rng.random(n) < 0.25, rng.choice(np.array([-1, 1]), n), 0)
    level = np.clip(level + jitter, 1, 7)
    division = people.division[template].copy()
    other_division = rng.choice(n_div, n, p=div_weights / div_weights.sum())
    division = np.where((division < 0) | (rng.random(n) < 0.2), other_division, division)
    geography = np.where(
        rng.random(n) < 0.8,
        person_geo[template],
        rng.choice(len(geo_index), n, p=geo_weights / geo_weights.sum()),
    )
    tenure = np.round(person_tenure[template] * np.exp(rng.normal(0.0, 0.35, n)), 1)
    return level, division, geography, tenure


def _managers(
    rng: np.random.Generator, people: People, division: np.ndarray, level: np.ndarray
) -> list[str]:
    """A manager one level up in the same division (the base organisation has one at
    every level below 7; failing that, anyone above, then the division head)."""
    bosses: dict[tuple[int, int], np.ndarray] = {}
    managers: list[str] = []
    boss_pick = rng.random(len(level)).tolist()
    for d, lv, u in zip(division.tolist(), level.tolist(), boss_pick, strict=True):
        key = (d, lv)
        if key not in bosses:
            same = people.division == d
            options = np.flatnonzero(same & (people.level == lv + 1))
            if len(options) == 0:
                options = np.flatnonzero(same & (people.level >= max(lv, 7)))
            if len(options) == 0:
                options = np.array([0])  # the CEO
            bosses[key] = options
        options = bosses[key]
        managers.append(people.ids[int(options[int(u * len(options))])])
    return managers


def _names(
    rng: np.random.Generator, table: dict[str, list[Any]], geography: np.ndarray
) -> tuple[list[str], list[str]]:
    """Names and e-mail addresses that clash with nobody's already in the organisation."""
    taken = set(table["name"])
    used: dict[str, int] = {}
    for email in table["email"]:
        base = email.split("@", 1)[0].rstrip("0123456789")
        used[base] = used.get(base, 0) + 1
    names, _firsts, emails = vocab.compose_names(rng, geography, taken=taken, used=used)
    return names, emails


def _new_ids(rng: np.random.Generator, table: dict[str, list[Any]], n: int) -> list[str]:
    """``n`` employee ids no one in the organisation has."""
    existing = {int(pid[1:]) for pid in table["person_id"] if pid[1:].isdigit()}
    ids: list[str] = []
    while len(ids) < n:
        for number in (rng.integers(100_000, 1_000_000, 2 * (n - len(ids)) + 8)).tolist():
            if number not in existing:
                existing.add(number)
                ids.append(f"E{number}")
                if len(ids) == n:
                    break
    return ids
