"""How Chromium is started for the browser tests and for the perceived-speed benchmark
(``bench/perceived.py`` imports this): one executable and one list of switches, so the
two never drive the app in different browsers.

Plain constants, no Tandem or Playwright import: the benchmark may import it freely.
"""

from __future__ import annotations

import os

#: Debian's Chromium unless ``TANDEM_CHROMIUM`` names another.
CHROMIUM = os.environ.get("TANDEM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    # A container's /dev/shm is often 64 MB: Chromium's shared memory goes to /tmp.
    "--disable-dev-shm-usage",
]
