"""The password-hash pool: bounded per process, niced threads, results and errors come back."""

import multiprocessing
import os
import threading
import time

import pytest

from journal.accounts import hashing
from journal.accounts.hashing import HashPool


def nice_of_this_thread() -> int:
    """Return the calling thread's nice value."""
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def test_no_more_than_size_hashes_run_at_once():
    """Twelve callers on a pool of 3: at most 3 run together, and all 12 finish."""
    pool, lock = HashPool(), threading.Lock()
    running, most, done = [0], [0], []

    def work(n):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.02)
        with lock:
            running[0] -= 1
        return n

    callers = [
        threading.Thread(target=lambda n=n: done.append(pool.run(3, work, n))) for n in range(12)
    ]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join(10)
    assert sorted(done) == list(range(12))
    assert most[0] == 3


def test_the_work_runs_on_a_nicer_thread_and_the_caller_keeps_its_priority():
    """The pool thread is HASH_NICE steps nicer (capped at 19); the caller's nice is unchanged."""
    before = nice_of_this_thread()
    thread, nice = HashPool().run(1, lambda: (threading.get_native_id(), nice_of_this_thread()))
    assert thread != threading.get_native_id()
    assert nice == min(19, before + hashing.HASH_NICE)
    assert nice_of_this_thread() == before


def test_an_exception_in_the_work_reaches_the_caller():
    """A failed verification raises in the request thread, as without the pool."""

    def fail():
        raise ValueError("no match")

    with pytest.raises(ValueError, match="no match"):
        HashPool().run(1, fail)


def run_in_child(pool: HashPool, answers) -> None:
    """Use the inherited pool in a forked child and report which process did the work."""
    answers.put(pool.run(1, os.getpid))


def test_a_forked_worker_gets_its_own_threads():
    """gunicorn forks workers: a child must not wait on threads that stayed in the parent."""
    pool = HashPool()
    assert pool.run(1, os.getpid) == os.getpid()
    context = multiprocessing.get_context("fork")
    answers = context.Queue()
    child = context.Process(target=run_in_child, args=(pool, answers))
    child.start()
    try:
        assert answers.get(timeout=10) == child.pid
    finally:
        child.join(10)
        if child.is_alive():
            child.kill()
