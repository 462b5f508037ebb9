"""Mood-only and partly answered daily check-ins; PCL-5 and WHO-5 through the API and exports."""

import csv
import io
import json
import zipfile

import pytest
from fhir.resources.R4B.bundle import Bundle

from journal.dashboard.services import CHART_TITLES
from journal.records import user_today
from tests.conftest import new_id

PCL5_ANSWERS = [1] * 5 + [2] * 2 + [3] * 7 + [0] * 6  # total 30: B 5, C 4, D 21, E 0
WHO5_ANSWERS = [3, 3, 2, 2, 3]  # raw 13, 52 %


def put(api, user, **body):
    """PUT one check-in for the user's today and return the response."""
    body.setdefault("local_date", user_today(user).isoformat())
    return api.put(f"/api/v1/checkins/{new_id()}", body)


def test_mood_alone_is_a_daily_check_in(auth_api, user):
    """{instrument, local_date, mood} saves; total and band are null; answers are nine nulls."""
    response = put(auth_api, user, instrument="daily", mood=4)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["total"] is None and data["band"] is None and data["safety"] is None
    assert data["answers"] == [None] * 9 and data["mood"] == 4


def test_null_items_are_allowed_and_item9_still_takes_the_crisis_path(auth_api, user):
    """Item 9 answered alone, above 0: no total, and the crisis resources come back."""
    response = put(auth_api, user, instrument="daily", answers=[None] * 8 + [2])
    assert response.status_code == 201
    data = response.get_json()
    assert data["total"] is None
    assert data["safety"]["resources"][0]["contact"] == "call or text 988"


def test_all_nine_answered_gives_the_total(auth_api, user):
    """The total appears once every item is answered."""
    data = put(auth_api, user, instrument="daily", answers=[1] * 9).get_json()
    assert data["total"] == 9 and data["band"] == "Mild"


def test_an_empty_daily_check_in_is_one_clear_error(auth_api, user):
    """Nothing given: a 422 naming mood, not nine item errors."""
    response = put(auth_api, user, instrument="daily", answers=[None] * 9)
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == ["mood"]


@pytest.mark.parametrize("instrument", ["phq9", "gad7", "pcl5", "who5"])
def test_questionnaires_still_need_every_answer(auth_api, user, instrument):
    """Only the daily check-in may skip items."""
    count = {"phq9": 9, "gad7": 7, "pcl5": 20, "who5": 5}[instrument]
    response = put(auth_api, user, instrument=instrument, answers=[None] + [0] * (count - 1))
    assert response.status_code == 422 and "answers.1" in response.get_json()["error"]["fields"]


def test_pcl5_through_the_api(auth_api, user):
    """PCL-5: total, cut-off band and cluster scores; no crisis block."""
    data = put(auth_api, user, instrument="pcl5", answers=PCL5_ANSWERS).get_json()
    assert data["total"] == 30 and data["band"] == "Below the usual cut-off (31-33)"
    assert data["subscores"] == {"B": 5, "C": 4, "D": 21, "E": 0} and data["safety"] is None


def test_who5_through_the_api(auth_api, user):
    """WHO-5: raw total and percentage."""
    data = put(auth_api, user, instrument="who5", answers=WHO5_ANSWERS).get_json()
    assert (data["total"], data["percent"]) == (13, 52)
    assert data["band"] == "Higher well-being (above 50%)"
    listed = auth_api.get("/api/v1/checkins?instrument=who5").get_json()["items"]
    assert [c["percent"] for c in listed] == [52]


@pytest.fixture
def mixed(auth_api, user):
    """Give the user a mood-only day, a PCL-5 and a WHO-5."""
    put(auth_api, user, instrument="daily", mood=4)
    put(auth_api, user, instrument="pcl5", answers=PCL5_ANSWERS)
    put(auth_api, user, instrument="who5", answers=WHO5_ANSWERS)
    return auth_api


def test_fhir_bundle_validates_with_own_codes_for_pcl5_and_who5(mixed):
    """No LOINC for PCL-5/WHO-5: our code system; a mood-only day has no value; it validates."""
    data = mixed.get("/export/fhir.json").get_json()
    Bundle.model_validate(data)
    observations = [
        e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == "Observation"
    ]
    systems = {o["code"]["coding"][0]["system"]: o for o in observations}
    pcl5 = systems["http://localhost/fhir/CodeSystem/pcl5"]
    who5 = systems["http://localhost/fhir/CodeSystem/who5"]
    assert pcl5["valueInteger"] == 30 and who5["valueInteger"] == 13
    codes = {c["code"]["coding"][0]["code"]: c["valueInteger"] for c in pcl5["component"]}
    assert codes["cluster-D"] == 21 and codes["item-20"] == 0
    assert {c["code"]["coding"][0]["code"]: c["valueInteger"] for c in who5["component"]}[
        "percent"
    ] == 52
    daily = systems["http://localhost/fhir/CodeSystem/daily-checkin"]
    assert "valueInteger" not in daily and daily["dataAbsentReason"]
    assert "http://loinc.org" not in json.dumps([pcl5, who5, daily])
    notice = data["entry"][0]["resource"]["text"]["div"]
    assert "Weathers" in notice and "Hillerød" in notice


def test_csv_has_twenty_item_columns_clusters_and_percent(mixed):
    """CSV rows: PCL-5 fills 20 items and its clusters; WHO-5 its percentage; blanks otherwise."""
    response = mixed.get("/export/data.csv")
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        text = archive.read("checkins.csv").decode("utf-8-sig")
    rows = {r["instrument"]: r for r in csv.DictReader(io.StringIO(text))}
    assert rows["pcl5"]["item_20"] == "0" and rows["pcl5"]["cluster_D"] == "21"
    assert rows["who5"]["percent"] == "52" and rows["who5"]["item_6"] == ""
    assert rows["daily"]["total"] == "" and rows["daily"]["mood"] == "4"


def test_json_export_carries_the_derived_scores(mixed):
    """The JSON export has subscores and percent (recomputed, not trusted, on import)."""
    lines = mixed.get("/export/data.json").get_data(as_text=True)
    document = json.loads(lines)
    by_kind = {c["instrument"]: c for c in document["checkins"]}
    assert by_kind["pcl5"]["subscores"]["B"] == 5 and by_kind["who5"]["percent"] == 52
    assert by_kind["daily"]["total"] is None


@pytest.mark.parametrize("instrument", ["pcl5", "pcl5w", "who5"])
def test_forms_render_and_save(logged_in, instrument):
    """The form is built from the data: every item, every option, the attribution; it saves."""
    html = logged_in.get(f"/checkins/new?instrument={instrument}").get_data(as_text=True)
    count = 5 if instrument == "who5" else 20
    options = 6 if instrument == "who5" else 5
    assert html.count('type="radio"') == count * options
    assert ("Hillerød" if instrument == "who5" else "Weathers") in html
    assert "LOINC" not in html


@pytest.mark.parametrize("name", sorted(CHART_TITLES))
def test_charts_still_answer_with_new_kinds_of_entries(mixed, name):
    """Mood-only days, PCL-5 and WHO-5 entries do not break a chart (never a 500)."""
    assert mixed.get(f"/api/v1/charts/{name}").status_code == 200


@pytest.mark.parametrize("path", ["/", "/checkins/", "/timeline", "/export/report"])
def test_pages_render_with_new_kinds_of_entries(mixed, client, path):
    """Today, History, Timeline and the report render with them."""
    assert client.get(path).status_code == 200
