"""The demo generator's pairing-status codes (small integers in its arrays), shared by
the story and the careers it writes, so neither has to import the other for them."""

from __future__ import annotations

PROPOSED, ACTIVE, PAUSED, COMPLETED, ENDED = range(5)
