"""Where Chromium's time goes on one visit: a trace and a JavaScript profile, summed.

    .venv/bin/python -m bench.browser_profile stalled            # a warm click onto it
    .venv/bin/python -m bench.browser_profile stalled --cold     # a new browser context
    .venv/bin/python -m bench.browser_profile --floor            # the bare Streamlit app

bench/perceived.py says how long a page takes to settle and how many CPU seconds
Chromium spends; this says on what.  The page (a key of the navigation) is visited as
bench/perceived.py visits it, on the 50,000-pairing SQLite demo, while Chromium
traces (``devtools.timeline``) and DevTools' sampling profiler runs.  Printed:

* the renderer main thread's self time by the kind of work DevTools' Performance
  panel shows (scripting, style and layout, painting, parsing and compiling, other),
  and by trace event;
* the JavaScript self time by script (which of Streamlit's frontend chunks: the
  data grid, Vega, the app itself) and its busiest functions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bench import build
from bench.perceived import (
    FLOOR_SCRIPT,
    FLOOR_TARGETS,
    Browser,
    running_server,
    sqlite_database,
    targets,
)

#: The Performance panel's own trace categories.
CATEGORIES = [
    "devtools.timeline",
    "disabled-by-default-devtools.timeline",
    "v8.execute",
    "disabled-by-default-v8.compile",
    "blink.user_timing",
    "loading",
]

#: Trace events by the kind of work (DevTools' summary colours).
KINDS = {
    "scripting": {
        "FunctionCall",
        "EvaluateScript",
        "v8.run",
        "v8.callFunction",
        "RunMicrotasks",
        "V8.Execute",
        "TimerFire",
        "EventDispatch",
        "FireAnimationFrame",
        "FireIdleCallback",
        "XHRReadyStateChange",
        "MajorGC",
        "MinorGC",
        "V8.GCScavenger",
        "V8.GCFinalizeMC",
        "BlinkGC.AtomicPhase",
        "ThreadState::performIdleLazySweep",
    },
    "compiling": {
        "v8.compile",
        "v8.compileModule",
        "V8.CompileCode",
        "CompileScript",
        "v8.produceCache",
        "v8.produceModuleCache",
        "v8.deserializeOnBackground",
        "CacheScript",
        "CacheModule",
        "v8.parseOnBackground",
    },
    "style and layout": {
        "UpdateLayoutTree",
        "RecalculateStyles",
        "Layout",
        "InvalidateLayout",
        "ScheduleStyleRecalculation",
        "HitTest",
        "ParseAuthorStyleSheet",
        "IntersectionObserverController::computeIntersections",
        "LayoutShift",
        "UpdateLayerTree",
    },
    "painting": {
        "Paint",
        "PrePaint",
        "Layerize",
        "PaintImage",
        "Decode Image",
        "CompositeLayers",
        "Commit",
        "Rasterize",
        "RasterTask",
        "ImageDecodeTask",
    },
    "parsing HTML": {"ParseHTML"},
}
_KIND_OF = {name: kind for kind, names in KINDS.items() for name in names}


def self_times(events: Iterable[dict[str, Any]]) -> dict[tuple[int, int], Counter[str]]:
    """Self microseconds per trace event name, per (process, thread).

    Complete events (``ph`` X) of one thread nest by time; an event's self time is
    its duration less that of the events directly inside it.
    """
    by_thread: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    for event in events:
        if event.get("ph") == "X" and "dur" in event:
            by_thread[(event["pid"], event["tid"])].append(event)
    return {key: _thread_self_times(thread) for key, thread in by_thread.items()}


def _thread_self_times(thread: list[dict[str, Any]]) -> Counter[str]:
    thread.sort(key=lambda e: (e["ts"], -e["dur"]))
    totals: Counter[str] = Counter()
    stack: list[tuple[float, str]] = []  # (end, name) of the events still open
    for event in thread:
        while stack and stack[-1][0] <= event["ts"]:
            stack.pop()
        totals[event["name"]] += event["dur"]
        if stack:  # the enclosing event's self time loses this one's duration
            totals[stack[-1][1]] -= event["dur"]
        stack.append((event["ts"] + event["dur"], event["name"]))
    return totals


def main_threads(events: Iterable[dict[str, Any]]) -> set[tuple[int, int]]:
    """The renderer main threads (``CrRendererMain``) of the trace."""
    return {
        (e["pid"], e["tid"])
        for e in events
        if e.get("ph") == "M"
        and e.get("name") == "thread_name"
        and e.get("args", {}).get("name") == "CrRendererMain"
    }


def by_kind(totals: Counter[str]) -> Counter[str]:
    kinds: Counter[str] = Counter()
    for name, micros in totals.items():
        kinds[_KIND_OF.get(name, "other")] += micros
    return kinds


def script_self_times(profile: dict[str, Any]) -> tuple[dict[str, float], dict[str, float]]:
    """Self milliseconds of a DevTools CPU profile per script and per function."""
    nodes = {node["id"]: node for node in profile["nodes"]}
    per_node: Counter[int] = Counter()  # microseconds
    for sample, delta in zip(profile["samples"], profile["timeDeltas"], strict=True):
        per_node[sample] += delta
    scripts: defaultdict[str, float] = defaultdict(float)
    functions: defaultdict[str, float] = defaultdict(float)
    for node_id, micros in per_node.items():
        frame = nodes[node_id]["callFrame"]
        url = frame.get("url") or f"({frame.get('functionName') or 'native'})"
        script = url.rsplit("/", 1)[-1].split("?")[0] or url
        scripts[script] += micros / 1000
        name = frame.get("functionName") or "(anonymous)"
        functions[f"{name} {script}:{frame.get('lineNumber', 0) + 1}"] += micros / 1000
    return scripts, functions


def element_counts(frames: Iterable[bytes]) -> list[tuple[str, float]]:
    """How many elements of each type the visit's websocket frames added to the page."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    counts: Counter[str] = Counter()
    for frame in frames:
        try:
            message = ForwardMsg.FromString(frame)
        except Exception:  # not a ForwardMsg
            continue
        if message.WhichOneof("type") != "delta":
            continue
        delta = message.delta
        kind = delta.WhichOneof("type")
        if kind == "new_element":
            counts[str(delta.new_element.WhichOneof("type"))] += 1
        elif kind == "add_block":
            counts[f"block: {delta.add_block.WhichOneof('type') or 'vertical'}"] += 1
    return [(name, float(n)) for name, n in counts.most_common()]


def _largest(values: dict[str, float]) -> list[tuple[str, float]]:
    return sorted(values.items(), key=lambda item: -item[1])


def _print(title: str, rows: Iterable[tuple[str, float]], unit: str, limit: int) -> None:
    print(f"\n{title}")
    for name, value in list(rows)[:limit]:
        print(f"  {value:9.0f} {unit}  {name}")


def profile_visit(browser: Browser, path: str, click_title: str | None) -> None:
    """Visit ``path`` and report: a click on ``click_title`` in the page the caller
    loaded, else a load of ``path`` (a reload, or a cold load in a new context).
    """
    cdp = browser.cdp
    cdp.send("Profiler.enable")
    cdp.send("Profiler.setSamplingInterval", {"interval": 200})
    cdp.send("Profiler.start")
    browser._browser.start_tracing(page=browser.page, categories=CATEGORIES)
    visit = browser.click(click_title) if click_title else browser.load(path)
    trace = json.loads(browser._browser.stop_tracing())
    profile = cdp.send("Profiler.stop")["profile"]
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    print(
        f"settled {visit.settled:.2f} s; Chromium CPU {visit.browser_cpu:.2f} s; "
        f"main thread busy {visit.browser_busy:.2f} s; server CPU {visit.server_cpu:.2f} s; "
        f"DOM {visit.dom_elements:,}"
    )
    totals: Counter[str] = Counter()
    threads = self_times(events)
    for key in main_threads(events):
        totals.update(threads.get(key, Counter()))
    kinds = by_kind(totals)
    _print(
        "renderer main thread, self time by kind",
        ((k, v / 1000) for k, v in kinds.most_common()),
        "ms",
        10,
    )
    _print(
        "renderer main thread, self time by trace event",
        ((k, v / 1000) for k, v in totals.most_common()),
        "ms",
        15,
    )
    scripts, functions = script_self_times(profile)
    _print("JavaScript self time by script", _largest(scripts), "ms", 12)
    _print("JavaScript self time by function", _largest(functions), "ms", 20)
    _print("Streamlit elements sent by the server, by type", element_counts(browser.frames), "", 15)
    out = build.OUT / "browser_profile_trace.json"
    out.write_text(json.dumps(trace))
    print(f"\ntrace: {out} (open in chrome://tracing or the Performance panel)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("page", nargs="?", default="overview", help="a navigation key")
    parser.add_argument("--cold", action="store_true", help="a new context, not a click")
    parser.add_argument("--floor", action="store_true", help="the bare Streamlit app")
    parser.add_argument("--reload", action="store_true", help="a reload, not a click")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    if args.floor:
        url, script, found = "sqlite://", FLOOR_SCRIPT, FLOOR_TARGETS
    else:
        url, script = sqlite_database(dt.date.today()), "app.py"
        found = targets(build.sample_pairing(url))
    target = found[0] if args.floor else next(t for t in found if t.key == args.page)
    with running_server(url, build.OUT / "browser_profile.log", script) as (base, pid):
        browser = Browser(base, pid)
        try:
            browser.new_context()
            browser.load(target.path)  # the server warm, the page's queries cached
            # A page of the same role, whose sidebar holds the link to the target.
            before = next(
                t.path
                for t in found
                if t.in_menu and t.role == target.role and t.path != target.path
            )
            if args.cold:
                browser.new_context()
            else:
                browser.load(before if not args.reload else target.path)
            click = None if args.cold or args.reload else target.title
            profile_visit(browser, target.path, click)
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
