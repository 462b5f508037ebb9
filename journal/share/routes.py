"""Share pages: the owner's list (create, revoke) and the therapist's read-only view by token.

The view and its chart data under /s/<token> are the only routes that accept a share token;
they show the owner's data in the link's range and nothing that links into the account.
"""

from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import charts as chart_registry
from .. import models, report
from ..accounts import events, web
from ..dashboard import services as charts
from ..errors import Invalid
from ..form_errors import show_service_errors
from ..instruments import ATTRIBUTION
from ..records import user_today
from . import services
from .forms import ShareForm
from .rules import SHARE

bp = Blueprint("share", __name__)
EXTRA_CHARTS = tuple(n for n in charts.CHART_NAMES if n not in report.REPORT_CHARTS)
# The token is in the URL: keep the page out of indexes and caches. (Referrers: the app-wide
# same-origin policy already keeps the URL from other sites, and the page adds no-referrer.)
PRIVATE_HEADERS = {"X-Robots-Tag": "noindex, nofollow, noarchive", "Cache-Control": "no-store"}


def fill_defaults(form: ShareForm) -> None:
    """Propose the last 90 days and the default expiry."""
    form.start.data, form.end.data = report.default_range(current_user)


def render_index(form: ShareForm, status: int = 200, created=None):
    """Render the owner's list with the form (and a new link's URL, shown only this once)."""
    now = models.utcnow()
    links = services.list_shares(current_user)
    return render_template(
        "share/index.html",
        form=form,
        links=[(link, services.status(link, now)) for link in links],
        created=created,
        zone=ZoneInfo(current_user.timezone),
        expires=SHARE.field("expires_in_days"),
    ), status


@bp.route("/shares/", methods=["GET", "POST"])
@login_required
def index():
    """List the user's share links and make a new one."""
    form = ShareForm()
    if request.method == "GET":
        fill_defaults(form)
        return render_index(form)
    if not form.validate_on_submit():
        return render_index(form, 422)
    try:
        link, token = services.create_share(current_user, form.to_data())
    except Invalid as exc:
        return render_index(form, show_service_errors(form, exc, SHARE.form_field))
    events.record("share_created", current_user.id, share_id=str(link.id), **web.client())
    url = url_for("share.view", token=token, _external=True)
    fresh = ShareForm(formdata=None)
    fill_defaults(fresh)
    # Rendered, not redirected: the URL must not travel through a flash message in the cookie.
    return render_index(fresh, 201, created=(link, url))


@bp.route("/shares/<int:share_id>/revoke", methods=["POST"])
@login_required
def revoke(share_id: int):
    """Revoke a link at once."""
    services.revoke_share(current_user, share_id)
    events.record("share_revoked", current_user.id, share_id=str(share_id), **web.client())
    flash("Link revoked: it no longer opens.", "info")
    return redirect(url_for("share.index"))


def private(response: Response) -> Response:
    """Add the headers every token page carries."""
    response.headers.update(PRIVATE_HEADERS)
    return response


@bp.route("/s/<token>")
def view(token: str):
    """Show the therapist the report's content and interactive charts (logs the opening)."""
    link = services.open_share(token)
    # Like share_opens, the owner's log holds the time only, nothing about who opened it.
    events.record("share_opened", link.user_id, share_id=str(link.id))
    owner = services.owner(link)
    the_report, _inputs = report.build_report(
        owner,
        link.start_date,
        link.end_date,
        link.include_reflections,
        limits=report.FULL,
        include_safety_plan=link.include_safety_plan,
    )
    html = render_template(
        "share/view.html",
        link=link,
        report=the_report,
        zone=ZoneInfo(owner.timezone),
        chart_titles=charts.CHART_TITLES,
        chart_src={n: url_for("share.chart", token=token, name=n) for n in charts.CHART_NAMES},
        extra_charts=EXTRA_CHARTS,
        attribution=ATTRIBUTION,
        fold=True,  # the details behind headings: the summary fits a screen or two
    )
    return private(Response(html, mimetype="text/html"))


@bp.route("/s/<token>/charts/<name>")
def chart(token: str, name: str):
    """Return one chart of the link's range as Plotly JSON (not counted as an opening)."""
    link = services.find_active(token)
    if name not in charts.CHART_NAMES:
        abort(404)
    owner = services.owner(link)
    inputs = charts.load_inputs(owner, link.start_date, link.end_date)
    body = chart_registry.body(name, report.clinician_data(inputs, user_today(owner)))
    return private(Response(body, mimetype="application/json"))
