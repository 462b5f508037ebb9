"""Lighthouse on Today, charts, the check-in form and the share view of a 1-year account (issue 21).

Run: .venv/bin/python bench/lighthouse.py [--runs 3] [--years 1] [--presets mobile,desktop]
     [--pages today,charts,checkin,share] [--json results.json]
Lighthouse comes from npm into bench/node_modules (bench/package.json and its lock, pinned; the
root package.json stays as CI installs it): `npm ci --prefix bench` runs by itself when it is
missing. It drives Debian's Chromium (CHROME_PATH, default /usr/bin/chromium) headless.
The app is served as in production: a fresh instance folder and SQLite database in a temporary
folder, schema by `flask db upgrade`, history by `flask demo-data`, then gunicorn with the
repository's gunicorn.conf.py (compression and all). The session cookie reaches Lighthouse as an
extra header; the share view is a share link made through the API. Each page and preset is run
--runs times; the table holds the medians. Lighthouse's own throttling is on (the mobile preset
simulates a mid-range phone on a slow 4G link), so numbers depend on this machine's CPU: every row
carries the 1-minute load average seen at the start of its runs, and the run prints it before and
after.
"""

import argparse
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import httpbench
import lighthouse_table

PORT = 8750
EMAIL = "lighthouse@example.com"
PASSWORD = "benchmark password"
SECRET = "bench-lighthouse"
BENCH = Path(__file__).resolve().parent
LIGHTHOUSE = BENCH / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"
PAGES = {
    "today": ("Today", "/"),
    "charts": ("charts, 1 year", "/?range=1y"),
    "checkin": ("check-in form", "/checkins/new"),
    "share": ("share view", None),  # the share link's own URL, made after sign-in
}
PRESETS = ("mobile", "desktop")
ATTEMPTS = 3


def install_lighthouse() -> None:
    """Install the pinned Lighthouse into bench/node_modules unless it is there."""
    if not LIGHTHOUSE.exists():
        subprocess.run(["npm", "ci", "--prefix", str(BENCH), "--no-audit", "--no-fund"], check=True)


def lighthouse_version() -> str:
    """Return the installed Lighthouse's version."""
    package = BENCH / "node_modules" / "lighthouse" / "package.json"
    return json.loads(package.read_text())["version"]


def flask(args: list[str], env: dict) -> None:
    """Run one `flask --app journal` command against the benchmark instance."""
    command = [str(Path(sys.executable).with_name("flask")), "--app", "journal", *args]
    done = subprocess.run(command, env=env, cwd=httpbench.ROOT, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"flask {' '.join(args[:2])} failed:\n{done.stderr}")


def request(method: str, path: str, cookie: str, body=None, token=None):
    """Send one request with the session cookie; return (status, headers, body)."""
    headers = {"Cookie": cookie}
    if body is not None:
        headers |= {"Content-Type": "application/json", "X-CSRFToken": token}
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
    connection.request(method, path, json.dumps(body) if body is not None else None, headers)
    response = connection.getresponse()
    return response.status, response.headers, response.read()


def page_urls(cookie: str, token: str, wanted: list[str]) -> dict:
    """Return the URL of each wanted page: redirects followed, the share link made."""
    urls = {}
    for key in wanted:
        path = PAGES[key][1]
        if path is None:
            status, _headers, body = request("POST", "/api/v1/shares", cookie, {}, token)
            if status != 201:
                raise RuntimeError(f"share link: {status} {body[:200]!r}")
            urls[key] = json.loads(body)["url"]
            continue
        # "Check in" sends a person who has checked in today on to the edit form: measure that.
        status, headers, _body = request("GET", path, cookie)
        if status in (301, 302, 303):
            path = headers["Location"]
        if status >= 400 or "login" in path:
            raise RuntimeError(f"{PAGES[key][1]} answered {status} ({path}): not signed in?")
        urls[key] = path if path.startswith("http") else f"http://127.0.0.1:{PORT}{path}"
    return urls


def lighthouse(url: str, preset: str, cookie: str, folder: str) -> dict:
    """Run Lighthouse once and return its JSON report."""
    output = Path(folder) / "report.json"
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={output}",
        "--only-categories=performance,accessibility",
        f"--chrome-flags={CHROME_FLAGS}",
        f"--extra-headers={json.dumps({'Cookie': cookie})}",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")  # mobile is Lighthouse's default
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    for attempt in range(1, ATTEMPTS + 1):
        output.unlink(missing_ok=True)
        done = subprocess.run(command, env=env, timeout=300)
        report = json.loads(output.read_text()) if output.exists() else {}
        if done.returncode == 0 and report and not report.get("runtimeError"):
            return report
        # On a busy machine Chromium now and then loses the trace (NO_NAVSTART): run it again.
        print(f"  {url} ({preset}): run failed, attempt {attempt} of {ATTEMPTS}", flush=True)
    raise RuntimeError(f"Lighthouse failed {ATTEMPTS} times on {url} ({preset})")


def measure(args, urls: dict, cookie: str, folder: str) -> list:
    """Run every page and preset --runs times; return table rows."""
    rows = []
    for key in args.pages:
        for preset in args.presets:
            runs, loads = [], []
            for _ in range(args.runs):
                loads.append(os.getloadavg()[0])
                runs.append(
                    lighthouse_table.run_numbers(lighthouse(urls[key], preset, cookie, folder))
                )
            rows.append((PAGES[key][0], preset, runs, loads))
            print(
                lighthouse_table.table_row(
                    PAGES[key][0], preset, lighthouse_table.median_numbers(runs), loads
                ),
                flush=True,
            )
    return rows


def main() -> None:
    """Install Lighthouse, prepare and serve the demo account, measure, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--years", type=float, default=1)
    parser.add_argument("--presets", default=",".join(PRESETS))
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--json", help="also write every run's numbers to this file")
    args = parser.parse_args()
    args.presets = [p for p in args.presets.split(",") if p in PRESETS]
    args.pages = [p for p in args.pages.split(",") if p in PAGES]
    install_lighthouse()
    # Stopped from outside (timeout, Ctrl-C): still stop the server in `finally`.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder) / "instance"
        env = {
            **os.environ,
            "JOURNAL_INSTANCE_PATH": str(instance),
            "DATABASE_URL": f"sqlite:///{instance}/journal.sqlite",
            "SECRET_KEY": SECRET,
        }
        instance.mkdir()
        flask(["db", "upgrade"], env)
        flask(
            ["demo-data", "--email", EMAIL, "--password", PASSWORD, "--years", str(args.years)], env
        )
        server_env = {k: env[k] for k in ("JOURNAL_INSTANCE_PATH", "DATABASE_URL", "SECRET_KEY")}
        server = httpbench.serve("journal:create_app()", PORT, server_env, folder)
        try:
            cookie, token = httpbench.sign_in(PORT, EMAIL, PASSWORD)
            urls = page_urls(cookie, token, args.pages)
            before = os.getloadavg()[0]
            print(
                f"Lighthouse {lighthouse_version()}, {args.runs} runs each; load {before:.2f}",
                flush=True,
            )
            rows = measure(args, urls, cookie, folder)
            after = os.getloadavg()[0]
        finally:
            httpbench.stop(server)
    print(
        f"\n{args.years:g}-year demo account, medians of {args.runs} runs; "
        f"1-minute load average {before:.2f} before, {after:.2f} after, on {os.cpu_count()} cores\n"
    )
    print(lighthouse_table.markdown_table(rows))
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                [{"page": p, "preset": s, "runs": r, "loads": lo} for p, s, r, lo in rows], indent=1
            )
        )


if __name__ == "__main__":
    main()
