"""Feedback reads like people wrote it: varied, on theme, consistent with the pairing's health."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest

from tandem.program.demo import DemoSummary, text

Demo = tuple[DemoSummary, dict[str, list[dict[str, Any]]]]


def _opening(note: str) -> str:
    return " ".join(note.split()[:3])


def test_notes_are_varied_not_one_template(demo: Demo) -> None:
    _summary, rows = demo
    notes = [f["text"] for f in rows["feedback"]]
    assert len(set(notes)) >= 0.7 * len(notes)
    assert len({_opening(n) for n in notes}) >= 150
    lengths = [len(n) for n in notes]
    assert min(lengths) < 40 and max(lengths) > 150  # short notes and longer reflections
    assert not any("{" in n or "}" in n for n in notes)  # every placeholder filled


def test_notes_mention_the_other_persons_first_name_sometimes(demo: Demo) -> None:
    _summary, rows = demo
    people = {p["person_id"]: p["name"] for p in rows["people"]}
    pairings = {p["pairing_id"]: p for p in rows["pairings"]}
    pair_notes = [f for f in rows["feedback"] if f["pairing_id"]]
    mentioning = 0
    for f in pair_notes:
        pairing = pairings[f["pairing_id"]]
        names = {people[pairing["mentor_id"]], people[pairing["mentee_id"]]}
        words = set(re.findall(r"[\w'-]+", f["text"]))
        if any(part in words for name in names for part in name.split() if len(part) > 1):
            mentioning += 1
    assert 0.03 * len(pair_notes) <= mentioning <= 0.3 * len(pair_notes)
    assert any("my mentor" in f["text"].lower() for f in pair_notes)


def test_hand_coded_themes_use_the_codebook_names(demo: Demo) -> None:
    _summary, rows = demo
    coded = [f["coded_theme"] for f in rows["feedback"] if f["coded_theme"] is not None]
    assert set(coded) <= set(text.THEMES)
    assert len(set(coded)) >= 5
    assert 0.015 <= len(coded) / len(rows["feedback"]) <= 0.05
    assert text.THEMES == (
        "Scheduling and engagement",
        "Trust and psychological safety",
        "Stakeholder influence",
        "Strategic thinking",
        "Delegation",
        "Career growth",
        "Cross-functional perspective",
        "Digital skills and reverse mentoring",
        "Difficult conversations",
        "Fit and goals",
    )


def _phrases(sentiment: str) -> set[str]:
    """Every body and short note of one sentiment, placeholders cut off."""
    out = set()
    for theme in text.THEMES:
        for phrase in (*text.BODIES[theme][sentiment], *text.SHORT_NOTES[theme][sentiment]):
            out.add(phrase.split("{")[0][:30])
    return {p for p in out if len(p) >= 12}


def test_sentiment_follows_the_pairings_health(demo: Demo) -> None:
    summary, rows = demo
    negative, positive = _phrases(text.NEGATIVE), _phrases(text.POSITIVE)

    def tone(pairing_ids: set[str]) -> tuple[int, int]:
        notes = [f["text"] for f in rows["feedback"] if f["pairing_id"] in pairing_ids]
        neg = sum(any(p in n for p in negative) for n in notes)
        pos = sum(any(p in n for p in positive) for n in notes)
        return pos, neg

    healthy_pos, healthy_neg = tone(set(summary.cases.healthy_pairing_ids))
    stalled_pos, stalled_neg = tone(set(summary.cases.stalled_pairing_ids))
    assert healthy_pos > 3 * healthy_neg
    assert stalled_neg > stalled_pos


def test_reverse_pairings_talk_about_digital_skills(demo: Demo) -> None:
    _summary, rows = demo
    kinds = {p["pairing_id"]: p["kind"] for p in rows["pairings"]}
    digital = set()
    for sentiment in text.SENTIMENTS:
        digital |= {b.split("{")[0][:30] for b in text.BODIES[text.DIGITAL][sentiment]}
    digital = {d for d in digital if len(d) >= 12}

    def share(kind: str) -> float:
        notes = [f["text"] for f in rows["feedback"] if kinds.get(f["pairing_id"]) == kind]
        return sum(any(d in n for d in digital) for n in notes) / len(notes)

    assert share("reverse") > 2 * share("traditional")


def test_quiet_pairings_leave_notes_about_the_silence() -> None:
    # The scheduling theme has the canonical quiet-pairing note from the brief.
    negatives = text.BODIES[text.SCHEDULING][text.NEGATIVE]
    assert any("since the programme kicked off in {month}" in b for b in negatives)
    assert (
        "Felt like a tech support desk rather than a mentoring relationship."
        in (text.BODIES[text.DIGITAL][text.NEGATIVE])
    )
    counts = Counter(len(text.BODIES[t][s]) for t in text.THEMES for s in text.SENTIMENTS)
    assert min(counts) >= 3


def test_text_file_must_give_every_theme_every_sentiment() -> None:
    # The data file is hand-edited: a missing sentiment must fail at start-up,
    # not as a KeyError deep inside the generator.
    data = {"bodies": {theme: {s: ["x"] for s in text.SENTIMENTS} for theme in text.THEMES}}
    assert text._by_theme(data, "bodies")[text.FIT][text.NEGATIVE] == ("x",)
    del data["bodies"][text.FIT][text.MIXED]
    with pytest.raises(ValueError, match="expected"):
        text._by_theme(data, "bodies")
    data["bodies"].pop(text.FIT)
    with pytest.raises(ValueError, match="bodies"):
        text._by_theme(data, "bodies")
