"""bench/RESULTS.md from the stored results: every size's table, the targets, the findings.

``python -m bench.run_all`` measures and calls :func:`render`; ``--render-only``
rewrites the file from ``bench/out/results.json`` without measuring.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench import bench_match, build, perceived

RESULTS_JSON = build.OUT / "results.json"
RESULTS_MD = build.RESULTS_MD
#: Hand-written analysis appended to RESULTS.md (what the numbers mean, what to fix).
FINDINGS_MD = Path(__file__).resolve().parent / "findings.md"
QUICK_MD = build.OUT / "RESULTS-quick.md"
BIG = build.BIG

# Targets from issue #9 (2-core machine, 50,000 pairings, SQLite).
TARGET_WARM = 0.5
TARGET_COLD = 3.0
TARGET_IMPORT = 100_000
TARGET_RSS = 1024**3


def _pages_peak(entry: dict[str, Any]) -> float:
    """The highest resident memory sampled during any page run.

    (Not the pages process's ``ru_maxrss``: on Linux a child started from a
    large parent inherits the parent's peak at fork, which would count the
    benchmark's own import and refreshes.)
    """
    return max(
        (
            max(page["cold"]["peak_rss"], page["warm"]["peak_rss"])
            for page in entry["pages"].values()
            if not page.get("skipped")
        ),
        default=0.0,
    )


def _mib(value: float) -> str:
    return f"{value / 2**20:,.0f} MiB"


def _verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def render(entries: list[dict[str, Any]], info: dict[str, str]) -> str:
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`python -m bench.run_all`); see bench/run_all.py for what is",
        "measured and how.  Seconds are wall-clock medians; *cpu* is the CPU time of the",
        "benchmark process (on SQLite it includes the database engine, on PostgreSQL the",
        "server's work is not in it); *SQL* is time inside the database driver (on SQLite",
        "execute and every fetch, since SQLite computes rows as they are fetched); *outside*",
        "is wall minus SQL.  Peak RSS is the process's resident memory during the run",
        "(sampled every 10 ms; the process holds every earlier page's caches too).",
        "The machine is shared: the load average at each measurement is given, and with a",
        "load above the core count wall times are inflated, CPU times much less so.",
        "",
        "## Machine",
        "",
    ]
    for key, value in info.items():
        lines.append(f"- {key}: {value}")
    lines.append("")
    for entry in sorted(entries, key=lambda e: (e["backend"], e["pairings"])):
        lines += _render_entry(entry)
    big = next(
        (e for e in entries if e["backend"] == "sqlite" and e["pairings"] == BIG and "pages" in e),
        None,
    )
    if big is not None:
        lines += _render_targets(big)
    if bench_match.OUT.exists():
        lines += bench_match.render(json.loads(bench_match.OUT.read_text()))
    lines += ["", *perceived.stored_section()]  # bench/perceived.py: Chromium, 50k
    if FINDINGS_MD.exists():
        lines += ["", FINDINGS_MD.read_text().strip(), ""]
    return "\n".join(lines) + "\n"


def _render_entry(entry: dict[str, Any]) -> list[str]:
    backend = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[entry["backend"]]
    load = entry.get("load_before", [0, 0, 0])
    lines = [
        f"## {backend}, {entry['pairings']:,} pairings",
        "",
        f"Run {entry['date']}, {entry['repeat']} page run(s), {entry['heavy_repeat']} run(s) of "
        f"the heavy operations; load average before {load[0]:.1f}, after "
        f"{entry.get('load_after', [0])[0]:.1f}; peak RSS of the process running the pages "
        f"{_mib(_pages_peak(entry))} (sampled every 10 ms).",
        "",
        "| page | cold s | cold cpu s | cold SQL s | outside ÷ in SQL (cold) | warm s "
        "| warm cpu s | warm SQL s | peak RSS | load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for page in entry["pages"].values():
        if page.get("skipped"):
            lines.append(f"| {page['title']} | not run (see the notes) | | | | | | | | |")
            continue
        c, w = page["cold"], page["warm"]
        note = f" ⚠ {page['problem']}" if page.get("problem") else ""
        lines.append(
            f"| {page['title']}{note} | {c['wall']:.2f} | {c['cpu']:.2f} | {c['sql']:.2f} "
            f"| {_outside_ratio(c):.1f} | {w['wall']:.2f} | {w['cpu']:.2f} | {w['sql']:.3f} "
            f"| {_mib(max(c['peak_rss'], w['peak_rss']))} | {c['load']:.1f} |"
        )
    heavy = entry["heavy"]
    imp = heavy["import"]
    demo = entry.get("demo") or {}
    lines += [
        "",
        "| operation | s | cpu s | detail |",
        "|---|---:|---:|---|",
        f"| import (bundle → empty database) | {imp['wall']:.1f} | {imp['cpu']:.1f} "
        f"| {imp['rows']:,.0f} rows, **{imp['rows_per_s']:,.0f} rows/s** "
        f"({imp['rows_per_cpu_s']:,.0f} per CPU s), peak RSS {_mib(imp['peak_rss'])} |",
        _theme_row(heavy["themes"], entry["pairings"]),
        *(
            [
                f"| a lead codes a note: the notes like it re-read (update_after_coding) "
                f"| {coding['update_wall']:.1f} | {coding['update_cpu']:.1f} "
                f"| {coding['candidates']:,.0f} notes re-read; the coding queue "
                f"{coding['queue_wall']:.1f} s |"
            ]
            if (coding := heavy.get("themes_after_coding"))
            else []
        ),
        f"| health refresh | {heavy['health']['wall']:.1f} | {heavy['health']['cpu']:.1f} "
        f"| SQL {heavy['health']['sql']:.1f} s, peak RSS {_mib(heavy['health']['peak_rss'])} |",
        *(
            [
                f"| per-pairing roll-ups (pairing_stats) | {heavy['pairing_stats']['wall']:.1f} "
                f"| {heavy['pairing_stats']['cpu']:.1f} "
                f"| peak RSS {_mib(heavy['pairing_stats']['peak_rss'])} |"
            ]
            if heavy.get("pairing_stats", {}).get("runs")
            else []
        ),
        _rebalance_row(heavy["rebalance"]),
        *(
            [
                f"| Impact reports (refresh_impact: the program, each cohort, every window) "
                f"| {heavy['impact']['wall']:.1f} | {heavy['impact']['cpu']:.1f} "
                f"| peak RSS {_mib(heavy['impact']['peak_rss'])} |"
            ]
            if heavy.get("impact", {}).get("runs")
            else []
        ),
    ]
    if demo.get("demo_seconds"):
        lines.append(
            f"| demo generation (SQLite, built once) | {demo['demo_seconds']:.1f} | "
            f"| {demo['demo_rows']:,} rows; first refresh_all {demo['refresh_seconds']:.1f} s |"
        )
    lines.append("")
    return lines


def _outside_ratio(run: dict[str, float]) -> float:
    """Time outside SQL over time in it.  On SQLite in CPU seconds (the engine runs
    in the process, so neither side counts waiting for a core on a loaded
    machine); on PostgreSQL the server's CPU is not ours to see: wall seconds."""
    if run.get("sql_cpu"):
        return (run["cpu"] - run["sql_cpu"]) / run["sql_cpu"]
    if run["sql"]:
        return (run["wall"] - run["sql"]) / run["sql"]
    return float("inf")


def _rebalance_row(run: dict[str, float]) -> str:
    if not run.get("runs"):
        return "| rebalancing (compute_rebalance) | not run | | see the notes |"
    return (
        f"| rebalancing (compute_rebalance) | {run['wall']:.1f} | {run['cpu']:.1f} "
        f"| SQL {run['sql']:.1f} s, peak RSS {_mib(run['peak_rss'])} |"
    )


def _theme_row(themes: dict[str, float], pairings: int) -> str:
    if not themes.get("runs"):
        return (
            f"| theme refresh (all notes new) | not run | | above "
            f"{build.THEME_REFRESH_MAX:,} pairings the benchmark writes synthetic results |"
        )
    return (
        f"| theme refresh (all notes new) | {themes['wall']:.1f} | {themes['cpu']:.1f} "
        f"| peak RSS of this process {_mib(themes['peak_rss'])} (workers not included) |"
    )


#: Pages whose cold run costs less than this are left out of the outside/in-SQL
#: target: their time is Streamlit's own frame, whatever the database does.
RATIO_MIN_CPU = 0.5


def _render_targets(entry: dict[str, Any]) -> list[str]:
    pages = {k: p for k, p in entry["pages"].items() if not p.get("skipped")}
    skipped = [p["title"] for p in entry["pages"].values() if p.get("skipped")]
    unmeasured = (
        f"; not measurable: {', '.join(skipped)} (ran out of memory, see the notes)"
        if skipped
        else ""
    )
    worst_warm = max(pages.values(), key=lambda p: p["warm"]["wall"])
    worst_cold = max(pages.values(), key=lambda p: p["cold"]["wall"])
    ratio = {
        k: _outside_ratio(p["cold"]) for k, p in pages.items() if p["cold"]["cpu"] >= RATIO_MIN_CPU
    }
    over = [f"{pages[k]['title']} ({v:.1f})" for k, v in ratio.items() if v > 1]
    rss = _pages_peak(entry)
    imp = entry["heavy"]["import"]["rows_per_s"]
    warm_ok = _verdict(worst_warm["warm"]["wall"] < TARGET_WARM and not skipped)
    cold_ok = _verdict(worst_cold["cold"]["wall"] < TARGET_COLD and not skipped)
    return [
        "## Targets (SQLite, 50,000 pairings)",
        "",
        "| target | verdict | measured |",
        "|---|---|---|",
        f"| every page warm < {TARGET_WARM} s | {warm_ok} "
        f"| slowest measured: {worst_warm['title']} {worst_warm['warm']['wall']:.2f} s"
        f"{unmeasured} |",
        f"| every page cold < {TARGET_COLD} s | {cold_ok} "
        f"| slowest measured: {worst_cold['title']} {worst_cold['cold']['wall']:.2f} s"
        f"{unmeasured} |",
        f"| time outside SQL ≤ time in SQL (cold runs, CPU) | {_verdict(not over)} "
        f"| outside/SQL above 1: {', '.join(over) or 'none'} (pages under "
        f"{RATIO_MIN_CPU} CPU s cold not counted) |",
        f"| import ≥ {TARGET_IMPORT:,} rows/s | {_verdict(imp >= TARGET_IMPORT)} "
        f"| {imp:,.0f} rows/s (bundle exported from the program, into an empty database) |",
        f"| process memory < 1 GiB (the pages' process) | "
        f"{_verdict(rss < TARGET_RSS and not skipped)} "
        f"| peak {_mib(rss)}{unmeasured}; import peaks at "
        f"{_mib(entry['heavy']['import']['peak_rss'])} |",
        "",
    ]


def load_results() -> list[dict[str, Any]]:
    if RESULTS_JSON.exists():
        return list(json.loads(RESULTS_JSON.read_text()))
    return []
