"""Reflection pages: list, write (guided by a session's follow-up prompt), read, edit, delete."""

import uuid

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import instruments
from ..errors import Conflict, Invalid
from ..form_errors import form_status, show_service_errors
from ..records import newest_page, user_today
from ..treatments import bp as treatments_bp
from ..treatments import services as treatments
from . import bp, rules, services
from .forms import ReflectionForm, field_for, fill_form, form_to_data, set_session_choices

CONFLICT_HELP = (
    "This reflection changed elsewhere since you opened it. Your words are still in the form and "
    "the saved version is shown below; save again to keep yours."
)


def save(form: ReflectionForm, client_id: str, base_revision: int | None = None):
    """Send a valid form to the service; return (redirect or None, the server copy on conflict)."""
    data = {**form_to_data(form), "base_revision": base_revision}
    try:
        reflection, _created = services.upsert_reflection(current_user, client_id, data)
    except Invalid as exc:
        show_service_errors(form, exc, field_for)
        return None, None
    except Conflict as exc:
        form.form_errors.append(CONFLICT_HELP)
        return None, exc.current
    flash("Reflection saved.", "info")
    return redirect(url_for("reflections.show", client_id=reflection.client_id)), None


def follow_up(key: str | None):
    """Return the follow-up prompt named in the URL (day0, day1, day7), or None."""
    return next((f for f in rules.FOLLOW_UPS if f[0] == key), None)


def render_form(form, client_id, reflection=None, base_revision=None, current=None, **context):
    """Render the reflection form (422 when it carries errors)."""
    status = form_status(form)
    return render_template(
        "reflections/form.html",
        form=form,
        client_id=client_id,
        reflection=reflection,
        base_revision=base_revision,
        current=current,
        prompts=rules.PROMPTS,
        record_fields=rules.REFLECTION.vocabulary(),
        **context,
    ), status


@bp.route("/")
@login_required
def index():
    """List reflections, newest first."""
    listing = newest_page(
        services.list_reflections, current_user, request.args.get("page", 1, type=int)
    )
    return render_template(
        "reflections/index.html",
        reflections=listing["items"],
        page=listing["page"],
        has_more=listing["has_more"],
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Write a reflection, linked to the session in the URL if there is one."""
    treatment = None
    if request.args.get("session"):
        treatment = services.find_session(current_user, request.args["session"])
        if treatment is None:
            abort(404)
    form = ReflectionForm()
    set_session_choices(form, services.session_choices(current_user), treatment)
    client_id = request.form.get("client_id") or str(uuid.uuid4())
    if request.method == "GET":
        form.local_date.data = user_today(current_user)
        form.session.data = str(treatment.client_id) if treatment is not None else ""
    elif form.validate_on_submit():
        response, _current = save(form, client_id)
        if response is not None:
            return response
    return render_form(
        form, client_id, treatment=treatment, follow_up=follow_up(request.args.get("prompt"))
    )


@bp.route("/<uuid:client_id>")
@login_required
def show(client_id):
    """Show one reflection."""
    reflection = services.get_reflection(current_user, client_id)
    return render_template("reflections/show.html", reflection=reflection, prompts=rules.PROMPTS)


@bp.route("/<uuid:client_id>/edit", methods=["GET", "POST"])
@login_required
def edit(client_id):
    """Change a reflection; a stale edit keeps the person's words and shows the saved copy."""
    reflection = services.get_reflection(current_user, client_id)
    form = ReflectionForm()
    set_session_choices(form, services.session_choices(current_user), reflection.treatment)
    current = None
    if request.method == "GET":
        fill_form(form, reflection)
        base_revision = reflection.revision
    else:
        base_revision = request.form.get("base_revision", type=int)
        if form.validate_on_submit():
            response, current = save(form, str(reflection.client_id), base_revision)
            if response is not None:
                return response
            if current is not None:
                # Saving again now overwrites the copy the person has just been shown.
                base_revision = current["revision"]
    return render_form(form, str(reflection.client_id), reflection, base_revision, current)


@bp.route("/<uuid:client_id>/delete", methods=["GET", "POST"])
@login_required
def delete(client_id):
    """Ask for confirmation, then delete a reflection."""
    reflection = services.get_reflection(current_user, client_id)
    if request.method == "POST":
        services.delete_reflection(current_user, client_id)
        flash("Reflection deleted.", "info")
        return redirect(url_for("reflections.index"))
    return render_template("reflections/delete.html", reflection=reflection)


@bp.app_template_filter("prompt_lead")
def prompt_lead(key: str) -> str:
    """Begin a follow-up prompt's sentence ("The day after your")."""
    return rules.PROMPT_LEADS.get(key, "After your")


@bp.app_template_filter("excerpt")
def excerpt(reflection) -> str:
    """Return a reflection's free text, or else its first answered prompt."""
    if reflection.text:
        return reflection.text
    answers = reflection.prompts or {}
    return next((answers[key] for key in rules.PROMPTS if answers.get(key)), "")


# A session's details page shows its reflections, so it lives here, on the sessions blueprint
# (URL and endpoint "treatments.show" unchanged): reflections build on sessions, never the reverse.
@treatments_bp.route("/<uuid:client_id>", endpoint="show")
@login_required
def session_page(client_id):
    """Show a session, its reflections and follow-up prompts, and the check-ins around it."""
    treatment = treatments.get_treatment(current_user, client_id)
    today = user_today(current_user)
    linked = services.list_reflections(current_user, treatment=treatment)
    return render_template(
        "treatments/show.html",
        treatment=treatment,
        reflections=linked,
        prompts=services.session_prompts(treatment, linked, today),
        checkins=treatments.checkins_around(current_user, treatment),
        instruments=instruments.INSTRUMENTS,
        today=today,
    )
