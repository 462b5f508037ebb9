"""FHIR R4 resources for check-ins: valid with fhir.resources.R4B, with the right codes."""

import uuid
from datetime import date
from types import SimpleNamespace

import pytest
from fhir.resources.R4B.basic import Basic
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from journal import instruments
from journal.export import fhir

SUBJECT = {"reference": "urn:uuid:00000000-0000-4000-8000-000000000001"}
SYSTEM = "https://journal.example/fhir/CodeSystem/daily-checkin"
PHQ9_ITEMS = [
    "44250-9", "44255-8", "44259-0", "44254-1", "44251-7",
    "44258-2", "44252-5", "44253-3", "44260-8",
]  # fmt: skip
GAD7_ITEMS = ["69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"]
LA = {0: "LA6568-5", 1: "LA6569-3", 2: "LA6570-1", 3: "LA6571-9"}


def checkin(instrument: str, answers: list[int], **extra) -> SimpleNamespace:
    """Return a stand-in for a stored check-in (the attributes fhir.py reads)."""
    definition = instruments.INSTRUMENTS[instrument]
    score = instruments.score(definition, answers)
    fields = {
        "client_id": uuid.UUID("12345678-1234-4234-8234-123456789abc"),
        "instrument": instrument,
        "local_date": date(2026, 3, 2),
        "answers": answers,
        "total": score.total,
        "band": score.band,
        "mood": None,
        "note": None,
        "tags": [],
    }
    return SimpleNamespace(**{**fields, **extra})


def by_type(resources: list[dict], kind: str) -> list[dict]:
    """Return the resources of one type."""
    return [r for r in resources if r["resourceType"] == kind]


def codes(resource: dict) -> list[str]:
    """Return the codes of a resource's code."""
    return [c["code"] for c in resource["code"]["coding"]]


@pytest.mark.parametrize(
    ("instrument", "answers", "panel", "total", "items"),
    [
        ("phq9", [0, 1, 2, 3, 0, 1, 2, 3, 1], "44249-1", "44261-6", PHQ9_ITEMS),
        ("gad7", [3, 2, 1, 0, 1, 2, 3], "69737-5", "70274-6", GAD7_ITEMS),
    ],
)
def test_validated_questionnaire_resources(instrument, answers, panel, total, items):
    """A response, a panel, one observation per item and a total, with INSTRUMENTS.md codes."""
    resources = fhir.validated_resources(checkin(instrument, answers), SUBJECT)
    [response] = by_type(resources, "QuestionnaireResponse")
    observations = by_type(resources, "Observation")
    QuestionnaireResponse.model_validate(response)
    for observation in observations:
        Observation.model_validate(observation)

    assert response["status"] == "completed" and response["authored"] == "2026-03-02"
    assert [i["linkId"] for i in response["item"]] == items
    assert [i["answer"][0]["valueCoding"]["code"] for i in response["item"]] == [
        LA[a] for a in answers
    ]
    assert {i["answer"][0]["valueCoding"]["system"] for i in response["item"]} == {
        "http://loinc.org"
    }

    [panel_obs] = [o for o in observations if codes(o) == [panel]]
    [total_obs] = [o for o in observations if codes(o) == [total]]
    item_obs = [o for o in observations if codes(o)[0] in items]
    assert [codes(o)[0] for o in item_obs] == items
    assert [o["valueCodeableConcept"]["coding"][0]["code"] for o in item_obs] == [
        LA[a] for a in answers
    ]
    assert total_obs["valueInteger"] == sum(answers)
    members = {m["reference"] for m in panel_obs["hasMember"]}
    assert members == {f"urn:uuid:{o['id']}" for o in (*item_obs, total_obs)}
    qr_ref = f"urn:uuid:{response['id']}"
    for observation in observations:
        assert observation["derivedFrom"] == [{"reference": qr_ref}]
        assert observation["category"][0]["coding"][0]["code"] == "survey"
        assert observation["subject"] == SUBJECT


def test_ids_are_stable_for_the_same_checkin():
    """Exporting the same check-in twice gives the same resource ids."""
    first = fhir.validated_resources(checkin("phq9", [1] * 9), SUBJECT)
    second = fhir.validated_resources(checkin("phq9", [1] * 9), SUBJECT)
    assert [r["id"] for r in first] == [r["id"] for r in second]
    assert len({r["id"] for r in first}) == len(first)


def test_daily_checkin_uses_the_apps_own_code_system():
    """A daily check-in is one Observation under our code system, never the PHQ-9 panel code."""
    resource = fhir.daily_resource(
        checkin("daily", [1, 0, 2, 0, 0, 3, 0, 0, 1], mood=6, note="<b>ok</b>"), SUBJECT, SYSTEM
    )
    Observation.model_validate(resource)
    assert resource["code"]["coding"][0] == {
        "system": SYSTEM,
        "code": "daily-total",
        "display": fhir.DAILY_TOTAL[1],
    }
    assert "44249-1" not in str(resource) and "loinc" not in str(resource).lower()
    assert resource["valueInteger"] == 7
    components = {c["code"]["coding"][0]["code"]: c["valueInteger"] for c in resource["component"]}
    assert components == {
        **{f"item-{n}": a for n, a in enumerate([1, 0, 2, 0, 0, 3, 0, 0, 1], 1)},
        "mood": 6,
    }
    assert resource["note"] == [{"text": "<b>ok</b>"}]


def test_daily_checkin_tags_are_components_in_the_apps_own_code_system():
    """Each tag is a string component coded "tag" in our code system, in the person's order."""
    tags = ["Walk", "family, friends", "🌧 rain"]
    resource = fhir.daily_resource(checkin("daily", [None] * 9, mood=4, tags=tags), SUBJECT, SYSTEM)
    Observation.model_validate(resource)
    found = [c for c in resource["component"] if c["code"]["coding"][0]["code"] == "tag"]
    assert [c["valueString"] for c in found] == tags
    assert all(c["code"]["coding"][0]["system"] == SYSTEM for c in found)
    assert "tag" not in str(fhir.daily_resource(checkin("daily", [0] * 9), SUBJECT, SYSTEM))


def test_loinc_notice_resource_validates_and_quotes_the_notice():
    """The Basic resource carries the LOINC notice and the attribution, escaped, as narrative."""
    resource = fhir.notice(str(uuid.uuid4()))
    Basic.model_validate(resource)
    div = resource["text"]["div"]
    assert div.startswith('<div xmlns="http://www.w3.org/1999/xhtml">')
    assert "This material contains content from LOINC (http://loinc.org)." in div
    assert "Regenstrief Institute, Inc. and the LOINC Committee" in div
    assert "Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke" in div
