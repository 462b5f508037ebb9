"""Master keys: where they come from (JOURNAL_MASTER_KEY or instance/master_key) and their ids.

Either source holds one or more base64url keys, comma- or line-separated; the first wraps new data
keys, the others only unwrap. The key file is re-read whenever it is replaced (a stat per wrap,
and per unwrap that meets an unknown master key), so `flask rotate-keys` reaches running servers.
"""

import hashlib
import os
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..config import instance_file
from .cipher import b64, unb64

KEY_FILE = "master_key"


class MasterKeyError(Exception):
    """The configured master keys cannot open the encrypted data: the app must not serve."""


def master_id(key: bytes) -> str:
    """Name a master key without revealing it (the first 16 hex digits of its SHA-256)."""
    return hashlib.sha256(b"journal master key id\0" + key).hexdigest()[:16]


def parse_master_keys(text: str) -> list[bytes]:
    """Read comma- or line-separated base64url keys; each must be 32 bytes (AES-256)."""
    keys = []
    for part in text.replace(",", "\n").split():
        key = unb64(part.strip())
        if len(key) != 32:
            raise ValueError("A master key is 32 random bytes in base64url (43 characters).")
        keys.append(key)
    if not keys:
        raise ValueError("No master key given.")
    return keys


def new_master_key() -> str:
    """Return a new random master key as base64url."""
    return b64(AESGCM.generate_key(bit_length=256))


def instance_master_keys(instance_path: str) -> str:
    """Read the instance's master key file, generating it (0600) on first run."""
    return instance_file(instance_path, KEY_FILE, lambda: new_master_key().encode()).decode()


def load_master_keys(app) -> list[bytes]:
    """Return the app's master keys: the setting or environment, else the instance file."""
    configured = app.config.get("JOURNAL_MASTER_KEY")
    return parse_master_keys(configured or instance_master_keys(app.instance_path))


def write_key_file(path: Path, keys: list[bytes]) -> None:
    """Replace the key file in one step (0600), so no reader ever sees half of it."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    try:
        os.write(fd, "".join(b64(key) + "\n" for key in keys).encode())
        os.fsync(fd)
        os.close(fd)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def add_master_key(instance_path: str) -> None:
    """Put a new master key first in instance/master_key, keeping the old ones to unwrap."""
    old = parse_master_keys(instance_master_keys(instance_path))
    write_key_file(Path(instance_path) / KEY_FILE, [unb64(new_master_key()), *old])


class MasterKeySource:
    """One app's master keys: JOURNAL_MASTER_KEY when set, else the instance key file."""

    def __init__(self, configured: str | None, instance_path: str):
        self.configured = configured or None
        self.path = Path(instance_path) / KEY_FILE

    def stamp(self) -> object:
        """Return what changes when the keys change (the file's inode, time and size)."""
        if self.configured:
            return "setting"
        try:
            found = self.path.stat()
        except FileNotFoundError:
            return None
        return found.st_ino, found.st_mtime_ns, found.st_size

    def read(self) -> list[bytes] | None:
        """Return the keys, or None when neither the setting nor the key file exists."""
        try:
            text = self.configured or self.path.read_text()
        except FileNotFoundError:
            return None
        try:
            return parse_master_keys(text)
        except ValueError as exc:
            problem = f"{self.describe()} is not a valid master key list: {exc}"
            raise MasterKeyError(problem) from None

    def create(self) -> list[bytes]:
        """Generate the key file (0600), unless another worker just did; return its keys."""
        return parse_master_keys(instance_master_keys(str(self.path.parent)))

    def describe(self) -> str:
        """Say where the keys come from, for messages to the operator."""
        if self.configured:
            return f"JOURNAL_MASTER_KEY (set; the key file {self.path} is not read)"
        return f"the key file {self.path} (JOURNAL_MASTER_KEY is not set)"


class StaticKeys:
    """A fixed list of master keys (migrations, and rotation's hold on the old keys)."""

    def __init__(self, keys: list[bytes]):
        self.keys = list(keys)

    def stamp(self) -> object:
        """Never changes."""
        return "static"

    def read(self) -> list[bytes]:
        """Return the keys."""
        return self.keys

    def create(self) -> list[bytes]:
        """Return the keys (there is nothing to generate)."""
        return self.keys

    def describe(self) -> str:
        """Say where the keys come from."""
        return "the master keys given"
