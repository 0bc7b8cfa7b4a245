"""Altair at the speed of a page run: its class lookup built once, its schema checked in tests.

**The lookup.**  Altair 6 turns every encoding given as a shorthand or a dict (``x="value:Q"``,
``text="label:N"``, ``alt.value(...)``, ``alt.datum(...)``) into its channel class
through ``SchemaBase.from_dict``, and ``from_dict`` builds a new ``_FromDict``
each time: a table of every schema class keyed by a JSON dump of its schema,
about 700 dumps, 5 ms.  Our charts hold 10–20 such encodings each, so on a page
of five charts that table was built 60–75 times per run, about a quarter of a
warm What works run at 50,000 pairings (bench/RESULTS.md, perceived speed).

The table depends only on the schema classes, which do not change once Altair
is imported, so one per wrapper-class family serves every call; what
``from_dict`` returns is unchanged (tests/components/ui/charts/test_altair_speed.py
compares every chart builder's spec with and without it).  If a later Altair
moves these internals, :func:`install` leaves Altair as it is (the charts are
the same, only slower) and says so in the test.

**The schema check.**  Streamlit draws an Altair chart through its ``to_dict()``,
which checks the whole spec against the Vega-Lite schema: after the lookup, half
of a warm What works run.  Our builders make the same specs from different data
on every run, so the check belongs where the builders change, in the tests:
:func:`unchecked` draws a chart without it, unless ``TANDEM_CHECK_CHARTS`` is
set, as the test suite sets it (tests/conftest.py) for every page it runs,
in AppTest and in the browser.
"""

from __future__ import annotations

import functools
import os
from typing import Any

import altair as alt
from altair.utils import schemapi

CHECK_CHARTS = "TANDEM_CHECK_CHARTS"

_converters: dict[Any, Any] = {}
_original = schemapi.SchemaBase.__dict__.get("from_dict")


def _from_dict(cls: Any, dct: Any, validate: bool = True) -> Any:
    """``SchemaBase.from_dict`` with its class table built once per family."""
    if validate:
        cls.validate(dct)
    family = cls._default_wrapper_classes.__func__
    converter = _converters.get(family)
    if converter is None:
        converter = _converters[family] = schemapi._FromDict(cls._default_wrapper_classes())
    return converter.from_dict(dct, cls)


def installable() -> bool:
    """Whether this Altair has the internals the shared table replaces."""
    return isinstance(_original, classmethod) and hasattr(schemapi, "_FromDict")


def install() -> bool:
    """Make ``SchemaBase.from_dict`` share its table (idempotent); True if it does."""
    if not installable():
        return False
    schemapi.SchemaBase.from_dict = classmethod(_from_dict)  # type: ignore[method-assign,assignment]
    return True


def uninstall() -> None:
    """Altair's own ``from_dict`` again (for the comparison in the tests)."""
    if installable():
        schemapi.SchemaBase.from_dict = _original  # type: ignore[method-assign,assignment]


def unchecked(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """``chart``, its ``to_dict()`` without the schema check (see the module docstring),
    unless ``TANDEM_CHECK_CHARTS`` is set."""
    if os.environ.get(CHECK_CHARTS):
        return chart
    # Set on the instance past SchemaBase.__setattr__, which would put it in the spec.
    object.__setattr__(
        chart, "to_dict", functools.partial(type(chart).to_dict, chart, validate=False)
    )
    return chart
