"""Model attributes whose columns hold ciphertext, and the session hooks that seal and open them."""

import json
import logging
import uuid

from sqlalchemy.orm import Session

from ..extensions import db
from .cipher import PENDING, UNREADABLE, MasterKeyUnavailable, Undecryptable, open_sealed, seal
from .keyring import Keyring, keyring

log = logging.getLogger("journal.crypto")


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
        except MasterKeyUnavailable:
            raise  # a setup fault for every row alike: a 503 (journal.crypto), not placeholders
        except Undecryptable as exc:
            log.error("cannot decrypt %s.%s of row %s: %s", table, self.name, row_id, exc)
            return self.unreadable

    def __set__(self, obj, value):
        # An empty list reads back as `empty` from NULL: nothing to seal, no data key to load.
        if value is None or (self.empty is not None and value == self.blank()):
            setattr(obj, self.column, None)
            obj.__dict__[self.cache] = (None, self.blank())  # as it reads back from the row
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
