"""Problems found in a bundle, and the error that carries them.

Every problem prints as ``FILE:LINE: column COLUMN: message`` (the bundle
format's contract; LINE counts the header as line 1).  A problem about a whole
row (ragged, malformed quoting) or a whole file (encoding, empty) has no
column and prints as ``FILE:LINE: message``; one about the bundle itself (a
zip that escapes its folder, a missing people.csv) as ``FILE: message``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# What a report prints; more are counted and summarised in one line.
REPORT_CAP = 200
# What is kept in memory: enough to sort and show the first REPORT_CAP by line.
KEEP_CAP = 5_000


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        if self.column is None:
            return f"{where}: {self.message}"
        return f"{where}: column {self.column}: {self.message}"


class ProblemLog:
    """Collects problems and warnings; keeps at most KEEP_CAP problems, counts all."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.total = 0
        self.warnings: list[str] = []

    def add(self, file: str, line: int | None, column: str | None, message: str) -> None:
        self.total += 1
        if len(self.problems) < KEEP_CAP:
            self.problems.append(Problem(file, line, column, message))

    def add_rows(
        self,
        file: str,
        lines: Sequence[int],
        column: str | None,
        messages: Iterable[str],
        count: int,
    ) -> None:
        """Add ``count`` problems at ``lines`` (messages built lazily, only for kept ones)."""
        room = max(0, KEEP_CAP - len(self.problems))
        for line, message in zip(lines[:room], messages, strict=False):
            self.problems.append(Problem(file, int(line), column, message))
        self.total += count

    def merge(self, other: ProblemLog) -> None:
        """Add another log's problems (as far as there is room), count and warnings."""
        room = max(0, KEEP_CAP - len(self.problems))
        self.problems.extend(other.problems[:room])
        self.total += other.total
        self.warnings.extend(other.warnings)

    def clear(self) -> None:
        """Forget the problems (not the warnings): a whole-file reread reports them anew."""
        self.problems.clear()
        self.total = 0

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def __bool__(self) -> bool:
        return self.total > 0


def _sort_key(problem: Problem, file_order: dict[str, int]) -> tuple[int, str, int, str]:
    return (file_order.get(problem.file, -1), problem.file, problem.line or 0, problem.column or "")


class BundleError(Exception):
    """A bundle that cannot be imported; nothing was written.

    ``problems`` are sorted by file (in dependency order) and line; ``total``
    counts every problem found, including those beyond what is kept.
    """

    def __init__(
        self,
        problems: Sequence[Problem],
        *,
        warnings: Sequence[str] = (),
        total: int | None = None,
        file_order: Sequence[str] = (),
    ) -> None:
        order = {name: i for i, name in enumerate(file_order)}
        self.problems: list[Problem] = sorted(problems, key=lambda p: _sort_key(p, order))
        self.warnings: list[str] = list(warnings)
        self.total: int = total if total is not None else len(self.problems)
        super().__init__(self.report())

    def lines(self, cap: int = REPORT_CAP) -> list[str]:
        """The report, one problem per line, capped with a "… and N more" line."""
        shown = [str(p) for p in self.problems[:cap]]
        if self.total > len(shown):
            shown.append(f"… and {self.total - len(shown)} more problems")
        return shown

    def report(self) -> str:
        return "\n".join(self.lines())
