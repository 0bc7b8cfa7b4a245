"""Who sees what: roles and capabilities, a viewer's scope, privacy and redaction.

Every other domain asks this package; none decides access on its own.
"""

from tandem.access.redaction import (
    EMAIL_TOKEN,
    NAME_TOKEN,
    NameIndex,
    name_index,
    people_index,
    redact,
)
from tandem.access.roles import (
    CAPABILITIES,
    PAGE_CAPABILITY,
    PRESENTER_WITHHOLDS,
    ROLES,
    AccessError,
    Viewer,
    find_user,
    list_users,
    remove_user,
    save_user,
)
from tandem.access.scope import EVERYTHING, NO_COHORT_MATCH, OutOfScope, Scope

__all__ = [
    "CAPABILITIES",
    "EMAIL_TOKEN",
    "EVERYTHING",
    "NAME_TOKEN",
    "NO_COHORT_MATCH",
    "PAGE_CAPABILITY",
    "PRESENTER_WITHHOLDS",
    "ROLES",
    "AccessError",
    "NameIndex",
    "OutOfScope",
    "Scope",
    "Viewer",
    "find_user",
    "list_users",
    "name_index",
    "people_index",
    "redact",
    "remove_user",
    "save_user",
]
