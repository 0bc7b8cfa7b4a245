"""One report's units as arrays (``tandem.impact.prepared``): made once, shared by its estimates.

On a dozen hand-made units: the strata and person numbers, each row's outcome
window and outcome, the rows of a group, a headline estimate worked out by hand,
and the refusals and unmatched participants of small strata.  Then the module's
promise: a headline is ``estimate`` of the group's frame and a breakdown row is
``estimate_prepared`` of its slices, equal to the last bit, and the strata and
person numbers a report hands over (``CareerData.keys``) are those ``Prepared``
works out itself, on both backends.

(The estimator's statistics are tested in ``test_estimate.py`` and
``test_interval.py``; the breakdown's rows in ``test_breakdown.py``.)
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine

from tandem.access import EVERYTHING
from tandem.impact.estimate import (
    GROUPS,
    OUTCOMES,
    UNIT_COLUMNS,
    Z_95,
    estimate,
    estimate_prepared,
    outcome_frame,
)
from tandem.impact.prepared import Prepared
from tandem.impact.query import CareerData
from tandem.impact.strata import strata
from tests.impact_program import AS_OF as PROGRAM_AS_OF
from tests.impact_program import career_program

A, B = pd.Timestamp("2024-01-15"), pd.Timestamp("2025-09-01")
#: At 6 months A's windows (to 2024-07-15) are complete, B's (to 2026-03-01) not yet.
AS_OF = dt.date(2026, 1, 1)
NaT = pd.NaT


def _units() -> pd.DataFrame:
    """Four mentees, two mentors and seven colleague rows (c1 at both dates)."""
    rows = [
        # person, arm, group, index date, level, promoted at, left at
        ("m1", "participant", "mentees", A, 3, "2024-03-01", NaT),
        ("m2", "participant", "mentees", A, 3, NaT, "2024-10-01"),  # left after 6 months
        ("m3", "participant", "mentees", A, 4, "2024-09-01", NaT),  # promoted after 6 months
        ("m4", "participant", "mentees", B, 3, "2025-10-01", NaT),  # window not over yet
        ("r1", "participant", "mentors", A, 5, "2024-02-01", NaT),
        ("r2", "participant", "mentors", A, 5, NaT, "2024-03-01"),
        ("c1", "comparison", None, A, 3, "2024-04-01", NaT),
        ("c2", "comparison", None, A, 3, NaT, "2024-05-01"),
        ("c3", "comparison", None, A, 4, "2024-06-01", NaT),
        ("c4", "comparison", None, A, 5, NaT, NaT),
        ("c5", "comparison", None, A, 6, NaT, NaT),  # a stratum without a participant
        ("c1", "comparison", None, B, 3, NaT, NaT),
        ("c6", "comparison", None, B, 3, NaT, "2025-11-01"),
    ]
    frame = pd.DataFrame(
        rows,
        columns=["person_id", "arm", "group", "index_date", "level", "promoted_at", "left_at"],
    )
    frame["promoted_at"] = pd.to_datetime(frame["promoted_at"])
    frame["left_at"] = pd.to_datetime(frame["left_at"])
    return frame.assign(division="Risk", geography="UK", tenure_band="2–5 years")


def _synthetic(seed: int = 1, n: int = 900) -> pd.DataFrame:
    """Units at three cohort starts, a colleague often at more than one, with careers
    ending before or after the data do, some windows not over yet."""
    rng = np.random.default_rng(seed)
    dates = pd.to_datetime(["2023-03-01", "2024-03-01", "2025-06-01"])
    arm = rng.choice(["participant", "comparison"], n, p=[0.25, 0.75])
    group = rng.choice(list(GROUPS), n).astype(object)
    group[arm == "comparison"] = None
    # Colleagues drawn from a pool smaller than their rows: many stand at several dates.
    person = np.where(
        arm == "participant",
        [f"p{i}" for i in range(n)],
        [f"c{k}" for k in rng.integers(0, n // 3, n)],
    )
    index = dates[rng.integers(0, len(dates), n)]
    level = rng.integers(2, 6, n)

    def career(chance: float | np.ndarray) -> pd.Series:
        days = pd.to_timedelta(rng.integers(10, 900, n), unit="D")
        return pd.Series(index + days).where(rng.random(n) < chance)

    return pd.DataFrame(
        {
            "person_id": person,
            "arm": arm,
            "group": group,
            "index_date": index,
            "level": level,
            "division": rng.choice(["Wealth", "Risk"], n),
            "geography": rng.choice(["UK", "Singapore"], n),
            "tenure_band": rng.choice(["under 2 years", "2–5 years"], n),
            "promoted_at": career(0.3 + 0.05 * (level - 2)),
            "left_at": career(0.2),
        }
    ).drop_duplicates(["person_id", "index_date"], ignore_index=True)


def _prepared(units: pd.DataFrame | None = None, months: int = 6) -> Prepared:
    return Prepared(_units() if units is None else units, months=months, as_of=AS_OF)


def test_the_units_as_arrays() -> None:
    memo: dict[object, object] = {}
    prepared = Prepared(_units(), months=6, as_of=AS_OF, memo=memo)
    assert prepared.is_p.tolist() == [True] * 6 + [False] * 7
    # Strata by first appearance: (A, 3), (A, 4), (B, 3), (A, 5), (A, 6).
    assert prepared.codes.tolist() == [0, 0, 1, 2, 3, 3, 0, 0, 1, 3, 4, 2, 2]
    # People in sorted order of ids, c1…c6, m1…m4, r1, r2: c1 is one person at both dates.
    assert prepared.person.tolist() == [6, 7, 8, 9, 10, 11, 0, 1, 2, 3, 4, 0, 5]
    assert prepared.dates[3] == np.datetime64(B)
    assert prepared.memo is memo  # shared with the caller (``CareerData.memo``)
    assert _prepared().memo == {} and _prepared().memo is not _prepared().memo


def test_each_rows_window_and_outcome() -> None:
    prepared = _prepared()
    complete, promoted = prepared.outcome("promotion")
    assert complete.tolist() == [True] * 3 + [False] + [True] * 7 + [False] * 2
    np.testing.assert_array_equal(promoted, [1, 0, 0, np.nan, 1, 0, 1, 0, 1, 0, 0, np.nan, np.nan])
    again, stayed = prepared.outcome("retention")
    assert again.tolist() == complete.tolist()
    np.testing.assert_array_equal(stayed, [1, 1, 1, np.nan, 1, 0, 1, 0, 1, 1, 1, np.nan, np.nan])
    # At 3 months B's window (to 2025-12-01) is over and m4 was promoted in it; A's ends
    # on 2024-04-15, after r1's and c1's promotions and before c3's.
    complete, promoted = _prepared(months=3).outcome("promotion")
    assert complete.all()
    assert promoted.tolist() == [1, 0, 0, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0]


def test_a_bad_outcome_or_window_is_refused_with_its_reason() -> None:
    with pytest.raises(ValueError, match="outcome must be one of promotion, retention, not 'pay'"):
        _prepared().outcome("pay")
    with pytest.raises(ValueError, match="months must be at least 1"):
        _prepared(months=0).outcome("promotion")


def test_the_rows_of_a_group() -> None:
    prepared = _prepared()
    assert prepared.participants("mentees").tolist() == [0, 1, 2, 3]
    assert prepared.participants("mentors").tolist() == [4, 5]
    assert prepared.participants("nobody").tolist() == []
    colleagues = [False] * 6 + [True] * 7
    assert prepared.rows_of("mentors").tolist() == [False] * 4 + [True] * 2 + [True] * 7
    assert prepared.rows_of("nobody").tolist() == colleagues


def test_a_headline_worked_out_by_hand() -> None:
    result = _prepared().headline("mentees", "promotion", 2)
    # m1, m2, m3 observed (promoted 1, 0, 0); m4's window is not over.  Colleagues at
    # the mentees' dates with a window over: c1…c5 at A (promoted 1, 0, 1, 0, 0).
    assert (result.participants, result.not_yet_observable, result.comparison) == (3, 1, 5)
    # m1, m2 meet c1, c2 at (A, 3); m3 meets c3 at (A, 4); c4, c5 meet no mentee.
    assert (result.matched, result.unmatched, result.matched_comparison) == (3, 0, 3)
    assert result.participant_rate == pytest.approx(1 / 3)
    assert result.comparison_rate == pytest.approx(2 / 5)
    assert result.matched_participant_rate == pytest.approx(1 / 3)
    assert result.matched_comparison_rate == pytest.approx((2 * 1 / 2 + 1 * 1) / 3)
    assert result.adjusted_difference == pytest.approx(-1 / 3)
    # ``variance``: these = (2·½ + 1·2/9)/9 = 11/81 (the lone c3 counts the pooled 2/3·1/3),
    # like = var(½, -½, -1)/3 = 7/36, colleagues = ((½√2)² + (½√2)² + 2/9)/9 = 11/81.
    half = Z_95 * np.sqrt(7 / 36 + 11 / 81)
    assert result.interval == pytest.approx((-1.0, -1 / 3 + half))  # clipped at -1
    assert result.refused is None and result.not_adjusted is None


def test_too_few_people_withhold_the_adjusted_difference_or_the_estimate() -> None:
    prepared = _prepared()
    # r1, r2 (promoted 1, 0) meet only c4 (not promoted) at (A, 5) of c1…c5 (1, 0, 1, 0, 0).
    few = prepared.headline("mentors", "promotion", 2)
    assert (few.participants, few.comparison, few.matched, few.matched_comparison) == (2, 5, 2, 1)
    assert few.participant_rate == pytest.approx(0.5) and few.comparison_rate == pytest.approx(0.4)
    assert few.adjusted_difference is None and few.interval is None
    assert few.not_adjusted is not None
    assert few.not_adjusted.startswith("Not adjusted: 2 mentors and 1 colleague share")
    assert prepared.headline("mentors", "promotion", 1).adjusted_difference == pytest.approx(0.5)
    refused = prepared.headline("mentees", "retention", 4)
    assert refused.refused == (
        "Not estimated: 3 mentees observed for 6 months, fewer than the privacy threshold "
        "of 4. 1 mentee started less than 6 months before the career data end and cannot "
        "be judged yet."
    )
    assert refused.participant_rate is None


def test_a_stratum_without_colleagues_leaves_its_participant_unmatched() -> None:
    prepared = _prepared()
    mentees = prepared.participants("mentees")
    # m3's only comparable colleague, c3 (row 8), left out: m3 is counted, not matched.
    result = prepared.estimate(
        mentees,
        np.array([6, 7, 9, 10]),
        prepared.codes,
        group="mentees",
        outcome="promotion",
        threshold=2,
    )
    assert (result.participants, result.matched, result.unmatched) == (3, 2, 1)
    assert result.matched_comparison == 2
    assert result.matched_participant_rate == pytest.approx(0.5)
    assert result.adjusted_difference == pytest.approx(0.0)
    none = prepared.estimate(
        mentees,
        np.zeros(0, dtype=np.int64),
        prepared.codes,
        group="mentees",
        outcome="promotion",
        threshold=2,
    )
    assert none.comparison == 0 and none.refused is not None
    assert "0 comparable colleagues who took no part" in none.refused


def test_no_units_no_estimate() -> None:
    prepared = _prepared(_units().iloc[:0])
    assert prepared.codes.shape == (0,) and prepared.participants("mentees").shape == (0,)
    result = prepared.headline("mentees", "promotion", 2)
    assert (result.participants, result.comparison, result.not_yet_observable) == (0, 0, 0)
    assert result.refused is not None and result.refused.startswith("Not estimated: 0 mentees")


@pytest.mark.parametrize("months", [3, 6, 12, 24])
def test_a_headline_is_estimate_of_its_groups_frame_to_the_last_bit(months: int) -> None:
    for units in (_units(), _synthetic()):
        prepared = Prepared(units, months=months, as_of=AS_OF)
        for group in GROUPS:
            frame = units[prepared.rows_of(group)]
            for outcome in OUTCOMES:
                straight = estimate(
                    frame, group=group, outcome=outcome, months=months, as_of=AS_OF, threshold=2
                )
                assert prepared.headline(group, outcome, 2) == straight, (group, outcome)
    # Not vacuous: the synthetic program's headlines have intervals.
    synthetic = Prepared(_synthetic(), months=12, as_of=AS_OF)
    assert synthetic.headline("mentees", "retention", 2).interval is not None


def test_a_unit_missing_a_key_is_unmatched_in_the_headline_and_in_estimate() -> None:
    units = _units()
    units.loc[1, "division"] = None  # m2
    prepared = Prepared(units, months=6, as_of=AS_OF)
    assert prepared.codes.tolist() == [0, -1, 1, 2, 3, 3, 0, 0, 1, 3, 4, 2, 2]
    result = prepared.headline("mentees", "promotion", 1)
    assert (result.participants, result.matched, result.unmatched) == (3, 2, 1)
    assert result.matched_participant_rate == pytest.approx(0.5)
    frame = units[prepared.rows_of("mentees")]
    straight = estimate(
        frame, group="mentees", outcome="promotion", months=6, as_of=AS_OF, threshold=1
    )
    assert result == straight


def test_a_subgroups_estimate_is_estimate_prepared_on_its_slices() -> None:
    """What a breakdown row was before ``Prepared``: ``estimate_prepared`` on a slice of
    the participants and of the colleagues at their dates, strata numbered once."""
    units = _synthetic(seed=2)
    prepared = Prepared(units, months=12, as_of=AS_OF)
    for outcome in OUTCOMES:
        frame = outcome_frame(units, outcome, 12, AS_OF)
        frame["stratum"] = strata(units)
        for group in GROUPS:
            mine = prepared.participants(group)
            for name, part in (
                ("levels 2-3", mine[units["level"].to_numpy()[mine] <= 3]),
                ("one start", mine[prepared.dates[mine] == np.datetime64("2024-03-01")]),
            ):
                at = frame.iloc[part]["index_date"]
                colleagues = np.flatnonzero(
                    (frame["arm"] == "comparison")
                    & frame["complete"]
                    & frame["index_date"].isin(at)
                )
                straight = estimate_prepared(
                    frame.iloc[part],
                    frame.iloc[colleagues],
                    group=group,
                    outcome=outcome,
                    months=12,
                    threshold=2,
                )
                found = prepared.estimate(
                    part, colleagues, prepared.codes, group=group, outcome=outcome, threshold=2
                )
                assert found == straight, (outcome, group, name)
                assert found.adjusted_difference is not None  # not vacuous


def test_keys_handed_over_are_the_ones_used() -> None:
    units = _units()
    # Everyone in one stratum: m3 now meets all five colleagues at A.
    one = np.zeros(len(units), dtype=np.int64)
    person = _prepared().person
    result = Prepared(units, months=6, as_of=AS_OF, keys=(one, person)).headline(
        "mentees", "promotion", 2
    )
    assert (result.matched, result.matched_comparison) == (3, 5)
    assert result.matched_comparison_rate == pytest.approx(2 / 5)


def test_a_reports_keys_are_those_prepared_works_out(engine: Engine) -> None:
    """``CareerData.keys`` cuts the strata and person numbers of a view's widest units
    per window; ``Prepared`` given them makes the same estimates as working them out."""
    career_program(engine)
    with engine.connect() as connection:
        data = CareerData(connection, PROGRAM_AS_OF)
    for cohort, months in ((None, 24), (None, 6), ("c-a", 12), ("c-a", 3)):
        units = data.units(EVERYTHING, cohort, months)
        keys = data.keys(EVERYTHING, cohort, months)
        assert keys is not None
        handed = Prepared(units, months=months, as_of=PROGRAM_AS_OF, keys=keys)
        own = Prepared(units, months=months, as_of=PROGRAM_AS_OF)
        assert np.array_equal(handed.codes, own.codes), (cohort, months)
        assert np.array_equal(handed.person, own.person), (cohort, months)
        for group in GROUPS:
            for outcome in OUTCOMES:
                found = handed.headline(group, outcome, 5)
                assert found == own.headline(group, outcome, 5)
                straight = estimate(
                    units[handed.rows_of(group)],
                    group=group,
                    outcome=outcome,
                    months=months,
                    as_of=PROGRAM_AS_OF,
                    threshold=5,
                )
                assert found == straight, (cohort, months, group, outcome)
    assert set(UNIT_COLUMNS) <= set(units.columns)
