"""Static chart images (PNG, SVG) from Plotly figures, drawn by one warm Kaleido per process.

Kaleido 1.x draws figures in a headless Chrome or Chromium that it drives through choreographer.
Starting that browser takes seconds, so the first image a process draws starts one and every
later image reuses it. Started lazily (never at app start-up, so a forked gunicorn worker never
inherits a browser it cannot talk to), stopped at exit.

Kaleido's own `start_sync_server()` is not used: if the browser fails to start, its server
thread dies and every later call waits forever on a queue nobody reads, and two threads calling
it at once can receive each other's images. This owns the event loop instead and waits on each
image with a timeout.
"""

import asyncio
import atexit
import contextlib
import os
import threading
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

import plotly.graph_objects as go

from ..errors import DomainError
from ..paths import STATIC

FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
# The browser draws with the same plotly.js the pages use: images match the screen, and Kaleido
# reloads its page after every image, which is quicker with this 1.5 MB bundle than plotly.py's
# 4.6 MB one (the charts use only scatter, bar and heatmap, which it has).
PLOTLY_JS = STATIC / "js" / "vendor" / "plotly-cartesian.min.js"
START_TIMEOUT = 60
RENDER_TIMEOUT = 60
# Two tabs: the PDF's four charts are drawn two at a time (Kaleido reloads a tab after each
# image, so one tab would wait for every reload in turn). The host has two cores.
TABS = 2
# Liberation and DejaVu ship with Debian's Chromium and WeasyPrint's fonts: the SVG's text is
# measured by Chromium and drawn again by WeasyPrint, so both must find the same font.
FONT_FAMILY = "'Liberation Sans', 'DejaVu Sans', Arial, Helvetica, sans-serif"
NO_BROWSER = (
    "This server cannot draw chart images because Chromium (or Chrome) is not installed. "
    "Open the report page and use your browser's Print command instead, or ask the "
    "administrator to install Chromium."
)
BROWSER_FAILED = (
    "The chart drawing service did not answer. Try again in a minute, or open the report "
    "page and use your browser's Print command instead."
)


class ChartsUnavailable(DomainError):
    """The server has no working browser to draw charts with (503, with what to do instead)."""

    status = 503
    code = "charts_unavailable"


def find_browser(configured: str | None) -> str:
    """Return the browser to draw with: the configured path, or what choreographer finds."""
    if configured:
        if Path(configured).is_file() and os.access(configured, os.X_OK):
            return configured
        raise ChartsUnavailable(NO_BROWSER)
    from choreographer.browsers.chromium import Chromium

    # BROWSER_PATH, then chrome/chromium on PATH, then the usual /usr/bin locations.
    found = Chromium.find_browser(skip_local=False)
    if not found or not Path(found).is_file():
        raise ChartsUnavailable(NO_BROWSER)
    return found


class ChartRenderer:
    """One Kaleido (one headless browser) on its own event-loop thread, started on first use."""

    def __init__(self):
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido = None
        self._pid: int | None = None
        self.starts = 0
        self.path: str | None = None

    @property
    def running(self) -> bool:
        """Tell whether this process has a warm browser."""
        return self._kaleido is not None and self._pid == os.getpid()

    def _start(self, path: str) -> None:
        """Start the event loop thread and the browser (under the lock)."""
        import kaleido

        loop = asyncio.new_event_loop()

        def run_loop() -> None:
            """Serve the loop until stopped, then close it."""
            asyncio.set_event_loop(loop)
            try:
                loop.run_forever()
            finally:
                loop.close()

        thread = threading.Thread(target=run_loop, name="kaleido", daemon=True)
        thread.start()

        async def open_browser():
            # MathJax would be fetched from a CDN; no chart here uses LaTeX.
            renderer = kaleido.Kaleido(
                n=TABS, timeout=RENDER_TIMEOUT, mathjax=False, plotlyjs=str(PLOTLY_JS), path=path
            )
            try:
                await renderer.open()
            except BaseException:
                # A browser that started but failed to answer must not outlive the attempt.
                with contextlib.suppress(Exception):
                    await renderer.close()
                raise
            return renderer

        try:
            self._kaleido = asyncio.run_coroutine_threadsafe(open_browser(), loop).result(
                START_TIMEOUT
            )
        except Exception as exc:
            loop.call_soon_threadsafe(loop.stop)
            raise ChartsUnavailable(BROWSER_FAILED) from exc
        self._loop, self._thread, self._pid, self.path = loop, thread, os.getpid(), path
        self.starts += 1

    def stop(self) -> None:
        """Close the browser and its loop; the next image starts a new one."""
        with self._lock:
            self._stop()

    def _stop(self) -> None:
        """Close the browser (under the lock); a forked child only forgets its parent's."""
        kaleido_, loop, thread, owner = self._kaleido, self._loop, self._thread, self._pid
        self._kaleido = self._loop = self._thread = self._pid = None
        if kaleido_ is None or loop is None or owner != os.getpid():
            return
        try:
            asyncio.run_coroutine_threadsafe(kaleido_.close(), loop).result(10)
        except Exception:  # noqa: S110 - closing a broken browser may fail; the loop still stops
            pass
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)

    def render(self, figure: go.Figure, fmt: str, width: int, height: int, path: str) -> bytes:
        """Return the figure as PNG or SVG bytes of exactly width x height pixels."""
        return self.render_many([(figure, fmt, width, height)], path)[0]

    def render_many(self, jobs: list[tuple[go.Figure, str, int, int]], path: str) -> list[bytes]:
        """Draw several figures at once, one per free tab; return their bytes in order."""
        from kaleido.errors import JavascriptError, KaleidoError

        with self._lock:
            if not self.running:
                self._kaleido = None
                self._start(path)
            renderer, loop = self._kaleido, self._loop

        async def draw_all():
            return await asyncio.gather(
                *(
                    renderer.calc_fig(
                        figure, opts={"format": fmt, "width": w, "height": h, "scale": 1}
                    )
                    for figure, fmt, w, h in jobs
                )
            )

        future = asyncio.run_coroutine_threadsafe(draw_all(), loop)
        try:
            return list(future.result(RENDER_TIMEOUT + 5))
        except (JavascriptError, KaleidoError):
            raise  # plotly.js refused the figure: a bug here, not a browser to restart
        except (FutureTimeout, OSError, RuntimeError) as exc:
            # A crashed or hung browser: drop it so the next request starts a fresh one.
            future.cancel()
            self.stop()
            raise ChartsUnavailable(BROWSER_FAILED) from exc


RENDERER = ChartRenderer()
atexit.register(RENDERER.stop)


# A static image has no hover to tell months of overlapping markers apart: draw dense series
# as thin lines with small dots so the 7-day average and the PHQ-9s stand out. Sparse ones keep
# their markers (a lone check-in would vanish as a 3 px dot).
PRINT_TRACES = {
    "Each day": {"marker": {"size": 3}},
}
DENSE_POINTS = 120


def is_dense(trace) -> bool:
    """Tell whether a trace has more points than a static image can show one by one."""
    return sum(value is not None for value in trace.y or ()) > DENSE_POINTS


def for_print(figure: go.Figure) -> go.Figure:
    """Return the figure styled for a static image: print fonts, white, quieter dense series."""
    figure.update_layout(
        font={"family": FONT_FAMILY, "size": 12},
        paper_bgcolor="white",
        plot_bgcolor="white",
    )
    for trace in figure.data:
        if trace.name in PRINT_TRACES and is_dense(trace):
            trace.update(PRINT_TRACES[trace.name])
    return figure


def render(figure: go.Figure, fmt: str, width: int, height: int, browser: str | None) -> bytes:
    """Draw one figure as an image with the process's warm browser."""
    path = find_browser(browser)
    return RENDERER.render(for_print(figure), fmt, width, height, path)


def render_many(jobs: list[tuple[go.Figure, str, int, int]], browser: str | None) -> list[bytes]:
    """Draw several figures (figure, format, width, height) at once with the warm browser."""
    path = find_browser(browser)
    return RENDERER.render_many([(for_print(f), fmt, w, h) for f, fmt, w, h in jobs], path)
