"""Encrypt free text at rest: per-user data keys (user_keys) and every existing value sealed.

The free-text columns become TEXT (a ciphertext is longer than the text, and JSON columns now
hold sealed JSON). Existing values are encrypted here with the instance's master key
(JOURNAL_MASTER_KEY or instance/master_key, generated on first use), each bound to its table,
column, user and row. SQLite rebuilds tables in batch mode: foreign keys are switched off for it,
or dropping the old users table would cascade-delete every record.

Revision ID: 5c3e9a7d1b20
Revises: 492911154c79
Create Date: 2026-12-01 11:30:00

"""

import uuid

import sqlalchemy as sa
from alembic import op
from flask import current_app

from journal import crypto

# revision identifiers, used by Alembic.
revision = "5c3e9a7d1b20"
down_revision = "492911154c79"
branch_labels = None
depends_on = None

# table -> (stable id column, user id column, encrypted columns, of which JSON)
ENCRYPTED = {
    "users": ("id", "id", ("display_name",), ()),
    "checkins": ("client_id", "user_id", ("note",), ()),
    "treatment_sessions": (
        "client_id",
        "user_id",
        ("medication_label", "route_label", "clinic", "intention", "notes"),
        (),
    ),
    "reflections": ("client_id", "user_id", ("prompts", "text", "tags"), ("prompts", "tags")),
    "share_links": ("token_hash", "user_id", ("label",), ()),
}
OLD_TYPES = {
    ("users", "display_name"): sa.String(length=80),
    ("treatment_sessions", "medication_label"): sa.String(length=80),
    ("treatment_sessions", "route_label"): sa.String(length=80),
    ("treatment_sessions", "clinic"): sa.String(length=200),
    ("checkins", "note"): sa.Text(),
    ("treatment_sessions", "intention"): sa.Text(),
    ("treatment_sessions", "notes"): sa.Text(),
    ("reflections", "text"): sa.Text(),
    ("reflections", "prompts"): sa.JSON(),
    ("reflections", "tags"): sa.JSON(),
    ("share_links", "label"): sa.String(length=80),
}


def sqlite_foreign_keys(on: bool) -> None:
    """Switch SQLite's foreign keys (only possible outside a transaction) and check it took."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    with op.get_context().autocommit_block():
        bind.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    if bool(bind.exec_driver_sql("PRAGMA foreign_keys").scalar()) != on:
        raise RuntimeError("could not switch SQLite foreign keys; refusing to rebuild tables")


def stable(value) -> str:
    """Format a row's stable id as the models do (a UUID with dashes, or the value itself)."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, str) and len(value) == 32 and all(c in "0123456789abcdef" for c in value):
        return str(uuid.UUID(value))  # SQLite keeps a Uuid as 32 hex digits
    return str(value)


def alter_types(to_text: bool) -> None:
    """Change the encrypted columns to TEXT (or back to their old types)."""
    for table, (_stable, _user, columns, json_columns) in ENCRYPTED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                old = OLD_TYPES[(table, column)]
                using = {}
                if column in json_columns:
                    using = {"postgresql_using": f"{column}::{'text' if to_text else 'json'}"}
                batch_op.alter_column(
                    column,
                    existing_type=old if to_text else sa.Text(),
                    type_=sa.Text() if to_text else old,
                    existing_nullable=True,
                    # Tags were NOT NULL JSON; sealed tags may be absent (read as no tags).
                    nullable=to_text if (table, column) == ("reflections", "tags") else None,
                    **using,
                )


def rows(table: str):
    """Return the table as a lightweight Core table with the columns this migration reads."""
    id_column, user_column, columns, _json = ENCRYPTED[table]
    names = {"id", id_column, user_column, *columns}
    return sa.table(table, *(sa.column(name) for name in names))


def encrypt_existing(bind, ring: crypto.Keyring) -> None:
    """Seal every plaintext value, creating each user's data key as needed."""
    keys: dict[int, tuple[str, bytes]] = {}
    user_keys = sa.table(
        "user_keys",
        *(sa.column(n) for n in ("id", "user_id", "master_id", "wrapped", "created_at", "retired")),
    )

    def key_for(user_id: int) -> tuple[str, bytes]:
        if user_id not in keys:
            key_id = crypto.secrets.token_hex(8)
            data_key = crypto.AESGCM.generate_key(bit_length=256)
            master, wrapped = ring.wrap(user_id, key_id, data_key)
            bind.execute(
                user_keys.insert().values(
                    id=key_id,
                    user_id=user_id,
                    master_id=master,
                    wrapped=wrapped,
                    created_at=crypto.datetime.now(crypto.UTC),
                    retired=False,
                )
            )
            keys[user_id] = key_id, data_key
        return keys[user_id]

    for table, (id_column, user_column, columns, _json) in ENCRYPTED.items():
        t = rows(table)
        for row in bind.execute(sa.select(t)).mappings().all():
            changes = {}
            for column in columns:
                value = row[column]
                if value is None or crypto.key_id_of(value) is not None:
                    continue
                key_id, data_key = key_for(row[user_column])
                aad = crypto.identity_aad(table, column, row[user_column], stable(row[id_column]))
                changes[column] = crypto.seal(key_id, data_key, value, aad)
            if changes:
                bind.execute(t.update().where(t.c.id == row["id"]).values(**changes))


def decrypt_existing(bind, ring: crypto.Keyring) -> None:
    """Open every sealed value back into plaintext (for a downgrade)."""
    columns = ("id", "user_id", "master_id", "wrapped")
    user_keys = sa.table("user_keys", *(sa.column(n) for n in columns))
    # Every key unwrapped up front, so opening a value never needs an ORM session.
    for row in bind.execute(sa.select(user_keys)).all():
        ring.data_keys[row.id] = ring.unwrap(row)
    for table, (id_column, user_column, columns, _json) in ENCRYPTED.items():
        t = rows(table)
        for row in bind.execute(sa.select(t)).mappings().all():
            changes = {}
            for column in columns:
                value = row[column]
                if value is None or crypto.key_id_of(value) is None:
                    continue
                aad = crypto.identity_aad(table, column, row[user_column], stable(row[id_column]))
                changes[column] = crypto.open_sealed(ring, None, value, aad)
            if changes:
                bind.execute(t.update().where(t.c.id == row["id"]).values(**changes))


def upgrade():
    op.create_table(
        "user_keys",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("master_id", sa.String(length=16), nullable=False),
        sa.Column("wrapped", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_keys_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_keys")),
    )
    with op.batch_alter_table("user_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_keys_user_id"), ["user_id"], unique=False)

    sqlite_foreign_keys(False)
    alter_types(to_text=True)
    encrypt_existing(op.get_bind(), crypto.Keyring(crypto.load_master_keys(current_app)))
    sqlite_foreign_keys(True)


def downgrade():
    sqlite_foreign_keys(False)
    bind = op.get_bind()
    decrypt_existing(bind, crypto.Keyring(crypto.load_master_keys(current_app)))
    # JSON columns get their JSON text back; PostgreSQL casts it in the type change.
    alter_types(to_text=False)
    sqlite_foreign_keys(True)
    with op.batch_alter_table("user_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_keys_user_id"))
    op.drop_table("user_keys")
