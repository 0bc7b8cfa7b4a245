"""Reading and editing the codebook, and coding notes by hand.

Every write is one transaction with an audit row.  Theme edits use optimistic
concurrency: a caller passes the ``version`` it started from, and a write based
on an older version is refused (``StaleThemeError``) instead of overwriting a
colleague's edit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tandem.access.scope import OutOfScope, Scope
from tandem.program import audit
from tandem.program.db import transaction
from tandem.program.models import Feedback, utcnow
from tandem.program.theme_tables import FeedbackAnalysis, Theme, theme_name_key
from tandem.themes.engine import CodebookTheme

ORIGINS = ("default", "lead", "discovered", "coded")


class StaleThemeError(RuntimeError):
    """The theme changed since the caller read it; reload and retry."""


class UnknownThemeError(LookupError):
    """No theme (or feedback note) with that name or id."""


@dataclass(frozen=True)
class ThemeRow:
    """A theme as the themes page shows it."""

    theme_id: int
    name: str
    description: str
    examples: tuple[str, ...]
    keywords: tuple[str, ...]
    origin: str
    active: bool
    version: int
    feedback_count: int


def split_examples(text: str) -> tuple[str, ...]:
    """The examples column (one per line) as a tuple, blanks dropped."""
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def list_themes(engine: Engine, *, include_inactive: bool = False) -> list[ThemeRow]:
    """The codebook with how many notes each theme holds, ordered by name."""
    counts = (
        select(FeedbackAnalysis.theme_id, func.count().label("n"))
        .group_by(FeedbackAnalysis.theme_id)
        .subquery()
    )
    query = (
        select(Theme, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.theme_id == Theme.theme_id)
        .order_by(Theme.name)
    )
    if not include_inactive:
        query = query.where(Theme.active.is_(True))
    with transaction(engine) as session:
        rows = session.execute(query).all()
        return [
            ThemeRow(
                theme_id=theme.theme_id,
                name=theme.name,
                description=theme.description,
                examples=split_examples(theme.examples),
                keywords=tuple(k for k in theme.keywords.split(";") if k),
                origin=theme.origin,
                active=theme.active,
                version=theme.version,
                feedback_count=int(count),
            )
            for theme, count in rows
        ]


_AUDITED = ("name", "description", "examples", "origin", "active", "version")


def _snapshot(theme: Theme) -> dict[str, object]:
    """What an audit row says of a theme."""
    return {name: getattr(theme, name) for name in _AUDITED}


def _record(
    session: Session, actor: str, action: str, theme: Theme, before: dict[str, object] | None
) -> None:
    """The audit row of a change to ``theme``: ``before`` it, and as it is now."""
    audit.record(
        session,
        actor=actor,
        action=action,
        entity="theme",
        entity_id=str(theme.theme_id),
        before=before,
        after=_snapshot(theme),
    )


def upsert_theme(
    engine: Engine,
    name: str,
    description: str,
    examples: Sequence[str],
    actor: str,
    expected_version: int | None = None,
    *,
    origin: str = "lead",
) -> int:
    """Create or edit a theme by name; returns its theme_id.

    ``expected_version`` is the version the caller read: if the stored theme has
    moved on since, ``StaleThemeError`` is raised and nothing is written.
    Editing a theme reactivates it.
    """
    clean_name = name.strip()
    if not clean_name:
        raise ValueError("a theme needs a name")
    example_text = "\n".join(e.strip() for e in examples if e.strip())
    with transaction(engine) as session:
        theme = session.scalars(
            select(Theme).where(Theme.name_key == theme_name_key(clean_name))
        ).first()
        if theme is None:
            if expected_version not in (None, 0):
                raise StaleThemeError(f"theme {clean_name!r} no longer exists")
            theme = Theme(
                name=clean_name,
                description=description.strip(),
                examples=example_text,
                keywords="",
                origin=origin,
                active=True,
                updated_at=utcnow(),
                version=1,
            )
            session.add(theme)
            session.flush()
            _record(session, actor, "create_theme", theme, before=None)
            return theme.theme_id
        if expected_version is not None and theme.version != expected_version:
            raise StaleThemeError(
                f"theme {clean_name!r} was changed by someone else "
                f"(version {theme.version}, you edited {expected_version})"
            )
        before = _snapshot(theme)
        theme.description = description.strip()
        theme.examples = example_text
        theme.active = True
        theme.version += 1
        theme.updated_at = utcnow()
        _record(session, actor, "update_theme", theme, before)
        return theme.theme_id


def deactivate_theme(
    engine: Engine, theme_id: int, actor: str, expected_version: int | None = None
) -> None:
    """Take a theme out of the codebook (kept for history; the next refresh reassigns)."""
    with transaction(engine) as session:
        theme = session.get(Theme, theme_id)
        if theme is None:
            raise UnknownThemeError(f"no theme {theme_id}")
        if expected_version is not None and theme.version != expected_version:
            raise StaleThemeError(f"theme {theme.name!r} was changed by someone else")
        before = _snapshot(theme)
        theme.active = False
        theme.version += 1
        theme.updated_at = utcnow()
        _record(session, actor, "deactivate_theme", theme, before)


def code_note(
    engine: Engine,
    scope: Scope,
    feedback_id: str,
    theme_name: str | None,
    actor: str,
    *,
    no_theme: bool = False,
) -> None:
    """Set (or clear, with None) the hand-coded theme of one note, with an audit row.

    The next refresh keeps it as the note's theme and learns from it.  With
    ``no_theme`` the note is coded as about no theme (an empty ``coded_theme``).  A note
    outside ``scope`` raises ``OutOfScope``; a private note cannot be coded (nobody
    may read it to code it).
    """
    value = theme_name.strip() if theme_name and theme_name.strip() else None
    if no_theme:
        value = ""
    with transaction(engine) as session:
        note = session.get(Feedback, feedback_id)
        if note is None or note.visibility == "private":
            raise UnknownThemeError(f"no feedback {feedback_id!r} that may be coded")
        set_coded_theme(session, scope, note, value, actor=actor, action="code_feedback")


def set_coded_theme(
    session: Session, scope: Scope, note: Feedback, value: str | None, *, actor: str, action: str
) -> None:
    """Write a note's coded theme inside the caller's transaction, with its audit row;
    ``OutOfScope`` when the note is not the viewer's to code."""
    if note.pairing_id is not None:
        scope.require_pairing(session, note.pairing_id)
    elif not scope.allows(note.cohort_id):
        raise OutOfScope("This note")
    before = {"coded_theme": note.coded_theme}
    note.coded_theme = value
    audit.record(
        session,
        actor=actor,
        action=action,
        entity="feedback",
        entity_id=note.feedback_id,
        before=before,
        after={"coded_theme": value},
    )


def load_codebook(session: Session) -> list[CodebookTheme]:
    """The active themes as engine input, in a stable order (by theme_id)."""
    themes = session.scalars(
        select(Theme).where(Theme.active.is_(True)).order_by(Theme.theme_id)
    ).all()
    return [
        CodebookTheme(
            name=t.name,
            description=t.description,
            examples=split_examples(t.examples),
            theme_id=t.theme_id,
        )
        for t in themes
    ]
