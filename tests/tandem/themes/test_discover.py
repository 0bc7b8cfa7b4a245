"""Discovery clusters uncovered notes and labels them; promotion adds an audited theme."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from tandem.program.db import transaction
from tandem.program.models import AuditEntry
from tandem.program.theme_tables import Theme
from tandem.themes.discover import discover, list_candidates, promote_candidate, store_candidates
from tests.tandem.themes.conftest import AddNotes

PARKING = [
    f"Parking permits at the new car park are a mess, {w}." for w in ("again", "honestly", "sadly")
] + ["The car park permits ran out before nine.", "Nobody can find a parking permit form."]
CANTEEN = [f"The canteen menu is so repetitive, {w}." for w in ("again", "honestly", "sadly")] + [
    "Canteen queues at lunch are awful.",
    "The canteen menu never changes.",
]


def _ids(prefix: str, n: int) -> list[str]:
    return [f"{prefix}{i}" for i in range(n)]


def test_discover_finds_and_labels_clusters() -> None:
    texts = PARKING + CANTEEN
    ids = _ids("p", 5) + _ids("c", 5)
    found = discover(ids, texts, max_clusters=2)
    assert len(found) == 2
    labels = " ".join(" ".join(c.keywords) for c in found)
    assert "parking" in labels or "car park" in labels
    assert "canteen" in labels
    for cand in found:
        members = {i[0] for i in cand.example_ids}
        assert len(members) == 1  # each cluster is one topic
    assert discover(ids, texts, max_clusters=2) == found  # deterministic


def test_promote_candidate_adds_discovered_theme(engine: Engine, add_notes: AddNotes) -> None:
    ids = _ids("p", 5)
    add_notes(list(zip(ids, PARKING, strict=True)))
    found = discover(ids + _ids("c", 5), PARKING + CANTEEN, max_clusters=2)
    with transaction(engine) as session:
        store_candidates(session, found)
    parking = next(c for c in list_candidates(engine) if c.example_ids.startswith("p"))
    theme_id = promote_candidate(engine, parking.candidate_id, "Facilities", "Parking etc.", "lead")
    with transaction(engine) as session:
        theme = session.get(Theme, theme_id)
        assert theme is not None
        assert theme.origin == "discovered"
        assert "permit" in theme.examples.lower()
        audits = session.scalar(
            select(func.count()).where(AuditEntry.action == "promote_candidate")
        )
    assert audits == 1
    assert parking.candidate_id not in {c.candidate_id for c in list_candidates(engine)}


def test_private_notes_never_feed_discovery(engine) -> None:  # type: ignore[no-untyped-def]
    """A cluster made only of private notes must not become a candidate."""
    import datetime as dt

    from sqlalchemy import select

    from tandem.program.bulk import upsert
    from tandem.program.schema import metadata
    from tandem.program.theme_tables import ThemeCandidate
    from tandem.themes.discover import list_candidates
    from tandem.themes.refresh import refresh_themes
    from tests.factories import small_program

    small_program(engine)
    secret = "zyxqwv glorptastic frobnicator"
    rows = [
        {
            "feedback_id": f"secret-{i}",
            "pairing_id": "x1",
            "cohort_id": "c1",
            "date": dt.date(2026, 3, 1),
            "source": "journal",
            "author_role": "mentee",
            "visibility": "private",
            "text": f"{secret} {i} {secret}",
            "coded_theme": None,
        }
        for i in range(40)
    ]
    with engine.begin() as connection:
        upsert(connection, metadata.tables["feedback"], rows)
    refresh_themes(engine)
    words = " ".join(f"{c.label} {c.keywords}" for c in list_candidates(engine))
    assert "glorptastic" not in words and "frobnicator" not in words
    with engine.connect() as connection:
        stored = connection.execute(select(ThemeCandidate.example_ids)).scalars().all()
    assert not any("secret-" in ids for ids in stored)
