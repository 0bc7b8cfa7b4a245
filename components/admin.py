"""The Admin page's sections: import/export, users and roles, the tunable rules, the audit log.

Everything written here goes through a core function that runs one
transaction with an audit row (``tandem.bundle``, ``tandem.access``,
``tandem.settings``); this module only asks, shows and confirms.  Messages
that quote user data (file names, e-mails, bundle problems) are shown as
plain text (``st.code``, ``st.dataframe``) or with markdown escaped.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from components.database import clear_caches
from tandem import matching
from tandem.access import ROLES, AccessError, Viewer, list_users, remove_user, save_user
from tandem.admin import (
    AUDIT_LIMIT,
    MAX_UPLOAD_MB,
    UPLOAD_TYPES,
    AuditRow,
    actor_of,
    audit_entities,
    check_upload,
    cohort_choices,
    export_bundle_bytes,
    export_file_name,
    fingerprint,
    recent_audit,
)
from tandem.bundle import BundleError, import_bundle_bytes
from tandem.health import COMPONENT_LABELS as HEALTH_LABELS
from tandem.health import STALLABLE_STATUSES, health_settings, save_health_settings
from tandem.models import AppUser
from tandem.privacy import DEFAULT_PRIVACY_SETTINGS, SETTINGS_KEY, privacy_threshold
from tandem.refresh import refresh_all
from tandem.settings import SettingsError, put_setting

SECTIONS = ("Import and export", "Users and roles", "Rules", "Audit log")
_IMPORTS = "admin_imports"  # session state: fingerprint -> ImportOutcome
_DRY_RUNS = "admin_dry_runs"  # session state: (fingerprint, DryRun) of the last upload
_REQUESTED = "admin_import_requested"  # session state: fingerprint the Import button asked for
# One import at a time per server: a second session trying while one runs is
# told to try again, rather than racing the first over the same rows.
_IMPORT_LOCK = threading.Lock()
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=])")


def plain(text: str) -> str:
    """``text`` with every markdown character escaped, for st.error / st.success bodies."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def humanise(key: str) -> str:
    return key.replace("_", " ").capitalize()


# --- Import -------------------------------------------------------------------


@dataclass(frozen=True)
class DryRun:
    """What checking an upload found: row counts per file, or every problem."""

    name: str
    counts: tuple[tuple[str, int], ...] = ()
    warnings: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    total_problems: int = 0

    @property
    def ok(self) -> bool:
        return self.total_problems == 0

    @property
    def rows(self) -> int:
        return sum(count for _, count in self.counts)


@dataclass
class ImportOutcome:
    summary: str
    refreshed: bool = False
    refresh_problem: str | None = None


def dry_run(engine: Engine, name: str, data: bytes, actor: str) -> DryRun:
    """Check an upload exactly as ``python -m tandem import --dry-run`` would; writes nothing."""
    try:
        report = import_bundle_bytes(engine, name, data, actor=actor, dry_run=True)
    except BundleError as error:
        return DryRun(
            name,
            warnings=tuple(error.warnings),
            problems=tuple(error.lines()),
            total_problems=error.total,
        )
    return DryRun(name, counts=tuple(report.rows.items()), warnings=tuple(report.warnings))


def _show_problems(problems: tuple[str, ...] | list[str], total: int) -> None:
    noun = "problem" if total == 1 else "problems"
    st.error(
        f"**{total:,} {noun} found — nothing was written.** Fix the bundle and upload it "
        "again; each line says FILE:LINE: column COLUMN: what is wrong.",
        icon=":material/error:",
    )
    st.code("\n".join(problems), language=None, wrap_lines=True)


def _show_warnings(warnings: tuple[str, ...]) -> None:
    if warnings:
        st.warning(f"{len(warnings)} warning(s): the rest of the bundle can still be imported.")
        st.code("\n".join(warnings), language=None, wrap_lines=True)


def _run_import(engine: Engine, viewer: Viewer, name: str, data: bytes, key: str) -> None:
    imports: dict[str, ImportOutcome] = st.session_state.setdefault(_IMPORTS, {})
    if not _IMPORT_LOCK.acquire(blocking=False):
        st.warning("Another import is running. Try again when it has finished.")
        return
    try:
        with st.status("Importing the bundle…", expanded=True) as status:
            line = st.empty()

            def say(message: str) -> None:
                line.text(message)

            try:
                report = import_bundle_bytes(
                    engine, name, data, actor=actor_of(viewer), progress=say
                )
            except BundleError as error:
                # The database changed since the check (e.g. an e-mail now taken).
                status.update(label="Import refused", state="error")
                _show_problems(error.lines(), error.total)
                return
            # Recorded before any other Streamlit call: a rerun cannot import it twice.
            outcome = imports[key] = ImportOutcome(summary=report.summary())
            clear_caches()
            _refresh(engine, viewer, outcome, status, say)
    finally:
        _IMPORT_LOCK.release()


def _refresh(
    engine: Engine,
    viewer: Viewer,
    outcome: ImportOutcome,
    status: Any,
    say: Callable[[str], Any],
) -> None:
    """Recompute themes, sentiment and health after an import (the import stands either way)."""
    status.update(label="Refreshing themes and health…")
    try:
        refresh_all(engine, actor=actor_of(viewer), progress=say)
    except Exception as error:  # the import is committed; say what to run instead
        outcome.refresh_problem = type(error).__name__
        status.update(label="Imported; the refresh failed", state="error")
    else:
        outcome.refreshed = True
        status.update(label="Imported and refreshed", state="complete", expanded=False)
    clear_caches()


def _show_outcome(outcome: ImportOutcome) -> None:
    if outcome.refresh_problem:
        st.warning(
            "The bundle was imported, but the refresh that follows failed "
            f"({outcome.refresh_problem}). Run `python -m tandem refresh` to recompute "
            "themes and health.",
            icon=":material/sync_problem:",
        )
    else:
        st.success("Imported, and themes and health refreshed.", icon=":material/task_alt:")
    st.code(outcome.summary, language=None)


def import_section(engine: Engine, viewer: Viewer) -> None:
    st.subheader("Import a bundle")
    if not viewer.can("import"):
        st.info(
            "Importing is not available here"
            + (" in presenter mode." if viewer.presenting else ".")
        )
        return
    st.caption(
        f"A .zip of the bundle's CSV files (or a single CSV such as people.csv), at most "
        f"{MAX_UPLOAD_MB} MB. It is checked first; nothing is written until you press Import, "
        "and then everything is written or nothing is. Rows with known IDs are updated."
    )
    upload = st.file_uploader(
        "Bundle file",
        type=list(UPLOAD_TYPES),
        max_upload_size=MAX_UPLOAD_MB,
        key="admin_bundle_upload",
    )
    if upload is None:
        st.session_state.pop(_DRY_RUNS, None)
        return
    refusal = check_upload(upload.name, upload.size)
    if refusal is not None:
        st.error(plain(refusal), icon=":material/block:")
        return
    data = upload.getvalue()
    key = fingerprint(data)
    imports: dict[str, ImportOutcome] = st.session_state.setdefault(_IMPORTS, {})
    if key in imports:
        st.session_state.pop(_REQUESTED, None)
        outcome = imports[key]
        if not outcome.refreshed and outcome.refresh_problem is None:
            # The run was interrupted between the import and the end of its refresh.
            with st.status("Finishing the refresh…", expanded=True) as status:
                line = st.empty()
                _refresh(engine, viewer, outcome, status, lambda message: line.text(message))
        _show_outcome(outcome)
        st.caption(
            "This file has been imported. The same file is not imported twice in one "
            "session; to import it again, use python -m tandem import."
        )
        return
    cached = st.session_state.get(_DRY_RUNS)
    if not (isinstance(cached, tuple) and cached[0] == key):
        with st.spinner("Checking the bundle…"):
            cached = (key, dry_run(engine, upload.name, data, actor_of(viewer)))
        st.session_state[_DRY_RUNS] = cached
    check: DryRun = cached[1]
    if not check.ok:
        _show_problems(check.problems, check.total_problems)
        _show_warnings(check.warnings)
        return
    st.success(
        f"The bundle is valid: {check.rows:,} rows in {len(check.counts)} file(s).",
        icon=":material/fact_check:",
    )
    st.dataframe(
        pd.DataFrame(check.counts, columns=["File", "Rows"]), hide_index=True, width="content"
    )
    _show_warnings(check.warnings)
    if st.session_state.pop(_REQUESTED, None) == key:
        _run_import(engine, viewer, upload.name, data, key)
        st.session_state.pop(_DRY_RUNS, None)
        if key in imports:
            _show_outcome(imports[key])
        return
    # The click only records the request (a callback runs once per click, before the
    # script); the import itself runs in the script, where it can show its progress.
    st.button(
        f"Import {check.rows:,} rows",
        type="primary",
        key="admin_import",
        on_click=_request_import,
        args=(key,),
    )


def _request_import(key: str) -> None:
    st.session_state[_REQUESTED] = key


def export_section(engine: Engine, viewer: Viewer) -> None:
    st.subheader("Export the program")
    if not viewer.can("import"):
        # The export holds everything, private notes included: the importer's right.
        st.info(
            "Exporting is not available here"
            + (" in presenter mode." if viewer.presenting else ".")
        )
        return
    st.caption(
        "Every file of the bundle format as one .zip, with the derived columns as last "
        "refreshed; importing it into an empty database reproduces the program. Text cells "
        "are neutralised against spreadsheet formulas."
    )
    st.download_button(
        "Export as a .zip bundle",
        data=functools.partial(export_bundle_bytes, engine),
        file_name=export_file_name(),
        mime="application/zip",
        icon=":material/download:",
        key="admin_export",
        on_click="ignore",
    )


# --- Notices -------------------------------------------------------------------
# Saves run in on_click callbacks: a callback runs exactly once per click, before
# the script, so a rerun (or a second click on a stale screen) cannot repeat it.
# It leaves its outcome here for the section to show.


def _notify(section: str, kind: str, text: str) -> None:
    st.session_state[f"admin_notice_{section}"] = (kind, text)


def _show_notice(section: str) -> None:
    notice = st.session_state.pop(f"admin_notice_{section}", None)
    if not notice:
        return
    kind, text = notice
    if kind == "error":
        st.error(text, icon=":material/error:")
    else:
        st.success(text, icon=":material/task_alt:")


# --- Users and roles --------------------------------------------------------


@st.cache_data(ttl=60, max_entries=8, show_spinner=False)
def _cohorts(_engine: Engine, url: str) -> list[tuple[str, str]]:
    return cohort_choices(_engine)


def _cohort_ids(user: AppUser) -> list[str]:
    return [c for c in (user.cohorts or "").split(";") if c]


def _users_frame(users: list[AppUser], names: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "E-mail": [u.email for u in users],
            "Name": [u.display_name or "" for u in users],
            "Role": [u.role for u in users],
            "Cohorts": [
                ", ".join(names.get(c, c) for c in _cohort_ids(u))
                or ("every cohort" if u.role == "lead" else "")
                for u in users
            ],
            "Updated (UTC)": [u.updated_at for u in users],
        }
    )


def users_section(engine: Engine, viewer: Viewer) -> None:
    st.subheader("Users and roles")
    st.caption(
        "Roles apply when sign-in is configured (see docs/sign-in.md): a signed-in person "
        "whose e-mail is not listed here cannot enter. In demo mode there is no sign-in and "
        "the viewer picks a role in the sidebar. Sponsors see aggregates and shareable "
        "quotes; leads work on the pairings of their cohorts (none chosen = every cohort); "
        "admins can also import and change settings."
    )
    if viewer.presenting:
        st.info("The user list is hidden in presenter mode.")
        return
    _show_notice("users")
    names = dict(_cohorts(engine, str(engine.url)))
    users = list_users(engine)
    if users:
        st.dataframe(_users_frame(users, names), hide_index=True)
    else:
        st.info("No users yet. Add the first admin before configuring sign-in.")
    if not viewer.can("settings"):
        return
    _user_form(engine, viewer, users, names)
    if users:
        _remove_user(engine, viewer, [u.email for u in users])


def _user_keys(slot: str) -> dict[str, str]:
    return {f: f"admin_user_{f}_{slot}" for f in ("email", "name", "role", "cohorts")}


def _user_form(engine: Engine, viewer: Viewer, users: list[AppUser], names: dict[str, str]) -> None:
    by_email = {u.email: u for u in users}
    start = st.selectbox(
        "Add or change",
        [None, *by_email],
        format_func=lambda e: "A new user" if e is None else e,
        key="admin_user_start",
        help="Pick an existing user to change their role, cohorts or name.",
    )
    existing = by_email.get(start) if start else None
    # Widget keys per user: picking another user starts from their stored values.
    slot = "new" if existing is None else str(list(by_email).index(existing.email))
    keys = _user_keys(slot)
    with st.form(f"admin_user_form_{slot}"):
        st.text_input("E-mail", value=existing.email if existing else "", key=keys["email"])
        st.text_input(
            "Display name",
            value=(existing.display_name or "") if existing else "",
            key=keys["name"],
        )
        st.selectbox(
            "Role",
            ROLES,
            index=ROLES.index(existing.role) if existing and existing.role in ROLES else 0,
            format_func=str.title,
            key=keys["role"],
        )
        st.multiselect(
            "Cohorts (leads only; none = every cohort)",
            list(names),
            default=[c for c in _cohort_ids(existing) if c in names] if existing else [],
            format_func=lambda cohort_id: names.get(cohort_id, cohort_id),
            key=keys["cohorts"],
        )
        st.form_submit_button(
            "Save user",
            type="primary",
            key="admin_user_save",
            on_click=_save_user,
            args=(engine, viewer, slot),
        )


def _save_user(engine: Engine, viewer: Viewer, slot: str) -> None:
    keys = _user_keys(slot)
    state = st.session_state
    email = str(state.get(keys["email"]) or "")
    role = str(state.get(keys["role"]) or "")
    name = str(state.get(keys["name"]) or "").strip()
    if viewer.email and email.strip().lower() == viewer.email.strip().lower() and role != "admin":
        # Signed-in admins cannot lock themselves out of this page by mistake.
        _notify("users", "error", "You cannot take away your own admin role; ask another admin.")
        return
    try:
        save_user(
            engine,
            email,
            role,
            actor=actor_of(viewer),
            cohorts=list(state.get(keys["cohorts"]) or []) if role == "lead" else (),
            display_name=name or None,
        )
    except AccessError as error:
        _notify("users", "error", f"The user was not saved: {plain(str(error))}")
        return
    clear_caches()
    if slot == "new":
        state[keys["email"]] = ""
        state[keys["name"]] = ""
        state[keys["cohorts"]] = []
    _notify("users", "success", f"Saved {plain(email.strip().lower())} as {role}.")


def _remove_user(engine: Engine, viewer: Viewer, emails: list[str]) -> None:
    with st.expander("Remove a user"):
        st.selectbox("User to remove", emails, key="admin_remove_email")
        confirmed = st.checkbox("Yes, remove this user's access", key="admin_remove_confirm")
        st.button(
            "Remove user",
            disabled=not confirmed,
            key="admin_remove",
            on_click=_do_remove_user,
            args=(engine, viewer),
        )


def _do_remove_user(engine: Engine, viewer: Viewer) -> None:
    email = str(st.session_state.get("admin_remove_email") or "")
    st.session_state["admin_remove_confirm"] = False
    if viewer.email and email == viewer.email.strip().lower():
        _notify("users", "error", "You cannot remove your own access; ask another admin.")
        return
    removed = remove_user(engine, email, actor=actor_of(viewer))
    clear_caches()
    _notify(
        "users",
        "success",
        f"Removed {plain(email)}." if removed else f"{plain(email)} had already been removed.",
    )


# --- Rules ----------------------------------------------------------------------


def _settings_frame(rows: list[tuple[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame({"Rule": [label for label, _ in rows], "Value": [_fmt(v) for _, v in rows]})


def _fmt(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _number_input(label: str, value: Any, key: str) -> None:
    if isinstance(value, int) and not isinstance(value, bool):
        st.number_input(label, value=int(value), step=1, key=key)
    else:
        st.number_input(label, value=float(value), step=0.05, format="%.2f", key=key)


def _from_keys(template: dict[str, Any], prefix: str) -> dict[str, Any]:
    """The numbers a form holds under ``prefix_<section>_<name>`` keys, shaped like
    ``template`` (what the form was drawn from); other keys of ``template`` are left out."""
    value: dict[str, Any] = {}
    for name, item in template.items():
        if isinstance(item, dict):
            value[name] = _from_keys(item, f"{prefix}_{name}")
        elif isinstance(item, int | float) and f"{prefix}_{name}" in st.session_state:
            value[name] = st.session_state[f"{prefix}_{name}"]
    return value


def rules_section(engine: Engine, viewer: Viewer) -> None:
    can_edit = viewer.can("settings") or viewer.can("tune_rules")
    _show_notice("rules")
    st.subheader("Privacy")
    _privacy(engine, viewer, can_edit)
    st.subheader("Pairing health and stall rules")
    _health(engine, viewer, can_edit)
    if can_edit:
        _refresh_now(engine, viewer)
    st.subheader("Matching weights")
    _matching(engine, viewer, can_edit)


_REFRESH_REQUESTED = "admin_refresh_requested"


def _refresh_now(engine: Engine, viewer: Viewer) -> None:
    """Health rules apply at the next refresh; this runs one now (same as the CLI's)."""
    if not st.session_state.pop(_REFRESH_REQUESTED, False):
        st.button(
            "Recompute health now",
            key="admin_refresh",
            icon=":material/sync:",
            on_click=lambda: st.session_state.__setitem__(_REFRESH_REQUESTED, True),
            help="Recompute themes, sentiment and every pairing's health with the rules above.",
        )
        return
    with st.status("Recomputing themes and health…", expanded=True) as status:
        line = st.empty()

        def say(message: str) -> None:
            line.text(message)

        try:
            report = refresh_all(engine, actor=actor_of(viewer), progress=say)
        except Exception as error:  # shown, not raised: the rules themselves were saved
            status.update(label=f"The refresh failed ({type(error).__name__})", state="error")
            return
        finally:
            clear_caches()
        line.text(report.summary())
        status.update(label="Themes and health recomputed", state="complete")


def _save_setting(what: str, save: Callable[[], Any]) -> None:
    try:
        save()
    except SettingsError as error:
        _notify("rules", "error", f"{what} not saved: {plain(str(error))}")
        return
    clear_caches()
    _notify("rules", "success", f"{what} saved.")


def _privacy(engine: Engine, viewer: Viewer, can_edit: bool) -> None:
    threshold = privacy_threshold(engine)
    st.caption(
        "Any aggregate covering fewer pairings (or people) than this threshold is "
        "suppressed on every page and in every download."
    )
    if not can_edit:
        st.text(f"Small-group threshold: {threshold}")
        return
    with st.form("admin_privacy_form"):
        # No min/max here: the range is the core's rule (tandem.privacy), shown on refusal.
        st.number_input("Small-group threshold", value=threshold, step=1, key="admin_privacy")
        st.form_submit_button(
            "Save threshold",
            key="admin_privacy_save",
            on_click=_save_privacy,
            args=(engine, viewer),
        )


def _save_privacy(engine: Engine, viewer: Viewer) -> None:
    value = {"threshold": int(st.session_state["admin_privacy"])}
    _save_setting(
        "Privacy threshold",
        lambda: put_setting(
            engine, SETTINGS_KEY, value, actor_of(viewer), default=DEFAULT_PRIVACY_SETTINGS
        ),
    )


def _health(engine: Engine, viewer: Viewer, can_edit: bool) -> None:
    current = health_settings(engine)
    st.caption(
        "The health score is the weighted mean of its components (weights are relative); "
        "a pairing below the at-risk line is at risk. Changes apply at the next refresh "
        "(after an import, or python -m tandem refresh)."
    )
    sections = [(k, v) for k, v in current.items() if isinstance(v, dict) and k != "weights"]
    if not can_edit:
        rows = [(f"Weight: {HEALTH_LABELS.get(k, k)}", v) for k, v in current["weights"].items()]
        rows += [("At risk below", current["at_risk_below"])]
        rows += [("Stall statuses", current["stall_statuses"])]
        for section, values in sections:
            rows += [(f"{humanise(section)}: {humanise(k)}", v) for k, v in values.items()]
        st.dataframe(_settings_frame(rows), hide_index=True)
        return
    with st.form("admin_health_form"):
        columns = st.columns(3)
        for index, (name, weight) in enumerate(current["weights"].items()):
            with columns[index % 3]:
                _number_input(HEALTH_LABELS.get(name, name), weight, f"admin_health_weights_{name}")
        _number_input(
            "At risk below (score)", current["at_risk_below"], "admin_health_at_risk_below"
        )
        st.multiselect(
            "Watch for stalls in pairings that are",
            list(STALLABLE_STATUSES),
            default=current["stall_statuses"],
            key="admin_health_statuses",
        )
        for section, values in sections:
            with st.expander(humanise(section)):
                for name, number in values.items():
                    _number_input(humanise(name), number, f"admin_health_{section}_{name}")
        st.form_submit_button(
            "Save health rules",
            key="admin_health_save",
            on_click=_save_health,
            args=(engine, viewer, current),
        )


def _save_health(engine: Engine, viewer: Viewer, template: dict[str, Any]) -> None:
    value = _from_keys(template, "admin_health")
    value["stall_statuses"] = list(st.session_state.get("admin_health_statuses") or [])
    _save_setting("Health rules", lambda: save_health_settings(engine, value, actor_of(viewer)))


def _matching(engine: Engine, viewer: Viewer, can_edit: bool) -> None:
    config = matching.load_match_config(engine).to_dict()
    st.caption(
        "How suggested pairings and rebalancing moves are scored: weights of the "
        "components (relative), and the thresholds rebalancing uses."
    )
    scalars = {k: v for k, v in config.items() if k != "weights"}
    if not can_edit:
        rows = [
            (f"Weight: {matching.COMPONENT_LABELS.get(k, k)}", v)
            for k, v in config["weights"].items()
        ]
        rows += [(humanise(k), v) for k, v in scalars.items()]
        st.dataframe(_settings_frame(rows), hide_index=True)
        return
    with st.form("admin_matching_form"):
        columns = st.columns(3)
        for index, (name, weight) in enumerate(config["weights"].items()):
            with columns[index % 3]:
                _number_input(
                    matching.COMPONENT_LABELS.get(name, name).capitalize(),
                    float(weight),
                    f"admin_match_weights_{name}",
                )
        for name, number in scalars.items():
            _number_input(humanise(name), float(number), f"admin_match_{name}")
        st.form_submit_button(
            "Save matching weights",
            key="admin_match_save",
            on_click=_save_matching,
            args=(engine, viewer, config),
        )


def _save_matching(engine: Engine, viewer: Viewer, template: dict[str, Any]) -> None:
    value = _from_keys(template, "admin_match")
    _save_setting(
        "Matching weights", lambda: matching.save_match_config(engine, value, actor_of(viewer))
    )


# --- Audit log -------------------------------------------------------------------


@st.cache_data(ttl=60, max_entries=16, show_spinner=False)
def _audit(_engine: Engine, url: str, entity: str | None) -> list[AuditRow]:
    return recent_audit(_engine, entity=entity, limit=AUDIT_LIMIT)


@st.cache_data(ttl=60, max_entries=8, show_spinner=False)
def _entities(_engine: Engine, url: str) -> list[tuple[str, int]]:
    return audit_entities(_engine)


def audit_section(engine: Engine, viewer: Viewer) -> None:
    st.subheader("Audit log")
    url = str(engine.url)
    entities = _entities(engine, url)
    if not entities:
        st.info("Nothing has been written yet.")
        return
    counts = dict(entities)
    entity = st.selectbox(
        "Entity",
        [None, *counts],
        format_func=lambda e: "Everything" if e is None else f"{e} ({counts[e]:,})",
        key="admin_audit_entity",
    )
    rows = _audit(engine, url, entity)
    st.caption(f"The latest {len(rows)} changes, newest first (times in UTC).")
    frame = pd.DataFrame(
        {
            "ID": [r.id for r in rows],
            "At": [r.at for r in rows],
            "Actor": [r.actor for r in rows],
            "Action": [r.action for r in rows],
            "Entity": [r.entity for r in rows],
            "Record": [r.entity_id or "" for r in rows],
        }
    )
    if viewer.presenting:
        # Actors and record ids are e-mails and personal ids: not for a shared screen.
        st.dataframe(frame.drop(columns=["Actor", "Record"]), hide_index=True)
        st.caption("Who made each change, and what changed, is hidden in presenter mode.")
        return
    st.dataframe(frame, hide_index=True)
    if viewer.role != "admin":
        return
    chosen = st.selectbox(
        "Show what changed in",
        [None, *[r.id for r in rows]],
        format_func=lambda i: "—" if i is None else f"#{i}",
        key="admin_audit_row",
    )
    row = next((r for r in rows if r.id == chosen), None)
    if row is not None:
        before, after = st.columns(2)
        with before:
            st.caption("Before")
            st.json(row.before if row.before is not None else {}, expanded=True)
        with after:
            st.caption("After")
            st.json(row.after if row.after is not None else {}, expanded=True)
