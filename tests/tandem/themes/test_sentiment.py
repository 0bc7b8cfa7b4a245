"""Sentiment (``tandem.themes.sentiment``): bands are decisive, workplace complaints read
negative and workplace wins positive."""

from __future__ import annotations

import numpy as np
import pytest

from tandem.themes.sentiment import (
    NEUTRAL_CAP,
    POLAR_FLOOR,
    decisive_score,
    plain_vader,
    polarity,
    score,
    score_many,
)


def test_decisive_score_follows_the_most_likely_class() -> None:
    # Columns: negative, neutral, positive.
    proba = np.array(
        [
            [0.20, 0.45, 0.35],  # neutral wins although P(pos) − P(neg) = 0.15
            [0.40, 0.35, 0.25],  # negative wins narrowly
            [0.05, 0.15, 0.80],  # clearly positive
            [0.30, 0.40, 0.30],  # neutral, balanced
        ]
    )
    out = decisive_score(proba, positive=2, negative=0)
    assert abs(out[0]) <= NEUTRAL_CAP and abs(out[3]) <= NEUTRAL_CAP
    assert out[1] <= -POLAR_FLOOR
    assert out[2] == pytest.approx(0.75)
    # Any neutral band between VADER's ±0.05 and the product's ±0.2 reads the same.
    for band in (0.05, 0.1, 0.2):
        assert [polarity(v, band) for v in out] == ["neutral", "negative", "positive", "neutral"]


def test_sentiment_polarity_does_not_depend_on_the_band() -> None:
    texts = [
        "We keep cancelling.",
        "Got the promotion!",
        "We discussed the budget for next year.",
        "She was straight with me and it helped.",
        "Honestly, not a fit.",
    ]
    values = score_many(texts)
    assert all(-1.0 <= v <= 1.0 for v in values)
    assert [polarity(v, 0.05) for v in values] == [polarity(v, 0.2) for v in values]
    assert polarity(values[0]) == "negative" and polarity(values[1]) == "positive"


@pytest.mark.parametrize(
    "text",
    [
        "We keep cancelling.",
        "Honestly, not a fit.",
        "I'm out of my depth here.",
        "Felt like a tech support desk rather than a mentoring relationship.",
        "Our session keeps getting pushed.",
        "We haven't met since the kickoff.",
        "He ghosted me after two sessions.",
        "It's box-ticking.",
        "We're going through the motions.",
        "No time for it this quarter.",
    ],
)
def test_workplace_complaints_read_negative(text: str) -> None:
    assert polarity(score(text)) == "negative"


def test_workplace_wins_read_positive_where_vader_does_not() -> None:
    for text in ("Got the green light from the board.", "It finally clicked."):
        assert polarity(score(text)) == "positive"
    # Why VADER is extended: it reads these complaints as positive.
    for text in ("Everything else keeps winning.", "Felt like a tech support desk, not mentoring."):
        assert polarity(plain_vader(text)) == "positive"
        assert polarity(score(text)) == "negative"
    assert -1.0 <= score("terrible awful horrible disaster " * 5) <= 1.0
