"""The therapist report: the PDF (read back with pypdf), the printable page, and their rules."""

import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader

from journal.cli import load_demo
from journal.demo import generate
from journal.export import images
from journal.extensions import db
from journal.instruments import ATTRIBUTION
from journal.models import User
from journal.records import user_today
from tests.app import export_history as history

try:
    images.find_browser(None)
    NO_BROWSER = None
except images.ChartsUnavailable:
    NO_BROWSER = "Chromium is not installed; the PDF needs it for its charts"
needs_browser = pytest.mark.skipif(NO_BROWSER is not None, reason=NO_BROWSER or "")


@pytest.fixture
def seeded(auth_api, user):
    """Give `user` the known history and return the API client."""
    history.seed(auth_api, user)
    return auth_api


def pdf_text(response) -> tuple[int, str]:
    """Return a PDF response's page count and its text with whitespace collapsed."""
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), " ".join(text.split())


def last_90_days(user) -> str:
    """Return the query for the last 90 days."""
    today = user_today(user)
    return f"from={today - timedelta(days=89)}&to={today}"


@needs_browser
def test_pdf_has_summary_numbers_sessions_and_item9(seeded, user):
    """The PDF states the latest scores and bands, the named baseline, verdict, sessions, flags."""
    response = seeded.get(f"/export/report.pdf?{last_90_days(user)}&name=J. D.")
    pages, text = pdf_text(response)

    assert pages <= 3
    assert "J. D." in text
    # The baseline: the PHQ-9 25 days ago, in the 14 days before the first session shown.
    assert "Baseline PHQ-9 17: a single score" in text
    assert "8 of 27 · Mild" in text  # latest PHQ-9
    assert "7 of 21 · Mild" in text  # latest GAD-7
    assert "Response: 52.9 % lower than the baseline of 17 (50 % or more)." in text
    assert "Clinically important improvement: 9 points lower than the baseline of 17" in text
    assert "Remission: the latest" not in text
    assert "Ketamine IV infusion 0.5 mg/kg dissociation 6/10, nausea mild" in text
    assert "Esketamine Intranasal 56 mg" in text
    assert history.OLD_CLINIC not in text and "Oral" not in text  # outside the range
    assert "self-harm, answered on 2 check-ins" in text
    assert "(PHQ-9: Several days (1))" in text and "(daily check-in: A little (1))" in text
    assert "Page 1 of" in text and ATTRIBUTION[:60] in text
    assert f"Generated {user_today(user).strftime('%-d %b %Y')}" in text


@needs_browser
def test_pdf_leaves_reflections_out_unless_asked(seeded, user):
    """Reflections appear only with reflections=1, and then only the shared ones."""
    _pages, without = pdf_text(seeded.get(f"/export/report.pdf?{last_90_days(user)}"))
    _pages, with_them = pdf_text(
        seeded.get(f"/export/report.pdf?{last_90_days(user)}&reflections=1")
    )

    assert history.SHARED_TEXT not in without and "Reflections shared" not in without
    assert history.SHARED_TEXT in with_them and "Walk daily." in with_them
    assert history.PRIVATE_TEXT not in with_them


@needs_browser
def test_pdf_shows_user_text_as_text(auth_api, user):
    """Markup in a clinic name or a reflection is printed literally, never interpreted."""
    history.put(
        auth_api,
        "treatments",
        {"started_at": history.at(user, 3), "route": "other", "route_label": "<i>TMS</i>"},
    )
    history.put(
        auth_api,
        "reflections",
        {"local_date": history.day(user, 2), "text": "<script>x</script> & <b>", "share": True},
    )
    _pages, text = pdf_text(auth_api.get("/export/report.pdf?reflections=1"))
    assert "Other: <i>TMS</i>" in text
    assert "<script>x</script> & <b>" in text


@needs_browser
def test_five_years_with_everything_stays_short(app, auth_api, user):
    """Many sessions, flags, scores and long reflections are cut: summary, details, calendar."""
    with app.app_context():
        row = db.session.get(User, user.id)
        data = generate(5, user_today(row), row.timezone, seed=3)
        for reflection in data["reflections"]:
            reflection["share"] = True
            reflection["text"] = "Long reflection. " * 120
        for item in data["checkins"][-90:]:
            if item["instrument"] != "gad7":
                item["answers"][8] = 2  # item 9 on many days
        load_demo(row, data)
    pages, text = pdf_text(auth_api.get("/export/report.pdf?from=2000-01-01&reflections=1"))
    assert pages <= 3
    assert "most recent of" in text and "1 Jan 2000 –" in text  # the chosen start, not the data's
    assert "Induction series: 6 sessions" in text  # summed up on page 1 though not in the table


@pytest.fixture
def one_year(app, auth_api, user):
    """Give `user` a year of demo history and return the API client."""
    with app.app_context():
        row = db.session.get(User, user.id)
        load_demo(row, generate(1, user_today(row), row.timezone, seed=1))
    return auth_api


@needs_browser
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_one_year_pdf_is_three_pages_for_the_clinician(one_year, user, paper):
    """A year: at most three pages, the chosen dates, every score by date, third person only."""
    today = user_today(user)
    start = today - timedelta(days=364)
    response = one_year.get(f"/export/report.pdf?from={start}&to={today}&paper={paper}")
    pages, text = pdf_text(response)
    assert pages <= 3
    assert f"{start.day} {start:%b %Y} – {today.day} {today:%b %Y}" in text
    assert "Validated questionnaires by date" in text and "Score Band Change" in text
    assert "Medication" in text and "How long each session helped" in text
    assert "Days since each session" in text  # the days-since chart, drawn
    assert "Induction series: 6 sessions" in text and "Boosters: 9 sessions" in text
    # Page 1 answers in order: latest, baseline and verdict, the chart, did the sessions help.
    first = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    order = ["Latest PHQ-9", "Baseline PHQ-9", "Scores over time", "Did the sessions help?"]
    assert [first.index(words) for words in order] == sorted(first.index(w) for w in order)
    assert not re.search(r"\byou(r)?\b", text, re.IGNORECASE)
    assert user.email not in text
    size = PdfReader(io.BytesIO(response.data)).pages[0].mediabox
    assert round(float(size.width)) == (612 if paper == "letter" else 595)


@needs_browser
def test_pdf_for_a_new_account_says_what_is_missing(auth_api):
    """With no entries the PDF still renders, one page, and says what is not there yet."""
    pages, text = pdf_text(auth_api.get("/export/report.pdf?reflections=1"))
    assert pages == 1
    assert "No PHQ-9 in this range: no baseline and no verdict." in text
    assert "None in this range" in text and "No treatment sessions in this range." in text
    assert "not answered above “Not at all” in the 60 days before" in text


def test_report_page_is_printable_html(seeded, user):
    """The report page holds the same content, chart slots and the print stylesheet."""
    html = seeded.get(f"/export/report?{last_90_days(user)}&reflections=1").get_data(as_text=True)
    assert "css/report.css" in html
    assert "<strong>Clinically important improvement</strong>: 9 points lower" in html
    assert 'data-chart="timeline"' in html and "/api/v1/charts/timeline?from=" in html
    assert history.SHARED_TEXT in html and history.PRIVATE_TEXT not in html
    assert "&lt;b&gt;Bright&lt;/b&gt; &amp; Co" not in html  # clinics are not in the table
    assert ATTRIBUTION in html


def test_export_page_offers_every_download(logged_in):
    """The export page links the report, chart images, data files and share links."""
    html = logged_in.get("/export/").get_data(as_text=True)
    for path in ("/export/report.pdf", "/export/report", "/export/chart", "/export/data.csv"):
        assert path in html
    assert "/export/data.json" in html and "/export/fhir.json" in html and "/shares/" in html


def test_report_pdf_without_chromium_is_503_with_explanation(app, seeded):
    """Without a browser the PDF is refused with 503 and what to do instead, never a 500."""
    app.config["CHROMIUM_PATH"] = "/nonexistent/chromium"
    response = seeded.get("/export/report.pdf", headers={"Accept": "application/json"})
    assert response.status_code == 503
    error = response.get_json()["error"]
    assert error["code"] == "charts_unavailable" and "Print" in error["message"]
    page = seeded.get("/export/report.pdf")
    assert page.status_code == 503 and "Chromium" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2026-13-01", "from"),
        ("to=yesterday", "to"),
        ("from=2026-03-01&to=2026-02-01", "from"),
        ("name=" + "x" * 81, "name"),
    ],
)
def test_bad_report_options_are_422(auth_api, query, field):
    """A bad date, a reversed range or a too-long name is a 422 naming the field."""
    response = auth_api.get(f"/export/report.pdf?{query}", headers={"Accept": "application/json"})
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_report_page_captions_are_written_for_the_clinician(one_year, user):
    """The printable page's chart captions are third person, not the dashboard's "your"."""
    html = one_year.get("/export/report").get_data(as_text=True)
    captions = re.findall(r'data-chart-caption="[^"]+" data-keep>([^<]*)<', html)
    assert len(captions) == 4
    assert not any(re.search(r"\byour?\b", c, re.IGNORECASE) for c in captions), captions


def structure_roles(node, found: set) -> set:
    """Collect the structure types (/S) under a tagged PDF's structure element."""
    node = node.get_object()
    if isinstance(node, list):
        for kid in node:
            structure_roles(kid, found)
    elif hasattr(node, "get"):
        if "/S" in node:
            found.add(str(node["/S"]))
        if "/K" in node:
            structure_roles(node["/K"], found)
    return found


@needs_browser
def test_pdf_is_tagged_for_screen_readers(seeded, user):
    """The PDF is tagged (headings, tables, figures) and keeps its language and outline."""
    response = seeded.get(f"/export/report.pdf?{last_90_days(user)}")
    root = PdfReader(io.BytesIO(response.data)).trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712  (a pypdf BooleanObject)
    roles = structure_roles(root["/StructTreeRoot"], set())
    assert {"/H1", "/H2", "/Table", "/Figure"} <= roles, roles
    assert root["/Lang"] == "en"
    assert "/Outlines" in root
