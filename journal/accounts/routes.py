"""Account pages: sessions, password, e-mail, activity, deletion, and the reset pages."""

import time
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..form_errors import show_service_errors
from ..models import User
from . import events, notify, services, sessions, signup, totp, web
from .forms import (
    CodeForm,
    ConfirmForm,
    DeleteForm,
    EmailChangeForm,
    ForgotForm,
    PasswordChangeForm,
    ResetForm,
)

bp = Blueprint("account", __name__)


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
            status = show_service_errors(form, exc)
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
            status = show_service_errors(form, exc)
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
        events=[events.event_dict(row) for row in events.recent(current_user)],
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
            status = show_service_errors(form, exc)
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
            status = show_service_errors(form, exc)
        else:
            events.record("password_reset", user.id, **web.client())
            flash("Password changed. Sign in with the new one.", "success")
            return redirect(url_for("auth.login"))
    elif form.is_submitted():
        status = 422
    return render_template("account/reset.html", form=form), status


@bp.route("/settings/account/two-step", methods=["GET", "POST"])
@login_required
def two_step():
    """Turn two-step sign-in on (scan, then confirm a code) or show that it is on."""
    if totp.is_enabled(current_user):
        return render_template(
            "account/two_step_on.html",
            form=DeleteForm(),
            left=totp.recovery_left(current_user),
        )
    form = CodeForm()
    secret = session.get(totp.SETUP_KEY) or totp.new_secret()
    session[totp.SETUP_KEY] = secret
    status = 200
    if form.validate_on_submit():
        codes = totp.enable(current_user, secret, form.code.data)
        if codes:
            session.pop(totp.SETUP_KEY, None)
            events.record("two_step_enabled", current_user.id, **web.client())
            # Rendered, not redirected: the codes must not travel in a flash cookie.
            return render_template("account/two_step_codes.html", codes=codes), 201
        form.code.errors.append("That code is not right; check the time on your phone.")
        status = 422
    elif form.is_submitted():
        status = 422
    return render_template(
        "account/two_step.html",
        form=form,
        secret=secret,
        qr=totp.qr_data_uri(current_user, secret),
    ), status


@bp.route("/settings/account/two-step/off", methods=["POST"])
@login_required
def two_step_off():
    """Turn two-step sign-in off (password required)."""
    form = DeleteForm()
    try:
        services.require_password(current_user, form.password.data)
    except DomainError as exc:
        show_service_errors(form, exc)
        page = render_template(
            "account/two_step_on.html", form=form, left=totp.recovery_left(current_user)
        )
        return page, exc.status
    totp.disable(current_user)
    events.record("two_step_disabled", current_user.id, **web.client())
    flash("Two-step sign-in is off.", "info")
    return redirect(url_for("account.index"))


@bp.route("/auth/two-step", methods=["GET", "POST"])
def two_step_login():
    """The second sign-in step: a code from the app, or a recovery code."""
    pending = session.get(web.PENDING_KEY)
    user = db.session.get(User, pending["user_id"]) if pending else None
    if user is None or time.time() - pending["at"] > web.PENDING_SECONDS:
        session.pop(web.PENDING_KEY, None)
        message = "This step has expired. Sign in with your password again."
        return render_template("error.html", status=404, message=message), 404
    form = CodeForm()
    form.code.label.text = "Code from your authenticator app, or a recovery code"
    status = 200
    if form.validate_on_submit():
        web.begin_sign_in(user.email)
        if totp.verify(user, form.code.data):
            web.sign_in_succeeded(user.email)
            web.sign_in(user, pending["remember"])
            return redirect(web.safe_next(request.args.get("next")))
        events.record("two_step_failed", user.id, **web.client())
        form.code.errors.append("That code is not right.")
        status = 401
    return render_template("account/two_step_login.html", form=form), status


@bp.route("/auth/confirm/<token>", methods=["GET", "POST"])
def confirm_signup(token):
    """Finish an e-mail-confirmed sign-up (a button, so a mail scanner's visit creates nothing)."""
    form = ConfirmForm()
    if form.validate_on_submit():
        user = signup.finish(token)
        if user is not None:
            web.sign_in(user, remember=False)
            flash("Welcome. Your first daily check-in takes under a minute.", "success")
            return redirect(url_for("dashboard.index"))
    elif request.method == "GET":
        return render_template("account/confirm.html", form=form)
    message = "This link has expired or was already used. Sign in, or sign up again."
    return render_template("error.html", status=404, message=message), 404
