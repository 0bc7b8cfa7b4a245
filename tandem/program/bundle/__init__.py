"""The program bundle: import and export of the public CSV format.

``shared/spec/bundle-format.md`` is the contract; :mod:`tandem.program.bundle.spec`
holds it as data.  Everything callers need is re-exported here.
"""

from tandem.program.bundle.exporter import ExportReport, export_bundle
from tandem.program.bundle.formulas import neutralise_formula, restore_formula
from tandem.program.bundle.importer import (
    FileCount,
    ImportReport,
    import_bundle,
    import_bundle_bytes,
    import_files,
)
from tandem.program.bundle.problems import BundleError, Problem
from tandem.program.bundle.reader import open_bundle, read_bundle_bytes

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
