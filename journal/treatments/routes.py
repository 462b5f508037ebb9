"""Session pages: list, log, edit, delete.

The details page (a session with its reflections) attaches in reflections/routes.py: reflections
build on sessions, so sessions never import them.
"""

import uuid
from zoneinfo import ZoneInfo

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..errors import Conflict, Invalid
from ..form_errors import form_status, show_service_errors
from ..models import utcnow
from ..records import newest_page, user_today
from . import bp, quick, rules, services
from .forms import TreatmentForm, field_for, fill_form, fill_now, form_to_data

CONFLICT_HELP = (
    "This session changed elsewhere since you opened it. Your version is in the form and the "
    "saved one is shown below; save again to keep yours."
)


def user_zone() -> ZoneInfo:
    """Return the signed-in user's time zone."""
    return ZoneInfo(current_user.timezone)


def save(form: TreatmentForm, client_id: str, base_revision: int | None = None):
    """Send a valid form to the service; return (redirect or None, the server copy on conflict)."""
    try:
        data = {**form_to_data(form, user_zone()), "base_revision": base_revision}
        treatment, _created = services.upsert_treatment(current_user, client_id, data)
    except Invalid as exc:
        show_service_errors(form, exc, field_for)
        return None, None
    except Conflict as exc:
        form.form_errors.append(CONFLICT_HELP)
        return None, exc.current
    flash("Session saved.", "info")
    return redirect(url_for("treatments.show", client_id=treatment.client_id)), None


def render_form(form, client_id, treatment=None, base_revision=None, current=None):
    """Render the session form (422 when it carries errors)."""
    status = form_status(form)
    return render_template(
        "treatments/form.html",
        form=form,
        client_id=client_id,
        treatment=treatment,
        base_revision=base_revision,
        current=current,
        level_effects=rules.LEVEL_EFFECTS,
        record_fields=rules.TREATMENT.vocabulary(),
    ), status


@bp.route("/")
@login_required
def index():
    """List sessions, newest first (planned ones ahead come first)."""
    listing = newest_page(
        services.list_treatments, current_user, request.args.get("page", 1, type=int)
    )
    today = user_today(current_user)
    return render_template(
        "treatments/index.html",
        treatments=listing["items"],
        page=listing["page"],
        has_more=listing["has_more"],
        today=today,
        quick_session=quick.quick_log(current_user, today, utcnow()),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Log a session (the date and time start at now, where the user is)."""
    form = TreatmentForm()
    client_id = request.form.get("client_id") or str(uuid.uuid4())
    if request.method == "GET":
        fill_now(form, user_zone(), utcnow())
    elif form.validate_on_submit():
        response, _current = save(form, client_id)
        if response is not None:
            return response
    return render_form(form, client_id)


@bp.route("/<uuid:client_id>/edit", methods=["GET", "POST"])
@login_required
def edit(client_id):
    """Change a session (the form carries the revision it was based on)."""
    treatment = services.get_treatment(current_user, client_id)
    form = TreatmentForm()
    current = None
    if request.method == "GET":
        fill_form(form, treatment, user_zone())
        base_revision = treatment.revision
    else:
        base_revision = request.form.get("base_revision", type=int)
        if form.validate_on_submit():
            response, current = save(form, str(treatment.client_id), base_revision)
            if response is not None:
                return response
            if current is not None:
                # Saving again now overwrites the copy the person has just been shown.
                base_revision = current["revision"]
    return render_form(form, str(treatment.client_id), treatment, base_revision, current)


@bp.route("/<uuid:client_id>/delete", methods=["GET", "POST"])
@login_required
def delete(client_id):
    """Ask for confirmation, then delete a session; its reflections are kept, unlinked."""
    treatment = services.get_treatment(current_user, client_id)
    kept = services.count_reflections(treatment)
    if request.method == "POST":
        services.delete_treatment(current_user, client_id)
        flash("Session deleted." + (f" Its reflections ({kept}) are kept." if kept else ""), "info")
        return redirect(url_for("treatments.index"))
    return render_template("treatments/delete.html", treatment=treatment, kept=kept)


@bp.app_template_filter("route_name")
def route_name(treatment) -> str:
    """Name a session's medication and route for people ("Esketamine · Intranasal")."""
    return rules.describe(treatment)


@bp.app_template_filter("in_zone")
def in_zone(moment, timezone: str):
    """Return an aware datetime on the wall clock of a time zone."""
    return moment.astimezone(ZoneInfo(timezone))


@bp.app_template_filter("dose_text")
def dose_text(treatment) -> str:
    """Format a session's dose ("56 mg", "0.5 mg/kg"), or an empty string."""
    return f"{treatment.dose:g} {treatment.dose_unit}" if treatment.dose is not None else ""
