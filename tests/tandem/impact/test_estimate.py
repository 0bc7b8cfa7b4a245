"""The impact estimator on synthetic programs whose truth is known."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from tandem.impact import estimate, interval_text, points, verdict
from tandem.impact.estimate import matched_weights

INDEX = dt.date(2024, 1, 15)
AS_OF = dt.date(2026, 6, 1)


def synthetic(
    *,
    effect: float,
    n: int = 4000,
    seed: int = 7,
    outcome: str = "promotion",
    selection: float = 3.0,
) -> pd.DataFrame:
    """Colleagues whose chance of promotion (or of leaving) rises with level; participants
    picked mostly from the senior levels (selection); taking part adds ``effect``."""
    rng = np.random.default_rng(seed)
    level = rng.integers(1, 5, n)
    division = rng.choice(["Wealth", "Risk"], n)
    geography = rng.choice(["UK", "Singapore"], n)
    tenure = rng.choice(["<2 years", "2–5 years"], n)
    base = 0.05 + 0.15 * (level - 1)  # 5 % … 50 %
    pick = 0.02 * selection ** (level - 1)
    participant = rng.random(n) < pick / pick.max() * 0.4
    chance = np.clip(base + effect * participant, 0, 1)
    happened = rng.random(n) < chance
    when = [
        pd.Timestamp(INDEX) + pd.Timedelta(days=int(d)) if h else pd.NaT
        for h, d in zip(happened, rng.integers(5, 360, n), strict=True)
    ]
    frame = pd.DataFrame(
        {
            "person_id": [f"p{i}" for i in range(n)],
            "arm": np.where(participant, "participant", "comparison"),
            "index_date": pd.Timestamp(INDEX),
            "level": level,
            "division": division,
            "geography": geography,
            "tenure_band": tenure,
            "promoted_at": pd.NaT,
            "left_at": pd.NaT,
        }
    )
    frame["promoted_at" if outcome == "promotion" else "left_at"] = pd.to_datetime(when)
    return frame


def run(units: pd.DataFrame, **kw: object) -> object:
    args = {"group": "mentees", "outcome": "promotion", "as_of": AS_OF, "threshold": 5, **kw}
    return estimate(units, **args)  # type: ignore[arg-type]


def test_selection_without_effect_flatters_the_naive_difference_only() -> None:
    result = run(synthetic(effect=0.0))
    assert result.naive_difference is not None and result.naive_difference > 0.08
    assert result.interval is not None
    low, high = result.interval
    assert low < 0 < high, result
    assert abs(result.adjusted_difference) < 0.06
    assert not result.is_effect
    assert verdict(result).startswith("No detectable difference in promotion within 12 months")


def test_a_real_effect_is_recovered_within_the_interval() -> None:
    result = run(synthetic(effect=0.15))
    low, high = result.interval
    assert low <= 0.15 <= high
    assert low > 0
    assert result.is_effect
    assert verdict(result).startswith("Mentees were promoted more often than comparable")


def test_retention_counts_a_departure_before_the_horizon_as_not_retained() -> None:
    units = synthetic(effect=-0.2, outcome="retention")  # taking part: fewer leave
    result = run(units, outcome="retention")
    assert result.participant_rate is not None
    left = units[units["arm"] == "participant"]["left_at"].notna().mean()
    assert result.participant_rate == pytest.approx(1 - left)
    assert result.adjusted_difference > 0
    assert result.is_effect
    assert "stayed more often" in verdict(result)


def test_too_few_participants_or_colleagues_is_refused_in_words() -> None:
    units = synthetic(effect=0.0, n=300)
    few = pd.concat(
        [units[units["arm"] == "participant"].head(4), units[units["arm"] == "comparison"]]
    )
    result = run(few)
    assert result.refused and result.adjusted_difference is None
    assert result.participant_rate is None
    assert "4 mentees" in result.refused and "privacy threshold of 5" in result.refused
    assert verdict(result) == result.refused
    lonely = pd.concat(
        [units[units["arm"] == "participant"], units[units["arm"] == "comparison"].head(3)]
    )
    assert "3 comparable colleagues" in run(lonely).refused


def test_months_changes_the_window() -> None:
    units = synthetic(effect=0.0, n=400)
    units["promoted_at"] = pd.NaT
    chosen = units.index[units["arm"] == "participant"][:10]
    units.loc[chosen, "promoted_at"] = pd.Timestamp("2025-07-15")  # 18 months in
    assert run(units, months=12).participant_rate == 0
    assert run(units, months=24).participant_rate == pytest.approx(
        10 / (units["arm"] == "participant").sum()
    )


def test_incomplete_windows_are_left_out_and_counted() -> None:
    units = synthetic(effect=0.0, n=400)
    recent = units["arm"] == "participant"
    late = units.index[recent][:7]
    units.loc[late, "index_date"] = pd.Timestamp("2026-01-10")
    result = run(units, months=12)
    assert result.not_yet_observable == 7
    assert result.participants == recent.sum() - 7
    # At 3 months their window is complete, but their date has no colleagues: unmatched.
    again = run(units, months=3)
    assert again.not_yet_observable == 0
    assert again.unmatched == 7


def test_participants_without_a_comparable_colleague_are_dropped_and_counted() -> None:
    units = synthetic(effect=0.0, n=800)
    odd = units.index[units["arm"] == "participant"][:6]
    units.loc[odd, "division"] = "Nowhere else"
    result = run(units)
    assert result.unmatched == 6
    assert result.matched == result.participants - 6
    weights = matched_weights(units)
    assert (weights[odd] == 0).all()
    assert verdict(result).endswith(
        f"The adjusted difference covers the {result.matched:,} of "
        f"{result.participants:,} mentees who had a comparable colleague."
    )


def test_matching_weights_balance_each_stratum() -> None:
    units = pd.DataFrame(
        {
            "person_id": ["a", "b", "c", "d", "e", "f"],
            "arm": ["participant", "participant", "comparison", "comparison", "comparison", "x"],
            "index_date": pd.Timestamp(INDEX),
            "level": [3, 3, 3, 3, 3, 4],
            "division": "Risk",
            "geography": "UK",
            "tenure_band": "2–5 years",
        }
    )
    units.loc[5, "arm"] = "participant"
    assert matched_weights(units).tolist() == pytest.approx([1, 1, 2 / 3, 2 / 3, 2 / 3, 0])


def test_the_interval_is_reproducible() -> None:
    units = synthetic(effect=0.05, n=1500)
    assert run(units).interval == run(units).interval


def test_a_bound_near_zero_keeps_a_decimal() -> None:
    assert interval_text(0.003, 0.21) == "+0.3 to +21 points"
    assert interval_text(0.0, 0.21) == "0 to +21 points"
    assert interval_text(-0.04, 0.06) == "-4 to +6 points"


def test_points_read_as_words() -> None:
    assert points(0.083) == "+8 points"
    assert points(-0.01) == "-1 point"
    assert points(0.001) == "0 points"


def test_too_few_matched_withholds_the_adjusted_difference() -> None:
    units = synthetic(effect=0.0, n=600)
    participants = units["arm"] == "participant"
    # Every participant but four sits where no colleague is.
    moved = units.index[participants][4:]
    units.loc[moved, "geography"] = "Atlantis"
    result = run(units)
    assert result.refused is None and result.not_adjusted
    assert result.matched == 4 and result.unmatched == participants.sum() - 4
    assert result.naive_difference is not None and result.adjusted_difference is None
    assert not result.is_effect
    assert "says nothing about what the program did" in verdict(result)


def test_a_harmful_difference_is_said_plainly() -> None:
    result = run(synthetic(effect=0.25, outcome="retention"), outcome="retention")
    assert result.adjusted_difference < 0 and result.is_effect
    assert verdict(result).startswith("Mentees left more often than comparable colleagues")


def test_a_unit_missing_a_key_weighs_nothing_in_the_curves() -> None:
    """Stratum -1 (a key missing) matches nobody: weight 0, never an error."""
    units = pd.DataFrame(
        {
            "person_id": ["a", "b", "c", "d"],
            "arm": ["participant", "participant", "comparison", "comparison"],
            "index_date": pd.Timestamp(INDEX),
            "level": [3, 3, 3, 3],
            "division": ["Risk", None, "Risk", None],
            "geography": "UK",
            "tenure_band": "2–5 years",
        }
    )
    assert matched_weights(units).tolist() == pytest.approx([1, 0, 1, 0])
    unkeyed = units.assign(division=None)
    assert matched_weights(unkeyed).tolist() == [0, 0, 0, 0]
