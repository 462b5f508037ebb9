"""What each export takes: its parameters, read and checked once for sync routes and jobs."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from .. import report
from ..dashboard import services as charts
from ..errors import Invalid
from ..fields import BodySpec, Day
from ..models import User
from ..records import parse_date, user_today
from . import images

SIZE_MIN, SIZE_MAX = 300, 2400
DEFAULT_SIZE = {"width": 1200, "height": 600}
IMAGE_KEYS = ("from", "to", "width", "height")


def image_size(args: Mapping) -> tuple[int, int]:
    """Read ?width=&height= in pixels (300-2400); raise Invalid naming the field."""
    size = {}
    for field, default in DEFAULT_SIZE.items():
        value = str(args.get(field, default))
        # isascii: "²" and "٣" are digits to isdigit() but not to int().
        if not (value.isascii() and value.isdigit()) or not SIZE_MIN <= int(value) <= SIZE_MAX:
            message = f"A whole number of pixels from {SIZE_MIN} to {SIZE_MAX}."
            raise Invalid("Some fields need attention.", {field: message})
        size[field] = int(value)
    return size["width"], size["height"]


def optional_range(args: Mapping) -> tuple[date | None, date | None]:
    """Read an optional ?from=&to= (missing ends are open, as in the chart API)."""
    start = parse_date(args["from"], "from") if args.get("from") else None
    end = parse_date(args["to"], "to") if args.get("to") else None
    if start and end and start > end:
        raise Invalid("The start date is after the end date.", {"from": "Choose an earlier date."})
    return start, end


# The baseline period a person may pick for the report (both dates, or neither: the default
# rule). Declared once: the check here, the form's labels in templates/export/index.html.
BASELINE = BodySpec(
    name="report_baseline",
    fields={
        "baseline_from": Day(
            description="First day of the baseline period (default: the report's rule)",
            label="Baseline from",
        ),
        "baseline_to": Day(
            description="Last day of the baseline period",
            label="Baseline to",
        ),
    },
)


@dataclass(frozen=True)
class ReportOptions:
    """What one report was asked for, checked."""

    start: date
    end: date
    include: bool
    name: str | None
    paper: str
    baseline: tuple[date, date] | None = None

    def query(self) -> dict:
        """Return the options as query text (the PDF link, a job's stored parameters)."""
        found = {"from": self.start.isoformat(), "to": self.end.isoformat(), "paper": self.paper}
        found["reflections"] = "1" if self.include else "0"
        if self.name:
            found["name"] = self.name
        if self.baseline:
            found["baseline_from"], found["baseline_to"] = (d.isoformat() for d in self.baseline)
        return found


def baseline_period(args: Mapping) -> tuple[date, date] | None:
    """Read an optional baseline period (both ends, from <= to); raise Invalid naming the field."""
    given = {k: args[k] for k in BASELINE.fields if args.get(k)}
    if not given:
        return None
    errors: dict[str, str] = {}
    values = BASELINE.clean(given, errors)
    for key in BASELINE.fields:
        if key not in given and key not in errors:
            errors[key] = "Give both dates of the baseline period, or neither."
    if not errors and values["baseline_from"] > values["baseline_to"]:
        errors["baseline_from"] = "The baseline starts after it ends."
    if errors:
        raise Invalid(BASELINE.message, errors)
    return values["baseline_from"], values["baseline_to"]


def report_options(args: Mapping, user: User) -> ReportOptions:
    """Read the report's range, reflections switch, optional name, paper and baseline period."""
    start, end = report.parse_range(args, user_today(user))
    include = args.get("reflections") == "1"
    paper = args.get("paper") or "a4"
    if paper not in report.PAPERS:
        raise Invalid("Choose A4 or US Letter.", {"paper": "Choose a4 or letter."})
    name = report.clean_name(args.get("name"))
    return ReportOptions(start, end, include, name, paper, baseline_period(args))


def chart_options(name: str, fmt: str, args: Mapping):
    """Read a chart image's range and size; raise Invalid for an unknown chart or format."""
    if name not in charts.CHART_NAMES or fmt not in images.FORMATS:
        raise Invalid("Choose a chart and a format.", {"chart": "Choose a chart and a format."})
    start, end = optional_range(args)
    width, height = image_size(args)
    return start, end, width, height


def stamp(start: date | None, end: date | None) -> str:
    """Name a date range in a file name ("2026-01-01-to-2026-03-31")."""
    return f"{start.isoformat() if start else 'start'}-to-{end.isoformat() if end else 'today'}"


def job_parameters(kind: str, args: Mapping, user: User) -> dict:
    """Check a job's parameters as its sync route would; return what the runner needs (strings).

    The report's range is fixed here, so a job queued just before midnight reports the day
    the person asked on.
    """
    for key, value in args.items():
        if not isinstance(value, str):
            raise Invalid("Some fields need attention.", {key: "Give this as text."})
    if kind == "pdf":
        return report_options(args, user).query()
    if kind in images.FORMATS:
        chart_options(args.get("chart", ""), kind, args)
        return {"chart": args["chart"], **{k: args[k] for k in IMAGE_KEYS if args.get(k)}}
    return {}
