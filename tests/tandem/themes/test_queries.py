"""Feedback theme aggregates against an independent computation on a known program.

Every test runs twice: with the notes' facts computed live, and with them
stored by the theme refresh's roll-up (``tandem.themes.facts``) — both
must give the independently computed numbers.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from typing import Any

import pytest
from sqlalchemy import Engine

from tandem.access import EVERYTHING
from tandem.access.filters import Filters
from tandem.program.bulk import upsert
from tandem.program.db import transaction
from tandem.program.models import Cohort, Feedback, Pairing, Person
from tandem.program.theme_tables import FeedbackAnalysis, Theme, theme_name_key
from tandem.themes import queries as q
from tandem.themes.facts import note_facts, rewrite_theme_facts
from tandem.themes.sentiment import NEUTRAL_BAND
from tests.factories import person

TODAY = dt.date(2026, 6, 30)
THEMES = {1: "Time pressure", 2: "Stakeholder influence", 3: "Digital fluency"}
SOURCES = ("checkin_note", "survey", "journal")
ROLES = ("mentor", "mentee")
VISIBILITIES = ("private", "program", "shareable")
_FACTS = {"stored": False}


@pytest.fixture(autouse=True, params=["live facts", "stored facts"])
def facts_mode(request: pytest.FixtureRequest) -> None:
    _FACTS["stored"] = request.param == "stored facts"


def build(engine: Engine, seed: int = 7) -> dict[str, list[dict[str, Any]]]:
    """Two cohorts, 14 pairings (a few in a small cohort), ~150 notes, analysis rows."""
    rng = random.Random(seed)
    people = [person(f"p{i}", f"Person{i} Surname{i}", 2 + i % 6) for i in range(30)]
    cohorts = [
        {
            "cohort_id": cid,
            "name": name,
            "program_type": "executive",
            "start_date": dt.date(2025, 1, 1),
            "end_date": None,
            "sponsor_id": None,
        }
        for cid, name in (("big", "Big cohort"), ("small", "Small cohort"))
    ]
    pairings = []
    for i in range(14):
        pairings.append(
            {
                "pairing_id": f"x{i:02d}",
                "cohort_id": "small" if i >= 11 else "big",
                "mentor_id": f"p{2 * i}",
                "mentee_id": f"p{2 * i + 1}",
                "kind": "reverse" if i % 3 == 0 else "traditional",
                "status": "active",
                "start_date": dt.date(2025, 1, 1),
                "planned_end_date": None,
                "ended_date": None,
                "cadence_days": 30,
                "objective": None,
            }
        )
    feedback, analysis = [], []
    for n in range(150):
        program_level = n % 10 == 0
        pairing = None if program_level else rng.choice(pairings)
        theme = rng.choice([1, 1, 2, 3, None])
        fid = f"f{n:03d}"
        feedback.append(
            {
                "feedback_id": fid,
                "pairing_id": None if pairing is None else pairing["pairing_id"],
                "cohort_id": "big" if pairing is None else pairing["cohort_id"],
                "date": TODAY - dt.timedelta(days=rng.randrange(0, 200)),
                "source": rng.choice(SOURCES),
                "author_role": rng.choice(ROLES),
                "visibility": rng.choice(VISIBILITIES),
                "text": f"note {n} with words",
                "coded_theme": "Time pressure" if n % 37 == 5 else None,
            }
        )
        if n % 23 != 0:  # a few notes never analysed
            analysis.append(
                {
                    "feedback_id": fid,
                    "theme_id": theme,
                    "confidence": round(rng.random(), 3),
                    "sentiment": round(rng.uniform(-1, 1), 3),
                    "input_hash": None,
                    "method": "test",
                    "refreshed_at": dt.datetime(2026, 6, 30, 12, 0),
                }
            )
    themes = [
        {
            "theme_id": tid,
            "name": name,
            "name_key": theme_name_key(name),
            "description": "",
            "examples": "",
            "keywords": "",
            "origin": "default",
            "active": True,
            "updated_at": dt.datetime(2026, 1, 1),
            "version": 1,
        }
        for tid, name in THEMES.items()
    ]
    with engine.begin() as connection:
        upsert(connection, Person.__table__, people)  # type: ignore[arg-type]
        upsert(connection, Cohort.__table__, cohorts)  # type: ignore[arg-type]
        upsert(connection, Pairing.__table__, pairings)  # type: ignore[arg-type]
        upsert(connection, Feedback.__table__, feedback)  # type: ignore[arg-type]
        upsert(connection, Theme.__table__, themes)  # type: ignore[arg-type]
        upsert(connection, FeedbackAnalysis.__table__, analysis)  # type: ignore[arg-type]
    if _FACTS["stored"]:
        with transaction(engine) as session:
            assert rewrite_theme_facts(session.connection()) == len(feedback)
    # The aggregates below read what this mode says (stored rows, or the live join).
    assert ("theme_note_facts" in str(note_facts(engine).element)) == _FACTS["stored"]
    return {"pairings": pairings, "feedback": feedback, "analysis": analysis}


def joined(rows: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Every note with its analysis and pairing, computed in Python."""
    by_id = {a["feedback_id"]: a for a in rows["analysis"]}
    pairing = {p["pairing_id"]: p for p in rows["pairings"]}
    notes = []
    for f in rows["feedback"]:
        a = by_id.get(f["feedback_id"], {})
        p = pairing.get(f["pairing_id"]) if f["pairing_id"] else None
        notes.append(
            {
                **f,
                "unit": f["pairing_id"] or f["feedback_id"],
                "theme": THEMES.get(a.get("theme_id")) if a.get("theme_id") else None,
                "sentiment": a.get("sentiment"),
                "confidence": a.get("confidence"),
                "theme_id": a.get("theme_id"),
                "kind": p["kind"] if p else q.PROGRAM_LEVEL,
                "month": f["date"].strftime("%Y-%m"),
            }
        )
    return notes


def expected_shares(notes: list[dict[str, Any]], key: str) -> dict[tuple[str, str], tuple]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for note in notes:
        groups[note[key]].append(note)
    present = {n["theme"] for n in notes if n["theme"]}
    out = {}
    for group, members in groups.items():
        units = len({m["unit"] for m in members})
        for theme in present:
            share = sum(m["theme"] == theme for m in members) / len(members)
            out[(theme, group)] = (share, units)
    return out


def check_shares(frame, expected, threshold: int, group_column: str) -> None:  # type: ignore[no-untyped-def]
    assert len(frame) == len(expected)
    for row in frame.itertuples():
        share, units = expected[(row.theme, getattr(row, group_column))]
        if units < threshold:
            assert row.suppressed and math.isnan(row.share) and math.isnan(row.n)
        else:
            assert not row.suppressed
            assert row.share == pytest.approx(share)
            assert row.n == units


def test_prevalence_by_month_matches(engine) -> None:  # type: ignore[no-untyped-def]
    notes = joined(build(engine))
    frame = q.prevalence_by_month(engine, Filters(scope=EVERYTHING), threshold=5)
    check_shares(frame, expected_shares(notes, "month"), 5, "month")
    assert frame["suppressed"].any() or frame["n"].min() >= 5


@pytest.mark.parametrize("dimension", ["source", "author_role", "kind"])
def test_breakdown_matches(engine, dimension: str) -> None:  # type: ignore[no-untyped-def]
    notes = joined(build(engine))
    frame = q.breakdown(engine, Filters(scope=EVERYTHING), dimension, threshold=5)
    check_shares(frame, expected_shares(notes, dimension), 5, "group")


def test_breakdown_by_cohort_suppresses_the_small_cohort(engine) -> None:  # type: ignore[no-untyped-def]
    notes = joined(build(engine))
    cohort_name = {"big": "Big cohort", "small": "Small cohort"}
    for note in notes:
        note["cohort"] = cohort_name[note["cohort_id"]]
    frame = q.breakdown(engine, Filters(scope=EVERYTHING), "cohort", threshold=5)
    check_shares(frame, expected_shares(notes, "cohort"), 5, "group")
    small = frame[frame["group"] == "Small cohort"]
    assert not small.empty and small["suppressed"].all()  # 3 pairings < 5


def test_filters_scope_pairings_and_program_notes(engine) -> None:  # type: ignore[no-untyped-def]
    notes = joined(build(engine))
    # A kind filter: only notes of reverse pairings; program-level notes drop out.
    reverse = [n for n in notes if n["kind"] == "reverse"]
    frame = q.breakdown(
        engine, Filters(scope=EVERYTHING, kinds=("reverse",)), "source", threshold=2
    )
    check_shares(frame, expected_shares(reverse, "source"), 2, "group")
    # A cohort filter keeps program-level notes of that cohort.
    big = [n for n in notes if n["cohort_id"] == "big"]
    assert any(n["pairing_id"] is None for n in big)
    frame = q.breakdown(engine, Filters(scope=EVERYTHING, cohorts=("big",)), "kind", threshold=2)
    check_shares(frame, expected_shares(big, "kind"), 2, "group")
    # A date range restricts the notes' own dates.
    start, end = dt.date(2026, 3, 1), dt.date(2026, 5, 31)
    dated = [n for n in notes if start <= n["date"] <= end]
    frame = q.breakdown(
        engine, Filters(scope=EVERYTHING, date_from=start, date_to=end), "author_role", threshold=2
    )
    check_shares(frame, expected_shares(dated, "author_role"), 2, "group")


def test_private_notes_count_in_aggregates(engine) -> None:  # type: ignore[no-untyped-def]
    notes = joined(build(engine))
    frame = q.breakdown(engine, Filters(scope=EVERYTHING), "author_role", threshold=1)
    total_units = {
        role: len({n["unit"] for n in notes if n["author_role"] == role}) for role in ROLES
    }
    without_private = {
        role: len(
            {n["unit"] for n in notes if n["author_role"] == role and n["visibility"] != "private"}
        )
        for role in ROLES
    }
    for row in frame.itertuples():
        assert row.n == total_units[row.group]
    assert total_units != without_private  # the check would fail if private notes were dropped


def test_sentiment_by_theme_matches(engine) -> None:  # type: ignore[no-untyped-def]
    notes = joined(build(engine))
    frame = q.sentiment_by_theme(engine, Filters(scope=EVERYTHING), threshold=5)
    assert set(frame["theme"]) == {n["theme"] for n in notes if n["theme"]}
    for row in frame.itertuples():
        scored = [n for n in notes if n["theme"] == row.theme and n["sentiment"] is not None]
        units = len({n["unit"] for n in scored})
        assert row.n == units and not row.suppressed
        mean = sum(n["sentiment"] for n in scored) / len(scored)
        negative = sum(n["sentiment"] < -NEUTRAL_BAND for n in scored) / len(scored)
        assert row.mean_sentiment == pytest.approx(mean)
        assert row.share_negative == pytest.approx(negative)
    # Filter down to the small cohort: 3 pairings per theme at most, all suppressed.
    small = q.sentiment_by_theme(engine, Filters(scope=EVERYTHING, cohorts=("small",)), threshold=5)
    assert not small.empty and small["suppressed"].all()
    assert small["mean_sentiment"].isna().all()


def test_emerging_fading_matches(engine) -> None:  # type: ignore[no-untyped-def]
    notes = joined(build(engine))
    frame, span = q.emerging_fading(engine, Filters(scope=EVERYTHING), threshold=5, today=TODAY)
    assert span.current_end == TODAY
    assert (span.current_end - span.current_start).days == q.DEFAULT_PERIOD_DAYS - 1
    assert span.previous_end == span.current_start - dt.timedelta(days=1)
    current = [n for n in notes if span.current_start <= n["date"] <= span.current_end]
    previous = [n for n in notes if span.previous_start <= n["date"] <= span.previous_end]
    assert frame["change"].is_monotonic_decreasing
    for row in frame.itertuples():
        now = sum(n["theme"] == row.theme for n in current) / len(current)
        before = sum(n["theme"] == row.theme for n in previous) / len(previous)
        assert row.share_current == pytest.approx(now)
        assert row.share_previous == pytest.approx(before)
        assert row.change == pytest.approx(100 * (now - before))
        assert row.n_current == len({n["unit"] for n in current})
        assert row.n_previous == len({n["unit"] for n in previous})


def test_emerging_fading_uses_the_filter_range_and_suppresses(engine) -> None:  # type: ignore[no-untyped-def]
    build(engine)
    filters = Filters(scope=EVERYTHING, date_from=dt.date(2026, 6, 1), date_to=dt.date(2026, 6, 30))
    _, span = q.emerging_fading(engine, filters, threshold=5, today=TODAY)
    assert (span.current_start, span.current_end) == (filters.date_from, filters.date_to)
    assert (span.previous_start, span.previous_end) == (dt.date(2026, 5, 2), dt.date(2026, 5, 31))
    frame, _ = q.emerging_fading(engine, filters, threshold=100, today=TODAY)
    assert not frame.empty and frame["suppressed"].all() and frame["change"].isna().all()


def test_notes_to_code_never_returns_private_notes(engine) -> None:  # type: ignore[no-untyped-def]
    notes = joined(build(engine))
    wanted = [
        n
        for n in notes
        if n["visibility"] != "private"
        and n["coded_theme"] is None
        and (n["theme_id"] is None or n["confidence"] is None or n["confidence"] < q.LOW_CONFIDENCE)
    ]
    first, total = q.notes_to_code(engine, Filters(scope=EVERYTHING), limit=10)
    rest, again = q.notes_to_code(engine, Filters(scope=EVERYTHING), limit=1000, offset=10)
    assert total == again == len(wanted)
    returned = list(first["feedback_id"]) + list(rest["feedback_id"])
    assert sorted(returned) == sorted(n["feedback_id"] for n in wanted)
    private = {n["feedback_id"] for n in notes if n["visibility"] == "private"}
    assert private and not private & set(returned)
    assert list(first.columns) == ["feedback_id", "date", "source", "text", "theme", "confidence"]
    # Unplaced notes come first.
    placed = first["theme"].notna().tolist()
    assert placed == sorted(placed)


def test_filtered_quotes_are_shareable_redacted_and_scoped(engine) -> None:  # type: ignore[no-untyped-def]
    rows = build(engine)
    with engine.begin() as connection:
        connection.execute(
            Feedback.__table__.update()
            .where(Feedback.feedback_id.in_([f["feedback_id"] for f in rows["feedback"]]))
            .values(text=Feedback.text + " thanks Person3")
        )
    notes = joined(rows)
    quotes = q.filtered_quotes(
        engine, Filters(scope=EVERYTHING, kinds=("reverse",)), list(THEMES), limit=3
    )
    assert quotes
    for theme_id in THEMES:
        found = quotes.get(theme_id, [])
        candidates = [
            n
            for n in notes
            if n["theme_id"] == theme_id
            and n["visibility"] == "shareable"
            and n["kind"] == "reverse"
        ]
        best = sorted(candidates, key=lambda n: (-n["confidence"], n["feedback_id"]))[:3]
        assert [quote.feedback_id for quote in found] == [n["feedback_id"] for n in best]
        for quote in found:
            assert "Person3" not in quote.text and "[name]" in quote.text


def test_empty_database_gives_empty_frames(engine) -> None:  # type: ignore[no-untyped-def]
    assert q.prevalence_by_month(engine, Filters(scope=EVERYTHING), threshold=5).empty
    assert q.breakdown(engine, Filters(scope=EVERYTHING), "kind", threshold=5).empty
    assert q.sentiment_by_theme(engine, Filters(scope=EVERYTHING), threshold=5).empty
    assert q.emerging_fading(engine, Filters(scope=EVERYTHING), threshold=5, today=TODAY)[0].empty
    assert q.notes_to_code(engine, Filters(scope=EVERYTHING))[1] == 0
    assert q.filtered_quotes(engine, Filters(scope=EVERYTHING), [1]) == {}
    assert q.last_refresh(engine) is None
    with pytest.raises(ValueError):
        q.breakdown(engine, Filters(scope=EVERYTHING), "division", threshold=5)


def test_codebook_and_candidates_withhold_note_text_from_everyone(engine) -> None:  # type: ignore[no-untyped-def]
    from tandem.program.theme_tables import ThemeCandidate

    build(engine)
    with engine.begin() as connection:
        connection.execute(
            Theme.__table__.insert().values(
                theme_id=99,
                name="Promoted",
                name_key=theme_name_key("Promoted"),
                description="From discovery",
                examples="Person4 told me in private",
                keywords="person4;private",
                origin="discovered",
                active=True,
                updated_at=dt.datetime(2026, 1, 1),
                version=1,
            )
        )
        for label, size in (("big cluster Person5", 9), ("tiny cluster", 2)):
            connection.execute(
                ThemeCandidate.__table__.insert().values(
                    label=label, keywords="person5;leave", size=size, example_ids="", status="open"
                )
            )
    # No role reads private text: one safe table for everyone.
    table = q.codebook_table(engine).set_index("theme")
    assert table.loc["Promoted", "examples"] == q.WITHHELD
    assert "person4" not in table.loc["Promoted", "keywords"].lower()
    assert list(table.index) == sorted([*THEMES.values(), "Promoted"])
    assert table.loc["Time pressure", "notes"] > 0

    everyone = q.candidates_table(engine, min_size=1)
    assert list(everyone["label"].str[:11]) == ["big cluster", "tiny cluster"[:11]]
    assert "Person" not in " ".join(everyone["label"])
    shown = q.candidates_table(engine, min_size=5)
    (label,) = shown["label"]
    assert label.startswith("big cluster [name]") and "Person" not in label
    (keywords,) = shown["keywords"]
    assert keywords.startswith("[name]") and keywords.endswith(", leave")


def test_theme_shares_gives_every_grouping_in_one_pass(engine) -> None:  # type: ignore[no-untyped-def]
    notes = joined(build(engine))
    cohort_name = {"big": "Big cohort", "small": "Small cohort"}
    for note in notes:
        note["cohort"] = cohort_name[note["cohort_id"]]
    shares = q.theme_shares(engine, Filters(scope=EVERYTHING), threshold=5)
    assert set(shares) == set(q.GROUPINGS)
    for grouping, frame in shares.items():
        check_shares(frame, expected_shares(notes, grouping), 5, "group")
    assert shares["cohort"]["suppressed"].any()  # the small cohort: 3 pairings
    with pytest.raises(ValueError):
        q.theme_shares(engine, Filters(scope=EVERYTHING), threshold=5, groupings=("division",))


def test_theme_shares_applies_pairing_filters_through_the_join(engine) -> None:  # type: ignore[no-untyped-def]
    rows = build(engine)
    notes = joined(rows)
    # Level bands and program types are conditions on the pairing's people and
    # cohort (subqueries written on ``pairings``): they must reach the joined pairing.
    level = {f"p{i}": 2 + i % 6 for i in range(30)}  # as build() makes them
    pairs = {p["pairing_id"]: (p["mentor_id"], p["mentee_id"]) for p in rows["pairings"]}
    kept = [
        n
        for n in notes
        if n["pairing_id"] and any(6 <= level[who] <= 8 for who in pairs[n["pairing_id"]])
    ]
    assert 0 < len({n["pairing_id"] for n in kept}) < len(pairs)
    filters = Filters(scope=EVERYTHING, level_bands=("6-8",))
    frame = q.theme_shares(engine, filters, threshold=1, groupings=("source",))["source"]
    check_shares(frame, expected_shares(kept, "source"), 1, "group")
    assert frame.equals(q.breakdown(engine, filters, "source", threshold=1))
    other = q.theme_shares(
        engine, Filters(scope=EVERYTHING, program_types=("corporate",)), threshold=1
    )
    assert all(frame.empty for frame in other.values())  # every cohort is "executive"
