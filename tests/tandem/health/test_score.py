"""Health score, reasons and stall detection on a small hand-built program."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tandem.health.score import (
    COMPONENTS,
    TREND_MONTHS,
    explain_pairing,
    health_frame,
    history_month_ends,
    nudge_list,
    refresh_health,
    save_health_settings,
    trend_days,
)
from tandem.program.bulk import upsert
from tandem.program.models import (
    AuditEntry,
    CheckIn,
    Feedback,
    FeedbackAnalysis,
    Milestone,
    Pairing,
    PairingHealth,
    PairingHealthHistory,
    Person,
)
from tandem.program.rollups import HEALTH, HEALTH_HISTORY, invalidate, is_current

TODAY = dt.date(2025, 6, 15)
START = dt.date(2025, 1, 1)


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


class Program:
    """Rows of a tiny program, built case by case, then written with tandem.program.bulk.upsert."""

    def __init__(self) -> None:
        self.people: list[dict[str, Any]] = []
        self.pairings: list[dict[str, Any]] = []
        self.checkins: list[dict[str, Any]] = []
        self.milestones: list[dict[str, Any]] = []
        self.feedback: list[dict[str, Any]] = []
        self.analysis: list[dict[str, Any]] = []

    def pairing(
        self,
        pid: str,
        *,
        cadence: int = 30,
        status: str = "active",
        start: dt.date = START,
        ended: dt.date | None = None,
    ) -> str:
        for role in ("mentor", "mentee"):
            self.people.append(
                {
                    "person_id": f"{pid}-{role}",
                    "name": f"{role.title()} of {pid}",
                    "email": f"{role}.{pid}@example.com",
                    "level": 5 if role == "mentor" else 3,
                    "division": "Ops",
                    "geography": "EU",
                    "max_mentees": 2,
                }
            )
        self.pairings.append(
            {
                "pairing_id": pid,
                "mentor_id": f"{pid}-mentor",
                "mentee_id": f"{pid}-mentee",
                "status": status,
                "start_date": start,
                "ended_date": ended,
                "cadence_days": cadence,
                "kind": "traditional",
            }
        )
        return pid

    def checkin(self, pid: str, date: dt.date, by: str | None = "both", rating: int = 4) -> None:
        self.checkins.append(
            {
                "checkin_id": f"{pid}-c{len(self.checkins)}",
                "pairing_id": pid,
                "date": date,
                "submitted_by": by,
                "clarity": rating,
                "confidence": rating,
                "influence": rating,
                "safety": rating,
            }
        )

    def regular(self, pid: str, last: dt.date, every: int = 30, count: int = 5, **kw: Any) -> None:
        for k in range(count):
            self.checkin(pid, last - dt.timedelta(days=every * (count - 1 - k)), **kw)

    def milestone(self, pid: str, due: dt.date, done: dt.date | None = None, status=None) -> None:
        self.milestones.append(
            {
                "milestone_id": f"{pid}-m{len(self.milestones)}",
                "pairing_id": pid,
                "title": "step",
                "due_date": due,
                "completed_date": done,
                "status": status,
            }
        )

    def note(self, pid: str, sentiment: float, visibility: str = "program") -> None:
        fid = f"{pid}-f{len(self.feedback)}"
        self.feedback.append(
            {
                "feedback_id": fid,
                "pairing_id": pid,
                "date": ago(5),
                "source": "journal",
                "author_role": "mentee",
                "visibility": visibility,
                "text": "note",
            }
        )
        self.analysis.append(
            {"feedback_id": fid, "sentiment": sentiment, "refreshed_at": dt.datetime(2025, 6, 1)}
        )

    def write(self, engine: Engine) -> None:
        with engine.begin() as connection:
            for model, rows in (
                (Person, self.people),
                (Pairing, self.pairings),
                (CheckIn, self.checkins),
                (Milestone, self.milestones),
                (Feedback, self.feedback),
                (FeedbackAnalysis, self.analysis),
            ):
                upsert(connection, model.__table__, rows)  # type: ignore[arg-type]


def build_program() -> tuple[Program, set[str]]:
    """A program whose stalled pairings are known by construction."""
    p = Program()
    stalled: set[str] = set()
    # Healthy: monthly, two-sided, steady ratings.
    p.regular(p.pairing("fine"), last=ago(10))
    # 74 days without a meeting, agreed every 30 (limit max(60, 45) = 60): stalled.
    gap = p.pairing("gap")
    for date in (dt.date(2025, 1, 2), dt.date(2025, 2, 1), dt.date(2025, 3, 3), ago(74)):
        p.checkin(gap, date)
    stalled.add(gap)
    # Exactly 60 days is not "more than" 60; 61 is.
    p.regular(p.pairing("day60"), last=ago(60), count=3)
    p.regular(p.pairing("day61"), last=ago(61), count=3)
    stalled.add("day61")
    # Weekly pair, 40 days silent: the 45-day floor protects it.
    p.regular(p.pairing("weekly40", cadence=7, start=ago(120)), last=ago(40), every=7, count=10)
    # Fortnightly pair that never met in 50 days: over the 45-day floor.
    p.pairing("never14", cadence=14, start=ago(50))
    stalled.add("never14")
    # Monthly pair that never met in 50 days: under max(60, 45).
    p.pairing("never30", cadence=30, start=ago(50))
    # Brand new.
    p.pairing("new", start=ago(10))
    # Milestones: two overdue stall, one does not.
    p.regular(p.pairing("overdue2"), last=ago(10))
    p.milestone("overdue2", ago(20))
    p.milestone("overdue2", ago(5), status="in_progress")
    p.milestone("overdue2", ago(40), done=ago(45))
    p.milestone("overdue2", TODAY)  # due today: not overdue
    stalled.add("overdue2")
    p.regular(p.pairing("overdue1"), last=ago(10))
    p.milestone("overdue1", ago(20))
    p.milestone("overdue1", ago(30), status="missed")
    # Ratings: 5,5 at the start, 4,3 at the end → mean 3.5 vs 5 → fell 1.5.
    falling = p.pairing("falling")
    for k, rating in enumerate((5, 5, 4, 4, 4, 3)):
        p.checkin(falling, ago(160 - 30 * k), rating=rating)
    stalled.add(falling)
    # A drop of exactly one point counts ("by a point or more").
    for k, rating in enumerate((4, 4, 3, 3)):
        p.checkin(p.pairing("drop1") if k == 0 else "drop1", ago(100 - 30 * k), rating=rating)
    stalled.add("drop1")
    # Half a point: mentioned, not stalled.
    for k, rating in enumerate((4, 4, 4, 4)):
        p.checkin(p.pairing("dip") if k == 0 else "dip", ago(100 - 30 * k), rating=rating)
    p.checkins[-1]["clarity"] = 2  # last check-in mean 3.5 → (4 + 3.5)/2 vs 4 → −0.25
    p.checkins[-2]["clarity"] = 2  # → both last two 3.5 → −0.5
    # One-sided: the mentor alone submitted the last three.
    one = p.pairing("onesided")
    for k, by in enumerate(("both", "mentee", "mentor", "mentor", "mentor")):
        p.checkin(one, ago(130 - 30 * k), by=by)
    stalled.add(one)
    # Alternating mentor / mentee is two-sided.
    alt = p.pairing("alternating")
    for k, by in enumerate(("mentor", "mentee", "mentor", "mentee", "mentor")):
        p.checkin(alt, ago(130 - 30 * k), by=by)
    # Paused and silent for 100 days: an agreed break, not a stall.
    p.regular(p.pairing("paused", status="paused"), last=ago(100), count=2)
    # Proposed: not scored.
    p.pairing("proposed", status="proposed", start=ago(100))
    # Completed in March, last met a week before: judged as of its end.
    p.regular(
        p.pairing("completed", status="completed", ended=dt.date(2025, 3, 1)),
        last=dt.date(2025, 2, 22),
        count=2,
    )
    # Sentiment: a program note counts, a private note does not.
    p.regular(p.pairing("negative"), last=ago(10))
    p.note("negative", -0.6)
    p.note("negative", -0.4)
    p.regular(p.pairing("private"), last=ago(10))
    p.note("private", -0.9, visibility="private")
    return p, stalled


@pytest.fixture
def program(engine: Engine) -> set[str]:
    p, stalled = build_program()
    p.write(engine)
    return stalled


def _by_id(frame) -> dict[str, Any]:
    return {row["pairing_id"]: row for row in frame.to_dict("records")}


def test_detected_stalls_equal_the_truth(engine: Engine, program: set[str]) -> None:
    frame = health_frame(engine, TODAY)
    assert set(frame.loc[frame["stalled"], "pairing_id"]) == program


def test_named_reasons(engine: Engine, program: set[str]) -> None:
    rows = _by_id(health_frame(engine, TODAY))
    assert rows["gap"]["reasons"] == ["no meeting for 74 days, agreed every 30"]
    assert rows["fine"]["reasons"] == []
    assert "2 milestones overdue" in rows["overdue2"]["reasons"]
    assert rows["overdue1"]["reasons"] == ["1 milestone overdue", "1 milestone missed"]
    assert rows["falling"]["reasons"] == ["ratings fell 1.5 points since the start"]
    assert rows["drop1"]["reasons"] == ["ratings fell 1.0 point since the start"]
    assert rows["dip"]["reasons"] == ["ratings fell 0.5 points since the start"]
    assert rows["onesided"]["reasons"] == ["only the mentor has submitted the last 3 check-ins"]
    assert rows["alternating"]["reasons"] == []
    assert (
        rows["never14"]["reasons"][0] == "no check-in yet, 50 days since the start, agreed every 14"
    )
    assert rows["new"]["reasons"] == []
    assert rows["proposed"]["reasons"] == ["not started yet"]
    assert rows["paused"]["reasons"][0] == "paused"
    assert rows["weekly40"]["reasons"][0] == "no meeting for 40 days, agreed every 7"
    assert any("lean negative (mean sentiment -0.50)" in r for r in rows["negative"]["reasons"])
    assert rows["private"]["reasons"] == []


def test_stall_rules_fire_individually(engine: Engine, program: set[str]) -> None:
    rows = _by_id(health_frame(engine, TODAY))
    assert rows["gap"]["stall_no_contact"] and not rows["gap"]["stall_milestones"]
    assert rows["overdue2"]["stall_milestones"] and not rows["overdue2"]["stall_no_contact"]
    assert rows["falling"]["stall_ratings"]
    assert rows["onesided"]["stall_one_sided"]
    assert not rows["paused"]["stalled"] and not rows["paused"]["at_risk"]
    assert not rows["completed"]["stalled"]


def test_health_values_hand_computed(engine: Engine, program: set[str]) -> None:
    rows = _by_id(health_frame(engine, TODAY))
    # gap: cadence 4 held / 5 expected = 0.8; recency 1 − (74 − 30)/60; ratings flat = 1;
    # engagement all "both" = 1; no milestones, no sentiment → their weights drop out.
    recency = 1 - 44 / 60
    expected = 100 * (0.2 * 0.8 + 0.25 * recency + 0.15 + 0.1) / 0.7
    assert rows["gap"]["health"] == pytest.approx(expected, abs=0.051)
    assert rows["fine"]["health"] == pytest.approx(100.0)
    assert rows["new"]["health"] == pytest.approx(100.0)  # only recency applies, and it is fine
    assert rows["never14"]["health"] == pytest.approx(0.0)
    assert rows["never14"]["at_risk"]
    assert not rows["gap"]["at_risk"]
    assert math.isnan(rows["proposed"]["health"])
    # negative: sentiment (−0.5 → 0.25) is the only imperfect component; no milestones,
    # so the other weights (0.2 + 0.25 + 0.15 + 0.1) and sentiment's 0.1 are renormalised.
    assert rows["negative"]["health"] == pytest.approx(100 * (0.7 + 0.1 * 0.25) / 0.8, abs=0.051)
    # the private note is left out, so its pairing is judged without sentiment
    assert math.isnan(rows["private"]["score_sentiment"])
    # completed in March: as of its end (7 days after the last meeting) it was on track
    assert rows["completed"]["days_since_contact"] == 7
    # overdue2: 1 done on time out of 1 done + 2 overdue
    assert rows["overdue2"]["score_milestones"] == pytest.approx(1 / 3)
    assert rows["alternating"]["score_engagement"] == pytest.approx(4 / 5)


def test_settings_change_the_verdicts(engine: Engine, program: set[str]) -> None:
    save_health_settings(
        engine,
        {"stall": {"no_contact_min_days": 30, "overdue_milestones": 1}, "at_risk_below": 70},
        "lead",
    )
    rows = _by_id(health_frame(engine, TODAY))
    assert rows["weekly40"]["stalled"]  # 40 > max(14, 30)
    assert rows["overdue1"]["stalled"]
    assert rows["gap"]["at_risk"]  # 68.1 < 70
    save_health_settings(engine, {"stall_statuses": ["active", "paused"]}, "lead")
    assert _by_id(health_frame(engine, TODAY))["paused"]["stalled"]


def test_every_stall_comes_with_a_reason_even_with_tight_thresholds(
    engine: Engine, program: set[str]
) -> None:
    save_health_settings(
        engine,
        {
            "stall": {
                "no_contact_cadence_multiple": 0.5,
                "no_contact_min_days": 5,
                "rating_drop": 0.25,
            }
        },
        "lead",
    )
    frame = health_frame(engine, TODAY)
    stalled = frame[frame["stalled"]]
    assert program < set(stalled["pairing_id"])  # tighter rules catch more pairings
    assert all(stalled["reasons"].map(len) > 0)
    rows = _by_id(frame)
    assert rows["weekly40"]["stall_no_contact"] and rows["dip"]["stall_ratings"]
    assert not rows["fine"]["stalled"]  # 10 days silent is under max(0.5 × 30, 5)


def test_refresh_writes_every_pairing_once(engine: Engine, program: set[str]) -> None:
    seen: list[int] = []
    report = refresh_health(engine, today=TODAY, progress=seen.append)
    report_again = refresh_health(engine, today=TODAY)
    with Session(engine) as session:
        total = len(session.scalars(select(Pairing.pairing_id)).all())
    assert report.pairings == report_again.pairings == total
    assert report.stalled == len(program)
    assert seen and seen[-1] == total
    with Session(engine) as session:
        stored = {row.pairing_id: row for row in session.scalars(select(PairingHealth))}
        audits = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "health.refresh")
        ).all()
    assert len(stored) == total
    assert {pid for pid, row in stored.items() if row.stalled} == program
    assert stored["gap"].reasons == "no meeting for 74 days, agreed every 30"
    assert stored["overdue1"].reasons == "1 milestone overdue;1 milestone missed"
    assert stored["proposed"].health is None
    assert stored["gap"].as_of == TODAY
    assert len(audits) == 2


def test_explain_pairing(engine: Engine, program: set[str]) -> None:
    detail = explain_pairing(engine, "gap", TODAY)
    assert detail["stalled"] and detail["stall_rules"]["no_contact"]
    assert detail["reasons"] == ["no meeting for 74 days, agreed every 30"]
    parts = {c["name"]: c for c in detail["components"]}
    assert set(parts) == set(COMPONENTS)
    assert parts["milestones"]["score"] is None and parts["milestones"]["share"] == 0.0
    assert sum(c["share"] for c in detail["components"]) == pytest.approx(1.0)
    assert detail["inputs"]["days_since_contact"] == 74
    assert detail["health"] == pytest.approx(
        100 * sum((c["score"] or 0) * c["share"] for c in detail["components"]), abs=0.051
    )
    with pytest.raises(LookupError):
        explain_pairing(engine, "nope", TODAY)


def test_nudge_list_is_the_no_contact_stalls(engine: Engine, program: set[str]) -> None:
    nudges = nudge_list(engine, TODAY)
    assert list(nudges["pairing_id"]) == ["gap", "day61", "never14"]
    first = nudges.iloc[0]
    assert first["mentor_name"] == "Mentor of gap"
    assert first["mentee_email"] == "mentee.gap@example.com"
    assert first["days_since_last_meeting"] == 74
    assert first["cadence_days"] == 30
    assert nudges.iloc[2]["last_meeting"] is None


def test_empty_database(engine: Engine) -> None:
    assert health_frame(engine, TODAY).empty
    assert refresh_health(engine, today=TODAY).pairings == 0
    assert nudge_list(engine, TODAY).empty


# --- stored month-end history and the stored nudge list -----------------------------


def _history(engine: Engine) -> dict[dt.date, dict[str, tuple[float | None, bool, bool]]]:
    with engine.connect() as connection:
        rows = connection.execute(select(PairingHealthHistory.__table__)).all()
    out: dict[dt.date, dict[str, tuple[float | None, bool, bool]]] = {}
    for row in rows:
        out.setdefault(row.month_end, {})[row.pairing_id] = (
            row.health,
            bool(row.stalled),
            bool(row.at_risk),
        )
    return out


def _computed_month_ends(engine: Engine) -> list[str]:
    """The month ends the latest refresh computed (its audit row says)."""
    with engine.connect() as connection:
        after = connection.execute(
            select(AuditEntry.after)
            .where(AuditEntry.action == "health.refresh")
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(1)
        ).scalar_one()
    return list(after["month_ends_computed"])


def _frame_as_stored(frame) -> dict[str, tuple[float | None, bool, bool]]:
    return {
        row["pairing_id"]: (
            None if math.isnan(row["health"]) else row["health"],
            bool(row["stalled"]),
            bool(row["at_risk"]),
        )
        for row in frame.to_dict("records")
    }


def test_refresh_stores_each_month_end_of_the_trend(engine: Engine, program: set[str]) -> None:
    refresh_health(engine, today=TODAY)
    history = _history(engine)
    ends = history_month_ends(TODAY)
    assert sorted(history) == ends == trend_days(TODAY)[:-1]
    assert len(ends) == TREND_MONTHS - 1
    for month_end in ends:
        assert history[month_end] == _frame_as_stored(health_frame(engine, month_end))
    assert is_current(engine, HEALTH_HISTORY, as_of=TODAY)


def test_refresh_computes_only_the_missing_month_ends(engine: Engine, program: set[str]) -> None:
    refresh_health(engine, today=TODAY)
    assert len(_computed_month_ends(engine)) == TREND_MONTHS - 1
    # Same month, later day: nothing new to compute.
    refresh_health(engine, today=TODAY + dt.timedelta(days=3))
    assert _computed_month_ends(engine) == []
    # A new month: only its month end; the oldest one is dropped.
    later = dt.date(2025, 7, 10)
    refresh_health(engine, today=later)
    assert _computed_month_ends(engine) == ["2025-06-30"]
    history = _history(engine)
    assert sorted(history) == history_month_ends(later)
    for month_end in history:
        assert history[month_end] == _frame_as_stored(health_frame(engine, month_end))
    assert is_current(engine, HEALTH_HISTORY, as_of=later)


def test_an_import_or_a_new_formula_recomputes_every_month_end(
    engine: Engine, program: set[str]
) -> None:
    refresh_health(engine, today=TODAY)
    with engine.begin() as connection:
        invalidate(connection)
    assert not is_current(engine, HEALTH_HISTORY)
    refresh_health(engine, today=TODAY)
    assert len(_computed_month_ends(engine)) == TREND_MONTHS - 1
    save_health_settings(engine, {"at_risk_below": 80.0}, "lead")
    refresh_health(engine, today=TODAY)
    assert len(_computed_month_ends(engine)) == TREND_MONTHS - 1
    for month_end, stored in _history(engine).items():
        assert stored == _frame_as_stored(health_frame(engine, month_end))


def test_stored_nudge_list_equals_the_live_one(engine: Engine, program: set[str]) -> None:
    live = nudge_list(engine, TODAY)
    refresh_health(engine, today=TODAY)
    assert is_current(engine, HEALTH, as_of=TODAY)
    stored = nudge_list(engine, TODAY)
    pd.testing.assert_frame_equal(stored, live)
    assert list(stored["pairing_id"]) == ["gap", "day61", "never14"]
    only = nudge_list(engine, TODAY, where=Pairing.pairing_id.in_(["never14", "gap"]))
    assert list(only["pairing_id"]) == ["gap", "never14"]


def test_stored_nudge_list_reads_the_stored_verdicts(engine: Engine, program: set[str]) -> None:
    refresh_health(engine, today=TODAY)
    # The stored list only examines pairings the refresh found stalled ...
    with engine.begin() as connection:
        connection.execute(
            PairingHealth.__table__.update()
            .where(PairingHealth.pairing_id == "gap")
            .values(stalled=False)
        )
    assert "gap" not in set(nudge_list(engine, TODAY)["pairing_id"])
    # ... and only while that refresh is current for the day asked: another day,
    # or after an import, it computes live.
    assert "gap" in set(nudge_list(engine, TODAY + dt.timedelta(days=1))["pairing_id"])
    with engine.begin() as connection:
        invalidate(connection)
    assert list(nudge_list(engine, TODAY)["pairing_id"]) == ["gap", "day61", "never14"]
