"""The program bundle: import and export of the public CSV format.

``shared/spec/bundle-format.md`` is the contract; :mod:`tandem.bundle.spec`
holds it as data.  Everything callers need is re-exported here.
"""

from tandem.bundle.exporter import ExportReport, export_bundle
from tandem.bundle.formulas import neutralise_formula, restore_formula
from tandem.bundle.importer import (
    FileCount,
    ImportReport,
    import_bundle,
    import_bundle_bytes,
    import_files,
)
from tandem.bundle.problems import BundleError, Problem
from tandem.bundle.reader import open_bundle, read_bundle_bytes

__all__ = [
    "BundleError",
    "ExportReport",
    "FileCount",
    "ImportReport",
    "Problem",
    "export_bundle",
    "import_bundle",
    "import_bundle_bytes",
    "import_files",
    "neutralise_formula",
    "open_bundle",
    "read_bundle_bytes",
    "restore_formula",
]
