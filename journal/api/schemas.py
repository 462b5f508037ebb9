"""Request and response schemas: they validate API input and generate the OpenAPI document."""

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from .. import paging
from ..checkins.rules import CHECKIN
from ..fields import EARLIEST, RecordSpec, date_problem
from ..reflections.rules import REFLECTION
from ..treatments.rules import TREATMENT


class StrictInteger(fields.Integer):
    """An integer that refuses JSON true/false and strings like "2"."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _validated(self, value):
        """Refuse booleans, which Python counts as integers."""
        if isinstance(value, bool):
            raise ValidationError("Not a valid integer.")
        return super()._validated(value)


class WindowDate(fields.Date):
    """A date from 1900 to a year ahead: every record and range uses that window."""

    def _deserialize(self, value, attr, data, **kwargs):
        """Parse the date, then refuse it outside the window."""
        day = super()._deserialize(value, attr, data, **kwargs)
        if problem := date_problem(day):
            raise ValidationError(problem)
        return day

    def __init__(self, **kwargs):
        metadata = {"description": f"From {EARLIEST.isoformat()} to a year ahead"}
        super().__init__(metadata={**metadata, **kwargs.pop("metadata", {})}, **kwargs)


class Body(Schema):
    """Base for request bodies: unknown keys are ignored so older clients keep syncing."""

    class Meta:
        unknown = EXCLUDE


def iso_string(kind: str, **kwargs) -> fields.String:
    """Document an already-formatted ISO date, date-time or UUID string in a response."""
    return fields.String(metadata={"format": kind}, **kwargs)


def next_cursor() -> fields.String:
    """Document the cursor of the next page that every list carries."""
    return fields.String(
        allow_none=True,
        metadata={
            "description": "Opaque cursor of the next page: pass it back as `cursor` with the "
            "same filters; null on the last page"
        },
    )


class CsrfOut(Schema):
    """A CSRF token for the X-CSRFToken header."""

    csrf_token = fields.String(required=True)


class RegisterIn(Body):
    """A new account."""

    email = fields.String(required=True, metadata={"example": "sam@example.com"})
    password = fields.String(required=True, load_only=True)
    timezone = fields.String(required=True, metadata={"example": "America/Chicago"})
    region = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "Crisis resources region; by default, from the time zone"},
    )
    remember = fields.Boolean(load_default=False, metadata={"description": "Keep me signed in"})


class LoginIn(Body):
    """Credentials."""

    email = fields.String(required=True)
    password = fields.String(required=True, load_only=True)
    remember = fields.Boolean(
        load_default=False, metadata={"description": "Keep me signed in on this device"}
    )
    otp = fields.String(
        load_default=None,
        allow_none=True,
        load_only=True,
        metadata={"description": "With two-step sign-in on: the app's code or a recovery code"},
    )


class UserOut(Schema):
    """The signed-in user, as the API shows them."""

    email = fields.String()
    timezone = fields.String()
    region = fields.String()
    gad7_enabled = fields.Boolean()
    today = iso_string("date")
    display_name = fields.String(allow_none=True)
    theme = fields.String(metadata={"enum": ["system", "light", "dark"]})
    week_start = fields.String(metadata={"enum": ["monday", "sunday", "saturday"]})
    schedules = fields.Dict(
        metadata={"description": "per questionnaire: enabled, every_days, after_session, form?"}
    )


class SessionOut(Schema):
    """A signed-in user and a CSRF token for unsafe requests."""

    user = fields.Nested(UserOut)
    csrf_token = fields.String()


class MeOut(UserOut):
    """The signed-in user with a fresh CSRF token."""

    csrf_token = fields.String()


class SettingsIn(Body):
    """Settings to change; fields left out stay as they are (rules in journal.settings)."""

    display_name = fields.Raw(allow_none=True, metadata={"type": "string", "maxLength": 80})
    timezone = fields.Raw(metadata={"type": "string", "example": "Europe/London"})
    region = fields.Raw(
        allow_none=True,
        metadata={"type": "string", "description": "crisis region; null = from the time zone"},
    )
    theme = fields.Raw(metadata={"type": "string", "enum": ["system", "light", "dark"]})
    week_start = fields.Raw(metadata={"type": "string", "enum": ["monday", "sunday", "saturday"]})
    schedules = fields.Raw(
        metadata={
            "type": "object",
            "example": {"pcl5": {"enabled": True, "form": "week"}, "who5": {"enabled": True}},
        }
    )


class CrisisQuery(Schema):
    """Which region's crisis resources."""

    class Meta:
        unknown = EXCLUDE

    region = fields.String(load_default=None)


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
    instructions = fields.String()
    band_heading = fields.String()
    higher_is_better = fields.Boolean()
    percent_factor = fields.Integer(allow_none=True)
    clusters = fields.List(fields.Dict())


class InstrumentList(Schema):
    """All instruments (a short fixed set: one page, `next` is always null)."""

    items = fields.List(fields.Nested(InstrumentOut))
    next = next_cursor()


class Resource(Schema):
    """A crisis service and how to reach it."""

    name = fields.String()
    contact = fields.String()
    href = fields.String(allow_none=True)
    links = fields.List(fields.Dict(), metadata={"description": "every tel:/sms:/https link"})
    parts = fields.List(fields.Dict(), metadata={"description": "contact as text and links"})


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


class RecordBody(Body):
    """Fields every record upload may carry besides its own."""

    base_revision = StrictInteger(
        allow_none=True,
        load_default=None,
        metadata={"description": "The revision this edit is based on (omit to create)"},
    )


def documented(properties: dict, required: tuple = ()) -> dict:
    """Return marshmallow fields that carry a spec's JSON Schema; the spec itself validates."""
    return {
        name: fields.Raw(metadata=schema, required=name in required, allow_none=True)
        for name, schema in properties.items()
    }


def input_schema(spec: RecordSpec, name: str) -> type[Schema]:
    """Return a record's request body schema, derived from its spec."""
    return RecordBody.from_dict(documented(spec.input_schema(), spec.required()), name=name)


def output_schema(spec: RecordSpec, name: str, **extra) -> type[Schema]:
    """Return a record's response schema, derived from its spec's output allowlist."""
    return Record.from_dict({**documented(spec.output_schema()), **extra}, name=name)


CheckInIn = input_schema(CHECKIN, "CheckInIn")
CheckInOut = output_schema(
    CHECKIN,
    "CheckInOut",
    safety=fields.Nested(Safety, allow_none=True),
    subscores=fields.Dict(
        keys=fields.String(), values=fields.Integer(), metadata={"description": "PCL-5 clusters"}
    ),
    percent=fields.Integer(allow_none=True, metadata={"description": "WHO-5 percentage score"}),
)


class PageQuery(Schema):
    """How many items a page holds and where it starts (every list takes these)."""

    class Meta:
        unknown = EXCLUDE

    limit = fields.Integer(
        load_default=paging.DEFAULT_LIMIT,
        validate=validate.Range(1, paging.MAX_LIMIT),
        metadata={"description": f"Items per page, 1-{paging.MAX_LIMIT}"},
    )
    cursor = fields.String(
        load_default=None,
        metadata={"description": "The `next` of the previous page; omit for the first page"},
    )


class CheckInList(Schema):
    """Check-ins, oldest first, one page of them."""

    items = fields.List(fields.Nested(CheckInOut))
    next = next_cursor()


class RangeQuery(Schema):
    """A date range filter."""

    class Meta:
        unknown = EXCLUDE

    from_ = WindowDate(data_key="from", load_default=None)
    to = WindowDate(load_default=None)


class PagedRangeQuery(RangeQuery, PageQuery):
    """A date range, a page at a time."""


class TreatmentQuery(PagedRangeQuery):
    """Filter sessions by date range, a page at a time."""


class CheckInQuery(PagedRangeQuery):
    """Filter check-ins by date range and instrument."""

    instrument = fields.String(
        load_default=None, validate=validate.OneOf(list(CHECKIN.field("instrument").options))
    )


TreatmentIn = input_schema(TREATMENT, "TreatmentIn")
TreatmentOut = output_schema(TREATMENT, "TreatmentOut")


class TreatmentList(Schema):
    """Treatment sessions, oldest first, one page of them."""

    items = fields.List(fields.Nested(TreatmentOut))
    next = next_cursor()


ReflectionIn = input_schema(REFLECTION, "ReflectionIn")
ReflectionOut = output_schema(REFLECTION, "ReflectionOut")


class ReflectionList(Schema):
    """Reflections, oldest first, one page of them."""

    items = fields.List(fields.Nested(ReflectionOut))
    next = next_cursor()


class ReflectionQuery(PagedRangeQuery):
    """Filter reflections by date range and session."""

    session = fields.UUID(load_default=None, metadata={"description": "A session's client_id"})


class ChartOut(Schema):
    """A Plotly figure (data, layout) with a plain-language caption."""

    name = fields.String()
    title = fields.String()
    caption = fields.String()
    data = fields.List(fields.Dict())
    layout = fields.Dict()


class ShareIn(Body):
    """A share link to make: the dates it shows, how long it works, and reflections on/off."""

    from_ = WindowDate(
        data_key="from", load_default=None, metadata={"description": "Default: 89 days before to"}
    )
    to = WindowDate(load_default=None, metadata={"description": "Default: today"})
    expires_in_days = StrictInteger(
        load_default=14, metadata={"minimum": 1, "maximum": 90, "description": "Default 14"}
    )
    label = fields.Raw(
        load_default=None,
        allow_none=True,
        metadata={"type": "string", "maxLength": 80, "example": "for Dr. Rivera"},
    )
    include_reflections = fields.Boolean(
        load_default=False,
        metadata={"description": "Include reflections marked for sharing"},
    )
    include_safety_plan = fields.Boolean(
        load_default=False,
        metadata={"description": "Include the safety plan's content (else only that one exists)"},
    )


class ShareOut(Schema):
    """A share link as its owner sees it (never its token)."""

    id = fields.Integer()
    label = fields.String(allow_none=True, metadata={"description": "the patient's own name"})
    # The dict says "from" (a Python keyword): read and write it under that name.
    from_ = iso_string("date", attribute="from", data_key="from")
    to = iso_string("date")
    include_reflections = fields.Boolean()
    include_safety_plan = fields.Boolean()
    created_at = iso_string("date-time")
    expires_at = iso_string("date-time")
    revoked_at = iso_string("date-time", allow_none=True)
    last_opened_at = iso_string("date-time", allow_none=True)
    open_count = fields.Integer()
    status = fields.String(metadata={"enum": ["active", "expired", "revoked"]})


class ShareCreated(ShareOut):
    """A new share link with its URL: the only time the token is ever shown."""

    url = fields.String(metadata={"format": "uri"})


class ShareList(Schema):
    """The user's share links, newest first, one page of them."""

    items = fields.List(fields.Nested(ShareOut))
    next = next_cursor()
