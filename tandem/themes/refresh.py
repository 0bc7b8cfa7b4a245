"""Refresh: recompute every note's theme and sentiment and store them.

Called by the command line (``python -m tandem refresh``) and after an import;
pages only read ``feedback_analysis``.  The refresh is

* **incremental**: each note's input hash covers its text, its hand-coded theme
  and the codebook fingerprint (themes, examples, hand-coded notes); only notes
  whose hash changed are recomputed, unless ``full=True``;
* **deterministic**: the model is fitted on sorted inputs and the engine has no
  randomness, so the same data gives the same result every run;
* **one transaction** with an audit row and a ``ThemeRefreshRun`` record,
  written in chunks through ``tandem.bulk.upsert``.

Hand-coded labels are never overwritten: a note with ``coded_theme`` gets that
theme (created in the codebook with origin "coded" if it is not there yet) with
confidence 1, and teaches the engine as an extra example.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from tandem import audit
from tandem.bulk import upsert
from tandem.db import transaction
from tandem.models import Feedback, FeedbackAnalysis, Theme, utcnow
from tandem.themes import discover as discovery
from tandem.themes import sentiment
from tandem.themes.codebook import seed_default_codebook
from tandem.themes.engine import METHOD, CodebookTheme, ThemeModel, fingerprint
from tandem.themes.store import load_codebook
from tandem.themes.tables import ThemeRefreshRun

CHUNK = 20_000
KEYWORDS_PER_THEME = 8
KEYWORD_SAMPLE = 1_000  # notes per theme the keywords are computed from
CODED_METHOD = "coded"
# Below this many notes to recompute, worker processes cost more than they save.
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


def input_hash(text: str, coded_theme: str | None, codebook_fingerprint: str) -> str:
    """What a note's stored result was computed from (hex sha256)."""
    data = f"{codebook_fingerprint}\x00{coded_theme or ''}\x00{text}"
    return hashlib.sha256(data.encode()).hexdigest()


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


def refresh_themes(
    engine: Engine,
    *,
    progress: Callable[[str], None] | None = None,
    full: bool = False,
    actor: str = "system",
    discover: bool = True,
    workers: int | None = None,
) -> RefreshReport:
    """Recompute theme assignments and sentiment for feedback, store them, and report.

    Seeds the default codebook when the themes table is empty.  ``workers``
    processes share large recomputations (default: up to 2 CPUs).
    """
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    started = utcnow()
    clock = time.perf_counter()
    say = progress or (lambda _message: None)
    with transaction(engine) as session:
        empty = session.scalar(select(func.count()).select_from(Theme)) == 0
    if empty:
        seed_default_codebook(engine, actor=actor)
        say("seeded the default codebook")

    with transaction(engine) as session:
        notes = session.execute(
            select(
                Feedback.feedback_id,
                Feedback.text,
                Feedback.coded_theme,
                FeedbackAnalysis.input_hash,
            )
            .outerjoin(FeedbackAnalysis, FeedbackAnalysis.feedback_id == Feedback.feedback_id)
            .order_by(Feedback.feedback_id)
        ).all()
        coded_names = {c.strip() for _, _, c, _ in notes if c and c.strip()}
        theme_ids = _ensure_coded_themes(session, coded_names, actor)
        themes = load_codebook(session)
        active = {t.name.lower() for t in themes}
        coded = sorted(
            (text, c.strip())
            for _, text, c, _ in notes
            if c and c.strip() and c.strip().lower() in active
        )
        # Coded names map onto the codebook's spelling of the theme.
        spelling = {t.name.lower(): t.name for t in themes}
        coded = [(text, spelling[name.lower()]) for text, name in coded]
        key = fingerprint(themes, coded)
        say(f"{len(notes)} notes, {len(themes)} active themes")

        todo = [
            (fid, text or "", c.strip() if c and c.strip() else None)
            for fid, text, c, stored in notes
            if full or stored != input_hash(text or "", c.strip() if c else None, key)
        ]
        model = _model_for(key, themes, coded) if todo else None
        name_to_id = {t.name: t.theme_id for t in themes if t.theme_id is not None}
        now = utcnow()
        table = FeedbackAnalysis.__table__
        chunks = [todo[start : start + CHUNK] for start in range(0, len(todo), CHUNK)]
        done = 0
        results = _results(model, [[t for _, t, _ in c] for c in chunks], workers) if model else []
        for chunk, (assignments, scores) in zip(chunks, results, strict=True):
            rows = []
            for (fid, text, coded_theme), (found, score), mood in zip(
                chunk, assignments, scores, strict=True
            ):
                if coded_theme is not None:
                    theme_id = theme_ids.get(coded_theme.lower())
                    confidence, method = 1.0, CODED_METHOD
                else:
                    theme_id = name_to_id.get(found) if found else None
                    confidence, method = score, METHOD
                rows.append(
                    {
                        "feedback_id": fid,
                        "theme_id": theme_id,
                        "confidence": confidence,
                        "sentiment": mood,
                        "input_hash": input_hash(text, coded_theme, key),
                        "method": method,
                        "refreshed_at": now,
                    }
                )
            upsert(session.connection(), table, rows)  # type: ignore[arg-type]
            done += len(chunk)
            say(f"assigned {done}/{len(todo)} notes")

        candidates = 0
        if todo:
            _update_keywords(session, {fid: text for fid, text, _, _ in notes})
            if discover:
                candidates = _discover(session)
        totals = dict(
            session.execute(
                select(FeedbackAnalysis.theme_id.is_(None), func.count()).group_by(
                    FeedbackAnalysis.theme_id.is_(None)
                )
            ).all()
        )
        unassigned = int(totals.get(True, 0))
        assigned = int(totals.get(False, 0))
        seconds = time.perf_counter() - clock
        session.add(
            ThemeRefreshRun(
                started_at=started,
                finished_at=utcnow(),
                actor=actor,
                method=METHOD,
                fingerprint=key,
                total=len(notes),
                recomputed=len(todo),
                assigned=assigned,
                seconds=round(seconds, 3),
            )
        )
        audit.record(
            session,
            actor=actor,
            action="refresh_themes",
            entity="feedback_analysis",
            after={
                "total": len(notes),
                "recomputed": len(todo),
                "full": full,
                "fingerprint": key,
                "candidates": candidates,
            },
        )
    say(f"done: {len(todo)} of {len(notes)} notes recomputed in {seconds:.1f}s")
    return RefreshReport(
        total=len(notes),
        recomputed=len(todo),
        assigned=assigned,
        unassigned=unassigned,
        coded=sum(1 for _, _, c, _ in notes if c and c.strip()),
        candidates=candidates,
        fingerprint=key,
        seconds=seconds,
    )


def _update_keywords(session: Session, text_by_id: dict[str, str]) -> None:
    """Theme.keywords: distinctive terms of (a sample of) each theme's notes."""
    # One small indexed query per theme (its most confident notes) rather than
    # sorting every analysis row: cheap even with 500,000 notes.
    members: dict[int, list[str]] = {}
    for theme_id in session.scalars(select(Theme.theme_id).order_by(Theme.theme_id)):
        fids = session.scalars(
            select(FeedbackAnalysis.feedback_id)
            .where(FeedbackAnalysis.theme_id == theme_id)
            .order_by(FeedbackAnalysis.confidence.desc(), FeedbackAnalysis.feedback_id)
            .limit(KEYWORD_SAMPLE)
        ).all()
        texts = [text_by_id.get(fid) or "" for fid in fids]
        if texts:
            members[theme_id] = texts
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
