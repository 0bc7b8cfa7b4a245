"""The default codebook (``tandem.themes.codebook``) is well formed and reads implied themes."""

from __future__ import annotations

import re

from tandem.themes.codebook import CUES, DEFAULT_THEMES
from tandem.themes.engine import ThemeModel, default_codebook


def test_examples_are_unique_across_the_codebook() -> None:
    # An example under two themes would teach the engine both at once.
    owners: dict[str, str] = {}
    for spec in DEFAULT_THEMES:
        for example in spec.examples:
            key = " ".join(example.lower().split())
            assert owners.setdefault(key, spec.name) == spec.name, example
        assert len(set(spec.examples)) == len(spec.examples), spec.name


def test_every_cue_belongs_to_a_theme_and_compiles() -> None:
    names = {spec.name for spec in DEFAULT_THEMES}
    assert set(CUES) <= names
    for cues in CUES.values():
        for cue in cues:
            re.compile(cue)


# Notes that imply their theme without its keywords; none of them is a
# codebook example (checked below), so they test generalisation, not recall.
IMPLIED = [
    ("Nobody has answered my last three emails.", "Scheduling and engagement"),
    (
        "I only tell her the version of events that makes me look good.",
        "Trust and psychological safety",
    ),
    ("The operations director blocked my proposal again.", "Stakeholder influence"),
    ("We looked at where our sector will be in ten years.", "Strategic thinking"),
    ("I rewrote my analyst's report instead of coaching her.", "Delegation"),
    ("Interviewed for the head of department job last week.", "Career growth"),
    (
        "A day in the call centre showed me how our letters confuse customers.",
        "Cross-functional perspective",
    ),
    (
        "My mentee showed me how to use the AI assistant for meeting summaries.",
        "Digital skills and reverse mentoring",
    ),
]


def test_implied_notes_are_not_codebook_examples() -> None:
    examples = {e.lower() for spec in DEFAULT_THEMES for e in spec.examples}
    assert not {text.lower() for text, _ in IMPLIED} & examples


def test_default_codebook_reads_most_implied_notes() -> None:
    found = ThemeModel(default_codebook()).assign([text for text, _ in IMPLIED])
    hits = sum(a.theme == theme for a, (_, theme) in zip(found, IMPLIED, strict=True))
    # Allow one miss: the engine's weights are tuned elsewhere; the codebook
    # must still carry most implied wordings to the right theme.
    assert hits >= len(IMPLIED) - 1, [a.theme for a in found]
