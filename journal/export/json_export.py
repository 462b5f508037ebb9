"""All of a user's data as one JSON document, and its restore into an empty account.

The document (format "mood-journal-export", version 1)::

    {"format": ..., "version": 1, "exported_at": ISO datetime,
     "account": {"email", "timezone", "region", "gad7_enabled", "display_name", "theme",
                 "week_start", "schedules"},
     "checkins": [...], "treatments": [...], "reflections": [...]}

Records are the API's own serialisations (`checkin_to_dict`, `treatment_to_dict`,
`reflection_to_dict`), oldest first, except that a check-in's crisis resources are replaced by
the flag `item9_positive`. Restoring keeps client ids, revisions and created/updated times, and
takes the time zone, region and GAD-7 setting from the file; totals, bands, the item-9 flag and
session dates are recomputed by the same validation the API uses. So export -> import -> export
gives the same document except `exported_at` and `account.email` (the account restored into).
"""

import json
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from .. import crisis, models
from .. import records as kernel
from ..checkins import services as checkins
from ..errors import Conflict, Invalid
from ..extensions import db
from ..models import CheckIn, Reflection, TreatmentSession, User
from ..records import iso, parse_client_id
from ..reflections import services as reflections
from ..settings.services import clean_settings, settings_dict
from ..treatments import services as treatments

FORMAT = "mood-journal-export"
VERSION = 1
# Fields the export carries for reading but the validation recomputes on import.
DERIVED = {
    "checkins": ("total", "band", "item9_positive", "subscores", "percent"),
    "treatments": ("local_date",),
    "reflections": (),
}


def export_checkin(checkin: CheckIn) -> dict:
    """Serialise a check-in for the export: the API's fields, with the item-9 flag as a bool."""
    data = checkins.checkin_to_dict(checkin)
    del data["safety"]
    return {**data, "item9_positive": checkin.safety}


def account_to_dict(user: User) -> dict:
    """Return the account settings the export carries."""
    return {
        "email": user.email,
        "timezone": user.timezone,
        "region": user.region,
        "gad7_enabled": user.gad7_enabled,
        **settings_dict(user),
    }


def sections(user: User):
    """Yield (key, rows, serialiser) for each record type, oldest first."""
    yield "checkins", checkins.list_checkins(user), export_checkin
    yield "treatments", treatments.list_treatments(user), treatments.treatment_to_dict
    yield "reflections", reflections.list_reflections(user), reflections.reflection_to_dict


def export_chunks(user: User, now: datetime | None = None) -> Iterator[str]:
    """Yield the export document in pieces, one record per line, so a long history streams."""
    head = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": iso(now or models.utcnow()),
        "account": account_to_dict(user),
    }
    yield json.dumps(head, ensure_ascii=False)[:-1]
    for key, rows, to_dict in sections(user):
        yield f',\n"{key}": ['
        for n, row in enumerate(rows):
            yield ("," if n else "") + "\n" + json.dumps(to_dict(row), ensure_ascii=False)
        yield "]"
    yield "}\n"


def is_empty(user: User) -> bool:
    """Tell whether the account holds no check-ins, sessions or reflections."""
    return not any(
        db.session.scalar(select(exists().where(model.user_id == user.id)))
        for model in (CheckIn, TreatmentSession, Reflection)
    )


def prefixed(exc: Invalid, prefix: str) -> Invalid:
    """Return the error with each field named by its place in the file ("checkins.3.answers")."""
    fields = {f"{prefix}.{name}": message for name, message in exc.fields.items()}
    return Invalid(f"{prefix}: {exc.message}", fields)


def record_meta(item: dict, prefix: str) -> dict:
    """Return the kept client id, revision and timestamps of one record in the file."""
    try:
        client_id = parse_client_id(item.get("client_id"))
    except Invalid as exc:
        raise prefixed(exc, prefix) from None
    revision = item.get("revision", 1)
    if isinstance(revision, bool) or not isinstance(revision, int) or revision < 1:
        raise Invalid(f"{prefix}: bad revision.", {f"{prefix}.revision": "A whole number >= 1."})
    meta = {"client_id": client_id, "revision": revision}
    for field in ("created_at", "updated_at"):
        value = item.get(field)
        if value is None:
            continue
        try:
            moment = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            moment = None
        if moment is None or moment.tzinfo is None:
            message = "An ISO 8601 date-time with a UTC offset."
            raise Invalid(f"{prefix}: bad {field}.", {f"{prefix}.{field}": message})
        meta[field] = moment
    return meta


def apply_account(user: User, account: dict) -> None:
    """Take the time zone, region and GAD-7 setting from the file (dates depend on the zone)."""
    zone = account.get("timezone", user.timezone)
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, TypeError, ValueError):
        raise Invalid("Unknown time zone.", {"account.timezone": "Unknown time zone."}) from None
    region = account.get("region", user.region)
    if region not in crisis.REGIONS:
        raise Invalid("Unknown region.", {"account.region": "Unknown crisis region."})
    gad7 = account.get("gad7_enabled", user.gad7_enabled)
    if not isinstance(gad7, bool):
        raise Invalid("Bad GAD-7 setting.", {"account.gad7_enabled": "Must be true or false."})
    user.timezone, user.region, user.gad7_enabled = zone, region, gad7
    # Settings added later (display name, theme, week start, schedules): same rules as the API.
    chosen = {
        k: account[k] for k in ("display_name", "theme", "week_start", "schedules") if k in account
    }
    if "schedules" in chosen and isinstance(chosen["schedules"], dict):
        chosen["schedules"] = {k: v for k, v in chosen["schedules"].items() if k != "gad7"}
    try:
        changes = clean_settings(user, chosen)
    except Invalid as exc:
        fields = {f"account.{k}": v for k, v in exc.fields.items()}
        raise Invalid("Bad settings.", fields) from None
    for key, value in changes.items():
        setattr(user, key, value)


def records(document: dict, key: str) -> list[dict]:
    """Return one section of the file as a list of objects, or raise Invalid."""
    items = document.get(key, [])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise Invalid(f"{key} must be a list of objects.", {key: "A list of objects."})
    return items


def add_records(user: User, document: dict) -> dict[str, int]:
    """Validate and add every record with the kernel's own rules (sessions first: links)."""
    steps = (
        ("treatments", treatments.KIND),
        ("checkins", checkins.KIND),
        ("reflections", reflections.KIND),
    )
    counts = {}
    for key, kind in steps:
        items = records(document, key)
        for n, item in enumerate(items):
            prefix = f"{key}.{n}"
            meta = record_meta(item, prefix)
            # Derived fields in the file are ignored: the validation recomputes them.
            data = {k: v for k, v in item.items() if k not in DERIVED[key]}
            try:
                kernel.restore(kind, user, meta, data)
            except (Invalid, Conflict) as exc:
                raise prefixed(exc, prefix) from None
        # A reflection names its session by client id: the sessions must be findable first.
        db.session.flush()
        counts[key] = len(items)
    return counts


def import_document(user: User, document: object) -> dict[str, int]:
    """Restore an export into an empty account in one transaction; return counts per type."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise Invalid("This is not a Mood Journal export.", {"format": f"Expected {FORMAT!r}."})
    if document.get("version") != VERSION:
        raise Invalid("Unsupported export version.", {"version": f"Expected {VERSION}."})
    if not is_empty(user):
        raise Invalid(
            "This account already has entries; import only into an empty account.",
            {"email": "The account is not empty."},
        )
    try:
        account = document.get("account") or {}
        if not isinstance(account, dict):
            raise Invalid("account must be an object.", {"account": "An object."})
        apply_account(user, account)
        counts = add_records(user, document)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Invalid(
            "The file holds two records with the same client id, or two check-ins for one "
            "instrument and date.",
            {"records": "Duplicate records."},
        ) from None
    except BaseException:
        db.session.rollback()
        raise
    return counts
