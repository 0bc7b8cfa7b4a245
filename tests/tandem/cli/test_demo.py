"""``python -m tandem demo`` (``tandem.cli.demo``): writes a demo, refuses a program unless
forced, and says clearly what is wrong."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select

from tandem.cli.main import main
from tandem.program.models import AuditEntry, Pairing


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _pairings(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(Pairing)) or 0)


def test_writes_a_demo_and_reports_progress_on_stderr(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["--database-url", _url(engine), "demo", "--pairings", "60", "--today", "2026-06-01"]
    )
    out, err = capsys.readouterr()
    assert code == 0
    assert _pairings(engine) == 60
    assert "60 pairings" in out
    assert "demo: " in err and "people" in err


def test_refuses_a_database_with_a_program_unless_forced(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _url(engine)
    assert main(["--database-url", url, "demo", "--pairings", "50", "--today", "2026-06-01"]) == 0
    capsys.readouterr()
    assert main(["--database-url", url, "demo", "--pairings", "70"]) == 1
    _out, err = capsys.readouterr()
    assert "already holds a program" in err and "--force" in err
    assert _pairings(engine) == 50

    assert main(["--database-url", url, "demo", "--pairings", "70", "--if-empty"]) == 0
    assert _pairings(engine) == 50  # left alone

    assert main(["--database-url", url, "demo", "--pairings", "70", "--force"]) == 0
    assert _pairings(engine) == 70
    with engine.connect() as connection:
        assert (
            connection.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.actor == "demo", AuditEntry.action == "demo")
            )
            == 2
        )


def test_if_empty_generates_into_an_empty_database(engine: Engine) -> None:
    assert main(["--database-url", _url(engine), "demo", "--pairings", "50", "--if-empty"]) == 0
    assert _pairings(engine) == 50


@pytest.mark.parametrize("value", ["0", "100001", "-3", "lots"])
def test_rejects_a_bad_size_with_a_clear_error(
    engine: Engine, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["--database-url", _url(engine), "demo", "--pairings", value])
    assert raised.value.code == 2
    err = capsys.readouterr().err
    assert "--pairings" in err
    assert "between 1 and 100,000" in err or "not a whole number" in err
    assert _pairings(engine) == 0


def test_rejects_a_bad_date(engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--database-url", _url(engine), "demo", "--today", "21/11/2026"])
    assert "YYYY-MM-DD" in capsys.readouterr().err
