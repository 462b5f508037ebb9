"""Check-ins over JSON (the shared record API)."""

from flask_login import current_user

from ..checkins import services
from .records import record_blueprint
from .schemas import CheckInIn, CheckInList, CheckInOut, CheckInQuery

bp = record_blueprint(
    services.KIND,
    "checkins",
    "Check-ins",
    {"in": CheckInIn, "out": CheckInOut, "list": CheckInList, "query": CheckInQuery},
    lambda query, **page: services.list_checkins(
        current_user, query["from_"], query["to"], query["instrument"], **page
    ),
    "List check-ins in a date range, oldest first, a page at a time (follow `next`).",
)
