"""The nudge list: stalled pairings whose problem is no contact, with both people.

The no-contact rule is the formula's own (``tandem.health.formula.no_contact_limit``):
read from the stored verdicts when they are current, computed live otherwise,
with the same rows either way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import ColumnElement, Engine, func, select, true
from sqlalchemy.orm import aliased

from tandem.health.formula import health_frame, no_contact_limit
from tandem.health.inputs import as_dates, as_days, cadences
from tandem.health.settings import health_settings, watched_statuses
from tandem.program import rollups
from tandem.program.derived_tables import PairingHealth
from tandem.program.models import CheckIn, Pairing, Person, utcnow

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
            # so their days without contact count up to ``today`` (as in the formula).
            Pairing.status.in_(list(watched_statuses(settings))),
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
    last_day = as_days(frame["last_checkin"])
    last_contact = np.where(np.isnan(last_day), as_days(frame["start_date"]), last_day)
    days_since = np.clip(today_day - last_contact, 0, None)
    cadence = cadences(frame["cadence_days"])
    fired = days_since > no_contact_limit(cadence, settings["stall"])
    return _nudge_frame(
        frame["pairing_id"][fired].tolist(),
        days_since[fired],
        [day for day, keep in zip(as_dates(frame["last_checkin"]), fired, strict=True) if keep],
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
        as_dates(stalled["last_checkin"]),
        stalled["cadence_days"].to_numpy(dtype=float),
        pd.DataFrame(people, columns=_PEOPLE_COLUMNS),
    )
