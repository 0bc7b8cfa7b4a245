"""The Stalled pairings page: roles, the queue, and the flag workflow's refusals."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import Engine, func, select, update
from streamlit.testing.v1 import AppTest

from components.ui.charts import VERDICT_COLOURS
from tandem.access import EVERYTHING
from tandem.access.filters import Filters
from tandem.health import (
    MAX_TEXT,
    VERDICT_LABELS,
    health_settings,
    nudge_list,
    queue_counts,
    stalled_queue,
    trend_days,
)
from tandem.program.bundle import import_bundle
from tandem.program.db import get_engine
from tandem.program.derived_tables import PairingHealth
from tandem.program.models import AuditEntry, Flag, Pairing
from tandem.refresh import refresh_all
from tests.app.conftest import as_read, open_as, shown_text

SAMPLE_BUNDLE = Path(__file__).resolve().parents[2] / "data" / "sample_bundle"
PAGE = "pages/stalled.py"


def sample(engine: Engine) -> None:
    import_bundle(engine, SAMPLE_BUNDLE)
    refresh_all(engine)


def open_page(role: str = "lead", present: bool = False) -> AppTest:
    return open_as(PAGE, role, present=present)


def button(at: AppTest, label: str):  # type: ignore[no-untyped-def]
    (found,) = [b for b in at.button if b.label == label]
    return found


def flag_rows(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [
            tuple(row)
            for row in connection.execute(
                select(
                    Flag.flag_id,
                    Flag.pairing_id,
                    Flag.reason,
                    Flag.note,
                    Flag.status,
                    Flag.owner,
                    Flag.resolution,
                    Flag.version,
                ).order_by(Flag.flag_id)
            )
        ]


def audit_count(engine: Engine, action: str) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(
                select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
            ).scalar_one()
        )


def raise_form(at: AppTest, reason: str, note: str, owner: str) -> None:
    (reason_box,) = [s for s in at.selectbox if s.label == "Reason"]
    reason_box.set_value(reason)
    (note_area,) = [t for t in at.text_area if t.label == "Note (optional)"]
    # set_value, not input: input() refuses more than max_chars the way a browser
    # does; a request that bypasses the browser must still be refused by the server.
    note_area.set_value(note)
    (owner_input,) = [t for t in at.text_input if t.label == "Owner (optional)"]
    owner_input.input(owner)
    button(at, "Raise flag").click().run()
    assert not at.exception, [e.value for e in at.exception]


def test_empty_database(app_database) -> None:  # type: ignore[no-untyped-def]
    app_database(None)
    at = open_page()
    assert at.title[0].value == "Stalled pairings"
    assert any("not yet computed" in i.value for i in at.info)
    assert not at.metric
    # The formula (with its defaults) is visible even before any data.
    assert any("health = 100" in c.value for c in at.caption)


def test_sample_bundle_shows_the_queue_worst_first(app_database) -> None:  # type: ignore[no-untyped-def]
    engine = get_engine(app_database(sample))
    at = open_page()
    counts = queue_counts(engine, Filters(scope=EVERYTHING))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {
        "Stalled": str(counts.stalled),
        "At risk": str(counts.at_risk),
        "Open flags": str(counts.open_flags),
        "Unowned flags": str(counts.unowned_flags),
    }
    queue = stalled_queue(engine, Filters(scope=EVERYTHING))
    table = at.dataframe[0].value
    assert list(table["Pairing"]) == [
        f"{row.mentor} → {row.mentee}" for row in queue.rows.itertuples()
    ]
    assert list(table["Health"]) == list(queue.rows["health"])
    # Verdicts in words, never codes; no missing value shows as None.
    assert set(table["Verdict"]) <= set(VERDICT_LABELS.values())
    assert "Stalled" in set(table["Verdict"])
    assert not table.drop(columns=["Health"]).isna().any().any()
    assert "Nuñez, José" in shown_text(at)  # a lead sees real names
    # The nudge list is offered as a CSV download.
    assert any(d.label == "Download the nudge list (CSV)" for d in at.get("download_button"))


def test_a_sponsor_is_refused(app_database) -> None:  # type: ignore[no-untyped-def]
    app_database(sample)
    at = open_page("sponsor")
    assert any("is not open to the sponsor role" in e.value for e in at.error)
    assert not at.metric
    assert not [b for b in at.button if b.label == "Raise flag"]


def test_a_lead_raises_a_flag_once_even_when_submitted_twice(app_database) -> None:  # type: ignore[no-untyped-def]
    engine = get_engine(app_database(sample))
    before = flag_rows(engine)
    raises = audit_count(engine, "flag.raise")
    at = open_page()
    pairing_id = str(at.selectbox(key="stalled_choice").value)
    raise_form(at, "low_ratings", "Ratings slid two months running", "Ana Lead")
    added = [row for row in flag_rows(engine) if row not in before]
    assert len(added) == 1
    assert added[0][1:7] == (
        pairing_id,
        "low_ratings",
        "Ratings slid two months running",
        "open",
        "Ana Lead",
        None,
    )
    assert audit_count(engine, "flag.raise") == raises + 1
    assert any("raised" in s.value for s in at.success)

    # The same submission again, after the one-minute duplicate window: the
    # form's request id alone maps it to the flag already written.
    with engine.begin() as connection:
        raised_at = connection.execute(
            select(Flag.raised_at).where(Flag.flag_id == added[0][0])
        ).scalar_one()
        connection.execute(
            update(Flag)
            .where(Flag.flag_id == added[0][0])
            .values(raised_at=raised_at - dt.timedelta(minutes=5))
        )
    raise_form(at, "low_ratings", "Ratings slid two months running", "Ana Lead")
    assert len(flag_rows(engine)) == len(before) + 1
    assert audit_count(engine, "flag.raise") == raises + 1
    assert any("already raised" in i.value for i in at.info)


def test_a_ten_thousand_and_one_character_note_is_refused(app_database) -> None:  # type: ignore[no-untyped-def]
    engine = get_engine(app_database(sample))
    before = flag_rows(engine)
    raises = audit_count(engine, "flag.raise")
    at = open_page()
    raise_form(at, "other", "x" * (MAX_TEXT + 1), "")
    assert any("10,000" in e.value for e in at.error), [e.value for e in at.error]
    assert flag_rows(engine) == before
    assert audit_count(engine, "flag.raise") == raises


def test_a_flag_on_a_deleted_pairing_is_refused(app_database) -> None:  # type: ignore[no-untyped-def]
    engine = get_engine(app_database(sample))
    at = open_page()
    pairing_id = str(at.selectbox(key="stalled_choice").value)
    with engine.begin() as connection:  # a re-import removed it after the page was drawn
        connection.execute(Pairing.__table__.delete().where(Pairing.pairing_id == pairing_id))
    before = flag_rows(engine)
    raise_form(at, "other", "Still worth a look", "")
    assert any("does not exist" in e.value for e in at.error)
    assert flag_rows(engine) == before


def _first_flag(engine: Engine, pairing_id: str) -> tuple[str, int]:
    with engine.connect() as connection:
        flag_id, version = connection.execute(
            select(Flag.flag_id, Flag.version)
            .where(Flag.pairing_id == pairing_id, Flag.status != "resolved")
            .order_by(Flag.raised_at.desc())
        ).first()
    return str(flag_id), int(version)


def test_a_stale_update_shows_the_conflict_and_writes_nothing(app_database) -> None:  # type: ignore[no-untyped-def]
    engine = get_engine(app_database(sample))
    at = open_page()
    pairing_id = str(at.selectbox(key="stalled_choice").value)
    flag_id, version = _first_flag(engine, pairing_id)
    key = f"queue_edit_{flag_id}_v{version}"
    # Another lead saves between this render and the submit.
    with engine.begin() as connection:
        connection.execute(
            update(Flag)
            .where(Flag.flag_id == flag_id)
            .values(owner="Other Lead", version=Flag.version + 1)
        )
    before, updates = flag_rows(engine), audit_count(engine, "flag.update")
    at.text_input(key=f"{key}_owner").input("Me Myself")
    at.selectbox(key=f"{key}_status").set_value("in_progress")
    button(at, "Save flag").click().run()
    assert not at.exception
    assert any("was changed" in w.value and "not saved" in w.value for w in at.warning)
    assert "Other Lead" in shown_text(at)  # the current state is shown
    assert flag_rows(engine) == before
    assert audit_count(engine, "flag.update") == updates
    # The user's input stays in the form to re-apply.
    assert at.text_input(key=f"{key}_owner").value == "Me Myself"

    # Starting again loads the current version; saving then works.
    button(at, "Start again from the current version").click().run()
    fresh = f"queue_edit_{flag_id}_v{version + 1}"
    assert at.text_input(key=f"{fresh}_owner").value == "Other Lead"
    assert "Me Myself" in " ".join(str(c.value) for c in at.code)
    at.text_input(key=f"{fresh}_owner").input("Me Myself")
    button(at, "Save flag").click().run()
    assert not at.exception
    row = next(r for r in flag_rows(engine) if r[0] == flag_id)
    assert (row[5], row[7]) == ("Me Myself", version + 2)
    assert audit_count(engine, "flag.update") == updates + 1


def test_resolving_without_a_resolution_is_refused(app_database) -> None:  # type: ignore[no-untyped-def]
    engine = get_engine(app_database(sample))
    at = open_page()
    pairing_id = str(at.selectbox(key="stalled_choice").value)
    flag_id, version = _first_flag(engine, pairing_id)
    key = f"queue_edit_{flag_id}_v{version}"
    before = flag_rows(engine)
    at.selectbox(key=f"{key}_status").set_value("resolved")
    button(at, "Save flag").click().run()
    assert any("resolution note is required" in e.value for e in at.error)
    assert flag_rows(engine) == before

    at.text_area(key=f"{key}_resolution").input("Both agreed a new cadence")
    button(at, "Save flag").click().run()
    assert not at.exception
    row = next(r for r in flag_rows(engine) if r[0] == flag_id)
    assert (row[4], row[6], row[7]) == ("resolved", "Both agreed a new cadence", version + 1)


def test_presenter_mode_has_no_names_notes_or_controls(app_database) -> None:  # type: ignore[no-untyped-def]
    engine = get_engine(app_database(sample))
    at = open_page("lead", present=True)
    text = shown_text(at)
    with engine.connect() as connection:
        notes = [n for n in connection.execute(select(Flag.note)).scalars() if n]
    assert notes
    for note in notes:
        assert note not in text
    for name in ("Nuñez, José", "Ingrid Johansson", "program lead"):
        assert name not in text
    assert not [b for b in at.button if b.label in ("Raise flag", "Save flag")]
    assert not at.get("download_button")
    assert at.metric  # the counts are still there


def number_input(at: AppTest, label: str):  # type: ignore[no-untyped-def]
    (found,) = [n for n in at.number_input if n.label == label]
    return found


def test_the_formula_form_refuses_bad_values_and_saves_good_ones(app_database) -> None:  # type: ignore[no-untyped-def]
    from components.health.rules_editor import EDITOR_KEY

    engine = get_engine(app_database(sample))
    at = open_page()
    assert not at.number_input  # the folded editor is drawn only when opened
    at.session_state[EDITOR_KEY] = True
    at.run()
    saves = audit_count(engine, "setting.put")
    number_input(at, "Recency of the last meeting").set_value(-1.0)
    button(at, "Save the health rules").click().run()
    assert any("weights.recency must be between" in as_read(e.value) for e in at.error)
    assert health_settings(engine)["weights"]["recency"] == 0.25
    assert audit_count(engine, "setting.put") == saves
    refreshes = audit_count(engine, "health.refresh")

    # The refused input stays in the form; fix it and change another value.
    assert number_input(at, "Recency of the last meeting").value == -1.0
    number_input(at, "Recency of the last meeting").set_value(0.25)
    number_input(at, "At risk below (health)").set_value(30.0)
    button(at, "Save the health rules").click().run()
    assert not at.exception
    assert health_settings(engine)["at_risk_below"] == 30.0
    # The one behaviour after a save: audited, recomputed, caches cleared, a notice.
    assert audit_count(engine, "setting.put") == saves + 1
    assert audit_count(engine, "health.refresh") == refreshes + 1
    assert any("Health rules saved" in s.value for s in at.success)
    assert any("capped at 29" in c.value and "below 30" in c.value for c in at.caption)
    with engine.connect() as connection:
        stored = connection.execute(
            select(PairingHealth.health, PairingHealth.stalled, PairingHealth.at_risk)
        ).all()
    at_risk_scores = [row.health for row in stored if row.at_risk]
    assert all(score < 30 for score in at_risk_scores)  # the new threshold is in force
    assert all(row.health < 30 for row in stored if row.stalled and row.health is not None)
    assert {m.label: m.value for m in at.metric}["At risk"] == str(len(at_risk_scores))


def test_presenter_and_sponsor_see_the_formula_but_no_editor(app_database) -> None:  # type: ignore[no-untyped-def]
    app_database(sample)
    at = open_page("lead", present=True)
    assert any("health = 100" in c.value for c in at.caption)
    assert not [b for b in at.button if b.label == "Save the health rules"]
    assert not at.number_input


def test_recompute_health_now(app_database) -> None:  # type: ignore[no-untyped-def]
    engine = get_engine(app_database(sample))
    refreshes = audit_count(engine, "health.refresh")
    at = open_page()
    button(at, "Recompute health now").click().run()
    assert not at.exception
    assert audit_count(engine, "health.refresh") == refreshes + 1
    assert any("Health recomputed" in s.value for s in at.success)


def open_detail(pairing_id: str, role: str = "lead") -> AppTest:
    return open_as("pages/pairing.py", role, query={"pairing": pairing_id})


def test_the_pairing_detail_page_offers_the_workflow_to_a_lead_only(app_database) -> None:  # type: ignore[no-untyped-def]
    engine = get_engine(app_database(sample))
    assert not [b for b in open_detail("pr-001", "sponsor").button if b.label == "Raise flag"]
    before = flag_rows(engine)
    at = open_detail("pr-001")  # no flags yet
    raise_form(at, "mismatch", "Raised from the pairing page", "")
    added = [row for row in flag_rows(engine) if row not in before]
    assert [(r[1], r[2], r[3]) for r in added] == [
        ("pr-001", "mismatch", "Raised from the pairing page")
    ]
    assert [b for b in at.button if b.label == "Save flag"]  # and it can be updated there


def test_an_untouched_form_follows_another_leads_save(app_database) -> None:  # type: ignore[no-untyped-def]
    engine = get_engine(app_database(sample))
    at = open_page()
    pairing_id = str(at.selectbox(key="stalled_choice").value)
    flag_id, version = _first_flag(engine, pairing_id)
    with engine.begin() as connection:
        connection.execute(
            update(Flag)
            .where(Flag.flag_id == flag_id)
            .values(owner="Other Lead", version=Flag.version + 1)
        )
    at.run()  # any rerun, e.g. another widget: nothing of this user's is pending
    fresh = f"queue_edit_{flag_id}_v{version + 1}"
    assert at.text_input(key=f"{fresh}_owner").value == "Other Lead"
    at.selectbox(key=f"{fresh}_status").set_value("in_progress")
    button(at, "Save flag").click().run()
    assert not at.warning or not any("was changed" in w.value for w in at.warning)
    row = next(r for r in flag_rows(engine) if r[0] == flag_id)
    assert (row[4], row[5], row[7]) == ("in_progress", "Other Lead", version + 2)


def test_trend_and_nudges_describe_the_stored_health_day(app_database) -> None:  # type: ignore[no-untyped-def]
    day = dt.date(2026, 3, 10)

    def sample_scored_earlier(engine: Engine) -> None:
        import_bundle(engine, SAMPLE_BUNDLE)
        refresh_all(engine, today=day)

    engine = get_engine(app_database(sample_scored_earlier))
    at = open_page()
    assert not at.exception, [e.value for e in at.exception]
    # The trend's points are the stored day and the month ends before it.
    (chart,) = [c for c in at.get("vega_lite_chart") if "Month end" in c.proto.spec]
    spec = json.loads(chart.proto.spec)
    layers = spec.get("layer", [spec])
    axis = layers[0]["encoding"]["x"]["sort"]
    assert axis == [f"{point:%b %Y}" for point in trend_days(day)]
    # Stalled in red and at risk in amber, as on every health chart.
    scale = layers[0]["encoding"]["color"]["scale"]
    assert dict(zip(scale["domain"], scale["range"], strict=True)) == {
        "Stalled": VERDICT_COLOURS["Stalled"],
        "At risk": VERDICT_COLOURS["At risk"],
    }
    # The nudge list is the one of that day (and it is stored: no live recomputation).
    expected = nudge_list(engine, day)
    assert not expected.empty
    (table,) = [d.value for d in at.dataframe if "mentor_email" in d.value.columns]
    assert list(table["pairing_id"]) == list(expected["pairing_id"])
    assert list(table["days_since_last_meeting"]) == list(expected["days_since_last_meeting"])


def test_a_long_nudge_list_is_shown_a_page_at_a_time(app_database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from components.ui import paging

    engine = get_engine(app_database(sample))
    monkeypatch.setattr(paging, "DEFAULT_PAGE_SIZE", 2)
    expected = nudge_list(engine, _scored_day(engine))
    assert len(expected) > 2  # the sample has enough silent pairings to need pages
    at = open_page()
    assert not at.exception, [e.value for e in at.exception]

    def nudges_shown() -> list[str]:
        (table,) = [d.value for d in at.dataframe if "mentor_email" in d.value.columns]
        return list(table["pairing_id"])

    assert nudges_shown() == list(expected["pairing_id"][:2])
    assert f"Pairings 1–2 of {len(expected)} shown; the download has them all." in shown_text(at)
    at.session_state["nudge_page"] = 2
    at.run()
    assert nudges_shown() == list(expected["pairing_id"][2:4])
    assert any(d.label == "Download the nudge list (CSV)" for d in at.get("download_button"))


def _scored_day(engine: Engine) -> dt.date:
    with engine.connect() as connection:
        return connection.execute(select(func.max(PairingHealth.as_of))).scalar_one()


def test_the_distribution_draws_verdicts_in_their_colours_and_the_line(app_database) -> None:  # type: ignore[no-untyped-def]
    app_database(sample)
    at = open_page()
    assert not at.exception, [e.value for e in at.exception]
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    (spec,) = [s for s in specs if s["layer"][0]["encoding"]["x"].get("title") == "Health (0–100)"]
    bars = spec["layer"][0]
    scale = bars["encoding"]["color"]["scale"]
    assert dict(zip(scale["domain"], scale["range"], strict=True)) == {
        label: VERDICT_COLOURS[label] for label in ("Stalled", "At risk", "Not at risk")
    }
    # The dashed rule is drawn at the line of the settings (the data sit in the core's tests).
    assert spec["layer"][2]["mark"]["type"] == "rule"
    assert any("sits under the dashed at-risk line" in c.value for c in at.caption)
