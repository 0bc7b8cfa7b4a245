"""A tiny program whose verdicts are known by construction, shared by the health tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine

from tandem.program.bulk import upsert
from tandem.program.models import CheckIn, Feedback, Milestone, Pairing, Person
from tandem.program.theme_tables import FeedbackAnalysis

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


def by_id(frame: Any) -> dict[str, Any]:
    return {row["pairing_id"]: row for row in frame.to_dict("records")}
