"""The settings page."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from .. import crisis
from ..accounts.users import known_timezones
from ..errors import Invalid
from . import bp, services
from .forms import SCHEDULE_LABELS, SettingsForm, fill, form_to_data


def field_name(error_key: str) -> str:
    """Map a service error key ("schedules.gad7.every_days") to the form field showing it."""
    if error_key.startswith("schedules."):
        parts = error_key.split(".")
        suffix = {"every_days": "every", "form": "form"}.get(parts[-1], parts[-1])
        return f"{parts[1]}_{suffix}" if len(parts) > 2 else f"{parts[1]}_enabled"
    return error_key


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    """Show and change every setting."""
    form = SettingsForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.update_settings(current_user, form_to_data(form))
        except Invalid as exc:
            status = 422
            for key, message in exc.fields.items():
                field = form._fields.get(field_name(key))
                (field.errors if field is not None else form.form_errors).append(message)
        else:
            flash("Settings saved.", "success")
            return redirect(url_for("settings.index"))
    elif form.is_submitted():
        status = 422
    else:
        fill(form, current_user, services.settings_dict(current_user))
    return render_template(
        "settings/index.html",
        form=form,
        schedule_labels=SCHEDULE_LABELS,
        timezones=sorted(known_timezones()),
        zone_region=crisis.REGIONS[crisis.region_for_timezone(current_user.timezone)][0],
    ), status
