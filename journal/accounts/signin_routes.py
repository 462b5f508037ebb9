"""Sign-in, registration and sign-out pages."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..errors import Invalid
from ..form_errors import show_service_errors
from . import signup, totp, web
from . import users as services
from .rules import REGISTER
from .signin_forms import LoginForm, RegisterForm

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with email and password."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        web.begin_sign_in(form.email.data)
        user = services.authenticate(form.email.data, form.password.data)
        if user:
            web.sign_in_succeeded(form.email.data)
            if totp.is_enabled(user):
                web.start_two_step(user, form.remember.data)
                return redirect(url_for("account.two_step_login", next=request.args.get("next")))
            web.sign_in(user, form.remember.data)
            return redirect(web.safe_next(request.args.get("next")))
        web.sign_in_failed(form.email.data, services.find_user(form.email.data))
        status = 401
        form.password.errors.append("That email and password do not match an account.")
    return render_template("auth/login.html", form=form), status


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Create an account and sign in."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = RegisterForm()
    status = 200
    if form.validate_on_submit():
        web.take("signup_address")
        if signup.confirmation_on(current_app.config):
            try:
                web.start_signup(
                    form.email.data, form.password.data, form.timezone.data, form.region.data
                )
            except Invalid as exc:
                return registration_errors(form, exc)
            return render_template("account/signup_sent.html"), 202
        try:
            user = services.register_user(
                form.email.data, form.password.data, form.timezone.data, form.region.data
            )
        except Invalid as exc:
            return registration_errors(form, exc)
        else:
            web.sign_in(user, remember=False)
            flash("Welcome. Your first daily check-in takes under a minute.", "success")
            return redirect(url_for("dashboard.index"))
    elif form.is_submitted():
        status = 422
    return render_template(
        "auth/register.html", form=form, timezones=sorted(services.known_timezones())
    ), status


def registration_errors(form: RegisterForm, error: Invalid):
    """Show a refused registration's field errors on the form."""
    status = show_service_errors(form, error, REGISTER.form_field)
    page = render_template(
        "auth/register.html", form=form, timezones=sorted(services.known_timezones())
    )
    return page, status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out (POST only, so a link elsewhere cannot sign you out)."""
    web.sign_out()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))
