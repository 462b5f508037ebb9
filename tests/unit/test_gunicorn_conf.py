"""gunicorn.conf.py: defaults, environment overrides, and only names gunicorn knows."""

import os
import runpy
import types
from pathlib import Path

from gunicorn.config import Config

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"
ENV = (
    "JOURNAL_BIND",
    "WEB_CONCURRENCY",
    "JOURNAL_THREADS",
    "FORWARDED_ALLOW_IPS",
    "JOURNAL_WARM_CHARTS",
)


def load(monkeypatch, **env) -> dict:
    """Return the settings the file defines under exactly this environment."""
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONF))


def worker_class(conf: dict) -> str:
    """Return the worker class gunicorn runs with these settings."""
    config = Config()
    config.set("threads", conf["threads"])
    return config.worker_class_str


def test_defaults_serve_loopback_with_two_threaded_workers_per_core(monkeypatch):
    """Loopback on 8000, 2 x cores + 1 gthread workers of 16 threads, proxies on loopback only."""
    conf = load(monkeypatch)
    assert conf["wsgi_app"] == "journal:create_app()"
    assert conf["bind"] == ["127.0.0.1:8000"]
    assert conf["workers"] == 2 * len(os.sched_getaffinity(0)) + 1
    assert conf["threads"] == 16
    assert worker_class(conf) == "gthread"
    assert conf["forwarded_allow_ips"] == "127.0.0.1,::1"


def test_the_environment_overrides_bind_workers_and_proxies(monkeypatch):
    """JOURNAL_BIND (comma-separated), WEB_CONCURRENCY, JOURNAL_THREADS, FORWARDED_ALLOW_IPS win."""
    conf = load(
        monkeypatch,
        JOURNAL_BIND="0.0.0.0:8000,[::]:8000",
        WEB_CONCURRENCY="3",
        JOURNAL_THREADS="4",
        FORWARDED_ALLOW_IPS="10.0.0.5",
    )
    assert conf["bind"] == ["0.0.0.0:8000", "[::]:8000"]
    assert conf["workers"] == 3
    assert conf["threads"] == 4
    assert worker_class(load(monkeypatch, JOURNAL_THREADS="1")) == "sync"
    assert conf["forwarded_allow_ips"] == "10.0.0.5"


def test_every_setting_is_one_gunicorn_knows(monkeypatch):
    """gunicorn skips unknown names silently, so a misspelt setting would do nothing."""
    known = Config().settings
    conf = load(monkeypatch)
    helpers = {"warm_charts"}
    for name, value in conf.items():
        if name.startswith("_") or isinstance(value, types.ModuleType) or name in helpers:
            continue
        assert name in known, name


def test_warming_can_be_turned_off(monkeypatch):
    """JOURNAL_WARM_CHARTS=0: the worker hook starts no browser thread."""
    conf = load(monkeypatch, JOURNAL_WARM_CHARTS="0")
    started = []
    monkeypatch.setattr("threading.Thread.start", lambda thread: started.append(thread))
    monkeypatch.setattr("gc.freeze", lambda: None)  # not this test process's heap
    conf["post_worker_init"](types.SimpleNamespace())
    assert started == []
    monkeypatch.setenv("JOURNAL_WARM_CHARTS", "1")
    conf["post_worker_init"](types.SimpleNamespace())
    assert [thread.name for thread in started] == ["warm"]


def test_the_worker_freezes_what_it_loaded_before_its_first_request(monkeypatch):
    """post_worker_init collects, then freezes: full collections skip the app's objects."""
    conf = load(monkeypatch, JOURNAL_WARM_CHARTS="0")
    calls = []
    monkeypatch.setattr("gc.collect", lambda: calls.append("collect"))
    monkeypatch.setattr("gc.freeze", lambda: calls.append("freeze"))
    conf["post_worker_init"](types.SimpleNamespace())
    assert calls == ["collect", "freeze"]
