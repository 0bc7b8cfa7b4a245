"""Where one page's time goes: a page run under cProfile, with its SQL statements timed.

    .venv/bin/python -m bench.profile_page pages/portfolio.py --pairings 50000 [--warm] [--db FILE]

Uses the cached demo database of ``bench.build`` (built if missing).  Prints
the functions of Tandem's own code (tandem/, components/, pages/) by
cumulative time, then the slowest SQL statements.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import os
import pstats
import sys
import threading
import time
from pathlib import Path
from typing import Any

from bench import build
from bench.measure import CLOCK, Timing, install_timed_engine, max_rss_bytes, measured

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("page", help='e.g. "pages/portfolio.py"')
    parser.add_argument("--pairings", type=int, default=50_000)
    parser.add_argument("--warm", action="store_true", help="profile the second (warm) run")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--pairing", default=None, help="?pairing= for pages/pairing.py")
    parser.add_argument(
        "--db", default=None, help="profile this SQLite file instead of the cached demo"
    )
    parser.add_argument(
        "--sort", default="cumulative", help='pstats order, e.g. "tottime" (self time)'
    )
    parser.add_argument(
        "--only",
        default=None,
        help="regex of the functions to list (default: Tandem's own code), e.g. streamlit/elements",
    )
    return parser


def _app_test(page: str, pairing: str | None) -> Any:
    """An AppTest of app.py that opens ``page`` (with ``?pairing=`` when given)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=900)
    if pairing:
        at.query_params["pairing"] = pairing
    if page != "pages/overview.py":
        at.switch_page(page)
    return at


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    os.chdir(PROJECT_ROOT)
    path = Path(args.db) if args.db else build.build_sqlite(args.pairings, dt.date.today())[0]
    url = f"sqlite:///{path}"
    os.environ["DATABASE_URL"] = url
    install_timed_engine(url)
    import streamlit as st

    from bench.run_all import _quiet_streamlit

    _quiet_streamlit()

    st.cache_data.clear()
    st.cache_resource.clear()
    at = _app_test(args.page, args.pairing)
    # A first run pays Streamlit's one-off start-up (component manifest scan, imports),
    # and the page's own imports: run the page once, so the profile is that of the
    # cold runs bench.run_all takes the median of (modules loaded, caches empty).
    _app_test(args.page, args.pairing).run()
    st.cache_data.clear()
    st.cache_resource.clear()
    if args.warm:
        at.run()
    profiler, timing = _profiled_run(at)
    _print_profile(args, at, profiler, timing)
    return 0


def _profiled_run(at: Any) -> tuple[cProfile.Profile, Timing]:
    """One run of ``at`` with its script thread profiled and its SQL recorded."""
    # AppTest runs the script on a thread of its own: profile that thread, in
    # CPU time (the machine may be shared; wall time would measure the others).
    profiler = cProfile.Profile(time.thread_time)

    def start_in_thread(*_args: object) -> None:
        sys.setprofile(None)
        if "scriptrunner" in threading.current_thread().name.lower():
            profiler.enable()

    CLOCK.record = True
    threading.setprofile(start_in_thread)
    with measured() as timing:
        at.run()
    threading.setprofile(None)  # type: ignore[arg-type]
    return profiler, timing


def _print_profile(
    args: argparse.Namespace, at: Any, profiler: cProfile.Profile, timing: Timing
) -> None:
    statements = sorted(((s, q) for q, s in CLOCK.by_statement.items()), reverse=True)
    print(
        f"{args.page} {'warm' if args.warm else 'cold'}: {timing.wall:.2f} s wall, "
        f"{timing.cpu:.2f} s cpu, {timing.sql:.2f} s SQL ({CLOCK.statements} statements), "
        f"load {os.getloadavg()[0]:.1f}; "
        f"peak RSS during the run {timing.peak_rss / 2**20:.0f} MiB, "
        f"process peak {max_rss_bytes() / 2**20:.0f} MiB; "
        f"exceptions: {[e.message for e in at.exception]}"
    )
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats(args.sort)
    stats.print_stats(args.only or rf"{PROJECT_ROOT}/(tandem|components|pages)/", args.top)
    print(out.getvalue())
    print("slowest SQL texts (execute + fetch, summed over runs of the same text):")
    for seconds, text in statements[:12]:
        cpu = CLOCK.cpu_by_statement.get(text, 0.0)
        print(f"  {seconds:7.3f}s wall {cpu:7.3f}s cpu  {' '.join(text.split())[:400]}")


if __name__ == "__main__":
    sys.exit(main())
