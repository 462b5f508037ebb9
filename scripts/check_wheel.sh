#!/usr/bin/env bash
# Wheel smoke check: build the wheel, install it with the hashed runtime lock in a fresh venv
# outside the checkout, migrate a new SQLite database, serve it with gunicorn.conf.py and fetch
# a health check, a page, its CSS and the gzipped plotly bundle. Any failure exits non-zero.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
build_python="${BUILD_PYTHON:-$repo/.venv/bin/python}"
work="$(mktemp -d)"
venv="$work/venv"
gunicorn_pid=""

cleanup() {
  if [ -n "$gunicorn_pid" ] && kill -0 "$gunicorn_pid" 2>/dev/null; then
    kill "$gunicorn_pid"
    wait "$gunicorn_pid" || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "wheel check FAILED: $*" >&2
  if [ -f "$work/gunicorn.log" ]; then
    echo "--- gunicorn log ---" >&2
    cat "$work/gunicorn.log" >&2
  fi
  exit 1
}

# Built without isolation from the dev venv, so the backend is the hashed one in the dev lock.
[ -x "$build_python" ] || fail "no $build_python; run 'make dev-deps' first"
"$build_python" -m build --wheel --no-isolation --outdir "$work/dist" "$repo" >/dev/null
wheel="$(ls "$work"/dist/*.whl)"
echo "built $(basename "$wheel") ($(du -k "$wheel" | cut -f1) kB)"

# The same install a newcomer's `make run` does: a venv with the machine's bundled pip, the pinned
# pip bootstrapped from requirements-pip.lock, then the runtime lock with nothing resolved.
python3 -m venv "$venv"
"$repo/scripts/install-locked.sh" "$venv/bin/python" "$repo/requirements.lock"
"$venv/bin/pip" install --quiet --no-deps "$wheel"
"$venv/bin/pip" check

# Everything from here runs outside the checkout, so only the installed package can be found.
cd "$work"
static="$("$venv/bin/python" -c 'from journal import paths; print(paths.STATIC)')"
case "$static" in
  "$venv"/*) echo "static files from the wheel: $static" ;;
  *) fail "journal.paths.STATIC is $static, not inside the venv" ;;
esac

# Flask's default instance folder for an installed package is <prefix>/var/journal-instance.
export DATABASE_URL="sqlite:///$work/smoke.sqlite"
"$venv/bin/flask" --app journal db upgrade
[ -s "$venv/var/journal-instance/secret_key" ] || fail "no secret key in the default instance"
export JOURNAL_INSTANCE_PATH="$work/instance"
current="$("$venv/bin/mood-journal" db current 2>/dev/null)"
case "$current" in
  *"(head)"*) echo "mood-journal db current: $current" ;;
  *) fail "mood-journal db current is not at head: $current" ;;
esac
[ -s "$work/instance/secret_key" ] || fail "JOURNAL_INSTANCE_PATH was not used"

port="$("$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
JOURNAL_BIND="127.0.0.1:$port" WEB_CONCURRENCY=2 "$venv/bin/gunicorn" -c "$repo/gunicorn.conf.py" \
  --control-socket "$work/gunicorn.ctl" >"$work/gunicorn.log" 2>&1 &
gunicorn_pid=$!

"$venv/bin/python" - "http://127.0.0.1:$port" "$gunicorn_pid" <<'PY' || fail "a request failed"
import os
import sys
import time
import urllib.request

base, pid = sys.argv[1], int(sys.argv[2])


def fetch(path, **headers):
    """Return (status, headers, body) of one GET."""
    request = urllib.request.Request(base + path, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.headers, response.read()


deadline = time.monotonic() + 60
while True:
    try:
        status, headers, body = fetch("/healthz")
        break
    except OSError:
        os.kill(pid, 0)  # gunicorn died: ProcessLookupError ends the check
        if time.monotonic() > deadline:
            raise
        time.sleep(0.5)
checks = [
    ("/healthz", {}, "application/json", b""),
    ("/auth/login", {}, "text/html", b"<form"),
    ("/static/css/app.css", {}, "text/css", b"{"),
    ("/static/js/vendor/plotly-cartesian.min.js", {"Accept-Encoding": "gzip"}, "javascript", b""),
]
for path, request_headers, content_type, snippet in checks:
    status, headers, body = fetch(path, **request_headers)
    assert status == 200, (path, status)
    assert content_type in headers["Content-Type"], (path, headers["Content-Type"])
    assert snippet in body and body, (path, body[:200])
    print(f"GET {path}: {status} {headers['Content-Type']} {len(body)} bytes")
assert headers["Content-Encoding"] == "gzip", "plotly bundle not served from its .gz"
PY

# Each worker starts its own chart browser after the fork (post_worker_init).
if command -v chromium >/dev/null 2>&1; then
  for _ in $(seq 60); do
    [ "$(grep -c "Chart browser ready" "$work/gunicorn.log")" -ge 2 ] && break
    sleep 1
  done
  [ "$(grep -c "Chart browser ready" "$work/gunicorn.log")" -ge 2 ] \
    || fail "the workers did not start their chart browsers"
  echo "chart browser ready in both workers"
else
  echo "no chromium: chart browser start not checked"
fi

kill "$gunicorn_pid"
wait "$gunicorn_pid" || fail "gunicorn did not stop cleanly"
gunicorn_pid=""
echo "wheel check passed: $(basename "$wheel") installed, migrated, served by gunicorn"
