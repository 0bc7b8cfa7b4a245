"""Plain-text output shared by the subcommands (not a command itself)."""

from __future__ import annotations

import json
import sys
from typing import Any


def text_table(headers: list[str], rows: list[list[str]]) -> str:
    """Columns padded to their widest cell, a dashed rule under the headers."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows)
    return "\n".join(line.rstrip() for line in lines)


def print_json(data: Any) -> None:
    """``data`` as indented JSON on stdout, non-ASCII kept as it is, one newline after."""
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def fail(message: str, code: int = 1) -> int:
    """Say ``error: message`` on stderr; the exit code to return."""
    print(f"error: {message}", file=sys.stderr)
    return code
