"""The safety plan page: read and edit the plan (plain HTML forms; works offline once visited)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..errors import Invalid
from . import forms, services

bp = Blueprint("safety", __name__)


@bp.route("/safety-plan", methods=["GET", "POST"])
@login_required
def page():
    """Show the plan with its form; save a posted one (422 with each fault beside its entry)."""
    plan = services.get_plan(current_user)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        body, rows, paths = forms.read_form(request.form)
        try:
            services.save_plan(current_user, body)
        except Invalid as exc:
            errors, status = forms.place_errors(exc.fields, paths), 422
        else:
            flash("Your plan is saved.", "info")
            return redirect(url_for("safety.page"))
    else:
        rows = forms.rows_from_plan(services.plan_to_dict(plan))
    return render_template(
        "safety/plan.html",
        sections=forms.sections(rows, errors),
        errors=errors,
        plan=plan,
        entries_max=forms.ENTRIES_MAX,
        entry_max=forms.ENTRY_MAX,
    ), status


@bp.app_template_filter("tel_href")
def tel_href(phone: str | None) -> str | None:
    """Return a tel: link for a phone number as typed (digits and a leading +), or None."""
    if not phone:
        return None
    digits = "".join(c for c in phone if c.isdigit())
    return f"tel:{'+' if phone.strip().startswith('+') else ''}{digits}" if digits else None


def crisis_plan() -> dict | None:
    """Return what the signed-in person's crisis box shows of their plan (None: no plan)."""
    if not current_user.is_authenticated:
        return None
    part = services.crisis_part(current_user)
    if part is None:
        return None
    helpers = [{**helper, "tel": tel_href(helper.get("phone"))} for helper in part["helpers"]]
    return {**part, "helpers": helpers}


@bp.app_context_processor
def crisis_box_helpers() -> dict:
    """Let every crisis box ask for the plan (only rendered boxes pay for the query)."""
    return {"crisis_plan": crisis_plan}
