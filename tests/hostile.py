"""Hostile text for the "untrusted text stays text" tests (AppTest and browser).

``hostile_bundle`` copies the sample bundle with a markdown, HTML, image or
link payload in every text cell and every ID of every file (the columns come
from ``tandem.program.bundle.spec``, so a new column is covered the day it is added);
``HOSTILE_QUERY`` puts payloads in every URL parameter a page reads.  The
checks say whether a piece of markdown source would render any of them live.

Every payload points at 127.0.0.1 port 9 (discard: nothing answers), so a
pixel that does load is harmless, and a test can look for that address.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from tandem.program.bundle.spec import FILES, Column

SAMPLE_BUNDLE = Path(__file__).resolve().parents[1] / "data" / "sample_bundle"

PAYLOADS = (
    "![x](http://127.0.0.1:9/pixel.png)",
    "[Sign in](http://127.0.0.1:9/phish)",
    "<img src=http://127.0.0.1:9/p.png>",
    '<a href="http://127.0.0.1:9/x">x</a>',
    "**PWNED**",
    ":red[ALARM]",
    ":material/skull:",
    "http://127.0.0.1:9/bare",
    "www.evil.example",
    "evil@evil.example",
    ":smile:",
)
ALL_PAYLOADS = " ".join(PAYLOADS)
# Text that must stay short: a person's name (the spec allows 200 characters):
# two payloads, in turn.
_SHORT = {("people", "name")}
_NAME_PAYLOADS = 2


def tag(where: str) -> str:
    """The marker that says which field a payload came from, e.g. «people.title»."""
    return f"«{where}»"


def hostile_id(old: str, column: str, index: int) -> str:
    """An ID (at most 64 characters) that is itself a payload."""
    return f"{old} {tag(column)} {PAYLOADS[index % len(PAYLOADS)]}"


def _hostile_text(value: str, stem: str, column: Column, index: int) -> str:
    marker = tag(f"{stem}.{column.name}")
    if column.name == "email":
        # Unique, and an e-mail address a markdown renderer would link.
        return f"{value.split('@')[0]}@evil.example" if value else value
    if (stem, column.name) in _SHORT:
        picked = [PAYLOADS[(index + k * 5) % len(PAYLOADS)] for k in range(_NAME_PAYLOADS)]
        return " ".join([value, marker, *picked])
    if column.kind == "list":
        # One more competency that is a payload; ';' separates the items.
        return ";".join([part for part in value.split(";") if part] + [f"{marker} **PWNED**"])
    return " ".join(part for part in (value, marker, ALL_PAYLOADS) if part)


def hostile_bundle(folder: Path) -> Path:
    """The sample bundle with a payload in every text cell and every ID, written to ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = {spec.stem: _read(SAMPLE_BUNDLE / spec.filename) for spec in FILES}
    # Every ID renamed, and every reference to it renamed the same way.
    renamed: dict[str, dict[str, str]] = {}
    for spec in FILES:
        id_column = spec.id_column.name
        renamed[spec.stem] = {
            row[id_column]: hostile_id(row[id_column], id_column, index)
            for index, row in enumerate(rows[spec.stem])
        }
    for spec in FILES:
        columns = {column.name: column for column in spec.all_columns}
        for index, row in enumerate(rows[spec.stem]):
            for name, value in list(row.items()):
                column = columns.get(name)
                if column is None:
                    continue
                if column.kind == "id":
                    # A reference follows what it names, even as part of a row's
                    # identity (participants.csv: cohort and person).
                    target = column.ref if column.ref is not None else spec.stem
                    if value and target is not None:
                        row[name] = renamed[target][value]
                elif column.kind in ("text", "list"):
                    row[name] = _hostile_text(value, spec.stem, column, index)
        _write(folder / spec.filename, rows[spec.stem])
    return folder


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def fill_hostile(engine: object, folder: Path) -> None:
    """Import the hostile bundle and compute themes and health, like the app after an import."""
    from tandem.program.bundle import import_bundle
    from tandem.refresh import refresh_all

    import_bundle(engine, hostile_bundle(folder))  # type: ignore[arg-type]
    refresh_all(engine)  # type: ignore[arg-type]


# Every URL parameter a page reads: the shared filters (tandem.access.filters), the
# pairing page's ``pairing``, presenter mode's ``present`` and the themes tabs'
# ``section``.  Each carries a payload with its own marker.
QUERY_KEYS = (
    "cohort",
    "type",
    "kind",
    "status",
    "division",
    "geo",
    "level",
    "from",
    "to",
    "mdiv",
    "ediv",
    "gap",
    "geomatch",
    "pairing",
    "present",
    "section",
)
HOSTILE_QUERY = {
    key: " ".join(
        [tag(f"url.{key}"), PAYLOADS[index % len(PAYLOADS)], PAYLOADS[(index + 4) % len(PAYLOADS)]]
    )
    for index, key in enumerate(QUERY_KEYS)
}

# --- is anything live? -------------------------------------------------------

# What a payload looks like while it is still syntax, once every escaped
# character is masked: a link, an image, HTML, bold, a colour or an icon.
_LIVE_SYNTAX = (
    "](",
    "<img",
    "<a ",
    "**PWNED",
    "PWNED**",
    ":red[",
    ":material/skull",
    ":smile:",
    "127.0.0.1:9",
    "evil.example",
)
# What Streamlit rewrites in the text after markdown has resolved the escapes:
# bare URLs and e-mail addresses into links, shortcodes into icons and emoji.
_LIVE_TEXT = re.compile(
    r"https?://127|www\.evil|evil@evil\.example|:material/skull:|:smile:", re.IGNORECASE
)


def live_payloads(source: str) -> list[str]:
    """The payload constructs that ``source``, rendered as Streamlit markdown, would make live."""
    masked = re.sub(r"\\.", "\x00", source, flags=re.S)
    found = [syntax for syntax in _LIVE_SYNTAX if syntax in masked]
    resolved = re.sub(r"\\(.)", r"\1", source, flags=re.S)
    found += [match.group(0) for match in _LIVE_TEXT.finditer(resolved)]
    return found


def as_read(source: str) -> str:
    """Markdown source as a reader sees it (escapes resolved, invisible joiners gone)."""
    return re.sub(r"\\(.)", r"\1", source, flags=re.S).replace("\u2060", "")


def tags_in(text: str) -> set[str]:
    """The field markers («file.column», «url.key», «id_column») present in ``text``."""
    return set(re.findall(r"«([^»]+)»", text))
