"""`flask rotate-keys`: rewrap data keys with a new master key, retire old ones, renew data keys.

Every step is safe while servers run. A new master key goes first into the key file before
anything is wrapped with it, and running servers re-read the file when they meet its id (or
before they wrap a new data key), so nothing they read was wrapped by a key they cannot get.
Old master keys leave the file only in `--retire-old-keys`, after every data key is rewrapped,
and that step rewraps again after the file is replaced, to catch a data key a server wrapped
with an old key a moment before. New data keys (`--data-keys`) retire the old ones, which keep
decrypting: they are deleted by the next `--data-keys` run, which re-encrypts any value a
running server sealed under them meanwhile.
"""

import json
import time

import click
from flask import current_app, g
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from ..extensions import db
from .cipher import Undecryptable, open_sealed
from .keyring import Keyring, UserKey, keyring
from .masters import add_master_key, write_key_file
from .values import encrypted_models, owner_column

ATTEMPTS = 5


def rewrap(session: Session, ring: Keyring) -> int:
    """Rewrap every data key not under the current master key; return how many."""
    current = ring.masters(session)[1]
    count = 0
    for row in session.scalars(select(UserKey).where(UserKey.master_id != current)):
        data_key = ring.unwrap(row, session)
        row.master_id, row.wrapped = ring.wrap(row.user_id, row.id, data_key, session)
        count += 1
    session.flush()
    return count


def reseal_values(session: Session, ring: Keyring, user_id: int) -> tuple[int, int]:
    """Re-encrypt every value of a user under their active key; return (values, unreadable)."""
    resealed = unreadable = 0
    # The users row last: a request writes its record first, then the user's data revision,
    # so taking the rows in the same order never leaves each side waiting for the other.
    for model in sorted(encrypted_models(), key=lambda model: model.__tablename__ == "users"):
        # Locked (PostgreSQL) so that a server's write to a row waits for this re-encryption
        # instead of being overwritten by the older text read here. NO KEY UPDATE: a server's
        # foreign-key check on the users row (KEY SHARE) still passes.
        rows = select(model).where(owner_column(model) == user_id)
        rows = rows.with_for_update(key_share=True)
        for obj in session.scalars(rows):
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
    return resealed, unreadable


def reseal_user(session: Session, ring: Keyring, user_id: int) -> tuple[int, int]:
    """Give a user a new data key and re-encrypt their values; return (values, unreadable)."""
    old = list(session.scalars(select(UserKey).where(UserKey.user_id == user_id)))
    # Keys retired by an earlier run had a whole rotation's grace: a server that sealed a
    # value under one while that run committed has had its value re-encrypted just now.
    retired_before = [row for row in old if row.retired]
    for row in old:
        row.retired = True
    g.setdefault("journal_active_keys", {})[user_id] = ring.new_user_key(session, user_id)
    resealed, unreadable = reseal_values(session, ring, user_id)
    if not unreadable:
        for row in retired_before:
            session.delete(row)
    return resealed, unreadable


def reseal_each(session: Session, ring: Keyring, after_each=None) -> dict:
    """Give every user with data a new data key; call `after_each` (a commit) after each user."""
    counts = {"users": 0, "resealed": 0, "unreadable": 0}
    for user_id in session.scalars(select(UserKey.user_id).distinct()).all():
        resealed, unreadable = reseal_committed(session, ring, user_id, after_each)
        counts["users"] += 1
        counts["resealed"] += resealed
        counts["unreadable"] += unreadable
    return counts


def reseal_committed(session: Session, ring: Keyring, user_id: int, commit) -> tuple[int, int]:
    """Reseal one user and commit, trying again if a server's write deadlocked with it."""
    attempt = 1
    while True:
        try:
            found = reseal_user(session, ring, user_id)
            if commit:
                commit()
            return found
        except OperationalError:
            # PostgreSQL broke a deadlock with a request writing this person's rows (or SQLite
            # stayed locked): nothing of this user's turn was kept; start it again.
            if not commit or attempt == ATTEMPTS:
                raise
            session.rollback()
            time.sleep(0.1 * attempt)
            attempt += 1


def rotate(session: Session, ring: Keyring, data_keys: bool, after_each=None) -> dict:
    """Rewrap every data key with the current master key; with `data_keys`, replace them too."""
    counts = {"rewrapped": rewrap(session, ring), "users": 0, "resealed": 0, "unreadable": 0}
    if after_each:
        after_each()
    if data_keys:
        counts.update(reseal_each(session, ring, after_each))
    return counts


def retire_old_masters(session: Session, ring: Keyring) -> int:
    """Rewrap stragglers, keep only the current master key in the file; return rewrapped."""
    masters, current = ring.masters(session)
    # Held here so that a data key wrapped with an old key while the file changes still opens.
    held = Keyring([masters[current], *(k for i, k in masters.items() if i != current)])
    count = rewrap(session, held)
    session.commit()
    write_key_file(ring.source.path, [masters[current]])
    count += rewrap(session, held)
    session.commit()
    return count


def using_setting(app) -> bool:
    """Say whether the master keys come from JOURNAL_MASTER_KEY (so no file is written)."""
    return bool(app.config.get("JOURNAL_MASTER_KEY"))


@click.command("rotate-keys")
@click.option(
    "--new-master-key",
    is_flag=True,
    help="Generate a new master key first in instance/master_key (not with JOURNAL_MASTER_KEY).",
)
@click.option("--data-keys", is_flag=True, help="Also give every user a new data key.")
@click.option(
    "--retire-old-keys",
    is_flag=True,
    help="Rewrap stragglers, then keep only the first master key in instance/master_key.",
)
@with_appcontext
def rotate_keys(new_master_key: bool, data_keys: bool, retire_old_keys: bool) -> None:
    """Rewrap data keys with the first master key (and re-encrypt with new data keys)."""
    app = current_app
    if (new_master_key or retire_old_keys) and using_setting(app):
        raise click.UsageError(
            "JOURNAL_MASTER_KEY is set: edit it instead (README, 'Encryption at rest'): put the "
            "new key second and restart, then first and restart, then run rotate-keys; drop the "
            "old key and restart only when rotate-keys says no data key needs it."
        )
    if new_master_key:
        add_master_key(app.instance_path)  # running servers re-read the file when they need it
    # A commit per user: each holds its rows' locks only while its own values are re-encrypted.
    counts = rotate(db.session, keyring(), data_keys, after_each=db.session.commit)
    db.session.commit()
    click.echo(f"Rewrapped {counts['rewrapped']} data keys with master key {keyring().current}.")
    if data_keys:
        click.echo(
            f"New data keys for {counts['users']} users; {counts['resealed']} values "
            f"re-encrypted, {counts['unreadable']} unreadable left as they were."
        )
    if retire_old_keys:
        count = retire_old_masters(db.session, keyring())
        click.echo(f"Kept only master key {keyring().current}; rewrapped {count} more.")
    click.echo(old_key_status(db.session, keyring()))


def old_key_status(session: Session, ring: Keyring) -> str:
    """Say which master keys are still configured and whether any data key needs them."""
    masters, current = ring.masters(session)
    old = sorted(set(masters) - {current})
    if not old:
        return "Only the current master key is configured."
    needed = session.scalar(
        select(db.func.count()).select_from(UserKey).where(UserKey.master_id != current)
    )
    if needed:
        return f"{needed} data keys still need an old master key: run rotate-keys again."
    return (
        f"No data key needs the old master keys ({', '.join(old)}) any more: back up the "
        "current one, then retire them (--retire-old-keys, or edit JOURNAL_MASTER_KEY)."
    )
