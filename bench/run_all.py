"""``make bench``: every page and every heavy operation at 500, 5,000 and 50,000 pairings.

    .venv/bin/python -m bench.run_all                       # all sizes, both backends, 3 runs
    .venv/bin/python -m bench.run_all --quick               # 500 pairings, 1 run: a smoke check
    .venv/bin/python -m bench.run_all --sizes 50000 --backends sqlite --repeat 3

For each backend and size:

* the demo program (``tandem.program.demo.generate_demo`` + ``refresh_all``), cached as
  a SQLite file under ``bench/out/`` so repeated runs do not rebuild it;
* import: the program exported as a bundle and imported into an empty
  database (rows per second over every file);
* theme refresh, health refresh, the per-pairing roll-ups, rebalancing and the
  Impact page's stored reports (``refresh_impact``) on that imported database;
* every page in ``components.ui.navigation.PAGES`` run through Streamlit's
  AppTest: cold (``st.cache_data``/``st.cache_resource`` cleared, new
  session) and warm (the same session run again), with the seconds spent in
  SQL, the CPU seconds of the process and its peak resident memory.

SQLite pages run on the cached demo file; PostgreSQL pages on a throw-away
database filled by the import (dropped at the end).  Medians over
``--repeat`` runs; the heavy operations (import, refreshes) run
``--heavy-repeat`` times (default: ``--repeat``, but once at 50,000 pairings
and above, where one run takes minutes).

Matching a cohort's sign-ups (``bench.bench_match``: 2,000 mentees against
1,000 mentors, under 5 s and 1 GB) is timed once per run, in a fresh process;
``--skip-matching`` leaves it out.

Rebalancing (``compute_rebalance``) is timed at every size (about 45 s and
under 1 GB at 50,000 pairings); ``--skip-rebalancing`` leaves it out.  The
theme refresh above 50,000 is replaced by ``bench.build.synthetic_analysis``
(see build.py).  ``python -m bench.profile_page pages/X.py`` shows where one
page's time goes.

Results accumulate in ``bench/out/results.json`` (one entry per backend and
size, the newest wins) and ``bench/RESULTS.md`` is rewritten from all of them,
so sizes can be run separately.  ``--quick`` writes ``bench/out/RESULTS-quick.md``
instead and leaves the stored results alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench import bench_match, build, perceived
from bench.measure import Timing, install_timed_engine, machine, max_rss_bytes, measured
from bench.report import BIG, QUICK_MD, RESULTS_JSON, RESULTS_MD, load_results, render

PROJECT_ROOT = Path(__file__).resolve().parent.parent
APP = str(PROJECT_ROOT / "app.py")
#: Above this size the heavy operations run once by default (the theme refresh
#: alone takes minutes at 5,000 pairings).
HEAVY_REPEAT_MAX = 500


def _say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _summary(timings: list[Timing]) -> dict[str, float]:
    """Medians of a list of measurements (peak memory: the highest)."""
    return {
        "wall": _median([t.wall for t in timings]),
        "cpu": _median([t.cpu for t in timings]),
        "sql": _median([t.sql for t in timings]),
        "sql_cpu": _median([t.sql_cpu for t in timings]),
        "statements": _median([float(t.statements) for t in timings]),
        "peak_rss": float(max((t.peak_rss for t in timings), default=0)),
        "load": _median([t.load for t in timings]),
        "runs": float(len(timings)),
    }


# --------------------------------------------------------------------------- pages


def _page_problem(at: Any) -> str | None:
    if at.exception:
        return "; ".join(str(e.message).splitlines()[0] for e in at.exception)[:200]
    return None


def _quiet_streamlit() -> None:
    """AppTest runs without a server; Streamlit's "no runtime" warnings are noise here."""
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.ERROR)


def bench_pages(
    url: str, repeat: int, timeout: float, skip: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """Cold and warm runs of every page of the navigation, through app.py."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from components.ui.navigation import PAGES

    _quiet_streamlit()
    os.environ["DATABASE_URL"] = url
    install_timed_engine(url)
    pairing_id = build.sample_pairing(url)
    # The first AppTest of a process pays Streamlit's one-off start-up (a scan of
    # site-packages for components, lazy imports: seconds).  "Cold" here means
    # a new session with empty caches, as after a deploy's first visitor.
    AppTest.from_file(APP, default_timeout=timeout).run()
    results: dict[str, Any] = {}
    for entry in PAGES:
        if entry.key in skip:
            results[entry.key] = {"title": entry.title, "skipped": True}
            continue
        cold: list[Timing] = []
        warm: list[Timing] = []
        problem: str | None = None
        for _ in range(repeat):
            st.cache_data.clear()
            st.cache_resource.clear()
            at = AppTest.from_file(APP, default_timeout=timeout)
            if entry.key == "pairing" and pairing_id is not None:
                at.query_params["pairing"] = pairing_id
            if entry is not PAGES[0]:
                # Page paths are the default ones, so switching before the
                # first run reaches the page directly (no overview run first).
                at.switch_page(entry.script)
            with measured() as timing:
                at.run()
            cold.append(timing)
            problem = problem or _page_problem(at)
            with measured() as timing:
                at.run()
            warm.append(timing)
            problem = problem or _page_problem(at)
        results[entry.key] = {
            "title": entry.title,
            "cold": _summary(cold),
            "warm": _summary(warm),
            "problem": problem,
        }
        c, w = results[entry.key]["cold"], results[entry.key]["warm"]
        _say(
            f"  {entry.key:<15} cold {c['wall']:6.2f}s (cpu {c['cpu']:.2f}, sql {c['sql']:.2f})"
            f"  warm {w['wall']:6.2f}s (cpu {w['cpu']:.2f}, sql {w['sql']:.2f})"
            f"  rss {c['peak_rss'] / 2**20:.0f} MiB" + (f"  PROBLEM: {problem}" if problem else "")
        )
    if "impact" not in skip:
        results["impact_window"] = bench_impact_window(repeat, timeout)
    st.cache_data.clear()
    st.cache_resource.clear()
    return results


#: The Impact page's other window timed besides the default (issue #16 item 7:
#: every window the page offers is stored by the refresh, not computed on view).
IMPACT_OTHER_WINDOW = 24


def bench_impact_window(repeat: int, timeout: float) -> dict[str, Any]:
    """The Impact page switched to ``IMPACT_OTHER_WINDOW`` months: cold (caches
    cleared, the page opened at the default window, then the window moved; only the
    move is timed) and warm (the same session run again)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    cold: list[Timing] = []
    warm: list[Timing] = []
    problem: str | None = None
    for _ in range(repeat):
        for cache in (st.cache_data, st.cache_resource):
            cache.clear()
        at = AppTest.from_file(APP, default_timeout=timeout).switch_page("pages/impact.py")
        at.run()
        slider = at.select_slider(key="impact_months").set_value(IMPACT_OTHER_WINDOW)
        for run, timings in ((slider.run, cold), (at.run, warm)):
            with measured() as timing:
                run()
            timings.append(timing)
            problem = problem or _page_problem(at)
    c, w = _summary(cold), _summary(warm)
    _say(f"  impact at {IMPACT_OTHER_WINDOW} months cold {c['wall']:6.2f}s  warm {w['wall']:6.2f}s")
    title = f"Impact, {IMPACT_OTHER_WINDOW} months"
    return {"title": title, "cold": c, "warm": w, "problem": problem}


def bench_pages_in_subprocess(
    url: str, repeat: int, timeout: float, skip: frozenset[str] = frozenset()
) -> tuple[dict[str, Any], int]:
    """``bench_pages`` in a fresh Python process, as a Streamlit server would be.

    The heavy operations leave the benchmark process with a large heap (the
    rebalancing at 50,000 pairings peaks at gigabytes, and freed memory is
    not returned to the system), which would be counted as the pages' memory.
    """
    command = [
        sys.executable,
        "-m",
        "bench.run_all",
        "--pages-worker",
        url,
        "--repeat",
        str(repeat),
        "--timeout",
        str(timeout),
        "--skip-pages",
        ",".join(sorted(skip)),
    ]
    done = subprocess.run(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True, check=True)
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    return dict(answer["pages"]), int(answer["max_rss"])


# --------------------------------------------------------------------------- heavy operations


def _empty_database(backend: str, label: str, folder: Path) -> tuple[str, str | None]:
    """A migrated, empty database: its URL and (PostgreSQL) its name to drop later."""
    from tandem.program import migrate
    from tandem.program.db import get_engine

    if backend == "sqlite":
        path = folder / f"{label}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url, name = f"sqlite:///{path}", None
    else:
        name = f"tandem_bench_{label}"
        url = build.create_pg_database(name)
    migrate.upgrade(get_engine(url))
    return url, name


def _discard(backend: str, url: str, name: str | None) -> None:
    from tandem.program.db import dispose_engine

    dispose_engine(url)
    if name is not None:
        build.drop_pg_database(name)
    elif backend == "sqlite":
        path = url.removeprefix("sqlite:///")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


@dataclass
class _HeavyRuns:
    """The measurements of every run of the heavy operations, one list per operation."""

    imports: list[Timing] = field(default_factory=list)
    themes: list[Timing] = field(default_factory=list)
    health: list[Timing] = field(default_factory=list)
    stats: list[Timing] = field(default_factory=list)
    rebalance: list[Timing] = field(default_factory=list)
    impact: list[Timing] = field(default_factory=list)
    codings: list[dict[str, Any]] = field(default_factory=list)
    rows: int = 0

    def summary(self) -> dict[str, Any]:
        """Medians per operation; the import also in rows per second."""
        rows = self.rows
        import_summary = _summary(self.imports)
        import_summary["rows"] = float(rows)
        import_summary["rows_per_s"] = _median([rows / t.wall for t in self.imports])
        import_summary["rows_per_cpu_s"] = _median([rows / t.cpu for t in self.imports])
        codings = self.codings
        return {
            "import": import_summary,
            "themes": _summary(self.themes),
            "health": _summary(self.health),
            "pairing_stats": _summary(self.stats),
            "rebalance": _summary(self.rebalance),
            "impact": _summary(self.impact),
            "themes_after_coding": {
                key: _median([c[key] for c in codings]) for key in (codings[0] if codings else {})
            },
        }


def bench_heavy(
    backend: str,
    source_url: str,
    pairings: int,
    repeat: int,
    folder: Path,
    skip_rebalancing: bool = False,
) -> tuple[dict[str, Any], tuple[str, str | None]]:
    """Import, theme refresh, health refresh and rebalancing; returns the last database."""
    from tandem.program.bundle import export_bundle
    from tandem.program.db import get_engine

    bundle = folder / "bundle"
    if not bundle.exists():
        with measured() as timing:
            export_bundle(get_engine(source_url), bundle)
        _say(f"  exported the bundle in {timing.wall:.1f}s")
    runs = _HeavyRuns()
    kept: tuple[str, str | None] | None = None
    for run in range(repeat):
        url, name = _empty_database(backend, f"{backend}_{pairings}", folder)
        engine = install_timed_engine(url)
        _time_import(engine, bundle, runs)
        _time_refreshes(engine, pairings, runs, last=run == repeat - 1)
        _time_plans(engine, runs, skip_rebalancing)
        if run < repeat - 1:
            _discard(backend, url, name)
        else:
            kept = (url, name)
    assert kept is not None
    return runs.summary(), kept


def _time_import(engine: Any, bundle: Path, runs: _HeavyRuns) -> None:
    """The bundle imported into the empty database (rows per second over every file)."""
    from tandem.program.bundle import import_bundle

    with measured() as timing:
        report = import_bundle(engine, bundle, actor="bench")
    runs.rows = sum(report.rows.values())
    timing.extra["rows"] = runs.rows
    runs.imports.append(timing)
    rows = runs.rows
    _say(f"  import {rows:,} rows in {timing.wall:.1f}s ({rows / timing.wall:,.0f} rows/s)")


def _time_refreshes(engine: Any, pairings: int, runs: _HeavyRuns, *, last: bool) -> None:
    """Theme refresh (and, on the last run, a lead's codings), health and the roll-ups."""
    from bench.themes.bench_live import describe, time_codings
    from tandem.health import refresh_health
    from tandem.portfolio.rollups import refresh_portfolio_rollups
    from tandem.themes.refresh import refresh_themes

    if pairings <= build.THEME_REFRESH_MAX:
        with measured() as timing:
            refresh_themes(engine, actor="bench")
        runs.themes.append(timing)
        _say(f"  theme refresh {timing.wall:.1f}s (cpu {timing.cpu:.1f})")
        if last:  # a lead codes notes: the update of the notes like them
            runs.codings = time_codings(engine)
            _say(f"  {describe(runs.codings)}")
    else:
        # Not timed at this size (see build.THEME_REFRESH_MAX); health
        # still needs the sentiment a refresh writes.
        build.synthetic_analysis(engine)
    with measured() as timing:
        refresh_health(engine, actor="bench")
    runs.health.append(timing)
    _say(f"  health refresh {timing.wall:.1f}s (cpu {timing.cpu:.1f})")
    with measured() as timing, engine.begin() as connection:
        refresh_portfolio_rollups(connection, dt.date.today())
    runs.stats.append(timing)
    _say(f"  roll-up refresh {timing.wall:.1f}s (cpu {timing.cpu:.1f})")


def _time_plans(engine: Any, runs: _HeavyRuns, skip_rebalancing: bool) -> None:
    """Rebalancing, then what a refreshed deployment serves: the stored plan, the
    Impact page's reports and the planner statistics ``refresh_all`` ends with."""
    from tandem.impact import refresh_impact
    from tandem.matching import compute_rebalance, refresh_rebalance_plan
    from tandem.refresh import update_planner_statistics

    if not skip_rebalancing:
        with measured() as timing:
            compute_rebalance(engine)
        runs.rebalance.append(timing)
        _say(f"  rebalancing {timing.wall:.1f}s (cpu {timing.cpu:.1f})")
    # The plan stored for the saved weights (the Rebalancing page reads it
    # instead of planning on view).
    refresh_rebalance_plan(engine)
    # The Impact page's reports (the program, each cohort, every window).
    with measured() as timing:
        stored = refresh_impact(engine)
    timing.extra["reports"] = stored
    runs.impact.append(timing)
    _say(f"  impact reports ({stored}) {timing.wall:.1f}s (cpu {timing.cpu:.1f})")
    update_planner_statistics(engine)


# --------------------------------------------------------------------------- one size


def bench_size(
    backend: str,
    pairings: int,
    repeat: int,
    heavy_repeat: int,
    timeout: float,
    previous: dict[str, Any] | None = None,
    skip_pages: frozenset[str] = frozenset(),
    skip_rebalancing: bool = False,
) -> dict[str, Any]:
    """One backend and size; with ``previous`` (SQLite only) its heavy results are kept."""
    today = dt.date.today()
    _say(f"{backend}, {pairings:,} pairings: building (or reusing) the demo program")
    source, times = build.build_sqlite(pairings, today)
    sidecar = source.with_suffix(".json")
    if times.cached:
        stored = json.loads(sidecar.read_text()) if sidecar.exists() else {}
    else:
        stored = asdict(times)
        sidecar.write_text(json.dumps(stored))
    source_url = f"sqlite:///{source}"
    entry: dict[str, Any] = {
        "backend": backend,
        "pairings": pairings,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "repeat": repeat,
        "heavy_repeat": heavy_repeat,
        "demo": stored,
        "load_before": os.getloadavg(),
    }
    if previous is not None and backend == "sqlite":
        entry["heavy"] = previous["heavy"]
        entry["heavy_repeat"] = previous["heavy_repeat"]
        entry["heavy_date"] = previous.get("heavy_date", previous["date"])
        _say(f"{backend}, {pairings:,} pairings: pages on {source_url}")
        entry["pages"], entry["pages_max_rss"] = bench_pages_in_subprocess(
            source_url, repeat, timeout, skip_pages
        )
        entry["load_after"] = os.getloadavg()
        entry["max_rss"] = max_rss_bytes()
        return entry
    with tempfile.TemporaryDirectory(prefix=f"bench_{backend}_{pairings}_", dir=build.OUT) as tmp:
        heavy, (url, name) = bench_heavy(
            backend, source_url, pairings, heavy_repeat, Path(tmp), skip_rebalancing
        )
        entry["heavy"] = heavy
        try:
            page_url = source_url if backend == "sqlite" else url
            _say(f"{backend}, {pairings:,} pairings: pages on {page_url}")
            entry["pages"], entry["pages_max_rss"] = bench_pages_in_subprocess(
                page_url, repeat, timeout, skip_pages
            )
        finally:
            _discard(backend, url, name)
            from tandem.program.db import dispose_engine

            dispose_engine(source_url)
    entry["load_after"] = os.getloadavg()
    entry["max_rss"] = max_rss_bytes()
    return entry


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Tandem benchmarks (writes bench/RESULTS.md)")
    parser.add_argument("--sizes", default="500,5000,50000", help="pairings, comma-separated")
    parser.add_argument("--backends", default="sqlite,postgresql", help="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=3, help="page runs per size (median)")
    parser.add_argument(
        "--heavy-repeat",
        type=int,
        default=None,
        help="runs of import/refresh/rebalancing (default: --repeat, 1 at 50,000+)",
    )
    parser.add_argument("--quick", action="store_true", help="500 pairings, 1 run, smoke check")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per page run")
    parser.add_argument("--pages-worker", default=None, help=argparse.SUPPRESS)
    parser.add_argument(
        "--skip-pages",
        default="",
        help="page keys not to run, comma-separated (e.g. themes,rebalancing)",
    )
    parser.add_argument(
        "--skip-rebalancing", action="store_true", help="do not time compute_rebalance"
    )
    parser.add_argument(
        "--skip-matching", action="store_true", help="do not time matching a cohort"
    )
    parser.add_argument(
        "--render-only",
        action="store_true",
        help="rewrite bench/RESULTS.md from the stored results without measuring",
    )
    parser.add_argument(
        "--pages-only",
        action="store_true",
        help="SQLite: time the pages only, keep the stored import/refresh results",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    skip_pages = frozenset(p.strip() for p in args.skip_pages.split(",") if p.strip())
    if args.pages_worker:
        sys.path.insert(0, str(PROJECT_ROOT))
        os.chdir(PROJECT_ROOT)
        results = bench_pages(args.pages_worker, args.repeat, args.timeout, skip_pages)
        print(json.dumps({"pages": results, "max_rss": max_rss_bytes()}))
        return 0
    if args.render_only:
        _render_stored()
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    repeat = args.repeat
    if args.quick:
        sizes, repeat = [500], 1
    for backend in backends:
        if backend not in ("sqlite", "postgresql"):
            parser.error(f"unknown backend {backend!r}")
    sys.path.insert(0, str(PROJECT_ROOT))
    os.chdir(PROJECT_ROOT)
    # Each step reports whether it failed; a failed step never stops the others.
    failed = False
    if not args.skip_matching:
        failed |= not _time_matching(repeat)
    failed |= not _bench_sizes(args, sizes, backends, repeat, skip_pages)
    if BIG in sizes and not args.quick:  # perceived speed in Chromium (bench/perceived.py)
        # The floor first: a bare Streamlit app, what no page can beat on this machine.
        failed |= perceived.main(["--backends", ",".join(["floor", *backends])]) != 0
    _say(f"wrote {QUICK_MD if args.quick else RESULTS_MD}")
    return 1 if failed else 0


def _render_stored() -> None:
    """``--render-only``: bench/RESULTS.md again from the stored results."""
    info = machine()
    info["postgresql"] = build.pg_server_version()
    stored_results = load_results()
    dates = sorted(e["date"] for e in stored_results)
    info["measured"] = f"{dates[0]} to {dates[-1]}" if dates else "never"
    info["written"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    RESULTS_MD.write_text(render(stored_results, info))


def _time_matching(repeat: int) -> bool:
    """Matching a cohort's sign-ups (``bench.bench_match``); False when it failed."""
    try:
        result = bench_match.run(repeat)
        _say(f"matching a cohort: {result['wall_s']:.2f}s (cpu {result['cpu_s']:.2f})")
    except Exception:  # the sizes still run
        _say(f"matching a cohort FAILED:\n{traceback.format_exc()}")
        return False
    return True


def _bench_sizes(
    args: argparse.Namespace,
    sizes: list[int],
    backends: list[str],
    repeat: int,
    skip_pages: frozenset[str],
) -> bool:
    """Every size on every backend, the report rewritten after each; False if any failed."""
    info = machine()
    info["postgresql"] = build.pg_server_version()
    stored = [] if args.quick else load_results()
    new: list[dict[str, Any]] = []
    ok = True
    for pairings in sizes:
        for backend in backends:
            heavy = args.heavy_repeat or (1 if pairings > HEAVY_REPEAT_MAX else repeat)
            previous = next(
                (e for e in stored if (e["backend"], e["pairings"]) == (backend, pairings)), None
            )
            try:
                entry = bench_size(
                    backend,
                    pairings,
                    repeat,
                    heavy,
                    args.timeout,
                    previous if args.pages_only else None,
                    skip_pages,
                    args.skip_rebalancing,
                )
            except Exception:  # one failed size must not lose the others
                _say(f"{backend}, {pairings:,} pairings FAILED:\n{traceback.format_exc()}")
                ok = False
                continue
            new.append(entry)
            key = (backend, pairings)
            stored = [e for e in stored if (e["backend"], e["pairings"]) != key] + [entry]
            if not args.quick:
                build.OUT.mkdir(parents=True, exist_ok=True)
                RESULTS_JSON.write_text(json.dumps(stored, indent=1, default=str))
            target = QUICK_MD if args.quick else RESULTS_MD
            info["load average (1, 5, 15 min) at the end"] = ", ".join(
                f"{x:.1f}" for x in os.getloadavg()
            )
            info["written"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
            target.write_text(render(stored if not args.quick else new, info))
    return ok


if __name__ == "__main__":
    raise SystemExit(main())
