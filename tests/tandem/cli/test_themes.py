"""``python -m tandem themes to-code``: the coding queue on the command line (#20)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import Engine

from tandem.cli.main import main
from tandem.program.db import transaction
from tandem.program.models import Feedback
from tandem.themes.refresh import refresh_themes

NOTES = {
    "n1": ("program", None, "We keep rescheduling our catch-ups and lose momentum."),
    "n2": ("shareable", None, "She showed me how to delegate the budget review."),
    "n3": ("program", None, "The car park barrier was broken so I was late."),
    "p1": ("private", None, "Private worries about my manager."),
    "c1": ("program", "Delegation", "I handed the quarterly report to my deputy."),
}


def _program(engine: Engine) -> str:
    with transaction(engine) as session:
        for fid, (visibility, coded, text) in NOTES.items():
            session.add(
                Feedback(
                    feedback_id=fid,
                    date=dt.date(2026, 3, 1),
                    source="checkin_note",
                    author_role="mentee",
                    visibility=visibility,
                    text=text,
                    coded_theme=coded,
                )
            )
    refresh_themes(engine)
    return engine.url.render_as_string(hide_password=False)


def test_to_code_json_lists_codable_notes_best_first(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _program(engine)
    assert main(["--database-url", url, "themes", "to-code", "--json"]) == 0
    queue = json.loads(capsys.readouterr().out)
    assert sorted(item["feedback_id"] for item in queue) == ["n1", "n2", "n3"]
    assert all(item["text"] and item["reason"] for item in queue)
    assert main(["--database-url", url, "themes", "to-code", "--limit", "2", "--json"]) == 0
    first_two = json.loads(capsys.readouterr().out)
    assert [i["feedback_id"] for i in first_two] == [i["feedback_id"] for i in queue[:2]]
    assert main(["--database-url", url, "themes", "to-code", "--limit", "1"]) == 0
    table = capsys.readouterr().out
    assert queue[0]["feedback_id"] in table and "Private" not in table
    assert main(["--database-url", url, "themes", "to-code", "--limit", "-1"]) == 2
