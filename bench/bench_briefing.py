"""Benchmark the deck briefing: seconds to build the one-page PDF and the chart exports.

    .venv/bin/python bench/bench_briefing.py                  # 500-pairing demo, median of 5
    .venv/bin/python bench/bench_briefing.py --pairings 5000 --repeat 3

Builds a demo program in a temporary SQLite file, then times, each as a median:
a chart's PNG and SVG (vl-convert), the "What works" briefing (four charts),
and the Portfolio briefing (headline queries, the 20 lowest-health pairings
by pseudonym, and the PDF).  The first vl-convert call starts its engine and
is reported apart.  Nothing is cached between repeats.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from components.ui.charts import outcome_bars, outcome_heatmap
from tandem.access import EVERYTHING
from tandem.access.filters import Filters
from tandem.access.privacy import presenter_key, privacy_threshold
from tandem.portfolio.briefing import (
    Briefing,
    ChartSpec,
    build_pdf,
    chart_png,
    chart_svg,
    format_headline,
    pairings_table,
)
from tandem.portfolio.headlines import headline_metrics
from tandem.portfolio.outcomes import DIMENSIONS, OUTCOMES, breakdowns
from tandem.portfolio.portfolio import portfolio_page
from tandem.program import db as tandem_db
from tandem.program.demo import generate_demo
from tandem.program.schema import metadata

TODAY = dt.date(2026, 6, 1)


def median_seconds(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairings", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = tandem_db.get_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        metadata.create_all(engine)
        generate_demo(engine, pairings=args.pairings, today=TODAY)
        filters = Filters(scope=EVERYTHING)
        limit = privacy_threshold(engine)
        charts = []
        every = breakdowns(engine, filters, threshold=limit, today=TODAY)
        for dimension in ("division_pair", "level_gap", "kind", "geography"):
            frame = every[dimension]
            columns = DIMENSIONS[dimension].columns
            label = OUTCOMES["completion_rate"]
            chart = (
                outcome_heatmap(frame, *columns, "completion_rate", label, "Mentor", "Mentee")
                if len(columns) == 2
                else outcome_bars(frame, columns[0], "completion_rate", label, dimension)
            )
            charts.append(ChartSpec(DIMENSIONS[dimension].label, chart.to_json()))

        started = time.perf_counter()
        chart_png(charts[0].spec)
        print(f"vl-convert first render (engine start):  {time.perf_counter() - started:.2f} s")
        png = median_seconds(lambda: chart_png(charts[0].spec), args.repeat)
        svg = median_seconds(lambda: chart_svg(charts[0].spec), args.repeat)
        print(f"chart PNG (heatmap, scale 2):             {png:.3f} s")
        print(f"chart SVG (heatmap):                      {svg:.3f} s")

        what_works = Briefing("What works", filters.describe(), TODAY, charts=tuple(charts))
        pdf = median_seconds(lambda: build_pdf(what_works), args.repeat)
        print(f"What works briefing (4 charts):           {pdf:.3f} s")

        def portfolio() -> bytes:
            _, metrics = headline_metrics(engine, filters, TODAY)
            rows = portfolio_page(engine, filters, today=TODAY, sort="health", limit=20).rows
            return build_pdf(
                Briefing(
                    "Portfolio",
                    filters.describe(),
                    TODAY,
                    headlines=tuple(format_headline(metric) for metric in metrics),
                    table=pairings_table(rows, presenter_key(engine)),
                )
            )

        seconds = median_seconds(portfolio, args.repeat)
        size = len(portfolio())
        print(f"Portfolio briefing (queries + PDF):       {seconds:.3f} s, {size / 1024:.0f} KiB")
        tandem_db.dispose_engine(str(engine.url))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
