"""Privacy rules in one place: the small-group threshold and suppression.

Any aggregate covering fewer distinct pairings (or, for the ``group`` column,
fewer distinct people) than the threshold is suppressed: its value is removed
before it reaches a chart, a table or a download, never merely hidden.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from tandem.program.settings import SettingsError, get_setting, register_secret, register_validator

if TYPE_CHECKING:
    from tandem.access.roles import Viewer

SETTINGS_KEY = "privacy"
DEFAULT_PRIVACY_SETTINGS: dict[str, Any] = {"threshold": 5}
SUPPRESSED_NOTE = (
    "Cells covering fewer than {threshold} pairings are suppressed to protect "
    "confidentiality; they are left out, not rounded."
)


def _validate(value: dict[str, Any]) -> dict[str, Any]:
    threshold = value.get("threshold")
    if isinstance(threshold, bool) or not isinstance(threshold, int):
        raise SettingsError("privacy threshold must be a whole number")
    if not 2 <= threshold <= 100:
        raise SettingsError("privacy threshold must be between 2 and 100")
    return {"threshold": threshold}


register_validator(SETTINGS_KEY, _validate)


def privacy_threshold(bind: Engine | Connection | Session) -> int:
    """The smallest number of pairings (or people) an aggregate may describe."""
    return int(get_setting(bind, SETTINGS_KEY, DEFAULT_PRIVACY_SETTINGS)["threshold"])


def threshold_for(bind: Engine | Connection | Session, viewer: Viewer) -> int:
    """The smallest group ``viewer`` may see an aggregate of (0: no suppression).

    Leads and admins work with named pairings, so suppressing their own queue's
    counts protects nobody; sponsors, and any screen shared with a room, get the
    privacy threshold (``Viewer.can("see_small_groups")`` says which).
    """
    return 0 if viewer.can("see_small_groups") else privacy_threshold(bind)


def suppress_small(
    frame: pd.DataFrame, count_column: str, threshold: int, value_columns: list[str]
) -> pd.DataFrame:
    """Blank ``value_columns`` (and the count) of rows whose count is below ``threshold``.

    Returns a copy with a boolean ``suppressed`` column, so a chart can draw
    the cell as "suppressed" without ever holding its value.
    """
    result = frame.copy()
    small = result[count_column] < threshold
    result["suppressed"] = small
    for column in [*value_columns, count_column]:
        result[column] = result[column].astype("float64").where(~small)
    return result


def mostly_suppressed(frame: pd.DataFrame) -> bool:
    """Whether most of a chart's cells are suppressed: such a chart says little but
    "too small", and a coarser one (fewer dimensions) should replace it."""
    return bool(len(frame)) and int(frame["suppressed"].sum()) * 2 > len(frame)


def hidden_cells_note(frame: pd.DataFrame, threshold: int, what: str = "cell") -> str:
    """The caption's words for a chart's suppressed cells: how many, and why ("" if none)."""
    hidden = int(frame["suppressed"].sum()) if len(frame) else 0
    if not hidden:
        return ""
    if hidden == len(frame):
        return f"Every {what} covers fewer than {threshold} pairings: all are hidden."
    one = hidden == 1
    return (
        f"{hidden:,} of {len(frame):,} {what}s {'covers' if one else 'cover'} fewer than "
        f"{threshold} pairings and {'is' if one else 'are'} hidden to protect confidentiality."
    )


# --- Pseudonyms for presenter mode -------------------------------------------

PRESENTER_KEY = "presenter"
register_secret(PRESENTER_KEY)
_ADJECTIVES = (
    "Amber",
    "Azure",
    "Bright",
    "Cedar",
    "Coral",
    "Crimson",
    "Dawn",
    "Ember",
    "Fern",
    "Frost",
    "Golden",
    "Granite",
    "Hazel",
    "Indigo",
    "Ivory",
    "Jade",
    "Juniper",
    "Lunar",
    "Maple",
    "Meadow",
    "Misty",
    "Nimble",
    "Ochre",
    "Olive",
    "Onyx",
    "Opal",
    "Pearl",
    "Quiet",
    "River",
    "Rowan",
    "Saffron",
    "Sage",
    "Silver",
    "Slate",
    "Solar",
    "Spruce",
    "Steady",
    "Swift",
    "Teal",
    "Tidal",
    "Umber",
    "Velvet",
    "Willow",
    "Winter",
    "Zephyr",
)
_ANIMALS = (
    "Albatross",
    "Badger",
    "Beaver",
    "Bison",
    "Crane",
    "Dolphin",
    "Egret",
    "Falcon",
    "Finch",
    "Fox",
    "Gazelle",
    "Heron",
    "Hare",
    "Ibis",
    "Jaguar",
    "Kestrel",
    "Koala",
    "Lark",
    "Lynx",
    "Marten",
    "Moose",
    "Narwhal",
    "Ocelot",
    "Osprey",
    "Otter",
    "Owl",
    "Panda",
    "Pelican",
    "Puffin",
    "Quail",
    "Raven",
    "Robin",
    "Seal",
    "Sparrow",
    "Stork",
    "Swan",
    "Tapir",
    "Tern",
    "Walrus",
    "Wolf",
    "Wren",
    "Yak",
    "Zebra",
)


def _validate_presenter(value: dict[str, Any]) -> dict[str, Any]:
    key = value.get("key")
    if not isinstance(key, str) or len(key) < 32:
        raise SettingsError("presenter key must be a random hex string of 32+ characters")
    return {"key": key}


register_validator(PRESENTER_KEY, _validate_presenter)


def presenter_key(engine: Engine) -> bytes:
    """This installation's secret for pseudonyms, created on first use.

    A keyed hash (not a plain hash of the id) so that nobody can rebuild the
    mapping from a list of employee ids.
    """
    import secrets

    from tandem.program.settings import put_setting

    stored = get_setting(engine, PRESENTER_KEY, {"key": ""})["key"]
    if not stored:
        put_setting(engine, PRESENTER_KEY, {"key": secrets.token_hex(32)}, actor="system")
        stored = get_setting(engine, PRESENTER_KEY, {"key": ""})["key"]
    return bytes.fromhex(stored)


def pseudonym(person_id: str, key: bytes) -> str:
    """A stable, meaningless display name for a person ("Amber Heron 42").

    The same id always gives the same pseudonym under the same key; the number
    keeps collisions rare across tens of thousands of people.
    """
    import hashlib
    import hmac

    digest = hmac.new(key, person_id.encode("utf-8"), hashlib.sha256).digest()
    value = int.from_bytes(digest[:8], "big")
    adjective = _ADJECTIVES[value % len(_ADJECTIVES)]
    animal = _ANIMALS[(value // len(_ADJECTIVES)) % len(_ANIMALS)]
    number = (value // (len(_ADJECTIVES) * len(_ANIMALS))) % 100
    return f"{adjective} {animal} {number:02d}"
