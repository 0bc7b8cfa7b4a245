"""The Feedback themes page: data sets, roles, codebook edits and conflicts, hand-coding, XSS."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update
from streamlit.testing.v1 import AppTest

from tandem.program.bundle import import_bundle
from tandem.program.db import get_engine
from tandem.program.models import AuditEntry, Feedback
from tandem.program.theme_tables import FeedbackAnalysis, Theme, ThemeCandidate, ThemeRefreshRun
from tandem.refresh import refresh_all
from tests.app.conftest import as_read, open_as, shown_text
from tests.factories import small_program

SAMPLE_BUNDLE = Path(__file__).resolve().parents[2] / "data" / "sample_bundle"
PAGE = "pages/themes.py"
HOSTILE = [
    "<script>alert(1)</script>",
    "[link](javascript:alert(1))",
    '=HYPERLINK("http://evil.example","click")',
    "**bold** and <img src=x onerror=alert(2)>",
]


def sample(engine: Engine) -> None:
    import_bundle(engine, SAMPLE_BUNDLE)
    refresh_all(engine, today=dt.date(2025, 12, 31))


def hostile(engine: Engine) -> None:
    """The sample program plus shareable notes full of markup, placed in a theme."""
    sample(engine)
    with engine.begin() as connection:
        theme_ids = connection.execute(select(Theme.theme_id).order_by(Theme.theme_id)).scalars()
        first, second = list(theme_ids)[:2]
        for index, text in enumerate(HOSTILE):
            theme_id = first if index < 3 else second  # three quotes per theme at most
            fid = f"hostile-{index}"
            connection.execute(
                Feedback.__table__.insert().values(
                    feedback_id=fid,
                    pairing_id="pr-001",
                    cohort_id="c-exec-2025",
                    date=dt.date(2025, 6, 1),
                    source="checkin_note",
                    author_role="mentee",
                    visibility="shareable",
                    text=text,
                    coded_theme=None,
                )
            )
            connection.execute(
                FeedbackAnalysis.__table__.insert().values(
                    feedback_id=fid,
                    theme_id=theme_id,
                    confidence=0.99 - index / 100,  # the most typical: all are quoted
                    sentiment=0.0,
                    method="test",
                    refreshed_at=dt.datetime(2025, 6, 1),
                )
            )


DATASETS = {"empty": None, "small": small_program, "sample": sample}


def open_page(role: str = "lead", present: bool = False, section: str | None = None) -> AppTest:
    """The page as ``role``, with tab ``section`` open (only the open tab runs)."""
    return open_as(PAGE, role, present=present, query={"section": section} if section else None)


def every_section(role: str, present: bool = False) -> list[AppTest]:
    """The page once per tab the viewer has, each with that tab open."""
    labels = tab_labels(open_page(role, present))
    return [open_page(role, present, label) for label in labels]


def said(elements) -> list[str]:  # type: ignore[no-untyped-def]
    """Element values with markdown escapes removed (the page escapes untrusted text)."""
    return [as_read(e.value) for e in elements]


def tab_labels(at: AppTest) -> list[str]:
    return [tab.label for tab in at.tabs]


def button(at: AppTest, label: str):  # type: ignore[no-untyped-def]
    (found,) = [b for b in at.button if b.label == label]
    return found


def theme_row(url: str, name: str) -> Theme:
    with get_engine(url).connect() as connection:
        row = connection.execute(select(Theme).where(Theme.name == name)).one()
    return row  # type: ignore[return-value]


@pytest.mark.parametrize("dataset", sorted(DATASETS))
@pytest.mark.parametrize("role", ["sponsor", "lead"])
def test_page_runs_on_every_dataset(app_database, dataset: str, role: str) -> None:  # type: ignore[no-untyped-def]
    app_database(DATASETS[dataset])
    at = open_page(role)
    assert at.title[0].value == "Feedback themes"
    captions = said(at.caption)
    assert any("Theme engine lexical" in c or "not been computed yet" in c for c in captions)
    if dataset == "sample":
        assert any("Theme engine lexical" in c and "last refreshed" in c for c in captions)
    else:
        assert any("not been computed yet" in c for c in said(at.caption))
    if dataset == "empty":  # where themes come from, in words a sponsor can act on
        (info,) = [i.value for i in at.info if "No themed feedback" in i.value]
        assert "“Refresh themes now” on this page" in info
        assert "python -m" not in info
    for tab in every_section(role):  # every tab runs without an exception
        assert tab.title[0].value == "Feedback themes"


def test_sponsor_sees_no_edit_controls(app_database) -> None:  # type: ignore[no-untyped-def]
    app_database(sample)
    at = open_page("sponsor")
    assert tab_labels(at) == ["Overview", "Breakdowns", "Quotes", "Codebook", "Discovered"]
    for at in every_section("sponsor"):
        labels = {b.label for b in at.button}
        assert not labels & {"Refresh themes now", "Save theme", "Add theme", "Save labels"}
        assert not labels & {"Promote to the codebook", "Deactivate this theme"}
        assert not at.text_area and not at.text_input
    codebook = open_page("sponsor", section="Codebook")
    assert any("edited by program leads" in c for c in said(codebook.caption))
    # A tab the viewer does not have cannot be opened from the URL.
    sneaky = open_page("sponsor", section="Hand-coding")
    assert not any(s.key and s.key.startswith("code_") for s in sneaky.selectbox)


def test_presenter_mode_shows_only_the_read_only_tabs(app_database) -> None:  # type: ignore[no-untyped-def]
    app_database(sample)
    at = open_page("lead", present=True)
    assert tab_labels(at) == ["Overview", "Breakdowns", "Quotes"]
    for at in [*every_section("lead", present=True), open_page("lead", True, "Codebook")]:
        assert not any(b.label == "Refresh themes now" for b in at.button)
        keys = {s.key for s in at.selectbox if s.key}
        assert "codebook_pick" not in keys and not any(k.startswith("code_") for k in keys)
        assert not at.text_area and not at.text_input


def test_lead_edits_a_theme_with_an_audit_row(app_database) -> None:  # type: ignore[no-untyped-def]
    url = app_database(sample)
    at = open_page("lead", section="Codebook")
    name = at.selectbox(key="codebook_pick").value
    before = theme_row(url, name)
    key = f"cb_desc_{before.theme_id}_{before.version}"
    at.text_area(key=key).set_value("What the notes say about this, rewritten.")
    button(at, "Save theme").click().run()
    assert not at.exception
    after = theme_row(url, name)
    assert after.description == "What the notes say about this, rewritten."
    assert after.version == before.version + 1
    assert any("saved" in s for s in said(at.success))
    with get_engine(url).connect() as connection:
        audits = connection.execute(
            select(AuditEntry).where(
                AuditEntry.action == "update_theme", AuditEntry.entity_id == str(after.theme_id)
            )
        ).all()
    assert len(audits) == 1
    # The form now edits from the new version.
    assert at.text_area(key=f"cb_desc_{after.theme_id}_{after.version}").value == (
        "What the notes say about this, rewritten."
    )


def test_a_stale_edit_shows_the_conflict_and_writes_nothing(app_database) -> None:  # type: ignore[no-untyped-def]
    url = app_database(sample)
    at = open_page("lead", section="Codebook")
    name = at.selectbox(key="codebook_pick").value
    before = theme_row(url, name)
    # A colleague saves in between.
    with get_engine(url).begin() as connection:
        connection.execute(
            update(Theme)
            .where(Theme.theme_id == before.theme_id)
            .values(description="Their edit", version=Theme.version + 1)
        )
    at.text_area(key=f"cb_desc_{before.theme_id}_{before.version}").set_value("My edit")
    button(at, "Save theme").click().run()
    assert not at.exception
    assert any("changed by someone else" in e for e in said(at.error))
    assert theme_row(url, name).description == "Their edit"
    # Loading the latest version shows their text in a fresh form.
    button(at, "Load the latest version").click().run()
    assert at.text_area(key=f"cb_desc_{before.theme_id}_{before.version + 1}").value == (
        "Their edit"
    )


def test_lead_adds_a_theme(app_database) -> None:  # type: ignore[no-untyped-def]
    url = app_database(sample)
    at = open_page("lead", section="Codebook")
    at.text_input(key="cb_new_name").set_value("Board readiness")
    at.text_area(key="cb_new_description").set_value("Preparing to sit on a board.")
    at.text_area(key="cb_new_examples").set_value("board papers\nnon-exec role\n")
    button(at, "Add theme").click().run()
    assert not at.exception
    added = theme_row(url, "Board readiness")
    assert added.origin == "lead" and added.examples == "board papers\nnon-exec role"
    # The same name again is refused, not overwritten.
    at.text_input(key="cb_new_name").set_value("Board readiness")
    at.text_area(key="cb_new_description").set_value("Something else")
    button(at, "Add theme").click().run()
    assert any("already exists" in e for e in said(at.error))
    assert theme_row(url, "Board readiness").description == "Preparing to sit on a board."


def test_hand_coding_a_note_sets_its_coded_theme(app_database) -> None:  # type: ignore[no-untyped-def]
    url = app_database(sample)
    at = open_page("lead", section="Hand-coding")
    assert "Hand-coding" in tab_labels(at)
    boxes = [s for s in at.selectbox if s.key and s.key.startswith("code_")]
    assert boxes
    feedback_id = boxes[0].key.removeprefix("code_")
    with get_engine(url).connect() as connection:
        visibility = connection.execute(
            select(Feedback.visibility).where(Feedback.feedback_id == feedback_id)
        ).scalar_one()
        private_ids = set(
            connection.execute(
                select(Feedback.feedback_id).where(Feedback.visibility == "private")
            ).scalars()
        )
    assert visibility != "private"
    assert not private_ids & {s.key.removeprefix("code_") for s in boxes}
    theme = boxes[0].options[1]
    boxes[0].set_value(theme)
    button(at, "Save labels").click().run()
    assert not at.exception
    with get_engine(url).connect() as connection:
        coded = connection.execute(
            select(Feedback.coded_theme).where(Feedback.feedback_id == feedback_id)
        ).scalar_one()
    assert coded == theme
    # Labelled notes leave the list.
    assert f"code_{feedback_id}" not in {s.key for s in at.selectbox if s.key}


def test_hostile_text_is_quoted_literally(app_database) -> None:  # type: ignore[no-untyped-def]
    app_database(hostile)
    at = open_page("sponsor", section="Quotes")
    texts = [t.value for t in at.text]
    for raw in HOSTILE:
        assert raw in texts, raw
        for element in [*at.markdown, *at.caption, *at.info, *at.error, *at.success]:
            assert raw not in element.value
            assert "alert(1)" not in element.value


def test_lead_refreshes_the_themes_from_the_page(app_database) -> None:  # type: ignore[no-untyped-def]
    url = app_database(small_program)
    at = open_page("lead")
    assert any("not been computed yet" in c for c in said(at.caption))
    at.button(key="themes_refresh").click().run()
    assert not at.exception
    with get_engine(url).connect() as connection:
        runs = connection.execute(select(ThemeRefreshRun.actor)).scalars().all()
        analysed = connection.execute(select(FeedbackAnalysis.feedback_id)).scalars().all()
    assert runs == ["demo lead"] and len(analysed) == 2
    at.run()
    assert any("last refreshed" in c for c in said(at.caption))


def test_lead_promotes_a_candidate(app_database) -> None:  # type: ignore[no-untyped-def]
    url = app_database(sample)
    with get_engine(url).begin() as connection:
        connection.execute(
            ThemeCandidate.__table__.insert().values(
                label="parental leave / return",
                keywords="leave;return;childcare",
                size=6,
                example_ids="fb-001;fb-002",
                status="open",
            )
        )
    at = open_page("lead", section="Discovered")
    at.text_input(key="promote_name").set_value("Returning from leave")
    at.text_area(key="promote_description").set_value("Coming back after parental leave.")
    at.button(key="promote").click().run()
    assert not at.exception
    added = theme_row(url, "Returning from leave")
    assert added.origin == "discovered" and added.keywords == "leave;return;childcare"
    assert any("added" in s for s in said(at.success))


def test_lead_deactivates_a_theme(app_database) -> None:  # type: ignore[no-untyped-def]
    url = app_database(sample)
    at = open_page("lead", section="Codebook")
    name = at.selectbox(key="codebook_pick").value
    before = theme_row(url, name)
    at.button(key=f"cb_deactivate_{before.theme_id}").click().run()
    assert not at.exception
    after = theme_row(url, name)
    assert not after.active and after.version == before.version + 1
    with get_engine(url).connect() as connection:
        actions = connection.execute(
            select(AuditEntry.action).where(AuditEntry.entity_id == str(before.theme_id))
        ).scalars()
        assert "deactivate_theme" in set(actions)
    # Inactive themes leave the hand-coding choices.
    coding = open_page("lead", section="Hand-coding")
    choices = {
        option
        for s in coding.selectbox
        if s.key and s.key.startswith("code_")
        for option in s.options
    }
    assert choices and name not in choices


def test_lead_codes_a_note_from_the_coding_queue_and_undoes_it(app_database) -> None:  # type: ignore[no-untyped-def]
    url = app_database(sample)
    assert "Coding queue" in tab_labels(open_page("lead"))
    assert "Coding queue" not in tab_labels(open_page("sponsor"))
    assert "Coding queue" not in tab_labels(open_page("lead", present=True))
    at = open_page("lead", section="Coding queue")
    boxes = [s for s in at.selectbox if s.key and s.key.startswith("coding_theme_")]
    assert 0 < len(boxes) <= 5
    feedback_id = boxes[0].key.removeprefix("coding_theme_")
    with get_engine(url).connect() as connection:
        private_ids = set(
            connection.execute(
                select(Feedback.feedback_id).where(Feedback.visibility == "private")
            ).scalars()
        )
    assert not private_ids & {s.key.removeprefix("coding_theme_") for s in boxes}
    theme = next(option for option in boxes[0].options if option != boxes[0].value)
    boxes[0].set_value(theme)
    (code,) = [b for b in at.button if b.key == f"coding_code_{feedback_id}"]
    code.click().run()
    assert not at.exception
    assert any("similar notes re-read" in s for s in said(at.success))
    with get_engine(url).connect() as connection:
        coded = connection.execute(
            select(Feedback.coded_theme).where(Feedback.feedback_id == feedback_id)
        ).scalar_one()
        actions = set(connection.execute(select(AuditEntry.action)).scalars())
    assert coded == theme
    assert {"code_feedback", "update_themes_after_coding"} <= actions
    assert f"coding_theme_{feedback_id}" not in {s.key for s in at.selectbox if s.key}
    (undo,) = [b for b in at.button if b.key == f"coding_undo_{feedback_id}"]
    undo.click().run()
    assert not at.exception
    with get_engine(url).connect() as connection:
        coded = connection.execute(
            select(Feedback.coded_theme).where(Feedback.feedback_id == feedback_id)
        ).scalar_one()
    assert coded is None


ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
HOUSE_DATE = re.compile(r"\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b")


def test_every_date_on_the_page_reads_the_house_way(app_database) -> None:  # type: ignore[no-untyped-def]
    """Quotes, the coding queues, the period compared and the refresh line say
    "9 Sep 2026", never "2026-09-09" (#15), and codes read as words."""
    app_database(sample)
    pages = every_section("lead")
    text = " ".join(shown_text(at) for at in pages)
    assert not ISO_DATE.findall(text), ISO_DATE.findall(text)[:5]
    captions = [c for at in pages for c in said(at.caption)]
    quoted = [c for c in captions if re.fullmatch(rf"\w+, {HOUSE_DATE.pattern}", c)]
    assert quoted, "no quote says its date the house way"
    assert all(c[0].isupper() for c in quoted), "a role code, not words"
