"""``python -m tandem weights --learn`` (``tandem.cli.weights``): the estimate as JSON and as a
table, ``--outcome``, ``--adopt`` with ``--actor``, and every refusal as one line and a
non-zero exit."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import Engine, func, select

from tandem.access import EVERYTHING
from tandem.cli.main import main
from tandem.cli.weights import format_learned
from tandem.matching.config import (
    COMPONENT_LABELS,
    COMPONENTS,
    DEFAULT_WEIGHTS,
    SETTING_KEY,
    load_match_config,
)
from tandem.matching.learn import Factor, LearnedWeights, learn_weights
from tandem.program.bulk import upsert
from tandem.program.db import transaction
from tandem.program.models import AuditEntry, CheckIn, Setting
from tests.tandem.cli.helpers import fails_cleanly
from tests.tandem.matching.outcomes import NOTHING_PLANTED, load_finished_pairings

FINISHED = 120


def _audit_actors(engine: Engine) -> list[str]:
    """Who changed the matching settings, oldest first."""
    with engine.connect() as connection:
        return list(
            connection.execute(
                select(AuditEntry.actor)
                .where(AuditEntry.entity == "setting", AuditEntry.entity_id == SETTING_KEY)
                .order_by(AuditEntry.id)
            ).scalars()
        )


def _stored_settings(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(Setting)).scalar_one())


def test_json_prints_the_estimate_and_writes_nothing(
    engine: Engine, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    load_finished_pairings(engine, FINISHED)
    assert main(["--database-url", db_url, "weights", "--learn", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"n", "outcome", "factors", "suggested_weights"}
    assert out["n"] == FINISHED and out["outcome"] == "milestones"
    assert [f["component"] for f in out["factors"]] == list(COMPONENTS)
    assert set(out["factors"][0]) == {"component", "effect", "ci_low", "ci_high"}
    assert out == learn_weights(engine, EVERYTHING).to_json()
    assert out["suggested_weights"] != DEFAULT_WEIGHTS  # something to adopt, not adopted
    assert dict(load_match_config(engine).weights) == DEFAULT_WEIGHTS
    assert _stored_settings(engine) == 0 and _audit_actors(engine) == []


def test_the_table_shows_each_component_its_interval_and_both_weights(
    engine: Engine, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    load_finished_pairings(engine, FINISHED)
    assert main(["--database-url", db_url, "weights", "--learn"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"{FINISHED} finished pairing(s); outcome: share of milestones done"
    learned = learn_weights(engine, EVERYTHING)
    assert learned.suggests_change
    for factor in learned.factors:
        assert factor.effect is not None  # every component varies in this program
        [row] = [line for line in lines if line.startswith(COMPONENT_LABELS[factor.component])]
        assert row.split()[-6:] == [
            f"{factor.effect:+.3f}",
            f"{factor.ci_low:+.3f}",
            "to",
            f"{factor.ci_high:+.3f}",
            f"{DEFAULT_WEIGHTS[factor.component]:.2f}",
            f"{learned.suggested_weights[factor.component]:.2f}",
        ], row
    assert "the current weights stand" not in "\n".join(lines)
    assert _stored_settings(engine) == 0


@pytest.mark.parametrize(("options", "actor"), [([], "cli"), (["--actor", "admin@x"], "admin@x")])
def test_adopt_makes_the_suggested_weights_the_matching_weights_as_the_actor(
    engine: Engine,
    db_url: str,
    capsys: pytest.CaptureFixture[str],
    options: list[str],
    actor: str,
) -> None:
    load_finished_pairings(engine, FINISHED)
    argv = ["--database-url", db_url, "weights", "--learn", "--json", "--adopt", *options]
    assert main(argv) == 0
    captured = capsys.readouterr()
    suggested = json.loads(captured.out)["suggested_weights"]
    assert "adopted the suggested weights" in captured.err
    assert dict(load_match_config(engine).weights) == pytest.approx(suggested)
    assert dict(load_match_config(engine).weights) != pytest.approx(DEFAULT_WEIGHTS)
    assert _audit_actors(engine) == [actor]


def test_adopt_with_no_clear_component_keeps_the_weights(
    engine: Engine, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    load_finished_pairings(engine, FINISHED, planted=NOTHING_PLANTED)
    assert main(["--database-url", db_url, "weights", "--learn", "--adopt"]) == 0
    captured = capsys.readouterr()
    assert captured.out.rstrip().endswith(
        "no component's interval lies above zero: the current weights stand"
    )
    assert "nothing to adopt: no component's interval lies above zero" in captured.err
    assert "adopted" not in captured.err
    assert dict(load_match_config(engine).weights) == DEFAULT_WEIGHTS
    assert _stored_settings(engine) == 0 and _audit_actors(engine) == []


def test_outcome_rating_gain_regresses_the_ratings(
    engine: Engine, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    load_finished_pairings(engine, FINISHED)
    argv = ["--database-url", db_url, "weights", "--learn", "--outcome", "rating_gain", "--json"]
    # No check-in yet: the outcome the option names has nothing to learn from.
    fails_cleanly(
        capsys,
        argv,
        1,
        "error: only 0 pairing(s) that have run their course have an outcome "
        "(rating gain from the first to the last check-in)",
    )
    assert capsys.readouterr().out == ""
    checkins = [
        {
            "checkin_id": f"k{k}-{visit}",
            "pairing_id": f"x{k}",
            "date": dt.date(2024, 2, 1) + dt.timedelta(days=120 * visit),
            "duration_minutes": 60,
            "submitted_by": "both",
            "clarity": 2 + visit * (k % 3),
            "confidence": 3,
            "influence": 2 + visit * (k % 2),
            "safety": 4,
            "mentor_learning": 2,
        }
        for k in range(FINISHED)
        for visit in (0, 1)
    ]
    with engine.begin() as connection:
        upsert(connection, CheckIn.__table__, checkins)  # type: ignore[arg-type]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["n"] == FINISHED and out["outcome"] == "rating_gain"
    assert out == learn_weights(engine, EVERYTHING, outcome="rating_gain").to_json()


def test_too_few_finished_pairings_are_refused_in_one_line(
    engine: Engine, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    load_finished_pairings(engine, 4)
    fails_cleanly(
        capsys,
        ["--database-url", db_url, "weights", "--learn", "--adopt"],
        1,
        "error: only 4 pairing(s) that have run their course have an outcome "
        "(share of milestones done); at least",
    )
    assert _stored_settings(engine) == 0


def test_invalid_stored_matching_settings_are_one_clear_line(
    engine: Engine, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    load_finished_pairings(engine, FINISHED)
    with transaction(engine) as session:
        # Written behind the validator's back, as an older version or a hand edit might.
        session.add(Setting(key=SETTING_KEY, value={"weights": {"skills": -1}}))
    fails_cleanly(
        capsys,
        ["--database-url", db_url, "weights", "--learn"],
        1,
        "error: the stored matching settings are invalid: weight 'skills' must be ≥ 0",
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ([], "the following arguments are required: --learn"),
        (["--learn", "--outcome", "happiness"], "invalid choice: 'happiness'"),
    ],
)
def test_bad_options_are_refused_before_anything_runs(
    options: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["weights", *options])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert message in err, err
    assert "Traceback" not in err


def test_a_component_that_does_not_vary_is_shown_without_an_effect() -> None:
    current = dict(DEFAULT_WEIGHTS)
    learned = LearnedWeights(
        n=9,
        outcome="milestones",
        factors=[
            Factor(name, None, None, None)
            if name == "availability"
            else Factor(name, 0.1, -0.2, 0.4)
            for name in COMPONENTS
        ],
        current_weights=current,
        suggested_weights=current,
    )
    text = format_learned(learned)
    [row] = [line for line in text.splitlines() if line.startswith("availability")]
    assert row.split() == ["availability", "—", "does", "not", "vary", "0.10", "0.10"]
    [skills] = [line for line in text.splitlines() if line.startswith("skill complementarity")]
    assert skills.split()[2:] == ["+0.100", "-0.200", "to", "+0.400", "0.35", "0.35"]
    assert text.splitlines()[0] == "9 finished pairing(s); outcome: share of milestones done"
    assert text.endswith("no component's interval lies above zero: the current weights stand")
