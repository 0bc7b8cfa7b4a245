"""Admin: import a bundle (validated like the command line, dry run first) and export one."""

from __future__ import annotations

import functools
import logging
import threading
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from components.admin.common import FULL_REFRESH_BUTTON, plain
from components.ui.database import clear_caches
from components.ui.formatting import plural
from tandem.access import Viewer
from tandem.program.admin import (
    MAX_UPLOAD_MB,
    UPLOAD_TYPES,
    bundle_of_uploads,
    check_uploads,
    export_bundle_bytes,
    export_file_name,
    fingerprint,
)
from tandem.program.bundle import BundleError, import_bundle_bytes
from tandem.refresh import refresh_all

_IMPORTS = "admin_imports"  # session state: fingerprint -> ImportJob
_DRY_RUNS = "admin_dry_runs"  # session state: (fingerprint, DryRun) of the last upload
_REQUESTED = "admin_import_requested"  # session state: fingerprint the Import button asked for
# One import at a time per server: a second session trying while one runs is
# told to try again, rather than racing the first over the same rows.
_IMPORT_LOCK = threading.Lock()
_LOG = logging.getLogger(__name__)


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


@dataclass
class ImportJob:
    """One import and the refresh after it, run on a thread of its own.

    A script run can be stopped at any Streamlit call (a second click starts a new
    run at once), so the work does not live in a run: it runs to its end here,
    whatever happens to the runs that watch it, and it is started once per file
    per session (``_IMPORTS``).  Fields are written by the job's thread only.
    """

    progress: str = "Starting the import…"
    outcome: ImportOutcome | None = None
    problems: tuple[str, ...] = ()
    total_problems: int = 0
    busy: bool = False  # another import on this server held the turn: nothing done
    thread: threading.Thread | None = field(default=None, repr=False)

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()


def _import_job(job: ImportJob, engine: Engine, actor: str, name: str, data: bytes) -> None:
    if not _IMPORT_LOCK.acquire(blocking=False):
        job.busy = True
        return
    try:

        def say(message: str) -> None:
            job.progress = message

        try:
            report = import_bundle_bytes(engine, name, data, actor=actor, progress=say)
        except BundleError as error:
            # The database changed since the check (e.g. an e-mail now taken).
            job.problems, job.total_problems = tuple(error.lines()), error.total
            return
        except Exception:  # rolled back whole: say so, log the details
            _LOG.exception("importing the upload %r failed", name)
            job.problems, job.total_problems = (_unexpected(name, "imported"),), 1
            return
        outcome = job.outcome = ImportOutcome(summary=report.summary())
        say("Refreshing themes and health…")
        try:
            refresh_all(engine, actor=actor, progress=say)
        except Exception as error:  # the import is committed; say what to run instead
            _LOG.exception("the refresh after importing failed")
            outcome.refresh_problem = type(error).__name__
        else:
            outcome.refreshed = True
    finally:
        _IMPORT_LOCK.release()


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
    except Exception:  # a short message for the viewer, the details in the server log
        _LOG.exception("checking the upload %r failed", name)
        return DryRun(name, problems=(_unexpected(name, "checked"),), total_problems=1)
    return DryRun(name, counts=tuple(report.rows.items()), warnings=tuple(report.warnings))


def _unexpected(name: str, done: str) -> str:
    return (
        f"{name}: the bundle could not be {done} because of an unexpected error; "
        "nothing was written. The details are in the server log."
    )


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
        st.warning(
            f"{plural(len(warnings), 'warning')}: the rest of the bundle can still be imported."
        )
        st.code("\n".join(warnings), language=None, wrap_lines=True)


def _start_import(engine: Engine, viewer: Viewer, name: str, data: bytes, key: str) -> ImportJob:
    jobs: dict[str, ImportJob] = st.session_state.setdefault(_IMPORTS, {})
    job = jobs[key] = ImportJob()
    job.thread = threading.Thread(
        target=_import_job,
        args=(job, engine, viewer.actor, name, data),
        name=f"tandem-import-{key[:8]}",
        daemon=True,
    )
    job.thread.start()
    return job


def _follow(job: ImportJob) -> None:
    """Show the job's progress until it ends (it runs on if this run is stopped)."""
    if not job.running:
        return
    with st.status("Importing the bundle…", expanded=True) as status:
        line = st.empty()
        while job.running and job.thread is not None:
            line.text(job.progress)
            job.thread.join(timeout=0.5)
        status.update(label="Import finished", state="complete", expanded=False)


def _show_job(job: ImportJob, key: str) -> None:
    """What a finished job did; a job that wrote nothing is forgotten, so the file can be
    imported again."""
    if job.outcome is not None:
        clear_caches()  # frees memory only: pages key their caches by the data version
        _show_outcome(job.outcome)
        st.caption(
            "This file has been imported. The same file is not imported twice in one "
            "session; to import it again, use python -m tandem import."
        )
        return
    st.session_state.get(_IMPORTS, {}).pop(key, None)
    if job.busy:
        st.warning("Another import is running. Try again when it has finished.")
    else:
        _show_problems(job.problems, job.total_problems)


def _show_outcome(outcome: ImportOutcome) -> None:
    if outcome.refresh_problem:
        st.warning(
            "The bundle was imported, but the refresh that follows failed "
            f"({outcome.refresh_problem}). “{FULL_REFRESH_BUTTON}” at the end of the "
            "Rules tab tries again.",
            icon=":material/sync_problem:",
        )
    else:
        st.success("Imported, and themes and health refreshed.", icon=":material/task_alt:")
    st.code(outcome.summary, language=None)


def _section(viewer: Viewer, title: str, doing: str) -> bool:
    """A section's title, and whether ``viewer`` may import and export; if not, says
    that ``doing`` (the section's verb) is not available here."""
    st.subheader(title)
    if viewer.can("import"):
        return True
    st.info(
        f"{doing} is not available here" + (" in presenter mode." if viewer.presenting else ".")
    )
    return False


def import_section(engine: Engine, viewer: Viewer) -> None:
    if not _section(viewer, "Import a bundle", "Importing"):
        return
    st.caption(
        "The bundle's CSV files (select them all in the bundle's folder), or a .zip of them, "
        f"at most {MAX_UPLOAD_MB} MB together. It is checked first; nothing is written until "
        "you press Import, and then everything is written or nothing is. Rows with known IDs "
        "are updated."
    )
    uploads = st.file_uploader(
        "Bundle files",
        type=list(UPLOAD_TYPES),
        accept_multiple_files=True,
        max_upload_size=MAX_UPLOAD_MB,
        key="admin_bundle_upload",
    )
    if not uploads:
        st.session_state.pop(_DRY_RUNS, None)
        return
    refusals = check_uploads([(upload.name, upload.size) for upload in uploads])
    if refusals:
        st.error(
            "\n\n".join(plain(refusal) for refusal in refusals)
            + "\n\nNothing was checked or written.",
            icon=":material/block:",
        )
        return
    name, data = bundle_of_uploads([(upload.name, upload.getvalue()) for upload in uploads])
    key = fingerprint(data)
    jobs: dict[str, ImportJob] = st.session_state.setdefault(_IMPORTS, {})
    if key in jobs:  # started already (a second click, a rerun): watch it, never restart it
        st.session_state.pop(_REQUESTED, None)
        _follow(jobs[key])
        _show_job(jobs[key], key)
        return
    cached = st.session_state.get(_DRY_RUNS)
    if not (isinstance(cached, tuple) and cached[0] == key):
        with st.spinner("Checking the bundle…"):
            cached = (key, dry_run(engine, name, data, viewer.actor))
        st.session_state[_DRY_RUNS] = cached
    check: DryRun = cached[1]
    if not check.ok:
        _show_problems(check.problems, check.total_problems)
        _show_warnings(check.warnings)
        return
    files = len(check.counts)
    st.success(
        f"The bundle is valid: {check.rows:,} rows in {plural(files, 'file')}.",
        icon=":material/fact_check:",
    )
    st.dataframe(
        pd.DataFrame(check.counts, columns=["File", "Rows"]), hide_index=True, width="content"
    )
    _show_warnings(check.warnings)
    if st.session_state.pop(_REQUESTED, None) == key:
        job = _start_import(engine, viewer, name, data, key)
        st.session_state.pop(_DRY_RUNS, None)
        _follow(job)
        _show_job(job, key)
        return
    # The click only records the request (a callback runs once per click, before the
    # script); the script then starts the import's job and shows its progress.
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
    # Exporting is the importer's right (an admin's, never in presenter mode).
    if not _section(viewer, "Export the program", "Exporting"):
        return
    st.caption(
        "Every file of the bundle format as one .zip, with the derived columns as last "
        "refreshed. Private notes are left out (their text never leaves the pair): for a "
        "full backup, run `python -m tandem export` on the server. Text cells are "
        "neutralised against spreadsheet formulas."
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
