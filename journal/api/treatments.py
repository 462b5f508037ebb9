"""Treatment sessions over JSON (the shared record API)."""

from flask_login import current_user

from ..treatments import services
from .records import record_blueprint
from .schemas import TreatmentIn, TreatmentList, TreatmentOut, TreatmentQuery

bp = record_blueprint(
    services.KIND,
    "treatments",
    "Treatment sessions",
    {"in": TreatmentIn, "out": TreatmentOut, "list": TreatmentList, "query": TreatmentQuery},
    lambda query, **page: services.list_treatments(
        current_user, query["from_"], query["to"], **page
    ),
    "List sessions by their local date, oldest first, a page at a time (follow `next`).",
)
