"""The Rebalancing page: roles, live weights, accept / decline, conflicts, presenter mode."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, update
from streamlit.testing.v1 import AppTest

from tandem.access import EVERYTHING
from tandem.access.privacy import presenter_key, pseudonym
from tandem.matching import (
    COMPONENTS,
    MatchConfig,
    compute_rebalance,
    load_match_config,
    load_rebalance_settings,
    plan_sentence,
    scores_text,
)
from tandem.program.bundle import import_bundle
from tandem.program.db import get_engine
from tandem.program.models import AuditEntry, Pairing, Setting
from tests.app.conftest import as_read, open_as, shown_text
from tests.data_versions import record_versions
from tests.factories import small_program

SAMPLE_BUNDLE = Path(__file__).resolve().parents[2] / "data" / "sample_bundle"
PAGE = "pages/rebalancing.py"


def sample(engine: Engine) -> None:
    import_bundle(engine, SAMPLE_BUNDLE)


def demo(engine: Engine) -> None:
    generate_demo = pytest.importorskip("tandem.program.demo").generate_demo
    generate_demo(engine, pairings=60, seed=7, today=dt.date(2026, 6, 1))


DATASETS = {"empty": None, "small": small_program, "sample": sample, "demo": demo}


def open_page(role: str = "admin", present: bool = False, tab: str | None = None) -> AppTest:
    """The page as ``role``; with ``tab`` ("Rotation", "Mentor load"…), that tab opened
    (only the open tab is drawn)."""
    at = open_as(PAGE, role, present=present)
    if tab is not None:
        return open_tab(at, tab)
    return at


def open_tab(at: AppTest, tab: str) -> AppTest:
    from components.matching.rebalance.page import SECTION_KEY

    (label,) = [t.label for t in at.tabs if t.label.startswith(tab)]
    at.session_state[SECTION_KEY] = label
    at.run()
    assert not at.exception
    return at


def accept_buttons(at: AppTest) -> list[str]:
    return sorted(b.key for b in at.button if b.key and b.key.startswith("rb_accept_"))


def slider(at: AppTest, label: str):  # type: ignore[no-untyped-def]
    (found,) = [s for s in at.slider if s.label == label]
    return found


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        by_status = dict(
            connection.execute(select(Pairing.status, func.count()).group_by(Pairing.status)).all()
        )
        audit = connection.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
    return {**by_status, "pairings": sum(by_status.values()), "audit": audit}


def settings_rows(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [
            tuple(r)
            for r in connection.execute(
                select(Setting.key, Setting.value, Setting.updated_at).order_by(Setting.key)
            )
        ]


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_page_runs_on_every_dataset(app_database, dataset: str) -> None:  # type: ignore[no-untyped-def]
    engine = get_engine(app_database(DATASETS[dataset]))
    at = open_page()
    assert at.title[0].value == "Rebalancing"
    # One Accept button per suggestion of the plan's first page.
    from components.matching.rebalance.cards import PAGE_SIZE

    plan = compute_rebalance(engine)
    assert len(accept_buttons(at)) == min(len(plan.suggestions), PAGE_SIZE)


def test_a_sponsor_is_refused(app_database) -> None:  # type: ignore[no-untyped-def]
    app_database(sample)
    at = open_page("sponsor")
    assert any("is not open to the sponsor role" in e.value for e in at.error)
    assert not accept_buttons(at)
    assert not at.slider


def test_a_lead_sees_each_suggestion_with_its_evidence(app_database) -> None:  # type: ignore[no-untyped-def]
    engine = get_engine(app_database(sample))
    plan = compute_rebalance(engine)
    assert plan.suggestions
    at = open_page("lead")
    text = shown_text(at)
    cards = re.findall(r"Match score:\*\* ([\d.]+) \(current\) → ([\d.]+) \(suggested\)", text)
    for s in plan.suggestions:
        assert f"rb_accept_{s.pairing_id}_{s.suggested_mentor_id}" in accept_buttons(at)
        assert f"Pairing {s.pairing_id}" in text
        # Match scores read on 0–100, as on the Matching page (#15): never "0.965".
        assert any(
            float(current) == pytest.approx(s.current_score * 100, abs=0.5)
            and float(suggested) == pytest.approx(s.suggested_score * 100, abs=0.5)
            for current, suggested in cards
        ), f"no card shows {s.pairing_id}'s match scores on 0–100"
        assert (
            f"{s.suggested_mentor_load_before} → {s.suggested_mentor_load_after} of 2 mentees"
        ) in text
        if s.runner_up_score is not None:  # the runner-up, in its sentence, on 0–100
            assert scores_text(s.runner_up_score, s.suggested_score)[0] in text
    assert not re.search(r"\b0\.\d{3}\b", text), "a match score on the 0–1 scale"
    gained = sum(s.gain for s in plan.suggestions) * 100
    assert any(m.value == f"{gained:+.1f}" for m in at.metric)
    # The unresolved pairing and its reason are listed.
    for u in plan.unresolved:
        assert u.pairing_id in text
    assert "Nuñez, José" in text  # real names for a lead


def test_moving_a_slider_changes_the_plan_without_writing(app_database) -> None:  # type: ignore[no-untyped-def]
    engine = get_engine(app_database(sample))
    at = open_page("lead")
    saved = compute_rebalance(engine)
    before_settings, before_counts = settings_rows(engine), counts(engine)
    assert plan_sentence(saved) in shown_text(at)
    assert "Objective" not in shown_text(at)

    slider(at, "Skill complementarity").set_value(0.0).run()
    assert not at.exception
    weights = {**load_match_config(engine).weights, "skills": 0.0}
    expected = compute_rebalance(engine, config=MatchConfig(weights=weights))
    assert plan_sentence(expected) != plan_sentence(saved)
    assert plan_sentence(expected) in shown_text(at)
    assert any("unsaved" in c.value for c in at.caption)
    assert settings_rows(engine) == before_settings
    assert counts(engine) == before_counts

    # Reset puts the sliders back at the saved values.
    at.button(key="rb_weights_put_back").click().run()
    assert slider(at, "Skill complementarity").value == pytest.approx(0.35)
    assert plan_sentence(saved) in shown_text(at)


def test_saving_weights_writes_one_audit_row(app_database) -> None:  # type: ignore[no-untyped-def]
    engine = get_engine(app_database(sample))
    at = open_page("lead")
    before = counts(engine)["audit"]
    slider(at, "Level gap").set_value(0.5).run()
    at.button(key="rb_weights_save").click().run()
    assert not at.exception
    assert counts(engine)["audit"] == before + 1
    config = load_match_config(engine)
    assert config.weights["level"] == pytest.approx(0.5)
    assert {n: config.weights[n] for n in COMPONENTS if n != "level"} == {
        "skills": 0.35,
        "diversity": 0.20,
        "breadth": 0.10,
        "availability": 0.10,
    }
    assert any("Weights saved" in s.value for s in at.success)
    # The sliders now show the stored values, so there is nothing left to save.
    assert slider(at, "Level gap").value == pytest.approx(0.5)
    assert at.button(key="rb_weights_save").disabled


def test_accept_ends_the_old_pairing_and_proposes_the_new_one(app_database) -> None:  # type: ignore[no-untyped-def]
    engine = get_engine(app_database(sample))
    first = max(compute_rebalance(engine).suggestions, key=lambda s: s.gain)
    at = open_page("lead")
    before = counts(engine)
    at.button(key=f"rb_accept_{first.pairing_id}_{first.suggested_mentor_id}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    after = counts(engine)
    assert after["ended"] == before.get("ended", 0) + 1
    assert after["proposed"] == before.get("proposed", 0) + 1
    assert after["pairings"] == before["pairings"] + 1
    with engine.connect() as connection:
        new = connection.execute(
            select(Pairing).where(
                Pairing.status == "proposed", Pairing.mentee_id == first.mentee_id
            )
        ).one()
        old_status = connection.execute(
            select(Pairing.status).where(Pairing.pairing_id == first.pairing_id)
        ).scalar_one()
    assert new.mentor_id == first.suggested_mentor_id
    assert old_status == "ended"
    assert any(new.pairing_id in as_read(s.value) for s in at.success)
    # The plan was recomputed: the accepted move is no longer offered.
    assert f"rb_accept_{first.pairing_id}_{first.suggested_mentor_id}" not in accept_buttons(at)


def test_each_card_says_who_moves_from_whom_to_whom(app_database) -> None:  # type: ignore[no-untyped-def]
    from tandem.matching import person_names, runner_up_sentence, suggestion_sentence

    engine = get_engine(app_database(sample))
    plan = compute_rebalance(engine)
    at = open_page("lead")
    text = shown_text(at)
    people = {p for s in plan.suggestions for p in (s.mentee_id, s.current_mentor_id)}
    people |= {p for s in plan.suggestions for p in (s.suggested_mentor_id, s.runner_up_mentor_id)}
    names = person_names(engine, {p for p in people if p})

    def name(person_id: str) -> str:
        return names[person_id]

    for s in plan.suggestions:
        sentence = suggestion_sentence(s, name)
        assert sentence.startswith(f"Move mentee {names[s.mentee_id]} from ")
        assert sentence in text
        assert runner_up_sentence(s, name) in text
    assert "python -m tandem" not in text and "None" not in text and "(s)" not in text


def test_after_an_accept_the_page_offers_to_store_the_plan(app_database) -> None:  # type: ignore[no-untyped-def]
    from tandem.matching import load_match_config, stored_plan_time

    engine = get_engine(app_database(stored_sample))
    first = max(compute_rebalance(engine).suggestions, key=lambda s: s.gain)
    at = open_page("lead")
    at.button(key=f"rb_accept_{first.pairing_id}_{first.suggested_mentor_id}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    text = shown_text(at)
    assert "python -m tandem" not in text
    assert "no stored plan is current" in text
    assert stored_plan_time(engine, load_match_config(engine)) is None
    at.button(key="rb_store_plan").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert stored_plan_time(engine, load_match_config(engine)) is not None
    assert "Plan computed by the refresh at" in shown_text(at)
    assert not [b for b in at.button if b.key == "rb_store_plan"]


def test_a_suggestion_changed_meanwhile_is_refused_clearly(app_database) -> None:  # type: ignore[no-untyped-def]
    engine = get_engine(app_database(sample))
    first = max(compute_rebalance(engine).suggestions, key=lambda s: s.gain)
    at = open_page("lead")
    # Another lead touches the pairing between the render and the click.
    with engine.begin() as connection:
        connection.execute(
            update(Pairing)
            .where(Pairing.pairing_id == first.pairing_id)
            .values(version=Pairing.version + 1)
        )
    before = counts(engine)
    at.button(key=f"rb_accept_{first.pairing_id}_{first.suggested_mentor_id}").click().run()
    assert not at.exception
    assert counts(engine) == before
    assert any("changed since the suggestion was made" in e.value for e in at.error)
    assert not at.success


def test_decline_remembers_the_move(app_database) -> None:  # type: ignore[no-untyped-def]
    engine = get_engine(app_database(sample))
    first = max(compute_rebalance(engine).suggestions, key=lambda s: s.gain)
    at = open_page("lead")
    before = counts(engine)
    at.button(key=f"rb_decline_{first.pairing_id}_{first.suggested_mentor_id}").click().run()
    assert not at.exception
    declined = load_rebalance_settings(engine)["declined"]
    assert [(d["pairing_id"], d["mentor_id"]) for d in declined] == [
        (first.pairing_id, first.suggested_mentor_id)
    ]
    after = counts(engine)
    assert after["audit"] == before["audit"] + 1
    assert {k: v for k, v in after.items() if k != "audit"} == {
        k: v for k, v in before.items() if k != "audit"
    }
    assert f"rb_accept_{first.pairing_id}_{first.suggested_mentor_id}" not in accept_buttons(at)


def test_presenter_mode_is_read_only_and_pseudonymised(app_database) -> None:  # type: ignore[no-untyped-def]
    engine = get_engine(app_database(sample))
    plan = compute_rebalance(engine)
    at = open_page("admin", present=True)
    assert not accept_buttons(at)
    assert not [b for b in at.button if b.key in ("rb_weights_save", "rb_weights_put_back")]
    assert all(s.disabled for s in at.slider)
    text = shown_text(at)
    assert "Nuñez, José" not in text and "Ingrid Johansson" not in text
    key = presenter_key(engine)
    for s in plan.suggestions:
        assert f"Pairing {s.pairing_id}" in text  # the plan itself is still shown
        assert pseudonym(s.mentee_id, key) in text
        assert pseudonym(s.suggested_mentor_id, key) in text


def test_a_lead_limited_to_cohorts_sees_only_their_suggestions(  # type: ignore[no-untyped-def]
    app_database, monkeypatch
) -> None:
    import components.ui.navigation
    from tandem.access import Viewer

    engine = get_engine(app_database(sample))
    plan = compute_rebalance(engine)
    cohorts = {s.cohort_id for s in plan.suggestions}
    assert len(cohorts) > 1  # the sample has moves in several cohorts
    mine = sorted(c for c in cohorts if c)[0]
    lead = Viewer(role="lead", email="lead@example.com", cohorts=(mine,))
    monkeypatch.setattr(components.ui.navigation, "resolve_viewer", lambda engine: lead)
    at = open_page("lead")
    expected = sorted(
        f"rb_accept_{s.pairing_id}_{s.suggested_mentor_id}"
        for s in plan.suggestions
        if s.cohort_id == mine
    )
    assert expected and accept_buttons(at) == expected
    assert any("your cohorts only" in c.value for c in at.caption)
    suggestions = next(m for m in at.metric if m.label == "Suggestions")
    assert suggestions.value == str(len(expected))


def test_pins_and_excludes_are_saved_one_audited_change_each(app_database) -> None:  # type: ignore[no-untyped-def]
    import pandas as pd

    from components.matching.rebalance.pins import _apply_pin_changes

    engine = get_engine(app_database(sample))
    before = pd.DataFrame(
        {
            "pairing_id": ["pr-002", "pr-004", "pr-009"],
            "pinned": [False, False, False],
            "excluded": [False, False, False],
        }
    )
    after = before.assign(pinned=[True, False, False], excluded=[False, True, False])
    audit_before = counts(engine)["audit"]
    assert _apply_pin_changes(engine, EVERYTHING, before, after, "lead@example.com") == 2
    settings = load_rebalance_settings(engine)
    assert settings["pins"] == ["pr-002"] and settings["excludes"] == ["pr-004"]
    assert counts(engine)["audit"] == audit_before + 2
    # The plan honours them: neither pairing is suggested any more.
    moved = {s.pairing_id for s in compute_rebalance(engine).suggestions}
    assert not moved & {"pr-002", "pr-004"}
    # The page shows them ticked in the editor.
    at = open_page("lead")
    (editor,) = [d.value for d in at.dataframe if "pinned" in d.value.columns]
    ticked = editor.set_index("pairing_id")
    assert ticked.loc["pr-002", "pinned"] and not ticked.loc["pr-002", "excluded"]
    assert ticked.loc["pr-004", "excluded"] and not ticked.loc["pr-004", "pinned"]
    assert int(ticked["pinned"].sum()) == 1 and int(ticked["excluded"].sum()) == 1


def editor_ids(at: AppTest) -> list[str]:
    (editor,) = [d.value for d in at.dataframe if "pinned" in d.value.columns]
    return list(editor["pairing_id"])


def test_the_pins_editor_shows_a_page_of_the_pairings_found(app_database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import components.matching.rebalance.pins
    from tandem.matching import open_pairings, set_pinned

    engine = get_engine(app_database(sample))
    every = list(open_pairings(engine)["pairing_id"])
    assert len(every) > 3
    set_pinned(engine, EVERYTHING, every[-1], "lead@example.com", True)
    monkeypatch.setattr(components.matching.rebalance.pins, "PINS_PAGE_SIZE", 2)
    at = open_page("lead")
    assert not at.exception
    assert editor_ids(at) == every[:2]
    assert any(f"{len(every)} open pairings; 1–2 shown" in c.value for c in at.caption)
    at.session_state["rb_pins_page_False_"] = 2  # the pager's second page
    at.run()
    assert editor_ids(at) == every[2:4]
    assert any(f"{len(every)} open pairings; 3–4 shown" in c.value for c in at.caption)
    # Only the kept ones, wherever they are in the list.
    at.toggle(key="rb_pins_kept").set_value(True).run()
    assert editor_ids(at) == [every[-1]]
    at.toggle(key="rb_pins_kept").set_value(False).run()
    # A search finds it by pairing id (ticked), or by words of the names shown.
    at.text_input(key="rb_pins_search").input(every[-1].upper()).run()
    (editor,) = [d.value for d in at.dataframe if "pinned" in d.value.columns]
    assert list(editor["pairing_id"]) == [every[-1]] and bool(editor["pinned"].iloc[0])
    mentee = str(open_pairings(engine)["mentee"].iloc[0])
    at.text_input(key="rb_pins_search").input(mentee.lower()).run()
    assert every[0] in editor_ids(at)
    at.text_input(key="rb_pins_search").input("no such pairing").run()
    assert not [d for d in at.dataframe if "pinned" in d.value.columns]
    assert any(c.value == "No open pairing matches." for c in at.caption)


def test_the_pins_pager_goes_back_to_the_first_page_when_its_list_shrinks(  # type: ignore[no-untyped-def]
    app_database, monkeypatch
) -> None:
    import components.matching.rebalance.pins
    from tandem.matching import open_pairings, set_pinned

    engine = get_engine(app_database(sample))
    every = list(open_pairings(engine)["pairing_id"])
    for pairing_id in every[:4]:
        set_pinned(engine, EVERYTHING, pairing_id, "lead@example.com", True)
    monkeypatch.setattr(components.matching.rebalance.pins, "PINS_PAGE_SIZE", 1)
    at = open_page("lead")
    at.toggle(key="rb_pins_kept").set_value(True).run()
    at.session_state["rb_pins_page_True_"] = 4
    at.run()
    assert editor_ids(at) == [every[3]]
    set_pinned(engine, EVERYTHING, every[2], "lead@example.com", False)
    set_pinned(engine, EVERYTHING, every[3], "lead@example.com", False)
    at.run()  # two pages left
    assert not at.exception
    assert editor_ids(at) == [every[0]]
    assert any("2 open pairings; 1–1 shown" in c.value for c in at.caption)


def _accept_twice() -> None:
    """Script for AppTest.from_function: the same suggestion accepted twice in one session."""
    import os

    import streamlit as st

    from components.matching.rebalance.actions import OUTCOME_KEY, accept
    from tandem.access import EVERYTHING
    from tandem.matching import compute_rebalance
    from tandem.program.db import get_engine

    engine = get_engine(os.environ["DATABASE_URL"])
    if "first" not in st.session_state:
        st.session_state["first"] = max(compute_rebalance(engine).suggestions, key=lambda s: s.gain)
    accept(engine, EVERYTHING, st.session_state["first"], "lead@example.com")
    st.text(st.session_state[OUTCOME_KEY][1])


def test_a_second_click_on_an_accepted_suggestion_does_nothing(app_database) -> None:  # type: ignore[no-untyped-def]
    engine = get_engine(app_database(sample))
    before = counts(engine)
    at = AppTest.from_function(_accept_twice, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.text[0].value.startswith("Accepted")
    at.run()  # the same suggestion, the same session: a double click
    assert at.text[0].value == "This suggestion was already handled."
    after = counts(engine)
    assert after["proposed"] == before.get("proposed", 0) + 1
    assert after["ended"] == before.get("ended", 0) + 1


def test_a_very_large_program_asks_before_computing_the_plan(app_database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import components.matching.rebalance as rebalancing_component

    app_database(sample)
    monkeypatch.setattr(rebalancing_component.page, "LIVE_PLAN_LIMIT", 1)
    at = open_page()
    assert not at.exception
    assert any("does not start on its own" in w.value for w in at.warning)
    assert accept_buttons(at) == []
    at.button(key="rebalancing_compute_large").click().run()
    assert not at.exception
    assert not any("does not start on its own" in w.value for w in at.warning)
    assert accept_buttons(at)


def stored_sample(engine: Engine) -> None:
    """The sample program with the plan stored by the refresh."""
    from tandem.health import refresh_health
    from tandem.matching import refresh_rebalance_plan

    sample(engine)
    refresh_health(engine)
    refresh_rebalance_plan(engine)


def _no_live_plan(monkeypatch) -> list[str]:  # type: ignore[no-untyped-def]
    """Make every live computation fail loudly; returns the calls attempted."""
    import components.matching.rebalance as rebalancing_component

    calls: list[str] = []

    def refuse(name: str):  # type: ignore[no-untyped-def]
        def run(*args, **kwargs):  # type: ignore[no-untyped-def]
            calls.append(name)
            raise AssertionError(f"{name} called on a page view")

        return run

    monkeypatch.setattr(
        rebalancing_component.reads, "compute_rebalance", refuse("compute_rebalance")
    )
    monkeypatch.setattr(rebalancing_component.reads, "compute_rotation", refuse("compute_rotation"))
    return calls


def test_the_page_reads_the_stored_plan_without_computing(app_database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import components.matching.rebalance as rebalancing_component

    engine = get_engine(app_database(stored_sample))
    expected = compute_rebalance(engine)
    calls = _no_live_plan(monkeypatch)
    # A "very large" program: a stored plan needs no confirmation either.
    monkeypatch.setattr(rebalancing_component.page, "LIVE_PLAN_LIMIT", 1)
    at = open_page("lead")
    assert calls == []
    assert not any("does not start on its own" in w.value for w in at.warning)
    assert "Plan computed by the refresh at" in shown_text(at)
    assert accept_buttons(at) == sorted(
        f"rb_accept_{s.pairing_id}_{s.suggested_mentor_id}" for s in expected.suggestions
    )
    # The plan in words counts the stored moves, as the live plan would (the stored
    # plan is read without its suggestions: it once said "moves none" beside them).
    assert expected.suggestions
    assert plan_sentence(expected) in shown_text(at)
    assert "moves none" not in shown_text(at)


def test_moving_a_slider_computes_for_those_weights(app_database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import components.matching.rebalance as rebalancing_component

    app_database(stored_sample)
    calls: list[object] = []
    real = rebalancing_component.reads.compute_rebalance

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(kwargs.get("config"))
        return real(*args, **kwargs)

    monkeypatch.setattr(rebalancing_component.reads, "compute_rebalance", counted)
    at = open_page("lead")
    assert calls == []
    label = slider_labels(at)[0]
    slider(at, label).set_value(slider(at, label).value + 0.5).run()
    assert not at.exception
    assert len(calls) == 1  # only the unsaved weights; the baseline is the stored plan
    text = shown_text(at)
    assert "Plan computed now for these weights" in text
    assert "Plan computed by the refresh" not in text


def test_a_very_large_program_asks_before_computing_unsaved_weights(
    app_database, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import components.matching.rebalance as rebalancing_component

    app_database(stored_sample)
    calls = _no_live_plan(monkeypatch)
    monkeypatch.setattr(rebalancing_component.page, "LIVE_PLAN_LIMIT", 1)
    at = open_page("lead")
    label = slider_labels(at)[0]
    slider(at, label).set_value(slider(at, label).value + 0.5).run()
    assert not at.exception
    assert calls == []
    assert any("does not start on its own" in w.value for w in at.warning)
    assert accept_buttons(at) == []


@pytest.mark.parametrize("change", ["pin", "save weights"])
def test_a_change_makes_the_page_compute_again(app_database, monkeypatch, change: str) -> None:  # type: ignore[no-untyped-def]
    from tandem.matching import set_pinned

    engine = get_engine(app_database(stored_sample))
    if change == "pin":
        set_pinned(engine, EVERYTHING, compute_rebalance(engine).suggestions[0].pairing_id, "test")
    else:
        saved = load_match_config(engine)
        weights = {**saved.weights, COMPONENTS[0]: saved.weights[COMPONENTS[0]] + 0.5}
        from tandem.matching import save_match_config

        save_match_config(engine, MatchConfig(weights=weights), "test")
    calls = _no_live_plan(monkeypatch)
    at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "app.py"))
    at.session_state["tandem_demo_role"] = "lead"
    at.run()
    at.switch_page(PAGE).run()
    # The stale stored plan is not used: the page tried to compute a live one.
    assert "compute_rebalance" in calls


def slider_labels(at: AppTest) -> list[str]:
    return [s.label for s in at.slider if s.label not in ("Poor-fit line", "Stay bonus")]


@pytest.mark.parametrize("stored", [False, True], ids=["live", "stored"])
def test_the_load_chart_draws_the_mentors_with_most_to_see(
    app_database, monkeypatch, stored
) -> None:  # type: ignore[no-untyped-def]
    import streamlit as st

    import tandem.matching.rebalance.frames

    engine = get_engine(app_database(stored_sample if stored else sample))
    plan = compute_rebalance(engine)
    touched = {s.current_mentor_id for s in plan.suggestions} | {
        s.suggested_mentor_id for s in plan.suggestions
    }
    assert len(touched) > 2
    at = open_page("lead", tab="Mentor load")
    assert not any("The chart shows" in c.value for c in at.caption)  # all of them fit
    monkeypatch.setattr(tandem.matching.rebalance.frames, "LOAD_CHART_MENTORS", 2)
    st.cache_resource.clear()  # what a plan shows is worked out once per plan and data
    at = open_page("lead", tab="Mentor load")
    assert not at.exception
    (caption,) = [c.value for c in at.caption if "The chart shows" in c.value]
    assert caption.endswith(
        f"The chart shows 2 of the {len(touched)} mentors concerned: "
        "those over capacity, then the biggest changes."
    )
    assert "Over capacity before: " in caption  # the counts are still over every mentor


def test_a_rerun_draws_what_the_first_run_worked_out(app_database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import components.matching.rebalance.reads

    app_database(stored_sample)
    calls: list[int] = []
    real = components.matching.rebalance.reads.stored_load_summary

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args, **kwargs)

    fingerprints: list[int] = []
    fingerprint = components.matching.rebalance.reads.data_fingerprint

    def fingerprinted(*args, **kwargs):  # type: ignore[no-untyped-def]
        fingerprints.append(1)
        return fingerprint(*args, **kwargs)

    monkeypatch.setattr(components.matching.rebalance.reads, "stored_load_summary", counted)
    monkeypatch.setattr(components.matching.rebalance.reads, "data_fingerprint", fingerprinted)
    versions = record_versions(monkeypatch)
    at = open_page("lead")
    text = shown_text(at)
    assert calls == [1]
    assert fingerprints == [1]  # the workbench and the rest of the page share it
    first = len(versions) - 1  # the version the page's run read
    at.run()
    assert not at.exception
    # Once per data version (tests/data_versions.py): on SQLite, once.
    assert len(calls) == len(set(versions[first:])) and shown_text(at) == text
    assert len(fingerprints) == len(set(versions[first:]))


def test_rotation_is_shown_a_page_at_a_time(app_database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import components.matching.rebalance as rebalancing_component
    from tandem.matching import compute_rotation

    engine = get_engine(app_database(demo))
    waiting = compute_rotation(engine)
    assert len(waiting) > 2  # the demo has mentees waiting for a next mentor
    monkeypatch.setattr(rebalancing_component.sections, "ROTATION_PAGE_SIZE", 2)

    def rotation_table(at: AppTest):  # type: ignore[no-untyped-def]
        [frame] = [f.value for f in at.dataframe if "Next mentor" in f.value.columns]
        return frame

    at = open_page(tab="Rotation")
    assert f"Mentees 1–2 of {len(waiting)}." in [c.value for c in at.caption]
    assert len(rotation_table(at)) == 2
    first = list(rotation_table(at)["Mentee"])
    at.session_state["rb_rotation_page"] = 2
    at.run()
    assert f"Mentees 3–4 of {len(waiting)}." in [c.value for c in at.caption]
    second = list(rotation_table(at)["Mentee"])
    assert len(second) == 2 and not set(second) & set(first)
