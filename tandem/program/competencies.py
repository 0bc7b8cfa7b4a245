"""Competency lists (strengths, development goals): parsing and comparing them.

The bundle stores lists as ``;``-separated text; matching is case-insensitive
and ignores surrounding spaces (bundle format, general rules).
"""

from __future__ import annotations


def parse_list(text: str | None) -> list[str]:
    """The items of a ``;``-separated list, trimmed, empty ones dropped, order kept."""
    if not text:
        return []
    return [item.strip() for item in str(text).split(";") if item.strip()]


def normalised(items: list[str]) -> set[str]:
    return {" ".join(item.lower().split()) for item in items}


def overlap(offered: str | None, wanted: str | None) -> list[str]:
    """The items of ``wanted`` that ``offered`` covers, in ``wanted``'s order and spelling."""
    have = normalised(parse_list(offered))
    return [item for item in parse_list(wanted) if " ".join(item.lower().split()) in have]
