"""The safety plan: read, replace, and the part every crisis box shows. Never commits."""

from sqlalchemy import select

from ..extensions import db
from ..models import User, utcnow
from ..records import bump_data_revision, iso
from .forms import LABELS
from .models import SafetyPlan
from .spec import CONTACT_LISTS, LISTS, SAFETY_PLAN

# How many coping entries a crisis box shows: the first few, so the crisis lines stay in view.
CRISIS_COPING = 3


def get_plan(user: User) -> SafetyPlan | None:
    """Return the person's plan, or None before one is written."""
    return db.session.scalar(select(SafetyPlan).where(SafetyPlan.user_id == user.id))


def plan_to_dict(plan: SafetyPlan | None) -> dict:
    """Return the plan as the API shows it (empty lists and no date before one is written)."""
    lists = {
        name: SAFETY_PLAN.fields[name].dump(getattr(plan, name) if plan else []) for name in LISTS
    }
    return {**lists, "updated_at": iso(plan.updated_at) if plan else None}


def clean_plan(data: object) -> dict:
    """Validate a plan body; return its lists or raise Invalid naming each fault by path."""
    return SAFETY_PLAN.validate(data)


def save_plan(user: User, data: object) -> SafetyPlan:
    """Replace the person's plan with a validated body (created on first save)."""
    values = clean_plan(data)
    plan = get_plan(user)
    if plan is None:
        plan = SafetyPlan(user_id=user.id)
        db.session.add(plan)
    for name, value in values.items():
        setattr(plan, name, value)
    plan.updated_at = utcnow()
    db.session.flush()
    bump_data_revision(user)
    return plan


def has_content(plan: SafetyPlan | None) -> bool:
    """Tell whether a plan holds any entry."""
    return plan is not None and any(getattr(plan, name) for name in LISTS)


def crisis_part(user: User) -> dict | None:
    """Return what a crisis box shows of the plan (first coping entries, every helper), or None."""
    plan = get_plan(user)
    if not has_content(plan):
        return None
    return {
        "coping": list(plan.coping)[:CRISIS_COPING],
        "helpers": [dict(helper) for helper in plan.helpers],
        "updated_at": iso(plan.updated_at),
    }


def delete_plan(user: User) -> None:
    """Remove the person's plan (an import replaces it; the account's deletion removes it too)."""
    plan = get_plan(user)
    if plan is not None:
        db.session.delete(plan)
        db.session.flush()


def report_part(user: User, include: bool) -> dict:
    """Return what a report or share shows: whether a plan exists, when it changed, and its
    sections only when the person chose to include them."""
    plan = get_plan(user)
    if not has_content(plan):
        return {"exists": False}
    part = {"exists": True, "updated_at": plan.updated_at, "sections": None}
    if include:
        part["sections"] = [
            (LABELS[name][0], [entry_text(name, item) for item in getattr(plan, name)])
            for name in LISTS
            if getattr(plan, name)
        ]
    return part


def entry_text(name: str, item) -> str:
    """Return one entry as a line of text (a contact as its name and phone)."""
    if name in CONTACT_LISTS:
        return " · ".join(part for part in (item.get("name"), item.get("phone")) if part)
    return item
