"""The pure parts of bench/perceived.py: one visit's numbers, their medians, the report.

Kept apart from the browser and server driving so they can be tested without
either (tests/bench/test_perceived.py).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

#: How long the settled state must hold before it counts (a run ending in st.rerun).
HOLD_MS = 500
#: Goals from issue #15 item 8.
GOAL_WARM = 0.5
GOAL_COLD = 1.5
TITLE = "## Perceived speed in Chromium (50,000 pairings)"


@dataclass
class Visit:
    """One navigation, seconds from its start (the click or the page load)."""

    settled: float
    #: First websocket message (a load: frontend fetched, started, connected).
    first_message: float | None
    #: Last websocket message before the settled moment (the server's last word).
    last_message: float | None
    server_cpu: float
    browser_busy: float
    #: CPU seconds of Chromium's processes (unlike ``browser_busy``, not inflated by
    #: waiting for a core on a loaded machine).
    browser_cpu: float
    dom_elements: int
    charts: int
    bytes_received: int
    chart_bytes: int


def visit_from_record(
    record: dict[str, Any],
    *,
    server_cpu: float,
    browser_busy: float,
    browser_cpu: float,
    frames: Sequence[bytes],
) -> Visit:
    """A ``Visit`` from what the page recorded (``_READ``) and the frames Playwright saw."""
    t0 = float(record["t0"])
    settled = float(record["since"])
    before = [t for t, _ in record["msgs"] if t <= settled]
    return Visit(
        settled=(settled - t0) / 1000,
        first_message=(before[0] - t0) / 1000 if before else None,
        last_message=(before[-1] - t0) / 1000 if before else None,
        server_cpu=server_cpu,
        browser_busy=browser_busy,
        browser_cpu=browser_cpu,
        dom_elements=int(record["dom"]),
        charts=int(record["charts"]),
        bytes_received=sum(len(frame) for frame in frames),
        chart_bytes=chart_bytes(frames),
    )


def chart_bytes(frames: Sequence[bytes]) -> int:
    """Bytes of the Vega-Lite charts (spec and Arrow data) in websocket ForwardMsg frames."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    total = 0
    for frame in frames:
        try:
            message = ForwardMsg.FromString(frame)
        except Exception:  # not a ForwardMsg (a ping): nothing of a chart in it
            continue
        if message.WhichOneof("type") != "delta":
            continue
        delta = message.delta
        if delta.WhichOneof("type") != "new_element":
            continue
        if delta.new_element.WhichOneof("type") == "vega_lite_chart":
            total += delta.new_element.vega_lite_chart.ByteSize()
    return total


def _median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def summarise(visits: Sequence[Visit]) -> dict[str, float | None]:
    """Medians of each measure over ``visits`` (None where none had it)."""
    summary: dict[str, float | None] = {"runs": float(len(visits))}
    for name in Visit.__dataclass_fields__:
        values = [getattr(v, name) for v in visits if getattr(v, name) is not None]
        summary[name] = _median([float(x) for x in values])
    # The browser's own tail: from the server's last message to settled.
    summary["after_last_message"] = _median(
        [v.settled - v.last_message for v in visits if v.last_message is not None]
    )
    return summary


def seconds(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def kib(value: float | None) -> str:
    return "–" if value is None else f"{value / 1024:,.0f}"


def _over_cold_goal(pages: dict[str, Any], kind: str) -> list[str]:
    """Pages whose ``kind`` of cold visit ("cold" or "returning") misses the cold goal."""
    return [
        f"{page['title']} {page[kind]['settled']:.2f} s"
        for page in pages.values()
        if page.get(kind)
        and page[kind]["settled"] is not None
        and page[kind]["settled"] >= GOAL_COLD
    ]


def _verdicts(pages: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Pages over the warm goal (reload or click) and over the cold goal."""
    slow_warm = []
    for page in pages.values():
        warm = [
            page[kind]["settled"]
            for kind in ("reload", "click")
            if page.get(kind) and page[kind]["settled"] is not None
        ]
        if warm and min(warm) >= GOAL_WARM:
            slow_warm.append(f"{page['title']} {min(warm):.2f} s")
    return slow_warm, _over_cold_goal(pages, "cold")


def render_section(runs: Sequence[dict[str, Any]]) -> list[str]:
    """The RESULTS.md section for the stored runs (one per backend)."""
    lines = [
        TITLE,
        "",
        "Written by `python -m bench.perceived` (see its docstring for exactly what is",
        "measured).  *settled*: from the start of the navigation until the script has",
        "finished, no element is stale or spinning and every chart is drawn, held for",
        f"{HOLD_MS} ms.  *cold*: new browser context, server caches just cleared; "
        "*returning*: the same",
        "cold server, in a browser that has Tandem's frontend in its HTTP cache (the first",
        "view after a data change); *reload*: the same",
        "URL loaded again (new session, caches warm); *click*: reached from the sidebar",
        "(one script run, no reload).  *ws first/last*: when the websocket's first and",
        "last messages arrived (the gap after the last one is the browser's own",
        "rendering); *server cpu*: the Streamlit process (not PostgreSQL's);",
        "*browser cpu*: Chromium's processes (DevTools SystemInfo), CPU seconds.",
        "Medians; the machine is shared (2 cores, other sessions running tests), so",
        "the load average is given and wall times above the core count are inflated.",
        "",
    ]
    floor = next((run for run in runs if run["backend"] == FLOOR), None)
    if floor is not None:
        lines += _render_run(floor, None)
    for run in sorted(runs, key=lambda r: r["backend"]):
        if run["backend"] != FLOOR:
            lines += _render_run(run, floor)
    return lines


#: The run of a bare Streamlit app (bench/floor_app.py), the same visits without Tandem.
FLOOR = "floor"


def floor_sentence(floor: dict[str, Any]) -> str:
    """The bare app's medians over its pages, one sentence for under a backend's table."""

    def middle(kind: str) -> str:
        values = [
            page[kind]["settled"]
            for page in floor["pages"].values()
            if page.get(kind) and page[kind]["settled"] is not None
        ]
        return f"{seconds(statistics.median(values))} s" if values else "–"

    return (
        f"Streamlit alone on this machine ({floor['date']}): cold {middle('cold')}, "
        f"returning {middle('returning')}, reload {middle('reload')}, "
        f"click {middle('click')}."
    )


def _render_run(run: dict[str, Any], floor: dict[str, Any] | None) -> list[str]:
    if run["backend"] == FLOOR:
        heading = "### Streamlit alone: a bare two-page app (bench/floor_app.py)"
        intro = [
            "",
            "The floor under every row below: a title and a sentence per page, no",
            "database, no chart, served and visited exactly as Tandem's pages are.",
            "No Tandem page can settle sooner than this on the same machine.",
        ]
    else:
        backend = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[run["backend"]]
        heading, intro = f"### {backend}, {run['pairings']:,} pairings", []
    slow_warm, slow_cold = _verdicts(run["pages"])
    load = run.get("load", {})
    lines = [
        heading,
        *intro,
        "",
        f"Run {run['date']}, {run['repeat']} warm visits per page; `uptime` before: "
        f"{load.get('before', '?')}; after: {load.get('after', '?')}.",
        "",
        "| page | role | cold s | cold server cpu s | cold ws first / last s "
        "| returning s | reload s | reload ws first / last s | click s | click server cpu s "
        "| click browser cpu s | click after last message s | DOM elements "
        "| charts (KiB) | received KiB |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for page in run["pages"].values():
        cold, reload, click = page["cold"], page["reload"], page.get("click")
        returning = page.get("returning")  # runs stored before it was measured lack it
        problem = f" ⚠ {page['problem']}" if page.get("problem") else ""
        lines.append(
            f"| {page['title']}{problem} | {page['role']} | {seconds(cold['settled'])} "
            f"| {seconds(cold['server_cpu'])} "
            f"| {seconds(cold['first_message'])} / {seconds(cold['last_message'])} "
            f"| {seconds(returning['settled']) if returning else '–'} "
            f"| {seconds(reload['settled'])} "
            f"| {seconds(reload['first_message'])} / {seconds(reload['last_message'])} "
            f"| {seconds(click['settled']) if click else '–'} "
            f"| {seconds(click['server_cpu']) if click else '–'} "
            f"| {seconds(click['browser_cpu']) if click else '–'} "
            f"| {seconds(click['after_last_message']) if click else '–'} "
            f"| {reload['dom_elements']:,.0f} "
            f"| {reload['charts']:.0f} ({kib(reload['chart_bytes'])}) "
            f"| {kib(reload['bytes_received'])} |"
        )
    if run["backend"] == FLOOR:
        return [*lines, ""]
    lines += [
        "",
        *([floor_sentence(floor)] if floor is not None else []),
        f"Goal (issue #15): warm < {GOAL_WARM} s — "
        + (
            "met (the better of reload and click)."
            if not slow_warm
            else f"**not met**: {', '.join(slow_warm)}."
        ),
        f"Cold < {GOAL_COLD} s (new browser context) — "
        + ("met." if not slow_cold else f"**not met**: {', '.join(slow_cold)}."),
    ]
    if any(page.get("returning") for page in run["pages"].values()):
        slow_returning = _over_cold_goal(run["pages"], "returning")
        lines.append(
            f"Cold < {GOAL_COLD} s (returning browser) — "
            + ("met." if not slow_returning else f"**not met**: {', '.join(slow_returning)}.")
        )
    lines.append("")
    return lines


def replace_section(text: str, section: str) -> str:
    """``text`` with its perceived-speed section replaced by ``section`` (or added at the end)."""
    start = text.find(TITLE)
    if start < 0:
        return text.rstrip("\n") + "\n\n" + section
    end = text.find("\n## ", start + len(TITLE))
    rest = "" if end < 0 else text[end + 1 :]
    return text[:start] + section + ("\n" + rest if rest else "")
