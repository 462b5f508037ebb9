"""Password hashing off the request threads: a small, low-priority pool per worker process.

A sign-in spends most of its time in argon2 (tens of milliseconds of one core; argon2-cffi
releases the GIL while it hashes). Hashing runs on at most JOURNAL_HASH_CONCURRENCY threads per
process, each HASH_NICE steps nicer than the worker (on Linux nice is per thread): when 50 people
sign in at once the hashes queue here, and the other requests of the same worker (gthread) and
of every other worker get the CPU first. The OWASP cost is unchanged; only who waits changes.
"""

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

HASH_NICE = 10
Result = TypeVar("Result")


def lower_priority() -> None:
    """Run the calling thread HASH_NICE steps nicer (a pool thread's initializer)."""
    thread = threading.get_native_id()
    # Relative, capped at 19: only root may lower a nice value, so never ask for less.
    nice = min(19, os.getpriority(os.PRIO_PROCESS, thread) + HASH_NICE)
    os.setpriority(os.PRIO_PROCESS, thread, nice)


class HashPool:
    """One executor of `size` niced threads per process, made on first use after any fork."""

    def __init__(self):
        self._lock = threading.Lock()
        self._executors: dict[tuple[int, int], ThreadPoolExecutor] = {}

    def executor(self, size: int) -> ThreadPoolExecutor:
        """Return this process's executor of `size` threads."""
        # Keyed by pid: a forked gunicorn worker has none of its parent's threads.
        key = (os.getpid(), size)
        with self._lock:
            if key not in self._executors:
                self._executors[key] = ThreadPoolExecutor(
                    size, thread_name_prefix="password-hash", initializer=lower_priority
                )
            return self._executors[key]

    def run(self, size: int, work: Callable[..., Result], *args) -> Result:
        """Run work(*args) on the pool and wait for its result (exceptions come back too)."""
        return self.executor(size).submit(work, *args).result()


POOL = HashPool()
