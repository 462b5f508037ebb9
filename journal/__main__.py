"""The `mood-journal` command: Flask's CLI for this app (`mood-journal db upgrade`, `run`, ...)."""

from flask.cli import FlaskGroup

from . import create_app


def main() -> None:
    """Run a Flask CLI command against create_app(), as `flask --app journal` does."""
    FlaskGroup(create_app=create_app).main(prog_name="mood-journal")


if __name__ == "__main__":
    main()
