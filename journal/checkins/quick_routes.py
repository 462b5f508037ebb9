"""Today's one-tap mood: save and undo, answered on Today itself (in place, or after a redirect)."""

import uuid

from flask import redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from .. import instruments
from ..records import user_today
from . import bp, moods, quick_mood, services
from .quick_forms import QuickMoodForm, UndoMoodForm

SAID = "quick_mood_said"  # the session key that carries the answer across the redirect
FRAGMENT = "X-Fragment"  # quick-mood.js asks for the card's new markup instead of a redirect


def answer(said: quick_mood.Said):
    """Answer a tap or an Undo: the card's markup for quick-mood.js, else back to Today."""
    if request.headers.get(FRAGMENT):
        return render_card(said)
    session[SAID] = {
        "client_id": str(said.checkin.client_id) if said.checkin else None,
        "before": said.before,
    }
    return redirect(url_for("dashboard.index"), 303)


def render_card(said: quick_mood.Said):
    """Render the one-tap card: the mood buttons and what the last tap or Undo did."""
    today = user_today(current_user)
    return render_template(
        "dashboard/_quick_mood.html",
        said=said,
        today=today,
        todays_checkin=services.occupant(current_user, instruments.DAILY.id, today),
        quick_client_id=str(uuid.uuid4()),
    )


def refused(form):
    """Show a refused tap or Undo with each field's problem (422: nothing was written)."""
    return render_template("checkins/quick_mood_refused.html", form=form), 422


@bp.post("/mood")
@login_required
def quick_mood_save():
    """Set today's mood from one tap."""
    form = QuickMoodForm()
    if not form.validate_on_submit():
        return refused(form)
    day = form.local_date.data or user_today(current_user)
    client_id = form.client_id.data or uuid.uuid4()
    return answer(quick_mood.set_mood(current_user, day, form.mood.data, client_id))


@bp.post("/mood/undo")
@login_required
def quick_mood_undo():
    """Undo the last tap: restore the day's entry as it was, or delete it if the tap made it."""
    form = UndoMoodForm()
    if not form.validate_on_submit():
        return refused(form)
    said = quick_mood.undo(current_user, form.client_id.data, form.revision.data, form.before.data)
    return answer(said)


@bp.app_template_global()
def quick_mood_said() -> quick_mood.Said | None:
    """Return, once, what the last plain (no JavaScript) tap or Undo did, for Today's card."""
    said = session.pop(SAID, None)
    if not said or not current_user.is_authenticated:
        return None
    return quick_mood.recall(current_user, said["client_id"], said["before"])


@bp.app_template_filter("mood_word")
def mood_word(mood: int) -> str:
    """Return a mood 0-10 in a word, for pages."""
    return moods.word(mood)
