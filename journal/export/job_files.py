"""A finished job's file: sealed with the owner's data key, kept 0600 under instance/exports/.

The file is AES-GCM under the person's data key (journal.crypto), bound to the job's id and
owner, so a copied file opens for nobody else and deleting the account (its user_keys rows)
leaves any file that was missed unreadable.
"""

import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app

from .. import crypto
from ..extensions import db

MAGIC = b"mjx1"
KEY_ID_BYTES = 16  # journal.crypto's key ids are 16 hex digits


def folder() -> Path:
    """Return JOURNAL_EXPORT_DIR (default instance/exports/), made owner-only on first use."""
    configured = current_app.config.get("JOURNAL_EXPORT_DIR")
    path = Path(configured) if configured else Path(current_app.instance_path) / "exports"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def path_of(job_id: str) -> Path:
    """Return where a job's file lives (the id is hex, so it is a safe file name)."""
    return folder() / f"{job_id}.bin"


def aad(user_id: int, job_id: str) -> bytes:
    """Bind a file to its owner and job."""
    return f"export_jobs|file|{user_id}|{job_id}".encode()


def write(user_id: int, job_id: str, body: bytes) -> Path:
    """Seal a job's file into a 0600 draft of this process; return the draft to publish."""
    key_id, data_key = crypto.keyring().active_key(db.session, user_id)
    nonce = secrets.token_bytes(crypto.NONCE_BYTES)
    sealed = AESGCM(data_key).encrypt(nonce, body, aad(user_id, job_id))
    partial = path_of(job_id).with_suffix(f".{os.getpid()}.part")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(MAGIC + key_id.encode("ascii") + nonce + sealed)
    return partial


def publish(draft: Path, job_id: str) -> None:
    """Put a draft in the job's place whole (a rename: a reader never sees half a file)."""
    os.replace(draft, path_of(job_id))


def read(user_id: int, job_id: str) -> bytes:
    """Open a job's file; raise crypto.Undecryptable if it is missing, altered or its key gone."""
    try:
        raw = path_of(job_id).read_bytes()
    except FileNotFoundError:
        raise crypto.Undecryptable(f"export file {job_id} is missing") from None
    if not raw.startswith(MAGIC):
        raise crypto.Undecryptable(f"export file {job_id} is not sealed")
    key_id = raw[len(MAGIC) : len(MAGIC) + KEY_ID_BYTES].decode("ascii", "replace")
    rest = raw[len(MAGIC) + KEY_ID_BYTES :]
    data_key = crypto.keyring().data_key(db.session, key_id)
    nonce, sealed = rest[: crypto.NONCE_BYTES], rest[crypto.NONCE_BYTES :]
    try:
        return AESGCM(data_key).decrypt(nonce, sealed, aad(user_id, job_id))
    except (InvalidTag, ValueError):
        raise crypto.Undecryptable(f"export file {job_id} failed authentication") from None


def remove(job_id: str) -> None:
    """Delete a job's file if it is there."""
    path_of(job_id).unlink(missing_ok=True)


def stored_ids() -> set[str]:
    """Return the job ids that have a file (finished ones; partial writes are skipped)."""
    return {path.stem for path in folder().glob("*.bin")}
