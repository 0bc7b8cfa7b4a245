"""Who took part, who could be compared with them, and what happened to their careers.

``impact_units`` returns the frame ``tandem.impact.estimate`` works on: one row
per participant (mentees and mentors, ``group``) and per comparison colleague
at each participant index date.

- **Participants** are the mentees and mentors of the pairings the viewer may
  see (``Scope``: a lead limited to cohorts sees their cohorts' people only),
  of one cohort or of the whole program, whose pairing went ahead (every
  status but ``proposed``).  The **index date** is the cohort's start date
  (a pairing without a cohort: its own start); a person in several pairings
  of one role is counted once, from their earliest index date.
- **Comparison colleagues** at an index date are the people employed on that
  date who took part in *no* pairing, in any role, of any cohort (scope does
  not narrow this: a colleague mentored in another lead's cohort is no
  comparison), running at that date or in the ``months`` before it (a
  pairing without an end counts as still running).  Someone who joins a
  later cohort, or a pairing that starts after the date, had taken no part
  at the date and is a colleague for the whole window (the issue's
  definition: no part in any pairing in that window, which begins at the
  date); leaving them out would drop people picked for doing well and flatter
  the participants (bench/findings.md, "The external check of issue #16").
- **What was known before the index date**: the level (the ``new_level`` of
  the last promotion on or before it; failing that, one below the first
  promotion after it; failing that, the level on the people row), division
  and geography (the people row: ``moved`` events do not say from where, so
  a person who moved since is placed where they are now), and the tenure band
  (from the first ``hired`` event, else from ``tenure_years`` counted back
  from ``as_of``; neither: "unknown", which matches only "unknown").
- **Careers after it**: the first promotion and the first departure strictly
  after the index date.  A person with no ``left`` event is still employed.

The output holds person ids for the estimator only: nothing here reaches a
screen; the report (``tandem.impact.report``) keeps aggregates.  Unlike the
sponsor pages' queries this one returns a row per person rather than
aggregating in the database, because matching pairs people up by their
characteristics at a date; the work is bounded by people × index dates (one
per cohort), and the page caches the report.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, func, select

from tandem.access.scope import OutOfScope, Scope
from tandem.impact.estimate import COMPARISON, PARTICIPANT
from tandem.impact.strata import renumber, strata
from tandem.program.models import CareerEvent, Cohort, Pairing, Person
from tandem.program.sql import read_frame

TENURE_BANDS = ((2, "under 2 years"), (5, "2–5 years"), (10, "5–10 years"))
LONG_TENURE = "10 years or more"
UNKNOWN_TENURE = "unknown"
DAYS_PER_YEAR = 365.25


def tenure_band(years: pd.Series) -> pd.Series:
    """Tenure in years as the band matching uses."""
    labels = pd.Series(LONG_TENURE, index=years.index, dtype=object)
    for upper, label in reversed(TENURE_BANDS):
        labels = labels.where(~(years < upper), label)
    return labels.where(years.notna(), UNKNOWN_TENURE)


def has_career_events(bind: Engine | Connection) -> bool:
    """Whether the database holds any career event (events.csv was imported)."""
    return data_through(bind) is not None


def data_through(bind: Engine | Connection) -> dt.date | None:
    """The date of the last career event recorded: how far the HR data reach.

    A window ending after it is not observed, whatever today's date: a
    departure next month of an extract taken last month is simply not there.
    """
    statement = select(func.max(CareerEvent.date))
    if isinstance(bind, Engine):
        with bind.connect() as connection:
            value = connection.execute(statement).scalar_one()
    else:
        value = bind.execute(statement).scalar_one()
    if value is None:
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def cohorts_in_scope(bind: Engine | Connection, scope: Scope) -> pd.DataFrame:
    """The cohorts a viewer may choose: ``cohort_id``, ``name``, ``start_date``, newest first."""
    statement = (
        select(Cohort.cohort_id, Cohort.name, Cohort.start_date)
        .where(scope.cohort_condition(Cohort.cohort_id))
        .order_by(Cohort.start_date.desc(), Cohort.name)
    )
    return read_frame(bind, statement)


def _pairings(connection: Connection) -> pd.DataFrame:
    """Every pairing that went ahead, with its index date (the cohort's start, else its own)."""
    statement = (
        select(
            Pairing.mentor_id,
            Pairing.mentee_id,
            func.coalesce(Cohort.start_date, Pairing.start_date).label("index_date"),
            Pairing.cohort_id,
            Pairing.kind,
        )
        .select_from(Pairing)
        .outerjoin(Cohort, Cohort.cohort_id == Pairing.cohort_id)
        .where(Pairing.status != "proposed")
    )
    pairings = read_frame(connection, statement)
    pairings["index_date"] = pd.to_datetime(pairings["index_date"])
    return pairings


def _participants(pairings: pd.DataFrame, scope: Scope, cohort_id: str | None) -> pd.DataFrame:
    """The mentees and mentors of the pairings in scope (of ``cohort_id``), once per role."""
    if cohort_id is not None and not scope.allows(cohort_id):
        raise OutOfScope("This cohort")
    if scope.limited:  # as ``Scope.allows``: a pairing without a cohort is unscoped only
        pairings = pairings[pairings["cohort_id"].isin(scope.cohorts)]
    if cohort_id is not None:
        pairings = pairings[pairings["cohort_id"] == cohort_id]
    kept = ["person_id", "index_date", "cohort_id", "kind"]
    parts = [
        pairings.rename(columns={column: "person_id"})[kept].assign(group=group)
        for column, group in (("mentee_id", "mentees"), ("mentor_id", "mentors"))
    ]
    frame = pd.concat(parts, ignore_index=True)
    # Once per person and role, from the earliest index date; the cohort and kind
    # (for the breakdown) are those of that first pairing (ties: cohort, then kind).
    frame = frame.sort_values(["index_date", "cohort_id", "kind"], na_position="last")
    frame = frame.drop_duplicates(["group", "person_id"], keep="first")
    return frame.reset_index(drop=True).assign(arm=PARTICIPANT)


def _spans(connection: Connection) -> pd.DataFrame:
    """Every pairing's people, whatever the scope: when they joined (the cohort's start,
    else the pairing's own) and when the pairing ended (planned, if still running)."""
    pairings = read_frame(
        connection,
        select(
            Pairing.mentor_id,
            Pairing.mentee_id,
            func.coalesce(Cohort.start_date, Pairing.start_date).label("joined"),
            func.coalesce(Pairing.ended_date, Pairing.planned_end_date).label("end_date"),
        )
        .select_from(Pairing)
        .outerjoin(Cohort, Cohort.cohort_id == Pairing.cohort_id),
    )
    spans = pd.concat(
        [
            pairings.rename(columns={role: "person_id"})[["person_id", "joined", "end_date"]]
            for role in ("mentor_id", "mentee_id")
        ],
        ignore_index=True,
    )
    spans["joined"] = pd.to_datetime(spans["joined"])
    spans["end_date"] = pd.to_datetime(spans["end_date"])
    return spans


#: ``busy_within`` of a colleague no pairing reaches.
NEVER = np.iinfo(np.int64).max


def _months_since(earlier: pd.DatetimeIndex, date: pd.Timestamp) -> np.ndarray:
    """The smallest ``m`` with ``date - DateOffset(months=m) <= earlier`` (``earlier < date``;
    ``DateOffset`` keeps the day of the month or clips it to the month's end)."""
    months = (date.year - earlier.year) * 12 + (date.month - earlier.month)
    short = (date.day > earlier.day) & ~earlier.is_month_end
    return np.asarray(months + short, dtype=np.int64)


def busy_within(ids: np.ndarray, spans: pd.DataFrame, date: pd.Timestamp) -> np.ndarray:
    """For each person of ``ids``, the smallest window ``m`` (months) such that a pairing
    they joined on or before ``date`` still ran ``m`` months before it (``NEVER``: none).

    A person is a comparison colleague for a window of ``months`` exactly when
    ``busy_within > months``, so one pass per index date serves every window.  A
    pairing joined *after* the date does not count: at the date that person had
    taken no part, and leaving out everyone who joins a later cohort would leave
    out people picked for doing well, flattering the participants.
    """
    where = pd.Index(ids).get_indexer(spans["person_id"])
    known = where >= 0
    joined = pd.DatetimeIndex(spans["joined"].to_numpy()[known])
    end = pd.DatetimeIndex(spans["end_date"].to_numpy()[known])
    ended = np.asarray(end < date)  # no end (NaT): still running
    need = np.where(ended, _months_since(end.where(ended, date), date), 0)
    need = np.where(np.asarray(joined <= date), need, NEVER)
    result = np.full(len(ids), NEVER, dtype=np.int64)
    np.minimum.at(result, where[known], need)
    return result


def _per_unit(out: pd.DataFrame, values: pd.Series) -> pd.Series:
    """``values`` (indexed by unit) aligned with ``out``'s rows, missing where absent."""
    return pd.Series(values.reindex(out["unit"]).to_numpy(), index=out.index)


def _first(events: pd.DataFrame, mask: pd.Series, column: str, last: bool = False) -> pd.Series:
    chosen = events[mask].sort_values("date")
    grouped = chosen.groupby("unit")[column]
    return grouped.last() if last else grouped.first()


def _describe(
    units: pd.DataFrame, people: pd.DataFrame, events: pd.DataFrame, as_of: dt.date
) -> pd.DataFrame:
    """``units`` with what was known at each index date and what happened after it."""
    units = units.reset_index(drop=True)
    units["unit"] = np.arange(len(units))
    merged = units[["unit", "person_id", "index_date"]].merge(events, on="person_id")
    before = merged["date"] <= merged["index_date"]
    promoted = merged["kind"] == "promoted"
    known = promoted & merged["new_level"].notna()
    level_before = _first(merged, known & before, "new_level", last=True)
    level_after = _first(merged, known & ~before, "new_level")
    hired = _first(merged, merged["kind"] == "hired", "date")
    left_before = _first(merged, (merged["kind"] == "left") & before, "date")
    out = units.merge(people, on="person_id", how="left")
    level = (
        _per_unit(out, level_before)
        .fillna(_per_unit(out, level_after) - 1)
        .fillna(out["level"].astype("float64"))
    )
    out["level"] = level.clip(1, 8).astype("int64")
    out["promoted_at"] = _per_unit(out, _first(merged, promoted & ~before, "date"))
    out["left_at"] = _per_unit(out, _first(merged, (merged["kind"] == "left") & ~before, "date"))
    stated = pd.Timestamp(as_of) - pd.to_timedelta(out["tenure_years"] * DAYS_PER_YEAR, unit="D")
    hire = pd.to_datetime(_per_unit(out, hired)).fillna(stated)
    years = (out["index_date"] - pd.to_datetime(hire)).dt.days / DAYS_PER_YEAR
    out["tenure_band"] = tenure_band(years)
    gone = _per_unit(out, left_before).notna()
    not_yet_hired = years < 0
    out["employed"] = ~(gone | not_yet_hired.fillna(False))
    return out.drop(columns=["unit", "tenure_years"])


class CareerData:
    """What ``impact_units`` reads, read once: every view and window is cut from it.

    The costly part of the units is describing every colleague at every index
    date (people × cohort starts); it depends on neither the viewer's scope nor
    the window, so it is done once per index date and kept (``busy_within``
    says for which windows each colleague counts).  The refresh computes every
    stored report from one ``CareerData``; a page's live report makes its own.
    """

    def __init__(self, connection: Connection, as_of: dt.date) -> None:
        self.as_of = as_of
        self.pairings = _pairings(connection)
        self.spans = _spans(connection)
        self.people = read_frame(
            connection,
            select(
                Person.person_id,
                Person.level,
                Person.division,
                Person.geography,
                Person.tenure_years,
                Person.group_name,
            ),
        )
        events = read_frame(
            connection,
            select(
                CareerEvent.person_id, CareerEvent.date, CareerEvent.kind, CareerEvent.new_level
            ),
        )
        events["date"] = pd.to_datetime(events["date"])
        events["new_level"] = pd.to_numeric(events["new_level"]).astype("float64")
        self.events = events
        self._colleagues: dict[pd.Timestamp, pd.DataFrame] = {}
        self._participants: dict[tuple[tuple[str, ...], str | None], pd.DataFrame] = {}
        self._memos: dict[tuple[tuple[str, ...], str | None], dict[object, Any]] = {}
        self._widest: _Widest | None = None

    def memo(self, scope: Scope, cohort_id: str | None) -> dict[object, Any]:
        """The view's scratch space for what a report works out from its participants
        alone (its subgroups, say): they lead every window's units, in the same order, so
        the refresh's nine windows of a view work it out once."""
        key = (tuple(sorted(scope.cohorts)) if scope.limited else (), cohort_id)
        return self._memos.setdefault(key, {})

    def participants(self, scope: Scope, cohort_id: str | None) -> pd.DataFrame:
        """The view's participants, described (whatever the events say: the program saw them)."""
        key = (tuple(sorted(scope.cohorts)) if scope.limited else (), cohort_id)
        if key not in self._participants:
            found = _participants(self.pairings, scope, cohort_id)
            described = _describe(found, self.people, self.events, self.as_of)
            self._participants[key] = described.drop(columns=["employed"])
        return self._participants[key]

    def colleagues(self, dates: list[pd.Timestamp], months: int) -> pd.DataFrame:
        """The colleagues employed at each date and in no pairing ``months`` either side."""
        missing = [date for date in dates if date not in self._colleagues]
        if missing:
            self._describe_colleagues(missing)
        frames = [self._colleagues[date] for date in dates]
        if not frames:
            return pd.DataFrame(columns=["person_id", "index_date", "group", "arm"])
        frame = pd.concat(frames, ignore_index=True)
        return frame[frame["busy_within"] > months].drop(columns=["busy_within"])

    def _describe_colleagues(self, dates: list[pd.Timestamp]) -> None:
        ids = self.people["person_id"].to_numpy()
        frames = []
        for date in dates:
            within = busy_within(ids, self.spans, date)
            free = within > 0  # in no pairing on the date itself: a colleague of some window
            found = {"person_id": ids[free], "index_date": date, "busy_within": within[free]}
            frames.append(pd.DataFrame(found))
        candidates = pd.concat(frames, ignore_index=True).assign(group=None, arm=COMPARISON)
        described = _describe(candidates, self.people, self.events, self.as_of)
        described = described[described["employed"]].drop(columns=["employed"])
        for date, part in described.groupby("index_date", sort=False):
            self._colleagues[pd.Timestamp(date)] = part.reset_index(drop=True)
        for date in dates:
            self._colleagues.setdefault(date, described.iloc[:0])

    def units(self, scope: Scope, cohort_id: str | None, months: int) -> pd.DataFrame:
        """``impact_units`` of one view and window."""
        participants = self.participants(scope, cohort_id)
        dates = sorted(set(participants["index_date"]))
        if not dates:
            return pd.concat([participants, self.colleagues(dates, months)], ignore_index=True)
        # The view's units for every window at once, each window a cut of them: the
        # refresh asks for a view's nine windows in a row, so only the last view is kept.
        key = (tuple(sorted(scope.cohorts)) if scope.limited else (), cohort_id)
        if self._widest is None or self._widest.view != key:
            missing = [date for date in dates if date not in self._colleagues]
            if missing:
                self._describe_colleagues(missing)
            colleagues = pd.concat([self._colleagues[date] for date in dates], ignore_index=True)
            frame = pd.concat([participants, colleagues], ignore_index=True)
            within = frame.pop("busy_within").to_numpy(dtype=float)
            self._widest = _Widest(key, frame, within, {})
        return self._widest.frame[self._widest.cut(months)].reset_index(drop=True)

    def keys(
        self, scope: Scope, cohort_id: str | None, months: int
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """The matching strata (numbered as ``strata`` numbers them) and the people
        (numbered in sorted order of ids) of the rows ``units`` just gave: worked out once
        for the view's widest units and cut, not per window.  None: work them out."""
        key = (tuple(sorted(scope.cohorts)) if scope.limited else (), cohort_id)
        widest = self._widest
        if widest is None or widest.view != key:
            return None
        if not widest.keys:
            widest.keys["strata"] = strata(widest.frame)
            people = widest.frame["person_id"].to_numpy(dtype=object)
            widest.keys["person"] = pd.factorize(people, sort=True)[0]
        codes = widest.keys["strata"]
        if codes.dtype.kind != "i" or (codes < 0).any():  # a key missing: strata's own way
            return None
        keep = widest.cut(months)
        # A cut keeps the rows' order, so numbering by first appearance is strata's own.
        return renumber(codes[keep]), widest.keys["person"][keep]


class _Widest(NamedTuple):
    """A view's units for every window (the cache of ``CareerData.units``)."""

    view: tuple[tuple[str, ...], str | None]
    frame: pd.DataFrame
    #: ``busy_within`` of each row (NaN: a participant, in every window).
    within: np.ndarray
    keys: dict[str, np.ndarray]

    def cut(self, months: int) -> np.ndarray:
        """Which rows are in the window of ``months``."""
        return ~(self.within <= months)


def impact_units(
    bind: Engine | Connection,
    scope: Scope,
    *,
    cohort_id: str | None = None,
    months: int,
    as_of: dt.date,
) -> pd.DataFrame:
    """Participants and comparison colleagues with covariates and career dates.

    Columns: ``group`` (``mentees``/``mentors``; empty for colleagues), ``arm``,
    ``person_id``, ``index_date`` and the rest of ``estimate.UNIT_COLUMNS``;
    for the breakdown, a participant's ``cohort_id`` and pairing ``kind`` (of the
    pairing that gave the index date) and everyone's ``group_name`` (the optional
    people column: it leaves this module only as aggregates of at least the
    privacy threshold of people).
    Colleagues not employed on their index date are left out; participants are
    kept whatever the events say (the program saw them take part).
    """
    if isinstance(bind, Engine):
        with bind.connect() as connection:
            return impact_units(connection, scope, cohort_id=cohort_id, months=months, as_of=as_of)
    return CareerData(bind, as_of).units(scope, cohort_id, months)
