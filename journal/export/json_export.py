"""All of a user's data as one JSON document, and its restore into an empty account.

The document (format "mood-journal-export", version 1)::

    {"format": ..., "version": 1, "exported_at": ISO datetime,
     "account": {"email", "timezone", "region", "gad7_enabled", "display_name", "theme",
                 "week_start", "schedules"},
     "checkins": [...], "treatments": [...], "reflections": [...], "share_links": [...],
     "safety_plan": {...}}

Records are the API's own serialisations (`checkin_to_dict`, `treatment_to_dict`,
`reflection_to_dict`), oldest first, except that a check-in's crisis resources are replaced by
the flag `item9_positive`. Restoring keeps client ids, revisions and created/updated times, and
takes the time zone, region and GAD-7 setting from the file; totals, bands, the item-9 flag and
session dates are recomputed by the same validation the API uses. So export -> import -> export
gives the same document except `exported_at` and `account.email` (the account restored into).

Share links travel as their SHA-256 token hash (never a token), dates, label, expiry, revocation
and openings, so a restored link opens with the URL the therapist already has; a file without
`share_links` (older exports) restores no links.

The safety plan is `GET /api/v1/safety-plan`'s body; a file without one (older exports) or with
empty lists restores no plan.
"""

import json
import re
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
from ..models import CheckIn, Reflection, ShareLink, ShareOpen, TreatmentSession, User
from ..records import iso, parse_client_id, parse_date
from ..reflections import services as reflections
from ..safety import services as safety
from ..settings.services import clean_settings, settings_dict
from ..share import services as shares
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


def export_share(link: ShareLink) -> dict:
    """Serialise a share link for the export: the API's fields, its token hash and its opens."""
    opens = db.session.scalars(
        select(ShareOpen.opened_at).where(ShareOpen.share_id == link.id).order_by(ShareOpen.id)
    )
    fields = shares.share_to_dict(link)
    # The row id and status are this server's; an import makes a new row and works status out.
    del fields["id"], fields["status"]
    return {"token_sha256": link.token_hash, **fields, "opens": [iso(m) for m in opens]}


def share_links(user: User) -> list[ShareLink]:
    """Return the user's share links, oldest first."""
    query = select(ShareLink).where(ShareLink.user_id == user.id)
    return list(db.session.scalars(query.order_by(ShareLink.created_at, ShareLink.id)))


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
    yield ',\n"share_links": ['
    for n, link in enumerate(share_links(user)):
        yield ("," if n else "") + "\n" + json.dumps(export_share(link), ensure_ascii=False)
    yield "]"
    plan = json.dumps(safety.plan_to_dict(safety.get_plan(user)), ensure_ascii=False)
    yield f',\n"safety_plan": {plan}'
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


def moment(item: dict, field: str, prefix: str, required: bool = False) -> datetime | None:
    """Return an aware date-time from the file, or raise Invalid naming its place."""
    value = item.get(field)
    if value is None and not required:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        message = "An ISO 8601 date-time with a UTC offset."
        raise Invalid(f"{prefix}: bad {field}.", {f"{prefix}.{field}": message})
    return parsed


def share_fields(item: dict, prefix: str) -> dict:
    """Check a share link's plain fields from the file; raise Invalid naming the first bad one."""
    token_hash = item.get("token_sha256")
    if not isinstance(token_hash, str) or not re.fullmatch(r"[0-9a-f]{64}", token_hash):
        message = "64 lowercase hex digits."
        raise Invalid(f"{prefix}: bad token_sha256.", {f"{prefix}.token_sha256": message})
    label = item.get("label")
    if label is not None and (not isinstance(label, str) or len(label) > shares.LABEL_MAX):
        raise Invalid(f"{prefix}: bad label.", {f"{prefix}.label": "Text, 80 characters at most."})
    count = item.get("open_count", 0)
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise Invalid(f"{prefix}: bad open_count.", {f"{prefix}.open_count": "A whole number."})
    opens = item.get("opens", [])
    if not isinstance(opens, list):
        raise Invalid(f"{prefix}: bad opens.", {f"{prefix}.opens": "A list of date-times."})
    flags = {key: item.get(key, False) for key in ("include_reflections", "include_safety_plan")}
    for key, value in flags.items():
        if not isinstance(value, bool):
            raise Invalid(f"{prefix}: bad {key}.", {f"{prefix}.{key}": "Must be true or false."})
    return {"token_hash": token_hash, "label": label, "count": count, "opens": opens, **flags}


def restore_share(user: User, item: dict, prefix: str) -> bool:
    """Add one share link from the file, with its openings, as it was; False if skipped.

    A link whose token hash this server already holds (the same export imported into a second
    account here) is skipped: one URL can open only one account's data.
    """
    plain = share_fields(item, prefix)
    token_hash, count, opens = plain["token_hash"], plain["count"], plain["opens"]
    try:
        start = parse_date(item.get("from"), f"{prefix}.from")
        end = parse_date(item.get("to"), f"{prefix}.to")
    except Invalid as exc:
        raise Invalid(f"{prefix}: {exc.message}", exc.fields) from None
    link = ShareLink(
        user_id=user.id,
        token_hash=token_hash,
        start_date=start,
        end_date=end,
        include_reflections=plain["include_reflections"],
        include_safety_plan=plain["include_safety_plan"],
        label=plain["label"],
        created_at=moment(item, "created_at", prefix, required=True),
        expires_at=moment(item, "expires_at", prefix, required=True),
        revoked_at=moment(item, "revoked_at", prefix),
        last_opened_at=moment(item, "last_opened_at", prefix),
        open_count=count,
    )
    times = [
        moment({"opened_at": opened}, "opened_at", f"{prefix}.opens.{n}", required=True)
        for n, opened in enumerate(opens)
    ]
    # Checked after validation, so a malformed file is refused even when the link is skipped.
    if db.session.scalar(select(exists().where(ShareLink.token_hash == token_hash))):
        return False
    db.session.add(link)
    db.session.flush()
    db.session.add_all(ShareOpen(share_id=link.id, opened_at=at) for at in times)
    return True


def add_share_links(user: User, document: dict) -> tuple[int, int]:
    """Add the file's share links (none in older files); return how many were added, skipped."""
    items = records(document, "share_links")
    added = sum(restore_share(user, item, f"share_links.{n}") for n, item in enumerate(items))
    return added, len(items) - added


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
        if (value := moment(item, field, prefix)) is not None:
            meta[field] = value
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


def restore_safety_plan(user: User, document: dict) -> int:
    """Restore the file's safety plan (same rules as the API), keeping when it last changed."""
    item = document.get("safety_plan")
    if item is None:
        return 0
    if not isinstance(item, dict):
        raise Invalid("safety_plan must be an object.", {"safety_plan": "An object."})
    try:
        plan = safety.save_plan(user, {k: v for k, v in item.items() if k != "updated_at"})
    except Invalid as exc:
        raise prefixed(exc, "safety_plan") from None
    if not safety.has_content(plan):
        safety.delete_plan(user)
        return 0
    if (changed := moment(item, "updated_at", "safety_plan")) is not None:
        plan.updated_at = changed
    return 1


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
        counts["share_links"], counts["share_links_skipped"] = add_share_links(user, document)
        counts["safety_plan"] = restore_safety_plan(user, document)
        db.session.flush()  # a duplicate shows here, as a 422, not when the request commits
    except IntegrityError:
        # The whole import fails: end the aborted transaction now, so the error page can read.
        db.session.rollback()
        raise Invalid(
            "The file holds two records with the same client id, two check-ins for one "
            "instrument and date, or a share link this server already has.",
            {"records": "Duplicate records."},
        ) from None
    return counts
