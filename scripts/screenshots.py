"""Save full-page screenshots of every page at phone and desk widths.

    .venv/bin/python scripts/screenshots.py --out test-artifacts/screens

The app runs the way the browser tests run it (tests/browser/harness.py): a live server on a
temporary SQLite file, driven by Debian's Chromium. The pages are harness.PAGES (add pages
there); the files are named <page>-<width>.png, e.g. checkins-new-390.png. Exits 1 when a page
did not load or the browser logged an error, after saving every screenshot it could.
"""

import argparse
import datetime as dt
import logging
import random
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.harness import (  # noqa: E402  (needs the repository on sys.path)
    PAGES,
    create_sample_records,
    launch_chromium,
    new_context,
    resolve,
    serve_app,
    settle,
    signup,
    watch_console,
)

WIDTHS = {390: 844, 1280: 800}  # viewport width: height (the screenshot is the full page)
HISTORY_DAYS = 20


def seed_history(page, days: int = HISTORY_DAYS) -> None:
    """Add past check-ins through the JSON API, the way the PWA syncs them.

    Daily check-ins from 2 to `days` days ago (create_sample_records makes yesterday's) and a
    PHQ-9 ten days ago, so the history has rows and one questionnaire is not yet due again.
    """
    me = page.request.get("/api/v1/me").json()
    today = dt.date.fromisoformat(me["today"])
    headers = {"X-CSRFToken": me["csrf_token"]}
    rng = random.Random(9)
    bodies = [
        {
            "instrument": "daily",
            "local_date": (today - dt.timedelta(days=ago)).isoformat(),
            "answers": [rng.choice((0, 0, 1, 1, 2, 3)) for _ in range(8)] + [0],
            "mood": rng.randint(2, 8),
        }
        for ago in range(2, days + 1)
    ]
    bodies.append(
        {
            "instrument": "phq9",
            "local_date": (today - dt.timedelta(days=10)).isoformat(),
            "answers": [2, 2, 1, 2, 1, 1, 1, 0, 0],
        }
    )
    for body in bodies:
        response = page.request.put(f"/api/v1/checkins/{uuid.uuid4()}", data=body, headers=headers)
        if response.status != 201:
            raise RuntimeError(f"seeding failed: {response.status} {response.text()}")


def take_screenshots(out: Path, widths: dict[int, int]) -> list[str]:
    """Photograph every page at every width into `out`; return the problems seen."""
    problems: list[str] = []
    with (
        tempfile.TemporaryDirectory(prefix="journal-screens-") as tmp,
        serve_app(f"sqlite:///{Path(tmp) / 'journal.sqlite'}") as server,
        launch_chromium() as browser,
    ):
        setup = new_context(browser, server.url)
        try:
            page = setup.new_page()
            signup(page)
            records = create_sample_records(page)
            seed_history(page)
            member = setup.storage_state()
        finally:
            setup.close()

        for width, height in widths.items():
            viewport = {"width": width, "height": height}
            for signed_in in (False, True):
                state = member if signed_in else None
                context = new_context(browser, server.url, viewport, storage_state=state)
                try:
                    page = context.new_page()
                    errors = watch_console(page)
                    for spec in (s for s in PAGES if s.signed_in == signed_in):
                        path = resolve(spec, records)
                        response = page.goto(path)
                        if not response.ok:
                            problems.append(f"{path} answered {response.status}")
                        settle(page)
                        target = out / f"{spec.name}-{width}.png"
                        page.screenshot(path=target, full_page=True)
                        print(target)
                    problems.extend(errors)
                finally:
                    context.close()
    return problems


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, take the screenshots, report problems."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "test-artifacts" / "screens")
    parser.add_argument(
        "--width",
        type=int,
        action="append",
        dest="widths",
        help="viewport width in px; repeat for several (default: 390 and 1280)",
    )
    args = parser.parse_args(argv)
    widths = {w: WIDTHS.get(w, 800) for w in args.widths} if args.widths else WIDTHS
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no request log on the terminal
    args.out.mkdir(parents=True, exist_ok=True)
    problems = take_screenshots(args.out, widths)
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
