"""The Overview page's reads: the program's story at a glance, under the filter bar.

Each read takes the viewer's ``Filters`` (their scope inside), counts in the
database and returns only what one chart or row draws.  Counts come from
``tandem.portfolio.counts`` (one definition of running, active, stalled and at
risk), the health bands and the queue from ``tandem.health.stalled``, the
rising and falling themes from ``tandem.themes.queries``.  Nothing returned
names a person when the scope is presenting, and nothing carries note text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd
from sqlalchemy import Engine, case, func, or_, select, true, union

from tandem.access.filters import Filters
from tandem.access.privacy import presenter_key, pseudonym
from tandem.access.roles import Viewer
from tandem.access.scope import Scope
from tandem.health import (
    at_risk_line,
    health_as_of,
    health_distribution,
    health_settings,
    stalled_queue,
)
from tandem.portfolio.counts import PairingCounts, Verdicts, pairing_counts, running_on
from tandem.portfolio.counts import verdicts_before as _verdicts_before
from tandem.portfolio.headlines import Headline, Period, headline_metrics
from tandem.portfolio.milestone_progress import burn_up
from tandem.program.models import CheckIn, Cohort, Feedback, Milestone, Pairing, Person
from tandem.themes.queries import Periods, emerging_fading

ALL_COHORTS = "All cohorts"
NEEDS_A_LEAD_ROWS = 5
THEME_MOVES = 3


@dataclass(frozen=True)
class ProgramTotals:
    people: int
    cohorts: int
    pairings: int
    running_pairings: int
    checkins_last_90_days: int
    milestones: int
    milestones_done: int
    feedback_notes: int

    @property
    def is_empty(self) -> bool:
        return self.people == 0 and self.pairings == 0


def program_totals(engine: Engine, scope: Scope, today: dt.date | None = None) -> ProgramTotals:
    """Counts across the program as far as ``scope`` reaches, one round trip per table.

    A lead limited to some cohorts counts their cohorts, the pairings in them,
    the people taking part in those pairings, and their check-ins, milestones
    and notes (program-level notes of those cohorts included).
    """
    today = today or dt.date.today()
    since = today - dt.timedelta(days=90)
    done = (Milestone.completed_date.is_not(None)) | (Milestone.status == "done")
    in_scope = select(Pairing.pairing_id).where(scope.pairing_condition())

    def of_pairings_in_scope(column: Any) -> Any:
        # Unscoped: no condition at all (a per-row IN would cost on 50,000 pairings).
        return column.in_(in_scope) if scope.limited else true()

    if scope.limited:
        people = select(func.count()).select_from(
            union(
                select(Pairing.mentor_id.label("person_id")).where(scope.pairing_condition()),
                select(Pairing.mentee_id.label("person_id")).where(scope.pairing_condition()),
            ).subquery()
        )
        notes = or_(
            Feedback.pairing_id.in_(in_scope),
            Feedback.pairing_id.is_(None) & scope.cohort_condition(Feedback.cohort_id),
        )
    else:
        people = select(func.count()).select_from(Person)
        notes = true()
    pairing_rows = scope.pairing_condition()
    with engine.connect() as connection:

        def scalar(statement: object) -> int:
            return int(connection.execute(statement).scalar_one() or 0)  # type: ignore[call-overload]

        def count(model: object, *where: object) -> int:
            statement = select(func.count()).select_from(model)  # type: ignore[arg-type]
            return scalar(statement.where(*where))  # type: ignore[arg-type]

        checkins_in_scope = of_pairings_in_scope(CheckIn.pairing_id)
        milestones_in_scope = of_pairings_in_scope(Milestone.pairing_id)
        return ProgramTotals(
            people=scalar(people),
            cohorts=count(Cohort, scope.cohort_condition(Cohort.cohort_id)),
            pairings=count(Pairing, pairing_rows),
            running_pairings=count(Pairing, pairing_rows, running_on(today)),
            checkins_last_90_days=count(CheckIn, CheckIn.date >= since, checkins_in_scope),
            milestones=count(Milestone, milestones_in_scope),
            milestones_done=count(Milestone, done, milestones_in_scope),
            feedback_notes=count(Feedback, notes),
        )


def pairings_by_cohort(
    engine: Engine, filters: Filters, today: dt.date | None = None
) -> list[tuple[str, str, int, int]]:
    """(cohort name, program type, pairings, running pairings) per cohort, under ``filters``.

    With no filter chosen every cohort in scope is listed, an empty one too;
    otherwise only the cohorts with a pairing the filters select.
    """
    today = today or dt.date.today()
    running = func.sum(case((running_on(today), 1), else_=0))
    join_on = (Pairing.cohort_id == Cohort.cohort_id) & filters.clause()
    statement = (
        select(
            Cohort.name,
            Cohort.program_type,
            func.count(Pairing.pairing_id),
            func.coalesce(running, 0),
        )
        .select_from(Cohort)
        .where(filters.scope.cohort_condition(Cohort.cohort_id))
        .group_by(Cohort.cohort_id, Cohort.name, Cohort.program_type)
        .order_by(Cohort.start_date.desc(), Cohort.name)
    )
    if filters.nothing_chosen:
        statement = statement.outerjoin(Pairing, join_on)
    else:
        statement = statement.join(Pairing, join_on)
    with engine.connect() as connection:
        return [(n, t, int(c), int(a)) for n, t, c, a in connection.execute(statement)]


# --- headline numbers ------------------------------------------------------------


@dataclass(frozen=True)
class OverviewHeadlines:
    """The headline row: each number with the one it is compared with, and which that is."""

    period: Period
    metrics: tuple[Headline, ...]
    counts: PairingCounts
    # The stored month end that stalled and at risk are compared with (None: none stored).
    verdicts_before: Verdicts | None


def _undated(filters: Filters) -> Filters:
    return replace(filters, date_from=None, date_to=None)


def overview_headlines(
    engine: Engine, filters: Filters, today: dt.date | None = None
) -> OverviewHeadlines:
    """Running pairings, meetings, milestones and rating (as on Portfolio), stalled, at risk.

    The first four compare the period with the one before (``headline_metrics``);
    stalled and at risk compare the last health refresh with the stored month
    end on or before the previous period's last day.
    """
    today = today or dt.date.today()
    period, metrics = headline_metrics(engine, filters, today)
    counts = pairing_counts(engine, filters, today)
    before = _verdicts_before(engine, filters, period.previous.end)
    line = at_risk_line(health_settings(engine))
    stalled = Headline(
        "Stalled",
        float(counts.stalled),
        float(before.stalled) if before else None,
        "Pairings a stall rule fired for at the last health refresh.",
    )
    at_risk = Headline(
        "At risk",
        float(counts.at_risk),
        float(before.at_risk) if before else None,
        f"Pairings whose health is below {line:g} of 100 at the last health refresh "
        "and that no stall rule fired for (those count as stalled).",
    )
    running = metrics[0]
    undated = pairing_counts(engine, _undated(filters), today)
    running_help = f"{running.help} {undated.paused:,} of them paused today."
    metrics = [replace(running, help=running_help), *metrics[1:]]
    return OverviewHeadlines(
        period=period,
        metrics=(*metrics, stalled, at_risk),
        counts=counts,
        verdicts_before=before,
    )


# --- the charts and lists ---------------------------------------------------------


@dataclass(frozen=True)
class HealthBands:
    bands: pd.DataFrame
    at_risk_below: float
    scored: int  # in the bands on show
    suppressed: int = 0  # bands too small to show
    coarsened: bool = False  # bands joined: most 10-point bands were too small
    computed: bool = True  # False before health was first computed (no refresh yet)


def health_bands(engine: Engine, filters: Filters, viewer: Viewer) -> HealthBands:
    """Scored pairings per 10-point health band, as the Stalled page counts them
    (``tandem.health.health_distribution``: bands the viewer may not see blanked),
    and the at-risk line."""
    result = health_distribution(engine, filters, viewer)
    return HealthBands(
        result.bands,
        result.at_risk_below,
        result.scored,
        result.suppressed,
        result.coarsened,
        computed=health_as_of(engine).as_of is not None,
    )


def program_burn_up(
    engine: Engine, filters: Filters, *, threshold: int
) -> tuple[pd.DataFrame, int]:
    """The milestones burn-up of every cohort together (one line each for due and done).

    Cohorts below the privacy threshold are left out as on Milestone progress;
    the second value says how many.  Columns as ``burn_up``'s, cohort "All cohorts".
    """
    frame, hidden = burn_up(engine, filters, threshold=threshold)
    if frame.empty:
        return frame, hidden
    monthly = frame.groupby("month", as_index=False)[["due", "completed"]].sum()
    monthly = monthly.sort_values("month").reset_index(drop=True)
    monthly["planned_total"] = monthly["due"].cumsum()
    monthly["completed_total"] = monthly["completed"].cumsum()
    monthly.insert(0, "cohort", ALL_COHORTS)
    return monthly, hidden


def theme_moves(
    engine: Engine,
    filters: Filters,
    *,
    threshold: int,
    today: dt.date | None = None,
    limit: int = THEME_MOVES,
) -> tuple[pd.DataFrame, Periods]:
    """The themes whose share of notes rose most and fell most, and the periods compared.

    Columns theme, share_current, share_previous, change (percentage points),
    direction ("Rising" or "Falling"); at most ``limit`` of each, suppressed
    themes left out; and the two periods compared (``emerging_fading``).
    """
    frame, span = emerging_fading(engine, filters, threshold=threshold, today=today)
    shown = frame[~frame["suppressed"].astype(bool)] if not frame.empty else frame
    columns = ["theme", "share_current", "share_previous", "change", "direction"]
    if shown.empty:
        return pd.DataFrame(columns=columns), span
    change = pd.to_numeric(shown["change"], errors="coerce")
    rising = shown[change > 0].head(limit).assign(direction="Rising")
    falling = shown[change < 0].iloc[::-1].head(limit).assign(direction="Falling")
    moves = pd.concat([rising, falling], ignore_index=True)
    return moves[columns].reset_index(drop=True), span


def needs_a_lead(
    engine: Engine, filters: Filters, *, limit: int = NEEDS_A_LEAD_ROWS
) -> pd.DataFrame:
    """The stalled and at-risk pairings worst first, as the Stalled pairings queue orders them.

    Columns pairing_id, pair ("mentor → mentee", pseudonyms when the scope is
    presenting), cohort, health, verdict ("Stalled" or "At risk") and why (the
    first reason in words).  No note text: reasons are the score's own words.
    """
    rows = stalled_queue(engine, filters, limit=limit).rows
    rows = rows[rows["stalled"] | rows["at_risk"]]
    key = presenter_key(engine) if filters.scope.presenting else None

    def who(name: Any, person_id: Any) -> str:
        if key is not None:
            return pseudonym(str(person_id), key)
        return str(name) if isinstance(name, str) and name else "—"

    return pd.DataFrame(
        {
            "pairing_id": rows["pairing_id"].astype(str),
            "pair": [
                f"{who(r.mentor, r.mentor_id)} → {who(r.mentee, r.mentee_id)}"
                for r in rows.itertuples()
            ],
            "cohort": [c if isinstance(c, str) and c else "—" for c in rows["cohort"]],
            "health": rows["health"],
            "verdict": ["Stalled" if s else "At risk" for s in rows["stalled"]],
            "why": [
                str(r).split(";")[0] if isinstance(r, str) and r else "—" for r in rows["reasons"]
            ],
        }
    ).reset_index(drop=True)
