"""A program built to leak (issue #14): two cohorts, names that are also words, shareable
notes naming the pair, private and program notes with marker words, flags.

Written as a CSV bundle so it goes through the importer like any real program.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

TODAY = dt.date.today()

# People: cohort Alpha's pairs, cohort Bravo's pairs. Several names are words first.
ALPHA_PEOPLE = {
    "emp-a01": "Will Long",
    "emp-a02": "Grace May",
    "emp-a03": "Do-yun Kim",
    "emp-a04": "Mark Rose",
    "emp-a05": "Siobhán O'Connor",
    "emp-a06": "Hope Frank",
}
BRAVO_PEOPLE = {
    "emp-b01": "Priya Natarajan",
    "emp-b02": "Zoë Álvarez-Núñez",
    "emp-b03": "Bartholomew Quince",
    "emp-b04": "Ingrid Halvorsen",
}
ALPHA_PAIRINGS = {"pr-alpha-1": ("emp-a01", "emp-a02"), "pr-alpha-2": ("emp-a03", "emp-a04")}
ALPHA_PAIRINGS["pr-alpha-3"] = ("emp-a05", "emp-a06")
BRAVO_PAIRINGS = {"pr-bravo-1": ("emp-b01", "emp-b02"), "pr-bravo-2": ("emp-b03", "emp-b04")}
PRIVATE_MARK = "Kumquat"  # a word only private notes use
PROGRAM_MARK = "Tamarind"  # a word only program notes use
BRAVO_MARK = "Persimmon"  # a word only Bravo's (shareable) notes use
BRAVO_COHORT_NAME = "Bravo Circle"

# Surnames and name parts that are never ordinary words: none may reach a room.
UNMISTAKABLE = ("Natarajan", "Álvarez", "Núñez", "Quince", "Halvorsen", "O'Connor", "Siobhán")


def _write(folder: Path, name: str, header: list[str], rows: list[list[Any]]) -> None:
    with (folder / name).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def write_bundle(folder: Path) -> Path:
    """A realistic bundle written as CSV, imported like any other."""
    folder.mkdir()
    people = {**ALPHA_PEOPLE, **BRAVO_PEOPLE}
    _write(
        folder,
        "people.csv",
        ["person_id", "name", "email", "level", "division", "geography", "max_mentees"],
        [
            [pid, name, f"{pid}@example.com", 6 if i % 2 == 0 else 3, "Wealth", "UK", 1]
            for i, (pid, name) in enumerate(people.items())
        ],
    )
    start = TODAY - dt.timedelta(days=200)
    _write(
        folder,
        "cohorts.csv",
        ["cohort_id", "name", "program_type", "start_date"],
        [
            ["c-alpha", "Alpha Cohort", "executive", start.isoformat()],
            ["c-bravo", BRAVO_COHORT_NAME, "executive", start.isoformat()],
        ],
    )
    pairings = [
        [pid, cohort, mentor, mentee, "traditional", "active", start.isoformat(), 30]
        for cohort, table in (("c-alpha", ALPHA_PAIRINGS), ("c-bravo", BRAVO_PAIRINGS))
        for pid, (mentor, mentee) in table.items()
    ]
    _write(
        folder,
        "pairings.csv",
        [
            "pairing_id",
            "cohort_id",
            "mentor_id",
            "mentee_id",
            "kind",
            "status",
            "start_date",
            "cadence_days",
        ],
        pairings,
    )
    checkins, milestones, notes, flags = [], [], [], []
    for pid, cohort, mentor, mentee, *_ in pairings:
        for k in range(3):
            day = start + dt.timedelta(days=30 * k + 5)
            checkins.append([f"{pid}-k{k}", pid, day.isoformat(), 45, 3 + k % 2, 4, 3])
        milestones.append(
            [f"{pid}-m1", pid, "Lead the quarterly review", (start + dt.timedelta(90)).isoformat()]
        )
        mentor_name, mentee_name = people[mentor], people[mentee]
        first = mentor_name.split()[0]
        extra = f" {BRAVO_MARK}." if cohort == "c-bravo" else ""
        for n, (visibility, text) in enumerate(
            (
                (
                    "shareable",
                    f"{mentee_name} said {first}'s advice on the board deck worked; "
                    f"we will do it again, with grace, all day long.{extra}",
                ),
                ("shareable", f"I can tell {first} is squeezing our sessions in.{extra}"),
                ("private", f"{PRIVATE_MARK}: I am thinking of leaving; do not tell anyone."),
                ("program", f"{PROGRAM_MARK}: scheduling is hard this quarter.{extra}"),
            )
        ):
            day = start + dt.timedelta(days=20 * n + 10)
            notes.append(
                [
                    f"{pid}-f{n}",
                    pid,
                    cohort,
                    day.isoformat(),
                    "checkin_note",
                    "mentee",
                    visibility,
                    text,
                ]
            )
        flags.append(
            [f"{pid}-flag", pid, "lead@example.com", TODAY.isoformat(), "no_contact", "open"]
        )
    _write(
        folder,
        "checkins.csv",
        ["checkin_id", "pairing_id", "date", "duration_minutes", "clarity", "confidence", "safety"],
        checkins,
    )
    _write(
        folder, "milestones.csv", ["milestone_id", "pairing_id", "title", "due_date"], milestones
    )
    _write(
        folder,
        "feedback.csv",
        [
            "feedback_id",
            "pairing_id",
            "cohort_id",
            "date",
            "source",
            "author_role",
            "visibility",
            "text",
        ],
        notes,
    )
    _write(
        folder,
        "flags.csv",
        ["flag_id", "pairing_id", "raised_by", "raised_at", "reason", "status"],
        flags,
    )
    return folder
