"""Progress messages for long work, shared by the command-line commands."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

ProgressFn = Callable[[str], None]


def stderr_progress(prefix: str = "") -> ProgressFn:
    """A progress callback that prints timestamped lines to stderr."""
    started = time.perf_counter()

    def report(message: str) -> None:
        elapsed = time.perf_counter() - started
        print(f"[{elapsed:6.1f}s] {prefix}{message}", file=sys.stderr, flush=True)

    return report


def silent(_message: str) -> None:
    """A progress callback that says nothing."""
