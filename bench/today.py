"""Today's first load and the charts' long tasks, in Debian's Chromium on a phone-sized page.

Run: .venv/bin/python bench/today.py [--cpu-slowdown 4]

One account with a year of demo history (tests/browser/harness.py serves the app on a temporary
SQLite file). Reports, at 390 x 844 with touch:
- Today's first load: bytes transferred (encoded bodies and headers, as the browser asked:
  gzip, deflate, br, zstd) of everything fetched by the load event, and whether plotly.js or any
  chart JSON was among them (issue 21 target: <= 200 kB, no plotly before a chart is near);
- the longest tasks (PerformanceObserver "longtask") while the charts page (/?range=1y) draws
  all six charts, with the CPU slowed down as Lighthouse's mobile preset does (4x). Evaluating
  plotly.js is one task that cannot be split; charts.js draws one chart per task.
"""

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402  (needs the repository on sys.path)

from journal.cli import load_demo  # noqa: E402
from journal.demo import generate  # noqa: E402
from journal.extensions import db  # noqa: E402
from journal.models import User  # noqa: E402
from journal.records import user_today  # noqa: E402
from tests.browser.harness import (  # noqa: E402
    MOBILE,
    launch_chromium,
    new_context,
    serve_app,
    signup,
)

PHONE = {"has_touch": True, "is_mobile": True, "service_workers": "block"}
TRANSFERRED = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const loaded = performance.getEntriesByType('resource')
    .filter((r) => r.responseEnd <= nav.loadEventStart);
  return {bytes: nav.transferSize + loaded.reduce((sum, r) => sum + r.transferSize, 0),
          names: loaded.map((r) => r.name)};
}"""
WATCH_LONG_TASKS = """
window.__long = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__long.push(Math.round(entry.duration));
}).observe({type: 'longtask', buffered: true});
"""
ALL_DRAWN = "() => [...document.querySelectorAll('[data-chart]')].every((c) => c.dataset.drawn)"


def first_load(browser, url: str, state) -> tuple[int, bool]:
    """Return Today's bytes transferred by the load event and whether plotly or charts came."""
    context = new_context(browser, url, MOBILE, storage_state=state, **PHONE)
    page = context.new_page()
    page.goto("/", wait_until="load")
    page.wait_for_timeout(300)
    result = page.evaluate(TRANSFERRED)
    context.close()
    heavy = any("plotly" in n or "/api/v1/charts/" in n for n in result["names"])
    return result["bytes"], heavy


def long_tasks(browser, url: str, state, slowdown: float) -> list[int]:
    """Return the long tasks' durations (ms) while the charts page draws every chart."""
    context = new_context(browser, url, MOBILE, storage_state=state, **PHONE)
    page = context.new_page()
    page.add_init_script(WATCH_LONG_TASKS)
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": slowdown})
    page.goto("/?range=1y")
    page.wait_for_function(ALL_DRAWN, timeout=120_000)
    page.wait_for_timeout(500)
    durations = page.evaluate("window.__long")
    context.close()
    return sorted(durations, reverse=True)


def main() -> None:
    """Serve the app, load a year of history, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cpu-slowdown", type=float, default=4.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, serve_app(f"sqlite:///{tmp}/bench.db") as server:
        with launch_chromium() as browser:
            context = new_context(browser, server.url, MOBILE)
            email = signup(context.new_page())
            with server.app.app_context():
                user = db.session.scalars(select(User).where(User.email == email)).one()
                load_demo(user, generate(1, user_today(user), user.timezone, seed=5))
            state = context.storage_state()
            context.close()
            size, heavy = first_load(browser, server.url, state)
            print(f"Today first load: {size / 1000:.0f} kB transferred; plotly or charts: {heavy}")
            tasks = long_tasks(browser, server.url, state, args.cpu_slowdown)
            print(f"Charts page, CPU {args.cpu_slowdown:g}x slower: long tasks (ms) {tasks[:8]}")


if __name__ == "__main__":
    main()
