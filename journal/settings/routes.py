"""The settings page."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from .. import crisis
from ..accounts.users import known_timezones
from ..errors import Invalid
from ..form_errors import show_service_errors
from . import bp, services
from .forms import SCHEDULE_LABELS, SettingsForm, fill, form_to_data
from .rules import SETTINGS


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
            status = show_service_errors(form, exc, SETTINGS.form_field)
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
