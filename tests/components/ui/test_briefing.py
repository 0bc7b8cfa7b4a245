"""What keys a drawn chart (components/ui/briefing.py): the builder and its arguments."""

from __future__ import annotations

import functools
import pickle

import pandas as pd
import pytest

from components.ui.briefing import draw_key
from components.ui.charts import burn_up_chart, rate_bars


def frame(completed: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "cohort": ["Exec 2025", "Exec 2025"],
            "month": ["2025-01", "2025-02"],
            "planned_total": [4, 8],
            "completed_total": [3, completed],
        }
    )


def test_equal_arguments_built_apart_give_one_key() -> None:
    assert draw_key(functools.partial(burn_up_chart, frame(5))) == draw_key(
        functools.partial(burn_up_chart, frame(5))
    )


def test_a_copy_read_back_from_a_cache_gives_the_same_key() -> None:
    """A cached query hands out unpickled copies: equal content, not equal pickles."""
    original = frame(5)
    copy = pickle.loads(pickle.dumps(original))
    assert draw_key(functools.partial(burn_up_chart, copy)) == draw_key(
        functools.partial(burn_up_chart, original)
    )


def test_other_data_another_builder_or_another_option_give_another_key() -> None:
    keys = {
        draw_key(functools.partial(burn_up_chart, frame(5))),
        draw_key(functools.partial(burn_up_chart, frame(6))),  # one cell differs
        draw_key(functools.partial(rate_bars, frame(5), "Done of due")),
        draw_key(functools.partial(rate_bars, frame(5), "Done of due", threshold=5)),
        draw_key(functools.partial(rate_bars, frame(5), "Done of due", threshold=6)),
    }
    assert len(keys) == 5


def test_a_builder_whose_arguments_do_not_say_what_it_draws_is_refused() -> None:
    data = frame(5)

    def nested() -> object:
        return burn_up_chart(data)

    for draw in (lambda: burn_up_chart(data), nested, functools.partial(nested)):
        with pytest.raises(TypeError, match="module-level builder"):
            draw_key(draw)  # type: ignore[arg-type]


def test_an_argument_whose_content_cannot_be_told_is_refused() -> None:
    with pytest.raises(TypeError, match="cannot tell what a object argument holds"):
        draw_key(functools.partial(burn_up_chart, object()))
