"""Validate and store reflections, and work out which follow-up prompts are open."""

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..errors import Invalid
from ..extensions import db
from ..models import Reflection, TreatmentSession, User
from ..records import find_owned, get_owned, in_date_range, iso, parse_client_id, user_today
from ..treatments import services as treatments
from . import rules

NO_SUCH_SESSION = "No such session."


def reflection_to_dict(reflection: Reflection) -> dict:
    """Serialise a reflection through an allowlist; the session is named by its client id."""
    treatment = reflection.treatment
    return {
        "client_id": str(reflection.client_id),
        "local_date": iso(reflection.local_date),
        "treatment_id": str(treatment.client_id) if treatment is not None else None,
        "prompts": dict(reflection.prompts) if reflection.prompts else None,
        "text": reflection.text,
        "tags": list(reflection.tags or []),
        "share": reflection.share,
        "revision": reflection.revision,
        "created_at": iso(reflection.created_at),
        "updated_at": iso(reflection.updated_at),
    }


def find_session(user: User, client_id: object) -> TreatmentSession | None:
    """Return the user's session with this client id, or None (also for a malformed id)."""
    try:
        client_id = uuid.UUID(str(client_id))
    except ValueError:
        return None
    return find_owned(TreatmentSession, user, client_id)


def clean_reflection(user: User, data: dict) -> dict:
    """Validate a reflection body and resolve its session; raise Invalid with every problem."""
    errors: dict[str, str] = {}
    try:
        clean = rules.clean_reflection(data, user_today(user))
    except Invalid as exc:
        errors.update(exc.fields)
        clean = {}
    treatment = None
    if data.get("treatment_id") not in (None, ""):
        treatment = find_session(user, data["treatment_id"])
        if treatment is None:
            # Another user's session is "no such session" too: its existence is not revealed.
            errors["treatment_id"] = NO_SUCH_SESSION
    if errors:
        raise Invalid("Some fields need attention.", errors)
    return {**clean, "treatment": treatment}


def upsert_reflection(user: User, client_id: object, data: dict) -> tuple[Reflection, bool]:
    """Create or update a reflection by client id; return it and whether it was created."""
    client_id = parse_client_id(client_id)
    clean = clean_reflection(user, data)
    return treatments.save_owned(
        Reflection, user, client_id, clean, data.get("base_revision"), reflection_to_dict
    )


def get_reflection(user: User, client_id: object) -> Reflection:
    """Return the user's reflection or raise NotFound."""
    return get_owned(Reflection, user, client_id)


def delete_reflection(user: User, client_id: object) -> None:
    """Delete the user's reflection."""
    db.session.delete(get_reflection(user, client_id))
    db.session.commit()


def list_reflections(
    user: User,
    start: date | None = None,
    end: date | None = None,
    treatment: TreatmentSession | None = None,
    newest_first: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> list[Reflection]:
    """Return the user's reflections (with their sessions, in the same query), by date."""
    query = (
        select(Reflection)
        .where(Reflection.user_id == user.id)
        .options(joinedload(Reflection.treatment))
    )
    query = in_date_range(query, Reflection, start, end)
    if treatment is not None:
        query = query.where(Reflection.treatment_id == treatment.id)
    order = (Reflection.local_date, Reflection.id)
    if newest_first:
        order = tuple(column.desc() for column in order)
    return list(db.session.scalars(query.order_by(*order).offset(offset).limit(limit)))


def session_prompts(
    treatment: TreatmentSession, reflections: list[Reflection], today: date
) -> list[rules.PromptStatus]:
    """Return a session's follow-up prompts (none for a plan or a future session)."""
    if not treatments.has_happened(treatment, today):
        return []
    dates = [r.local_date for r in reflections if r.treatment_id == treatment.id]
    return rules.prompt_schedule(treatment.local_date, dates, today)


@dataclass(frozen=True)
class OpenPrompt:
    """A follow-up prompt that is waiting for a reflection."""

    treatment: TreatmentSession
    prompt: rules.PromptStatus


def open_prompts(user: User, today: date | None = None) -> list[OpenPrompt]:
    """Return the open follow-up prompts of recent sessions, newest session first (2 queries)."""
    today = today or user_today(user)
    recent = select(TreatmentSession).where(
        TreatmentSession.user_id == user.id,
        TreatmentSession.planned.is_(False),
        TreatmentSession.local_date >= today - rules.PROMPT_HORIZON,
        TreatmentSession.local_date <= today,
    )
    sessions = list(
        db.session.scalars(
            recent.order_by(TreatmentSession.local_date.desc(), TreatmentSession.started_at.desc())
        )
    )
    if not sessions:
        return []
    linked = select(Reflection.treatment_id, Reflection.local_date).where(
        Reflection.user_id == user.id,
        Reflection.treatment_id.in_([s.id for s in sessions]),
    )
    dates: dict[int, list[date]] = {}
    for treatment_id, local_date in db.session.execute(linked):
        dates.setdefault(treatment_id, []).append(local_date)
    return [
        OpenPrompt(session, prompt)
        for session in sessions
        for prompt in rules.prompt_schedule(session.local_date, dates.get(session.id, []), today)
        if prompt.state == "open"
    ]


def session_choices(user: User, limit: int = 100) -> list[TreatmentSession]:
    """Return the sessions a reflection may be linked to, newest first."""
    return treatments.list_treatments(user, newest_first=True, limit=limit)
