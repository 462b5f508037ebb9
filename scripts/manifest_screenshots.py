"""Photograph Today for the web app manifest's `screenshots` (the richer install sheet).

    .venv/bin/python scripts/manifest_screenshots.py

Writes static/screenshots/today-narrow.webp (390 x 844) and today-wide.webp (1280 x 800) from a
sample account on a throwaway server, as scripts/screenshots.py does. Run it again after Today
changes its look; the manifest names the files and their sizes (journal/pwa/routes.py).
"""

import io
import logging
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts.screenshots import seed_history  # noqa: E402  (needs the repository on sys.path)
from tests.browser.harness import (  # noqa: E402
    create_sample_records,
    launch_chromium,
    new_context,
    serve_app,
    settle,
    signup,
)

OUT = ROOT / "static" / "screenshots"
SHOTS = {"today-narrow.webp": (390, 844), "today-wide.webp": (1280, 800)}


def main() -> int:
    """Sign up a sample account, then photograph Today at each size."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    OUT.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix="journal-manifest-") as tmp,
        serve_app(f"sqlite:///{Path(tmp) / 'journal.sqlite'}") as server,
        launch_chromium() as browser,
    ):
        setup = new_context(browser, server.url)
        page = setup.new_page()
        signup(page)
        create_sample_records(page)
        seed_history(page)
        member = setup.storage_state()
        setup.close()
        for name, (width, height) in SHOTS.items():
            viewport = {"width": width, "height": height}
            context = new_context(browser, server.url, viewport, storage_state=member)
            context.set_default_timeout(60_000)  # a busy machine draws the charts slowly
            page = context.new_page()
            page.goto("/")
            settle(page)
            png = page.screenshot(full_page=False)
            Image.open(io.BytesIO(png)).save(OUT / name, "WEBP", quality=80, method=6)
            print(OUT / name)
            context.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
