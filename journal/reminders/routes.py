"""Reminder pages: settings, the calendar download and feed, and one-click unsubscribe."""

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from ..accounts import web
from ..errors import Invalid
from ..extensions import csrf
from ..form_errors import show_service_errors
from . import bp, calendar, offer, rules, services
from .forms import KIND_LABELS, RemindersForm, fill, form_to_data

PRIVATE = {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"}


@bp.route("/", methods=["GET", "POST"])
@login_required
def settings():
    """Show and change reminder settings."""
    form = RemindersForm()
    status = 200
    pref = services.preference_for(current_user)
    saved = services.preferences_dict(pref)
    if form.validate_on_submit():
        try:
            services.save_preferences(
                current_user, form_to_data(form, saved["channels"]["calendar"])
            )
        except Invalid as exc:
            status = show_service_errors(form, exc, rules.REMINDERS.form_field)
        else:
            flash("Reminder settings saved.", "success")
            return redirect(url_for("reminders.settings"))
    elif form.is_submitted():
        status = 422
    else:
        fill(form, saved)
    return render_settings(form, saved), status


@bp.route("/email-on", methods=["POST"])
@login_required
def email_on():
    """Turn e-mail reminders on in one tap (Today's card), then go back to Today."""
    if not offer.email_possible(current_app.config):
        abort(404)  # this server sends no e-mail: the card never offers it
    offer.turn_on_email(current_user)
    flash(f"E-mail reminders are on: they go to {current_user.email}.", "success")
    return redirect(url_for("dashboard.index"), 303)


@bp.app_template_global()
def reminders_offer() -> dict | None:
    """Return what Today's reminders card offers the signed-in person (None: reminders are on)."""
    return offer.offer_for(current_user, current_app.config)


def render_settings(form: RemindersForm, saved: dict, new_calendar_url: str | None = None) -> str:
    """Render the settings page (with a just-made calendar URL, shown only this once)."""
    return render_template(
        "reminders/settings.html",
        form=form,
        prefs=saved,
        kind_labels=KIND_LABELS,
        devices=services.count_subscriptions(current_user),
        new_calendar_url=new_calendar_url,
        email_possible=offer.email_possible(current_app.config),
    )


@bp.route("/calendar", methods=["POST"])
@login_required
def calendar_subscription():
    """Make (showing it once) or revoke the secret calendar subscription URL."""
    if request.form.get("action") == "revoke":
        services.revoke_calendar_secret(current_user)
        flash("The calendar subscription URL no longer works.", "success")
        return redirect(url_for("reminders.settings"))
    secret = services.make_calendar_secret(current_user)
    form = RemindersForm()
    saved = services.preferences_dict(services.preference_for(current_user))
    fill(form, saved)
    url = url_for("reminders.calendar_feed", secret=secret, _external=True)
    return render_settings(form, saved, url)


def ics_response(data: bytes, download: bool) -> Response:
    """Return calendar bytes, private and uncached."""
    response = Response(data, mimetype="text/calendar")
    response.headers.update(PRIVATE)
    if download:
        response.headers["Content-Disposition"] = 'attachment; filename="mood-journal.ics"'
    return response


@bp.route("/calendar.ics")
@login_required
def calendar_download():
    """Download the reminder calendar (daily check-in with an alarm, planned sessions)."""
    return ics_response(calendar.build(current_user, request.host), download=True)


@bp.route("/<secret>.ics")
def calendar_feed(secret: str):
    """Serve the calendar at its secret subscription URL; 404 once revoked."""
    web.take("calendar_feed")
    owner = services.calendar_owner(secret)
    return ics_response(calendar.build(owner, request.host), download=False)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the credential; RFC 8058 mail clients send no CSRF token
def unsubscribe(token: str):
    """Stop e-mail reminders: a POST (the page's button or the mail client's one-click) does it."""
    user_id = services.unsubscribe_user(current_app.config["SECRET_KEY"], token)
    if request.method == "POST":
        services.set_channel(user_id, "email", False)
        return render_template("reminders/unsubscribed.html"), 200
    # A GET only asks: link scanners in mail systems open every link, and must not unsubscribe.
    return render_template("reminders/unsubscribe.html", token=token)
