"""A real gunicorn server for tests that need real processes: start it, talk to it, sign in."""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """Return a loopback port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(port: int, method: str, path: str, body=None, headers=None):
    """Send one request on its own connection; return (status, headers, parsed body or None)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        payload = json.dumps(body) if body is not None else None
        connection.request(method, path, payload, headers or {})
        response = connection.getresponse()
        raw = response.read()
    finally:
        # Also when the server is killed mid-request: an unclosed socket is a ResourceWarning,
        # which the suite turns into an error at the end of the session.
        connection.close()
    return response.status, response, (json.loads(raw) if raw else None)


def sign_in(port: int, email: str) -> dict:
    """Sign in through the API; return the headers every write sends (cookie and CSRF token)."""
    _, response, data = request(port, "GET", "/api/v1/csrf")
    headers = {"Content-Type": "application/json", "X-CSRFToken": data["csrf_token"]}
    headers["Cookie"] = response.getheader("Set-Cookie").split(";", 1)[0]
    credentials = {"email": email, "password": PASSWORD}
    status, response, data = request(port, "POST", "/api/v1/auth/login", credentials, headers)
    assert status == 200, data
    headers["Cookie"] = response.getheader("Set-Cookie").split(";", 1)[0]
    headers["X-CSRFToken"] = data["csrf_token"]
    return headers


def launch(env: dict, folder: Path, **output) -> subprocess.Popen:
    """Start gunicorn with the repository's config and env, in its own process group."""
    program = str(Path(sys.executable).with_name("gunicorn"))
    return subprocess.Popen(
        [program, "-c", str(ROOT / "gunicorn.conf.py"), "journal:create_app()"],
        env={**env, "PYTHONPATH": str(ROOT)},
        cwd=folder,
        start_new_session=True,
        **(output or {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}),
    )


def start_gunicorn(env: dict, folder: Path, port: int, seconds: float = 60) -> subprocess.Popen:
    """Start gunicorn listening on port and wait until /healthz answers 200."""
    process = launch({**env, "JOURNAL_BIND": f"127.0.0.1:{port}"}, folder)
    deadline = time.monotonic() + seconds  # a worker may take 40 s to boot on a busy machine
    while time.monotonic() < deadline:
        try:
            if request(port, "GET", "/healthz")[0] == 200:
                return process
        except OSError:
            pass
        time.sleep(0.1)
    stop(process)
    pytest.fail("gunicorn did not start")


def stop(process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    """Signal the server's whole process group and wait for it."""
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass
    process.wait()
