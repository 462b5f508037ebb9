"""Our own JSON export, imported: a full restore into an empty account (as `flask import-json`),
or, into an account with entries, only the records it does not hold yet (settings untouched).
"""

from ..checkins import services as checkins
from ..errors import Conflict, Invalid
from ..export import json_export
from ..extensions import db
from ..models import User
from ..records import find_owned, restore
from ..reflections import services as reflections
from ..treatments import services as treatments

STEPS = (
    ("treatments", treatments.KIND),
    ("checkins", checkins.KIND),
    ("reflections", reflections.KIND),
)


def run(user: User, document: dict, dry_run: bool) -> dict:
    """Restore the document's records in this transaction; return the import summary."""
    if document.get("version") != json_export.VERSION:
        message = f"Expected {json_export.VERSION}."
        raise Invalid("Unsupported export version.", {"version": message})
    empty = json_export.is_empty(user)
    if empty:
        account = document.get("account") or {}
        if not isinstance(account, dict):
            raise Invalid("account must be an object.", {"account": "An object."})
        json_export.apply_account(user, account)
    created = add_new_records(user, document)
    json_export.add_share_links(user, document)
    db.session.flush()
    items = json_export.records(document, "checkins")
    return outcome(items, created)


def add_new_records(user: User, document: dict) -> int:
    """Restore each record the account does not hold yet; return how many check-ins were made."""
    made = 0
    for key, kind in STEPS:
        for n, item in enumerate(json_export.records(document, key)):
            prefix = f"{key}.{n}"
            meta = json_export.record_meta(item, prefix)
            if find_owned(kind.model, user, meta["client_id"]) is not None:
                continue
            data = {k: v for k, v in item.items() if k not in json_export.DERIVED[key]}
            try:
                restore(kind, user, meta, data)
            except Conflict:
                continue  # the date already has this check-in: left as it is
            except Invalid as exc:
                raise json_export.prefixed(exc, prefix) from None
            made += key == "checkins"
        # A reflection names its session by client id: the sessions must be findable first.
        db.session.flush()
    return made


def outcome(items: list[dict], created: int) -> dict:
    """Summarise the check-ins of the file for the response."""
    dates = sorted({str(item.get("local_date")) for item in items})
    tags: dict[str, str] = {}
    for item in items:
        for tag in item.get("tags") or []:
            if isinstance(tag, str):
                tags.setdefault(tag.casefold(), tag)
    return {
        "days": len(dates),
        "first_date": dates[0] if dates else None,
        "last_date": dates[-1] if dates else None,
        "checkins": {"created": created, "unchanged": len(items) - created},
        "tags": list(tags.values()),
        "moods": {},
        "unmapped_moods": [],
        "skipped": [],
        "ignored_columns": [],
    }
