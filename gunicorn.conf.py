"""gunicorn settings for Mood Journal: `gunicorn -c gunicorn.conf.py` (README, "Run in production").

Every setting can still be changed on the command line or in GUNICORN_CMD_ARGS.
"""

import gc
import os
import threading

wsgi_app = "journal:create_app()"

# Loopback by default: the https reverse proxy in front is the only client. JOURNAL_BIND takes a
# comma-separated list (e.g. "0.0.0.0:8000" to reach it from other machines without a proxy).
bind = os.environ.get("JOURNAL_BIND", "127.0.0.1:8000").split(",")

# 2 x cores + 1 processes, counted on the cores this process may use, each with JOURNAL_THREADS
# threads: a request waiting for a password hash (the bounded, low-priority pool of
# journal/accounts/hashing.py) holds one thread, not the process, so 50 people signing in at once
# no longer stall the other requests (bench/load.py). gunicorn runs the default sync worker
# class as gthread when threads > 1; JOURNAL_THREADS=1 gives plain sync workers.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * len(os.sched_getaffinity(0)) + 1)
threads = int(os.environ.get("JOURNAL_THREADS") or 16)

# X-Forwarded-Proto (so the session cookie is Secure) is believed only from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# A chart image may wait up to 65 s on a hung browser before answering 503 (journal/export/
# images.py); the worker must outlive that wait rather than be killed mid-request.
timeout = 90


def post_worker_init(worker):
    """Check the master keys, freeze the loaded app for the collector, start the chart browser."""
    # A worker whose master keys cannot open the stored data must not serve: raising here fails
    # its boot, and gunicorn stops with the message (journal/crypto/health.py).
    from journal.crypto import verify

    if getattr(worker, "wsgi", None) is not None:  # always, in gunicorn; not in a bare unit test
        verify(worker.wsgi)
    # The app and its libraries (~200,000 objects) live as long as the worker, yet every full
    # collection walked them: ~150 ms, every few chart requests after a write (each keeps a new
    # analysis). Frozen, a full collection walks only what requests keep (bench/charts.py).
    gc.collect()
    gc.freeze()
    # Never in the master: a browser started before the fork is one no worker can talk to.
    # In the background so the worker serves pages while Chromium starts (a few seconds); an
    # export that arrives first waits on the renderer's lock instead of starting a second one.
    if os.environ.get("JOURNAL_WARM_CHARTS", "1") != "0":
        thread = threading.Thread(target=warm_charts, args=(worker,), name="warm", daemon=True)
        thread.start()


def warm_charts(worker):
    """Draw one empty chart so this worker's browser is running before the first export."""
    import plotly.graph_objects as go

    from journal.export import images

    browser = getattr(worker.wsgi, "config", {}).get("CHROMIUM_PATH")
    try:
        images.render(go.Figure(), "svg", 16, 16, browser)
    except Exception as exc:  # pages still work; exports say what to do instead
        worker.log.warning("Chart browser did not start in worker %s: %s", worker.pid, exc)
    else:
        worker.log.info("Chart browser ready in worker %s", worker.pid)


def worker_exit(server, worker):
    """Close this worker's chart browser with the worker."""
    from journal.export import images

    images.RENDERER.stop()
