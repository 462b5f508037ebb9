"""Check-in pages: the form, the result (crisis resources first), history, edit, delete."""

import uuid
from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import crisis, instruments
from ..errors import Conflict, Invalid
from ..form_errors import form_status, show_service_errors
from ..models import utcnow
from ..records import newest_page, user_today
from . import bp, history, month, moods, services
from .forms import checkin_form_class, form_to_data, item_field_names

UNDO_WINDOW = timedelta(minutes=15)


def instrument_or_404(instrument_id: str | None) -> instruments.Instrument:
    """Return the instrument named in the URL, or 404."""
    if instrument_id not in instruments.INSTRUMENTS:
        abort(404)
    return instruments.INSTRUMENTS[instrument_id]


def field_for(name: str) -> str:
    """Return the form field that shows a service error about `name` (answers.3 -> item3)."""
    if name == "tags" or name.startswith("tags."):
        return "tags"
    return "item" + name.split(".", 1)[1] if name.startswith("answers.") else name


def render_form(form, instrument, client_id, checkin=None, base_revision=None):
    """Render the check-in form page (422 when it carries errors)."""
    status = form_status(form)
    return render_template(
        "checkins/form.html",
        form=form,
        instrument=instrument,
        item_fields=item_field_names(instrument),
        checkin=checkin,
        client_id=client_id,
        base_revision=base_revision,
        crisis_info=crisis.resources_for(current_user.region),
        tag_chips=tag_chips(form) if "tags" in form else [],
    ), status


def tag_chips(form) -> list[dict]:
    """Return the one-tap chips: the form's own tags (ticked), then recent ones (not ticked)."""
    ticked = list(form.tags.data or [])
    chips = {tag.casefold(): {"tag": tag, "checked": True} for tag in ticked}
    for tag in services.recent_tags(current_user):
        chips.setdefault(tag.casefold(), {"tag": tag, "checked": False})
    return list(chips.values())


def save(form, instrument, client_id, base_revision=None):
    """Send a valid form to the service; return a redirect, or None with errors on the form."""
    data = form_to_data(form, instrument)
    data["base_revision"] = base_revision
    try:
        checkin, _created = services.upsert_checkin(current_user, client_id, data)
    except Invalid as exc:
        show_service_errors(form, exc, field_for)
        return None
    except Conflict as exc:
        form.form_errors.append(exc.message)
        return None
    return redirect(url_for("checkins.show", client_id=checkin.client_id))


@bp.route("/")
@login_required
def index():
    """Show history: a month of moods and the days in words, or (view=table) the table."""
    if request.args.get("view") == "table":
        listing = newest_page(
            services.list_checkins, current_user, request.args.get("page", 1, type=int)
        )
        return render_template(
            "checkins/index.html",
            view="table",
            checkins=listing["items"],
            page=listing["page"],
            has_more=listing["has_more"],
            instruments=instruments.INSTRUMENTS,
        )
    today = user_today(current_user)
    first, before = history_query(request.args, today)
    lines, older = history.days_page(current_user, before, today)
    return render_template(
        "checkins/index.html",
        view="month",
        first=first,
        weeks=history.month_grid(current_user, first, today),
        previous_month=month.shift(first, -1),
        next_month=month.shift(first, 1) if first < today.replace(day=1) else None,
        lines=lines,
        older=older,
        paged=before is not None,
        mood_bands=moods.BANDS,
    )


def history_query(args, today):
    """Return the month to draw and the day the list starts before; Invalid (422) if malformed."""
    errors = {}
    try:
        first = month.parse_month(args.get("month"), today)
    except ValueError:
        errors["month"], first = "Give a month as YYYY-MM.", None
    before = args.get("before")
    try:
        before = date.fromisoformat(before) if before else None
    except ValueError:
        errors["before"] = "Give a date as YYYY-MM-DD."
    if errors:
        raise Invalid("Some fields need attention.", errors)
    if before is None and args.get("month"):
        before = month.shift(first, 1)  # the list of days starts at the month's end
    return first, before


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Fill in a check-in for an instrument (the daily one unless the URL says otherwise)."""
    instrument = instrument_or_404(request.args.get("instrument", "daily"))
    form = checkin_form_class(instrument)()
    client_id = request.form.get("client_id") or str(uuid.uuid4())
    # Set when the form changes an existing check-in (today's, shown here at this very URL).
    base_revision = request.form.get("base_revision", type=int)
    if request.method == "GET":
        form.local_date.data = user_today(current_user)
        existing = services.occupant(current_user, instrument.id, form.local_date.data)
        if existing is not None:
            # Today's entry, to change, at this URL rather than a redirect to its edit page:
            # the "Check in" link and the app shortcut are stored for offline use under this
            # URL, and a redirect's target never is (the worker stores no redirected answer).
            # Only a person's navigation gets the note: the offline warm-up fetches this page
            # too, and its flash would surface on whatever page they open next.
            if request.headers.get("Sec-Fetch-Mode", "navigate") == "navigate":
                flash(f"You already did today's {instrument.short_title}; you can change it here.")
            fill_from(form, existing, instrument)
            client_id, base_revision = str(existing.client_id), existing.revision
    elif form.validate_on_submit():
        response = save(form, instrument, client_id, base_revision)
        if response is not None:
            return response
    return render_form(form, instrument, client_id, base_revision=base_revision)


def fill_from(form, checkin, instrument) -> None:
    """Put a saved check-in's answers into its form."""
    form.local_date.data = checkin.local_date
    form.note.data = checkin.note
    for name, answer in zip(item_field_names(instrument), checkin.answers, strict=True):
        form[name].data = answer
    if instrument.has_mood:
        form.mood.data = checkin.mood
    if "tags" in form:
        form.tags.data = list(checkin.tags or [])


@bp.route("/<uuid:client_id>")
@login_required
def show(client_id):
    """Show one check-in: crisis resources first when item 9 is above 0, then the score."""
    checkin = services.get_checkin(current_user, client_id)
    return render_template(
        "checkins/show.html",
        checkin=checkin,
        instrument=instruments.INSTRUMENTS[checkin.instrument],
        scores=services.derived_scores(checkin),
        # A new entry (one tap on a mood, say) can be undone at once, without a confirmation page.
        just_made=checkin.revision == 1 and utcnow() - checkin.created_at < UNDO_WINDOW,
        crisis_info=crisis.resources_for(current_user.region) if checkin.safety else None,
    )


@bp.route("/<uuid:client_id>/edit", methods=["GET", "POST"])
@login_required
def edit(client_id):
    """Change a check-in (the form carries the revision it was based on)."""
    checkin = services.get_checkin(current_user, client_id)
    instrument = instruments.INSTRUMENTS[checkin.instrument]
    form = checkin_form_class(instrument)()
    if request.method == "GET":
        fill_from(form, checkin, instrument)
        base_revision = checkin.revision
    else:
        base_revision = request.form.get("base_revision", type=int)
        if form.validate_on_submit():
            response = save(form, instrument, checkin.client_id, base_revision)
            if response is not None:
                return response
    return render_form(form, instrument, str(checkin.client_id), checkin, base_revision)


@bp.route("/<uuid:client_id>/delete", methods=["GET", "POST"])
@login_required
def delete(client_id):
    """Ask for confirmation, then delete a check-in."""
    checkin = services.get_checkin(current_user, client_id)
    if request.method == "POST":
        services.delete_checkin(current_user, client_id)
        flash("Check-in deleted.", "info")
        return redirect(url_for("checkins.index"))
    return render_template(
        "checkins/delete.html",
        checkin=checkin,
        instrument=instruments.INSTRUMENTS[checkin.instrument],
    )
