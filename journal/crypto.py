"""Encryption at rest of a person's free text: AES-GCM with a data key per user.

Each user has a data key (`user_keys`), stored only wrapped (AES-GCM) by a master key that lives
outside the database: `JOURNAL_MASTER_KEY` in the environment, or `instance/master_key`
(generated 0600 on first run, like the secret key). Either holds one or more base64url keys,
comma- or line-separated; the first wraps new data keys, the others only unwrap, so a new master
key can be rolled in while old wrappings are still read (`flask rotate-keys` rewraps them).

A stored value is `enc1:<key id>:<base64url(nonce | ciphertext)>`. The key id names the data key,
so values under old and new keys are read side by side while a rotation runs. The associated data
is the value's identity (table, column, user id and the row's stable id), so a ciphertext copied
to another row, column or user fails authentication instead of showing there.

This protects a stolen database file or backup. It does not protect against a compromised
running server, which holds the master key. Losing the master key loses the data.
"""

import base64
import hashlib
import json
import logging
import secrets
import uuid
from datetime import UTC, datetime
from pathlib import Path

import click
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import Flask, current_app, g
from flask.cli import with_appcontext
from sqlalchemy import ForeignKey, String, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .config import instance_file
from .extensions import db

log = logging.getLogger(__name__)

PREFIX = "enc1"
NONCE_BYTES = 12
UNREADABLE = "[This text could not be decrypted. It may have been altered, or its key is lost.]"
# A value set but not yet encrypted: the column holds this marker until the flush encrypts it.
PENDING = "pending-encryption:"


class Undecryptable(Exception):
    """A stored value failed authentication, or its key is missing."""


def b64(data: bytes) -> str:
    """Encode bytes as unpadded base64url."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64(text: str) -> bytes:
    """Decode unpadded base64url."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


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
    return instance_file(instance_path, "master_key", lambda: new_master_key().encode()).decode()


class UserKey(db.Model):
    """A user's data key, wrapped by a master key; retired keys still decrypt until re-encrypted."""

    __tablename__ = "user_keys"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    master_id: Mapped[str] = mapped_column(String(16))
    wrapped: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(
        db.DateTime(timezone=True), default=lambda: datetime.now(UTC)
    )
    # Only one key of a user is unretired: the one new values are sealed with.
    retired: Mapped[bool] = mapped_column(default=False)


def wrap_aad(user_id: int, key_id: str) -> bytes:
    """Bind a wrapped data key to its user and id."""
    return f"user_keys|{user_id}|{key_id}".encode()


class Keyring:
    """The master keys of one app and the data keys it has unwrapped."""

    def __init__(self, master_keys: list[bytes]):
        self.masters = {master_id(key): key for key in master_keys}
        self.current = master_id(master_keys[0])
        # Data keys by key id; ids are random and never reused, so a cached key is never stale.
        self.data_keys: dict[str, bytes] = {}

    def wrap(self, user_id: int, key_id: str, data_key: bytes) -> tuple[str, str]:
        """Wrap a data key with the current master key; return (master id, wrapped)."""
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = AESGCM(self.masters[self.current]).encrypt(
            nonce, data_key, wrap_aad(user_id, key_id)
        )
        return self.current, b64(nonce + sealed)

    def unwrap(self, row: UserKey) -> bytes:
        """Unwrap a stored data key (with whichever master key wrapped it)."""
        master = self.masters.get(row.master_id)
        if master is None:
            raise Undecryptable(f"master key {row.master_id} is not configured")
        raw = unb64(row.wrapped)
        try:
            return AESGCM(master).decrypt(
                raw[:NONCE_BYTES], raw[NONCE_BYTES:], wrap_aad(row.user_id, row.id)
            )
        except InvalidTag:
            raise Undecryptable(f"data key {row.id} failed authentication") from None

    def new_user_key(self, session: Session, user_id: int) -> tuple[str, bytes]:
        """Create, store (wrapped) and return a new active data key for a user."""
        key_id = secrets.token_hex(8)
        data_key = AESGCM.generate_key(bit_length=256)
        master, wrapped = self.wrap(user_id, key_id, data_key)
        session.add(UserKey(id=key_id, user_id=user_id, master_id=master, wrapped=wrapped))
        self.data_keys[key_id] = data_key
        return key_id, data_key

    def active_key(self, session: Session, user_id: int) -> tuple[str, bytes]:
        """Return the user's newest unretired data key, creating one on first use."""
        # Cached per request only: a rotation in another process must be seen by the next one.
        cache = g.setdefault("journal_active_keys", {})
        if user_id in cache:
            return cache[user_id]
        with session.no_autoflush:
            row = session.scalars(
                select(UserKey)
                .where(UserKey.user_id == user_id, UserKey.retired.is_(False))
                .limit(1)
            ).first()
        if row is None:
            found = self.new_user_key(session, user_id)
        else:
            found = (row.id, self.data_key(session, row.id))
        cache[user_id] = found
        return found

    def data_key(self, session: Session, key_id: str) -> bytes:
        """Return an unwrapped data key by id."""
        if key_id not in self.data_keys:
            with session.no_autoflush:
                row = session.get(UserKey, key_id)
            if row is None:
                raise Undecryptable(f"data key {key_id} does not exist")
            self.data_keys[key_id] = self.unwrap(row)
        return self.data_keys[key_id]


def seal(key_id: str, data_key: bytes, plaintext: str, aad: bytes) -> str:
    """Encrypt text under a data key, bound to `aad`; return the stored form."""
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(data_key).encrypt(nonce, plaintext.encode("utf-8"), aad)
    return f"{PREFIX}:{key_id}:{b64(nonce + sealed)}"


def key_id_of(stored: str) -> str | None:
    """Return the key id of a stored value, or None for a value that is not encrypted."""
    parts = stored.split(":", 2)
    return parts[1] if len(parts) == 3 and parts[0] == PREFIX else None


def open_sealed(keyring: Keyring, session: Session, stored: str, aad: bytes) -> str:
    """Decrypt a stored value, or raise Undecryptable."""
    key_id = key_id_of(stored)
    if key_id is None:
        raise Undecryptable("value is not in the encrypted format")
    raw = unb64(stored.split(":", 2)[2])
    try:
        data = AESGCM(keyring.data_key(session, key_id)).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad
        )
    except (InvalidTag, ValueError):
        raise Undecryptable(f"value under key {key_id} failed authentication") from None
    return data.decode("utf-8")


def keyring() -> Keyring:
    """Return the current app's keyring."""
    return current_app.extensions["journal_keyring"]


class Encrypted:
    """A model attribute whose column holds ciphertext; reads and writes give plaintext.

    `column` is the mapped attribute that holds the stored form. Writes keep the plaintext and
    put a marker in the column (so the row is dirty); `encrypt_pending` seals it at flush, when
    the row's identity (user id, client id) is known. A value that cannot be decrypted reads as a
    placeholder (logged), never an exception: one damaged row must not take a page down.
    """

    def __init__(self, column: str, json_value: bool = False, unreadable=UNREADABLE, empty=None):
        self.column = column
        self.json_value = json_value
        self.unreadable = unreadable
        # What a value never set reads as (tags: an empty list).
        self.empty = empty

    def __set_name__(self, owner, name):
        self.name = name
        self.cache = f"_plain_{name}"
        owner.__encrypted__ = {**getattr(owner, "__encrypted__", {}), name: self}

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        stored = getattr(obj, self.column)
        cached = obj.__dict__.get(self.cache)
        if cached is not None and cached[0] == stored:
            return cached[1]
        if stored is None:
            return self.blank()
        value = self.open(stored, obj.encryption_aad(self.name), obj.__tablename__, obj.id)
        obj.__dict__[self.cache] = (stored, value)
        return value

    def blank(self):
        """Return what a value never set reads as."""
        return self.empty() if callable(self.empty) else self.empty

    def open(self, stored: str | None, aad: bytes, table: str, row_id: object):
        """Return the plaintext of a stored value, read from a row or a column select."""
        if stored is None:
            return self.blank()
        try:
            text = open_sealed(keyring(), db.session, stored, aad)
            return json.loads(text) if self.json_value else text
        except Undecryptable as exc:
            log.error("cannot decrypt %s.%s of row %s: %s", table, self.name, row_id, exc)
            return self.unreadable

    def __set__(self, obj, value):
        if value is None:
            setattr(obj, self.column, None)
            obj.__dict__[self.cache] = (None, None)
            return
        marker = PENDING + uuid.uuid4().hex
        setattr(obj, self.column, marker)
        obj.__dict__[self.cache] = (marker, value)

    def seal_pending(self, obj, ring: Keyring, session: Session) -> None:
        """Encrypt a value written since the last flush."""
        stored = getattr(obj, self.column)
        if not (isinstance(stored, str) and stored.startswith(PENDING)):
            return
        value = obj.__dict__[self.cache][1]
        text = json.dumps(value, ensure_ascii=False) if self.json_value else value
        if obj.user_id is None:
            raise RuntimeError("an encrypted value needs its row's user_id before the flush")
        key_id, data_key = ring.active_key(session, obj.user_id)
        sealed = seal(key_id, data_key, text, obj.encryption_aad(self.name))
        setattr(obj, self.column, sealed)
        obj.__dict__[self.cache] = (sealed, value)


def identity_aad(table: str, column: str, user_id: int, row_id: object) -> bytes:
    """Return the associated data that binds a value to its place."""
    return f"{table}|{column}|{user_id}|{row_id}".encode()


def encrypt_pending(session: Session, _context, _instances) -> None:
    """Seal every value written since the last flush (a before_flush hook)."""
    if not session.new and not session.dirty:
        return
    ring = None
    for obj in list(session.new) + list(session.dirty):
        fields = getattr(type(obj), "__encrypted__", None)
        if not fields:
            continue
        ring = ring or keyring()
        for descriptor in fields.values():
            descriptor.seal_pending(obj, ring, session)


def decrypt_on_load(target, *_args) -> None:
    """Decrypt a row's values as it loads (a load/refresh hook), so a detached row still reads."""
    for descriptor in getattr(type(target), "__encrypted__", {}).values():
        descriptor.__get__(target, type(target))


def load_master_keys(app: Flask) -> list[bytes]:
    """Return the app's master keys: the setting or environment, else the instance file."""
    configured = app.config.get("JOURNAL_MASTER_KEY")
    return parse_master_keys(configured or instance_master_keys(app.instance_path))


def init_app(app: Flask) -> None:
    """Load the master keys and seal pending values at every flush."""
    app.extensions["journal_keyring"] = Keyring(load_master_keys(app))
    app.cli.add_command(rotate_keys)
    if not event.contains(Session, "before_flush", encrypt_pending):
        event.listen(Session, "before_flush", encrypt_pending)
        event.listen(db.Model, "load", decrypt_on_load, propagate=True)
        event.listen(db.Model, "refresh", decrypt_on_load, propagate=True)


def encrypted_models() -> list[type]:
    """Return every model with encrypted attributes."""
    return [
        mapper.class_
        for mapper in db.Model.registry.mappers
        if getattr(mapper.class_, "__encrypted__", None)
    ]


def owner_column(model: type):
    """Return the column that names a model's owner (a user's own id for users)."""
    return model.id if model.__tablename__ == "users" else model.user_id


def reseal_user(session: Session, ring: Keyring, user_id: int) -> tuple[int, int]:
    """Give a user a new data key and re-encrypt their values; return (values, unreadable)."""
    old = list(session.scalars(select(UserKey).where(UserKey.user_id == user_id)))
    for row in old:
        row.retired = True
    g.setdefault("journal_active_keys", {})[user_id] = ring.new_user_key(session, user_id)
    resealed = unreadable = 0
    for model in encrypted_models():
        for obj in session.scalars(select(model).where(owner_column(model) == user_id)):
            for name, descriptor in model.__encrypted__.items():
                stored = getattr(obj, descriptor.column)
                if stored is None:
                    continue
                try:
                    text = open_sealed(ring, session, stored, obj.encryption_aad(name))
                except Undecryptable:
                    unreadable += 1  # left as it is: its old key stays, in case it comes back
                    continue
                setattr(obj, name, json.loads(text) if descriptor.json_value else text)
                resealed += 1
    session.flush()
    if not unreadable:
        for row in old:
            session.delete(row)
    return resealed, unreadable


def rotate(session: Session, ring: Keyring, data_keys: bool) -> dict:
    """Rewrap every data key with the current master key; with `data_keys`, replace them too."""
    counts = {"rewrapped": 0, "users": 0, "resealed": 0, "unreadable": 0}
    for row in session.scalars(select(UserKey)):
        if row.master_id != ring.current:
            data_key = ring.unwrap(row)
            row.master_id, row.wrapped = ring.wrap(row.user_id, row.id, data_key)
            counts["rewrapped"] += 1
    session.flush()
    if data_keys:
        users = session.scalars(select(UserKey.user_id).distinct()).all()
        for user_id in users:
            resealed, unreadable = reseal_user(session, ring, user_id)
            counts["users"] += 1
            counts["resealed"] += resealed
            counts["unreadable"] += unreadable
    return counts


def add_master_key(instance_path: str) -> None:
    """Put a new master key first in instance/master_key, keeping the old ones to unwrap."""
    path = Path(instance_path) / "master_key"
    old = instance_master_keys(instance_path)
    path.write_text(new_master_key() + "\n" + old)


@click.command("rotate-keys")
@click.option(
    "--new-master-key",
    is_flag=True,
    help="Generate a new master key first in instance/master_key (not with JOURNAL_MASTER_KEY).",
)
@click.option("--data-keys", is_flag=True, help="Also give every user a new data key.")
@with_appcontext
def rotate_keys(new_master_key: bool, data_keys: bool) -> None:
    """Rewrap data keys with the first master key (and re-encrypt with new data keys)."""
    app = current_app
    if new_master_key:
        if app.config.get("JOURNAL_MASTER_KEY"):
            raise click.UsageError(
                "JOURNAL_MASTER_KEY is set: put the new key first in it, keep the old one after "
                "a comma, restart, then run rotate-keys."
            )
        add_master_key(app.instance_path)
        app.extensions["journal_keyring"] = Keyring(load_master_keys(app))
    counts = rotate(db.session, keyring(), data_keys)
    db.session.commit()
    click.echo(
        f"Rewrapped {counts['rewrapped']} data keys with master key {keyring().current}."
        + (
            f" New data keys for {counts['users']} users; {counts['resealed']} values "
            f"re-encrypted, {counts['unreadable']} unreadable left as they were."
            if data_keys
            else ""
        )
    )
    click.echo("Old master keys can be removed once every running server has restarted.")
