"""The codebook and discovered-candidates tables (``tandem.themes.queries.codebook``)."""

from __future__ import annotations

import datetime as dt

from tandem.program.theme_tables import Theme, ThemeRefreshRun, theme_name_key
from tandem.themes import queries as q
from tests.tandem.themes.queries.program import THEMES, build


def test_codebook_and_candidates_withhold_note_text_from_everyone(engine) -> None:  # type: ignore[no-untyped-def]
    from tandem.program.theme_tables import ThemeCandidate

    build(engine)
    with engine.begin() as connection:
        connection.execute(
            Theme.__table__.insert().values(
                theme_id=99,
                name="Promoted",
                name_key=theme_name_key("Promoted"),
                description="From discovery",
                examples="Person4 told me in private",
                keywords="person4;private",
                origin="discovered",
                active=True,
                updated_at=dt.datetime(2026, 1, 1),
                version=1,
            )
        )
        for label, size in (("big cluster Person5", 9), ("tiny cluster", 2)):
            connection.execute(
                ThemeCandidate.__table__.insert().values(
                    label=label, keywords="person5;leave", size=size, example_ids="", status="open"
                )
            )
    # No role reads private text: one safe table for everyone.
    table = q.codebook_table(engine).set_index("theme")
    assert table.loc["Promoted", "examples"] == q.WITHHELD
    assert "person4" not in table.loc["Promoted", "keywords"].lower()
    assert list(table.index) == sorted([*THEMES.values(), "Promoted"])
    assert table.loc["Time pressure", "notes"] > 0

    everyone = q.candidates_table(engine, min_size=1)
    assert list(everyone["label"].str[:11]) == ["big cluster", "tiny cluster"[:11]]
    assert "Person" not in " ".join(everyone["label"])
    shown = q.candidates_table(engine, min_size=5)
    (label,) = shown["label"]
    assert label.startswith("big cluster [name]") and "Person" not in label
    (keywords,) = shown["keywords"]
    assert keywords.startswith("[name]") and keywords.endswith(", leave")


def test_last_refresh_is_the_latest_run(engine) -> None:  # type: ignore[no-untyped-def]
    assert q.last_refresh(engine) is None
    with engine.begin() as connection:
        for day, method, assigned in ((1, "older", 10), (3, "latest", 30), (2, "middle", 20)):
            at = dt.datetime(2026, 6, day, 12, 0)
            connection.execute(
                ThemeRefreshRun.__table__.insert().values(
                    started_at=at,
                    finished_at=at,
                    actor="test",
                    method=method,
                    fingerprint="f",
                    total=40,
                    recomputed=40,
                    assigned=assigned,
                    seconds=1.0,
                    settled_before=at,
                )
            )
    last = q.last_refresh(engine)
    assert last is not None
    assert (last.method, last.total, last.assigned) == ("latest", 40, 30)
    assert last.finished_at == dt.datetime(2026, 6, 3, 12, 0)


def test_uncertain_theme_is_uncoded_and_thin() -> None:
    assert q.uncertain_theme(coded=0, notes=4, total=100)  # under 5 notes
    assert q.uncertain_theme(coded=0, notes=9, total=1_000)  # under 1% of the placed notes
    assert not q.uncertain_theme(coded=0, notes=10, total=1_000)  # 1%: enough
    assert not q.uncertain_theme(coded=1, notes=1, total=1_000)  # someone coded it
