"""The default codebook: the themes Tandem looks for in feedback out of the box.

Its text is data, in ``codebook.toml`` beside this module, read once at
start-up: each theme's description, its example notes (in the passes they
were written in) and ``cues`` — a small hand-built lexicon of regular
expressions for idioms that signal the theme.  The engine learns from the
examples (few-shot), not from the theme name; cues sharpen the example-based
scores, and a theme a lead adds later works from its examples alone.  A lead
can edit a theme on the themes page; seeding never overwrites such edits.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select

from tandem.program import audit
from tandem.program.db import writer_transaction
from tandem.program.models import utcnow
from tandem.program.theme_tables import Theme

CODEBOOK_FILE = Path(__file__).with_name("codebook.toml")
# The passes the examples were written in, in the order the engine reads them
# (codebook.toml says what each pass is).
EXAMPLE_PASSES = ("written", "more", "situations", "voices", "implied", "everyday")


@dataclass(frozen=True)
class ThemeSpec:
    """One codebook theme as shipped: name, one-line description, example notes."""

    name: str
    description: str
    examples: tuple[str, ...]


Patterns = dict[str, tuple[str, ...]]


def _load(path: Path) -> tuple[tuple[ThemeSpec, ...], Patterns, dict[str, Patterns]]:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    themes: list[ThemeSpec] = []
    cues: Patterns = {}
    passes: dict[str, Patterns] = {}
    for theme in data["theme"]:
        name = str(theme["name"])
        by_pass = {p: tuple(str(e) for e in theme["examples"].get(p, ())) for p in EXAMPLE_PASSES}
        unknown = set(theme["examples"]) - set(EXAMPLE_PASSES)
        if unknown:
            raise ValueError(f"{path.name}: theme {name!r} has unknown example passes {unknown}")
        passes[name] = by_pass
        examples = tuple(e for p in EXAMPLE_PASSES for e in by_pass[p])
        themes.append(ThemeSpec(name, str(theme["description"]), examples))
        cues[name] = tuple(str(c) for c in theme.get("cues", {}).get("patterns", ()))
    return tuple(themes), cues, passes


#: The default themes, in codebook order, each with all its examples.
#: ``CUES``: theme name → regular expressions.  ``EXAMPLES_BY_PASS``: theme name →
#: pass → examples (for evaluations that leave a pass out).
DEFAULT_THEMES, CUES, EXAMPLES_BY_PASS = _load(CODEBOOK_FILE)


def seed_default_codebook(
    engine: Engine, *, actor: str = "system", say: Callable[[str], None] | None = None
) -> int:
    """Insert the default themes that are missing (by name); returns how many were added.

    Never touches an existing theme, so a lead's edits to descriptions or
    examples (or a deactivation) survive every later seeding.
    """
    with writer_transaction(engine, say) as session:
        existing = set(session.scalars(select(Theme.name)))
        added = [spec for spec in DEFAULT_THEMES if spec.name not in existing]
        for spec in added:
            session.add(
                Theme(
                    name=spec.name,
                    description=spec.description,
                    examples="\n".join(spec.examples),
                    keywords="",
                    origin="default",
                    active=True,
                    updated_at=utcnow(),
                    version=1,
                )
            )
        if added:
            audit.record(
                session,
                actor=actor,
                action="seed_codebook",
                entity="themes",
                after={"added": [spec.name for spec in added]},
            )
    return len(added)
