"""Treatment sessions over JSON (the shared record API)."""

from flask_login import current_user

from ..treatments import services
from .records import record_blueprint
from .schemas import RangeQuery, TreatmentIn, TreatmentList, TreatmentOut

bp = record_blueprint(
    services.KIND,
    "treatments",
    "Treatment sessions",
    {"in": TreatmentIn, "out": TreatmentOut, "list": TreatmentList, "query": RangeQuery},
    lambda query: services.list_treatments(current_user, query["from_"], query["to"]),
    "List sessions by their local date, oldest first.",
)
