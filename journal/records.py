"""The record kernel: one upsert, get, list and delete for every record a phone can sync.

Check-ins, sessions and reflections differ only in their fields and their own rules (a
`RecordKind`); client ids, ownership (another user's row is a 404), revisions, conflicts and
races are handled here, once. Nothing here commits: the caller (a view, the API, an import or the
demo loader) commits once, so a request or a whole import is one transaction.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, event, insert, inspect, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from . import crypto, paging
from .errors import Conflict, Invalid, NotFound
from .extensions import db
from .fields import RecordSpec, date_problem
from .models import User, utcnow


def parse_client_id(value: object) -> uuid.UUID:
    """Return the client id as a UUID, or raise Invalid."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Invalid("client_id must be a UUID.", {"client_id": "Must be a UUID."}) from None


def find_owned(model, user: User, client_id: uuid.UUID):
    """Return this user's row with this client id, or None."""
    query = select(model).where(model.user_id == user.id, model.client_id == client_id)
    return db.session.scalars(query).one_or_none()


def get_owned(model, user: User, client_id: object):
    """Return this user's row or raise NotFound; another user's row is not found either."""
    row = find_owned(model, user, parse_client_id(client_id))
    if row is None:
        raise NotFound(f"No such {model.__name__.lower()}.")
    return row


def check_revision(row, base_revision: int | None, unchanged: bool, to_dict: Callable) -> bool:
    """Decide whether an upsert onto an existing row may proceed; raise Conflict if not.

    Returns False when the request repeats what is stored (an idempotent retry).
    """
    if base_revision is None:
        if unchanged:
            return False
        # A create replayed with other content, or an edit that does not say what it was
        # based on: refuse rather than overwrite silently.
        raise Conflict("This record already exists; send base_revision to change it.", to_dict(row))
    if base_revision != row.revision:
        raise Conflict("This record changed since you loaded it.", to_dict(row))
    return not unchanged


REVISED = "journal.revised_users"
USERS = User.__table__
# Built once, and on the table rather than the mapped class: the ORM's bulk-UPDATE machinery
# (and rebuilding the expression) was most of this statement's time on every write.
COUNT_WRITE = (
    update(USERS)
    .where(USERS.c.id == bindparam("user_id"))
    .values(data_revision=USERS.c.data_revision + 1)
)


def bump_data_revision(user: User) -> None:
    """Count a write to the user's records, in the write's own transaction (once per transaction).

    One atomic UPDATE (not read-modify-write), so two workers writing at once both count, and a
    reader sees the new revision exactly when it sees the new rows. Caches of derived data
    (charts) are keyed by it.
    """
    session = db.session()
    revised = session.info.setdefault(REVISED, set())
    if user.id in revised:
        return
    session.execute(COUNT_WRITE, {"user_id": user.id})
    revised.add(user.id)
    state = inspect(user, raiseerr=False)
    if state is not None and state.session is session:
        session.expire(user, ["data_revision"])


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def forget_revised(session: Session) -> None:
    """Start counting afresh in the next transaction."""
    session.info.pop(REVISED, None)


def bump_revision(row) -> None:
    """Mark a row as edited."""
    row.revision += 1
    row.updated_at = utcnow()


def user_today(user: User, now: datetime | None = None) -> date:
    """Return today's date in the user's time zone."""
    return (now or utcnow()).astimezone(ZoneInfo(user.timezone)).date()


def parse_date(value: object, field: str) -> date:
    """Return an ISO date inside the records' window (1900 to a year ahead), or raise Invalid."""
    if not (isinstance(value, date) and not isinstance(value, datetime)):
        try:
            value = date.fromisoformat(str(value))
        except ValueError:
            raise Invalid("Dates are YYYY-MM-DD.", {field: "Use a date like 2026-01-31."}) from None
    # Every range is computed from its ends (minus 89 days, plus one week): a date near year 1
    # or 9999 would overflow there, so the same window as stored records applies.
    if problem := date_problem(value):
        raise Invalid("Some fields need attention.", {field: problem})
    return value


def iso(value: datetime | date | None) -> str | None:
    """Format a date or datetime for JSON."""
    return None if value is None else value.isoformat()


PAGE_SIZE = 50
# Far beyond any real history (50 a page), and small enough that the offset fits any database.
MAX_PAGE = 100_000


def newest_page(list_records: Callable, user: User, page: int, size: int = PAGE_SIZE) -> dict:
    """Return one page of a newest-first list, fetching one extra row to know if more exist."""
    page = min(max(page, 1), MAX_PAGE)
    rows = list_records(user, newest_first=True, limit=size + 1, offset=(page - 1) * size)
    return {"items": rows[:size], "page": page, "has_more": len(rows) > size}


def in_date_range(query, model, start: date | None, end: date | None):
    """Limit a query to rows whose local_date lies in [start, end]; None leaves that side open."""
    if start:
        query = query.where(model.local_date >= start)
    if end:
        query = query.where(model.local_date <= end)
    return query


@dataclass(frozen=True)
class RecordKind:
    """What makes one kind of synced record different from the others."""

    model: type
    spec: RecordSpec
    # Validate a body for this user: return the columns to store, or raise Invalid.
    clean: Callable[[User, dict], dict]
    order: Callable[[type], tuple]
    # Extra output a response carries beyond the spec (e.g. crisis resources).
    extra_output: Callable[[object], dict] = lambda row: {}
    # Raise Conflict if another row holds what this one needs (a check-in's date).
    guard: Callable[[User, dict, uuid.UUID], None] = lambda user, clean, client_id: None
    # Fields a record keeps once created.
    fixed: tuple = ()
    # Which row won a race on a unique constraint (default: the same client id).
    winner: Callable | None = None
    # Optional: find the row by client id AND what `guard` needs in one SELECT; returns the row
    # (or None) and the guard to run, already informed (a check-in: the date's holder).
    lookup: Callable[[User, dict, uuid.UUID], tuple[object | None, Callable]] | None = None
    options: tuple = field(default_factory=tuple)
    # True when `clean` returns only columns and encrypted fields (no relationships): a create
    # is then one Core INSERT instead of a unit-of-work flush (see insert_new).
    direct_insert: bool = False

    @property
    def noun(self) -> str:
        """Name the kind in messages."""
        return self.spec.name

    def to_dict(self, row) -> dict:
        """Serialise a row through the spec's allowlist, with the fields every record has."""
        return {
            "client_id": str(row.client_id),
            **self.spec.dump(row),
            **self.extra_output(row),
            "revision": row.revision,
            "created_at": iso(row.created_at),
            "updated_at": iso(row.updated_at),
        }


def upsert(kind: RecordKind, user: User, client_id: object, data: dict):
    """Create or update the user's record by client id; return it and whether it was created."""
    client_id = parse_client_id(client_id)
    clean = kind.clean(user, data)
    if kind.lookup is not None:
        row, guard = kind.lookup(user, clean, client_id)
    else:
        row = find_owned(kind.model, user, client_id)

        def guard() -> None:
            """Run the kind's own check against the database."""
            kind.guard(user, clean, client_id)

    if row is None:
        guard()
        row = kind.model(user_id=user.id, client_id=client_id, **clean)
        if kind.direct_insert:
            flush_or_conflict(kind, user, client_id, clean, lambda: insert_new(row))
        else:
            db.session.add(row)
            flush_or_conflict(kind, user, client_id, clean)
        bump_data_revision(user)
        return row, True
    for name in kind.fixed:
        if clean[name] != getattr(row, name):
            raise Invalid(f"A {kind.noun} keeps its {name}.", {name: "Cannot change."})
    unchanged = all(getattr(row, key) == value for key, value in clean.items())
    if not check_revision(row, data.get("base_revision"), unchanged, kind.to_dict):
        return row, False
    guard()
    for key, value in clean.items():
        setattr(row, key, value)
    bump_revision(row)
    flush_or_conflict(kind, user, client_id, clean)
    bump_data_revision(user)
    return row, False


def restore(kind: RecordKind, user: User, meta: dict, data: dict):
    """Add a record from an export, keeping its client id, revision and times (same rules)."""
    clean = kind.clean(user, data)
    kind.guard(user, clean, meta["client_id"])
    row = kind.model(user_id=user.id, **meta, **clean)
    db.session.add(row)
    bump_data_revision(user)
    return row


def insert_new(row) -> None:
    """INSERT a new record in one Core statement and keep it in the session as if loaded.

    The ORM's unit of work was most of a create's write time (a flush of one new row cost
    three times the INSERT itself). Encrypted values are sealed first by the same descriptor
    a flush uses, so nothing reaches the table in plain text. Only for rows whose attributes
    are plain columns: a relationship set on a row outside the session would not be saved.
    """
    session = db.session()
    model = type(row)
    for descriptor in getattr(model, "__encrypted__", {}).values():
        descriptor.seal_pending(row, crypto.keyring(), session)
    mapper = inspect(model)
    values, unset = {}, []
    for attr in mapper.column_attrs:
        if attr.key in row.__dict__:
            values[attr.columns[0].key] = row.__dict__[attr.key]
        else:
            unset.append(attr.key)
    # The columns left unset (id, revision, times) get the table's defaults; RETURNING
    # hands them back, and the row then reads as if it had been loaded.
    statement = insert_statement(model, tuple(unset))
    stored = session.execute(statement, values).one()
    for key, value in zip(unset, stored, strict=True):
        set_committed_value(row, key, value)
    make_transient_to_detached(row)
    session.add(row)


def insert_many(kind: RecordKind, user: User, cleaned: list[tuple[uuid.UUID, dict]]) -> int:
    """INSERT new records in one executemany statement (an import); return how many.

    `cleaned` holds fresh client ids and bodies already through `kind.clean`, for dates the
    caller found free in this transaction; the table's unique constraints still refuse a clash
    (an IntegrityError fails the whole batch). Encrypted values are sealed as a flush would.
    """
    if not cleaned:
        return 0
    session = db.session()
    model, ring = kind.model, crypto.keyring()
    columns = [(attr.key, attr.columns[0].key) for attr in inspect(model).column_attrs]
    values = []
    for client_id, clean in cleaned:
        row = model(user_id=user.id, client_id=client_id, **clean)
        for descriptor in getattr(model, "__encrypted__", {}).values():
            descriptor.seal_pending(row, ring, session)
        values.append({column: row.__dict__[key] for key, column in columns if key in row.__dict__})
    session.execute(insert(inspect(model).local_table), values)
    bump_data_revision(user)
    return len(values)


@cache
def insert_statement(model: type, returned: tuple[str, ...]):
    """Return an INSERT into the model's table returning these attributes (built once)."""
    mapper = inspect(model)
    columns = [mapper.column_attrs[key].columns[0] for key in returned]
    return insert(mapper.local_table).returning(*columns)


def flush_or_conflict(
    kind: RecordKind, user: User, client_id: uuid.UUID, clean: dict, write=None
) -> None:
    """Write now; losing a race on a unique constraint (two uploads at once) is a Conflict."""
    try:
        (write or db.session.flush)()
    except IntegrityError:
        # The request fails with this Conflict anyway: end its aborted unit now to read the winner.
        db.session.rollback()
        winner = (kind.winner or (lambda u, c, i: find_owned(kind.model, u, i)))(
            user, clean, client_id
        )
        current = kind.to_dict(winner) if winner is not None else None
        raise Conflict(
            f"This {kind.noun} was saved by another request; reload it.", current
        ) from None


def get(kind: RecordKind, user: User, client_id: object):
    """Return the user's record or raise NotFound."""
    return get_owned(kind.model, user, client_id)


def delete(kind: RecordKind, user: User, client_id: object) -> None:
    """Delete the user's record."""
    db.session.delete(get(kind, user, client_id))
    db.session.flush()
    bump_data_revision(user)


def list_records(
    kind: RecordKind,
    user: User,
    start: date | None = None,
    end: date | None = None,
    *where,
    newest_first: bool = False,
    limit: int | None = None,
    offset: int = 0,
    after: tuple | None = None,
) -> list:
    """Return the user's records in a date range (and any extra filters), oldest first.

    `after` is a sort key from a paging cursor: only rows strictly after it are returned.
    """
    model = kind.model
    query = select(model).where(model.user_id == user.id, *where).options(*kind.options)
    query = in_date_range(query, model, start, end)
    order = kind.order(model)
    if after is not None:
        query = query.where(paging.after(order, after, descending=newest_first))
    if newest_first:
        order = tuple(column.desc() for column in order)
    return list(db.session.scalars(query.order_by(*order).offset(offset).limit(limit)))
