"""Today's session-day cards: save a session's checklist and ride home, and its follow-up."""

from flask import flash, g, redirect, request, url_for
from flask_login import current_user, login_required

from ..errors import Conflict, Invalid
from ..safety.spec import CHECKLIST_MAX
from . import session_day
from .routes import bp, index


def kept_items(form) -> list[dict]:
    """Read the card's checklist items with their ticks, less the one removed."""
    removed = form.get("remove", "")
    items = []
    for number in range(CHECKLIST_MAX):
        text = form.get(f"item-{number}-text")
        if text is None or str(number) == removed or not text.strip():
            continue
        items.append({"text": text, "done": form.get(f"item-{number}-done") == "on"})
    return items


def read_checklist(form) -> list[dict]:
    """Read the card's checklist: kept items with their ticks, then a new one if typed."""
    items = kept_items(form)
    added = form.get("new_item", "")
    if added.strip():
        items.append({"text": added, "done": False})
    return items


def read_preparation(form) -> dict:
    """Read the session-day card into a `preparation` body."""
    preparation = {"checklist": read_checklist(form)}
    name, phone = form.get("ride_name", ""), form.get("ride_phone", "")
    if name.strip() or phone.strip():
        preparation["ride_home"] = {"name": name, "phone": phone}
    return preparation


# Where each refused path is shown on the cards: a checklist item beside the list, a follow-up
# answer beside its question (templates/dashboard/_session_day.html reads g.card_errors).
CARD_FIELDS = {
    "preparation.ride_home.name": "ride_name",
    "preparation.ride_home.phone": "ride_phone",
    "preparation.ride_home": "ride_name",
    "follow_up.sleep_hours": "sleep_hours",
    "follow_up.dissociation": "dissociation",
    "follow_up.mood": "mood",
}


def card_errors(exc: Invalid) -> dict[str, str]:
    """Map a refusal's field paths to the card's inputs (checklist faults go on the list)."""
    errors: dict[str, str] = {}
    for path, message in exc.fields.items():
        name = CARD_FIELDS.get(path, "checklist" if path.startswith("preparation") else "card")
        errors.setdefault(name, message)
    return errors or {"card": exc.message}


def refuse(errors: dict[str, str], typed: bool = True) -> None:
    """Keep the faults, and what was typed unless the saved copy is to be shown, for Today."""
    g.card, g.card_errors = request.endpoint, errors
    if typed:
        g.card_form, g.card_checklist = request.form, kept_items(request.form)


def save_card(save, saved: str, conflict: str):
    """Save one card; return None, or Today again with the card's errors (422) or conflict (409)."""
    try:
        save()
    except Invalid as exc:
        # Today again, as typed, each fault beside its input; the 422 rolls the request back.
        refuse(card_errors(exc))
        return index(), 422
    except Conflict:
        refuse({"card": conflict}, typed=False)
        return index(), 409
    flash(saved, "info")
    return None


@bp.route("/session-day/<uuid:client_id>/preparation", methods=["POST"])
@login_required
def save_preparation(client_id):
    """Save the checklist and ride home of an upcoming session."""
    preparation = read_preparation(request.form)
    refused = save_card(
        lambda: session_day.save_preparation(current_user, client_id, preparation),
        "Your session-day checklist is saved.",
        "This session changed elsewhere; here it is as saved. Try again.",
    )
    return refused or redirect(url_for("dashboard.index") + "#session-day")


def number_or_text(value: str):
    """Return a number typed in a form, or the text itself so the rules name the field."""
    try:
        number = float(value)
    except ValueError:
        return value
    return int(number) if number.is_integer() else number


@bp.route("/session-day/<uuid:client_id>/follow-up", methods=["POST"])
@login_required
def save_follow_up(client_id):
    """Merge the morning-after answers given into the session's follow-up."""
    answers = {
        key: number_or_text(request.form[key].strip())
        for key in session_day.FOLLOW_UP_KEYS
        if request.form.get(key, "").strip()
    }
    refused = save_card(
        lambda: session_day.save_follow_up(current_user, client_id, answers),
        "Saved on your session. Thank you.",
        "This session changed elsewhere; try again.",
    )
    return refused or redirect(url_for("dashboard.index"))
