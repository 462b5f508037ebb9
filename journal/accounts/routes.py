"""Account pages: sessions, password, e-mail, activity, deletion, and the reset pages."""

from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..errors import DomainError
from . import events, notify, services, sessions, web
from .forms import (
    ConfirmForm,
    DeleteForm,
    EmailChangeForm,
    ForgotForm,
    PasswordChangeForm,
    ResetForm,
)

bp = Blueprint("account", __name__)


def show_errors(form, error: DomainError) -> int:
    """Put a service's field errors on the form; return the status to answer with."""
    for name, message in error.fields.items():
        field = form._fields.get(name)
        (field.errors if field is not None else form.form_errors).append(message)
    if not error.fields:
        form.form_errors.append(error.message)
    return error.status


@bp.route("/settings/account")
@login_required
def index():
    """Show the signed-in devices and the account's actions."""
    return render_template(
        "account/index.html",
        sessions=sessions.listing(current_user, web.current_token()),
        form=ConfirmForm(),
        zone=ZoneInfo(current_user.timezone),
    )


@bp.route("/settings/account/sessions/<int:session_id>/end", methods=["POST"])
@login_required
def end_session(session_id):
    """Sign one device out."""
    sessions.end_one(current_user, session_id)
    events.record("session_ended", current_user.id, **web.client())
    flash("That device is signed out.", "success")
    return redirect(url_for("account.index"))


@bp.route("/settings/account/sessions/end-others", methods=["POST"])
@login_required
def end_others():
    """Sign out every other device."""
    count = sessions.end_all(current_user, web.current_token())
    events.record("sessions_ended", current_user.id, **web.client())
    flash(f"Signed out {count} other device{'s' if count != 1 else ''}.", "success")
    return redirect(url_for("account.index"))


@bp.route("/settings/account/password", methods=["GET", "POST"])
@login_required
def password():
    """Change the password; other devices are signed out."""
    form = PasswordChangeForm()
    status = 200
    if form.validate_on_submit():
        try:
            ended = services.change_password(
                current_user,
                form.current_password.data,
                form.new_password.data,
                web.current_token(),
            )
        except DomainError as exc:
            status = show_errors(form, exc)
        else:
            events.record("password_changed", current_user.id, ended=str(ended), **web.client())
            flash("Password changed. Your other devices are signed out.", "success")
            return redirect(url_for("account.index"))
    elif form.is_submitted():
        status = 422
    return render_template("account/password.html", form=form), status


@bp.route("/settings/account/email", methods=["GET", "POST"])
@login_required
def email():
    """Change the sign-in e-mail (password required)."""
    form = EmailChangeForm()
    status = 200
    if form.validate_on_submit():
        try:
            old = services.change_email(current_user, form.password.data, form.email.data)
        except DomainError as exc:
            status = show_errors(form, exc)
        else:
            events.record("email_changed", current_user.id, **web.client())
            config = current_app.config
            notify.send_later(config, notify.email_changed_message(config, old))
            flash("E-mail address changed.", "success")
            return redirect(url_for("account.index"))
    elif form.is_submitted():
        status = 422
    return render_template("account/email.html", form=form), status


@bp.route("/settings/account/activity")
@login_required
def activity():
    """Show the account's latest security events."""
    return render_template(
        "account/activity.html",
        events=events.recent(current_user),
        zone=ZoneInfo(current_user.timezone),
    )


@bp.route("/settings/account/delete", methods=["GET", "POST"])
@login_required
def delete():
    """Delete the account and everything in it, after offering the export."""
    form = DeleteForm()
    status = 200
    if form.validate_on_submit():
        client = web.client()
        try:
            user_id = services.delete_account(current_user, form.password.data)
        except DomainError as exc:
            status = show_errors(form, exc)
        else:
            web.sign_out_deleted()
            events.record("account_deleted", user_id, **client)
            flash("Your account and everything in it are deleted.", "info")
            return redirect(url_for("auth.login"))
    elif form.is_submitted():
        status = 422
    return render_template("account/delete.html", form=form), status


@bp.route("/auth/forgot", methods=["GET", "POST"])
def forgot():
    """Ask for a reset link; the answer is the same whether or not the address has an account."""
    form = ForgotForm()
    if form.validate_on_submit():
        web.request_reset(form.email.data)
        return render_template("account/forgot_sent.html"), 202
    return render_template("account/forgot.html", form=form), 422 if form.is_submitted() else 200


@bp.route("/auth/reset/<token>", methods=["GET", "POST"])
def reset(token):
    """Choose a new password with an e-mailed link; every device is signed out."""
    if services.reset_user(token) is None:
        return render_template("account/reset_invalid.html"), 404
    form = ResetForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.reset_password(token, form.new_password.data)
        except DomainError as exc:
            status = show_errors(form, exc)
        else:
            events.record("password_reset", user.id, **web.client())
            flash("Password changed. Sign in with the new one.", "success")
            return redirect(url_for("auth.login"))
    elif form.is_submitted():
        status = 422
    return render_template("account/reset.html", form=form), status
