"""Where the app's templates, static files and migrations live, in a checkout and in a wheel."""

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """Return the folder `name`: inside the package when installed, beside it in a checkout."""
    # A wheel ships templates/, static/ and migrations/ inside journal/; a checkout keeps them at
    # the top of the repository, where the project's owner wants them.
    installed = PACKAGE / name
    return installed if installed.is_dir() else PACKAGE.parent / name


TEMPLATES = resource_dir("templates")
STATIC = resource_dir("static")
MIGRATIONS = resource_dir("migrations")
