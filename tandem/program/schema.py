"""Every table Tandem knows, registered on one metadata.

Alembic and the test fixtures import this module, so a module that defines
tables of its own adds one import line here.
"""

from __future__ import annotations

from tandem.program import derived_tables as _derived_tables  # noqa: F401  (registers them)
from tandem.program import theme_tables as _theme_tables  # noqa: F401  (registers them)
from tandem.program.models import Base

metadata = Base.metadata

__all__ = ["Base", "metadata"]
