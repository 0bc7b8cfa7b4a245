"""Sections of the Feedback themes page.

Reads come from ``tandem.themes.queries`` (aggregates already suppressed below
the privacy threshold) and ``tandem.themes`` (codebook, candidates); writes go
through ``tandem.themes.store`` / ``discover`` (one transaction with an audit
row each), then the caches are cleared.  Note text, theme names and quotes are
untrusted: they reach the screen through ``st.text``, ``st.dataframe`` or
markdown-escaped captions only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import partial

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from components.portfolio.outcomes import threshold
from components.ui import notices
from components.ui.briefing import chart as exportable_chart
from components.ui.briefing import chart_or_say
from components.ui.cache import cached_query
from components.ui.charts import (
    change_bars,
    highlighted_themes,
    sentiment_bars,
    share_heatmap,
    theme_lines,
)
from components.ui.database import clear_caches, refresh_with_progress
from components.ui.formatting import computed_by_refresh, date_range_text, date_text, plain, plural
from components.ui.tables import DEFAULT_CODES, Column, code_words, show_table
from tandem.access import OutOfScope, Viewer
from tandem.access.filters import Filters
from tandem.access.privacy import SUPPRESSED_NOTE, hidden_cells_note
from tandem.themes import queries as queries
from tandem.themes.discover import promote_candidate
from tandem.themes.refresh import refresh_themes
from tandem.themes.store import (
    StaleThemeError,
    ThemeRow,
    UnknownThemeError,
    code_note,
    deactivate_theme,
    list_themes,
    upsert_theme,
)

CODING_PAGE_SIZE = 20
LEAVE = "(leave for now)"
_VERSION = "themes_editing_version_{theme_id}"
_FLASH = "themes_flash"
_CONFLICT = "themes_conflict_{theme_id}"
_REFRESH = "themes_refresh_requested"
#: The themes page's refresh for leads (named by the hint on an empty page).
REFRESH_THEMES_BUTTON = "Refresh themes now"


# --- cached reads ------------------------------------------------------------------------


@cached_query
def _shares(
    engine: Engine, filters: Filters, limit: int, groupings: tuple[str, ...]
) -> dict[str, pd.DataFrame]:
    # Several groupings come from one database pass (see theme_shares).
    return queries.theme_shares(engine, filters, threshold=limit, groupings=groupings)


def _prevalence(engine: Engine, filters: Filters, limit: int) -> pd.DataFrame:
    shares = _shares(engine, filters, limit, ("month",))
    return shares["month"].rename(columns={"group": "month"})


def _breakdown(engine: Engine, filters: Filters, dimension: str, limit: int) -> pd.DataFrame:
    # The Breakdowns tab draws all four dimensions: one pass serves them.
    return _shares(engine, filters, limit, tuple(queries.DIMENSIONS))[dimension]


@cached_query
def _sentiment(engine: Engine, filters: Filters, limit: int) -> pd.DataFrame:
    return queries.sentiment_by_theme(engine, filters, threshold=limit)


@cached_query
def _change(
    engine: Engine, filters: Filters, limit: int, today: dt.date
) -> tuple[pd.DataFrame, queries.Periods]:
    return queries.emerging_fading(engine, filters, threshold=limit, today=today)


@cached_query
def _quotes(
    engine: Engine, filters: Filters, theme_ids: tuple[int, ...]
) -> dict[int, list[queries.ThemeQuote]]:
    return queries.filtered_quotes(engine, filters, theme_ids)


@cached_query
def _themes(engine: Engine, include_inactive: bool) -> list[ThemeRow]:
    return list_themes(engine, include_inactive=include_inactive)


@cached_query
def _to_code(engine: Engine, filters: Filters, offset: int) -> tuple[pd.DataFrame, int]:
    return queries.notes_to_code(engine, filters, limit=CODING_PAGE_SIZE, offset=offset)


@cached_query
def _codebook_table(engine: Engine) -> pd.DataFrame:
    return queries.codebook_table(engine)


@cached_query
def _candidates(engine: Engine, limit: int) -> pd.DataFrame:
    return queries.candidates_table(engine, min_size=limit)


@cached_query
def _last_refresh(engine: Engine) -> queries.LastRefresh | None:
    return queries.last_refresh(engine)


def _notify(kind: str, message: str) -> None:
    """Leave a message for this run's page to show (writes happen in callbacks)."""
    notices.leave(_FLASH, kind, plain(message))


def flash() -> None:
    """The message left by a write (shown once, at the top of the page)."""
    notices.show(_FLASH)


# --- header --------------------------------------------------------------------------


def _span_text(span: queries.Periods) -> str:
    """The two periods compared, in the house's dates ("9 Sep – 8 Dec 2026 against …")."""
    return (
        f"{date_range_text(span.current_start, span.current_end)} against "
        f"{date_range_text(span.previous_start, span.previous_end)}"
    )


def engine_status(engine: Engine) -> None:
    """Which theme engine is in use and how fresh its results are (system values only)."""
    last = _last_refresh(engine)
    if last is None:
        st.caption("Themes have not been computed yet.")
        return
    st.caption(
        f"Theme engine {last.method} · last refreshed {date_text(last.finished_at)}, "
        f"{last.finished_at:%H:%M} UTC "
        f"({last.assigned:,} of {last.total:,} notes placed)."
    )


def refresh_button(engine: Engine, viewer: Viewer) -> None:
    """Recompute themes and sentiment now (leads), with progress shown as it goes.

    The click only sets a flag (a callback survives any rerun); the refresh runs
    in the body so that ``st.status`` can show its progress.
    """
    if not st.session_state.pop(_REFRESH, False):
        st.button(
            REFRESH_THEMES_BUTTON,
            icon=":material/sync:",
            key="themes_refresh",
            on_click=st.session_state.__setitem__,
            args=(_REFRESH, True),
            help="Recompute themes and sentiment for new or changed notes, and look for "
            "candidate themes.",
        )
        return
    refresh_with_progress(
        "Refreshing feedback themes…",
        "Themes refreshed",
        lambda say: refresh_themes(engine, progress=say, actor=viewer.actor),
        lambda report: (
            f"{report.recomputed} of {report.total} notes recomputed, {report.assigned} "
            f"placed, {report.unassigned} unplaced, {report.candidates} candidate themes."
        ),
    )


# --- captions ---------------------------------------------------------------------------


def _suppressed_caption(frame: pd.DataFrame, what: str, limit: int) -> str:
    return hidden_cells_note(frame, limit, what) if not frame.empty else ""


# --- tabs ------------------------------------------------------------------------------


def overview(engine: Engine, filters: Filters, today: dt.date | None = None) -> None:
    limit = threshold(engine)
    st.subheader("Theme prevalence over time")
    prevalence = _prevalence(engine, filters, limit)
    change, span = _change(engine, filters, limit, today or dt.date.today())
    highlight = highlighted_themes(change)
    if prevalence.empty:
        st.info(
            "No themed feedback under these filters yet: themes are what mentors and mentees "
            "talk about in their notes. "
            + computed_by_refresh("themes", REFRESH_THEMES_BUTTON, "on this page")
        )
    elif prevalence["suppressed"].all():
        st.info("Every month covers fewer pairings than the privacy threshold: nothing to show.")
    else:
        exportable_chart(
            partial(theme_lines, prevalence, highlight),
            "theme-prevalence",
            title="Share of notes per theme, by month",
            width="stretch",
        )
        months = prevalence.loc[prevalence["suppressed"], "month"].nunique()
        left_out = (
            f" {plural(months, 'month')} with fewer pairings than the threshold "
            f"{'is' if months == 1 else 'are'} left out."
            if months
            else ""
        )
        st.caption(
            plain(
                "Each theme's share of the notes, month by month. In colour, the "
                f"{plural(len(highlight), 'theme')} that rose or fell most (the top of the list "
                "below); the others in grey." + left_out
            )
        )

    st.subheader("Emerging and fading themes")
    chart_or_say(
        change,
        change_bars,
        "theme-change",
        title="Change in theme share against the previous period",
        empty="Not enough notes in both periods to compare (privacy threshold).",
        caption=lambda: plain(
            f"Change in each theme's share of notes, {_span_text(span)}: bars right of "
            "zero are themes talked about more, left of it less. "
            + _suppressed_caption(change, "theme", limit)
        ),
    )
    shown = change[~change["suppressed"]] if not change.empty else change
    if not shown.empty:
        show_table(
            shown.sort_values("change", ascending=False),
            {
                "theme": "Theme",
                "share_previous": Column("Share before", kind="percent"),
                "share_current": Column("Share now", kind="percent"),
                "change": Column("Change (points)", kind="points"),
            },
        )

    st.subheader("Sentiment per theme")
    sentiment = _sentiment(engine, filters, limit)
    chart_or_say(
        sentiment,
        sentiment_bars,
        "theme-sentiment",
        title="Mean sentiment per theme",
        empty="No theme has enough pairings behind it to show its sentiment.",
        caption=lambda: plain(
            "How positive each theme's notes read on average, from −1 to +1; themes in "
            "red lean negative and deserve a look. "
            + _suppressed_caption(sentiment, "theme", limit)
        ),
    )
    st.caption(SUPPRESSED_NOTE.format(threshold=limit))


def breakdowns(engine: Engine, filters: Filters) -> None:
    limit = threshold(engine)
    for dimension, label in queries.DIMENSIONS.items():
        st.subheader(f"By {label.lower()}")
        frame = _breakdown(engine, filters, dimension, limit)
        if frame.empty:
            st.caption("No themed feedback under these filters.")
            continue
        codes = DEFAULT_CODES.get(dimension)
        if codes:  # codes read as words ("After-action review")
            frame = frame.assign(group=[code_words(g, codes) for g in frame["group"]])
        exportable_chart(
            partial(share_heatmap, frame, label),
            f"themes-by-{dimension}",
            title=f"Theme share by {label.lower()}",
            width="stretch",
        )
        st.caption(
            plain(
                f"Each cell is the theme's share of the notes of that {label.lower()}; darker "
                "is more. " + _suppressed_caption(frame, "cell", limit)
            )
        )


def quotes(engine: Engine, filters: Filters) -> None:
    st.caption(
        "Up to three notes per theme, most typical first. Only notes their authors marked "
        "shareable are ever quoted, with names of people in the program and e-mail "
        "addresses replaced."
    )
    themes = _themes(engine, False)
    found = _quotes(engine, filters, tuple(t.theme_id for t in themes))
    if not found:
        st.info("No shareable notes under these filters.")
        return
    for theme in themes:
        if theme.theme_id not in found:
            continue
        with st.container(border=True):
            st.text(theme.name)
            for quote in found[theme.theme_id]:
                st.text(quote.text)
                role = code_words(quote.author_role, DEFAULT_CODES["author_role"])
                st.caption(plain(f"{role}, {date_text(quote.date, 'undated')}"))


def codebook(engine: Engine, viewer: Viewer) -> None:
    table = _codebook_table(engine)
    if table.empty:
        st.info("The codebook is empty: the first refresh seeds the default themes.")
    else:
        show_table(
            table,
            {
                "theme": "Theme",
                "notes": Column("Notes", kind="count", width="small"),
                "description": Column("Description", wrap=True),
                "examples": Column("Examples", wrap=True),
                "keywords": Column("Keywords", wrap=True),
                "origin": Column("Origin", kind="code", width="small"),
                "active": Column("Active", width="small"),
                "certainty": Column(
                    "Certainty", help="Uncertain: nobody coded it and few notes support it."
                ),
            },
        )
    themes = _themes(engine, True)
    if not viewer.can("edit_codebook"):
        st.caption("The codebook is edited by program leads.")
        return
    st.caption("Changes apply at the next refresh of the themes.")
    if themes:
        _edit_theme(engine, viewer, themes)
    _add_theme(engine, viewer)


def _edit_theme(engine: Engine, viewer: Viewer, themes: Sequence[ThemeRow]) -> None:
    st.subheader("Edit a theme")
    by_name = {t.name: t for t in themes}
    name = st.selectbox("Theme to edit", list(by_name), key="codebook_pick")
    theme = by_name[name]
    key = _VERSION.format(theme_id=theme.theme_id)
    # The version this viewer started editing from: kept across reruns so that an
    # edit saved by someone else in between is refused, not overwritten.
    version = st.session_state.setdefault(key, theme.version)
    conflict = st.session_state.get(_CONFLICT.format(theme_id=theme.theme_id))
    if conflict:
        st.error(plain(conflict), icon=":material/sync_problem:")
        st.button(
            "Load the latest version",
            key=f"cb_reload_{theme.theme_id}",
            on_click=_reload_theme,
            args=(theme.theme_id,),
        )
    fields = (f"cb_desc_{theme.theme_id}_{version}", f"cb_examples_{theme.theme_id}_{version}")
    with st.form(f"codebook_edit_{theme.theme_id}_{version}"):
        st.text_area("Description", value=theme.description, key=fields[0])
        st.text_area("Examples (one per line)", value="\n".join(theme.examples), key=fields[1])
        st.form_submit_button(
            "Save theme",
            type="primary",
            key="cb_save",
            on_click=_save_theme,
            args=(engine, viewer, theme.theme_id, theme.name, version, fields),
        )
    if theme.active:
        st.button(
            "Deactivate this theme",
            key=f"cb_deactivate_{theme.theme_id}",
            on_click=_deactivate_theme,
            args=(engine, viewer, theme.theme_id, theme.name, version),
        )


def _reload_theme(theme_id: int) -> None:
    st.session_state.pop(_VERSION.format(theme_id=theme_id), None)
    st.session_state.pop(_CONFLICT.format(theme_id=theme_id), None)
    clear_caches()


def _save_theme(
    engine: Engine,
    viewer: Viewer,
    theme_id: int,
    name: str,
    version: int,
    fields: tuple[str, str],
) -> None:
    description = str(st.session_state.get(fields[0]) or "")
    examples = str(st.session_state.get(fields[1]) or "").splitlines()
    try:
        upsert_theme(engine, name, description, examples, viewer.actor, version)
    except StaleThemeError as error:
        clear_caches()
        st.session_state[_CONFLICT.format(theme_id=theme_id)] = (
            f"Not saved: {error}. Someone changed this theme while you were editing. "
            "Copy your text if you need it, then load their version."
        )
        return
    _reload_theme(theme_id)
    _notify("success", f"Theme “{name}” saved; the next refresh uses it.")


def _deactivate_theme(
    engine: Engine, viewer: Viewer, theme_id: int, name: str, version: int
) -> None:
    try:
        deactivate_theme(engine, theme_id, viewer.actor, expected_version=version)
    except (StaleThemeError, UnknownThemeError) as error:
        clear_caches()
        _notify("error", f"Not deactivated: {error}. Reload the page and try again.")
        return
    _reload_theme(theme_id)
    _notify("success", f"Theme “{name}” deactivated; the next refresh reassigns its notes.")


_NEW = ("cb_new_name", "cb_new_description", "cb_new_examples")


def _add_theme(engine: Engine, viewer: Viewer) -> None:
    st.subheader("Add a theme")
    with st.form("codebook_add"):
        st.text_input("Name", key=_NEW[0])
        st.text_area("Description", key=_NEW[1])
        st.text_area("Examples (one per line)", key=_NEW[2])
        st.form_submit_button(
            "Add theme", key="cb_add", on_click=_create_theme, args=(engine, viewer)
        )


def _create_theme(engine: Engine, viewer: Viewer) -> None:
    name, description, examples = (str(st.session_state.get(k) or "") for k in _NEW)
    try:
        # expected_version=0: create only; an existing name is refused, not edited.
        upsert_theme(engine, name, description, examples.splitlines(), viewer.actor, 0)
    except StaleThemeError:
        _notify("error", f"A theme named “{name.strip()}” already exists: edit it instead.")
        return
    except ValueError as error:
        _notify("error", f"Not added: {error}.")
        return
    clear_caches()
    _notify("success", f"Theme “{name.strip()}” added; the next refresh uses it.")


def hand_coding(engine: Engine, filters: Filters, viewer: Viewer) -> None:
    """Notes the engine could not place (or barely): a lead labels them."""
    st.caption(
        "Notes the engine left unplaced or placed with low confidence. Only program and "
        "shareable notes are listed: private notes never leave their pairing's view. A label "
        "you set is kept — a refresh never overwrites it — and teaches the engine: labelled "
        "notes are used as examples at the next refresh."
    )
    first, total = _to_code(engine, filters, 0)
    if total == 0:
        st.success("Every note under these filters is placed with confidence or labelled.")
        return
    pages = -(-total // CODING_PAGE_SIZE)
    page = st.pagination(pages, key="themes_coding_page") if pages > 1 else 1
    frame = first if page == 1 else _to_code(engine, filters, (page - 1) * CODING_PAGE_SIZE)[0]
    start = (page - 1) * CODING_PAGE_SIZE + 1
    st.caption(f"Notes {start}–{start + len(frame) - 1} of {total}.")
    names = [t.name for t in _themes(engine, False)]
    ids = tuple(str(fid) for fid in frame["feedback_id"])
    with st.form(f"coding_{page}"):
        for row in frame.itertuples():
            with st.container(border=True):
                st.text(row.text)
                guess = row.theme if isinstance(row.theme, str) else "none"
                confidence = "" if pd.isna(row.confidence) else f" ({row.confidence:.0%})"
                when = "undated" if pd.isna(row.date) else date_text(pd.Timestamp(row.date))
                source = code_words(row.source, DEFAULT_CODES["source"])
                meta = f"{when} · {source} · engine's guess: {guess}{confidence}"
                st.caption(plain(meta))
                st.selectbox("Theme", [LEAVE, *names], key=f"code_{row.feedback_id}")
        st.form_submit_button(
            "Save labels",
            type="primary",
            key="coding_save",
            on_click=_save_labels,
            args=(engine, viewer, ids),
        )


def _save_labels(engine: Engine, viewer: Viewer, feedback_ids: Sequence[str]) -> None:
    chosen = {
        fid: str(st.session_state.get(f"code_{fid}"))
        for fid in feedback_ids
        if st.session_state.get(f"code_{fid}") not in (None, LEAVE)
    }
    if not chosen:
        _notify("info", "No label chosen.")
        return
    try:
        for feedback_id, name in chosen.items():
            code_note(engine, viewer.scope, feedback_id, name, viewer.actor)
    except (UnknownThemeError, OutOfScope) as error:
        _notify("error", f"Not saved: {error}.")
        return
    finally:
        clear_caches()
    _notify(
        "success",
        f"{plural(len(chosen), 'label')} saved; the next refresh keeps them and learns from them.",
    )


def discovered(engine: Engine, viewer: Viewer) -> None:
    st.caption(
        "Clusters of notes no theme fits, found at the last refresh, with their most "
        "distinctive words. Promote one to add it to the codebook."
    )
    candidates = _candidates(engine, threshold(engine))
    if candidates.empty:
        st.info("No candidate themes: every cluster of notes fits the codebook.")
        return
    show_table(
        candidates,
        {
            "label": "Label",
            "size": Column("Notes", kind="count", width="small"),
            "keywords": Column("Keywords", wrap=True),
        },
    )
    if not viewer.can("edit_codebook"):
        return
    labels = dict(zip(candidates["candidate_id"], candidates["label"], strict=True))
    with st.form("promote_candidate"):
        st.selectbox("Candidate", list(labels), format_func=labels.__getitem__, key=_PROMOTE[0])
        st.text_input("Theme name", key=_PROMOTE[1])
        st.text_area("Description", key=_PROMOTE[2])
        st.form_submit_button(
            "Promote to the codebook", key="promote", on_click=_promote, args=(engine, viewer)
        )


_PROMOTE = ("promote_candidate_id", "promote_name", "promote_description")


def _promote(engine: Engine, viewer: Viewer) -> None:
    chosen, name, description = (st.session_state.get(k) for k in _PROMOTE)
    try:
        candidate_id = int(str(chosen))
        promote_candidate(
            engine, candidate_id, str(name or ""), str(description or ""), viewer.actor
        )
    except (ValueError, LookupError, TypeError) as error:
        _notify("error", f"Not promoted: {error}.")
        return
    clear_caches()
    _notify("success", f"Theme “{str(name).strip()}” added; the next refresh assigns notes to it.")
