"""Refresh: recompute every note's theme and sentiment and store them.

Called by the command line (``python -m tandem refresh``) and after an import;
pages only read ``feedback_analysis``.  The refresh is

* **incremental**: each note's input hash covers its text, its hand-coded theme
  and the codebook fingerprint (themes, examples, the hand-coded notes the model
  learns from); only notes whose hash changed are recomputed, unless
  ``full=True``.  A new fingerprint recomputes every note.  Otherwise only the
  notes written since the last run settled them (``feedback.updated_at``, an
  index range) are hash-checked, in SQL: a refresh after 1,000 new notes
  neither hashes nor moves every note's text (see ``tandem.themes.stale``);
* **deterministic**: the model is fitted on sorted inputs and the engine has no
  randomness, so the same data gives the same result every run.  Theme
  keywords and discovered candidates are recomputed only when their inputs can
  have changed (checked exactly: see ``_keywords_affected`` and
  ``_discovery_affected``), so an incremental run leaves them as a full one would;
* **one transaction** with an audit row and a ``ThemeRefreshRun`` record,
  written in chunks through ``tandem.program.bulk.upsert``.

Hand-coded labels are never overwritten: a note with ``coded_theme`` gets that
theme (created in the codebook with origin "coded" if it is not there yet) with
confidence 1, and teaches the engine (the coded layer of ``engine.ThemeModel``).
An empty ``coded_theme`` (``NO_THEME``) means a person said the note is about
no theme: it stays unassigned, and so do the notes most like it.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    and_,
    func,
    select,
    update,
)
from sqlalchemy.orm import Session

from tandem.program import audit
from tandem.program.bulk import upsert
from tandem.program.db import transaction, writer_transaction
from tandem.program.models import Feedback, utcnow
from tandem.program.theme_tables import FeedbackAnalysis, Theme, ThemeCandidate, ThemeRefreshRun
from tandem.themes import discover as discovery
from tandem.themes import sentiment
from tandem.themes.codebook import seed_default_codebook
from tandem.themes.engine import (
    METHOD,
    NO_THEME,
    CodebookTheme,
    CodedNote,
    ThemeModel,
    fingerprint,
    training_sample,
)
from tandem.themes.facts import update_theme_facts
from tandem.themes.slices import store_theme_slices
from tandem.themes.stale import StaleNote, input_hash, last_run, stale_notes
from tandem.themes.store import load_codebook

CHUNK = 20_000
KEYWORDS_PER_THEME = 8
KEYWORD_SAMPLE = 1_000  # notes per theme the keywords are computed from
CODED_METHOD = "coded"
# Below this many distinct texts to analyse, worker processes cost more than they save.
PARALLEL_MIN = 60_000

ChunkResult = tuple[list[tuple[str | None, float]], list[float]]

# Fitted models by fingerprint: bounded, so a long-running app does not grow.
_MODELS: OrderedDict[str, ThemeModel] = OrderedDict()
_MAX_MODELS = 2


@dataclass(frozen=True)
class RefreshReport:
    """What a refresh did."""

    total: int
    recomputed: int
    assigned: int
    unassigned: int
    coded: int
    candidates: int
    fingerprint: str
    seconds: float


def _model_for(key: str, themes: list[CodebookTheme], coded: list[tuple[str, str]]) -> ThemeModel:
    model = _MODELS.get(key)
    if model is None:
        model = ThemeModel(themes, coded)
        _MODELS[key] = model
        while len(_MODELS) > _MAX_MODELS:
            _MODELS.popitem(last=False)
    _MODELS.move_to_end(key)
    return model


_WORKER_MODEL: ThemeModel | None = None


def _init_worker(model: ThemeModel) -> None:
    global _WORKER_MODEL
    _WORKER_MODEL = model


def _analyse(model: ThemeModel, texts: Sequence[str]) -> ChunkResult:
    found = model.assign(texts)
    return [(a.theme, a.confidence) for a in found], sentiment.score_many(texts)


def _analyse_in_worker(texts: Sequence[str]) -> ChunkResult:
    assert _WORKER_MODEL is not None
    return _analyse(_WORKER_MODEL, texts)


def _results(model: ThemeModel, chunks: list[list[str]], workers: int) -> Iterator[ChunkResult]:
    """Analyses of the chunks, in order; in worker processes when it pays off.

    The main process writes chunk k while the workers compute chunk k+1.  Workers
    are spawned (not forked) so no database connection is ever shared.
    """
    if workers <= 1 or sum(len(c) for c in chunks) < PARALLEL_MIN:
        for texts in chunks:
            yield _analyse(model, texts)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_init_worker, initargs=(model,)
    ) as pool:
        yield from pool.map(_analyse_in_worker, chunks)


# How long a write may take to commit after stamping its notes (plus any clock
# difference between the hosts that write and refresh).  A run settles only
# the notes stamped this long before it started: a note stamped by a
# transaction still open when the run read the notes is read again next time.
SETTLE_MARGIN = dt.timedelta(minutes=15)


def _ensure_coded_themes(session: Session, names: set[str], actor: str) -> dict[str, int]:
    """Theme ids by lower-cased name, creating (origin "coded") any coded theme missing."""
    themes = session.scalars(select(Theme)).all()
    by_name = {t.name.strip().lower(): t for t in themes}
    created = []
    for name in sorted(names):
        theme = by_name.get(name.lower())
        if theme is None:
            theme = Theme(
                name=name,
                description="",
                examples="",
                keywords="",
                origin="coded",
                active=True,
                updated_at=utcnow(),
                version=1,
            )
            session.add(theme)
            by_name[name.lower()] = theme
            created.append(name)
    if created:
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="create_coded_themes",
            entity="themes",
            after={"created": created},
        )
    return {key: t.theme_id for key, t in by_name.items()}


@dataclass(frozen=True)
class Training:
    """What the model learns from, read inside a writer's transaction."""

    coded_rows: Sequence[Any]
    theme_ids: dict[str, int]
    themes: list[CodebookTheme]
    coded: list[tuple[str, str]]
    key: str


def load_training(session: Session, actor: str) -> Training:
    """The codebook, the coded notes (creating any coded theme missing) and their fingerprint."""
    coded_rows = session.execute(
        select(Feedback.feedback_id, Feedback.date, Feedback.text, Feedback.coded_theme)
        .where(Feedback.coded_theme.is_not(None))
        .order_by(Feedback.feedback_id)
    ).all()
    theme_ids = _ensure_coded_themes(
        session, {row.coded_theme.strip() for row in coded_rows} - {NO_THEME}, actor
    )
    themes = load_codebook(session)
    # Coded names map onto the codebook's spelling of the theme.
    spelling = {t.name.lower(): t.name for t in themes} | {NO_THEME: NO_THEME}
    coded = training_sample(
        CodedNote(row.feedback_id, row.date, row.text or "", spelling[name])
        for row in coded_rows
        if (name := row.coded_theme.strip().lower()) in spelling
    )
    return Training(coded_rows, theme_ids, themes, coded, fingerprint(themes, coded))


def model_for(training: Training) -> ThemeModel:
    """The fitted model of ``training``, kept per process by fingerprint."""
    return _model_for(training.key, training.themes, training.coded)


def refresh_themes(
    engine: Engine,
    *,
    progress: Callable[[str], None] | None = None,
    full: bool = False,
    actor: str = "system",
    discover: bool = True,
    workers: int | None = None,
    today: dt.date | None = None,
) -> RefreshReport:
    """Recompute theme assignments and sentiment for feedback, store them, and report.

    Seeds the default codebook when the themes table is empty.  ``workers``
    processes share large recomputations (default: up to 2 CPUs).  The stored
    aggregates' periods end ``today`` (``tandem.themes.slices``).
    """
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    started = utcnow()
    clock = time.perf_counter()
    say = progress or (lambda _message: None)
    with transaction(engine) as session:
        empty = session.scalar(select(func.count()).select_from(Theme)) == 0
    if empty:
        seed_default_codebook(engine, actor=actor, say=say)
        say("seeded the default codebook")

    # Exclusive among writers, before it reads anything: each run relies on what
    # the last one settled and on its fingerprint covering every stored result.
    with writer_transaction(engine, say) as session:
        connection = session.connection()
        training = load_training(session, actor)
        key = training.key
        total = int(session.scalar(select(func.count()).select_from(Feedback)) or 0)
        say(f"{total} notes, {len(training.themes)} active themes")

        todo = stale_notes(connection, key, full=full, last=last_run(session))
        results = _analyse_notes(todo, training, workers, say)
        written = _store_results(connection, todo, results, training, say)
        # The theme aggregates' stored per-note facts follow in the same transaction.
        update_theme_facts(connection, [note.feedback_id for note in todo])
        store_theme_slices(connection, today=today or dt.date.today(), changed=bool(todo))
        candidates = _refresh_derived(session, todo, written, full=full, discover=discover, say=say)
        assigned, unassigned = _assigned_counts(session)
        seconds = time.perf_counter() - clock
        report = RefreshReport(
            total=total,
            recomputed=len(todo),
            assigned=assigned,
            unassigned=unassigned,
            coded=len(training.coded_rows),
            candidates=candidates,
            fingerprint=key,
            seconds=seconds,
        )
        _record_run(session, report, started=started, actor=actor, full=full)
    say(f"done: {len(todo)} of {total} notes recomputed in {seconds:.1f}s")
    return report


def _analyse_notes(
    todo: list[StaleNote], training: Training, workers: int, say: Callable[[str], None]
) -> dict[str, tuple[str | None, float, float]]:
    """Theme, confidence and sentiment per distinct text of the notes to recompute."""
    # Identical texts are analysed once (the engine and sentiment read the text only).
    texts = list(dict.fromkeys(note.text for note in todo))
    model = model_for(training) if texts else None
    say(f"{len(todo)} notes to analyse ({len(texts)} distinct texts)")
    results: dict[str, tuple[str | None, float, float]] = {}
    chunks = [texts[start : start + CHUNK] for start in range(0, len(texts), CHUNK)]
    analysed = _results(model, chunks, workers) if model else iter(())
    for chunk, (assignments, scores) in zip(chunks, analysed, strict=True):
        for note_text, (found, confidence), mood in zip(chunk, assignments, scores, strict=True):
            results[note_text] = (found, confidence, mood)
        say(f"analysed {len(results)}/{len(texts)} distinct texts")
    return results


def _store_results(
    connection: Connection,
    todo: list[StaleNote],
    results: dict[str, tuple[str | None, float, float]],
    training: Training,
    say: Callable[[str], None],
) -> dict[str, tuple[int | None, float]]:
    """Upsert each note's analysis in chunks; a hand-coded note keeps its theme (confidence 1).

    Returns the theme id and confidence written per note id.
    """
    name_to_id = {t.name: t.theme_id for t in training.themes if t.theme_id is not None}
    now = utcnow()
    table = FeedbackAnalysis.__table__
    written: dict[str, tuple[int | None, float]] = {}
    for start in range(0, len(todo), CHUNK):
        rows = []
        for note in todo[start : start + CHUNK]:
            found, score, mood = results[note.text]
            if note.coded_theme is not None:
                theme_id = training.theme_ids.get(note.coded_theme.lower())
                confidence, method = 1.0, CODED_METHOD
            else:
                theme_id = name_to_id.get(found) if found else None
                confidence, method = score, METHOD
            written[note.feedback_id] = (theme_id, confidence)
            rows.append(
                {
                    "feedback_id": note.feedback_id,
                    "theme_id": theme_id,
                    "confidence": confidence,
                    "sentiment": mood,
                    "input_hash": input_hash(note.text, note.coded_theme, training.key),
                    "method": method,
                    "refreshed_at": now,
                }
            )
        upsert(connection, table, rows)  # type: ignore[arg-type]
        say(f"stored {min(start + CHUNK, len(todo))}/{len(todo)} notes")
    return written


def _refresh_derived(
    session: Session,
    todo: list[StaleNote],
    written: dict[str, tuple[int | None, float]],
    *,
    full: bool,
    discover: bool,
    say: Callable[[str], None],
) -> int:
    """Recompute keywords and candidate themes when their inputs can have changed.

    They are global: a note analysed before may leave a theme's top notes or
    the discovery sample, so any such note means recompute.  Returns the
    number of open candidates.
    """
    changed = full or any(note.analysed_before for note in todo)
    candidates = _open_candidates(session)
    if todo and (changed or _keywords_affected(session, written)):
        say("recomputing theme keywords")
        _update_keywords(session)
    if (
        todo
        and discover
        and (changed or _discovery_affected(session, written, {n.feedback_id for n in todo}))
    ):
        say("looking for candidate themes")
        candidates = _discover(session)
    return candidates


def _assigned_counts(session: Session) -> tuple[int, int]:
    """Stored analyses with a theme, and without one."""
    # Two index counts (grouping by "is null" sorted every row).
    unassigned = int(
        session.scalar(
            select(func.count())
            .select_from(FeedbackAnalysis)
            .where(FeedbackAnalysis.theme_id.is_(None))
        )
        or 0
    )
    stored = session.scalar(select(func.count()).select_from(FeedbackAnalysis)) or 0
    return int(stored) - unassigned, unassigned


def _record_run(
    session: Session, report: RefreshReport, *, started: dt.datetime, actor: str, full: bool
) -> None:
    """The run's record (what it settled, for the next one) and its audit row."""
    session.add(
        ThemeRefreshRun(
            started_at=started,
            finished_at=utcnow(),
            actor=actor,
            method=METHOD,
            fingerprint=report.fingerprint,
            total=report.total,
            recomputed=report.recomputed,
            assigned=report.assigned,
            seconds=round(report.seconds, 3),
            settled_before=started - SETTLE_MARGIN,
        )
    )
    audit.record(
        session,
        actor=actor,
        action="refresh_themes",
        entity="feedback_analysis",
        after={
            "total": report.total,
            "recomputed": report.recomputed,
            "full": full,
            "fingerprint": report.fingerprint,
            "candidates": report.candidates,
        },
    )


def _open_candidates(session: Session) -> int:
    return int(
        session.scalar(
            select(func.count()).select_from(ThemeCandidate).where(ThemeCandidate.status == "open")
        )
        or 0
    )


def _keywords_affected(session: Session, written: dict[str, tuple[int | None, float]]) -> bool:
    """Whether new notes entered some theme's top ``KEYWORD_SAMPLE`` notes (keywords' input).

    Only new notes are asked about (a re-analysed note recomputes anyway).  Per
    theme, the new note ranked first (confidence, then id) is in the top notes
    when fewer than ``KEYWORD_SAMPLE`` stored notes rank above it; the count
    stops at that many, so this is a few small index reads.
    """
    best: dict[int, tuple[float, str]] = {}
    for fid, (theme_id, confidence) in written.items():
        if theme_id is None:
            continue
        rank = (-confidence, fid)
        if theme_id not in best or rank < (-best[theme_id][0], best[theme_id][1]):
            best[theme_id] = (confidence, fid)
    fa = FeedbackAnalysis
    for theme_id, (confidence, fid) in sorted(best.items()):
        above = (
            select(fa.feedback_id)
            .where(
                fa.theme_id == theme_id,
                (fa.confidence > confidence)
                | and_(fa.confidence == confidence, fa.feedback_id < fid),
            )
            .limit(KEYWORD_SAMPLE)
            .subquery()
        )
        if (session.scalar(select(func.count()).select_from(above)) or 0) < KEYWORD_SAMPLE:
            return True
    return False


def _discovery_affected(
    session: Session, written: dict[str, tuple[int | None, float]], new_ids: set[str]
) -> bool:
    """Whether a new unplaced shareable-or-program note falls in discovery's sample.

    Discovery reads the first ``discovery.MAX_NOTES`` unplaced, non-private notes
    by id; a new note changes that sample only if fewer notes precede it there.
    """
    unplaced = sorted(fid for fid in new_ids if written[fid][0] is None)
    if not unplaced:
        return False
    visible = session.scalars(
        select(Feedback.feedback_id)
        .where(Feedback.feedback_id.in_(unplaced[:1000]), Feedback.visibility != "private")
        .order_by(Feedback.feedback_id)
        .limit(1)
    ).first()
    if visible is None and len(unplaced) > 1000:
        return True  # rare: over 1,000 private unplaced new notes; recompute rather than page
    if visible is None:
        return False
    before = (
        select(FeedbackAnalysis.feedback_id)
        .join(Feedback, Feedback.feedback_id == FeedbackAnalysis.feedback_id)
        .where(
            FeedbackAnalysis.theme_id.is_(None),
            Feedback.visibility != "private",
            FeedbackAnalysis.feedback_id < visible,
        )
        .limit(discovery.MAX_NOTES)
        .subquery()
    )
    return (session.scalar(select(func.count()).select_from(before)) or 0) < discovery.MAX_NOTES


def _update_keywords(session: Session) -> None:
    """Theme.keywords: distinctive terms of (a sample of) each theme's notes."""
    # One small indexed query per theme (its most confident notes) rather than
    # sorting every analysis row: cheap even with 500,000 notes.
    members: dict[int, list[str]] = {}
    for theme_id in session.scalars(select(Theme.theme_id).order_by(Theme.theme_id)):
        texts = session.scalars(
            select(Feedback.text)
            .join(FeedbackAnalysis, FeedbackAnalysis.feedback_id == Feedback.feedback_id)
            .where(FeedbackAnalysis.theme_id == theme_id)
            .order_by(FeedbackAnalysis.confidence.desc(), FeedbackAnalysis.feedback_id)
            .limit(KEYWORD_SAMPLE)
        ).all()
        if texts:
            members[theme_id] = [t or "" for t in texts]
    ids = sorted(members)
    terms = discovery.distinctive_terms([members[i] for i in ids], top=KEYWORDS_PER_THEME)
    keywords = {i: ";".join(t) for i, t in zip(ids, terms, strict=True)}
    for theme in session.scalars(select(Theme)).all():
        value = keywords.get(theme.theme_id, "")
        if theme.keywords != value:
            # Derived data: no version bump (the version guards a lead's edits).
            session.execute(
                update(Theme).where(Theme.theme_id == theme.theme_id).values(keywords=value)
            )


def _discover(session: Session) -> int:
    # Candidate labels, keywords and (once promoted) examples are read by
    # everyone who reads the codebook: private notes never feed them.
    rows = session.execute(
        select(Feedback.feedback_id, Feedback.text)
        .join(FeedbackAnalysis, FeedbackAnalysis.feedback_id == Feedback.feedback_id)
        .where(FeedbackAnalysis.theme_id.is_(None), Feedback.visibility != "private")
        .order_by(Feedback.feedback_id)
        .limit(discovery.MAX_NOTES)
    ).all()
    found = discovery.discover([r[0] for r in rows], [r[1] or "" for r in rows])
    return discovery.store_candidates(session, found)
