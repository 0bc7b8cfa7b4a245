"""The matching strata (``tandem.impact.strata``): which units are comparable.

``strata`` numbers each row's combination of ``MATCH_ON`` in order of first
appearance, comparing keys as text, and gives the same numbers as grouping the
keys' text (what it replaced, and what it still does when the combinations are
too many for an int64); ``renumber`` numbers a part of a frame as ``strata``
numbers that part alone; ``compact_strata`` keeps the colleagues who share a
participant's stratum, in their order.

(That estimates made from these numbers are right is tested in ``test_estimate.py``
and ``test_interval.py``; that a report's are the same as ``estimate``'s, in
``test_prepared.py``.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import tandem.impact.strata as strata_module
from tandem.impact.strata import MATCH_ON, compact_strata, renumber, strata

DATE_A, DATE_B = pd.Timestamp("2024-01-15"), pd.Timestamp("2025-01-15")


def _frame(rows: list[tuple[object, ...]]) -> pd.DataFrame:
    """A frame of ``MATCH_ON`` columns, one tuple of keys per row."""
    return pd.DataFrame(rows, columns=list(MATCH_ON))


def _by_text(frame: pd.DataFrame) -> np.ndarray:
    """The straightforward way ``strata`` replaced: group the keys' text, in order."""
    keys = frame[list(MATCH_ON)].astype(str)
    return keys.groupby(list(MATCH_ON), sort=False).ngroup().to_numpy()


def _random_frame(seed: int, n: int) -> pd.DataFrame:
    """``n`` units over three dates and a few values of every other key (many repeats)."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "index_date": pd.to_datetime(rng.choice(["2024-01-15", "2025-01-15", "2025-06-01"], n)),
            "level": rng.integers(1, 9, n),
            "division": rng.choice(["Wealth", "Risk", "Ops"], n),
            "geography": rng.choice(["UK", "Singapore"], n),
            "tenure_band": rng.choice(["under 2 years", "2–5 years", "unknown"], n),
            "person_id": [f"p{i}" for i in range(n)],  # not a key: never decides a stratum
        }
    )


def test_equal_keys_share_a_stratum_numbered_by_first_appearance() -> None:
    a = (DATE_A, 3, "Risk", "UK", "2–5 years")
    b = (DATE_A, 4, "Risk", "UK", "2–5 years")
    c = (DATE_B, 3, "Risk", "UK", "2–5 years")
    found = strata(_frame([b, a, b, c, a, b]))
    assert found.dtype == np.int64
    assert found.tolist() == [0, 1, 0, 2, 1, 0]


@pytest.mark.parametrize("column", MATCH_ON)
def test_every_key_decides_the_stratum(column: str) -> None:
    frame = _frame([(DATE_A, 3, "Risk", "UK", "2–5 years")] * 3)
    frame.loc[1, column] = {"index_date": DATE_B, "level": 4}.get(column, "other")
    assert strata(frame).tolist() == [0, 1, 0]


def test_columns_other_than_the_keys_do_not_matter() -> None:
    frame = _frame([(DATE_A, 3, "Risk", "UK", "2–5 years")] * 2)
    frame["person_id"] = ["a", "b"]
    frame["arm"] = ["participant", "comparison"]
    assert strata(frame).tolist() == [0, 0]


def test_keys_are_compared_as_text() -> None:
    # 3 and "3" are one level; 3.0 prints as "3.0", another.
    frame = _frame([(DATE_A, 3, "Risk", "UK", "x")] * 4)
    frame["level"] = pd.Series([3, "3", 3.0, "4"], dtype=object)
    assert strata(frame).tolist() == [0, 0, 1, 2]


def test_no_rows_no_strata() -> None:
    empty = strata(_frame([]))
    assert empty.dtype == np.int64 and empty.shape == (0,)
    assert strata(pd.DataFrame()).shape == (0,)  # not even the key columns


def test_a_missing_key_column_is_an_error() -> None:
    frame = _frame([(DATE_A, 3, "Risk", "UK", "x")]).drop(columns=["tenure_band"])
    with pytest.raises(KeyError, match="tenure_band"):
        strata(frame)


def test_a_missing_key_leaves_its_row_unnumbered() -> None:
    # -1, an integer like every stratum (``renumber`` and ``compact_strata`` expect it),
    # not NaN: pandas 3's text of a missing value stays missing and ``ngroup`` gives NaN.
    a = (DATE_A, 3, "Risk", "UK", "x")
    b = (DATE_A, 4, "Risk", "UK", "x")
    no_division = (DATE_A, 3, None, "UK", "x")
    no_date = (pd.NaT, 3, "Risk", "UK", "x")
    frame = _frame([a, no_division, b, a, no_date, b])
    found = strata(frame)
    assert found.dtype == np.int64
    assert found.tolist() == [0, -1, 1, 0, -1, 1]
    frame.loc[0, "level"] = np.nan  # a float column: missing too
    assert strata(frame).tolist() == [-1, -1, 0, 1, -1, 0]
    assert renumber(found[2:]).tolist() == [0, 1, -1, 0]


def test_the_numbers_are_those_of_grouping_the_keys_text() -> None:
    frame = _random_frame(seed=3, n=2000)
    found = strata(frame)
    assert np.array_equal(found, _by_text(frame))
    assert found.max() + 1 == len(frame[list(MATCH_ON)].drop_duplicates())


def test_too_many_combinations_for_an_int64_are_grouped_by_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 6,000 values in every key: 6,000⁵ combinations overflow an int64 (2⁶³ ≈ 9.2e18).
    n = 6000
    distinct = pd.DataFrame(
        {
            "index_date": pd.date_range("2000-01-01", periods=n, freq="D"),
            "level": np.arange(n),
            "division": [f"d{i}" for i in range(n)],
            "geography": [f"g{i}" for i in range(n)],
            "tenure_band": [f"t{i}" for i in range(n)],
        }
    )
    frame = pd.concat([distinct, distinct.iloc[[5, 17, 5]]], ignore_index=True)
    by_text: list[int] = []
    real = strata_module._by_text

    def spy(part: pd.DataFrame) -> np.ndarray:
        by_text.append(len(part))
        return real(part)

    monkeypatch.setattr(strata_module, "_by_text", spy)
    found = strata(frame)
    assert by_text == [n + 3]  # the guard took the text path: no wrapped-around key
    assert found.tolist() == [*range(n), 5, 17, 5]


def test_renumber_numbers_by_first_appearance_and_keeps_the_unkeyed() -> None:
    found = renumber(np.array([7, 3, 7, -1, 9, 3, -1]))
    assert found.dtype == np.int64
    assert found.tolist() == [0, 1, 0, -1, 2, 1, -1]
    assert renumber(np.array([-1, -1])).tolist() == [-1, -1]
    assert renumber(np.zeros(0, dtype=np.int64)).shape == (0,)


def test_renumbering_a_part_is_what_strata_gives_that_part_alone() -> None:
    frame = _random_frame(seed=5, n=600)
    codes = strata(frame)
    parts = {
        "one date": (frame["index_date"] == DATE_B).to_numpy(),
        "every third row": np.arange(len(frame)) % 3 == 0,
        "level above 4": (frame["level"] > 4).to_numpy(),
        "nothing": np.zeros(len(frame), dtype=bool),
    }
    for name, part in parts.items():
        alone = strata(frame[part].reset_index(drop=True))
        assert np.array_equal(renumber(codes[part]), alone), name


def test_compact_strata_keeps_colleagues_of_participants_strata_in_order() -> None:
    # Participants in strata 5, 2, 5, 4, 9; colleagues in 2, 7, 5, 5, 9, 0, 2.
    strata_p = np.array([5, 2, 5, 4, 9])
    strata_c = np.array([2, 7, 5, 5, 9, 0, 2])
    y_c = np.array([1.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0])
    person_c = np.array(["a", "b", "c", "a", "d", "e", "f"], dtype=object)
    local_p, local_c, y, person, size = compact_strata(strata_p, strata_c, y_c, person_c)
    # The participants' strata 2, 4, 5, 9 become 0, 1, 2, 3 (4 has no colleague).
    assert local_p.tolist() == [2, 0, 2, 1, 3]
    assert size == 4
    # Strata 7 and 0 have no participant: their colleagues ("b", "e") are dropped.
    assert local_c.tolist() == [0, 2, 2, 3, 0]
    assert y.tolist() == [1.0, 0.0, 1.0, 0.0, 0.0]
    assert person.tolist() == ["a", "c", "a", "d", "f"]


def test_compact_strata_without_participants_or_colleagues() -> None:
    none_p, none_c = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    y_c, person_c = np.array([1.0, 0.0]), np.array([0, 1])
    local_p, local_c, y, person, size = compact_strata(none_p, np.array([0, 1]), y_c, person_c)
    assert (local_p.size, local_c.size, y.size, person.size, size) == (0, 0, 0, 0, 0)
    local_p, local_c, y, person, size = compact_strata(
        np.array([3, 1, 3]), none_c, np.zeros(0), np.zeros(0, dtype=np.int64)
    )
    assert local_p.tolist() == [1, 0, 1] and size == 2
    assert (local_c.size, y.size, person.size) == (0, 0, 0)


def test_an_unkeyed_colleague_never_stands_in_a_numbered_stratum() -> None:
    # -1 (a row ``strata`` could not key) must not index the lookup from its end,
    # where it would land in the highest stratum (3 here).
    local_p, local_c, y, person, size = compact_strata(
        np.array([0, 3]), np.array([-1, 3, 0]), np.array([1.0, 0.0, 1.0]), np.array([0, 1, 2])
    )
    assert local_p.tolist() == [0, 1] and size == 2
    assert local_c.tolist() == [1, 0] and y.tolist() == [0.0, 1.0] and person.tolist() == [1, 2]
    # Unkeyed participants and colleagues are one stratum of their own (as before
    # strata were compacted), apart from every numbered one.
    local_p, local_c, _, person, size = compact_strata(
        np.array([-1, 0]), np.array([0, -1, 1]), np.array([0.0, 1.0, 0.0]), np.array([0, 1, 2])
    )
    assert local_p.tolist() == [0, 1] and local_c.tolist() == [1, 0] and size == 2
    assert person.tolist() == [0, 1]
