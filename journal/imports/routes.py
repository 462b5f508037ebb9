"""The import page: upload, preview (a dry run) with each mood label's value, then confirm."""

import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..errors import Invalid
from . import options, service

bp = Blueprint("imports", __name__)


def chosen_moods(form) -> dict[str, str]:
    """Return the preview's mood values as a mood map (label -> the number typed)."""
    labels = form.getlist("mood_label")
    values = form.getlist("mood_value")
    return {label: value for label, value in zip(labels, values, strict=False) if value.strip()}


def mood_map_json(form) -> str:
    """Return the typed mood values as the JSON the options declare (a blank stays unmapped)."""
    found = {}
    for label, value in chosen_moods(form).items():
        try:
            found[label] = int(value)
        except ValueError:
            found[label] = value  # the option's rule names it
    return json.dumps(found)


def render(result=None, error=None, status=200, values=None):
    """Render the page (with a preview, an error, or neither)."""
    return render_template(
        "imports/index.html",
        result=result,
        error=error,
        sources=options.SOURCE_LABELS,
        chosen_source=(values or {}).get("source") or "",
        mood_max=options.MOOD_MAX,
        mood_min=options.MOOD_MIN,
    ), status


@bp.route("/import", methods=["GET"])
@login_required
def page():
    """Show the upload form."""
    return render()


@bp.route("/import", methods=["POST"])
@login_required
def upload():
    """Preview (a dry run) or import the uploaded file; nothing is written by a preview."""
    dry_run = request.form.get("action") != "import"
    values = {"source": request.form.get("source") or None, "dry_run": "1" if dry_run else "0"}
    upload_file = request.files.get("file")
    try:
        if upload_file is None or not upload_file.filename:
            raise Invalid("Choose the file to import.", {"file": "Required."})
        values["mood_map"] = mood_map_json(request.form)
        chosen = options.clean_options(values)
        data = options.read_upload(upload_file)
        if len(data) > options.MAX_BYTES:
            abort(413, description="The file is over 20 MB.")
        result = service.unit(current_user, data, **chosen)
    except Invalid as exc:
        return render(error=exc.message, status=422, values=values)
    if dry_run:
        return render(result=result, values=values)
    made = result["checkins"]
    flash(
        f"Imported {made['created']} days ({result['first_date']} to {result['last_date']}); "
        f"{made['unchanged']} dates already had a check-in and were left as they were.",
        "info",
    )
    return redirect(url_for("checkins.index"))
