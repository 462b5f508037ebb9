"""Users' data keys (`user_keys`), wrapped by master keys, and the keyring that opens them."""

import secrets
from datetime import UTC, datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app, g
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..extensions import db
from .cipher import NONCE_BYTES, MasterKeyUnavailable, Undecryptable, b64, unb64, wrap_aad
from .masters import MasterKeyError, StaticKeys, master_id


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


def has_data_keys(session: Session | None) -> bool:
    """Say whether any data key is stored (then a missing master key must not be replaced)."""
    if session is None:
        return False
    with session.no_autoflush:
        return session.scalar(select(UserKey.id).limit(1)) is not None


class Keyring:
    """The master keys of one app and the data keys it has unwrapped.

    The master keys are read on first use and again whenever their source changes (a stat of the
    key file), so a rotation by another process reaches this one without a restart.
    """

    def __init__(self, source):
        self.source = StaticKeys(source) if isinstance(source, list) else source
        # (master keys by id, the current id, the source's stamp), swapped whole between threads.
        self.state: tuple[dict[str, bytes], str, object] | None = None
        # Data keys by key id; ids are random and never reused, so a cached key is never stale.
        self.data_keys: dict[str, bytes] = {}
        # Set once the stored data keys are known to open (journal.crypto.health).
        self.verified = False

    def masters(self, session: Session | None = None) -> tuple[dict[str, bytes], str]:
        """Return (master keys by id, current id), re-reading them if their source changed."""
        state, stamp = self.state, self.source.stamp()
        if state is None or state[2] != stamp:
            state = self.load(session, stamp)
        return state[0], state[1]

    def load(self, session: Session | None, stamp: object) -> tuple:
        """Read the master keys; generate the key file only while no data key exists."""
        keys = self.source.read()
        if keys is None:
            if has_data_keys(session):
                raise MasterKeyError(
                    f"No master key: JOURNAL_MASTER_KEY is not set and the key file "
                    f"{self.source.path} is missing, yet this database holds encrypted data. "
                    "A new key would not open it, so none is generated."
                )
            keys = self.source.create()
            stamp = self.source.stamp()
        self.state = ({master_id(key): key for key in keys}, master_id(keys[0]), stamp)
        return self.state

    @property
    def current(self) -> str:
        """Return the id of the master key that wraps new data keys."""
        return self.masters()[1]

    def wrap(self, user_id: int, key_id: str, data_key: bytes, session=None) -> tuple[str, str]:
        """Wrap a data key with the current master key; return (master id, wrapped)."""
        masters, current = self.masters(session)
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = AESGCM(masters[current]).encrypt(nonce, data_key, wrap_aad(user_id, key_id))
        return current, b64(nonce + sealed)

    def master_for(self, wanted: str, session: Session | None) -> bytes:
        """Return a master key by id, re-reading the source once if it is not known yet."""
        state = self.state
        if state is not None and wanted in state[0]:
            return state[0][wanted]
        try:
            master = self.masters(session)[0].get(wanted)
        except MasterKeyError as exc:
            self.verified = False
            raise MasterKeyUnavailable(str(exc)) from None
        if master is None:
            self.verified = False  # the next request checks the keys again (and answers 503)
            raise MasterKeyUnavailable(f"master key {wanted} is not configured")
        return master

    def unwrap(self, row, session: Session | None = None) -> bytes:
        """Unwrap a stored data key (with whichever master key wrapped it)."""
        master = self.master_for(row.master_id, session)
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
        master, wrapped = self.wrap(user_id, key_id, data_key, session)
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
                .order_by(UserKey.created_at.desc())
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
            self.data_keys[key_id] = self.unwrap(row, session)
        return self.data_keys[key_id]


def keyring() -> Keyring:
    """Return the current app's keyring."""
    return current_app.extensions["journal_keyring"]
