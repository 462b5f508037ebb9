"""Request and response schemas: they validate API input and generate the OpenAPI document."""

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate


class StrictInteger(fields.Integer):
    """An integer that refuses JSON true/false and strings like "2"."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _validated(self, value):
        """Refuse booleans, which Python counts as integers."""
        if isinstance(value, bool):
            raise ValidationError("Not a valid integer.")
        return super()._validated(value)


class Body(Schema):
    """Base for request bodies: unknown keys are ignored so older clients keep syncing."""

    class Meta:
        unknown = EXCLUDE


def iso_string(kind: str, **kwargs) -> fields.String:
    """Document an already-formatted ISO date, date-time or UUID string in a response."""
    return fields.String(metadata={"format": kind}, **kwargs)


class CsrfOut(Schema):
    """A CSRF token for the X-CSRFToken header."""

    csrf_token = fields.String(required=True)


class RegisterIn(Body):
    """A new account."""

    email = fields.String(required=True, metadata={"example": "sam@example.com"})
    password = fields.String(required=True, load_only=True)
    timezone = fields.String(required=True, metadata={"example": "America/Chicago"})
    region = fields.String(load_default="US", metadata={"description": "Crisis resources region"})


class LoginIn(Body):
    """Credentials."""

    email = fields.String(required=True)
    password = fields.String(required=True, load_only=True)


class UserOut(Schema):
    """The signed-in user, as the API shows them."""

    email = fields.String()
    timezone = fields.String()
    region = fields.String()
    gad7_enabled = fields.Boolean()
    today = iso_string("date")


class SessionOut(Schema):
    """A signed-in user and a CSRF token for unsafe requests."""

    user = fields.Nested(UserOut)
    csrf_token = fields.String()


class MeOut(UserOut):
    """The signed-in user with a fresh CSRF token."""

    csrf_token = fields.String()


class InstrumentOut(Schema):
    """An instrument definition (items, answers, bands, codes)."""

    class Meta:
        unknown = EXCLUDE

    id = fields.String()
    title = fields.String()
    short_title = fields.String()
    stem = fields.String()
    validated = fields.Boolean()
    items = fields.List(fields.Dict())
    options = fields.List(fields.Dict())
    bands = fields.List(fields.Dict())
    bands_note = fields.String()
    max_total = fields.Integer()
    safety_item = fields.Integer(allow_none=True)
    panel_loinc = fields.String(allow_none=True)
    total_loinc = fields.String(allow_none=True)
    answer_list_loinc = fields.String(allow_none=True)
    mood = fields.Dict(allow_none=True)
    attribution = fields.String(allow_none=True)


class InstrumentList(Schema):
    """All instruments."""

    items = fields.List(fields.Nested(InstrumentOut))


class CheckInIn(Body):
    """A check-in to create or update."""

    instrument = fields.String(required=True, metadata={"example": "daily"})
    local_date = fields.Date(required=True)
    # Items are checked by the instrument's own rules (one place, 1-based messages).
    answers = fields.List(
        fields.Raw(metadata={"type": "integer", "minimum": 0, "maximum": 3}),
        required=True,
        metadata={"example": [1, 2, 1, 0, 0, 1, 0, 0, 0]},
    )
    mood = StrictInteger(allow_none=True, load_default=None)
    note = fields.String(allow_none=True, load_default=None)
    base_revision = StrictInteger(allow_none=True, load_default=None)


class Resource(Schema):
    """A crisis service and how to reach it."""

    name = fields.String()
    contact = fields.String()
    href = fields.String(allow_none=True)


class Safety(Schema):
    """Crisis resources, present when item 9 was answered above 0."""

    region = fields.String()
    region_name = fields.String()
    resources = fields.List(fields.Nested(Resource))
    notice = fields.String()


class Record(Schema):
    """Fields every stored record carries."""

    client_id = iso_string("uuid")
    revision = fields.Integer()
    created_at = iso_string("date-time")
    updated_at = iso_string("date-time")


class CheckInOut(Record):
    """A stored check-in with its score."""

    instrument = fields.String()
    local_date = iso_string("date")
    answers = fields.List(fields.Integer())
    mood = fields.Integer(allow_none=True)
    note = fields.String(allow_none=True)
    total = fields.Integer()
    band = fields.String()
    safety = fields.Nested(Safety, allow_none=True)


class CheckInList(Schema):
    """Check-ins, oldest first."""

    items = fields.List(fields.Nested(CheckInOut))


class RangeQuery(Schema):
    """A date range filter."""

    class Meta:
        unknown = EXCLUDE

    from_ = fields.Date(data_key="from", load_default=None)
    to = fields.Date(load_default=None)


class CheckInQuery(RangeQuery):
    """Filter check-ins by date range and instrument."""

    instrument = fields.String(
        load_default=None, validate=validate.OneOf(["daily", "phq9", "gad7"])
    )
