"""The demo's feedback: notes after meetings, the silence around pairs that went
quiet, after-action reviews of completed pairings, and program-level notes — each
in its author's voice, on themes and in a mood that follow the pairing's story."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tandem.program import models
from tandem.program.demo import text as words
from tandem.program.demo.checkins import CheckIns
from tandem.program.demo.codes import (
    COMPLETED,
    ENDED,
    FALLING_RATINGS,
    HEALTHY,
    NO_CONTACT,
    ONE_SIDED,
    STALLED,
    WATCH,
)
from tandem.program.demo.draw import Days, choice_rows, optional, stage_rng
from tandem.program.demo.tables import CohortPlan, Pairings, People, Table

# Theme weights per pairing kind, in ``words.THEMES`` order:
# scheduling, trust, stakeholders, strategy, delegation, career, cross-functional,
# digital, difficult conversations, fit.
_THEME_BY_KIND = np.array(
    [
        [1.0, 1.0, 2.0, 2.0, 1.5, 1.5, 0.7, 0.3, 1.0, 0.7],
        [1.0, 1.0, 0.4, 0.4, 0.2, 0.6, 1.0, 4.0, 0.5, 0.8],
        [1.0, 1.0, 0.8, 1.0, 0.5, 1.0, 3.0, 1.5, 0.7, 0.8],
        [1.0, 1.2, 1.0, 1.0, 1.5, 2.0, 1.0, 0.5, 1.5, 0.8],
    ]
)
# What a stall sounds like: row 0 no stall, then one row per stall kind.
_THEME_BY_STALL = np.array(
    [
        [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
        [5.0, 1.0, 0.5, 0.5, 0.5, 0.7, 0.5, 0.7, 0.7, 1.5],
        [1.0, 1.0, 1.0, 1.3, 0.8, 1.0, 0.8, 1.0, 1.0, 3.0],
        [2.0, 2.0, 1.0, 1.0, 1.0, 1.0, 0.8, 1.0, 1.0, 2.0],
        [3.0, 2.5, 0.8, 0.8, 0.8, 1.0, 0.8, 1.0, 2.0, 2.0],
    ]
)
_SENTIMENT_BY_HEALTH = {
    "healthy": (0.68, 0.24, 0.08),
    "watch": (0.35, 0.40, 0.25),
    "stalled": (0.12, 0.33, 0.55),
    "completed": (0.55, 0.30, 0.15),
    "ended": (0.15, 0.35, 0.50),
    "paused": (0.25, 0.40, 0.35),
}
_SOURCES = models.FEEDBACK_SOURCES
_SOURCE_WEIGHTS = np.array([0.50, 0.11, 0.20, 0.06, 0.09, 0.04])
_ROLES = models.AUTHOR_ROLES
_VISIBILITIES = models.VISIBILITIES
_PROGRAM_PREFIXES = (
    "",
    "",
    "Mid-point check: ",
    "From the sponsor round-table: ",
    "Lead's note: ",
    "Pulse survey: ",
    "After the cohort check-in: ",
    "Quarterly review: ",
)


_SURVEY_PREFIXES = ("Mid-point check: ", "Pulse survey: ")


def _sentiment_probs(pr: Pairings, owner: np.ndarray, progress: np.ndarray) -> np.ndarray:
    table = _SENTIMENT_BY_HEALTH
    health = pr.health[owner]
    status = pr.status[owner]
    probs = np.empty((len(owner), 3))
    probs[:] = table["paused"]
    probs[status == COMPLETED] = table["completed"]
    probs[status == ENDED] = table["ended"]
    probs[health == HEALTHY] = table["healthy"]
    probs[health == WATCH] = table["watch"]
    probs[health == STALLED] = table["stalled"]
    # Falling ratings: the notes were upbeat before they soured.
    early_falling = (pr.stall_kind[owner] == FALLING_RATINGS) & (progress < 0.35)
    probs[early_falling] = table["healthy"]
    return probs


@dataclass
class _Notes:
    """One row per note about a pairing."""

    owner: np.ndarray  # pairing index
    day: np.ndarray
    progress: np.ndarray  # how far into the pairing (0 to 1)
    source: np.ndarray  # index into _SOURCES
    quiet: np.ndarray  # bool: about a pair that went quiet


@dataclass
class _ProgramNotes:
    """Notes about a cohort as a whole (no pairing)."""

    cohort: np.ndarray  # plan index
    days: np.ndarray
    texts: list[str]
    role: np.ndarray
    source: np.ndarray
    visibility: np.ndarray


def make_feedback(
    seed: int,
    pr: Pairings,
    ci: CheckIns,
    people: People,
    plans: list[CohortPlan],
    days: Days,
) -> Table:
    rng = stage_rng(seed, 6)
    notes = _pairing_notes(rng, pr, ci)
    f = len(notes.owner)
    role = _authors(rng, pr, ci, notes)
    theme, sentiment = _themes_and_sentiments(rng, pr, notes)
    # Visibility: journals are mostly private.
    visibility = np.where(
        notes.source == 2,
        choice_rows(rng, np.tile([0.6, 0.3, 0.1], (f, 1))),
        choice_rows(rng, np.tile([0.12, 0.53, 0.35], (f, 1))),
    )
    # Hand-coded themes only where the note is about its theme (not an observer's note).
    coded = (rng.random(f) < 0.035) & (role <= 1)
    texts = _compose_notes(rng, pr, people, notes.owner, role, theme, sentiment, days)
    program = _program_notes(rng, plans, f)

    n_program = len(program.cohort)
    total = f + n_program
    width = max(7, len(str(total)))
    cohort_ids = [plans[c].cohort_id for c in pr.cohort.tolist()]
    owners = notes.owner.tolist()
    return Table(
        "feedback",
        {
            "feedback_id": [f"FB-{i + 1:0{width}d}" for i in range(total)],
            "pairing_id": [pr.ids[o] for o in owners] + [None] * n_program,
            "cohort_id": [cohort_ids[o] for o in owners]
            + [plans[c].cohort_id for c in program.cohort.tolist()],
            "date": days.many(notes.day) + days.many(program.days),
            "source": [_SOURCES[s] for s in notes.source.tolist() + program.source.tolist()],
            "author_role": [_ROLES[r] for r in role.tolist() + program.role.tolist()],
            "visibility": [
                _VISIBILITIES[v] for v in visibility.tolist() + program.visibility.tolist()
            ],
            "text": texts + program.texts,
            "coded_theme": optional([words.THEMES[t] for t in theme.tolist()], coded)
            + [None] * n_program,
        },
    )


def _pairing_notes(rng: np.random.Generator, pr: Pairings, ci: CheckIns) -> _Notes:
    """Which pairings are written about, when and where: notes after about half the
    meetings, the silence around pairs that went quiet, and after-action reviews."""
    # 1. Notes that follow a meeting (about half of them).
    chosen = np.flatnonzero(rng.random(len(ci.owner)) < 0.5)
    owner_a = ci.owner[chosen]
    day_a = np.minimum(ci.day[chosen] + rng.integers(0, 4, len(chosen)), 0)
    progress_a = ci.progress[chosen]
    source_a = rng.choice(len(_SOURCES), len(chosen), p=_SOURCE_WEIGHTS)
    # 2. Pairs that went quiet: the mentee or the lead writes about the silence.
    quiet = np.flatnonzero(pr.stall_kind == NO_CONTACT)
    quiet_count = rng.integers(1, 4, len(quiet))
    owner_b = np.repeat(quiet, quiet_count)
    low = np.minimum(ci.last_day[owner_b] + pr.cadence[owner_b], -1)
    day_b = low + (rng.random(len(owner_b)) * (-1 - low)).astype(np.int64)
    progress_b = np.ones(len(owner_b))
    source_b = np.where(rng.random(len(owner_b)) < 0.6, 2, 5)  # journal or other
    # 3. Completed pairings close with an after-action review.
    closed = np.flatnonzero(pr.status == COMPLETED)
    owner_c = closed
    day_c = pr.ended[closed]
    progress_c = np.ones(len(closed))
    source_c = np.full(len(closed), 1)
    return _Notes(
        owner=np.concatenate([owner_a, owner_b, owner_c]).astype(np.int64),
        day=np.concatenate([day_a, day_b, day_c]).astype(np.int64),
        progress=np.concatenate([progress_a, progress_b, progress_c]),
        source=np.concatenate([source_a, source_b, source_c]).astype(np.int64),
        quiet=np.concatenate(
            [
                np.zeros(len(owner_a), bool),
                np.ones(len(owner_b), bool),
                np.zeros(len(owner_c), bool),
            ]
        ),
    )


def _authors(rng: np.random.Generator, pr: Pairings, ci: CheckIns, notes: _Notes) -> np.ndarray:
    """Who writes depends on the source; one-sided pairs hear from one side only."""
    source = notes.source
    u = rng.random(len(notes.owner))
    pair_role = np.where(u < 0.7, 1, 0)  # mentees keep the journals
    role = pair_role.copy()
    role = np.where(source == 3, np.where(u < 0.7, 3, 4), role)  # 360: peers, the lead
    role = np.where(source == 4, np.where(u < 0.6, 1, 0), role)  # survey
    role = np.where(source == 5, np.where(u < 0.5, 4, pair_role), role)  # other
    role = np.where(notes.quiet, np.where(u < 0.3, 4, np.where(u < 0.8, 1, 0)), role)
    one_sided = pr.stall_kind[notes.owner] == ONE_SIDED
    return np.where(one_sided & (role <= 1), ci.one_sided_side[notes.owner], role)


def _themes_and_sentiments(
    rng: np.random.Generator, pr: Pairings, notes: _Notes
) -> tuple[np.ndarray, np.ndarray]:
    """A theme per note (by the pairing's kind and how it stalled) and its mood."""
    owner = notes.owner
    stall_row = np.where(pr.stall_kind[owner] >= 0, pr.stall_kind[owner] + 1, 0)
    weights = _THEME_BY_KIND[pr.kind[owner]] * _THEME_BY_STALL[stall_row]
    weights[:, 0] *= np.where(pr.overloaded[owner], 3.0, 1.0)
    weights[notes.quiet] = _THEME_BY_STALL[1] * np.array([3.0] + [1.0] * 9)
    theme = choice_rows(rng, weights)
    sentiment = choice_rows(rng, _sentiment_probs(pr, owner, notes.progress))
    return theme, np.where(notes.quiet, 2, sentiment)


def _program_notes(rng: np.random.Generator, plans: list[CohortPlan], f: int) -> _ProgramNotes:
    """Program-level notes (about 2 % of all): cohort only, no pairing."""
    n_program = max(3, round(0.02 * f))
    cohort_of_note = rng.integers(0, len(plans), n_program)
    program_days = []
    for c in cohort_of_note.tolist():
        plan = plans[c]
        hi = min(0, plan.end if plan.end is not None else 0)
        lo = min(plan.start + 30, hi)
        program_days.append(int(rng.integers(lo, hi + 1)))
    program_sent = choice_rows(rng, np.tile([0.35, 0.40, 0.25], (n_program, 1)))
    prefix = rng.integers(0, len(_PROGRAM_PREFIXES), n_program)
    pick = rng.random(n_program)
    share = rng.integers(38, 92, n_program)
    add_share = rng.random(n_program) < 0.7
    program_texts = []
    for j in range(n_program):
        pool = words.PROGRAM_NOTES[words.SENTIMENTS[int(program_sent[j])]]
        body = pool[int(pick[j] * len(pool))]
        note = _PROGRAM_PREFIXES[int(prefix[j])] + body
        if add_share[j] and _PROGRAM_PREFIXES[int(prefix[j])] in _SURVEY_PREFIXES:
            note += f" ({int(share[j])}% of pairs responded.)"
        program_texts.append(note)
    return _ProgramNotes(
        cohort=cohort_of_note,
        days=np.array(program_days, dtype=np.int64),
        texts=program_texts,
        role=np.where(rng.random(n_program) < 0.7, 4, 2),
        source=np.where(rng.random(n_program) < 0.6, 4, 5),
        visibility=np.where(rng.random(n_program) < 0.6, 1, 2),
    )


def _compose_notes(
    rng: np.random.Generator,
    pr: Pairings,
    people: People,
    owner: np.ndarray,
    role: np.ndarray,
    theme: np.ndarray,
    sentiment: np.ndarray,
    days: Days,
) -> list[str]:
    """One natural note per row: a short note, or opener + body (+ body) (+ closer)."""
    f = len(owner)
    themes, sentiments = words.THEMES, words.SENTIMENTS
    bodies = [[words.BODIES[t][s] for s in sentiments] for t in themes]
    mentor_bodies = [[words.MENTOR_BODIES[t][s] for s in sentiments] for t in themes]
    observer = [words.OBSERVER_BODIES[s] for s in sentiments]
    shorts = [[words.SHORT_NOTES[t][s] for s in sentiments] for t in themes]
    openers = [words.OPENERS[s] for s in sentiments]
    closers = [words.CLOSERS[s] for s in sentiments]
    u = rng.random((f, 8))
    month_of_start = [days.one(s).month - 1 for s in pr.start.tolist()]
    mentor_first = [people.first_names[m] for m in pr.mentor.tolist()]
    mentee_first = [people.first_names[m] for m in pr.mentee.tolist()]
    texts: list[str] = []
    rows = zip(
        owner.tolist(), role.tolist(), theme.tolist(), sentiment.tolist(), u.tolist(), strict=True
    )
    uv = rng.random(f).tolist()
    for i, (o, r, t, s, uu) in enumerate(rows):
        name = mentor_first[o] if r == 1 else mentee_first[o]
        if uu[0] < 0.10 and r == 1:
            pool = shorts[t][s]
            note = pool[int(uu[1] * len(pool))]
        else:
            # Each author writes in their own voice: the mentee about the
            # mentor, the mentor about the mentee, others from the outside.
            pool = bodies[t][s] if r == 1 else mentor_bodies[t][s] if r == 0 else observer[s]
            first = int(uu[1] * len(pool))
            parts = []
            if uu[2] < 0.55:
                parts.append(openers[s][int(uu[3] * len(openers[s]))])
            parts.append(pool[first])
            if uu[4] < 0.35 and r <= 1 and len(pool) > 1:
                second = (first + 1 + int(uu[5] * (len(pool) - 1))) % len(pool)
                parts.append(pool[second])
            if uu[6] < 0.5:
                parts.append(closers[s][int(uu[7] * len(closers[s]))])
            note = " ".join(parts)
        if "{" in note:
            if "{name}" in note and r <= 1 and uv[i] < (0.3 if r == 1 else 0.7):
                # Often people write "my mentor" rather than the name.
                note = _role_word(note, "my mentor" if r == 1 else "my mentee")
            note = note.replace("{name}", name).replace(
                "{month}", words.MONTH_NAMES[month_of_start[o]]
            )
        texts.append(note)
    return texts


def _role_word(note: str, word: str) -> str:
    """Put ``word`` where ``{name}`` stands, capitalised where it starts a sentence."""
    head, _sep, tail = note.partition("{name}")
    starts = not head.strip() or head.rstrip().endswith((".", "!", "?", ":"))
    return head + (word.capitalize() if starts else word) + tail
