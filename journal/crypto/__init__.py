"""Encryption at rest of a person's free text: AES-GCM with a data key per user.

Each user has a data key (`user_keys`), stored only wrapped (AES-GCM) by a master key that lives
outside the database: `JOURNAL_MASTER_KEY` in the environment, or `instance/master_key`
(generated 0600 on first use while no data key exists). Either holds one or more base64url keys,
comma- or line-separated; the first wraps new data keys, the others only unwrap, so a new master
key can be rolled in while old wrappings are still read (`flask rotate-keys`, rotation.py).

A stored value is `enc1:<key id>:<base64url(nonce | ciphertext)>`. The key id names the data key,
so values under old and new keys are read side by side while a rotation runs. The associated data
is the value's identity (table, column, user id and the row's stable id), so a ciphertext copied
to another row, column or user fails authentication instead of showing there.

Master keys that cannot open the stored data keys stop the app from serving (health.py) rather
than showing every note as undecryptable. This protects a stolen database file or backup. It
does not protect against a compromised running server, which holds the master key. Losing the
master key loses the data.

cipher.py is the stored form, masters.py the master keys, keyring.py the data keys, values.py the
model attributes and session hooks, health.py the key check, rotation.py `flask rotate-keys`.
"""

import secrets  # noqa: F401 (the encrypt_free_text migration uses crypto.secrets)
from datetime import UTC, datetime  # noqa: F401 (and crypto.datetime, crypto.UTC)

from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: F401 (and crypto.AESGCM)
from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db
from . import health
from .cipher import (
    NONCE_BYTES,
    PENDING,
    PREFIX,
    UNREADABLE,
    MasterKeyUnavailable,
    Undecryptable,
    b64,
    identity_aad,
    key_id_of,
    open_sealed,
    seal,
    unb64,
    wrap_aad,
)
from .keyring import Keyring, UserKey, keyring
from .masters import (
    MasterKeyError,
    MasterKeySource,
    add_master_key,
    instance_master_keys,
    load_master_keys,
    master_id,
    new_master_key,
    parse_master_keys,
)
from .rotation import reseal_user, rotate, rotate_keys
from .values import (
    Encrypted,
    decrypt_on_load,
    encrypt_pending,
    encrypted_models,
    owner_column,
)

__all__ = [
    "NONCE_BYTES",
    "PENDING",
    "PREFIX",
    "UNREADABLE",
    "Encrypted",
    "Keyring",
    "MasterKeyError",
    "MasterKeySource",
    "MasterKeyUnavailable",
    "Undecryptable",
    "UserKey",
    "add_master_key",
    "b64",
    "decrypt_on_load",
    "encrypt_pending",
    "encrypted_models",
    "identity_aad",
    "init_app",
    "instance_master_keys",
    "key_id_of",
    "keyring",
    "load_master_keys",
    "master_id",
    "new_master_key",
    "open_sealed",
    "owner_column",
    "parse_master_keys",
    "reseal_user",
    "rotate",
    "rotate_keys",
    "seal",
    "unb64",
    "verify",
    "wrap_aad",
]

verify = health.verify


def init_app(app: Flask) -> None:
    """Name the master keys (read at first use), check them before serving, seal at flush."""
    source = MasterKeySource(app.config.get("JOURNAL_MASTER_KEY"), app.instance_path)
    app.extensions["journal_keyring"] = Keyring(source)
    health.init_app(app)
    app.cli.add_command(rotate_keys)
    if not event.contains(Session, "before_flush", encrypt_pending):
        event.listen(Session, "before_flush", encrypt_pending)
        event.listen(db.Model, "load", decrypt_on_load, propagate=True)
        event.listen(db.Model, "refresh", decrypt_on_load, propagate=True)
