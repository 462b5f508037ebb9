"""Background exports over the API: queue, states, the file, ownership, bad input and expiry."""

import io
import json
import os
import stat
import zipfile
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from journal.accounts.models import SecurityEvent
from journal.export import jobs, runner
from journal.export.job_models import ExportJob
from journal.extensions import db
from journal.models import utcnow
from tests.conftest import PASSWORD, app_with_schema, new_id

PDF = {"kind": "pdf", "parameters": {"from": "2026-10-01", "to": "2026-11-30"}}


@pytest.fixture
def app(tmp_path):
    """Create an app whose finished exports go to a temporary folder."""
    yield from app_with_schema(JOURNAL_EXPORT_DIR=str(tmp_path / "exports"))


def checkin(api, day: str = "2026-11-02") -> None:
    """Store one PHQ-9 check-in."""
    body = {"instrument": "phq9", "local_date": day, "answers": [1] * 9}
    assert api.put(f"/api/v1/checkins/{new_id()}", body).status_code in (200, 201)


def run_queue(app) -> int:
    """Make every queued job in this process, as a runner would."""
    with app.app_context():
        return runner.run_queue(pid=os.getpid())


def job_count(app) -> int:
    """Count the export jobs of everyone."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ExportJob))


def test_a_pdf_job_is_queued_made_and_fetched(auth_api, app, user):
    """202 at once, queued; after a runner, done at 100 %; the file is the report as a PDF."""
    checkin(auth_api)
    started = auth_api.post("/api/v1/exports", PDF)
    assert started.status_code == 202
    job = started.get_json()
    assert job["state"] == "queued" and len(job["id"]) == 32 and job["file_url"] is None
    assert job["parameters"]["from"] == "2026-10-01" and job["parameters"]["paper"] == "a4"
    assert auth_api.get(job["status_url"]).get_json()["state"] == "queued"

    assert run_queue(app) == 1
    done = auth_api.get(job["status_url"]).get_json()
    assert done["state"] == "done" and done["progress"] == 100
    assert done["file_name"] == "mood-journal-report-2026-10-01-to-2026-11-30.pdf"
    response = auth_api.get(done["file_url"])
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{done["file_name"]}"'
    assert response.headers["Cache-Control"] == "no-store"
    assert len(response.data) == done["file_size"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "PHQ-9" in text


def test_the_download_is_in_the_security_log(auth_api, app, user):
    """Fetching a job's file logs an export event, as the sync downloads do."""
    job = auth_api.post("/api/v1/exports", {"kind": "csv"}).get_json()
    run_queue(app)
    assert auth_api.get(f"{job['status_url']}/file").status_code == 200
    with app.app_context():
        kinds = db.session.scalars(
            select(SecurityEvent.kind).where(SecurityEvent.user_id == user.id)
        )
        assert "export" in list(kinds)


def test_the_file_is_sealed_at_rest_and_owner_only(auth_api, app, tmp_path):
    """The stored file is not the PDF in the clear, and only its owner (0600) may read it."""
    checkin(auth_api)
    job = auth_api.post("/api/v1/exports", PDF).get_json()
    run_queue(app)
    path = tmp_path / "exports" / f"{job['id']}.bin"
    raw = path.read_bytes()
    assert b"%PDF" not in raw and raw.startswith(b"mjx1")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "docx"}, "kind"),
        ({"kind": "pdf", "parameters": {"from": "2026-13-01"}}, "from"),
        ({"kind": "pdf", "parameters": {"from": "2026-11-30", "to": "2026-10-01"}}, "from"),
        ({"kind": "pdf", "parameters": {"paper": "a5"}}, "paper"),
        ({"kind": "pdf", "parameters": {"name": "x" * 81}}, "name"),
        ({"kind": "png", "parameters": {}}, "chart"),
        ({"kind": "png", "parameters": {"chart": "timeline", "width": "12"}}, "width"),
        ({"kind": "svg", "parameters": {"chart": "nope"}}, "chart"),
        ({"kind": "png", "parameters": {"chart": "timeline", "height": "²"}}, "height"),
        ({"kind": "pdf", "parameters": {"from": 2026}}, "from"),
        ({"kind": "pdf", "parameters": ["from"]}, "parameters"),
    ],
)
def test_bad_parameters_are_a_422_and_queue_nothing(auth_api, app, body, field):
    """The sync routes' checks run before queueing: a 422 naming the field, no job."""
    response = auth_api.post("/api/v1/exports", body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    assert job_count(app) == 0


def test_a_superscript_digit_is_a_422_on_the_sync_route_too(auth_api):
    """ "²" passes str.isdigit() but not int(): a clear 422, never a 500."""
    path = "/export/charts/timeline.png?width=%C2%B2"
    response = auth_api.get(path, headers={"Accept": "application/json"})
    assert response.status_code == 422 and "width" in response.get_json()["error"]["fields"]


def test_starting_a_job_needs_csrf(auth_api, app):
    """A POST without the CSRF header is refused and queues nothing."""
    response = auth_api.post("/api/v1/exports", PDF, csrf=False)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf_failed"
    assert job_count(app) == 0


@pytest.mark.parametrize("suffix", ["", "/file"])
def test_another_persons_job_is_not_found(auth_api, other_api, app, suffix):
    """Someone else's job, its status or its file, is a 404 (as is an unknown id)."""
    job = auth_api.post("/api/v1/exports", {"kind": "json"}).get_json()
    run_queue(app)
    assert auth_api.get(f"/api/v1/exports/{job['id']}{suffix}").status_code == 200
    assert other_api.get(f"/api/v1/exports/{job['id']}{suffix}").status_code == 404
    assert auth_api.get(f"/api/v1/exports/{'0' * 32}{suffix}").status_code == 404
    assert other_api.get("/api/v1/exports").get_json()["items"] == []


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/api/v1/exports"), ("GET", "/api/v1/exports"), ("GET", "/api/v1/exports/x")],
)
def test_exports_need_sign_in(api, method, path):
    """Anonymous requests are a 401."""
    assert api.request(method, path, json={"kind": "csv"}).status_code == 401


def test_the_file_of_an_unfinished_job_is_a_409(auth_api):
    """Asking for the file while the job waits says it is not ready (its state in `fields`)."""
    job = auth_api.post("/api/v1/exports", {"kind": "csv"}).get_json()
    response = auth_api.get(f"{job['status_url']}/file")
    assert response.status_code == 409
    assert response.get_json()["error"]["fields"] == {"state": "queued"}


def test_three_jobs_on_the_way_at_most_and_the_list_pages(auth_api, app):
    """A fourth unfinished job is a 429; the list is newest first and pages with `next`."""
    ids = [
        auth_api.post("/api/v1/exports", {"kind": k}).get_json()["id"]
        for k in ("csv", "json", "fhir")
    ]
    refused = auth_api.post("/api/v1/exports", {"kind": "csv"})
    assert refused.status_code == 429 and job_count(app) == 3
    first = auth_api.get("/api/v1/exports?limit=2").get_json()
    second = auth_api.get(f"/api/v1/exports?limit=2&cursor={first['next']}").get_json()
    assert [j["id"] for j in first["items"] + second["items"]] == ids[::-1]
    assert second["next"] is None
    assert auth_api.get("/api/v1/exports?cursor=forged").status_code == 422


def test_data_jobs_make_the_same_files_as_the_sync_downloads(auth_api, app):
    """The csv zip holds the same files, the JSON export the same records, as the sync routes."""
    checkin(auth_api)
    made = {k: auth_api.post("/api/v1/exports", {"kind": k}).get_json() for k in ("csv", "json")}
    run_queue(app)
    csv_job = auth_api.get(f"{made['csv']['status_url']}/file").data
    csv_sync = auth_api.get("/export/data.csv").data
    names = [zipfile.ZipFile(io.BytesIO(body)).namelist() for body in (csv_job, csv_sync)]
    assert names[0] == names[1] and names[0]
    job_doc = json.loads(auth_api.get(f"{made['json']['status_url']}/file").data)
    sync_doc = json.loads(auth_api.get("/export/data.json").data)
    assert job_doc["checkins"] == sync_doc["checkins"] and len(job_doc["checkins"]) == 1


def test_a_job_that_cannot_be_made_fails_with_a_message(auth_api, app, monkeypatch):
    """An error while making the file marks the job failed, with words the person can read."""
    job = auth_api.post("/api/v1/exports", PDF).get_json()

    def broken(*_args, **_kwargs):
        raise RuntimeError("the renderer crashed")

    monkeypatch.setattr("journal.export.pdf.render_pdf", broken)
    run_queue(app)
    failed = auth_api.get(job["status_url"]).get_json()
    assert failed["state"] == "failed"
    assert failed["error"] == "The report could not be made; try again."
    assert auth_api.get(f"{job['status_url']}/file").status_code == 409


def test_old_jobs_and_files_without_a_job_are_swept(auth_api, app, tmp_path):
    """Finished over an hour ago: row and file go; a file whose job is gone goes too."""
    old = auth_api.post("/api/v1/exports", {"kind": "csv"}).get_json()
    fresh = auth_api.post("/api/v1/exports", {"kind": "json"}).get_json()
    run_queue(app)
    folder = tmp_path / "exports"
    (folder / f"{'f' * 32}.bin").write_bytes(b"mjx1 left behind")
    with app.app_context():
        db.session.get(ExportJob, old["id"]).finished_at = utcnow() - timedelta(hours=2)
        db.session.commit()
        assert jobs.sweep() == 2
    assert auth_api.get(old["status_url"]).status_code == 404
    assert auth_api.get(f"{fresh['status_url']}/file").status_code == 200
    assert sorted(p.name for p in folder.glob("*.bin")) == [f"{fresh['id']}.bin"]


def test_deleting_the_account_takes_its_jobs_and_files(auth_api, other_api, app, tmp_path):
    """The account's job rows go with it; the next sweep removes its files."""
    job = auth_api.post("/api/v1/exports", {"kind": "csv"}).get_json()
    run_queue(app)
    assert auth_api.delete("/api/v1/me", json={"password": PASSWORD}).status_code == 204
    assert job_count(app) == 0
    assert (tmp_path / "exports" / f"{job['id']}.bin").exists()
    # The next export anyone starts sweeps it (as does every runner when it starts).
    assert other_api.post("/api/v1/exports", {"kind": "csv"}).status_code == 202
    assert not (tmp_path / "exports" / f"{job['id']}.bin").exists()


def test_a_png_job_draws_the_chart(auth_api, app):
    """A chart job makes the same PNG the sync route would, at the asked size."""
    checkin(auth_api)
    body = {"kind": "png", "parameters": {"chart": "timeline", "width": "600", "height": "300"}}
    job = auth_api.post("/api/v1/exports", body).get_json()
    run_queue(app)
    done = auth_api.get(job["status_url"]).get_json()
    assert done["state"] == "done", done
    png = auth_api.get(done["file_url"])
    assert png.mimetype == "image/png" and png.data.startswith(b"\x89PNG")


def test_the_export_page_marks_what_runs_as_a_job(logged_in):
    """The PDF, chart and data downloads start jobs from the page, each with a status line."""
    page = logged_in.get("/export/").get_data(as_text=True)
    assert page.count('role="status" aria-live="polite" data-export-status') == 3
    for kind in ('data-export-kind="pdf"', 'data-export-kind-field="format"', 'kind="csv"'):
        assert kind in page
    assert "js/export-jobs.js" in page
    # Without JavaScript the same buttons still download from the sync routes.
    assert 'action="/export/report.pdf"' in page and 'href="/export/data.json"' in page


def test_the_service_worker_never_caches_export_jobs(client):
    """GET /api/v1/exports answers are personal and short-lived: never in the data cache."""
    worker = client.get("/sw.js").get_data(as_text=True)
    never = worker.split("const NEVER_CACHED = [", 1)[1].split("];", 1)[0]
    assert "'/api/v1/exports'" in never
