"""The demo generator's small-integer codes, shared by the stages of the story and the
careers it writes, so that no stage has to import another's internals for them."""

from __future__ import annotations

# Pairing statuses (index into ``pairings.STATUSES``).
PROPOSED, ACTIVE, PAUSED, COMPLETED, ENDED = range(5)
# Health classes of a pairing in the story.
HEALTHY, WATCH, STALLED, OTHER = 0, 1, 2, 3
# Kinds of stall.
NO_CONTACT, OVERDUE_MILESTONES, FALLING_RATINGS, ONE_SIDED = 0, 1, 2, 3
STALL_KIND_NAMES = ("no_contact", "overdue_milestones", "falling_ratings", "one_sided")
