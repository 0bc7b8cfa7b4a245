"""The filter bar every page shares, with its state in the URL.

The canonical state is one ``Filters`` value in the session.  It is read from
the URL when a session starts (so a shared link reproduces the view), changed
only by the widgets' callbacks, and written back to the URL on every run (so
the address bar always shows the current view, on whichever page).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import streamlit as st
from sqlalchemy import Engine

from components.ui.cache import cached_query
from components.ui.formatting import plain
from components.ui.navigation import run_context
from tandem.access import Scope
from tandem.access.filters import LEVEL_BAND_LABELS, LEVEL_BANDS, URL_PARAMS, Filters
from tandem.portfolio.portfolio import filter_options
from tandem.program.models import PAIRING_KINDS, PAIRING_STATUSES, PROGRAM_TYPES

_STATE = "tandem_filters"
_WIDGET = "filter_"
# What the date inputs can show; a link date outside is ignored (the widget would raise).
_DATE_MIN = dt.date(2000, 1, 1)
_DATE_MAX = dt.date(2100, 12, 31)


@cached_query
def _options(engine: Engine, scope: Scope) -> dict[str, list[tuple[str, str]]]:
    return filter_options(engine, scope)


def _url_params() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def current_filters(options: dict[str, list[tuple[str, str]]] | None = None) -> Filters:
    """The filters in force (from the URL when the session starts).

    Given the filter bar's ``options``, a link's values that are not among them
    (an unknown cohort, division or geography) are ignored and listed, as a
    value that does not parse is.
    """
    if _STATE not in st.session_state:
        scope = run_context().viewer.scope
        parsed = Filters.from_query_params(_url_params(), scope)
        if options is not None:
            parsed = parsed.keep_known(
                {name: [value for value, _ in choices] for name, choices in options.items()}
            )
        st.session_state[_STATE] = _dates_in_range(parsed)
    return st.session_state[_STATE]


def _dates_in_range(filters: Filters) -> Filters:
    """Link dates the date inputs cannot show are ignored, and listed as such."""
    changes: dict[str, Any] = {}
    ignored = list(filters.ignored)
    for name, key in (("date_from", "from"), ("date_to", "to")):
        day = getattr(filters, name)
        if day is not None and not _DATE_MIN <= day <= _DATE_MAX:
            changes[name] = None
            ignored.append(f"{key}={day.isoformat()}")
    if not changes:
        return filters
    return replace(filters, **changes, ignored=tuple(ignored))


def _set(filters: Filters) -> None:
    st.session_state[_STATE] = filters


def _sync_url(filters: Filters) -> None:
    wanted = filters.to_query_params()
    for key in list(st.query_params):
        if key in URL_PARAMS and key not in wanted:
            del st.query_params[key]
    for key, values in wanted.items():
        if st.query_params.get_all(key) != values:
            st.query_params[key] = values


def _on_change() -> None:
    state = st.session_state
    _set(
        replace(
            current_filters(),
            cohorts=tuple(state[f"{_WIDGET}cohorts"]),
            program_types=tuple(state[f"{_WIDGET}program_types"]),
            kinds=tuple(state[f"{_WIDGET}kinds"]),
            statuses=tuple(state[f"{_WIDGET}statuses"]),
            divisions=tuple(state[f"{_WIDGET}divisions"]),
            geographies=tuple(state[f"{_WIDGET}geographies"]),
            level_bands=tuple(state[f"{_WIDGET}level_bands"]),
            date_from=state[f"{_WIDGET}date_from"],
            date_to=state[f"{_WIDGET}date_to"],
        )
    )


def set_filters(filters: Filters) -> None:
    """Replace the filters in force (e.g. a click on a chart cell); widgets follow."""
    _set(filters)
    for key in list(st.session_state):
        if str(key).startswith(_WIDGET):
            del st.session_state[key]


def _clear_drill_down() -> None:
    set_filters(
        replace(
            current_filters(),
            mentor_divisions=(),
            mentee_divisions=(),
            level_gaps=(),
            geography_match=(),
        )
    )


def _clear() -> None:
    set_filters(Filters(scope=current_filters().scope))


def _multiselect(
    label: str, name: str, options: list[tuple[str, str]], filters: Filters, **extra: Any
) -> None:
    values = [value for value, _ in options]
    labels = dict(options)
    chosen = [value for value in getattr(filters, name) if value in labels]
    key = f"{_WIDGET}{name}"
    # Seeded from the canonical state on every run: Streamlit resets a widget's
    # value when the page changes, even under the same key.
    st.session_state[key] = chosen
    st.multiselect(
        label,
        values,
        key=key,
        format_func=lambda value: labels.get(value, value),
        on_change=_on_change,
        placeholder="All",
        **extra,
    )


def _date(label: str, name: str, filters: Filters) -> None:
    key = f"{_WIDGET}{name}"
    day = getattr(filters, name)
    st.session_state[key] = day if day is None or _DATE_MIN <= day <= _DATE_MAX else None
    st.date_input(
        label,
        key=key,
        on_change=_on_change,
        min_value=_DATE_MIN,
        max_value=_DATE_MAX,
        format="YYYY-MM-DD",
    )


def filter_bar(engine: Engine) -> Filters:
    """Render the filter bar in the sidebar and return the filters in force."""
    options = _options(engine, run_context().viewer.scope)
    filters = current_filters(options)
    with st.sidebar:
        st.subheader("Filters")
        if filters.ignored:
            st.caption("Ignored in the link: " + plain(", ".join(filters.ignored)))
        _multiselect("Cohort", "cohorts", options["cohorts"], filters)
        _multiselect(
            "Program type", "program_types", [(t, t.title()) for t in PROGRAM_TYPES], filters
        )
        _multiselect("Pairing kind", "kinds", [(k, k.title()) for k in PAIRING_KINDS], filters)
        _multiselect("Status", "statuses", [(s, s.title()) for s in PAIRING_STATUSES], filters)
        _multiselect("Division", "divisions", options["divisions"], filters)
        _multiselect("Geography", "geographies", options["geographies"], filters)
        _multiselect(
            "Level band",
            "level_bands",
            [(band, LEVEL_BAND_LABELS[band]) for band in LEVEL_BANDS],
            filters,
        )
        left, right = st.columns(2)
        with left:
            _date("From", "date_from", filters)
        with right:
            _date("To", "date_to", filters)
        drill_down = filters.drill_down
        if not drill_down.is_empty:
            st.caption(f"From a chart: {plain(drill_down.describe())}")
            st.button("Clear chart selection", on_click=_clear_drill_down, width="stretch")
        st.button(
            "Clear filters", on_click=_clear, disabled=filters.nothing_chosen, width="stretch"
        )
    filters = current_filters()
    _sync_url(filters)
    # A lead sees the pairings of their cohorts only, whatever the filter says.
    return run_context().viewer.restrict(filters.without_ignored())
