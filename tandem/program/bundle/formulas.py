"""Spreadsheet formula injection: neutralise on export, restore on import.

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
is run as a formula by Excel, LibreOffice and Google Sheets.  Export prefixes
such cells with a single quote; import removes a single quote that stands
before one of those characters, so export → import gives back the original
text (bundle format, "What export adds").

Known, documented limit of the rule itself: a cell whose *original* text is a
quote followed by a trigger (``'=x``) comes back without its quote.
"""

from __future__ import annotations

TRIGGERS = frozenset("=+-@\t\r")
QUOTE = "'"


def neutralise_formula(text: str) -> str:
    """``text`` made safe to open in a spreadsheet (prefix ``'`` before a trigger)."""
    if text and text[0] in TRIGGERS:
        return QUOTE + text
    return text


def restore_formula(text: str) -> str:
    """Undo :func:`neutralise_formula`: drop a ``'`` that stands before a trigger."""
    if len(text) >= 2 and text[0] == QUOTE and text[1] in TRIGGERS:
        return text[1:]
    return text
