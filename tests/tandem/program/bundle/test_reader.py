"""Finding a bundle's files in an upload (no database)."""

from __future__ import annotations

import pytest

from tandem.program.bundle.problems import BundleError
from tandem.program.bundle.reader import read_bundle_bytes


def test_upload_of_a_single_csv_or_junk() -> None:
    assert read_bundle_bytes("People.csv", b"person_id\n") == {"people.csv": b"person_id\n"}
    with pytest.raises(BundleError) as raised:
        read_bundle_bytes("notes.txt", b"hello")
    assert str(raised.value) == "notes.txt: not a bundle: expected a .zip or a .csv file"
