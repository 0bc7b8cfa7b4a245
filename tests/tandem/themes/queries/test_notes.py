"""Notes as text: the hand-coding list and the quotes (``tandem.themes.queries.notes``)."""

from __future__ import annotations

from tandem.access import EVERYTHING
from tandem.access.filters import Filters
from tandem.program.models import Feedback
from tandem.themes import queries as q
from tests.tandem.themes.queries.program import THEMES, build, joined


def test_notes_to_code_never_returns_private_notes(engine) -> None:  # type: ignore[no-untyped-def]
    notes = joined(build(engine))
    wanted = [
        n
        for n in notes
        if n["visibility"] != "private"
        and n["coded_theme"] is None
        and (n["theme_id"] is None or n["confidence"] is None or n["confidence"] < q.LOW_CONFIDENCE)
    ]
    first, total = q.notes_to_code(engine, Filters(scope=EVERYTHING), limit=10)
    rest, again = q.notes_to_code(engine, Filters(scope=EVERYTHING), limit=1000, offset=10)
    assert total == again == len(wanted)
    returned = list(first["feedback_id"]) + list(rest["feedback_id"])
    assert sorted(returned) == sorted(n["feedback_id"] for n in wanted)
    private = {n["feedback_id"] for n in notes if n["visibility"] == "private"}
    assert private and not private & set(returned)
    assert list(first.columns) == ["feedback_id", "date", "source", "text", "theme", "confidence"]
    # Unplaced notes come first.
    placed = first["theme"].notna().tolist()
    assert placed == sorted(placed)


def test_filtered_quotes_are_shareable_redacted_and_scoped(engine) -> None:  # type: ignore[no-untyped-def]
    rows = build(engine)
    with engine.begin() as connection:
        connection.execute(
            Feedback.__table__.update()
            .where(Feedback.feedback_id.in_([f["feedback_id"] for f in rows["feedback"]]))
            .values(text=Feedback.text + " thanks Person3")
        )
    notes = joined(rows)
    quotes = q.filtered_quotes(
        engine, Filters(scope=EVERYTHING, kinds=("reverse",)), list(THEMES), limit=3
    )
    assert quotes
    for theme_id in THEMES:
        found = quotes.get(theme_id, [])
        candidates = [
            n
            for n in notes
            if n["theme_id"] == theme_id
            and n["visibility"] == "shareable"
            and n["kind"] == "reverse"
        ]
        best = sorted(candidates, key=lambda n: (-n["confidence"], n["feedback_id"]))[:3]
        assert [quote.feedback_id for quote in found] == [n["feedback_id"] for n in best]
        for quote in found:
            assert "Person3" not in quote.text and "[name]" in quote.text


def test_no_notes_nothing_to_code_and_no_quotes(engine) -> None:  # type: ignore[no-untyped-def]
    frame, total = q.notes_to_code(engine, Filters(scope=EVERYTHING))
    assert total == 0 and frame.empty
    assert q.filtered_quotes(engine, Filters(scope=EVERYTHING), [1]) == {}
