"""The demo's company: a CEO, division heads, a reporting-line tree, titles that match
levels, many cultures and geographies, and each person's mentoring profile.

``make_people`` tells it in order: levels and divisions, who reports to whom, where
people are and what they are called, their titles, their time and capacity, and what
they can teach and want to learn.  Everyone is drawn from the story's first generator.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from tandem.program.demo import people as vocab
from tandem.program.demo.draw import optional, stage_rng
from tandem.program.demo.tables import People, Table

#: Nobody has been with the company longer than this (years).  The skewed draw
#: below has a long tail: at 87,500 people it gave 13 tenures over 60 years, up to
#: 98, which the bundle format refuses (0-80), so the demo's own export did not import.
MAX_TENURE_YEARS = 45.0


def draw_tenure(rng: np.random.Generator, level: np.ndarray) -> np.ndarray:
    """Years with the company today: longer, on average, the higher the level."""
    drawn = rng.gamma(2.0, (1.5 + 1.6 * level) / 2.0)
    return np.round(np.minimum(drawn, MAX_TENURE_YEARS), 1)


def make_people(seed: int, n: int) -> tuple[Table, People]:
    """The organisation of (at least) ``n`` people: its table and the story's view of it."""
    rng = stage_rng(seed, 1)
    n = max(n, len(vocab.DIVISIONS) + 12)
    level, division, head_of = _levels_and_divisions(rng, n)
    manager = _reporting_tree(rng, level, division, head_of)
    ancestors = _ancestors(manager)
    geography = rng.choice(len(vocab.GEOGRAPHIES), n, p=_shares(vocab.GEOGRAPHIES))
    geography[0] = 0
    names, firsts, emails = vocab.compose_names(rng, geography)
    titled = draw_titles(rng, level, division, head_of)
    tenure = draw_tenure(rng, level)
    hours = rng.choice(np.array([2.0, 3.0, 4.0, 4.0, 6.0, 8.0]), n)
    max_mentees = draw_capacity(rng, level)
    strengths, goals = _competencies(rng, level)
    styles, groups = draw_styles_and_groups(rng, n)

    numbers = rng.choice(900_000, n, replace=False) + 100_000
    ids = [f"E{number}" for number in numbers.tolist()]
    manager_ids = [ids[m] if m >= 0 else None for m in manager.tolist()]

    profile = Profile(strengths, goals, styles, hours, max_mentees, groups)
    place = (geography, manager_ids, tenure)
    columns = people_columns(ids, (names, emails), titled, level, place, profile)
    table = Table("people", columns)
    info = People(
        ids,
        level,
        division,
        manager,
        max_mentees,
        names,
        firsts,
        ancestors,
        [s.split(";") for s in strengths],
        [g.split(";") for g in goals],
    )
    return table, info


class Profile(NamedTuple):
    """What a person brings to mentoring (the people table's last columns)."""

    strengths: list[str] | list[None]
    goals: list[str] | list[None]
    styles: list[str]
    hours: np.ndarray
    max_mentees: np.ndarray
    groups: list[str | None]


Titled = tuple[list[str | None], list[str], list[str]]  # functions, titles, divisions


def people_columns(
    ids: list[str],
    names: tuple[list[str], list[str]],
    titled: Titled,
    level: np.ndarray,
    place: tuple[np.ndarray, list[str | None] | list[str], np.ndarray],
    profile: Profile,
) -> dict[str, list[Any]]:
    """The people table's columns, for the organisation and for the colleagues added
    to compare careers with: ``names`` (names, emails), ``titled`` (from
    ``draw_titles``), ``place`` (geography as indices into ``GEOGRAPHIES``, manager
    ids, tenure in years)."""
    functions, titles, divisions = titled
    geography, managers, tenure = place
    return {
        "person_id": ids,
        "name": names[0],
        "email": names[1],
        "title": titles,
        "level": level.tolist(),
        "division": divisions,
        "function": functions,
        "geography": [vocab.GEOGRAPHIES[g][0] for g in geography.tolist()],
        "manager_id": managers,
        "tenure_years": tenure.tolist(),
        "strengths": profile.strengths,
        "development_goals": profile.goals,
        "learning_style": profile.styles,
        "monthly_hours": profile.hours.tolist(),
        "max_mentees": profile.max_mentees.tolist(),
        "group_name": profile.groups,
    }


def _shares(options: tuple[tuple[str, float, object], ...]) -> np.ndarray:
    weights = np.array([share for _name, share, _rest in options])
    return weights / weights.sum()


def _levels_and_divisions(
    rng: np.random.Generator, n: int
) -> tuple[np.ndarray, np.ndarray, dict[int, int]]:
    """Levels (the CEO, one head per division, a few more at level 7, the rest drawn)
    and divisions, highest level first; and each division's head."""
    n_div = len(vocab.DIVISIONS)
    n_level7 = max(0, round(vocab.LEVEL7_SHARE * n) - n_div)
    n_rest = n - 1 - n_div - n_level7
    level = np.concatenate(
        [
            [8],
            np.full(n_div + n_level7, 7),
            rng.choice(np.arange(1, 7), n_rest, p=vocab.LEVEL_WEIGHTS / vocab.LEVEL_WEIGHTS.sum()),
        ]
    ).astype(np.int64)
    division = np.concatenate(
        [[-1], np.arange(n_div), rng.choice(n_div, n_level7 + n_rest, p=_shares(vocab.DIVISIONS))]
    ).astype(np.int64)
    # Managers precede their reports: sort by level, highest first (stable).
    order = np.argsort(-level, kind="stable")
    level, division = level[order], division[order]
    head_of = {int(division[i]): i for i in range(1, n_div + 1)}
    return level, division, head_of


def _reporting_tree(
    rng: np.random.Generator, level: np.ndarray, division: np.ndarray, head_of: dict[int, int]
) -> np.ndarray:
    """Each person's manager (an index, -1 for the CEO): one level up in the same division."""
    n_div = len(vocab.DIVISIONS)
    manager = np.full(len(level), -1, dtype=np.int64)
    manager[1 : n_div + 1] = 0
    for d in range(n_div):
        head = head_of[d]
        for lv in range(7, 0, -1):
            members = np.flatnonzero((division == d) & (level == lv))
            if lv == 7:
                members = members[members != head]
                manager[members] = head
                continue
            bosses = np.flatnonzero((division == d) & (level == lv + 1))
            if len(bosses) == 0:
                bosses = np.flatnonzero((division == d) & (level > lv))
            manager[members] = bosses[rng.integers(0, len(bosses), len(members))]
    return manager


def _ancestors(manager: np.ndarray) -> list[set[int]]:
    """Ancestors (up to the CEO) of everyone: at most seven steps."""
    n = len(manager)
    ancestors: list[set[int]] = [set() for _ in range(n)]
    current = manager.copy()
    for _ in range(8):
        for i in np.flatnonzero(current >= 0).tolist():
            ancestors[i].add(int(current[i]))
        current = np.where(current >= 0, manager[np.maximum(current, 0)], -1)
    return ancestors


def draw_titles(
    rng: np.random.Generator, level: np.ndarray, division: np.ndarray, head_of: dict[int, int]
) -> Titled:
    """Functions, titles and division names: a title fits the level and the function
    (a division's head, in ``head_of``, has the head's title)."""
    n = len(level)
    function_pick = rng.random(n)
    title_pick = rng.random(n)
    functions: list[str | None] = []
    titles: list[str] = []
    division_names: list[str] = []
    for i in range(n):
        d = int(division[i])
        lv = int(level[i])
        if d < 0:
            division_names.append(vocab.EXECUTIVE_OFFICE)
            functions.append("Executive Office")
            titles.append(vocab.TITLES[8][0])
            continue
        div_name, _share, div_functions = vocab.DIVISIONS[d]
        division_names.append(div_name)
        function = div_functions[int(function_pick[i] * len(div_functions))]
        options = vocab.TITLES[lv]
        base = options[int(title_pick[i] * len(options))]
        if lv == 7:
            functions.append(None)
            if head_of.get(d) == i:
                titles.append(vocab.DIVISION_HEAD_TITLES[div_name])
            else:
                titles.append(f"{base}, {div_name}")
        else:
            functions.append(function)
            titles.append(f"{base}, {function}")
    return functions, titles, division_names


def draw_capacity(rng: np.random.Generator, level: np.ndarray) -> np.ndarray:
    """How many mentees each person says they can take: seniors a few more."""
    n = len(level)
    cap_senior = rng.choice(np.array([0, 1, 2, 3, 4]), n, p=[0.03, 0.27, 0.42, 0.22, 0.06])
    cap_junior = rng.choice(np.array([0, 1, 2, 3]), n, p=[0.04, 0.48, 0.34, 0.14])
    return np.where(level >= 5, cap_senior, cap_junior).astype(np.int64)


def draw_styles_and_groups(rng: np.random.Generator, n: int) -> tuple[list[str], list[str | None]]:
    """Learning styles and employee groups (some left empty, as in real HR data)."""
    style = rng.choice(
        len(vocab.LEARNING_STYLES),
        n,
        p=vocab.LEARNING_STYLE_WEIGHTS / vocab.LEARNING_STYLE_WEIGHTS.sum(),
    )
    group = rng.choice(len(vocab.GROUPS), n, p=vocab.GROUP_WEIGHTS / vocab.GROUP_WEIGHTS.sum())
    group_present = rng.random(n) >= vocab.GROUP_EMPTY_RATE
    styles = [vocab.LEARNING_STYLES[s] for s in style.tolist()]
    return styles, optional([vocab.GROUPS[g] for g in group.tolist()], group_present)


def _competencies(rng: np.random.Generator, level: np.ndarray) -> tuple[list[str], list[str]]:
    """Strengths and development goals (";"-joined): juniors teach digital skills,
    seniors want them (reverse mentoring)."""
    n = len(level)
    n_comp = len(vocab.COMPETENCIES)
    digital = np.array([c in vocab.DIGITAL_COMPETENCIES for c in vocab.COMPETENCIES])
    junior = (level <= 3)[:, None]
    strength_w = np.where(digital[None, :], np.where(junior, 3.0, 0.5), np.where(junior, 0.7, 1.5))
    goal_w = np.where(digital[None, :], np.where(junior, 0.4, 3.0), np.where(junior, 1.6, 0.8))
    gumbel_s = -np.log(-np.log(rng.random((n, n_comp))))
    gumbel_g = -np.log(-np.log(rng.random((n, n_comp))))
    score_s = np.log(strength_w) + gumbel_s
    rank_s = np.argsort(-score_s, axis=1)
    k_strength = rng.integers(2, 5, n)
    k_goal = rng.integers(1, 4, n)
    is_strength = np.zeros((n, n_comp), dtype=bool)
    for k in range(4):
        rows = np.flatnonzero(k_strength > k)
        is_strength[rows, rank_s[rows, k]] = True
    score_g = np.where(is_strength, -np.inf, np.log(goal_w) + gumbel_g)
    rank_g = np.argsort(-score_g, axis=1)
    comp = vocab.COMPETENCIES
    top_s, top_g = rank_s[:, :4].tolist(), rank_g[:, :3].tolist()
    strengths = [
        ";".join(comp[j] for j in top[:k])
        for top, k in zip(top_s, k_strength.tolist(), strict=True)
    ]
    goals = [
        ";".join(comp[j] for j in top[:k]) for top, k in zip(top_g, k_goal.tolist(), strict=True)
    ]
    return strengths, goals
