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

**Layering without copies.**  Each time a layered chart is made (``a + b``, and again
on every ``properties`` or ``configure_*`` of it, which re-run its constructor),
Altair deep-copies every layer twice, walking every keyword of every schema object,
to lift selection parameters to the top and rename views.  Most of our charts have
no parameters, and a clickable one has them lifted the first time, so nothing is
left to lift and the copies are all the cost: a third of a cold Milestone progress
run's chart building.  Where no layer has parameters or a view name Altair would
rename (checked through the layers, facets and concatenations) and the chart's own
parameters are already lifted, the two steps keep the layers as they are;
otherwise Altair's own run.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterator
from typing import Any

import altair as alt
from altair.utils import schemapi
from altair.vegalite.v6 import api as altair_api

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


_LIFTING = ("_remove_duplicate_params", "_combine_subchart_params")
_original_lifting = {name: getattr(altair_api, name, None) for name in _LIFTING}
#: Where a chart's sub-charts are kept, in the schema objects' keywords.
_CHILDREN = ("layer", "spec", "concat", "hconcat", "vconcat")


def _lifts(charts: Any, *, nested: bool = False) -> bool:
    """Whether Altair's lifting steps would change anything in ``charts``: a chart in
    them (or inside them) has parameters, or a layer of a nested layered chart has a
    view name (renamed by position); a top-level chart's own name is left alone."""
    for chart in charts:
        kwds = getattr(chart, "_kwds", None)
        if kwds is None:
            continue
        if not schemapi.is_undefined(kwds.get("params", alt.Undefined)):
            return True
        if nested and not schemapi.is_undefined(kwds.get("name", alt.Undefined)):
            return True
        for child in _CHILDREN:
            inner = kwds.get(child, alt.Undefined)
            if schemapi.is_undefined(inner):
                continue
            if _lifts(inner if isinstance(inner, list) else [inner], nested=True):
                return True
    return False


def _already_lifted(params: Any) -> bool:
    """Whether ``params`` are as lifting leaves them: variables, or top-level selections
    that carry their views (a layered chart made again, by ``properties`` or a copy)."""
    return all(
        isinstance(p, alt.VariableParameter)
        or (isinstance(p, alt.TopLevelSelectionParameter) and not schemapi.is_undefined(p.views))
        for p in params
    )


def _remove_duplicate_params(layer: list[Any]) -> list[Any]:
    if _lifts(layer):
        return _original_lifting["_remove_duplicate_params"](layer)  # type: ignore[misc]
    return list(layer)


def _combine_subchart_params(params: Any, subcharts: list[Any]) -> tuple[Any, list[Any]]:
    if not _lifts(subcharts):
        if schemapi.is_undefined(params) or not params:
            return alt.Undefined, list(subcharts)
        if _already_lifted(params):
            return list(params), list(subcharts)
    return _original_lifting["_combine_subchart_params"](params, subcharts)  # type: ignore[misc]


_replacements = {
    "_remove_duplicate_params": _remove_duplicate_params,
    "_combine_subchart_params": _combine_subchart_params,
}


def installable() -> bool:
    """Whether this Altair has the internals the shared table and the layering replace."""
    return (
        isinstance(_original, classmethod)
        and hasattr(schemapi, "_FromDict")
        and all(callable(f) for f in _original_lifting.values())
    )


def install() -> bool:
    """Make ``SchemaBase.from_dict`` share its table and layering skip the copies when
    nothing is lifted (idempotent); True if it does."""
    if not installable():
        return False
    schemapi.SchemaBase.from_dict = classmethod(_from_dict)  # type: ignore[method-assign,assignment]
    for name, replacement in _replacements.items():
        setattr(altair_api, name, replacement)
    return True


def uninstall() -> None:
    """Altair's own ``from_dict`` and layering again (for the comparison in the tests)."""
    if installable():
        schemapi.SchemaBase.from_dict = _original  # type: ignore[method-assign,assignment]
        for name, original in _original_lifting.items():
            setattr(altair_api, name, original)


@contextlib.contextmanager
def building() -> Iterator[None]:
    """Build a chart without Altair checking each schema object as it is made (its
    "debug mode": every ``alt.X``, ``alt.Axis``, parameter… validated on creation,
    a third of What works' chart building), unless ``TANDEM_CHECK_CHARTS`` is set.
    The check is the tests' (module docstring); what is built is the same."""
    if os.environ.get(CHECK_CHARTS):
        yield
        return
    with schemapi.debug_mode(False):
        yield


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
