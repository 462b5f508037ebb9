"""The stored form of an encrypted value: AES-GCM under a data key, bound to the value's place."""

import base64
import secrets
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "enc1"
NONCE_BYTES = 12
UNREADABLE = "[This text could not be decrypted. It may have been altered, or its key is lost.]"
# A value set but not yet encrypted: the column holds this marker until the flush encrypts it.
PENDING = "pending-encryption:"


class Undecryptable(Exception):
    """A stored value failed authentication, or its key is missing."""


class MasterKeyUnavailable(Undecryptable):
    """A data key is wrapped by a master key this server does not have: a setup fault, not data."""


class DataKeys(Protocol):
    """Anything that finds a data key by id (a Keyring)."""

    def data_key(self, session, key_id: str) -> bytes:
        """Return an unwrapped data key by id."""


def b64(data: bytes) -> str:
    """Encode bytes as unpadded base64url."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64(text: str) -> bytes:
    """Decode unpadded base64url."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def wrap_aad(user_id: int, key_id: str) -> bytes:
    """Bind a wrapped data key to its user and id."""
    return f"user_keys|{user_id}|{key_id}".encode()


def identity_aad(table: str, column: str, user_id: int, row_id: object) -> bytes:
    """Return the associated data that binds a value to its place."""
    return f"{table}|{column}|{user_id}|{row_id}".encode()


def seal(key_id: str, data_key: bytes, plaintext: str, aad: bytes) -> str:
    """Encrypt text under a data key, bound to `aad`; return the stored form."""
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(data_key).encrypt(nonce, plaintext.encode("utf-8"), aad)
    return f"{PREFIX}:{key_id}:{b64(nonce + sealed)}"


def key_id_of(stored: str) -> str | None:
    """Return the key id of a stored value, or None for a value that is not encrypted."""
    parts = stored.split(":", 2)
    return parts[1] if len(parts) == 3 and parts[0] == PREFIX else None


def open_sealed(keys: DataKeys, session, stored: str, aad: bytes) -> str:
    """Decrypt a stored value, or raise Undecryptable."""
    key_id = key_id_of(stored)
    if key_id is None:
        raise Undecryptable("value is not in the encrypted format")
    raw = unb64(stored.split(":", 2)[2])
    try:
        data = AESGCM(keys.data_key(session, key_id)).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad
        )
    except (InvalidTag, ValueError):
        raise Undecryptable(f"value under key {key_id} failed authentication") from None
    return data.decode("utf-8")
