"""Helpers for the command-line tests: the sample bundle, and a failure said in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tandem.cli.main import main

PROJECT_ROOT = Path(__file__).resolve().parents[3]
SAMPLE_BUNDLE = PROJECT_ROOT / "data" / "sample_bundle"


def fails_cleanly(
    capsys: pytest.CaptureFixture[str], argv: list[str], code: int, message: str
) -> str:
    """Run ``argv``: it returns ``code`` and says ``message`` on stderr, without a traceback."""
    assert main(argv) == code
    err = capsys.readouterr().err
    assert message in err, err
    assert "Traceback" not in err
    return err
