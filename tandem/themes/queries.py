"""Feedback themes across the portfolio: prevalence, breakdowns, sentiment, change, coding.

Every aggregate is computed by the database from the notes' facts
(``tandem.themes.facts``: stored by the theme refresh, else joined live
from ``feedback``, ``feedback_analysis`` and ``pairings``; a page view never
runs the theme engine) and returns only the rows a chart draws.

Scope.  A note written about a pairing counts when its pairing matches the
shared filters; a program-level note (no pairing) counts only when the filters
say nothing about pairings beyond their cohorts — a survey answer has no kind,
status or division, so it cannot be said to match "reverse pairings in Wealth".
The filters' date range applies to the notes' own dates.  Private notes count
in every aggregate (they are never returned as text: the hand-coding list and
the quotes exclude them).

Privacy.  Each group carries ``n``, the number of distinct pairings behind its
notes (a program-level note counts as its own unit); a group below the privacy
threshold is suppressed — its values are removed, not hidden.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Select,
    and_,
    case,
    desc,
    exists,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import aliased

from tandem.access.filters import Filters
from tandem.access.privacy import suppress_small
from tandem.access.redaction import people_index, redact
from tandem.program.db import transaction
from tandem.program.models import Cohort, Feedback, Pairing
from tandem.program.sql import read_frame
from tandem.program.theme_tables import FeedbackAnalysis, Theme, ThemeRefreshRun
from tandem.themes.discover import list_candidates
from tandem.themes.facts import note_facts
from tandem.themes.sentiment import NEUTRAL_BAND
from tandem.themes.store import list_themes

# Notes the engine placed with less confidence than this are offered for hand-coding.
LOW_CONFIDENCE = 0.35
# Without a date range, "emerging" compares the last 90 days with the 90 before.
DEFAULT_PERIOD_DAYS = 90
# Visibilities whose text may be shown to a lead for coding; never "private".
CODABLE_VISIBILITIES = ("program", "shareable")

NO_COHORT = "(no cohort)"
WITHHELD = "(taken from notes: withheld)"
PROGRAM_LEVEL = "(program-level)"
DIMENSIONS = {
    "source": "Source",
    "author_role": "Author role",
    "cohort": "Cohort",
    "kind": "Pairing kind",
}


def program_notes_count(filters: Filters) -> bool:
    """Whether program-level notes (no pairing) belong in this view (see module doc)."""
    rest = replace(filters, cohorts=(), date_from=None, date_to=None, ignored=())
    return rest.nothing_chosen


def _scope(
    filters: Filters,
    pairing_id: Any,
    cohort_id: Any,
    date: Any,
    *,
    dates: bool = True,
) -> ColumnElement[bool]:
    """The notes the filters select, given a note's pairing, cohort and date columns.

    The pairing condition is an EXISTS on ``pairings`` itself (``Filters.clause``
    is written on it), so a query that also joins pairings for a column must
    join an alias.  With no filter at all it is left out: every note's pairing
    exists (a foreign key), and the lookup per note costs more than the rest.
    """
    pairing_matches: ColumnElement[bool] = pairing_id.is_not(None)
    if not filters.is_empty:
        pairing_matches = and_(
            pairing_matches,
            exists(
                select(Pairing.pairing_id).where(Pairing.pairing_id == pairing_id, filters.clause())
            ),
        )
    conditions: list[ColumnElement[bool]] = []
    if program_notes_count(filters):
        program: ColumnElement[bool] = and_(
            pairing_id.is_(None), filters.scope.cohort_condition(cohort_id)
        )
        if filters.cohorts:
            program = and_(program, cohort_id.in_(filters.cohorts))
        conditions.append(or_(pairing_matches, program))
    else:
        conditions.append(pairing_matches)
    if dates and filters.date_from is not None:
        conditions.append(date >= filters.date_from)
    if dates and filters.date_to is not None:
        conditions.append(date <= filters.date_to)
    return and_(true(), *conditions)


def scope(filters: Filters, *, dates: bool = True) -> ColumnElement[bool]:
    """The notes the filters select (a condition on ``feedback``)."""
    return _scope(filters, Feedback.pairing_id, Feedback.cohort_id, Feedback.date, dates=dates)


GROUPINGS = ("month", *DIMENSIONS)


def _scoped_facts(
    engine: Engine,
    filters: Filters,
    groupings: Sequence[str] = (),
    *,
    dates: bool = True,
    within: tuple[dt.date, dt.date] | None = None,
) -> Any:
    """The notes in scope as facts (``tandem.themes.facts``), as a common table
    expression: unit, theme_id, sentiment, date, and a column per grouping asked for.

    ``dates=False`` ignores the filters' date range for the notes (not for the
    pairings: the range still selects pairings running in it); ``within`` keeps
    only notes dated inside the given inclusive range.
    """
    facts = note_facts(engine)
    cohort = aliased(Cohort, name="note_cohort")
    grouping_columns: dict[str, Any] = {
        "month": facts.c.month,
        "source": facts.c.source,
        "author_role": facts.c.author_role,
        "cohort": func.coalesce(cohort.name, literal(NO_COHORT)),
        "kind": func.coalesce(facts.c.kind, literal(PROGRAM_LEVEL)),
    }
    statement = select(
        facts.c.unit,
        facts.c.theme_id,
        facts.c.sentiment,
        facts.c.date,
        *(grouping_columns[name].label(name) for name in groupings),
    ).select_from(facts)
    if "cohort" in groupings:
        statement = statement.outerjoin(cohort, cohort.cohort_id == facts.c.cohort_id)
    where = _scope(filters, facts.c.pairing_id, facts.c.cohort_id, facts.c.date, dates=dates)
    if within is not None:
        where = and_(where, facts.c.date.between(*within))
    return statement.where(where).cte("scoped_notes")


_EMPTY_SHARES = {
    "theme": "object",
    "group": "object",
    "share": "float64",
    "n": "float64",
    "suppressed": bool,
}


def _empty_shares() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=kind) for name, kind in _EMPTY_SHARES.items()})


def _share_by_group(engine: Engine, filters: Filters, group: str, threshold: int) -> pd.DataFrame:
    """Share of each theme among all notes of each group; n = the group's pairings."""
    return theme_shares(engine, filters, threshold=threshold, groupings=(group,))[group]


# Groupings whose distinct-pairing counts are taken from one shared distinct set
# (one sort of the notes serves both members of a pair).
_UNIT_SETS = (("month",), ("source", "author_role"), ("cohort", "kind"))


def _theme_names(connection: Connection) -> dict[int, str]:
    return {int(i): str(n) for i, n in connection.execute(select(Theme.theme_id, Theme.name))}


def theme_shares(
    engine: Engine,
    filters: Filters,
    *,
    threshold: int,
    groupings: Sequence[str] = GROUPINGS,
) -> dict[str, pd.DataFrame]:
    """Each theme's share of each group's notes, for several groupings in one statement.

    Returns, per grouping of ``GROUPINGS`` asked for, a frame with columns
    theme, group, share, n (the group's distinct pairings; a program-level
    note is its own unit), suppressed — sorted by group, then theme.  Themes
    that occur anywhere in scope get a row in every group (share 0 where
    absent), so a line or a heatmap has no misleading gaps.

    Why one statement: the notes in scope are read once; their counts per
    combination of the groupings asked for and theme — a few thousand cells —
    give every grouping's shares, and one distinct (pairing, group) set per
    pair of groupings gives the privacy counts.
    """
    unknown = [g for g in groupings if g not in GROUPINGS]
    if unknown:
        raise ValueError(f"unknown grouping {unknown[0]!r}; expected one of {list(GROUPINGS)}")
    groupings = [g for g in GROUPINGS if g in groupings]
    notes = _scoped_facts(engine, filters, groupings)
    cube = (
        select(*(notes.c[g] for g in groupings), notes.c.theme_id, func.count().label("notes"))
        .group_by(*(notes.c[g] for g in groupings), notes.c.theme_id)
        .cte("theme_cube")
    )
    parts: list[Any] = []
    for name in groupings:
        parts.append(
            select(
                literal(name).label("grouping"),
                cube.c[name].label("grp"),
                cube.c.theme_id.label("theme_id"),
                func.sum(cube.c.notes).label("value"),
                literal(0).label("is_units"),
            ).group_by(cube.c[name], cube.c.theme_id)
        )
    for members in _UNIT_SETS:
        wanted = [m for m in members if m in groupings]
        if not wanted:
            continue
        pairs = (
            select(notes.c.unit, *(notes.c[m] for m in wanted))
            .distinct()
            .cte(f"units_{'_'.join(wanted)}")
        )
        for name in wanted:
            # Distinct again: a pairing appears once per value of the set's other member.
            parts.append(
                select(
                    literal(name),
                    pairs.c[name],
                    literal(None),
                    func.count(func.distinct(pairs.c.unit)),
                    literal(1),
                ).group_by(pairs.c[name])
            )
    with engine.connect() as connection:
        rows = connection.execute(union_all(*parts)).all()
        names = _theme_names(connection)
    counts = pd.DataFrame(rows, columns=["grouping", "grp", "theme_id", "value", "is_units"])
    present = sorted(
        {int(t) for t in counts["theme_id"].dropna() if int(t) in names}, key=lambda t: names[t]
    )
    out: dict[str, pd.DataFrame] = {}
    for name in groupings:
        mine = counts[counts["grouping"] == name]
        hits = mine[mine["is_units"] == 0]
        if hits.empty or not present:
            out[name] = _empty_shares()
            continue
        units = mine[mine["is_units"] == 1].set_index("grp")["value"]
        totals = hits.groupby("grp")["value"].sum()
        placed = hits.dropna(subset=["theme_id"])
        by_cell = {
            (grp, int(theme)): int(value)
            for grp, theme, value in zip(
                placed["grp"], placed["theme_id"], placed["value"], strict=True
            )
        }
        records = [
            {
                "theme": names[theme],
                "group": grp,
                "share": by_cell.get((grp, theme), 0) / float(totals[grp]),
                "n": int(units[grp]),
            }
            for grp in sorted(totals.index)
            for theme in present
        ]
        frame = pd.DataFrame.from_records(records, columns=["theme", "group", "share", "n"])
        frame = frame.sort_values(["group", "theme"], kind="stable").reset_index(drop=True)
        out[name] = suppress_small(frame, "n", threshold, ["share"])
    return out


def prevalence_by_month(engine: Engine, filters: Filters, *, threshold: int) -> pd.DataFrame:
    """Columns theme, month (YYYY-MM), share, n, suppressed: share of the month's notes."""
    return _share_by_group(engine, filters, "month", threshold).rename(columns={"group": "month"})


def breakdown(engine: Engine, filters: Filters, dimension: str, *, threshold: int) -> pd.DataFrame:
    """Columns theme, group, share, n, suppressed: each theme's share within each group.

    ``dimension`` is one of ``DIMENSIONS`` (source, author_role, cohort, kind).
    """
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}; expected one of {list(DIMENSIONS)}")
    return _share_by_group(engine, filters, dimension, threshold)


def sentiment_by_theme(engine: Engine, filters: Filters, *, threshold: int) -> pd.DataFrame:
    """Columns theme, mean_sentiment, share_negative, n, suppressed (n = the theme's pairings).

    A note reads negative below ``-NEUTRAL_BAND`` (the sentiment model's own band).
    """
    notes = _scoped_facts(engine, filters)
    negative = case((notes.c.sentiment < -NEUTRAL_BAND, 1.0), else_=0.0)
    statement = (
        select(
            Theme.name.label("theme"),
            func.avg(notes.c.sentiment).label("mean_sentiment"),
            func.avg(negative).label("share_negative"),
            func.count(func.distinct(notes.c.unit)).label("n"),
        )
        .select_from(notes)
        .join(Theme, Theme.theme_id == notes.c.theme_id)
        .where(notes.c.sentiment.is_not(None))
        .group_by(Theme.name)
        .order_by(Theme.name)
    )
    frame = read_frame(engine, statement)
    if frame.empty:
        return frame.assign(suppressed=pd.Series(dtype=bool))
    return suppress_small(frame, "n", threshold, ["mean_sentiment", "share_negative"])


@dataclass(frozen=True)
class Periods:
    """The current period and the one of equal length just before it (inclusive dates)."""

    current_start: dt.date
    current_end: dt.date
    previous_start: dt.date
    previous_end: dt.date

    def describe(self) -> str:
        return (
            f"{self.current_start.isoformat()} to {self.current_end.isoformat()} against "
            f"{self.previous_start.isoformat()} to {self.previous_end.isoformat()}"
        )


_PERIODS = ("current", "previous")


def periods(filters: Filters, today: dt.date | None = None) -> Periods:
    """The filters' date range (or the last 90 days to today) and the period before it."""
    end = filters.date_to or today or dt.date.today()
    start = filters.date_from or end - dt.timedelta(days=DEFAULT_PERIOD_DAYS - 1)
    length = (end - start).days + 1
    previous_end = start - dt.timedelta(days=1)
    return Periods(start, end, previous_end - dt.timedelta(days=length - 1), previous_end)


def emerging_fading(
    engine: Engine, filters: Filters, *, threshold: int, today: dt.date | None = None
) -> tuple[pd.DataFrame, Periods]:
    """Each theme's share of notes in the current period against the previous one.

    Columns theme, share_current, share_previous, change (percentage points),
    n_current, n_previous (the pairings behind each period's notes), suppressed
    (either period below the threshold), sorted by change, biggest rise first.
    """
    span = periods(filters, today)
    notes = _scoped_facts(
        engine, filters, dates=False, within=(span.previous_start, span.current_end)
    )
    period = case(
        (notes.c.date >= span.current_start, literal("current")), else_=literal("previous")
    )
    # One pass over the span's notes: per (period, theme) counts, and per period
    # the distinct pairings (rows with is_units = 1).
    statement = union_all(
        select(
            period.label("period"),
            notes.c.theme_id,
            func.count().label("value"),
            literal(0).label("is_units"),
        ).group_by(period, notes.c.theme_id),
        select(period, literal(None), func.count(func.distinct(notes.c.unit)), literal(1)).group_by(
            period
        ),
    )
    with engine.connect() as connection:
        counts = pd.DataFrame(
            connection.execute(statement).all(), columns=["period", "theme_id", "value", "is_units"]
        )
        names = _theme_names(connection)
    cells = counts[counts["is_units"] == 0]
    units = counts[counts["is_units"] == 1].set_index("period")["value"]
    notes_per_period = cells.groupby("period")["value"].sum()
    # Notes and distinct pairings of each period.
    current_notes, previous_notes = (int(notes_per_period.get(p, 0)) for p in _PERIODS)
    n_current, n_previous = (int(units.get(p, 0)) for p in _PERIODS)
    named = cells.dropna(subset=["theme_id"])
    named = named[named["theme_id"].astype(int).isin(list(names))]
    columns = ["theme", "share_current", "share_previous", "change", "n_current", "n_previous"]
    if named.empty:
        return pd.DataFrame(columns=[*columns, "suppressed"]), span
    hits = named.assign(theme=[names[int(t)] for t in named["theme_id"]])
    wide = hits.pivot_table(index="theme", columns="period", values="value", fill_value=0)
    rows = []
    for theme, counts in wide.iterrows():
        share_current = counts.get("current", 0) / current_notes if current_notes else 0.0
        share_previous = counts.get("previous", 0) / previous_notes if previous_notes else 0.0
        rows.append(
            {
                "theme": theme,
                "share_current": float(share_current),
                "share_previous": float(share_previous),
                "change": float(100 * (share_current - share_previous)),
                "n_current": n_current,
                "n_previous": n_previous,
            }
        )
    frame = pd.DataFrame(rows, columns=columns)
    frame["n_min"] = frame[["n_current", "n_previous"]].min(axis=1)
    frame = suppress_small(
        frame, "n_min", threshold, ["share_current", "share_previous", "change", "n_current"]
    )
    frame["n_previous"] = frame["n_previous"].astype("float64").where(~frame["suppressed"])
    frame = frame.drop(columns=["n_min"])
    order = frame["change"].fillna(float("-inf"))
    return frame.iloc[order.sort_values(ascending=False, kind="stable").index].reset_index(
        drop=True
    ), span


def notes_to_code(
    engine: Engine,
    filters: Filters,
    *,
    limit: int = 25,
    offset: int = 0,
    low_confidence: float = LOW_CONFIDENCE,
) -> tuple[pd.DataFrame, int]:
    """Notes that need a human label, most uncertain first, and how many there are.

    Unassigned, not yet analysed, or placed with low confidence; never
    hand-coded already; and only ``program`` or ``shareable`` notes — a private
    note's text never leaves its pairing's own view.  Columns feedback_id, date,
    source, text, theme (the engine's current guess, or None), confidence.
    """
    needs_label = and_(
        scope(filters),
        Feedback.visibility.in_(CODABLE_VISIBILITIES),
        or_(Feedback.coded_theme.is_(None), Feedback.coded_theme == ""),
        or_(
            FeedbackAnalysis.theme_id.is_(None),
            FeedbackAnalysis.confidence.is_(None),
            FeedbackAnalysis.confidence < low_confidence,
        ),
    )

    def base(*columns: Any) -> Select[Any]:
        return (
            select(*columns)
            .select_from(Feedback)
            .outerjoin(FeedbackAnalysis, FeedbackAnalysis.feedback_id == Feedback.feedback_id)
            .outerjoin(Theme, Theme.theme_id == FeedbackAnalysis.theme_id)
            .where(needs_label)
        )

    with engine.connect() as connection:
        total = int(connection.execute(base(func.count())).scalar_one())
    statement = (
        base(
            Feedback.feedback_id,
            Feedback.date,
            Feedback.source,
            Feedback.text,
            Theme.name.label("theme"),
            FeedbackAnalysis.confidence,
        )
        .order_by(
            case((FeedbackAnalysis.theme_id.is_(None), 0), else_=1),
            func.coalesce(FeedbackAnalysis.confidence, 0.0),
            desc(Feedback.date),
            Feedback.feedback_id,
        )
        .limit(max(0, limit))
        .offset(max(0, offset))
    )
    return read_frame(engine, statement), total


@dataclass(frozen=True)
class ThemeQuote:
    """A shareable, redacted note of a theme, within the filters."""

    feedback_id: str
    text: str
    date: dt.date
    author_role: str
    confidence: float | None


def filtered_quotes(
    engine: Engine, filters: Filters, theme_ids: Sequence[int], *, limit: int = 3
) -> dict[int, list[ThemeQuote]]:
    """Up to ``limit`` most confident ``shareable`` notes per theme, names redacted.

    The same selection as ``tandem.themes.quotes.representative_quotes`` (shareable
    only, most confident first, redacted by ``tandem.access.redaction``), restricted to the
    shared filters — which that function's single cohort/pairing cannot express —
    and fetched for all themes in one query.
    """
    if not theme_ids:
        return {}
    rank = (
        func.row_number()
        .over(
            partition_by=FeedbackAnalysis.theme_id,
            order_by=[FeedbackAnalysis.confidence.desc().nulls_last(), Feedback.feedback_id.asc()],
        )
        .label("rank")
    )
    ranked = (
        select(
            FeedbackAnalysis.theme_id,
            Feedback.feedback_id,
            Feedback.text,
            Feedback.date,
            Feedback.author_role,
            FeedbackAnalysis.confidence,
            rank,
        )
        .join(FeedbackAnalysis, FeedbackAnalysis.feedback_id == Feedback.feedback_id)
        .where(
            FeedbackAnalysis.theme_id.in_(list(theme_ids)),
            Feedback.visibility == "shareable",
            scope(filters),
        )
        .subquery("ranked")
    )
    statement = (
        select(ranked).where(ranked.c.rank <= limit).order_by(ranked.c.theme_id, ranked.c.rank)
    )
    with transaction(engine) as session:
        rows = session.execute(statement).all()
        if not rows:
            return {}
        index = people_index(session)
    quotes: dict[int, list[ThemeQuote]] = {}
    for row in rows:
        quotes.setdefault(row.theme_id, []).append(
            ThemeQuote(
                feedback_id=row.feedback_id,
                text=redact(row.text or "", index),
                date=row.date,
                author_role=row.author_role,
                confidence=row.confidence,
            )
        )
    return quotes


@dataclass(frozen=True)
class LastRefresh:
    finished_at: dt.datetime
    method: str
    total: int
    assigned: int


def last_refresh(engine: Engine) -> LastRefresh | None:
    """The most recent theme refresh, or None when themes were never computed."""
    with engine.connect() as connection:
        row = connection.execute(
            select(
                ThemeRefreshRun.finished_at,
                ThemeRefreshRun.method,
                ThemeRefreshRun.total,
                ThemeRefreshRun.assigned,
            )
            .order_by(desc(ThemeRefreshRun.finished_at), desc(ThemeRefreshRun.run_id))
            .limit(1)
        ).first()
    if row is None:
        return None
    return LastRefresh(row.finished_at, row.method, int(row.total), int(row.assigned))


def codebook_table(engine: Engine) -> pd.DataFrame:
    """The codebook as a read-only table (one row per theme, inactive ones too).

    A promoted candidate's examples may be copies of real notes (candidates made
    before discovery skipped private notes may hold private ones), and keywords are
    distilled from notes: no viewer reads private text, so discovered themes'
    examples are withheld and names are redacted from the rest, for every role.
    """
    themes = list_themes(engine, include_inactive=True)
    index = people_index(engine)
    coded = _coded_counts(engine)
    total = sum(t.feedback_count for t in themes)
    return pd.DataFrame(
        {
            "theme": [t.name for t in themes],
            "description": [t.description for t in themes],
            "examples": [
                WITHHELD if t.origin == "discovered" else redact(" / ".join(t.examples), index)
                for t in themes
            ],
            # Keywords are lower-cased: every name word goes, ordinary or not.
            "keywords": [redact(", ".join(t.keywords), index, case_lost=True) for t in themes],
            "origin": [t.origin for t in themes],
            "active": [t.active for t in themes],
            "notes": [t.feedback_count for t in themes],
            # Nobody coded it and few notes support it: not to be taken at face value.
            "certainty": [
                "uncertain"
                if uncertain_theme(coded.get(t.name.lower(), 0), t.feedback_count, total)
                else "supported"
                for t in themes
            ],
        },
        columns=[
            "theme",
            "description",
            "examples",
            "keywords",
            "origin",
            "active",
            "notes",
            "certainty",
        ],
    )


def uncertain_theme(coded: int, notes: int, total: int) -> bool:
    """A theme nobody coded and few notes support (under 1% of the placed notes, or < 5)."""
    return coded == 0 and (notes < 5 or notes < 0.01 * total)


def _coded_counts(engine: Engine) -> dict[str, int]:
    """Hand-coded notes per theme (lower-cased name; "no theme" codings left out)."""
    name = func.lower(func.trim(Feedback.coded_theme))
    with engine.connect() as connection:
        rows = connection.execute(
            select(name, func.count()).where(Feedback.coded_theme.is_not(None)).group_by(name)
        ).all()
    return {str(key): int(count) for key, count in rows if key}


def candidates_table(engine: Engine, *, min_size: int) -> pd.DataFrame:
    """Open candidate themes: candidate_id, label, keywords, size (biggest first).

    Candidates are distilled from unplaced notes, private ones included (they
    count in aggregates): clusters smaller than ``min_size`` (the privacy
    threshold) are left out and names are redacted, for every viewer.
    """
    candidates = list_candidates(engine)
    index = people_index(engine)
    rows = [
        {
            "candidate_id": c.candidate_id,
            # Labels and keywords are made of lower-cased terms: every name word goes.
            "label": redact(c.label, index, case_lost=True),
            "keywords": redact(c.keywords, index, case_lost=True).replace(";", ", "),
            "size": c.size,
        }
        for c in candidates
        if c.size >= min_size
    ]
    return pd.DataFrame(rows, columns=["candidate_id", "label", "keywords", "size"])
