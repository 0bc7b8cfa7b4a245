"""Perceived speed: every page in Chromium against a running server, at 50,000 pairings.

    .venv/bin/python -m bench.perceived                        # SQLite and PostgreSQL
    .venv/bin/python -m bench.perceived --backends sqlite --repeat 5
    .venv/bin/python -m bench.perceived --render-only          # RESULTS.md from stored results

What AppTest (bench/run_all.py) cannot see: the time a person waits, from the
click to a page that has stopped changing.  For each backend the 50,000-pairing
program (bench/build.py; PostgreSQL is filled by importing its bundle and
``refresh_all``) is served by ``streamlit run app.py`` on a free port, and Debian's
Chromium (Playwright, 1280 × 800) opens every page of the navigation as a
sponsor (a lead for the lead's pages, an admin for Admin).

**Settled** (measured in the page, every animation frame, on ``performance.now()``):
the first moment from which, for ``HOLD_MS`` without interruption,

1. the app root says ``data-test-script-state="notRunning"`` and a script run has
   started since the navigation (so the previous page's idle state does not count):
   the root said "running", or a websocket message arrived (a run of a few
   milliseconds may never show "running": React draws its start and end at once,
   and a click would then wait for ever); no websocket message arrived during the
   hold;
2. no running-status icon, no stale (greyed, about to be replaced) element, no
   skeleton and no spinner is on the page;
3. every chart on show (``stVegaLiteChart``; not one in an inactive tab, which is
   drawn only when its tab is opened) holds its drawn ``canvas`` or ``svg``.

The hold is there because a run may end in ``st.rerun`` and start again; the
settled time is the start of the stable stretch, not its end.

Three kinds of visit per page:

* **cold**: a new browser context (empty HTTP cache, new session) right after the
  server's caches were cleared (Streamlit's own "Clear caches", the ``c`` key on
  a loaded page, offered with ``--client.toolbarMode developer``, which the
  server here runs with: ``st.cache_data`` and ``st.cache_resource``), so the page's
  queries all run.  The server process itself is warmed first (one visit to every
  page), so module imports, paid once per deploy, are not counted.
* **cold, returning browser**: the same, but loaded in the context that cleared the
  caches, whose HTTP cache already holds Streamlit's frontend: what a sponsor who
  has opened Tandem before waits for on the first view after a data change (an
  import or a refresh makes every cached query miss the same way).
* **warm (reload)**: after every cold visit, the URL loaded ``--repeat`` times in one
  browser context per role: the browser runs Streamlit's frontend again from its
  cache and opens a new session; the server answers from its caches.  Median.
* **warm (click)**: then, per role, ``--repeat`` rounds of clicking through that
  role's pages in the sidebar, as a sponsor clicking through does (no reload: one
  script run per click).  Median.  Pages not in the menu (Pairing) have none.

**The floor** (``--backends floor``, part of the default run): the same visits to a
bare two-page Streamlit app (bench/floor_app.py), so each table can be read against
what Streamlit alone costs on the machine that ran it.  ``python -m
bench.browser_profile`` then says on what Chromium spent one visit.

For each visit also: the server process's CPU seconds (``/proc``; on PostgreSQL
the database server's work is not in it), the browser's main-thread busy time
(Chrome DevTools ``Performance.getMetrics`` TaskDuration), when the websocket's
first and last messages arrived before the settled moment (so: frontend start,
the server's sending, and the browser's own tail after the last message), the
DOM element count, the bytes received and the charts' share of them (Vega-Lite
specs and their Arrow data, from the websocket's ForwardMsg frames).

Results go to ``bench/out/perceived.json``; ``render_section`` turns them into
the "Perceived speed in Chromium" section of bench/RESULTS.md (run_all's
``render`` includes it, so ``make bench`` keeps it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench import build
from bench.perceived_report import (
    HOLD_MS,
    Visit,
    kib,
    render_section,
    replace_section,
    seconds,
    summarise,
    visit_from_record,
)
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS

if TYPE_CHECKING:
    from playwright.sync_api import ViewportSize

PROJECT_ROOT = Path(__file__).resolve().parent.parent
OUT_JSON = build.OUT / "perceived.json"
SMOKE_JSON = build.OUT / "perceived-smoke.json"
BIG = build.BIG
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}
#: A ceiling, not an expectation: on the shared machine at a load of 20-30 even the
#: 500-pairing Overview's first visit took 70 s.  A visit that has not settled by then
#: is stuck, and ``Browser.stuck`` says on what (a screenshot and the page's state).
TIMEOUT_MS = 300_000

#: What a page still busy shows: the running status, a stale (greyed, about to be
#: replaced) element, a skeleton or a spinner.  Both scripts below read it.
_BUSY = (
    "[data-testid='stStatusWidgetRunningIcon'],[data-testid='stStatusWidgetRunningManIcon'],"
    "[data-stale='true'],[data-testid='stSkeleton'],[data-testid='stSpinner']"
)

# Installed before any of the page's own scripts: a record of the websocket's
# messages and of the script-state changes, and a per-frame check of "settled".
_INIT_SCRIPT = """
(() => {
  const rec = { msgs: [], states: [], since: null, t0: 0, ranAfter: false };
  window.__tandem = rec;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        const d = event.data;
        const n = d.byteLength ?? d.size ?? d.length ?? 0;
        const now = performance.now();
        rec.msgs.push([now, n]);
        // The server answered the navigation.  A fast run may never show "running"
        // in the DOM (React renders its start and its end in one go), so a message
        // counts as a run having started.  It may change the page: the stable
        // stretch starts again.
        if (now >= rec.t0) rec.ranAfter = true;
        rec.since = null;
      });
    }
  };
  const stateOf = () => {
    const app = document.querySelector("[data-testid='stApp']");
    return app ? app.getAttribute("data-test-script-state") : null;
  };
  const note = () => {
    const state = stateOf();
    const last = rec.states[rec.states.length - 1];
    if (!last || last[1] !== state) rec.states.push([performance.now(), state]);
    if (state === "running" && performance.now() >= rec.t0) rec.ranAfter = true;
  };
  // The whole document, not one element: React may replace the app root.  The old
  // value catches a run that started and ended between two callbacks.
  new MutationObserver((records) => {
    for (const m of records) {
      if (m.oldValue === "running" && performance.now() >= rec.t0) rec.ranAfter = true;
    }
    note();
  }).observe(document, {
    attributes: true, subtree: true, attributeOldValue: true,
    attributeFilter: ["data-test-script-state"],
  });
  const busy = __BUSY__;
  const tick = () => {
    note();
    let ok = rec.ranAfter && stateOf() === "notRunning" && !document.querySelector(busy);
    if (ok) {
      for (const chart of document.querySelectorAll("[data-testid='stVegaLiteChart']")) {
        // A chart in an inactive tab is not drawn until its tab is opened.
        if (chart.getClientRects().length && !chart.querySelector("canvas, svg")) {
          ok = false; break;
        }
      }
    }
    if (!ok) rec.since = null;
    else if (rec.since === null) rec.since = performance.now();
    requestAnimationFrame(tick);
  };
  tick();
})();
""".replace("__BUSY__", json.dumps(_BUSY))

# Before a click: forget the previous page's settled state, mark the start.
_ARM = """() => {
  const rec = window.__tandem;
  rec.t0 = performance.now(); rec.since = null; rec.ranAfter = false; rec.msgs = [];
  return rec.t0;
}"""
_HELD = f"""() => window.__tandem && window.__tandem.since !== null
  && performance.now() - window.__tandem.since >= {HOLD_MS}"""
# Why a page is not settled: each of the conditions of ``tick`` above, read once.
_WHY_NOT = """() => {
  const rec = window.__tandem;
  const app = document.querySelector("[data-testid='stApp']");
  const busy = [...document.querySelectorAll(__BUSY__)]
    .map((e) => (e.getAttribute("data-testid") || e.tagName) + (e.dataset.stale ? " (stale)" : ""));
  const undrawn = [...document.querySelectorAll("[data-testid='stVegaLiteChart']")]
    .filter((c) => c.getClientRects().length && !c.querySelector("canvas, svg")).length;
  return {
    url: location.href, state: app ? app.getAttribute("data-test-script-state") : null,
    ranAfter: rec ? rec.ranAfter : null, t0: rec ? rec.t0 : null, now: performance.now(),
    states: rec ? rec.states.slice(-8) : null, busy: busy.slice(0, 12), undrawn,
    visibility: document.visibilityState,
  };
}""".replace("__BUSY__", json.dumps(_BUSY))
_READ = """() => {
  const rec = window.__tandem;
  const nav = performance.getEntriesByType("navigation")[0];
  return {
    t0: rec.t0, since: rec.since, msgs: rec.msgs,
    dom: document.getElementsByTagName("*").length,
    charts: document.querySelectorAll("[data-testid='stVegaLiteChart']").length,
    dcl: nav ? nav.domContentLoadedEventEnd : null,
  };
}"""


# --------------------------------------------------------------------------- databases


def sqlite_database(today: dt.date, pairings: int = BIG) -> str:
    path, _ = build.build_sqlite(pairings, today)
    return f"sqlite:///{path}"


def pg_database(source_url: str, today: dt.date, pairings: int = BIG) -> tuple[str, str]:
    """A PostgreSQL copy of the SQLite program: its bundle imported, then ``refresh_all``.

    Kept between runs (``bench/out/<name>.done`` marks a complete one): filling it
    takes minutes.  ``--drop-pg`` removes it at the end.
    """
    from tandem.program import migrate
    from tandem.program.bundle import export_bundle, import_bundle
    from tandem.program.db import dispose_engine, get_engine
    from tandem.refresh import refresh_all

    head = (migrate.head_revision() or "none")[:12]
    name = f"tandem_perceived_{pairings}_{today:%Y%m%d}_{head}"
    url = build.pg_url(name)
    marker = build.OUT / f"{name}.done"
    if marker.exists():
        return url, name
    build.create_pg_database(name)
    engine = get_engine(url)
    try:
        migrate.upgrade(engine)
        bundle = build.OUT / f"perceived_bundle_{pairings}"
        if not (bundle / "manifest.json").exists():
            _say("exporting the bundle")
            export_bundle(get_engine(source_url), bundle)
        _say(f"importing into {name}")
        import_bundle(engine, bundle, actor="bench")
        _say("refresh_all on PostgreSQL (minutes)")
        refresh_all(engine, today=today)
    finally:
        dispose_engine(url)
        dispose_engine(source_url)
    marker.write_text(dt.datetime.now(dt.UTC).isoformat())
    return url, name


# --------------------------------------------------------------------------- the server


def _say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) of process ``pid`` so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


@contextmanager
def running_server(
    database_url: str, log_path: Path, script: str = "app.py"
) -> Iterator[tuple[str, int]]:
    """``streamlit run app.py`` (or ``script``) against ``database_url``: base URL, pid."""
    from tests.browser.conftest import start_app, stop_app

    # Developer toolbar: Streamlit offers "Clear caches" (the ``c`` key) only there,
    # and the cold visits need it.  It adds menu entries, nothing on the page.
    app = start_app(
        database_url,
        log_path,
        extra_args=["--client.toolbarMode", "developer"],
        script=script,
    )
    try:
        yield app.url, app.process.pid
    finally:
        stop_app(app)


# --------------------------------------------------------------------------- the browser


@dataclass
class Target:
    key: str
    title: str
    role: str
    path: str
    in_menu: bool
    problems: list[str] = field(default_factory=list)


def targets(pairing_id: str | None) -> list[Target]:
    """Every page of the navigation, with the least role that may open it."""
    from components.ui.navigation import PAGES
    from tandem.access import Viewer

    found = []
    for entry in PAGES:
        role = next(r for r in ("sponsor", "lead", "admin") if Viewer(role=r).may_open(entry.key))
        query = f"?as={role}"
        if entry.key == "pairing":
            if pairing_id is None:
                continue
            query += f"&pairing={pairing_id}"
        path = "/" if entry.key == PAGES[0].key else f"/{entry.key}"
        found.append(Target(entry.key, entry.title, role, path + query, entry.in_menu))
    return found


#: The bare Streamlit app (bench/floor_app.py) and its two pages.
FLOOR_SCRIPT = "bench/floor_app.py"
FLOOR_TARGETS = [
    Target("floor_a", "Bare page A", "anyone", "/", True),
    Target("floor_b", "Bare page B", "anyone", "/b", True),
]


class Browser:
    """One Chromium; a context per cold visit, its page reused for the warm ones."""

    def __init__(self, base: str, server_pid: int) -> None:
        from playwright.sync_api import sync_playwright

        self.base, self.server_pid = base, server_pid
        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        # Browser-level DevTools: CPU seconds of every Chromium process (renderer, GPU...).
        self._system = self._browser.new_browser_cdp_session()
        self.frames: list[bytes] = []
        self.context: Any = None
        self.page: Any = None
        self.cdp: Any = None

    def close(self) -> None:
        if self.context is not None:
            self.context.close()
        self._browser.close()
        self._playwright.stop()

    def new_context(self) -> None:
        if self.context is not None:
            self.context.close()
        self.context = self._browser.new_context(viewport=VIEWPORT)
        self.context.add_init_script(_INIT_SCRIPT)
        self.page = self.context.new_page()
        self.page.on("websocket", self._watch_socket)
        self.cdp = self.context.new_cdp_session(self.page)
        self.cdp.send("Performance.enable")

    def _watch_socket(self, socket: Any) -> None:
        socket.on(
            "framereceived",
            lambda payload: self.frames.append(payload) if isinstance(payload, bytes) else None,
        )

    def _busy(self) -> float:
        metrics = self.cdp.send("Performance.getMetrics")["metrics"]
        return float(next(m["value"] for m in metrics if m["name"] == "TaskDuration"))

    def _cpu(self) -> float:
        """CPU seconds of the Chromium processes now alive (an exited renderer drops out)."""
        info = self._system.send("SystemInfo.getProcessInfo")["processInfo"]
        return float(sum(process["cpuTime"] for process in info))

    def clear_server_caches(self, path: str) -> None:
        """Streamlit's "Clear caches" (the ``c`` key on a loaded page, then its button)."""
        self.new_context()
        self.page.goto(self.base + path)
        self._wait_settled()
        self.page.locator("body").press("c")
        button = self.page.get_by_role("button", name="Clear caches")
        button.click()
        # The dialog closes once the server has cleared them.
        button.wait_for(state="hidden", timeout=TIMEOUT_MS)

    def load(self, path: str) -> Visit:
        """Load ``path`` (a navigation of the whole page) and wait until settled."""
        self.frames.clear()
        cpu, busy, chromium = process_cpu(self.server_pid), self._busy(), self._cpu()
        self.page.goto(self.base + path)
        return self._finish(cpu, busy, chromium, reloaded=True)

    def click(self, title: str) -> Visit:
        """Reach a page from the sidebar of the current one and wait until settled."""
        link = self.page.locator("[data-testid='stSidebarNavLink']").filter(has_text=title)
        self.frames.clear()
        cpu, busy, chromium = process_cpu(self.server_pid), self._busy(), self._cpu()
        self.page.evaluate(_ARM)
        link.first.click()
        return self._finish(cpu, busy, chromium, reloaded=False)

    def _finish(self, cpu: float, busy: float, chromium: float, *, reloaded: bool) -> Visit:
        self._wait_settled(polling=50)
        record = self.page.evaluate(_READ)
        after_busy = self._busy()
        return visit_from_record(
            record,
            server_cpu=process_cpu(self.server_pid) - cpu,
            # A load may start a new renderer whose counter starts at zero.
            browser_busy=after_busy - busy if not reloaded or after_busy >= busy else after_busy,
            browser_cpu=max(0.0, self._cpu() - chromium),
            frames=list(self.frames),
        )

    def _wait_settled(self, polling: int | str = "raf") -> None:
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            self.page.wait_for_function(_HELD, timeout=TIMEOUT_MS, polling=polling)
        except PlaywrightTimeout as stuck:
            raise RuntimeError(self.stuck()) from stuck

    def stuck(self) -> str:
        """What keeps the page from settling, with a screenshot of it in bench/out."""
        shot = build.OUT / f"perceived_stuck_{time.strftime('%H%M%S')}.png"
        self.page.screenshot(path=str(shot))
        state = self.page.evaluate(_WHY_NOT)
        return f"not settled after {TIMEOUT_MS / 1000:.0f}s: {json.dumps(state)}; screenshot {shot}"

    def problem(self) -> str | None:
        shown = self.page.locator("[data-testid='stException']")
        return "exception on the page" if shown.count() else None


def measure_floor(repeat: int) -> dict[str, Any]:
    """The same visits to a bare two-page Streamlit app: what no page can beat here."""
    return measure_backend(
        "floor",
        "sqlite://",
        repeat,
        None,
        0,
        script=FLOOR_SCRIPT,
        found=FLOOR_TARGETS,
        clear_from=FLOOR_TARGETS[-1].path,
    )


def measure_backend(
    backend: str,
    database_url: str,
    repeat: int,
    pairing_id: str | None,
    pairings: int = BIG,
    only: frozenset[str] = frozenset(),
    *,
    script: str = "app.py",
    found: list[Target] | None = None,
    clear_from: str | None = None,
) -> dict[str, Any]:
    """``found`` (every page of the navigation, or those in ``only``) served by
    ``script``; the server's caches are cleared from ``clear_from`` (Admin, the lightest
    page, by default)."""
    pages: dict[str, Any] = {}
    run: dict[str, Any] = {
        "backend": backend,
        "pairings": pairings,
        "repeat": repeat,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load": {"before": _uptime()},
        "pages": pages,
    }
    if found is None:
        found = [t for t in targets(pairing_id) if not only or t.key in only]
    if clear_from is None:
        clear_from = next(t.path for t in targets(None) if t.key == "admin")
    build.OUT.mkdir(parents=True, exist_ok=True)
    log = build.OUT / f"perceived_{backend}.log"
    with running_server(database_url, log, script) as (base, pid):
        browser = Browser(base, pid)
        try:
            _say(f"{backend}: warming the server process (one visit to every page)")
            browser.new_context()
            for target in found:
                visit = browser.load(target.path)
                _say(f"  {target.title}: settled in {visit.settled:.1f}s")
            for target in found:
                pages[target.key] = _measure_page(browser, target, clear_from)
                _report(backend, target.title, pages[target.key])
            _say(f"{backend}: clicking through the menu, {repeat} rounds per role")
            tours = click_tours(browser, found, repeat)
        finally:
            browser.close()
    for target in found:
        page = pages[target.key]
        page["visits"]["reload"] = [asdict(v) for v in tours["reload"][target.key]]
        page["reload"] = summarise(tours["reload"][target.key])
        clicks = tours["click"].get(target.key, [])
        page["click"] = summarise(clicks) if clicks else None
        page["visits"]["click"] = [asdict(v) for v in clicks]
    run["load"]["after"] = _uptime()
    return run


def _measure_page(browser: Browser, target: Target, clear_from: str) -> dict[str, Any]:
    """The two cold visits, each right after the server's caches were cleared.

    *returning*: in the context that cleared them, whose HTTP cache holds Streamlit's
    frontend, as a sponsor's browser does on the first view after a data change;
    *cold*: in a new context (empty HTTP cache, the frontend fetched and started).
    """
    browser.clear_server_caches(clear_from)
    returning = browser.load(target.path)
    browser.clear_server_caches(clear_from)
    browser.new_context()
    cold = browser.load(target.path)
    return {
        "title": target.title,
        "role": target.role,
        "cold": summarise([cold]),
        "returning": summarise([returning]),
        "visits": {"cold": asdict(cold), "returning": asdict(returning)},
        "problem": browser.problem(),
    }


def click_tours(
    browser: Browser, found: list[Target], repeat: int
) -> dict[str, dict[str, list[Visit]]]:
    """Warm visits: ``repeat`` reloads of every page, then per role ``repeat`` rounds of
    clicking through its pages in menu order (each click one measured visit).

    A role with a single page of its own (Admin) steps through another, unmeasured.
    """
    reloads: dict[str, list[Visit]] = {}
    clicks: dict[str, list[Visit]] = {}
    for role in dict.fromkeys(t.role for t in found):
        mine = [t for t in found if t.role == role]
        if not mine:
            continue
        browser.new_context()
        for target in mine:
            _say(f"  {role}: reloading {target.title} {repeat} times")
            reloads[target.key] = [browser.load(target.path) for _ in range(repeat)]
        menu = [t for t in mine if t.in_menu]
        if not menu:
            continue
        others = [*found, *targets(None)]  # a page of another role when only Admin's is measured
        stone = next(t for t in others if t.in_menu and t.key != menu[0].key)
        stops = menu if len(menu) > 1 else [stone, *menu]
        browser.load(menu[-1].path)
        for round_number in range(1, repeat + 1):
            _say(f"  {role}: clicking through the menu, round {round_number}")
            for stop in stops:
                visit = browser.click(stop.title)
                if stop in menu:
                    clicks.setdefault(stop.key, []).append(visit)
    return {"reload": reloads, "click": clicks}


def _report(backend: str, title: str, page: dict[str, Any]) -> None:
    cold = page["cold"]
    _say(
        f"  {backend} {title:<20} cold {seconds(cold['settled'])}s "
        f"(returning browser {seconds(page['returning']['settled'])}s) "
        f"(server cpu {seconds(cold['server_cpu'])}, browser cpu {seconds(cold['browser_cpu'])})"
        f"  dom {cold['dom_elements']:,.0f}  charts {kib(cold['chart_bytes'])} KiB"
    )


# --------------------------------------------------------------------------- entry point


def load_runs(path: Path = OUT_JSON) -> list[dict[str, Any]]:
    return list(json.loads(path.read_text())) if path.exists() else []


def store_run(run: dict[str, Any], path: Path = OUT_JSON) -> None:
    runs = [r for r in load_runs(path) if r["backend"] != run["backend"]] + [run]
    build.OUT.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(runs, indent=1))


def stored_section() -> list[str]:
    """The RESULTS.md section for the stored runs (none yet: nothing)."""
    runs = load_runs()
    return render_section(runs) if runs else []


def rewrite_results() -> None:
    """Put the stored runs into bench/RESULTS.md (run_all's ``render`` does the same)."""
    results = build.RESULTS_MD
    text = results.read_text() if results.exists() else ""
    section = "\n".join(render_section(load_runs())) + "\n"
    results.write_text(replace_section(text, section))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Perceived speed in Chromium at 50k pairings")
    parser.add_argument(
        "--backends",
        default="floor,sqlite,postgresql",
        help="floor: a bare Streamlit app, what no page can beat on this machine",
    )
    parser.add_argument("--repeat", type=int, default=3, help="warm visits per page (median)")
    parser.add_argument("--render-only", action="store_true")
    parser.add_argument("--pages", default="", help="only these page keys, comma-separated")
    parser.add_argument(
        "--pairings",
        type=int,
        default=BIG,
        help="program size (not 50,000: a smoke check, "
        "results written to bench/out/perceived-smoke.json only)",
    )
    parser.add_argument("--drop-pg", action="store_true", help="drop the PostgreSQL copy after")
    args = parser.parse_args(argv)
    # A stopped run still stops its server and browser (the ``finally`` blocks).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.path.insert(0, str(PROJECT_ROOT))
    os.chdir(PROJECT_ROOT)
    smoke = args.pairings != BIG
    if not args.render_only:
        today = dt.date.today()
        source = sqlite_database(today, args.pairings)
        pairing_id = build.sample_pairing(source)
        for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
            if backend == "floor":
                store_run(measure_floor(args.repeat), SMOKE_JSON if smoke else OUT_JSON)
                continue
            if backend == "sqlite":
                url, name = source, None
            else:
                url, name = pg_database(source, today, args.pairings)
            only = frozenset(k.strip() for k in args.pages.split(",") if k.strip())
            run = measure_backend(backend, url, args.repeat, pairing_id, args.pairings, only)
            store_run(run, SMOKE_JSON if smoke else OUT_JSON)
            if name is not None and args.drop_pg:
                build.drop_pg_database(name)
                (build.OUT / f"{name}.done").unlink(missing_ok=True)
    if smoke:
        _say(f"wrote {SMOKE_JSON} (a smoke check: RESULTS.md left alone)")
        return 0
    rewrite_results()
    _say(f"wrote {OUT_JSON} and the section of bench/RESULTS.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
