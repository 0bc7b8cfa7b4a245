"""The Stalled page's cached reads, and the one notice its writes leave.

Every section of the page reads through these (``components.ui.cache``), so
a write anywhere (a flag, a recompute, a saved rule) is seen on the next run.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine

from components.ui import notices
from components.ui.cache import cached_query
from tandem import health
from tandem.access import Viewer
from tandem.access.filters import Filters
from tandem.program.models import utcnow

PAGE_SIZE = 50
#: The notice a write on the Stalled page leaves for the top of the page.
OUTCOME_KEY = "stalled_outcome"


@cached_query
def queue(engine: Engine, filters: Filters, offset: int) -> health.QueuePage:
    return health.stalled_queue(engine, filters, limit=PAGE_SIZE, offset=offset)


@cached_query
def counts(engine: Engine, filters: Filters) -> health.QueueCounts:
    return health.queue_counts(engine, filters)


@cached_query
def as_of(engine: Engine) -> health.HealthAsOf:
    return health.health_as_of(engine)


@cached_query
def distribution(engine: Engine, filters: Filters, viewer: Viewer) -> health.HealthDistribution:
    return health.health_distribution(engine, filters, viewer)


# The trend and the nudge list read the stored health of the day it was
# scored (``as_of``), and recompute it live only when it is not current (after
# an import: seconds per month end at scale).  Shared read-only, not copied on
# each run.
@cached_query(shared=True)
def trend(engine: Engine, filters: Filters, today: dt.date) -> pd.DataFrame:
    return health.stall_trend(engine, filters, today=today)


@cached_query(shared=True)
def nudges(engine: Engine, filters: Filters, today: dt.date) -> pd.DataFrame:
    return health.filtered_nudge_list(engine, filters, today)


def scored_day(info: health.HealthAsOf) -> dt.date:
    """The day the trend and the nudge list describe: the stored health's day, like the
    queue above them (today before the first refresh)."""
    return info.as_of or utcnow().date()


def show_outcome() -> None:
    notices.show(OUTCOME_KEY)


def plural(count: int, word: str, words: str | None = None) -> str:
    """ "1 pairing", "58 pairings" (thousands separated)."""
    return f"{count:,} {word if count == 1 else (words or word + 's')}"
