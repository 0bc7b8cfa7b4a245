"""One class lookup table for Altair, built once per process instead of once per encoding.

Altair 6 turns every encoding given as a shorthand or a dict (``x="value:Q"``,
``text="label:N"``, ``alt.value(...)``, ``alt.datum(...)``) into its channel class
through ``SchemaBase.from_dict``, and ``from_dict`` builds a new ``_FromDict``
each time: a table of every schema class keyed by a JSON dump of its schema,
about 700 dumps, 5 ms.  Our charts hold 10–20 such encodings each, so on a page
of five charts that table was built 60–75 times per run, about a quarter of a
warm What works run at 50,000 pairings (bench/RESULTS.md, perceived speed).

The table depends only on the schema classes, which do not change once Altair
is imported, so one per wrapper-class family serves every call; what
``from_dict`` returns is unchanged (tests/components/ui/charts/test_altair_lookup.py
compares every chart builder's spec with and without it).  If a later Altair
moves these internals, :func:`install` leaves Altair as it is (the charts are
the same, only slower) and says so in the test.
"""

from __future__ import annotations

from typing import Any

from altair.utils import schemapi

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
