"""Print what the public credential page costs a cheap phone on a 1 Mbps link (issue #5).

Run: ``make bench`` or ``.venv/bin/python bench/page.py``. The real app serves its seeded
credential on a thread (``tests/browser/site.py``); Debian's headless Chromium, driven by
Playwright, loads it as a 360x740 phone, cache disabled, under Chrome DevTools' network
emulation (1 Mbps down, 0.5 Mbps up, 150 ms latency). Each row is the median of a few loads,
each in a fresh browser context: bytes on the wire (``encodedDataLength`` of every request,
headers included), requests, first and largest contentful paint and the ``load`` event, in ms
from navigation start. References from the same run: the page unthrottled (the floor) and
the verify page throttled. A report: it exits 0 and prints OVER BUDGET when a budget is missed.
"""

from __future__ import annotations

import logging
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser import CHROMIUM  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import Browser

RUNS = 5
VIEWPORT = {"width": 360, "height": 740}
# A cheap Android phone's Chrome; the server sees a mobile browser asking for text/html.
USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 11; moto e20) AppleWebKit/537.36 (KHTML, like Gecko)"
    " Chrome/120.0.0.0 Mobile Safari/537.36"
)
THROTTLED = {  # Network.emulateNetworkConditions: bytes per second and ms per round trip
    "offline": False,
    "downloadThroughput": 1_000_000 / 8,
    "uploadThroughput": 500_000 / 8,
    "latency": 150,
}
UNTHROTTLED = {"offline": False, "downloadThroughput": -1, "uploadThroughput": -1, "latency": 0}
BUDGET_BYTES = 100 * 1024
BUDGET_PAINT_MS = 1000
SETTLE_S = 2.0  # after `load`, wait at most this long for late requests (a favicon)
PAINT_WAIT_MS = 3000  # headless Chromium may fire `load` before it paints
# Paint entries are observed (buffered: true) rather than read once, so a late paint still counts.
PAINTS = """wait => new Promise(resolve => {
  const seen = {fcp: null, lcp: null};
  const done = () => resolve([seen.fcp, seen.lcp,
                              performance.getEntriesByType('navigation')[0].loadEventStart]);
  const check = () => { if (seen.fcp !== null && seen.lcp !== null) done(); };
  new PerformanceObserver(list => {
    const fcp = list.getEntriesByName('first-contentful-paint')[0];
    if (fcp) seen.fcp = fcp.startTime;
    check();
  }).observe({type: 'paint', buffered: true});
  new PerformanceObserver(list => {
    const entries = list.getEntries();
    seen.lcp = entries[entries.length - 1].startTime;
    check();
  }).observe({type: 'largest-contentful-paint', buffered: true});
  setTimeout(done, wait);
})"""


@dataclass(frozen=True)
class Load:
    """One page load: what crossed the wire and when the page painted."""

    transferred: int
    requests: int
    scripts: int
    fcp: float
    lcp: float
    load: float


@dataclass(frozen=True)
class Row:
    """One page under one network, and its loads."""

    name: str
    throttled: bool
    loads: list[Load]

    def median(self, field: str) -> float:
        return statistics.median(getattr(load, field) for load in self.loads)


def load_once(browser: Browser, url: str, *, conditions: dict[str, Any]) -> Load:
    """Load `url` in a fresh phone-sized context under `conditions` and measure it."""
    context = browser.new_context(
        viewport=VIEWPORT,
        user_agent=USER_AGENT,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", conditions)
    started: dict[str, str] = {}  # request id -> resource type
    finished: dict[str, int] = {}  # request id -> bytes on the wire

    def on_request(event: dict[str, Any]) -> None:
        started[event["requestId"]] = event.get("type", "Other")

    def on_response(event: dict[str, Any]) -> None:
        if "javascript" in event["response"].get("mimeType", ""):
            started[event["requestId"]] = "Script"

    def on_finished(event: dict[str, Any]) -> None:
        finished[event["requestId"]] = int(event["encodedDataLength"])

    def on_failed(event: dict[str, Any]) -> None:
        finished[event["requestId"]] = 0

    cdp.on("Network.requestWillBeSent", on_request)
    cdp.on("Network.responseReceived", on_response)
    cdp.on("Network.loadingFinished", on_finished)
    cdp.on("Network.loadingFailed", on_failed)
    page.goto(url, wait_until="load")
    deadline = time.monotonic() + SETTLE_S
    while set(started) - set(finished) and time.monotonic() < deadline:
        page.wait_for_timeout(20)
    fcp, lcp, loaded = page.evaluate(PAINTS, PAINT_WAIT_MS)
    context.close()
    return Load(
        transferred=sum(finished.values()),
        requests=len(started),
        scripts=sum(kind == "Script" for kind in started.values()),
        fcp=fcp if fcp is not None else float("nan"),
        lcp=lcp if lcp is not None else float("nan"),
        load=loaded,
    )


def verdict(row: Row) -> list[str]:
    """The budgets `row` misses; the floor is held to the transfer budget alone."""
    missed = []
    if row.median("transferred") > BUDGET_BYTES:
        missed.append("transfer")
    if any(load.scripts for load in row.loads):  # none at all, not merely in the median
        missed.append("javascript")
    if row.throttled:
        missed += [name for name in ("fcp", "lcp") if not row.median(name) <= BUDGET_PAINT_MS]
    return missed


def main() -> None:
    """Serve the seeded site, load each page RUNS times, print one table."""
    if not os.path.exists(CHROMIUM):
        print(f"{CHROMIUM} is missing: run `make browser-deps` (as root) to install it")
        print("skipped")
        return
    from playwright.sync_api import sync_playwright

    from tests.browser.site import serving

    logging.disable(logging.INFO)  # the server's request log would bury the table
    begun = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp, serving(Path(tmp) / "site.sqlite3") as site:
        pages = [
            ("credential /c/<id>", f"/c/{site.credential}", THROTTLED),
            ("credential ?lang=fr", f"/c/{site.credential}?lang=fr", THROTTLED),
            ("credential, floor", f"/c/{site.credential}", UNTHROTTLED),
            ("verify /verify", "/verify", THROTTLED),
        ]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
            load_once(browser, site.url + pages[0][1], conditions=UNTHROTTLED)  # warm the app
            rows = [Row(name, conditions is THROTTLED, []) for name, _, conditions in pages]
            for _ in range(RUNS):  # interleaved, so a busy moment touches every row alike
                for row, (_, path, conditions) in zip(rows, pages, strict=True):
                    row.loads.append(load_once(browser, site.url + path, conditions=conditions))
            browser.close()

    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"median of {RUNS} loads, 360x740 phone, cache disabled; {os.cpu_count()} cores,"
        f" load {load}; {time.monotonic() - begun:.0f} s"
    )
    print("throttled: 1 Mbps down, 0.5 Mbps up, 150 ms latency (Chrome DevTools emulation)")
    header = ("page", "network", "reqs", "JS", "KB", "FCP ms", "LCP ms", "load ms", "budget")
    print(f"{header[0]:<20} {header[1]:<9}" + "".join(f"{cell:>8}" for cell in header[2:]))
    over = []
    for row in rows:
        missed = verdict(row)
        over += [f"{row.name}: {name}" for name in missed]
        cells = (
            f"{row.median('requests'):.0f}",
            f"{max(load.scripts for load in row.loads)}",
            f"{row.median('transferred') / 1024:.1f}",
            f"{row.median('fcp'):.0f}",
            f"{row.median('lcp'):.0f}",
            f"{row.median('load'):.0f}",
            "FAIL" if missed else "PASS",
        )
        network = "1 Mbps" if row.throttled else "none"
        print(f"{row.name:<20} {network:<9}" + "".join(f"{cell:>8}" for cell in cells))
    print(
        f"budgets: transfer <= {BUDGET_BYTES // 1024} KB and no JavaScript on every row;"
        f" FCP and LCP <= {BUDGET_PAINT_MS} ms at 1 Mbps"
    )
    if over:
        print("OVER BUDGET: " + "; ".join(over))


if __name__ == "__main__":
    main()
