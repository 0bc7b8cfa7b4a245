"""Health score, stall detection and at-risk verdicts for every pairing.

One formula in one place, tunable through the ``health`` setting (defaults in
``DEFAULT_HEALTH_SETTINGS``; a lead's overrides are validated on save).

**Inputs** come from grouped SQL queries (never whole tables): two over
check-ins (plain counts and the last meeting; then, with window functions,
the first and latest ratings and who submitted the last few), one over
milestones using ``tandem.portfolio.milestones.milestone_status_expr`` (the one
definition of overdue / done), one over feedback sentiment, plus the
pairings' own columns.  They are combined column-wise with pandas/numpy.

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
  check-ins against the first 2 (last 1 vs first 1 with fewer than 4).  Flat or rising is 1; a fall
  of ``rating_drop_for_zero`` points or more is 0.  Needs 2 rated check-ins.
- ``engagement``: share of the last ``engagement_window`` check-ins (with a
  known submitter) that show both sides taking part: those submitted by
  ``both``, plus a mentor-only and a mentee-only check-in for each pair of
  them (so alternating mentor / mentee counts as two-sided, and mentor,
  mentor, mentor does not).
- ``sentiment``: the mean ``feedback_analysis.sentiment`` (−1…1 → 0…1) of the
  pairing's notes, once the themes engine has filled it.  Notes marked
  ``private`` are left out: their text never leaves the pair, and neither
  does a number read from it.

``health = 100 × Σ wᵢ·scoreᵢ ÷ Σ wᵢ`` over the components that apply.

**Which pairings.**  Proposed pairings (and any starting after ``today``) are
not scored (health empty, reason "not started yet").  Completed and ended
pairings are scored as of their ``ended_date`` when it is earlier than
``today``, so a finished pair is not penalised for not meeting after the end.

**Stalled** (only pairings whose status is in ``stall_statuses``, default
``active`` only — a *paused* pairing has agreed to a break, so it is neither
stalled nor at risk; a lead can add ``paused`` in the settings): any of

- no contact: the days since the last check-in (since the start when there is
  none) are *more than* ``max(no_contact_cadence_multiple × cadence,
  no_contact_min_days)``.  We read the issue's "more than twice its cadence or
  45 days" as "whichever is longer": 45 days is a floor so a weekly pair is
  not called stalled after a fortnight's holiday, and a quarterly pair is
  allowed its two quarters;
- ``overdue_milestones`` (2) or more milestones overdue;
- ratings fell by ``rating_drop`` (1.0) points or more since the start;
- one-sided: the last ``one_sided_streak`` (3) check-ins were all submitted by
  the same single party (mentor only, or mentee only).

**At risk**: scored below ``at_risk_below`` (50), same statuses as stalls.

Every pairing gets reasons in words (``;``-joined in ``pairing_health``).

**Stored.**  ``refresh_health`` writes every pairing's result to
``pairing_health`` and, in the same transaction, month-end snapshots (health,
stalled, at risk) of the ``TREND_MONTHS`` trend to ``pairing_health_history``,
so page views only read them.  A snapshot depends only on what happened up to
its month end, so a refresh computes only the month ends not stored yet; an
import (``tandem.program.rollups.invalidate``) or a changed health setting makes the
next refresh recompute them all.  Readers fall back to computing live while
the stored rows are not current for the day asked.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Float,
    and_,
    case,
    cast,
    delete,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.orm import aliased

from tandem.portfolio.milestones import (
    DONE_LATE,
    DONE_ON_TIME,
    MISSED,
    OVERDUE,
    milestone_status_expr,
)
from tandem.program import audit, bulk, rollups
from tandem.program.db import writer_transaction
from tandem.program.models import (
    DEFAULT_CADENCE_DAYS,
    RUNNING_STATUSES,
    CheckIn,
    Feedback,
    FeedbackAnalysis,
    Milestone,
    Pairing,
    PairingHealth,
    PairingHealthHistory,
    Person,
    RollupState,
    Setting,
    utcnow,
)
from tandem.program.settings import SettingsError, get_setting, put_setting, register_validator

SETTINGS_KEY = "health"
_HEALTH_TABLE = PairingHealth.metadata.tables[PairingHealth.__tablename__]
_HISTORY_TABLE = PairingHealth.metadata.tables[PairingHealthHistory.__tablename__]

COMPONENTS = ("cadence", "recency", "milestones", "ratings", "engagement", "sentiment")
COMPONENT_LABELS = {
    "cadence": "Cadence adherence",
    "recency": "Recency of the last meeting",
    "milestones": "Milestone progress",
    "ratings": "Rating trend",
    "engagement": "Two-sided engagement",
    "sentiment": "Feedback sentiment",
}
STALL_RULES = ("no_contact", "milestones", "ratings", "one_sided")
#: Statuses a lead may choose to watch for stalls.
STALLABLE_STATUSES = RUNNING_STATUSES
RATING_COLUMNS = ("clarity", "confidence", "influence", "safety")

DEFAULT_HEALTH_SETTINGS: dict[str, Any] = {
    "weights": {
        "cadence": 0.20,
        "recency": 0.25,
        "milestones": 0.20,
        "ratings": 0.15,
        "engagement": 0.10,
        "sentiment": 0.10,
    },
    "at_risk_below": 50.0,
    "stall_statuses": ["active"],
    "stall": {
        "no_contact_cadence_multiple": 2.0,
        "no_contact_min_days": 45,
        "overdue_milestones": 2,
        "rating_drop": 1.0,
        "one_sided_streak": 3,
    },
    "scoring": {
        "recency_zero_after_cadences": 3.0,
        "late_milestone_credit": 0.5,
        "rating_drop_for_zero": 2.0,
        "engagement_window": 6,
    },
    "reasons": {
        "rating_fall": 0.5,
        "sentiment_below": -0.2,
        "cadence_share_below": 0.75,
        "engagement_share_below": 0.5,
    },
}

# (section, key) → (kind, low, high): the range each tunable number must be in.
_NUMBER_RULES: dict[tuple[str, str], tuple[type, float, float]] = {
    **{("weights", name): (float, 0.0, 100.0) for name in COMPONENTS},
    ("", "at_risk_below"): (float, 0.0, 100.0),
    ("stall", "no_contact_cadence_multiple"): (float, 0.5, 12.0),
    ("stall", "no_contact_min_days"): (int, 1, 3650),
    ("stall", "overdue_milestones"): (int, 1, 1000),
    ("stall", "rating_drop"): (float, 0.1, 4.0),
    ("stall", "one_sided_streak"): (int, 2, 50),
    ("scoring", "recency_zero_after_cadences"): (float, 1.1, 24.0),
    ("scoring", "late_milestone_credit"): (float, 0.0, 1.0),
    ("scoring", "rating_drop_for_zero"): (float, 0.1, 4.0),
    ("scoring", "engagement_window"): (int, 1, 50),
    ("reasons", "rating_fall"): (float, 0.0, 4.0),
    ("reasons", "sentiment_below"): (float, -1.0, 1.0),
    ("reasons", "cadence_share_below"): (float, 0.0, 1.0),
    ("reasons", "engagement_share_below"): (float, 0.0, 1.0),
}


# --- settings --------------------------------------------------------------


def _unknown_keys(value: dict[str, Any], default: dict[str, Any], prefix: str = "") -> list[str]:
    unknown = []
    for key, item in value.items():
        if key not in default:
            unknown.append(prefix + key)
        elif isinstance(default[key], dict) and isinstance(item, dict):
            unknown.extend(_unknown_keys(item, default[key], f"{prefix}{key}."))
    return unknown


def validate_health_settings(value: dict[str, Any]) -> dict[str, Any]:
    """Check a complete ``health`` setting; return it normalised or raise ``SettingsError``.

    Every problem is listed in one message, so a lead fixes them in one go.
    """
    problems = [
        f"unknown setting {name!r}" for name in _unknown_keys(value, DEFAULT_HEALTH_SETTINGS)
    ]
    result = copy.deepcopy(value)
    for (section, key), (kind, low, high) in _NUMBER_RULES.items():
        holder = result if not section else result.get(section)
        name = f"{section}.{key}" if section else key
        if not isinstance(holder, dict) or key not in holder:
            problems.append(f"{name} is missing")
            continue
        number = holder[key]
        if (
            isinstance(number, bool)
            or not isinstance(number, int | float)
            or not math.isfinite(number)
        ):
            problems.append(f"{name} must be a number, not {number!r}")
            continue
        if kind is int and number != int(number):
            problems.append(f"{name} must be a whole number, not {number}")
            continue
        if not low <= number <= high:
            problems.append(f"{name} must be between {low:g} and {high:g}, not {number:g}")
            continue
        holder[key] = int(number) if kind is int else float(number)
    weights = result.get("weights")
    if (
        isinstance(weights, dict)
        and not problems
        and sum(weights.get(name, 0.0) for name in COMPONENTS) <= 0
    ):
        problems.append("at least one weight must be above 0")
    statuses = result.get("stall_statuses")
    if not isinstance(statuses, list) or any(s not in STALLABLE_STATUSES for s in statuses):
        problems.append("stall_statuses must be a list of: " + ", ".join(STALLABLE_STATUSES))
    else:
        result["stall_statuses"] = sorted(set(statuses), key=STALLABLE_STATUSES.index)
    if problems:
        raise SettingsError("health settings refused: " + "; ".join(problems))
    return result


register_validator(SETTINGS_KEY, validate_health_settings)


def health_settings(bind: Any) -> dict[str, Any]:
    """The effective health settings (stored overrides merged over the defaults)."""
    return get_setting(bind, SETTINGS_KEY, DEFAULT_HEALTH_SETTINGS)


def save_health_settings(engine: Engine, value: dict[str, Any], actor: str) -> dict[str, Any]:
    """Validate and store (possibly partial) health settings, audited; returns the result."""
    unknown = _unknown_keys(value, DEFAULT_HEALTH_SETTINGS)
    if unknown:
        raise SettingsError(
            "health settings refused: " + "; ".join(f"unknown setting {n!r}" for n in unknown)
        )
    return put_setting(engine, SETTINGS_KEY, value, actor, default=DEFAULT_HEALTH_SETTINGS)


# --- SQL aggregates --------------------------------------------------------


def _id_filter(column: Any, pairing_ids: Sequence[str] | None) -> Any:
    return column.in_(list(pairing_ids)) if pairing_ids is not None else true()


#: Check-in counts above this never occur in one pairing; it packs two running
#: counts into one window function (see ``_checkin_ends``).
_PACK = 1_000_000

CHECKIN_END_COLUMNS = (
    "pairing_id",
    *(f"{end}{k}_{part}" for end in ("first", "latest") for k in (1, 2) for part in ("sum", "n")),
    "recent_both",
    "recent_mentor",
    "recent_mentee",
    "streak_mentor",
    "streak_mentee",
)


def _checkin_counts(
    engine: Engine, today: dt.date, pairing_ids: Sequence[str] | None
) -> pd.DataFrame:
    """Plain grouped counts over check-ins: how many, the last one, how many rated."""
    c = CheckIn.__table__.c
    query = (
        select(
            c.pairing_id,
            func.count().label("checkins"),
            func.max(c.date).label("last_checkin"),
            func.count(func.coalesce(*(c[name] for name in RATING_COLUMNS))).label(
                "rated_checkins"
            ),
        )
        .where(c.date <= today, _id_filter(c.pairing_id, pairing_ids))
        .group_by(c.pairing_id)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return pd.DataFrame(rows, columns=["pairing_id", "checkins", "last_checkin", "rated_checkins"])


def _checkin_ends(
    engine: Engine, today: dt.date, settings: dict[str, Any], pairing_ids: Sequence[str] | None
) -> pd.DataFrame:
    """The first and latest rated check-ins and the last few submitters of every pairing.

    One grouped query with window functions inside.  Ordering every window
    newest first (by date, then id) makes the database sort once; two
    running sums give everything:

    - ``w1 = Σ (_PACK + rated)`` from the newest row: ``w1 // _PACK`` is the
      row's position from the end and ``w1 % _PACK`` its rank among the rated
      check-ins from the end (one function instead of two, which is most of
      the cost on SQLite at a million rows);
    - ``rfs = Σ rated`` from the row to the oldest: its rank among the rated
      check-ins from the start.

    Only rows that matter (the last few, and the first and latest two rated)
    reach the aggregates.  Ratings travel as a sum and a count (integers) so
    the means, taken in pandas, do not depend on either database's integer
    division.  Sums for 1 and 2 check-ins are both returned; ``_combine``
    uses 2 when there are at least 4 rated check-ins (so the ends never
    overlap).
    """
    c = CheckIn.__table__.c
    any_rating = func.coalesce(*(c[name] for name in RATING_COLUMNS))
    base = (
        select(
            c.pairing_id,
            c.date,
            c.checkin_id,
            c.submitted_by.label("sub"),
            *(c[name] for name in RATING_COLUMNS),
            case((any_rating.is_not(None), 1), else_=0).label("rated"),
        )
        .where(c.date <= today, _id_filter(c.pairing_id, pairing_ids))
        .subquery("cb")
    )
    newest_first = (base.c.date.desc(), base.c.checkin_id.desc())
    inner = select(
        base.c.pairing_id,
        base.c.sub,
        *(base.c[name] for name in RATING_COLUMNS),
        base.c.rated,
        func.sum(_PACK + base.c.rated)
        .over(partition_by=base.c.pairing_id, order_by=newest_first, rows=(None, 0))
        .label("w1"),
        func.sum(base.c.rated)
        .over(partition_by=base.c.pairing_id, order_by=newest_first, rows=(0, None))
        .label("rfs"),
    ).subquery("ci")
    window = int(settings["scoring"]["engagement_window"])
    streak = int(settings["stall"]["one_sided_streak"])
    rated = inner.c.rated == 1
    rated_from_end = inner.c.w1 % _PACK

    def within_last(count: int) -> Any:
        return inner.c.w1 < (count + 1) * _PACK

    ratings = [inner.c[name] for name in RATING_COLUMNS]
    given = sum((case((col.is_not(None), 1), else_=0) for col in ratings), literal(0))
    total = sum((func.coalesce(col, 0) for col in ratings), literal(0))

    def count_if(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0))

    ends = []
    for end, rank in (("first", inner.c.rfs), ("latest", rated_from_end)):
        for k in (1, 2):
            chosen = and_(rated, rank <= k)
            ends.append(func.sum(case((chosen, total), else_=0)).label(f"{end}{k}_sum"))
            ends.append(func.sum(case((chosen, given), else_=0)).label(f"{end}{k}_n"))
    query = (
        select(
            inner.c.pairing_id,
            *ends,
            *(
                count_if(and_(within_last(window), inner.c.sub == who)).label(f"recent_{who}")
                for who in ("both", "mentor", "mentee")
            ),
            *(
                count_if(and_(within_last(streak), inner.c.sub == who)).label(f"streak_{who}")
                for who in ("mentor", "mentee")
            ),
        )
        .where(
            or_(
                within_last(max(window, streak)),
                and_(rated, or_(inner.c.rfs <= 2, rated_from_end <= 2)),
            )
        )
        .group_by(inner.c.pairing_id)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return pd.DataFrame(rows, columns=list(CHECKIN_END_COLUMNS))


def _milestone_aggregates(
    engine: Engine, today: dt.date, pairing_ids: Sequence[str] | None
) -> pd.DataFrame:
    """One grouped query over milestones, counting by the one SQL status expression."""
    m = Milestone.__table__
    inner = (
        select(m.c.pairing_id, milestone_status_expr(today, m).label("st"))
        .where(_id_filter(m.c.pairing_id, pairing_ids))
        .subquery("ms")
    )
    counts = {
        "on_time": DONE_ON_TIME,
        "late": DONE_LATE,
        "overdue": OVERDUE,
        "missed": MISSED,
    }
    query = select(
        inner.c.pairing_id,
        func.count().label("milestones"),
        *(
            func.sum(case((inner.c.st == status, 1), else_=0)).label(f"ms_{name}")
            for name, status in counts.items()
        ),
    ).group_by(inner.c.pairing_id)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return pd.DataFrame(
        rows, columns=["pairing_id", "milestones", *(f"ms_{name}" for name in counts)]
    )


def _sentiment_aggregates(
    engine: Engine, today: dt.date, pairing_ids: Sequence[str] | None
) -> pd.DataFrame:
    f = Feedback.__table__.c
    a = FeedbackAnalysis.__table__.c
    query = (
        select(
            f.pairing_id,
            cast(func.avg(a.sentiment), Float).label("sentiment"),
            func.count().label("sentiment_notes"),
        )
        .select_from(Feedback.__table__.join(FeedbackAnalysis.__table__))
        .where(
            f.pairing_id.is_not(None),
            a.sentiment.is_not(None),
            f.visibility != "private",
            f.date <= today,
            _id_filter(f.pairing_id, pairing_ids),
        )
        .group_by(f.pairing_id)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return pd.DataFrame(rows, columns=["pairing_id", "sentiment", "sentiment_notes"])


def _pairings(engine: Engine, pairing_ids: Sequence[str] | None) -> pd.DataFrame:
    p = Pairing.__table__.c
    query = select(p.pairing_id, p.status, p.start_date, p.ended_date, p.cadence_days).where(
        _id_filter(p.pairing_id, pairing_ids)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return pd.DataFrame(
        rows, columns=["pairing_id", "status", "start_date", "ended_date", "cadence_days"]
    )


# --- combining ---------------------------------------------------------------


def _dates(values: pd.Series) -> list[dt.date | None]:
    """Dates with every missing marker (None, NaN, NaT after a left join) as None."""
    return [value if isinstance(value, dt.date) else None for value in values.tolist()]


def _days(values: pd.Series) -> np.ndarray:
    """Dates (``datetime.date`` or None) as day numbers since the epoch (float, NaN for None)."""
    as_days = np.array(_dates(values), dtype="datetime64[D]")
    out = as_days.astype("int64").astype(float)
    out[np.isnat(as_days)] = np.nan
    return out


def _num(frame: pd.DataFrame, column: str, fill: float = np.nan) -> np.ndarray:
    return pd.to_numeric(frame[column], errors="coerce").fillna(fill).to_numpy(dtype=float)


def _cadence(values: pd.Series) -> np.ndarray:
    """Agreed cadence in days; missing or non-positive means the default."""
    cadence = pd.to_numeric(values, errors="coerce").fillna(DEFAULT_CADENCE_DAYS).to_numpy(float)
    return np.where(cadence > 0, cadence, DEFAULT_CADENCE_DAYS)


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
    the component scores (``score_<name>``, 0–1 or NaN), ``health`` (0–100 or
    NaN when not started), ``stalled``, ``at_risk``, one boolean per stall rule
    (``stall_<rule>``) and ``reasons`` (a list of strings).
    """
    today = today or utcnow().date()
    settings = settings if settings is not None else health_settings(engine)
    return _health_frame_of(engine, today, settings, pairing_ids, _pairings(engine, pairing_ids))


def _health_frame_of(
    engine: Engine,
    today: dt.date,
    settings: dict[str, Any],
    pairing_ids: Sequence[str] | None,
    pairings: pd.DataFrame,
) -> pd.DataFrame:
    """``health_frame`` for the given rows of ``pairings`` (read once for several days)."""
    if pairings.empty:
        return _empty_frame()
    frame = pairings.merge(_checkin_counts(engine, today, pairing_ids), on="pairing_id", how="left")
    frame = frame.merge(
        _checkin_ends(engine, today, settings, pairing_ids), on="pairing_id", how="left"
    )
    frame = frame.merge(
        _milestone_aggregates(engine, today, pairing_ids), on="pairing_id", how="left"
    )
    frame = frame.merge(
        _sentiment_aggregates(engine, today, pairing_ids), on="pairing_id", how="left"
    )
    frame = frame.sort_values("pairing_id", kind="stable").reset_index(drop=True)
    return _combine(frame, today, settings)


def _empty_frame() -> pd.DataFrame:
    columns = [
        "pairing_id",
        "status",
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


def _combine(frame: pd.DataFrame, today: dt.date, settings: dict[str, Any]) -> pd.DataFrame:
    n = len(frame)
    scoring = settings["scoring"]
    stall = settings["stall"]
    words = settings["reasons"]
    status = frame["status"].to_numpy(dtype=object)
    today_day = float((today - dt.date(1970, 1, 1)).days)
    start = _days(frame["start_date"])
    ended = _days(frame["ended_date"])
    finished = np.isin(status, ("completed", "ended")) & ~np.isnan(ended) & (ended < today_day)
    ref = np.where(finished, ended, today_day)
    cadence = _cadence(frame["cadence_days"])
    started = (status != "proposed") & ~np.isnan(start) & (start <= ref)

    checkins = _num(frame, "checkins", 0)
    last = _days(frame["last_checkin"])
    days_running = np.where(started, ref - start, np.nan)
    last_contact = np.where(np.isnan(last), start, last)
    days_since = np.where(started, np.clip(ref - last_contact, 0, None), np.nan)
    expected = np.floor(days_running / cadence)

    # cadence adherence
    with np.errstate(invalid="ignore", divide="ignore"):
        s_cadence = np.where(expected >= 1, np.minimum(1.0, checkins / expected), np.nan)
    # recency
    span = (float(scoring["recency_zero_after_cadences"]) - 1.0) * cadence
    s_recency = np.clip(1.0 - (days_since - cadence) / span, 0.0, 1.0)
    s_recency = np.where(started, s_recency, np.nan)
    # milestones
    on_time = _num(frame, "ms_on_time", 0)
    late = _num(frame, "ms_late", 0)
    overdue = _num(frame, "ms_overdue", 0)
    missed = _num(frame, "ms_missed", 0)
    relevant = on_time + late + overdue + missed
    with np.errstate(invalid="ignore", divide="ignore"):
        s_milestones = np.where(
            relevant > 0,
            (on_time + float(scoring["late_milestone_credit"]) * late) / relevant,
            np.nan,
        )
    # rating trend
    rated = _num(frame, "rated_checkins", 0)
    two = rated >= 4

    def mean_of(end: str) -> np.ndarray:
        sums = np.where(two, _num(frame, f"{end}2_sum"), _num(frame, f"{end}1_sum"))
        counts = np.where(two, _num(frame, f"{end}2_n"), _num(frame, f"{end}1_n"))
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(counts > 0, sums / counts, np.nan)

    change = np.where(rated >= 2, mean_of("latest") - mean_of("first"), np.nan)
    s_ratings = np.where(
        np.isnan(change),
        np.nan,
        np.clip(1.0 + np.minimum(change, 0.0) / float(scoring["rating_drop_for_zero"]), 0, 1),
    )
    # two-sided engagement
    both = _num(frame, "recent_both", 0)
    mentor_only = _num(frame, "recent_mentor", 0)
    mentee_only = _num(frame, "recent_mentee", 0)
    known = both + mentor_only + mentee_only
    # A mentor-only and a mentee-only check-in together show both sides taking part.
    two_sided = both + 2.0 * np.minimum(mentor_only, mentee_only)
    with np.errstate(invalid="ignore", divide="ignore"):
        s_engagement = np.where(known > 0, two_sided / known, np.nan)
    # sentiment
    sentiment = _num(frame, "sentiment")
    s_sentiment = np.clip((sentiment + 1.0) / 2.0, 0.0, 1.0)

    scores = {
        "cadence": s_cadence,
        "recency": s_recency,
        "milestones": s_milestones,
        "ratings": s_ratings,
        "engagement": s_engagement,
        "sentiment": s_sentiment,
    }
    weights = settings["weights"]
    numerator = np.zeros(n)
    denominator = np.zeros(n)
    for name, score in scores.items():
        present = ~np.isnan(score) & started
        weight = float(weights[name])
        numerator += np.where(present, score * weight, 0.0)
        denominator += np.where(present, weight, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        health = np.where(started & (denominator > 0), 100.0 * numerator / denominator, np.nan)
    # A started pairing whose every weighted component is switched off: no opinion.
    health = np.round(health, 1)

    watched = np.isin(status, settings["stall_statuses"]) & started
    limit = no_contact_limit(cadence, stall)
    streak = int(stall["one_sided_streak"])
    streak_mentor = _num(frame, "streak_mentor", 0)
    streak_mentee = _num(frame, "streak_mentee", 0)
    rules = {
        "no_contact": watched & (days_since > limit),
        "milestones": watched & (overdue >= int(stall["overdue_milestones"])),
        "ratings": watched & (change <= -float(stall["rating_drop"]) + 1e-9),
        "one_sided": watched & ((streak_mentor >= streak) | (streak_mentee >= streak)),
    }
    stalled = np.zeros(n, dtype=bool)
    for fired in rules.values():
        stalled |= fired
    at_risk = watched & (health < float(settings["at_risk_below"]))

    # reasons in words
    reasons: list[list[str]] = [[] for _ in range(n)]

    def add(mask: np.ndarray, make: Callable[[int], str]) -> None:
        for i in np.flatnonzero(mask):
            reasons[i].append(make(int(i)))

    add(~started, lambda i: "not started yet")
    add(started & (status == "paused"), lambda i: "paused")
    add(
        # Mentioned from one missed cadence on, and always when a stall rule fired.
        started & (checkins == 0) & (days_running > np.minimum(cadence, limit)),
        lambda i: (
            f"no check-in yet, {int(days_running[i])} days since the start, "
            f"agreed every {int(cadence[i])}"
        ),
    )
    add(
        started & (checkins > 0) & (days_since > np.minimum(cadence, limit)),
        lambda i: f"no meeting for {int(days_since[i])} days, agreed every {int(cadence[i])}",
    )
    add(
        started & (checkins > 0) & (s_cadence < float(words["cadence_share_below"])),
        lambda i: f"{int(checkins[i])} of {int(expected[i])} expected meetings held",
    )
    add(started & (overdue > 0), lambda i: f"{_plural(int(overdue[i]), 'milestone')} overdue")
    add(started & (missed > 0), lambda i: f"{_plural(int(missed[i]), 'milestone')} missed")
    add(
        started & (change <= -min(float(words["rating_fall"]), float(stall["rating_drop"])) + 1e-9),
        lambda i: f"ratings fell {_points(-change[i])} since the start",
    )
    one_sided = (streak_mentor >= streak) | (streak_mentee >= streak)
    add(
        started & one_sided,
        lambda i: (
            f"only the {'mentor' if streak_mentor[i] >= streak else 'mentee'} "
            f"has submitted the last {streak} check-ins"
        ),
    )
    add(
        started & ~one_sided & (s_engagement < float(words["engagement_share_below"])),
        lambda i: (
            f"both sides took part in only {int(two_sided[i])} "
            f"of the last {int(known[i])} check-ins"
        ),
    )
    add(
        started & (sentiment < float(words["sentiment_below"])),
        lambda i: f"feedback notes lean negative (mean sentiment {sentiment[i]:+.2f})",
    )

    out = pd.DataFrame(
        {
            "pairing_id": frame["pairing_id"].to_numpy(dtype=object),
            "status": status,
            "health": health,
            "stalled": stalled,
            "at_risk": at_risk,
            "reasons": reasons,
            "cadence_days": cadence.astype(int),
            "days_running": days_running,
            "checkins": checkins.astype(int),
            "last_checkin": np.array(_dates(frame["last_checkin"]), dtype=object),
            "days_since_contact": days_since,
            "expected_meetings": expected,
            "milestones_overdue": overdue.astype(int),
            "milestones_missed": missed.astype(int),
            "milestones_done": (on_time + late).astype(int),
            "rating_change": change,
            "engagement_share": s_engagement,
            "sentiment": sentiment,
            **{f"score_{name}": score for name, score in scores.items()},
            **{f"stall_{rule}": fired for rule, fired in rules.items()},
        }
    )
    return out


# --- writing and reading -------------------------------------------------


@dataclass(frozen=True)
class HealthReport:
    """What a refresh did."""

    as_of: dt.date
    pairings: int
    scored: int
    stalled: int
    at_risk: int
    seconds: float


#: Points of the Stalled page's trend: the stored health's day and the month
#: ends before it (``trend_days``).  The refresh keeps snapshots of those month
#: ends in ``pairing_health_history`` so a page view only reads them.
TREND_MONTHS = 6


def trend_days(today: dt.date, months: int = TREND_MONTHS) -> list[dt.date]:
    """The last ``months`` month ends up to ``today`` (today itself for the current
    month), oldest first."""
    days = [today]
    first = today.replace(day=1)
    for _ in range(months - 1):
        end = first - dt.timedelta(days=1)
        days.append(end)
        first = end.replace(day=1)
    return sorted(days)


def history_month_ends(today: dt.date, months: int = TREND_MONTHS) -> list[dt.date]:
    """The month ends of the trend before ``today``: what ``pairing_health_history`` keeps."""
    return [day for day in trend_days(today, months) if day != today]


def _reusable_month_ends(connection: Connection, wanted: Sequence[dt.date]) -> set[dt.date]:
    """Month ends already stored that a refresh may keep instead of recomputing.

    Only while the history is current (an import clears it: back-dated
    check-ins change the past) and was written under today's health settings
    (a changed formula recomputes every month, so the trend does not mix rules).
    A snapshot depends only on what happened up to its month end, so the day
    of the previous refresh does not matter.
    """
    marker = connection.execute(
        select(RollupState.computed_at).where(RollupState.name == rollups.HEALTH_HISTORY)
    ).scalar_one_or_none()
    if marker is None or not wanted:
        return set()
    changed = connection.execute(
        select(Setting.updated_at).where(Setting.key == SETTINGS_KEY)
    ).scalar_one_or_none()
    if changed is not None and changed >= marker:
        return set()
    history = PairingHealthHistory.__table__.c
    return set(
        connection.execute(
            select(history.month_end).where(history.month_end.in_(list(wanted))).distinct()
        ).scalars()
    )


@dataclass(frozen=True)
class _Snapshot:
    """The stored columns of one month end's health (numpy, not a whole frame)."""

    month_end: dt.date
    pairing_ids: np.ndarray
    health: np.ndarray
    stalled: np.ndarray
    at_risk: np.ndarray

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "month_end": self.month_end,
                "pairing_id": pairing_id,
                "health": None if math.isnan(score) else float(score),
                "stalled": bool(stalled),
                "at_risk": bool(at_risk),
            }
            for pairing_id, score, stalled, at_risk in zip(
                self.pairing_ids.tolist(),
                self.health.tolist(),
                self.stalled.tolist(),
                self.at_risk.tolist(),
                strict=True,
            )
        ]


def _snapshots(
    engine: Engine, month_ends: Sequence[dt.date], settings: dict[str, Any]
) -> list[_Snapshot]:
    """Health of every pairing at each month end (the pairings are read once)."""
    if not month_ends:
        return []
    pairings = _pairings(engine, None)
    snapshots = []
    for month_end in month_ends:
        frame = _health_frame_of(engine, month_end, settings, None, pairings)
        snapshots.append(
            _Snapshot(
                month_end=month_end,
                pairing_ids=frame["pairing_id"].to_numpy(dtype=object),
                health=frame["health"].to_numpy(dtype=float),
                stalled=frame["stalled"].to_numpy(dtype=bool),
                at_risk=frame["at_risk"].to_numpy(dtype=bool),
            )
        )
    return snapshots


def refresh_health(
    engine: Engine,
    *,
    today: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
    actor: str = "system",
    say: Callable[[str], None] | None = None,
) -> HealthReport:
    """Compute every pairing and store the result in ``pairing_health`` in one transaction,
    with the month-end snapshots of the stall trend in ``pairing_health_history``.

    Month ends already stored are kept while the history is current and the
    health settings have not changed since (a new month adds one); otherwise
    (after an import, or a changed formula) every month end is recomputed.
    Month ends the trend no longer shows are dropped.  ``progress`` is called
    with the number of ``pairing_health`` rows written so far.  Rows of
    pairings that no longer exist go with them (foreign key cascade).
    """
    began = time.perf_counter()
    today = today or utcnow().date()
    # The turn among writers first: what is computed below is then the data as
    # it is when written (no import can commit in between).
    with writer_transaction(engine, say) as session:
        settings = health_settings(engine)
        frame = health_frame(engine, today, settings=settings)
        month_ends = history_month_ends(today)
        with engine.connect() as connection:
            kept = _reusable_month_ends(connection, month_ends)
        snapshots = _snapshots(engine, [day for day in month_ends if day not in kept], settings)
        computed_at = utcnow()
        health = frame["health"].to_numpy(dtype=float)
        rows = [
            {
                "pairing_id": pairing_id,
                "health": None if math.isnan(score) else float(score),
                "stalled": bool(stalled),
                "at_risk": bool(at_risk),
                "reasons": ";".join(reasons),
                "as_of": today,
                "computed_at": computed_at,
            }
            for pairing_id, score, stalled, at_risk, reasons in zip(
                frame["pairing_id"],
                health,
                frame["stalled"],
                frame["at_risk"],
                frame["reasons"],
                strict=True,
            )
        ]
        report = HealthReport(
            as_of=today,
            pairings=len(frame),
            scored=int((~np.isnan(health)).sum()),
            stalled=int(frame["stalled"].sum()),
            at_risk=int(frame["at_risk"].sum()),
            seconds=0.0,
        )
        connection = session.connection()
        bulk.upsert(connection, _HEALTH_TABLE, rows, progress=progress)
        # Whatever was computed above saw the data as it was then: if an import
        # has cleared the history since, what we meant to keep is gone and
        # nothing is marked current (readers compute live until the next refresh).
        unchanged = _reusable_month_ends(connection, sorted(kept)) == kept
        history = _HISTORY_TABLE.c
        if kept:
            connection.execute(delete(_HISTORY_TABLE).where(history.month_end.not_in(sorted(kept))))
        else:
            connection.execute(delete(_HISTORY_TABLE))
        for snapshot in snapshots:
            bulk.upsert(connection, _HISTORY_TABLE, snapshot.rows())
        if unchanged:
            rollups.mark_current(connection, rollups.HEALTH_HISTORY, as_of=today)
            rollups.mark_current(connection, rollups.HEALTH, as_of=today)
        audit.record(
            session,
            actor=actor,
            action="health.refresh",
            entity="pairing_health",
            after={
                "as_of": today,
                "pairings": report.pairings,
                "stalled": report.stalled,
                "at_risk": report.at_risk,
                "month_ends_computed": [snapshot.month_end for snapshot in snapshots],
            },
        )
    return HealthReport(**{**report.__dict__, "seconds": time.perf_counter() - began})


def _finite(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def explain_pairing(
    engine: Engine, pairing_id: str, today: dt.date | None = None
) -> dict[str, Any]:
    """Components, weights, inputs and reasons behind one pairing's score (detail page).

    Raises ``LookupError`` when the pairing does not exist.
    """
    today = today or utcnow().date()
    settings = health_settings(engine)
    frame = health_frame(engine, today, settings=settings, pairing_ids=[pairing_id])
    if frame.empty:
        raise LookupError(f"no pairing with id {pairing_id!r}")
    row = frame.iloc[0]
    weights = settings["weights"]
    present = {
        name: _finite(row[f"score_{name}"]) is not None and float(weights[name]) > 0
        for name in COMPONENTS
    }
    total = sum(float(weights[name]) for name in COMPONENTS if present[name])
    components = [
        {
            "name": name,
            "label": COMPONENT_LABELS[name],
            "score": _finite(row[f"score_{name}"]),
            "weight": float(weights[name]),
            # The weight this component actually carried after renormalising.
            "share": (float(weights[name]) / total) if present[name] and total else 0.0,
        }
        for name in COMPONENTS
    ]
    return {
        "pairing_id": pairing_id,
        "as_of": today,
        "status": row["status"],
        "health": _finite(row["health"]),
        "stalled": bool(row["stalled"]),
        "at_risk": bool(row["at_risk"]),
        "reasons": list(row["reasons"]),
        "stall_rules": {rule: bool(row[f"stall_{rule}"]) for rule in STALL_RULES},
        "components": components,
        "inputs": {
            "cadence_days": int(row["cadence_days"]),
            "days_running": _finite(row["days_running"]),
            "checkins": int(row["checkins"]),
            "last_checkin": row["last_checkin"] if row["last_checkin"] is not None else None,
            "days_since_contact": _finite(row["days_since_contact"]),
            "expected_meetings": _finite(row["expected_meetings"]),
            "milestones_done": int(row["milestones_done"]),
            "milestones_overdue": int(row["milestones_overdue"]),
            "milestones_missed": int(row["milestones_missed"]),
            "rating_change": _finite(row["rating_change"]),
            "engagement_share": _finite(row["engagement_share"]),
            "sentiment": _finite(row["sentiment"]),
        },
        "settings": settings,
    }


NUDGE_COLUMNS = (
    "pairing_id",
    "mentor_name",
    "mentor_email",
    "mentee_name",
    "mentee_email",
    "days_since_last_meeting",
    "last_meeting",
    "cadence_days",
)


def _chunks(values: Sequence[str], size: int = 1000) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def nudge_list(
    engine: Engine,
    today: dt.date | None = None,
    *,
    where: ColumnElement[bool] | None = None,
) -> pd.DataFrame:
    """Stalled pairings whose problem is no contact, with both people, for a CSV export.

    Uses the same no-contact rule as the stall detection (one source of
    truth); most overdue first.  ``where`` is an extra condition on
    ``pairings`` (the shared filters' ``Filters.clause()``).

    When the stored health is current for ``today`` (a refresh for that day
    since the data last changed), only the pairings it marks stalled are
    examined, in SQL with the filters; otherwise every pairing's health is
    computed live.  Both give the same rows.
    """
    today = today or utcnow().date()
    settings = health_settings(engine)
    if rollups.is_current(engine, rollups.HEALTH, as_of=today):
        return _stored_nudge_list(engine, today, settings, where)
    return _live_nudge_list(engine, today, settings, where)


_PEOPLE_COLUMNS = ["pairing_id", "mentor_name", "mentor_email", "mentee_name", "mentee_email"]


def _people_query() -> Any:
    mentor = aliased(Person)
    mentee = aliased(Person)
    return (
        select(
            Pairing.pairing_id,
            mentor.name,
            mentor.email,
            mentee.name,
            mentee.email,
        )
        .join(mentor, mentor.person_id == Pairing.mentor_id)
        .join(mentee, mentee.person_id == Pairing.mentee_id)
    )


def _nudge_frame(
    pairing_ids: Sequence[str],
    days_since: np.ndarray,
    last_meeting: Sequence[dt.date | None],
    cadence: np.ndarray,
    people: pd.DataFrame,
) -> pd.DataFrame:
    """The nudge list's columns and order from the no-contact stalls' figures."""
    stalls = pd.DataFrame(
        {
            "pairing_id": list(pairing_ids),
            "days_since_last_meeting": np.asarray(days_since, dtype=float).astype(int),
            "last_meeting": np.array(list(last_meeting), dtype=object),
            "cadence_days": np.asarray(cadence, dtype=float).astype(int),
        }
    )
    result = stalls.merge(people, on="pairing_id", how="inner")
    result = result.sort_values(
        ["days_since_last_meeting", "pairing_id"], ascending=[False, True], kind="stable"
    )
    return result[list(NUDGE_COLUMNS)].reset_index(drop=True)


def _stored_nudge_list(
    engine: Engine,
    today: dt.date,
    settings: dict[str, Any],
    where: ColumnElement[bool] | None,
) -> pd.DataFrame:
    """The nudge list from the stored verdicts: no-contact is one of the stall rules, so
    only pairings stored as stalled can qualify; the rule itself is re-applied to them."""
    last = (
        select(func.max(CheckIn.date))
        .where(CheckIn.pairing_id == Pairing.pairing_id, CheckIn.date <= today)
        .correlate(Pairing)
        .scalar_subquery()
    )
    query = (
        _people_query()
        .add_columns(Pairing.start_date, Pairing.cadence_days, last.label("last_checkin"))
        .join(PairingHealth, PairingHealth.pairing_id == Pairing.pairing_id)
        .where(
            PairingHealth.stalled,
            PairingHealth.as_of == today,
            # The statuses the stall rules watch are never "finished" pairings,
            # so their days without contact count up to ``today`` (as in _combine).
            Pairing.status.in_(list(settings["stall_statuses"])),
            Pairing.start_date <= today,
            where if where is not None else true(),
        )
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    columns = [*_PEOPLE_COLUMNS, "start_date", "cadence_days", "last_checkin"]
    frame = pd.DataFrame(rows, columns=columns)
    if frame.empty:
        return pd.DataFrame(columns=list(NUDGE_COLUMNS))
    today_day = float((today - dt.date(1970, 1, 1)).days)
    last_day = _days(frame["last_checkin"])
    last_contact = np.where(np.isnan(last_day), _days(frame["start_date"]), last_day)
    days_since = np.clip(today_day - last_contact, 0, None)
    cadence = _cadence(frame["cadence_days"])
    fired = days_since > no_contact_limit(cadence, settings["stall"])
    return _nudge_frame(
        frame["pairing_id"][fired].tolist(),
        days_since[fired],
        [day for day, keep in zip(_dates(frame["last_checkin"]), fired, strict=True) if keep],
        cadence[fired],
        frame.loc[fired, _PEOPLE_COLUMNS],
    )


def _live_nudge_list(
    engine: Engine,
    today: dt.date,
    settings: dict[str, Any],
    where: ColumnElement[bool] | None,
) -> pd.DataFrame:
    frame = health_frame(engine, today, settings=settings)
    if frame.empty:
        return pd.DataFrame(columns=list(NUDGE_COLUMNS))
    stalled = frame[frame["stall_no_contact"].astype(bool)]
    people: list[Any] = []
    with engine.connect() as connection:
        for chunk in _chunks(list(stalled["pairing_id"])):
            query = _people_query().where(
                Pairing.pairing_id.in_(chunk), where if where is not None else true()
            )
            people.extend(connection.execute(query).all())
    return _nudge_frame(
        list(stalled["pairing_id"]),
        stalled["days_since_contact"].to_numpy(dtype=float),
        _dates(stalled["last_checkin"]),
        stalled["cadence_days"].to_numpy(dtype=float),
        pd.DataFrame(people, columns=_PEOPLE_COLUMNS),
    )
