"""The matching strata: which units are comparable (``tandem.impact.estimate``).

A stratum is a combination of ``MATCH_ON``: index date, level, division,
geography and tenure band, compared as text (so ``3`` and ``"3"`` are one level).
Also here: renumbering strata for part of a frame, and compacting them for
one estimate (``compact_strata``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MATCH_ON = ("index_date", "level", "division", "geography", "tenure_band")
#: Columns whose values are equal exactly when their text is: numbered as they are.
_AS_IS = ("M", "i", "u", "b")  # datetimes, integers, booleans


def strata(frame: pd.DataFrame) -> np.ndarray:
    """Each row's matching stratum as an integer (equal exactly when ``MATCH_ON`` are),
    numbered in order of first appearance."""
    if frame.empty:
        return np.zeros(0, dtype=np.int64)
    # Each column numbered, then the combinations: the text of every key of every row
    # (a date printed per row) cost a report more than all its estimates together.
    key = np.zeros(len(frame), dtype=np.int64)
    for name in MATCH_ON:
        column = frame[name]
        if column.dtype.kind not in _AS_IS and not isinstance(column.dtype, pd.StringDtype):
            column = column.astype(str)
        codes, values = pd.factorize(column)
        if (codes < 0).any() or int(key.max()) >= 2**62 // max(len(values), 1):
            return _by_text(frame)  # a missing key, or too many combinations for int64
        key = key * len(values) + codes
    return pd.factorize(key)[0].astype(np.int64)


def _by_text(frame: pd.DataFrame) -> np.ndarray:
    """``strata`` by grouping the keys' text (a key missing in a row leaves it unnumbered:
    -1, as ``renumber`` and ``compact_strata`` expect; pandas 3 keeps a missing value
    missing as text, and ``ngroup`` gives such a row NaN)."""
    keys = frame[list(MATCH_ON)].astype(str)
    groups = keys.groupby(list(MATCH_ON), sort=False).ngroup()
    return groups.fillna(-1).to_numpy(dtype=np.int64)


def renumber(codes: np.ndarray) -> np.ndarray:
    """``codes`` numbered 0, 1, … in order of first appearance (-1, a row ``strata``
    could not key, stays -1): what ``strata`` gives on these rows alone."""
    result = np.full(len(codes), -1, dtype=np.int64)
    keyed = codes >= 0
    result[keyed] = pd.factorize(codes[keyed])[0]
    return result


def compact_strata(
    strata_p: np.ndarray, strata_c: np.ndarray, y_c: np.ndarray, person_c: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """Participants' and useful colleagues' strata (``strata``'s numbers, renumbered
    compactly), the useful colleagues' outcomes and person ids, and how many strata.

    Colleagues in strata without a participant never enter the adjusted difference
    (nor its variance): they are dropped first, by table lookup, so a breakdown row
    sorts only its participants' strata.  These keep their order: every sum runs over
    the same values in the same order as when all colleagues' strata were numbered.
    """
    codes, local_p = np.unique(strata_p, return_inverse=True)
    # +1: a row ``strata`` could not key (-1) stays a stratum of its own, as before.
    top = max(int(codes.max(initial=-1)), int(strata_c.max(initial=-1))) + 2
    lookup = np.full(top, -1, dtype=np.int64)
    lookup[codes + 1] = np.arange(len(codes))
    local_c = lookup[strata_c + 1]
    useful = local_c >= 0
    return local_p, local_c[useful], y_c[useful], person_c[useful], len(codes)
