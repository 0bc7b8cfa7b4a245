"""The pure parts of bench/browser_profile.py: trace self times and profile sums."""

from __future__ import annotations

from bench.browser_profile import by_kind, main_threads, script_self_times, self_times


def _event(name: str, ts: int, dur: int, tid: int = 1) -> dict[str, object]:
    return {"ph": "X", "name": name, "ts": ts, "dur": dur, "pid": 7, "tid": tid}


def test_self_time_is_duration_less_the_events_directly_inside() -> None:
    events = [
        _event("RunTask", 0, 100),
        _event("FunctionCall", 10, 60),
        _event("UpdateLayoutTree", 20, 15),  # inside the call
        _event("Layout", 80, 10),  # inside the task, after the call
        _event("RunTask", 200, 30),
        _event("Paint", 0, 5, tid=2),  # another thread
        {"ph": "B", "name": "ignored", "ts": 0, "pid": 7, "tid": 1},
    ]
    totals = self_times(events)
    main = totals[(7, 1)]
    assert main["RunTask"] == (100 - 60 - 10) + 30
    assert main["FunctionCall"] == 60 - 15
    assert main["UpdateLayoutTree"] == 15 and main["Layout"] == 10
    assert sum(main.values()) == 130  # the top-level tasks' time, counted once
    assert totals[(7, 2)]["Paint"] == 5
    kinds = by_kind(main)
    assert kinds["scripting"] == 45 and kinds["style and layout"] == 25
    assert kinds["other"] == 60


def test_main_threads_are_the_renderer_main_threads() -> None:
    events = [
        {"ph": "M", "name": "thread_name", "pid": 7, "tid": 1, "args": {"name": "CrRendererMain"}},
        {"ph": "M", "name": "thread_name", "pid": 7, "tid": 2, "args": {"name": "Compositor"}},
    ]
    assert main_threads(events) == {(7, 1)}


def test_script_self_times_sum_samples_by_script_and_function() -> None:
    frame = {
        "functionName": "render",
        "url": "http://x/static/js/DataFrame.abc.js",
        "lineNumber": 9,
    }
    profile = {
        "nodes": [
            {"id": 1, "callFrame": {"functionName": "(root)", "url": ""}},
            {"id": 2, "callFrame": frame},
        ],
        "samples": [2, 2, 1],
        "timeDeltas": [1000, 3000, 500],
    }
    scripts, functions = script_self_times(profile)
    assert scripts == {"DataFrame.abc.js": 4.0, "((root))": 0.5}
    assert functions["render DataFrame.abc.js:10"] == 4.0
