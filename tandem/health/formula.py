"""The health formula, the stall rules and the reasons in words — computed, and described.

**Components**, each scaled 0–1 (``NaN`` when it does not apply yet, in which
case it is left out and the remaining weights are renormalised):

- ``cadence``: meetings held ÷ meetings expected (``days running ÷
  cadence_days``, rounded down), capped at 1; skipped until one is expected.
- ``recency``: 1 while the last meeting (or the start, if none yet) is within
  the cadence, falling linearly to 0 at ``recency_zero_after_cadences`` ×
  cadence.
- ``milestones``: (on time + ``late_milestone_credit`` × late) ÷ (done +
  overdue + missed); skipped while nothing is done or due.
- ``ratings``: the change of the mean of clarity/confidence/influence/safety
  from the start to now — the mean of every rating given at the last 2 rated
  check-ins against the first 2 (last 1 vs first 1 with fewer than 4).  Flat or
  rising is 1; a fall of ``rating_drop_for_zero`` points or more is 0.  Needs 2
  rated check-ins.
- ``engagement``: share of the last ``engagement_window`` check-ins (with a
  known submitter) that show both sides taking part: those submitted by
  ``both``, plus a mentor-only and a mentee-only check-in for each pair of
  them (so alternating mentor / mentee counts as two-sided, and mentor,
  mentor, mentor does not).
- ``sentiment``: the mean ``feedback_analysis.sentiment`` (−1…1 → 0…1) of the
  pairing's non-private notes, once the themes engine has filled it.

``health = 100 × Σ wᵢ·scoreᵢ ÷ Σ wᵢ`` over the components that apply; a
**stalled** pairing's health is then capped one point under the at-risk line
(``tandem.health.settings.stalled_health_cap``), so the score never contradicts
the verdict: no stalled pairing reads as healthy.

**Which pairings.**  Proposed pairings (and any starting after ``today``) are
not scored (health empty, reason "not started yet").  Completed and ended
pairings are scored as of their ``ended_date`` when it is earlier than
``today``, so a finished pair is not penalised for not meeting after the end.

**Stalled** (only pairings whose status is in ``stall_statuses``, default
``active`` only — a *paused* pairing has agreed to a break, so it is neither
stalled nor at risk; a lead can add ``paused`` in the settings): any of

- no contact: the days since the last check-in (since the start when there is
  none) are *more than* ``max(no_contact_cadence_multiple × cadence,
  no_contact_min_days)`` — 45 days is a floor so a weekly pair is not called
  stalled after a fortnight's holiday, and a quarterly pair is allowed its two
  quarters;
- ``overdue_milestones`` (2) or more milestones overdue;
- ratings fell by ``rating_drop`` (1.0) points or more since the start;
- one-sided: the last ``one_sided_streak`` (3) check-ins were all submitted by
  the same single party (mentor only, or mentee only).

**At risk**: a watched pairing scored below ``at_risk_below`` (50) that is not
stalled.  The verdicts are exclusive (``tandem.health.verdicts``): stalled,
at risk, or neither; both stalled and at-risk pairings sit under the line.

Every pairing gets reasons in words (``;``-joined in ``pairing_health``).
``describe_formula`` says all this in one paragraph, from the same settings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from tandem.health.inputs import (
    as_dates,
    as_days,
    cadences,
    checkin_counts,
    checkin_ends,
    milestone_aggregates,
    numbers,
    pairing_rows,
    sentiment_aggregates,
)
from tandem.health.settings import (
    COMPONENTS,
    STALL_RULES,
    at_risk_line,
    health_settings,
    stalled_health_cap,
    watched_statuses,
)
from tandem.program.models import CLOSED_STATUSES, utcnow


def no_contact_limit(cadence: np.ndarray, stall: dict[str, Any]) -> np.ndarray:
    """Days without contact a pairing may go before the no-contact stall rule fires.

    The one definition of the rule's threshold: the rule fires when the days
    since the last check-in (the start, if none) are *more than* this.
    """
    return np.maximum(
        float(stall["no_contact_cadence_multiple"]) * cadence, float(stall["no_contact_min_days"])
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _points(value: float) -> str:
    return f"{value:.1f} point{'' if round(value, 1) == 1.0 else 's'}"


def describe_formula(settings: dict[str, Any]) -> str:
    """The formula in one paragraph, as it is computed under ``settings`` (the page shows it)."""
    line = at_risk_line(settings)
    statuses = ", ".join(watched_statuses(settings)) or "none"
    return (
        "health = 100 × Σ weight × component ÷ Σ weight, over the components that apply to a "
        f"pairing. Stalled when any stall rule fires; a stalled pairing's health is capped at "
        f"{stalled_health_cap(settings):g}, inside the at-risk band. At risk: below {line:g} "
        f"and not stalled. Both verdicts watch pairings that are {statuses}."
    )


def health_frame(
    engine: Engine,
    today: dt.date | None = None,
    *,
    settings: dict[str, Any] | None = None,
    pairing_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Health, stall and at-risk verdicts, components and reasons of every pairing.

    Nothing is written.  One row per pairing (``pairing_ids`` limits which),
    indexed 0…n-1, with the inputs (``checkins``, ``days_since_contact`` …),
    the component scores (``score_<name>``, 0–1 or NaN), ``weighted_health``
    (the weighted mean, 0–100 or NaN when not started), ``health`` (the same,
    capped for a stalled pairing), ``stalled``, ``at_risk``, one boolean per
    stall rule (``stall_<rule>``) and ``reasons`` (a list of strings).
    """
    today = today or utcnow().date()
    settings = settings if settings is not None else health_settings(engine)
    return health_frame_of(engine, today, settings, pairing_ids, pairing_rows(engine, pairing_ids))


def health_frame_of(
    engine: Engine,
    today: dt.date,
    settings: dict[str, Any],
    pairing_ids: Sequence[str] | None,
    pairings: pd.DataFrame,
) -> pd.DataFrame:
    """``health_frame`` for the given rows of ``pairings`` (read once for several days)."""
    if pairings.empty:
        return _empty_frame()
    frame = pairings
    for part in (
        checkin_counts(engine, today, pairing_ids),
        checkin_ends(engine, today, settings, pairing_ids),
        milestone_aggregates(engine, today, pairing_ids),
        sentiment_aggregates(engine, today, pairing_ids),
    ):
        frame = frame.merge(part, on="pairing_id", how="left")
    frame = frame.sort_values("pairing_id", kind="stable").reset_index(drop=True)
    return combine(frame, today, settings)


def _empty_frame() -> pd.DataFrame:
    columns = [
        "pairing_id",
        "status",
        "weighted_health",
        "health",
        "stalled",
        "at_risk",
        "reasons",
        "days_since_contact",
        "cadence_days",
        *(f"score_{name}" for name in COMPONENTS),
        *(f"stall_{rule}" for rule in STALL_RULES),
    ]
    return pd.DataFrame(columns=columns)


@dataclass(frozen=True)
class _Timing:
    """Per pairing (numpy columns): whether it is scored, and its days and meetings."""

    status: np.ndarray
    started: np.ndarray
    cadence: np.ndarray
    checkins: np.ndarray
    days_running: np.ndarray
    days_since: np.ndarray
    expected: np.ndarray


def _timing(frame: pd.DataFrame, today: dt.date) -> _Timing:
    status = frame["status"].to_numpy(dtype=object)
    today_day = float((today - dt.date(1970, 1, 1)).days)
    start = as_days(frame["start_date"])
    ended = as_days(frame["ended_date"])
    finished = np.isin(status, CLOSED_STATUSES) & ~np.isnan(ended) & (ended < today_day)
    ref = np.where(finished, ended, today_day)
    cadence = cadences(frame["cadence_days"])
    started = (status != "proposed") & ~np.isnan(start) & (start <= ref)
    last = as_days(frame["last_checkin"])
    days_running = np.where(started, ref - start, np.nan)
    last_contact = np.where(np.isnan(last), start, last)
    return _Timing(
        status=status,
        started=started,
        cadence=cadence,
        checkins=numbers(frame, "checkins", 0),
        days_running=days_running,
        days_since=np.where(started, np.clip(ref - last_contact, 0, None), np.nan),
        expected=np.floor(days_running / cadence),
    )


def _rating_change(frame: pd.DataFrame) -> np.ndarray:
    """Mean rating now minus at the start (last 2 vs first 2 rated check-ins, or 1 vs 1)."""
    rated = numbers(frame, "rated_checkins", 0)
    two = rated >= 4

    def mean_of(end: str) -> np.ndarray:
        sums = np.where(two, numbers(frame, f"{end}2_sum"), numbers(frame, f"{end}1_sum"))
        counts = np.where(two, numbers(frame, f"{end}2_n"), numbers(frame, f"{end}1_n"))
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(counts > 0, sums / counts, np.nan)

    return np.where(rated >= 2, mean_of("latest") - mean_of("first"), np.nan)


def _component_scores(
    frame: pd.DataFrame, t: _Timing, change: np.ndarray, scoring: dict[str, Any]
) -> dict[str, np.ndarray]:
    """Each component 0–1 per pairing (NaN where it does not apply yet)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        cadence = np.where(t.expected >= 1, np.minimum(1.0, t.checkins / t.expected), np.nan)
    span = (float(scoring["recency_zero_after_cadences"]) - 1.0) * t.cadence
    recency = np.clip(1.0 - (t.days_since - t.cadence) / span, 0.0, 1.0)
    on_time, late = numbers(frame, "ms_on_time", 0), numbers(frame, "ms_late", 0)
    relevant = on_time + late + numbers(frame, "ms_overdue", 0) + numbers(frame, "ms_missed", 0)
    credit = float(scoring["late_milestone_credit"])
    both = numbers(frame, "recent_both", 0)
    mentor_only = numbers(frame, "recent_mentor", 0)
    mentee_only = numbers(frame, "recent_mentee", 0)
    known = both + mentor_only + mentee_only
    # A mentor-only and a mentee-only check-in together show both sides taking part.
    two_sided = both + 2.0 * np.minimum(mentor_only, mentee_only)
    with np.errstate(invalid="ignore", divide="ignore"):
        milestones = np.where(relevant > 0, (on_time + credit * late) / relevant, np.nan)
        engagement = np.where(known > 0, two_sided / known, np.nan)
    drop_for_zero = float(scoring["rating_drop_for_zero"])
    return {
        "cadence": cadence,
        "recency": np.where(t.started, recency, np.nan),
        "milestones": milestones,
        "ratings": np.where(
            np.isnan(change), np.nan, np.clip(1.0 + np.minimum(change, 0.0) / drop_for_zero, 0, 1)
        ),
        "engagement": engagement,
        "sentiment": np.clip((numbers(frame, "sentiment") + 1.0) / 2.0, 0.0, 1.0),
    }


def _weighted_health(
    scores: dict[str, np.ndarray], weights: dict[str, Any], started: np.ndarray
) -> np.ndarray:
    """100 × Σ wᵢ·scoreᵢ ÷ Σ wᵢ over the components that apply, to one decimal."""
    numerator = np.zeros(len(started))
    denominator = np.zeros(len(started))
    for name, score in scores.items():
        present = ~np.isnan(score) & started
        weight = float(weights[name])
        numerator += np.where(present, score * weight, 0.0)
        denominator += np.where(present, weight, 0.0)
    # A started pairing whose every weighted component is switched off: no opinion.
    with np.errstate(invalid="ignore", divide="ignore"):
        health = np.where(started & (denominator > 0), 100.0 * numerator / denominator, np.nan)
    return np.asarray(np.round(health, 1))


def _stall_rules(
    frame: pd.DataFrame, t: _Timing, change: np.ndarray, settings: dict[str, Any]
) -> dict[str, np.ndarray]:
    """Which stall rule fired for which pairing (only the watched statuses)."""
    stall = settings["stall"]
    watched = np.isin(t.status, watched_statuses(settings)) & t.started
    streak = int(stall["one_sided_streak"])
    one_sided = (numbers(frame, "streak_mentor", 0) >= streak) | (
        numbers(frame, "streak_mentee", 0) >= streak
    )
    overdue = numbers(frame, "ms_overdue", 0)
    return {
        "no_contact": watched & (t.days_since > no_contact_limit(t.cadence, stall)),
        "milestones": watched & (overdue >= int(stall["overdue_milestones"])),
        "ratings": watched & (change <= -float(stall["rating_drop"]) + 1e-9),
        "one_sided": watched & one_sided,
    }


def _reasons(
    frame: pd.DataFrame,
    t: _Timing,
    change: np.ndarray,
    scores: dict[str, np.ndarray],
    settings: dict[str, Any],
) -> list[list[str]]:
    """Every pairing's reasons in words, in a fixed order."""
    stall, words = settings["stall"], settings["reasons"]
    started, cadence, checkins = t.started, t.cadence, t.checkins
    limit = no_contact_limit(cadence, stall)
    overdue, missed = numbers(frame, "ms_overdue", 0), numbers(frame, "ms_missed", 0)
    streak = int(stall["one_sided_streak"])
    streak_mentor = numbers(frame, "streak_mentor", 0)
    one_sided = (streak_mentor >= streak) | (numbers(frame, "streak_mentee", 0) >= streak)
    both = numbers(frame, "recent_both", 0)
    mentor_only = numbers(frame, "recent_mentor", 0)
    mentee_only = numbers(frame, "recent_mentee", 0)
    known = both + mentor_only + mentee_only
    two_sided = both + 2.0 * np.minimum(mentor_only, mentee_only)
    sentiment = numbers(frame, "sentiment")
    reasons: list[list[str]] = [[] for _ in range(len(started))]

    def add(mask: np.ndarray, make: Callable[[int], str]) -> None:
        for i in np.flatnonzero(mask):
            reasons[i].append(make(int(i)))

    add(~started, lambda i: "not started yet")
    add(started & (t.status == "paused"), lambda i: "paused")
    add(
        # Mentioned from one missed cadence on, and always when a stall rule fired.
        started & (checkins == 0) & (t.days_running > np.minimum(cadence, limit)),
        lambda i: (
            f"no check-in yet, {int(t.days_running[i])} days since the start, "
            f"agreed every {int(cadence[i])}"
        ),
    )
    add(
        started & (checkins > 0) & (t.days_since > np.minimum(cadence, limit)),
        lambda i: f"no meeting for {int(t.days_since[i])} days, agreed every {int(cadence[i])}",
    )
    add(
        started & (checkins > 0) & (scores["cadence"] < float(words["cadence_share_below"])),
        lambda i: f"{int(checkins[i])} of {int(t.expected[i])} expected meetings held",
    )
    add(started & (overdue > 0), lambda i: f"{_plural(int(overdue[i]), 'milestone')} overdue")
    add(started & (missed > 0), lambda i: f"{_plural(int(missed[i]), 'milestone')} missed")
    add(
        started & (change <= -min(float(words["rating_fall"]), float(stall["rating_drop"])) + 1e-9),
        lambda i: f"ratings fell {_points(-change[i])} since the start",
    )
    add(
        started & one_sided,
        lambda i: (
            f"only the {'mentor' if streak_mentor[i] >= streak else 'mentee'} "
            f"has submitted the last {streak} check-ins"
        ),
    )
    add(
        started & ~one_sided & (scores["engagement"] < float(words["engagement_share_below"])),
        lambda i: (
            f"both sides took part in only {int(two_sided[i])} "
            f"of the last {int(known[i])} check-ins"
        ),
    )
    add(
        started & (sentiment < float(words["sentiment_below"])),
        lambda i: f"feedback notes lean negative (mean sentiment {sentiment[i]:+.2f})",
    )
    return reasons


def combine(frame: pd.DataFrame, today: dt.date, settings: dict[str, Any]) -> pd.DataFrame:
    """The verdicts from the merged inputs of ``health_frame_of`` (one row per pairing)."""
    t = _timing(frame, today)
    change = _rating_change(frame)
    scores = _component_scores(frame, t, change, settings["scoring"])
    weighted = _weighted_health(scores, settings["weights"], t.started)
    rules = _stall_rules(frame, t, change, settings)
    stalled = np.logical_or.reduce(list(rules.values()))
    # The verdict and the score agree: a stall is inside the at-risk band.
    health = np.where(stalled, np.minimum(weighted, stalled_health_cap(settings)), weighted)
    watched = np.isin(t.status, watched_statuses(settings)) & t.started
    at_risk = watched & ~stalled & (health < at_risk_line(settings))
    on_time, late = numbers(frame, "ms_on_time", 0), numbers(frame, "ms_late", 0)
    return pd.DataFrame(
        {
            "pairing_id": frame["pairing_id"].to_numpy(dtype=object),
            "status": t.status,
            "weighted_health": weighted,
            "health": health,
            "stalled": stalled,
            "at_risk": at_risk,
            "reasons": _reasons(frame, t, change, scores, settings),
            "cadence_days": t.cadence.astype(int),
            "days_running": t.days_running,
            "checkins": t.checkins.astype(int),
            "last_checkin": np.array(as_dates(frame["last_checkin"]), dtype=object),
            "days_since_contact": t.days_since,
            "expected_meetings": t.expected,
            "milestones_overdue": numbers(frame, "ms_overdue", 0).astype(int),
            "milestones_missed": numbers(frame, "ms_missed", 0).astype(int),
            "milestones_done": (on_time + late).astype(int),
            "rating_change": change,
            "engagement_share": scores["engagement"],
            "sentiment": numbers(frame, "sentiment"),
            **{f"score_{name}": score for name, score in scores.items()},
            **{f"stall_{rule}": fired for rule, fired in rules.items()},
        }
    )
