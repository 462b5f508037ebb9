"""Reflections: their kind for the record kernel, and which follow-up prompts are open."""

import uuid
from dataclasses import dataclass
from datetime import date
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import records
from ..errors import Invalid
from ..extensions import db
from ..models import Reflection, TreatmentSession, User
from ..records import find_owned, user_today
from ..treatments import services as treatments
from . import rules

NO_SUCH_SESSION = "No such session."


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
    clean.pop("treatment_id", None)
    return {**clean, "treatment": treatment}


KIND = records.RecordKind(
    model=Reflection,
    spec=rules.REFLECTION,
    clean=clean_reflection,
    order=lambda model: (model.local_date, model.id),
    options=(joinedload(Reflection.treatment),),
)

# The kernel's operations, named for this kind (a request, an import or the demo calls these).
reflection_to_dict = KIND.to_dict
upsert_reflection = partial(records.upsert, KIND)
get_reflection = partial(records.get, KIND)
delete_reflection = partial(records.delete, KIND)


def list_reflections(
    user: User,
    start: date | None = None,
    end: date | None = None,
    treatment: TreatmentSession | None = None,
    **page,
) -> list[Reflection]:
    """Return the user's reflections (with their sessions, in the same query), by date."""
    where = (Reflection.treatment_id == treatment.id,) if treatment is not None else ()
    return records.list_records(KIND, user, start, end, *where, **page)


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
