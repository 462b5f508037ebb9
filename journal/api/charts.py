"""Charts as Plotly figure JSON, for the dashboard, the PWA's offline cache and integrations."""

from flask import Response, abort
from flask_login import current_user
from flask_smorest import Blueprint

from ..dashboard import services
from . import require_login
from .schemas import ChartOut, RangeQuery

bp = Blueprint("api_charts", __name__, url_prefix="/api/v1/charts", description="Charts")
bp.before_request(require_login)


@bp.route("/<name>")
@bp.arguments(RangeQuery, location="query")
@bp.response(200, ChartOut)
@bp.alt_response(404, description="No chart by that name")
def chart(query, name):
    """Return one chart (timeline, calendar, around-sessions, session-change, durability, items)."""
    if name not in services.CHART_NAMES:
        abort(404)
    body = services.chart_body(current_user, name, query["from_"], query["to"])
    return Response(body, mimetype="application/json")
