"""Request and response schemas: they validate API input and generate the OpenAPI document."""

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from .. import paging
from ..accounts.rules import REGISTER
from ..checkins.rules import CHECKIN
from ..fields import EARLIEST, BodySpec, Field, RecordSpec, date_problem
from ..reflections.rules import REFLECTION
from ..settings.rules import SETTINGS
from ..share.rules import SHARE
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


class Declared(fields.Raw):
    """A body field checked by its declaration (journal.fields); the value passes on as sent.

    The service checks the body again with the same declaration (with the rules that span
    fields): this makes the API refuse a bad field by name before any handler runs.
    """

    def __init__(self, declared: Field, partial: bool = False, **kwargs):
        self.declared = declared
        # Null is documented by allow_none; a partial body (a PATCH) has no defaults.
        left_out = ("nullable", "default") if partial else ("nullable",)
        metadata = {k: v for k, v in declared.json_schema().items() if k not in left_out}
        super().__init__(metadata=metadata, allow_none=declared.allows_null, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        """Check the value by its declaration; raise its messages under their sub-paths."""
        errors: dict[str, str] = {}
        self.declared.clean_given(value, "", errors)
        if not errors:
            return value
        if set(errors) == {""}:
            raise ValidationError(errors[""])
        raise ValidationError({key.lstrip(".") or "_schema": text for key, text in errors.items()})


def body_schema(spec: BodySpec, name: str, base: type[Schema] = Body) -> type[Schema]:
    """Return a request body schema generated from a declaration (checks and OpenAPI alike)."""
    made = {}
    for key, declared in spec.fields.items():
        options = {"required": declared.required}
        if not (spec.partial or declared.required or declared.empty is None):
            options["load_default"] = declared.empty
        if key in spec.hidden:
            options["load_only"] = True
        made[key] = Declared(declared, spec.partial, **options)
    return base.from_dict(made, name=name)


def described(properties: dict) -> dict:
    """Return response fields that carry a declaration's JSON Schema (null only where declared)."""
    return {
        name: fields.Raw(
            metadata={k: v for k, v in schema.items() if k != "nullable"},
            allow_none=bool(schema.get("nullable")),
        )
        for name, schema in properties.items()
    }


def response_schema(spec: BodySpec, name: str, base: type[Schema] = Schema, **extra) -> type:
    """Return a response schema generated from a declaration's output allowlist."""
    return base.from_dict({**described(spec.output_schema()), **extra}, name=name)


def input_schema(spec: RecordSpec, name: str) -> type[Schema]:
    """Return a record's request body schema, derived from its spec."""
    return RecordBody.from_dict(documented(spec.input_schema(), spec.required()), name=name)


def output_schema(spec: RecordSpec, name: str, **extra) -> type[Schema]:
    """Return a record's response schema, derived from its spec's output allowlist."""
    return Record.from_dict({**documented(spec.output_schema()), **extra}, name=name)


RegisterIn = body_schema(REGISTER, "RegisterIn")
SettingsIn = body_schema(SETTINGS, "SettingsIn")
ShareIn = body_schema(SHARE, "ShareIn")
UserOut = response_schema(
    SETTINGS,
    "UserOut",
    email=fields.String(),
    gad7_enabled=fields.Boolean(),
    today=iso_string("date"),
)


class SessionOut(Schema):
    """A signed-in user and a CSRF token for unsafe requests."""

    user = fields.Nested(UserOut)
    csrf_token = fields.String()


class MeOut(UserOut):
    """The signed-in user with a fresh CSRF token."""

    csrf_token = fields.String()


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
