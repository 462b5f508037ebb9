"""Key files generated into the instance folder: one winner when workers start at once."""

import secrets
import threading

from journal.config import instance_file


def test_workers_starting_together_all_read_the_one_key(tmp_path):
    """Twelve threads generate at once: every one reads the same complete, owner-only file."""
    start = threading.Barrier(12)
    seen = []

    def worker():
        start.wait()
        seen.append(instance_file(str(tmp_path), "master_key", lambda: secrets.token_bytes(32)))

    threads = [threading.Thread(target=worker) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 12 and len(set(seen)) == 1 and len(seen[0]) == 32
    assert [p.name for p in tmp_path.iterdir()] == ["master_key"]  # no temporary file left
    assert (tmp_path / "master_key").stat().st_mode & 0o077 == 0


def test_an_existing_key_is_never_replaced(tmp_path):
    """A second run reads the file; the generator is not called."""
    (tmp_path / "secret_key").write_bytes(b"kept")
    assert instance_file(str(tmp_path), "secret_key", lambda: b"new") == b"kept"
