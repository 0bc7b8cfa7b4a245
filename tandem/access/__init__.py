"""Who sees what: roles and capabilities, a viewer's scope, privacy and redaction.

Every other domain asks this package; none decides access on its own.
"""

from tandem.access.roles import (
    CAPABILITIES,
    NO_COHORT_MATCH,
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

__all__ = [
    "CAPABILITIES",
    "NO_COHORT_MATCH",
    "PAGE_CAPABILITY",
    "PRESENTER_WITHHOLDS",
    "ROLES",
    "AccessError",
    "Viewer",
    "find_user",
    "list_users",
    "remove_user",
    "save_user",
]
