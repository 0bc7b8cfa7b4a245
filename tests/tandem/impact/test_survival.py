"""Kaplan–Meier retention curves: the textbook computation, censoring and privacy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tandem.impact import COMPARISON_LABEL, kaplan_meier, survival_curves
from tests.tandem.impact.test_estimate import AS_OF, INDEX, synthetic


def test_kaplan_meier_matches_the_hand_computation() -> None:
    curve = kaplan_meier(np.array([1, 2, 2, 3, 4]), np.array([1, 1, 0, 1, 0]))
    assert curve["time"].tolist() == [0, 1, 2, 3, 4]
    assert curve["survival"].tolist() == pytest.approx([1, 0.8, 0.6, 0.3, 0.3])
    assert curve["at_risk"].tolist() == [5, 5, 4, 2, 1]


def test_weights_count_as_that_many_people() -> None:
    weighted = kaplan_meier(np.array([1.0, 2.0]), np.array([1, 0]), np.array([1.0, 3.0]))
    repeated = kaplan_meier(np.array([1.0, 2.0, 2.0, 2.0]), np.array([1, 0, 0, 0]))
    assert weighted["survival"].tolist() == pytest.approx(repeated["survival"].tolist())


def test_curves_censor_recent_people_and_stop_below_the_threshold() -> None:
    units = synthetic(effect=0.2, outcome="retention", n=1500)
    recent = units.index[:40]
    units.loc[recent, "index_date"] = pd.Timestamp(AS_OF) - pd.Timedelta(days=90)
    units.loc[recent, "left_at"] = pd.NaT
    curves = survival_curves(units, group="mentees", months=12, as_of=AS_OF, threshold=5)
    assert set(curves["series"]) == {"Mentees", COMPARISON_LABEL}
    assert curves["month"].between(0, 12).all()
    assert (curves["at_risk"] >= 5).all()
    ends = curves.groupby("series")["survival"].min()
    assert ends["Mentees"] < ends[COMPARISON_LABEL]  # taking part made people leave here
    assert (curves.groupby("series")["survival"].first() == 1.0).all()


def test_no_curves_when_a_side_is_too_small() -> None:
    units = synthetic(effect=0.0, outcome="retention", n=300)
    participants = units[units["arm"] == "participant"]
    few = pd.concat([participants.head(3), units[units["arm"] != "participant"]])
    assert survival_curves(few, group="mentees", months=12, as_of=AS_OF, threshold=5).empty
    assert INDEX < AS_OF
