"""What every Admin section shares: plain-text messages and the notices a save leaves."""

from __future__ import annotations

from components.ui import notices
from components.ui.formatting import plain

__all__ = ["FULL_REFRESH_BUTTON", "humanise", "notify", "plain", "show_notice"]

#: The Rules tab's button (named where a failed import's refresh sends an admin). Not
#: "Recompute health now": that is the Stalled page's button, which does only health.
FULL_REFRESH_BUTTON = "Run the full refresh now"


def humanise(key: str) -> str:
    return key.replace("_", " ").capitalize()


# Saves run in on_click callbacks and leave their outcome for the section
# (components.ui.notices).


def notify(section: str, kind: str, text: str) -> None:
    notices.leave(f"admin_notice_{section}", kind, text)


def show_notice(section: str) -> None:
    notices.show(f"admin_notice_{section}")
