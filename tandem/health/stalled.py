"""The program lead's queue: stalled, at-risk and flagged pairings, and the health picture.

Everything reads what ``refresh_health`` stored, so each part is a single SQL
query paged or grouped in the database: ``pairing_health`` (the latest
refresh) for the queue, the counts, the distribution and the nudge list, and
``pairing_health_history`` (month-end snapshots) for the trend.  The trend
and the nudge list fall back to computing health live when the stored rows
are not current for the day asked (before the first refresh, after an
import); the results are the same either way, only slower.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Date, Engine, and_, case, exists, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased

from tandem.access.filters import Filters
from tandem.access.privacy import threshold_for
from tandem.access.roles import Viewer
from tandem.access.scope import Scope
from tandem.health.flags import OPEN_FLAG_STATUSES
from tandem.health.formula import health_frame
from tandem.health.nudges import nudge_list
from tandem.health.settings import at_risk_line, health_settings
from tandem.health.snapshots import TREND_MONTHS, trend_days
from tandem.health.verdicts import AT_RISK, ON_TRACK, STALLED
from tandem.program import rollups
from tandem.program.derived_tables import PairingHealth, PairingHealthHistory
from tandem.program.models import RUNNING_STATUSES, Cohort, Flag, Pairing, Person, utcnow

BIN_WIDTH = 10
QUEUE_COLUMNS = (
    "pairing_id",
    "mentor",
    "mentor_id",
    "mentee",
    "mentee_id",
    "cohort",
    "status",
    "health",
    "stalled",
    "at_risk",
    "reasons",
    "open_flags",
    "flag_owner",
)
FLAG_COLUMNS = (
    "flag_id",
    "pairing_id",
    "raised_at",
    "raised_by",
    "reason",
    "status",
    "owner",
    "note",
    "resolved_at",
    "resolution",
    "version",
)


@dataclass(frozen=True)
class QueuePage:
    rows: pd.DataFrame
    total: int


@dataclass(frozen=True)
class QueueCounts:
    stalled: int
    at_risk: int
    open_flags: int
    unowned_flags: int


@dataclass(frozen=True)
class HealthAsOf:
    """When the stored health was computed: the scoring day and the wall-clock time."""

    as_of: dt.date | None
    computed_at: dt.datetime | None
    pairings: int


def _open_flag_columns() -> tuple[Any, Any]:
    """Per pairing: the number of unresolved flags and the owner of the newest one.

    Correlated subqueries, each an index lookup on ``ix_flags_pairing``: a
    grouped subquery joined to every pairing would be scanned once per row on
    SQLite (no index on a materialised subquery).
    """
    unresolved = and_(Flag.pairing_id == Pairing.pairing_id, Flag.status.in_(OPEN_FLAG_STATUSES))
    count = (
        select(func.count())
        .select_from(Flag)
        .where(unresolved)
        .correlate(Pairing)
        .scalar_subquery()
    )
    owner = (
        select(Flag.owner)
        .where(unresolved)
        .order_by(Flag.raised_at.desc(), Flag.flag_id.desc())
        .limit(1)
        .correlate(Pairing)
        .scalar_subquery()
    )
    return count, owner


def _queue_query(filters: Filters) -> tuple[Any, Any]:
    mentor = aliased(Person, name="mentor")
    mentee = aliased(Person, name="mentee")
    open_count, owner = _open_flag_columns()
    has_open = exists(
        select(Flag.flag_id).where(
            Flag.pairing_id == Pairing.pairing_id, Flag.status.in_(OPEN_FLAG_STATUSES)
        )
    )
    statement = (
        select(
            Pairing.pairing_id,
            mentor.name.label("mentor"),
            Pairing.mentor_id,
            mentee.name.label("mentee"),
            Pairing.mentee_id,
            Cohort.name.label("cohort"),
            Pairing.status,
            PairingHealth.health,
            PairingHealth.stalled,
            PairingHealth.at_risk,
            PairingHealth.reasons,
            open_count.label("open_flags"),
            owner.label("flag_owner"),
        )
        .select_from(Pairing)
        .join(PairingHealth, PairingHealth.pairing_id == Pairing.pairing_id)
        .join(mentor, mentor.person_id == Pairing.mentor_id)
        .join(mentee, mentee.person_id == Pairing.mentee_id)
        .outerjoin(Cohort, Cohort.cohort_id == Pairing.cohort_id)
        .where(
            filters.clause(),
            # A pairing with an open flag stays in the queue until the flag is
            # resolved, even once its score recovers.
            or_(PairingHealth.stalled, PairingHealth.at_risk, has_open),
        )
    )
    tier = case((PairingHealth.stalled, 0), (PairingHealth.at_risk, 1), else_=2)
    order = (
        tier,
        case((PairingHealth.health.is_(None), 1), else_=0),
        PairingHealth.health.asc(),
        Pairing.pairing_id,
    )
    return statement, order


def stalled_queue(
    engine: Engine, filters: Filters, *, limit: int = 50, offset: int = 0
) -> QueuePage:
    """One page of the queue: stalled first, then at risk, then only flagged; worst first."""
    statement, order = _queue_query(filters)
    count = select(func.count()).select_from(statement.subquery())
    with engine.connect() as connection:
        total = int(connection.execute(count).scalar_one())
        result = connection.execute(
            statement.order_by(*order).limit(max(1, limit)).offset(max(0, offset))
        )
        frame = pd.DataFrame(result.fetchall(), columns=list(QUEUE_COLUMNS))
    frame["health"] = pd.to_numeric(frame["health"], errors="coerce")
    for column in ("stalled", "at_risk"):
        frame[column] = frame[column].astype(bool)
    frame["open_flags"] = frame["open_flags"].astype(int)
    return QueuePage(rows=frame, total=total)


def queue_counts(engine: Engine, filters: Filters) -> QueueCounts:
    """Headline counts under the filters: stalled, at risk, open flags, open flags nobody owns."""
    health = (
        select(
            func.coalesce(func.sum(case((PairingHealth.stalled, 1), else_=0)), 0),
            func.coalesce(func.sum(case((PairingHealth.at_risk, 1), else_=0)), 0),
        )
        .select_from(Pairing)
        .join(PairingHealth, PairingHealth.pairing_id == Pairing.pairing_id)
        .where(filters.clause())
    )
    unowned = or_(Flag.owner.is_(None), func.trim(Flag.owner) == "")
    flags = (
        select(
            func.count(),
            func.coalesce(func.sum(case((unowned, 1), else_=0)), 0),
        )
        .select_from(Flag)
        .join(Pairing, Pairing.pairing_id == Flag.pairing_id)
        .where(filters.clause(), Flag.status.in_(OPEN_FLAG_STATUSES))
    )
    with engine.connect() as connection:
        stalled, at_risk = connection.execute(health).one()
        open_flags, unowned_flags = connection.execute(flags).one()
    return QueueCounts(int(stalled), int(at_risk), int(open_flags), int(unowned_flags))


def health_as_of(engine: Engine) -> HealthAsOf:
    """The day the stored health was scored for, and when (None before the first refresh)."""
    with engine.connect() as connection:
        as_of, computed_at, count = connection.execute(
            select(
                func.max(PairingHealth.as_of),
                func.max(PairingHealth.computed_at),
                func.count(),
            )
        ).one()
    return HealthAsOf(as_of=as_of, computed_at=computed_at, pairings=int(count))


#: The count columns of the distribution and the trend, by the verdict each counts
#: (the trend has no "others": it follows only the two verdicts that need a lead).
VERDICT_COUNT_COLUMNS = {STALLED: "stalled", AT_RISK: "at_risk", ON_TRACK: "others"}

DISTRIBUTION_COLUMNS = (
    "low",
    "high",
    "band",
    "pairings",
    "stalled",
    "at_risk",
    "others",
    "suppressed",
    "below_at_risk_line",
)


@dataclass(frozen=True)
class HealthDistribution:
    """Scored pairings per health band, and what a chart of them must say.

    Bands are 10 points wide unless most of them would be suppressed: then
    neighbouring bands are joined until each holds at least ``threshold``
    pairings (``coarsened``), so the chart still shows the spread.
    """

    bands: pd.DataFrame
    at_risk_below: float
    threshold: int
    coarsened: bool = False

    @property
    def suppressed(self) -> int:
        """Bands blanked because they hold fewer than ``threshold`` pairings."""
        return int(self.bands["suppressed"].sum())

    @property
    def empty(self) -> bool:
        return not self.bands["pairings"].fillna(0).any()

    @property
    def scored(self) -> int:
        """Scored pairings in the bands on show."""
        return int(pd.to_numeric(self.bands["pairings"], errors="coerce").fillna(0).sum())


def _band_counts(engine: Engine, filters: Filters) -> dict[int, tuple[int, int, int]]:
    bands = 100 // BIN_WIDTH
    band = case(
        *((PairingHealth.health < (index + 1) * BIN_WIDTH, index) for index in range(bands - 1)),
        else_=bands - 1,
    ).label("band_index")
    query = (
        select(
            band,
            func.count().label("pairings"),
            func.sum(case((PairingHealth.stalled, 1), else_=0)).label("stalled"),
            func.sum(case((PairingHealth.at_risk, 1), else_=0)).label("at_risk"),
        )
        .select_from(Pairing)
        .join(PairingHealth, PairingHealth.pairing_id == Pairing.pairing_id)
        # The running pairings, as the Overview's headline counts them: a completed
        # pairing keeps its last score but is no longer part of the program's health.
        .where(
            filters.clause(),
            Pairing.status.in_(RUNNING_STATUSES),
            PairingHealth.health.is_not(None),
        )
        .group_by(band)
    )
    with engine.connect() as connection:
        return {
            int(index): (int(n), int(s or 0), int(r or 0))
            for index, n, s, r in connection.execute(query)
        }


_Band = tuple[int, int, int, int, int]  # low, high, pairings, stalled, at risk


def health_distribution(engine: Engine, filters: Filters, viewer: Viewer) -> HealthDistribution:
    """Scored pairings per 10-point health band, counted in SQL; every band present.

    Per band: ``pairings``, ``stalled``, ``at_risk`` and ``others`` (neither),
    ``suppressed`` and ``below_at_risk_line`` (the band starts under the health
    settings' ``at_risk_below``).  Bands with fewer pairings than ``viewer`` may
    see (``tandem.access.privacy.threshold_for``) are blanked.  When most of the
    bands that hold pairings would be blanked, neighbouring bands are joined
    instead (``_coarser_bands``): only the joined bands are shown, each with at
    least the threshold, so no blanked band can be worked out from them.
    """
    line = at_risk_line(health_settings(engine))
    threshold = threshold_for(engine, viewer)
    counted = _band_counts(engine, filters)
    bands = 100 // BIN_WIDTH
    fine: list[_Band] = [
        (
            index * BIN_WIDTH,
            100 if index == bands - 1 else (index + 1) * BIN_WIDTH - 1,
            *counted.get(index, (0, 0, 0)),
        )
        for index in range(bands)
    ]
    held = [band for band in fine if band[2]]
    small = [band for band in held if band[2] < threshold]
    coarsened = len(small) * 2 > len(held)
    rows = [
        _band_row(*band, threshold=threshold, line=line)
        for band in (_coarser_bands(fine, threshold) if coarsened else fine)
    ]
    return HealthDistribution(
        bands=pd.DataFrame(rows, columns=list(DISTRIBUTION_COLUMNS)),
        at_risk_below=line,
        threshold=threshold,
        coarsened=coarsened,
    )


def _coarser_bands(fine: list[_Band], threshold: int) -> list[_Band]:
    """Neighbouring bands joined, lowest first, until each holds ``threshold`` pairings;
    a remainder too small to stand alone joins the band below it (all of them together
    when even that is too few: one band, then blanked).  Empty bands before a joined
    band or above the last pairing stay as they are."""
    joined: list[_Band] = []
    start = 0  # the first fine band not yet joined
    pairings = stalled = at_risk = 0
    for index, (_, high, n, s, r) in enumerate(fine):
        if not n and not pairings:  # an empty band between joined ones stays as it is
            joined.append(fine[index])
            start = index + 1
            continue
        pairings, stalled, at_risk = pairings + n, stalled + s, at_risk + r
        if pairings >= threshold:
            joined.append((fine[start][0], high, pairings, stalled, at_risk))
            start, pairings, stalled, at_risk = index + 1, 0, 0, 0
    if not pairings:
        return joined + fine[start:]
    last = max(i for i, band in enumerate(fine) if band[2])
    low = fine[start][0]
    held = [i for i, band in enumerate(joined) if band[2]]
    if held:  # the remainder joins the last band that holds pairings, and the gap between
        low, _, n, s, r = joined[held[-1]]
        pairings, stalled, at_risk = pairings + n, stalled + s, at_risk + r
        del joined[held[-1] :]
    return [*joined, (low, fine[last][1], pairings, stalled, at_risk), *fine[last + 1 :]]


def _band_row(
    low: int, high: int, pairings: int, stalled: int, at_risk: int, *, threshold: int, line: float
) -> dict[str, Any]:
    small = 0 < pairings < threshold
    return {
        "low": low,
        "high": high,
        "band": f"{low}–{high}",
        "pairings": None if small else pairings,
        "stalled": None if small else stalled,
        "at_risk": None if small else at_risk,
        "others": None if small else pairings - stalled - at_risk,
        "suppressed": small,
        "below_at_risk_line": low < line,
    }


def _filtered_ids(engine: Engine, filters: Filters) -> list[str] | None:
    if filters.is_empty:
        return None
    with engine.connect() as connection:
        return [
            str(value)
            for value in connection.execute(
                select(Pairing.pairing_id).where(filters.clause())
            ).scalars()
        ]


TREND_COLUMNS = ("month_end", "scored", "stalled", "at_risk", "mean_health")


def stall_trend(
    engine: Engine, filters: Filters, *, months: int = TREND_MONTHS, today: dt.date | None = None
) -> pd.DataFrame:
    """Stalled and at-risk pairings at each of the last ``months`` month ends.

    The last point is ``today`` itself.  Each point is the health as computed
    by ``health_frame(today=point)`` from the check-ins and milestones on
    record, under the health settings of the refresh.  When the refresh for
    ``today`` stored them (``pairing_health`` and the month-end snapshots in
    ``pairing_health_history``), one grouped query counts them under the
    filters; otherwise each point is recomputed live with today's pairing
    statuses (seconds per month at scale).  Stored snapshots are kept from
    refresh to refresh, so a pairing that has since ended still counts as
    stalled at a month end when it was.
    Columns ``month_end``, ``scored``, ``stalled``, ``at_risk``, ``mean_health``.
    """
    today = today or utcnow().date()
    days = trend_days(today, months)
    stored = _stored_trend(engine, filters, today, days)
    if stored is not None:
        return stored
    return _live_trend(engine, filters, days)


def _stored_trend(
    engine: Engine, filters: Filters, today: dt.date, days: list[dt.date]
) -> pd.DataFrame | None:
    """The trend from the stored health, or None when it does not cover ``days``."""
    history = PairingHealthHistory.__table__.c
    past = [day for day in days if day != today]
    with engine.connect() as connection:
        if not rollups.is_current(connection, rollups.HEALTH_HISTORY, as_of=today):
            return None
        stored_days = set(
            connection.execute(
                select(history.month_end).where(history.month_end.in_(past)).distinct()
            ).scalars()
        )
        if stored_days != set(past):
            return None
        # Past month ends from the snapshots, ``today`` from the refresh's own rows.
        points = union_all(
            select(
                history.month_end.label("day"),
                history.pairing_id,
                history.health,
                history.stalled,
                history.at_risk,
            ).where(history.month_end.in_(past)),
            select(
                literal(today, Date).label("day"),
                PairingHealth.pairing_id,
                PairingHealth.health,
                PairingHealth.stalled,
                PairingHealth.at_risk,
            ).where(PairingHealth.as_of == today),
        ).subquery("points")
        query = select(
            points.c.day,
            func.count(points.c.health),
            func.sum(case((points.c.stalled, 1), else_=0)),
            func.sum(case((points.c.at_risk, 1), else_=0)),
            func.avg(points.c.health),
        ).group_by(points.c.day)
        if not filters.is_empty:
            query = query.join(Pairing, Pairing.pairing_id == points.c.pairing_id).where(
                filters.clause()
            )
        counted = {
            _as_date(day): (int(scored), int(stalled or 0), int(at_risk or 0), mean)
            for day, scored, stalled, at_risk, mean in connection.execute(query)
        }
    rows = []
    for day in days:
        scored, stalled, at_risk, mean = counted.get(day, (0, 0, 0, None))
        rows.append(
            {
                "month_end": day,
                "scored": scored,
                "stalled": stalled,
                "at_risk": at_risk,
                "mean_health": float(mean) if scored and mean is not None else None,
            }
        )
    return pd.DataFrame(rows, columns=list(TREND_COLUMNS))


def _as_date(value: object) -> dt.date:
    # SQLite hands back the union's dates as text; PostgreSQL as dates.
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _live_trend(engine: Engine, filters: Filters, days: list[dt.date]) -> pd.DataFrame:
    ids = _filtered_ids(engine, filters)
    settings = health_settings(engine)
    rows = []
    for month_end in days:
        if ids is not None and not ids:
            frame = pd.DataFrame(columns=["health", "stalled", "at_risk"])
        else:
            frame = health_frame(engine, month_end, settings=settings, pairing_ids=ids)
        scores = pd.to_numeric(frame["health"], errors="coerce")
        rows.append(
            {
                "month_end": month_end,
                "scored": int(scores.notna().sum()),
                "stalled": int(frame["stalled"].astype(bool).sum()),
                "at_risk": int(frame["at_risk"].astype(bool).sum()),
                "mean_health": float(scores.mean()) if scores.notna().any() else None,
            }
        )
    return pd.DataFrame(rows, columns=list(TREND_COLUMNS))


def filtered_nudge_list(
    engine: Engine, filters: Filters, today: dt.date | None = None
) -> pd.DataFrame:
    """``tandem.health.nudges.nudge_list`` restricted to the pairings under ``filters`` (in SQL).

    The no-contact rule itself lives in ``tandem.health.formula`` (one source of truth).
    """
    return nudge_list(engine, today, where=None if filters.is_empty else filters.clause())


def pairing_flag_rows(engine: Engine, pairing_id: str, scope: Scope) -> pd.DataFrame:
    """Every flag of one pairing with its version, unresolved first, newest first."""
    scope.require_pairing(engine, pairing_id)
    unresolved = case((Flag.status.in_(OPEN_FLAG_STATUSES), 0), else_=1)
    with engine.connect() as connection:
        result = connection.execute(
            select(*(getattr(Flag, name) for name in FLAG_COLUMNS))
            .where(Flag.pairing_id == pairing_id)
            .order_by(unresolved, Flag.raised_at.desc(), Flag.flag_id)
        )
        return pd.DataFrame(result.fetchall(), columns=list(FLAG_COLUMNS))
