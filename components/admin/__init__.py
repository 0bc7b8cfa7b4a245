"""The Admin page's sections: import/export, users and roles, the tunable rules, the audit log.

Everything written here goes through a core function that runs one
transaction with an audit row (``tandem.program.bundle``, ``tandem.access``,
``tandem.program.settings``); these modules only ask, show and confirm.  Messages
that quote user data (file names, e-mails, bundle problems) are shown as
plain text (``st.code``, ``st.dataframe``) or with markdown escaped.
"""

from components.admin.audit import audit_section
from components.admin.bundles import export_section, import_section
from components.admin.rules import refresh_section, rules_section
from components.admin.users import users_section

SECTIONS = ("Import and export", "Users and roles", "Rules", "Audit log")
#: The Admin page's tab set (and its URL parameter: ?section=Rules opens the rules).
SECTION_KEY = "section"

__all__ = [
    "SECTIONS",
    "SECTION_KEY",
    "audit_section",
    "export_section",
    "import_section",
    "refresh_section",
    "rules_section",
    "users_section",
]
