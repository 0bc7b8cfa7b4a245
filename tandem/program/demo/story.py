"""The demo program's story, generated as columns (numpy) before anything is written.

The story an executive sponsor should recognise:

* a real company: a CEO, division heads, a reporting-line tree, titles that
  match levels, many cultures and geographies;
* several cohorts (executive pairings, reverse mentoring on digital & AI,
  reciprocal across levels, a peer circle, last year's completed wave);
* mostly healthy pairings — check-ins on cadence, milestones met, ratings
  rising, both sides engaged — and about a fifth stalled, each in a way a
  program lead has seen: gone quiet, milestones overdue, ratings falling,
  only one side still turning up;
* one senior mentor carrying more active mentees than they said they could,
  and exactly one pairing inside a reporting line.

Each stage has its own module, told in the order ``build_story`` calls them:
the organisation (``organisation``), cohorts (``cohorts``), pairings
(``pairings``), careers (``careers``, with ``comparison``), milestones
(``milestones``), check-ins (``checkins``), feedback (``feedback``) and flags
(``flags``).  Everything is drawn from one seeded generator per stage and dates
are days relative to ``today``, so the same seed and ``today`` give identical
rows.  Per-row Python work is limited to what cannot be vectorised cheaply
(composing names and feedback text, and matching with capacity pools).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from tandem.program.demo.careers import build_careers
from tandem.program.demo.checkins import make_checkins
from tandem.program.demo.codes import HEALTHY, OTHER, STALL_KIND_NAMES, STALLED, WATCH
from tandem.program.demo.cohorts import make_cohorts
from tandem.program.demo.draw import Days
from tandem.program.demo.feedback import make_feedback
from tandem.program.demo.flags import make_flags
from tandem.program.demo.milestones import make_milestones
from tandem.program.demo.organisation import make_people
from tandem.program.demo.pairings import make_pairings, pairings_table
from tandem.program.demo.tables import Pairings, People, Table


@dataclass(frozen=True)
class StoryCases:
    """Where the story's named cases are: the ids a test or a demo script looks for."""

    #: The senior mentor carrying more active mentees than their max_mentees.
    overloaded_mentor_id: str | None = None
    overloaded_pairing_ids: tuple[str, ...] = ()
    #: The one pairing whose mentor is the mentee's manager or skip-level.
    reporting_line_pairing_id: str | None = None
    #: Active pairings on cadence, milestones met, ratings rising, both sides engaged.
    healthy_pairing_ids: tuple[str, ...] = ()
    #: Active pairings slipping but not (yet) stalled.
    watch_pairing_ids: tuple[str, ...] = ()
    #: Active pairings that stalled, and how: no_contact, overdue_milestones,
    #: falling_ratings, one_sided.
    stalled_pairing_ids: tuple[str, ...] = ()
    stalled_by_kind: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Colleagues who take part in no pairing, drawn alike to each cohort's
    #: mentees, for the impact estimate to compare with (``careers``).
    comparison_person_ids: tuple[str, ...] = ()


@dataclass
class Story:
    """Every table of the demo plus where the story's named cases are."""

    tables: list[Table]
    cases: StoryCases = field(default_factory=StoryCases)


def build_story(
    pairings: int,
    seed: int,
    today: dt.date,
    progress: Callable[[str], None] | None = None,
) -> Story:
    """Generate every table of the demo (nothing is written here)."""

    def say(message: str) -> None:
        if progress is not None:
            progress(message)

    days = Days(today)
    people_table, people = make_people(seed, round(1.6 * pairings))
    say(f"generated {len(people_table):,} people")
    cohort_table, plans = make_cohorts(seed, pairings, people, days)
    pr = make_pairings(seed, pairings, people, plans)
    # The overloaded mentor's stated capacity was lowered for the story.
    people_table.columns["max_mentees"] = people.max_mentees.tolist()
    # Careers before the pairings' details: a pairing whose mentor or mentee left
    # ends that day, and its meetings, milestones and notes stop there too.
    careers = build_careers(seed, people_table, people, pr, plans, today)
    pr.health[careers.ended_by_departure] = OTHER
    pr.stall_kind[careers.ended_by_departure] = -1
    pairing_table = pairings_table(pr, people, plans, days)
    say(f"generated {len(cohort_table)} cohorts and {len(pairing_table):,} pairings")
    milestone_table = make_milestones(seed, pr, days)
    checkin_table, checkins = make_checkins(seed, pr, days)
    say(f"generated {len(milestone_table):,} milestones and {len(checkin_table):,} check-ins")
    feedback_table = make_feedback(seed, pr, checkins, people, plans, days)
    flag_table = make_flags(seed, pr, people, days)
    say(f"generated {len(feedback_table):,} feedback notes and {len(flag_table)} flags")
    people_table.columns.update(careers.organisation)
    for name, values in careers.people.items():
        people_table.columns[name] = people_table.columns[name] + values
    people_table.columns["tenure_years"] = careers.tenure_years
    event_table = Table("career_events", careers.events)
    say(
        f"generated {len(careers.comparison_ids):,} colleagues to compare with "
        f"and {len(event_table):,} career events"
    )

    tables = [
        people_table,
        cohort_table,
        pairing_table,
        milestone_table,
        checkin_table,
        feedback_table,
        flag_table,
        event_table,
    ]
    return _story(tables, pr, people, careers.comparison_ids)


def _story(tables: list[Table], pr: Pairings, people: People, comparison_ids: list[str]) -> Story:
    """The tables with the ids of the story's named cases."""

    def ids_where(mask: np.ndarray) -> tuple[str, ...]:
        return tuple(pr.ids[i] for i in np.flatnonzero(mask).tolist())

    cases = StoryCases(
        overloaded_mentor_id=(
            people.ids[pr.overloaded_mentor] if pr.overloaded_mentor is not None else None
        ),
        overloaded_pairing_ids=ids_where(pr.overloaded),
        reporting_line_pairing_id=(
            pr.ids[pr.reporting_line] if pr.reporting_line is not None else None
        ),
        healthy_pairing_ids=ids_where(pr.health == HEALTHY),
        watch_pairing_ids=ids_where(pr.health == WATCH),
        stalled_pairing_ids=ids_where(pr.health == STALLED),
        stalled_by_kind={
            name: ids_where(pr.stall_kind == k) for k, name in enumerate(STALL_KIND_NAMES)
        },
        comparison_person_ids=tuple(comparison_ids),
    )
    return Story(tables, cases)
