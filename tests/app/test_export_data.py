"""Data exports: CSV zip, re-importable JSON, FHIR R4 Bundle; streaming, speed, sign-in."""

import csv
import io
import json
import time
import zipfile

import pytest
from fhir.resources.R4B.bundle import Bundle

from journal.cli import load_demo
from journal.demo import generate
from journal.export import csv_export
from journal.extensions import db
from journal.models import User
from journal.records import user_today
from tests.app import export_history as history
from tests.conftest import Api

EXPORTS = ["/export/data.csv", "/export/data.json", "/export/fhir.json"]
TRICKY = "=SUM(A1:A9) ünïcødé “quotes”, commas\nand a new line"


@pytest.fixture
def seeded(auth_api, user):
    """Give `user` the known history and return (API client, client ids)."""
    return auth_api, history.seed(auth_api, user)


def read_zip(response) -> dict[str, list[dict]]:
    """Return {file name: rows as dicts} from a CSV zip response."""
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.testzip() is None
    files = {}
    for name in archive.namelist():
        text = archive.read(name).decode("utf-8-sig")
        files[name] = list(csv.DictReader(io.StringIO(text, newline="")))
    return files


def test_csv_zip_has_one_file_per_record_type_with_headers(seeded):
    """The zip holds check-ins, sessions and reflections, each with a header row."""
    api, _ids = seeded
    response = api.get("/export/data.csv")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="mood-')
    files = read_zip(response)
    assert set(files) == {"checkins.csv", "treatments.csv", "reflections.csv"}
    assert len(files["checkins.csv"]) == 12
    assert len(files["treatments.csv"]) == 3 and len(files["reflections.csv"]) == 2
    assert list(files["checkins.csv"][0]) == csv_export.CHECKIN_COLUMNS


def test_csv_round_trips_every_value(seeded):
    """Each cell, read back (dropping the added quote), equals the API's value."""
    api, ids = seeded
    rows = read_zip(api.get("/export/data.csv"))
    by_id = {row["client_id"]: row for row in rows["checkins.csv"]}
    for item in api.get("/api/v1/checkins").get_json()["items"]:
        row = by_id[item["client_id"]]
        answers = [int(row[f"item_{n}"]) for n in range(1, len(item["answers"]) + 1)]
        assert answers == item["answers"]
        assert row["local_date"] == item["local_date"]
        assert csv_export.read_cell(row["note"]) == (item["note"] or "")
        assert int(row["total"]) == item["total"] and row["band"] == item["band"]
        assert row["item9_positive"] == ("true" if item["safety"] else "false")
        assert row["created_at"] == item["created_at"]
    session = next(r for r in rows["treatments.csv"] if r["client_id"] == ids["session"])
    assert csv_export.read_cell(session["clinic"]) == history.CLINIC
    assert (session["dose"], session["dose_unit"], session["dissociation"]) == ("0.5", "mg/kg", "6")
    assert session["started_at"].endswith(("-05:00", "-06:00"))  # in the user's zone
    shared = next(r for r in rows["reflections.csv"] if r["client_id"] == ids["shared"])
    assert (shared["treatment_id"], shared["came_up"], shared["tags"]) == (
        ids["session"],
        "Water.",
        "lake",
    )
    assert shared["text"] == history.SHARED_TEXT and shared["share"] == "true"


@pytest.mark.parametrize("text", ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "'quoted"])
def test_csv_neutralises_formulas(auth_api, user, text):
    """A note that a spreadsheet would run starts with a quote, and reads back exactly."""
    history.checkin(auth_api, user, "daily", 1, [0] * 9, note=text + " end")
    rows = read_zip(auth_api.get("/export/data.csv"))
    cell = rows["checkins.csv"][0]["note"]
    assert cell == "'" + text + " end"
    assert csv_export.read_cell(cell) == text + " end"


def test_csv_keeps_unicode_quotes_and_newlines(auth_api, user):
    """UTF-8 text with quotes, commas and a line break survives intact."""
    history.checkin(auth_api, user, "daily", 1, [0] * 9, note=TRICKY)
    response = auth_api.get("/export/data.csv")
    raw = zipfile.ZipFile(io.BytesIO(response.data)).read("checkins.csv")
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    cell = read_zip(response)["checkins.csv"][0]["note"]
    assert csv_export.read_cell(cell) == TRICKY


def strip_volatile(document: dict) -> dict:
    """Drop what an export-import-export is allowed to change: the time and the account email."""
    document = dict(document, account=dict(document["account"]))
    del document["exported_at"], document["account"]["email"]
    return document


def test_json_export_import_export_is_identical(app, seeded, make_user, runner, tmp_path):
    """Restoring an export into an empty account gives back the same data."""
    api, _ids = seeded
    response = api.get("/export/data.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    first = response.get_json()
    assert first["format"] == "mood-journal-export" and first["version"] == 1
    assert (len(first["checkins"]), len(first["treatments"]), len(first["reflections"])) == (
        12,
        3,
        2,
    )
    path = tmp_path / "export.json"
    path.write_bytes(response.data)
    target = make_user("restored@example.com", timezone="Europe/London", region="UK")

    result = runner.invoke(args=["import-json", str(path), "--email", target.email])

    assert result.exit_code == 0, result.output
    assert "12 check-ins, 3 sessions, 2 reflections" in result.output
    again = Api(app.test_client())
    assert again.login(target.email).status_code == 200
    second = again.get("/export/data.json").get_json()
    assert strip_volatile(second) == strip_volatile(first)
    assert second["account"]["timezone"] == "America/Chicago"


def test_import_refuses_an_account_with_entries(seeded, user, runner, tmp_path):
    """Importing into an account that has any entry changes nothing and says why."""
    api, _ids = seeded
    path = tmp_path / "export.json"
    path.write_bytes(api.get("/export/data.json").data)
    result = runner.invoke(args=["import-json", str(path), "--email", user.email])
    assert result.exit_code != 0 and "import only into an empty account" in result.output


def test_import_rolls_back_on_a_bad_record(app, seeded, make_user, runner, tmp_path):
    """A bad record names its place in the file, and nothing is imported."""
    api, _ids = seeded
    document = api.get("/export/data.json").get_json()
    document["checkins"][3]["answers"] = [9] * 9
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    target = make_user("empty@example.com")
    result = runner.invoke(args=["import-json", str(path), "--email", target.email])
    assert result.exit_code != 0 and "checkins.3.answers.1" in result.output
    with app.app_context():
        from journal.export.json_export import is_empty

        assert is_empty(db.session.get(User, target.id))


@pytest.mark.parametrize(
    ("content", "message"),
    [("not json", "is not JSON"), ('{"format": "other"}', "not a Mood Journal export")],
)
def test_import_refuses_other_files(make_user, runner, tmp_path, content, message):
    """A file that is not an export is refused with a reason."""
    target = make_user("x@example.com")
    path = tmp_path / "file.json"
    path.write_text(content)
    result = runner.invoke(args=["import-json", str(path), "--email", target.email])
    assert result.exit_code != 0 and message in result.output


def test_import_needs_an_existing_account(runner, tmp_path):
    """The account must be registered first."""
    path = tmp_path / "file.json"
    path.write_text("{}")
    result = runner.invoke(args=["import-json", str(path), "--email", "nobody@example.com"])
    assert result.exit_code != 0 and "register it first" in result.output


def test_fhir_bundle_validates_and_holds_every_checkin(seeded):
    """The FHIR export is an R4 collection Bundle that fhir.resources accepts."""
    api, ids = seeded
    response = api.get("/export/fhir.json")
    assert response.status_code == 200 and response.mimetype == "application/fhir+json"
    data = response.get_json()
    bundle = Bundle.model_validate(data)
    assert bundle.type == "collection"
    kinds = [e["resource"]["resourceType"] for e in data["entry"]]
    # 4 validated questionnaires (3 PHQ-9, 1 GAD-7), 8 daily check-ins.
    assert kinds.count("QuestionnaireResponse") == 4
    assert kinds.count("Observation") == 3 * (1 + 9 + 1) + (1 + 7 + 1) + 8
    assert kinds[:2] == ["Basic", "Patient"]
    daily = [
        e["resource"]
        for e in data["entry"]
        if e["resource"]["resourceType"] == "Observation" and "component" in e["resource"]
    ]
    system = daily[0]["code"]["coding"][0]["system"]
    assert system == "http://localhost/fhir/CodeSystem/daily-checkin"
    assert all(o["code"]["coding"][0]["code"] != "44249-1" for o in daily)


def test_sessions_carry_their_medication_in_every_export(seeded):
    """CSV, JSON and FHIR each name the drug of each session, as the person logged it."""
    api, _ids = seeded
    rows = read_zip(api.get("/export/data.csv"))["treatments.csv"]
    # The oldest session was logged without a medication: it stays empty, never guessed.
    assert [row["medication"] for row in rows] == ["", "ketamine", "esketamine"]
    document = api.get("/export/data.json").get_json()
    assert [t["medication"] for t in document["treatments"]] == [None, "ketamine", "esketamine"]
    entries = api.get("/export/fhir.json").get_json()["entry"]
    given = [
        e["resource"]
        for e in entries
        if e["resource"]["resourceType"] == "MedicationAdministration"
    ]
    names = [g["medicationCodeableConcept"]["text"] for g in given]
    assert names == ["Not recorded", "Ketamine", "Esketamine"]
    assert given[2]["dosage"]["dose"] == {"value": 56, "unit": "mg"}
    assert given[2]["dosage"]["route"]["text"] == "Intranasal"
    Bundle.model_validate(api.get("/export/fhir.json").get_json())


@pytest.mark.parametrize("path", EXPORTS)
def test_exports_stream(seeded, path):
    """Data exports are generated as they are sent, not built in memory first."""
    api, _ids = seeded
    response = api.get(path, buffered=False)
    assert response.is_streamed
    assert b"".join(response.response)
    response.close()


@pytest.mark.parametrize(
    "path",
    [
        "/export/",
        "/export/report",
        "/export/report.pdf",
        "/export/chart?chart=items&format=png",
        "/export/charts/timeline.png",
        "/export/charts/timeline.svg",
        *EXPORTS,
    ],
)
def test_exports_need_sign_in(client, path):
    """Anonymous requests go to the sign-in page (or get a 401 as JSON)."""
    response = client.get(path)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    as_json = client.get(path, headers={"Accept": "application/json"})
    assert as_json.status_code == 401


@pytest.mark.parametrize("path", EXPORTS)
def test_exports_hold_only_the_callers_data(seeded, other_api, path):
    """Another user's export has none of this user's entries."""
    _api, ids = seeded
    body = other_api.get(path).data
    for client_id in ids.values():
        assert client_id.encode() not in body
    assert history.SHARED_TEXT.encode() not in body


def test_five_years_export_in_seconds(app, auth_api, user):
    """A five-year account exports as CSV, JSON and FHIR in a few seconds each."""
    with app.app_context():
        row = db.session.get(User, user.id)
        load_demo(row, generate(5, user_today(row), row.timezone, seed=5))
    for path in EXPORTS:
        start = time.perf_counter()
        response = auth_api.get(path)
        assert response.status_code == 200 and len(response.data) > 100_000
        assert time.perf_counter() - start < 10, path
