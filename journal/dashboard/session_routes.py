"""Today's session-day cards: save a session's checklist and ride home, and its follow-up."""

from flask import flash, redirect, request, url_for
from flask_login import current_user, login_required

from ..errors import Conflict, Invalid
from ..extensions import db
from ..safety.spec import CHECKLIST_MAX
from . import session_day
from .routes import bp


def read_checklist(form) -> list[dict]:
    """Read the card's checklist: kept items with their ticks, then a new one if typed."""
    removed = form.get("remove", "")
    items = []
    for number in range(CHECKLIST_MAX):
        text = form.get(f"item-{number}-text")
        if text is None or str(number) == removed or not text.strip():
            continue
        items.append({"text": text, "done": form.get(f"item-{number}-done") == "on"})
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


def say_errors(exc: Invalid) -> None:
    """Show a refusal as one message on Today (each fault named)."""
    details = "; ".join(exc.fields.values()) or exc.message
    flash(f"Not saved: {details}", "error")


def save_card(save, saved: str, conflict: str) -> None:
    """Run one card's save in the request's unit of work; on a refusal undo it and say why."""
    try:
        save()
    except Invalid as exc:
        db.session.rollback()  # the redirect that follows is a 302, which the request commits
        say_errors(exc)
    except Conflict:
        db.session.rollback()
        flash(conflict, "error")
    else:
        flash(saved, "info")


@bp.route("/session-day/<uuid:client_id>/preparation", methods=["POST"])
@login_required
def save_preparation(client_id):
    """Save the checklist and ride home of an upcoming session."""
    preparation = read_preparation(request.form)
    save_card(
        lambda: session_day.save_preparation(current_user, client_id, preparation),
        "Your session-day checklist is saved.",
        "This session changed elsewhere; here it is as saved. Try again.",
    )
    return redirect(url_for("dashboard.index") + "#session-day")


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
    save_card(
        lambda: session_day.save_follow_up(current_user, client_id, answers),
        "Saved on your session. Thank you.",
        "This session changed elsewhere; try again.",
    )
    return redirect(url_for("dashboard.index"))
