"""Chart images from the server: valid PNG and SVG of the requested size, one warm browser."""

import io
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
from PIL import Image

from journal.export import images
from tests.app import export_history as history
from tests.app.test_export_report import needs_browser

CHARTS = ["timeline", "around-sessions", "session-change", "items"]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def seeded(auth_api, user):
    """Give `user` the known history and return the API client."""
    history.seed(auth_api, user)
    return auth_api


@needs_browser
@pytest.mark.parametrize("name", CHARTS)
def test_png_is_the_requested_size_on_white(seeded, name):
    """Each chart is a PNG of exactly width x height with a white background."""
    response = seeded.get(f"/export/charts/{name}.png?width=640&height=360")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    image = Image.open(io.BytesIO(response.data))
    assert image.format == "PNG" and image.size == (640, 360)
    assert image.convert("RGB").getpixel((2, 2)) == (255, 255, 255)


@needs_browser
def test_svg_is_valid_xml_of_the_requested_size(seeded):
    """The SVG parses as XML, its root is <svg>, and it has the requested size."""
    response = seeded.get("/export/charts/timeline.svg?width=800&height=500&from=2020-01-01")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    root = ElementTree.fromstring(response.data)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert (root.get("width"), root.get("height")) == ("800", "500")


@needs_browser
def test_download_has_a_sensible_file_name(seeded):
    """The file is offered as an attachment named after the chart and the range."""
    response = seeded.get("/export/charts/items.svg?from=2026-01-01&to=2026-03-31")
    disposition = response.headers["Content-Disposition"]
    assert disposition == 'attachment; filename="mood-journal-items-2026-01-01-to-2026-03-31.svg"'
    assert response.headers["Cache-Control"] == "no-store"


@needs_browser
def test_user_text_is_escaped_inside_the_svg(auth_api, user):
    """A clinic name with markup reaches the SVG's hover data only as escaped text."""
    history.put(
        auth_api,
        "treatments",
        {"started_at": history.at(user, 1), "route": "iv", "clinic": "<script>alert(1)</script>"},
    )
    history.checkin(auth_api, user, "daily", 0, [1] * 9)
    response = auth_api.get("/export/charts/timeline.svg")
    assert response.status_code == 200
    assert b"<script" not in response.data


@needs_browser
def test_a_second_image_reuses_the_warm_browser(seeded):
    """Only the first image in a process starts a browser; later ones reuse it."""
    assert seeded.get("/export/charts/timeline.png").status_code == 200
    starts, path = images.RENDERER.starts, images.RENDERER.path
    assert images.RENDERER.running
    assert seeded.get("/export/charts/items.png").status_code == 200
    assert seeded.get("/export/charts/timeline.svg").status_code == 200
    assert images.RENDERER.starts == starts and images.RENDERER.path == path


@needs_browser
def test_a_crashed_browser_is_503_once_then_replaced(seeded):
    """If Chromium dies, that request is a 503 and the next one starts a new browser."""
    assert seeded.get("/export/charts/items.png").status_code == 200
    starts = images.RENDERER.starts
    images.RENDERER._kaleido.subprocess.kill()
    images.RENDERER._kaleido.subprocess.wait(10)

    crashed = seeded.get("/export/charts/items.png", headers={"Accept": "application/json"})

    assert crashed.status_code == 503
    assert crashed.get_json()["error"]["code"] == "charts_unavailable"
    assert seeded.get("/export/charts/items.png").status_code == 200
    assert images.RENDERER.starts == starts + 1


def test_the_browser_is_not_started_with_the_app():
    """Creating the app loads no Kaleido and starts no browser (gunicorn forks after start-up)."""
    script = (
        "import sys; from journal import create_app; from journal.export import images; "
        "create_app({'SECRET_KEY': 'x', 'SQLALCHEMY_DATABASE_URI': 'sqlite://'}); "
        "print('kaleido' in sys.modules, images.RENDERER.starts)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.split() == ["False", "0"]


def test_without_chromium_images_are_503(app, seeded):
    """A missing browser is a 503 that says what to do instead."""
    app.config["CHROMIUM_PATH"] = "/nonexistent/chromium"
    response = seeded.get("/export/charts/timeline.png", headers={"Accept": "application/json"})
    assert response.status_code == 503
    assert "Chromium" in response.get_json()["error"]["message"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("width=299", "width"),
        ("width=2401", "width"),
        ("height=abc", "height"),
        ("height=-5", "height"),
        ("from=2026-02-01&to=2026-01-01", "from"),
        ("from=soon", "from"),
    ],
)
def test_bad_image_options_are_422(auth_api, query, field):
    """Sizes outside 300-2400 px and bad dates are refused, naming the field."""
    response = auth_api.get(
        f"/export/charts/timeline.png?{query}", headers={"Accept": "application/json"}
    )
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("path", ["/export/charts/pie.png", "/export/charts/timeline.gif"])
def test_unknown_chart_or_format_is_404(auth_api, path):
    """Only the four charts, as PNG or SVG."""
    assert auth_api.get(path).status_code == 404


def test_image_form_redirects_to_the_chart_url(logged_in):
    """The export page's image form lands on the chart's own URL with its options."""
    response = logged_in.get("/export/chart?chart=items&format=svg&width=900&height=&from=")
    assert response.status_code == 302
    assert response.headers["Location"] == "/export/charts/items.svg?width=900"
