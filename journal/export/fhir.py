"""A user's questionnaires and daily check-ins as a FHIR R4 Bundle (type "collection").

Per validated PHQ-9 or GAD-7 (codes from docs/clinical/INSTRUMENTS.md, via `instruments`):
- a QuestionnaireResponse (status completed, authored = the local date) whose items have the
  item's LOINC code as linkId and the answer's LA code as valueCoding;
- US Core "screening assessment"-shaped Observations, each derivedFrom that response: one per
  item (valueCodeableConcept = the LA code), the total (valueInteger), and the panel, which
  lists the items and the total in hasMember. Profiles are not claimed: there is no identified
  patient to satisfy US Core's Patient profile with.
Daily check-ins are not a validated instrument and have no LOINC panel: each is one Observation
coded in the app's own code system (<base URL>fhir/CodeSystem/daily-checkin), with the items,
the mood and each tag (code "tag", valueString) as components. The PCL-5 and WHO-5 have no
verified LOINC codes, so they too are one Observation each in the app's own code system
(<base URL>fhir/CodeSystem/<instrument id>): the total as the value, and the items, the PCL-5
cluster scores or the WHO-5 percentage as components.

Each session that happened is a MedicationAdministration named by text only (medication, route,
dose): no RxNorm or SNOMED code for these is verified, and a guessed code is worse than none.

A Basic resource at the head of the bundle carries the LOINC notice and the PHQ-9/GAD-7
attribution as narrative (a Bundle has no narrative of its own). Resource ids are UUIDs derived
from each check-in's client id, so exporting twice gives the same ids.
"""

import html
import json
import uuid
from collections.abc import Iterator
from datetime import datetime

from .. import instruments, models
from ..checkins import services as checkins
from ..models import CheckIn, TreatmentSession, User
from ..records import user_today
from ..treatments import rules as treatment_rules
from ..treatments import services as treatments

LOINC = "http://loinc.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
SURVEY = [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}]
DAILY_CODE_SYSTEM_PATH = "fhir/CodeSystem/daily-checkin"
DAILY_TOTAL = ("daily-total", "Daily PHQ-9-style total score (about today; not a PHQ-9)")
DAILY_MOOD = ("mood", "Mood today, 0 (worst) to 10 (best)")
DAILY_TAG = ("tag", "What the day held (a tag the person chose)")
XHTML = "http://www.w3.org/1999/xhtml"


def resource_id(client_id: uuid.UUID, part: str) -> str:
    """Return a stable UUID for one resource made from a check-in."""
    return str(uuid.uuid5(client_id, part))


def ref(resource_uuid: str) -> dict:
    """Return a reference to a resource in this bundle by its fullUrl."""
    return {"reference": f"urn:uuid:{resource_uuid}"}


def entry(resource: dict) -> dict:
    """Wrap a resource as a bundle entry named urn:uuid:<id>."""
    return {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}


def narrative(*paragraphs: str) -> dict:
    """Return a FHIR narrative of escaped paragraphs."""
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return {"status": "additional", "div": f'<div xmlns="{XHTML}">{body}</div>'}


def notice(bundle_id: str) -> dict:
    """Return the Basic resource that carries the LOINC notice and the instruments' credit."""
    return {
        "resourceType": "Basic",
        "id": str(uuid.uuid5(uuid.UUID(bundle_id), "notice")),
        "code": {"text": "Notices for this export"},
        "text": narrative(
            instruments.LOINC_NOTICE,
            instruments.ATTRIBUTION,
            instruments.PCL5_REFERENCE,
            instruments.WHO5_ATTRIBUTION,
        ),
    }


def patient(user: User, base_url: str) -> dict:
    """Return an unidentified Patient for the resources to point at (no name, no email)."""
    return {
        "resourceType": "Patient",
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{base_url}patients/{user.id}")),
        "active": True,
    }


def coding(system: str, code: str, display: str | None = None) -> dict:
    """Return a Coding, with its display when there is one."""
    return {"system": system, "code": code, **({"display": display} if display else {})}


def answer_coding(instrument: instruments.Instrument, value: int) -> dict:
    """Return the LOINC answer (LA code) for an item's value."""
    option = next(o for o in instrument.options if o.value == value)
    return coding(LOINC, option.loinc, option.label)


def validated_resources(checkin: CheckIn, subject: dict) -> list[dict]:
    """Return the QuestionnaireResponse and Observations for one PHQ-9 or GAD-7."""
    instrument = instruments.INSTRUMENTS[checkin.instrument]
    day = checkin.local_date.isoformat()
    qr_id = resource_id(checkin.client_id, "questionnaire-response")
    derived = [ref(qr_id)]
    response = {
        "resourceType": "QuestionnaireResponse",
        "id": qr_id,
        "identifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{checkin.client_id}"},
        "status": "completed",
        "subject": subject,
        "authored": day,
        "item": [
            {
                "linkId": item.loinc,
                "text": item.text,
                "answer": [{"valueCoding": answer_coding(instrument, value)}],
            }
            for item, value in zip(instrument.items, checkin.answers, strict=True)
        ],
    }
    common = {
        "resourceType": "Observation",
        "status": "final",
        "category": SURVEY,
        "subject": subject,
        "effectiveDateTime": day,
        "derivedFrom": derived,
    }
    items = [
        {
            **common,
            "id": resource_id(checkin.client_id, f"item-{n}"),
            "code": {"coding": [coding(LOINC, item.loinc)], "text": item.text},
            "valueCodeableConcept": {"coding": [answer_coding(instrument, value)]},
        }
        for n, (item, value) in enumerate(zip(instrument.items, checkin.answers, strict=True), 1)
    ]
    total = {
        **common,
        "id": resource_id(checkin.client_id, "total"),
        "code": {
            "coding": [coding(LOINC, instrument.total_loinc)],
            "text": f"{instrument.short_title} total score",
        },
        "valueInteger": checkin.total,
        "interpretation": [{"text": checkin.band}],
    }
    panel = {
        **common,
        "id": resource_id(checkin.client_id, "panel"),
        "code": {"coding": [coding(LOINC, instrument.panel_loinc)], "text": instrument.title},
        "hasMember": [ref(o["id"]) for o in (*items, total)],
    }
    if checkin.note:
        panel["note"] = [{"text": checkin.note}]
    return [response, panel, *items, total]


def daily_resource(checkin: CheckIn, subject: dict, system: str) -> dict:
    """Return one daily check-in as an Observation in the app's own code system."""
    components = [
        {
            "code": {"coding": [coding(system, f"item-{n}")], "text": item.text},
            "valueInteger": value,
        }
        for n, (item, value) in enumerate(
            zip(instruments.DAILY.items, checkin.answers, strict=True), 1
        )
        if value is not None  # a skipped item is left out, not exported as a value
    ]
    if checkin.mood is not None:
        components.append(
            {"code": {"coding": [coding(system, *DAILY_MOOD)]}, "valueInteger": checkin.mood}
        )
    # One component per tag, in the person's order, coded in the same code system as the mood.
    components += [
        {"code": {"coding": [coding(system, *DAILY_TAG)]}, "valueString": tag}
        for tag in checkin.tags or ()
    ]
    observation = {
        "resourceType": "Observation",
        "id": resource_id(checkin.client_id, "daily"),
        "status": "final",
        "category": SURVEY,
        "code": {"coding": [coding(system, *DAILY_TOTAL)], "text": DAILY_TOTAL[1]},
        "subject": subject,
        "effectiveDateTime": checkin.local_date.isoformat(),
        "component": components,
    }
    if checkin.total is None:
        # Not every item answered (or mood alone): FHIR's way to say there is no total.
        observation["dataAbsentReason"] = {"text": "Not every item was answered"}
    else:
        observation["valueInteger"] = checkin.total
    if checkin.note:
        observation["note"] = [{"text": checkin.note}]
    return observation


def own_code_resource(checkin: CheckIn, subject: dict, base_url: str) -> dict:
    """Return a questionnaire without verified LOINC codes as one Observation in our own codes."""
    instrument = instruments.INSTRUMENTS[checkin.instrument]
    system = f"{base_url}fhir/CodeSystem/{instrument.id}"
    components = [
        {
            "code": {"coding": [coding(system, f"item-{n}")], "text": item.text},
            "valueInteger": value,
        }
        for n, (item, value) in enumerate(zip(instrument.items, checkin.answers, strict=True), 1)
    ]
    labels = dict(instrument.clusters)
    for key, value in instruments.subscores(instrument, checkin.answers).items():
        code = coding(system, f"cluster-{key}", f"Cluster {key} score")
        components.append({"code": {"coding": [code], "text": labels[key]}, "valueInteger": value})
    percent = instruments.percentage(instrument, checkin.total)
    if percent is not None:
        code = coding(system, "percent", "Percentage score (raw x 4)")
        components.append({"code": {"coding": [code]}, "valueInteger": percent})
    observation = {
        "resourceType": "Observation",
        "id": resource_id(checkin.client_id, instrument.id),
        "status": "final",
        "category": SURVEY,
        "code": {
            "coding": [coding(system, "total", f"{instrument.short_title} total score")],
            "text": instrument.title,
        },
        "subject": subject,
        "effectiveDateTime": checkin.local_date.isoformat(),
        "valueInteger": checkin.total,
        "interpretation": [{"text": checkin.band}],
        "component": components,
    }
    if checkin.note:
        observation["note"] = [{"text": checkin.note}]
    return observation


def session_resource(treatment: TreatmentSession, subject: dict) -> dict:
    """Return a session that happened as a MedicationAdministration (text, no codes)."""
    dosage = {"route": {"text": treatment_rules.ROUTES.get(treatment.route, treatment.route)}}
    if treatment.route_label:
        dosage["text"] = treatment.route_label
    if treatment.dose is not None:
        dosage["dose"] = {"value": treatment.dose, "unit": treatment.dose_unit}
    medication = treatment_rules.medication_name(treatment) or "Not recorded"
    return {
        "resourceType": "MedicationAdministration",
        "id": resource_id(treatment.client_id, "session"),
        "status": "completed",
        "medicationCodeableConcept": {"text": medication},
        "subject": subject,
        "effectiveDateTime": treatment.started_at.isoformat(),
        "dosage": dosage,
    }


def bundle_chunks(user: User, base_url: str, now: datetime | None = None) -> Iterator[str]:
    """Yield the Bundle as JSON in pieces, one entry at a time, oldest check-in first."""
    now = (now or models.utcnow()).replace(microsecond=0)
    bundle_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{base_url}bundles/{user.id}/{now}"))
    system = base_url + DAILY_CODE_SYSTEM_PATH
    person = patient(user, base_url)
    subject = ref(person["id"])
    head = {
        "resourceType": "Bundle",
        "id": bundle_id,
        "type": "collection",
        "timestamp": now.isoformat(),
    }
    yield json.dumps(head)[:-1] + ', "entry": ['
    yield json.dumps(entry(notice(bundle_id)))
    yield ",\n" + json.dumps(entry(person))
    for checkin in checkins.list_checkins(user):
        if checkin.instrument == "daily":
            resources = [daily_resource(checkin, subject, system)]
        elif instruments.INSTRUMENTS[checkin.instrument].panel_loinc is None:
            resources = [own_code_resource(checkin, subject, base_url)]
        else:
            resources = validated_resources(checkin, subject)
        for resource in resources:
            yield ",\n" + json.dumps(entry(resource), ensure_ascii=False)
    today = user_today(user)
    for treatment in treatments.list_treatments(user):
        if treatment_rules.has_happened(treatment.planned, treatment.local_date, today):
            resource = session_resource(treatment, subject)
            yield ",\n" + json.dumps(entry(resource), ensure_ascii=False)
    yield "]}\n"
