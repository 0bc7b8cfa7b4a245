"""The pure parts of the perceived-speed benchmark: one visit's numbers, medians, the report."""

from __future__ import annotations

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.perceived_report import (
    GOAL_COLD,
    GOAL_WARM,
    TITLE,
    Visit,
    chart_bytes,
    render_section,
    replace_section,
    summarise,
    visit_from_record,
)


def _chart_frame(spec: str) -> bytes:
    message = ForwardMsg()
    message.delta.new_element.vega_lite_chart.spec = spec
    return message.SerializeToString()


def _text_frame(body: str) -> bytes:
    message = ForwardMsg()
    message.delta.new_element.markdown.body = body
    return message.SerializeToString()


def _visit(settled: float, last: float | None = None, cpu: float = 0.1) -> Visit:
    return Visit(
        settled=settled,
        first_message=None if last is None else 0.05,
        last_message=last,
        server_cpu=cpu,
        browser_busy=0.2,
        browser_cpu=0.15,
        dom_elements=900,
        charts=2,
        bytes_received=4096,
        chart_bytes=1024,
    )


def test_chart_bytes_counts_only_vega_lite_elements() -> None:
    chart = _chart_frame('{"mark": "bar", "data": {"values": [1, 2, 3]}}')
    expected = ForwardMsg.FromString(chart).delta.new_element.vega_lite_chart.ByteSize()
    frames = [chart, _text_frame("x" * 5000), b"\xff\x00 not a message"]
    assert expected > 0
    assert chart_bytes(frames) == expected
    assert chart_bytes([_text_frame("only text")]) == 0


def test_a_visit_counts_from_its_start_and_ignores_messages_after_settled() -> None:
    record = {
        "t0": 1000.0,
        "since": 1800.0,
        # [time ms, bytes]: the last one arrives after the page settled (a ping).
        "msgs": [[1100.0, 10], [1500.0, 20], [2500.0, 30]],
        "dom": 1234,
        "charts": 3,
    }
    frames = [_chart_frame("{}"), _text_frame("hello")]
    visit = visit_from_record(
        record, server_cpu=0.3, browser_busy=0.4, browser_cpu=0.2, frames=frames
    )
    assert visit.settled == 0.8
    assert visit.first_message == 0.1
    assert visit.last_message == 0.5
    assert (visit.dom_elements, visit.charts) == (1234, 3)
    assert (visit.server_cpu, visit.browser_cpu) == (0.3, 0.2)
    assert visit.bytes_received == sum(len(f) for f in frames)
    assert visit.chart_bytes == chart_bytes(frames[:1])


def test_a_visit_without_messages_has_no_message_times() -> None:
    record = {"t0": 0.0, "since": 250.0, "msgs": [], "dom": 1, "charts": 0}
    visit = visit_from_record(record, server_cpu=0.0, browser_busy=0.0, browser_cpu=0.0, frames=[])
    assert visit.first_message is None and visit.last_message is None


def test_summarise_takes_medians_and_the_browser_tail() -> None:
    visits = [_visit(0.9, 0.6, cpu=0.3), _visit(0.4, 0.3, cpu=0.1), _visit(0.5, 0.2, cpu=0.2)]
    summary = summarise(visits)
    assert summary["runs"] == 3
    assert summary["settled"] == 0.5
    assert summary["server_cpu"] == 0.2
    # Tails 0.3, 0.1, 0.3: the median is 0.3, not settled minus the median last message.
    assert summary["after_last_message"] == 0.3


def test_summarise_leaves_missing_measures_empty() -> None:
    summary = summarise([_visit(0.7)])
    assert summary["last_message"] is None and summary["after_last_message"] is None
    assert summarise([])["settled"] is None


def _page(
    title: str, cold: float, reload: float, click: float | None, returning: float | None = None
) -> dict[str, object]:
    page = {
        "title": title,
        "role": "sponsor",
        "cold": summarise([_visit(cold, cold / 2)]),
        "reload": summarise([_visit(reload, reload / 2)]),
        "click": None if click is None else summarise([_visit(click, click / 2)]),
        "problem": None,
    }
    if returning is not None:
        page["returning"] = summarise([_visit(returning, returning / 2)])
    return page


def _run(pages: dict[str, object]) -> dict[str, object]:
    return {
        "backend": "sqlite",
        "pairings": 50_000,
        "repeat": 3,
        "date": "2026-12-07 03:00 UTC",
        "load": {"before": "load average: 1.0", "after": "load average: 1.2"},
        "pages": pages,
    }


def test_the_report_says_which_pages_miss_the_goals() -> None:
    fast = _page("Overview", GOAL_COLD / 2, GOAL_WARM / 2, GOAL_WARM / 3)
    # Reload slow, click fast: the better of the two counts as warm.
    clicked = _page("Portfolio", GOAL_COLD / 2, GOAL_WARM * 2, GOAL_WARM / 2)
    slow = _page("Feedback themes", GOAL_COLD * 2, GOAL_WARM * 3, None)
    text = "\n".join(render_section([_run({"a": fast, "b": clicked, "c": slow})]))
    assert text.startswith(TITLE)
    assert "### SQLite, 50,000 pairings" in text
    assert "load average: 1.0" in text
    warm_line = next(line for line in text.splitlines() if line.startswith("Goal (issue #15)"))
    assert "**not met**" in warm_line and "Feedback themes" in warm_line
    assert "Portfolio" not in warm_line and "Overview" not in warm_line
    cold_line = next(line for line in text.splitlines() if line.startswith("Cold <"))
    assert "Feedback themes 3.00 s" in cold_line and "Overview" not in cold_line
    # Runs stored before the returning visit was measured: no verdict for it, "–" cells.
    assert "returning browser) —" not in text


def test_the_report_judges_the_returning_browser_s_cold_visit_apart() -> None:
    # Slow in a new context (the frontend's start), fast for a returning browser.
    page = _page("Portfolio", GOAL_COLD * 2, GOAL_WARM / 2, GOAL_WARM / 3, GOAL_COLD / 2)
    slow = _page("Matching", GOAL_COLD * 3, GOAL_WARM / 2, GOAL_WARM / 3, GOAL_COLD * 2)
    text = "\n".join(render_section([_run({"a": page, "b": slow})]))
    new_context = next(line for line in text.splitlines() if "(new browser context) —" in line)
    returning = next(line for line in text.splitlines() if "(returning browser) —" in line)
    assert "Portfolio 3.00 s" in new_context and "Matching 4.50 s" in new_context
    assert "Portfolio" not in returning and "Matching 3.00 s" in returning
    row = next(line for line in text.splitlines() if line.startswith("| Portfolio"))
    assert f"| {GOAL_COLD / 2:.2f} |" in row


def test_the_report_says_met_when_every_page_is_fast() -> None:
    text = "\n".join(render_section([_run({"a": _page("Overview", 0.5, 0.2, 0.1)})]))
    assert "Goal (issue #15): warm < 0.5 s — met" in text
    assert "Cold < 1.5 s (new browser context) — met." in text


def test_the_report_puts_streamlit_alone_first_and_under_every_backend() -> None:
    floor = {
        **_run(
            {"a": _page("Bare page A", 1.0, 0.3, 0.2), "b": _page("Bare page B", 3.0, 0.5, 0.4)}
        ),
        "backend": "floor",
        "pairings": 0,
    }
    postgres = {**_run({"a": _page("Overview", 4.0, 1.0, 0.6)}), "backend": "postgresql"}
    text = "\n".join(
        render_section([postgres, _run({"a": _page("Overview", 3.0, 0.9, 0.5)}), floor])
    )
    headings = [line for line in text.splitlines() if line.startswith("### ")]
    assert headings[0].startswith("### Streamlit alone") and len(headings) == 3
    floor_part = text.split("### PostgreSQL")[0]
    # The floor is context, not a page with goals of its own.
    assert "| Bare page B | sponsor | 3.00 |" in floor_part and "Goal (issue" not in floor_part
    # Under each backend: the floor's medians over its pages (cold 1 and 3: 2.00).
    sentences = [line for line in text.splitlines() if line.startswith("Streamlit alone on")]
    assert len(sentences) == 2
    assert "cold 2.00 s" in sentences[0] and "reload 0.40 s" in sentences[0]
    assert "click 0.30 s" in sentences[0] and "returning –," in sentences[0]


def test_replace_section_adds_then_replaces_and_keeps_what_follows() -> None:
    original = "# Benchmark results\n\n## Targets\n\nrows\n"
    added = replace_section(original, f"{TITLE}\n\nfirst\n")
    assert added.startswith(original.rstrip("\n"))
    assert added.endswith(f"{TITLE}\n\nfirst\n")
    followed = added + "\n## Matching a cohort\n\nkept\n"
    replaced = replace_section(followed, f"{TITLE}\n\nsecond\n")
    assert "first" not in replaced and "second" in replaced
    assert replaced.endswith("## Matching a cohort\n\nkept\n")
    assert replaced.count(TITLE) == 1
