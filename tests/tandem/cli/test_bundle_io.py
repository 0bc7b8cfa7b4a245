"""``python -m tandem import`` and ``export`` (``tandem.cli.bundle_io``): an import refreshes
what pages read; a bad target or an unreadable bundle is one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from tandem.cli.main import main
from tests.tandem.cli.helpers import SAMPLE_BUNDLE, fails_cleanly


def test_import_refreshes_what_pages_read(engine) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from tandem.program import rollups
    from tandem.program.derived_tables import PairingHealth, PairingStats
    from tandem.program.models import Pairing
    from tandem.program.theme_tables import FeedbackAnalysis

    url = engine.url.render_as_string(hide_password=False)
    assert main(["--database-url", url, "import", str(SAMPLE_BUNDLE)]) == 0
    with engine.connect() as connection:
        pairings = connection.execute(select(func.count()).select_from(Pairing)).scalar_one()
        scored = connection.execute(select(func.count()).select_from(PairingHealth)).scalar_one()
        analysed = connection.execute(
            select(func.count()).select_from(FeedbackAnalysis)
        ).scalar_one()
        stored = connection.execute(select(func.count()).select_from(PairingStats)).scalar_one()
    assert pairings > 0 and scored == pairings
    assert analysed > 0
    assert stored == pairings and rollups.is_current(engine, rollups.PAIRING_STATS)


def test_export_into_a_folder_named_zip_or_an_unwritable_path(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = engine.url.render_as_string(hide_password=False)
    folder = tmp_path / "x.zip"
    folder.mkdir()
    fails_cleanly(capsys, ["--database-url", url, "export", str(folder)], 2, "is a folder")
    assert not any(p.name.endswith(".partial") for p in tmp_path.iterdir())
    assert not list(folder.iterdir())
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    for target in (blocker / "out.zip", blocker / "out"):
        fails_cleanly(
            capsys, ["--database-url", url, "export", str(target)], 1, f"cannot export to {target}"
        )
    assert not any(p.name.endswith(".partial") for p in tmp_path.rglob("*"))


def test_an_unreadable_zip_entry_on_the_command_line(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import zipfile

    bundle = tmp_path / "locked.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        for path in sorted(SAMPLE_BUNDLE.glob("*.csv")):
            archive.writestr(path.name, path.read_bytes())
    data = bytearray(bundle.read_bytes())
    central = data.find(b"PK\x01\x02")  # the first entry's central header: mark it encrypted
    data[central + 8] |= 0x1
    bundle.write_bytes(bytes(data))
    url = engine.url.render_as_string(hide_password=False)
    err = fails_cleanly(capsys, ["--database-url", url, "import", str(bundle)], 1, "is encrypted")
    assert "locked.zip: entry 'checkins.csv'" in err
    assert err.strip().splitlines()[-1] == "import failed: 1 problem; nothing was written"
