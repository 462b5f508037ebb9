"""What the HTTP benchmarks share: start gunicorn with the repository's config, stop it, sign in."""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def serve(app_module: str, port: int, env: dict, folder: str, args=()) -> subprocess.Popen:
    """Start gunicorn with gunicorn.conf.py and `args` in its own group; wait until it answers."""
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            # Another server (a previous run still stopping?) would answer in our place.
            raise SystemExit(f"port {port} is already in use")
    environment = {
        **os.environ,
        "JOURNAL_WARM_CHARTS": "0",
        **env,
        "JOURNAL_BIND": f"127.0.0.1:{port}",
        "PYTHONPATH": f"{folder}:{ROOT}",
    }
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    process = subprocess.Popen(
        [gunicorn, "-c", str(ROOT / "gunicorn.conf.py"), *args, app_module],
        env=environment,
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(200):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/healthz" if "journal" in app_module else "/bare")
            connection.getresponse().read()
            return process
        except OSError:
            time.sleep(0.1)
    stop(process)
    raise SystemExit(f"gunicorn on port {port} did not start")


def stop(process: subprocess.Popen) -> None:
    """Stop the gunicorn we started (its whole process group)."""
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def sign_in(port: int, email: str, password: str, headers=None) -> tuple[str, str]:
    """Sign in once; return the session cookie and the CSRF token every request reuses."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("GET", "/api/v1/csrf", headers=headers or {})
    response = connection.getresponse()
    token = json.loads(response.read())["csrf_token"]
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    body = json.dumps({"email": email, "password": password})
    headers = {
        **(headers or {}),
        "Content-Type": "application/json",
        "X-CSRFToken": token,
        "Cookie": cookie,
    }
    connection.request("POST", "/api/v1/auth/login", body, headers)
    response = connection.getresponse()
    data = json.loads(response.read())
    if response.status != 200:
        raise RuntimeError(f"sign-in answered {response.status}: {data}")
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    return cookie, data["csrf_token"]
