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
  comparison), overlapping the window from ``months`` before to ``months``
  after that date (a pairing without an end counts as still running).
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

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, func, select

from tandem.access.scope import OutOfScope, Scope
from tandem.impact.estimate import COMPARISON, PARTICIPANT
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


def _participants(connection: Connection, scope: Scope, cohort_id: str | None) -> pd.DataFrame:
    if cohort_id is not None and not scope.allows(cohort_id):
        raise OutOfScope("This cohort")
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
        .where(scope.pairing_condition(), Pairing.status != "proposed")
    )
    if cohort_id is not None:
        statement = statement.where(Pairing.cohort_id == cohort_id)
    pairings = read_frame(connection, statement)
    kept = ["person_id", "index_date", "cohort_id", "kind"]
    parts = [
        pairings.rename(columns={column: "person_id"})[kept].assign(group=group)
        for column, group in (("mentee_id", "mentees"), ("mentor_id", "mentors"))
    ]
    frame = pd.concat(parts, ignore_index=True)
    frame["index_date"] = pd.to_datetime(frame["index_date"])
    # Once per person and role, from the earliest index date; the cohort and kind
    # (for the breakdown) are those of that first pairing (ties: cohort, then kind).
    frame = frame.sort_values(["index_date", "cohort_id", "kind"], na_position="last")
    frame = frame.drop_duplicates(["group", "person_id"], keep="first")
    return frame.reset_index(drop=True).assign(arm=PARTICIPANT)


def _busy(connection: Connection) -> pd.DataFrame:
    """Every pairing's people and span, whatever the scope: who took part, and when."""
    pairings = read_frame(
        connection,
        select(
            Pairing.mentor_id,
            Pairing.mentee_id,
            Pairing.start_date,
            func.coalesce(Pairing.ended_date, Pairing.planned_end_date).label("end_date"),
        ),
    )
    spans = pd.concat(
        [
            pairings.rename(columns={role: "person_id"})[["person_id", "start_date", "end_date"]]
            for role in ("mentor_id", "mentee_id")
        ],
        ignore_index=True,
    )
    spans["start_date"] = pd.to_datetime(spans["start_date"])
    spans["end_date"] = pd.to_datetime(spans["end_date"])
    return spans


def _comparison(
    people: pd.DataFrame, spans: pd.DataFrame, index_dates: list[pd.Timestamp], months: int
) -> pd.DataFrame:
    """Every person with no pairing overlapping ``months`` either side of each date."""
    ids = people["person_id"].to_numpy()
    # People as positions, so each date is a few array passes, not set lookups of ids.
    where = pd.Index(ids).get_indexer(spans["person_id"])
    known = where >= 0
    position = where[known]
    start = spans["start_date"].to_numpy()[known]
    end = spans["end_date"].to_numpy()[known]
    running = pd.isna(end)
    frames = []
    for date in index_dates:
        low = (date - pd.DateOffset(months=months)).to_datetime64()
        high = (date + pd.DateOffset(months=months)).to_datetime64()
        overlaps = (start <= high) & (running | (end >= low))
        busy = np.zeros(len(ids), dtype=bool)
        busy[position[overlaps]] = True
        frames.append(pd.DataFrame({"person_id": ids[~busy], "index_date": date}))
    if not frames:
        return pd.DataFrame(columns=["person_id", "index_date"])
    return pd.concat(frames, ignore_index=True).assign(group=None, arm=COMPARISON)


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
    participants = _participants(bind, scope, cohort_id)
    people = read_frame(
        bind,
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
        bind,
        select(CareerEvent.person_id, CareerEvent.date, CareerEvent.kind, CareerEvent.new_level),
    )
    events["date"] = pd.to_datetime(events["date"])
    events["new_level"] = pd.to_numeric(events["new_level"]).astype("float64")
    dates = sorted(set(participants["index_date"]))
    colleagues = _comparison(people, _busy(bind), dates, months)
    units = pd.concat([participants, colleagues], ignore_index=True)
    units["index_date"] = pd.to_datetime(units["index_date"])
    described = _describe(units, people, events, as_of)
    keep = (described["arm"] == PARTICIPANT) | described["employed"]
    return described[keep].drop(columns=["employed"]).reset_index(drop=True)
