"""``python -m tandem users``: add, change, list and remove who may sign in."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from tandem.access import find_user
from tandem.cli.main import main
from tandem.program.bundle import import_bundle
from tandem.program.models import AuditEntry

SAMPLE_BUNDLE = Path(__file__).resolve().parents[3] / "data" / "sample_bundle"


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _audit_rows(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def test_add_change_list_remove(engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    import_bundle(engine, SAMPLE_BUNDLE)
    before = _audit_rows(engine)
    url = _url(engine)
    assert (
        main(
            [
                "--database-url",
                url,
                "users",
                "add",
                "Ada@Example.com",
                "--role",
                "admin",
                "--name",
                "Ada",
            ]
        )
        == 0
    )
    viewer = find_user(engine, "ada@example.com")
    assert viewer is not None and viewer.role == "admin" and viewer.name == "Ada"

    cohort = "c-reverse-2025"
    code = main(
        [
            "--database-url",
            url,
            "users",
            "add",
            "ada@example.com",
            "--role",
            "lead",
            "--cohort",
            cohort,
            "--cohort",
            "nowhere",
        ]
    )
    assert code == 0
    assert "no cohort 'nowhere'" in capsys.readouterr().err
    viewer = find_user(engine, "ada@example.com")
    assert viewer is not None and viewer.role == "lead"
    assert set(viewer.cohorts) == {cohort, "nowhere"}

    assert main(["--database-url", url, "users", "list"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        f"ada@example.com\tlead\t{';'.join(sorted([cohort, 'nowhere']))}\tAda"
    ]

    assert main(["--database-url", url, "users", "remove", "ada@example.com"]) == 0
    assert find_user(engine, "ada@example.com") is None
    assert main(["--database-url", url, "users", "remove", "ada@example.com"]) == 1
    assert _audit_rows(engine) == before + 3


def test_bad_input_is_refused_with_a_message(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _url(engine)
    assert main(["--database-url", url, "users", "add", "not-an-email", "--role", "admin"]) == 1
    assert "not an e-mail address" in capsys.readouterr().err
    code = main(
        [
            "--database-url",
            url,
            "users",
            "add",
            "s@example.com",
            "--role",
            "sponsor",
            "--cohort",
            "c1",
        ]
    )
    assert code == 2
    assert "only applies to the lead role" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--database-url", url, "users", "add", "s@example.com", "--role", "owner"])
    assert find_user(engine, "s@example.com") is None
