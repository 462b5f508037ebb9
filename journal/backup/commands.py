"""`flask backup PATH` and `flask restore PATH`."""

import click
from flask.cli import with_appcontext

from ..errors import Invalid
from . import services

FORMATS = {
    "sqlite": "SQLite online backup",
    "pg_dump": "pg_dump custom format",
    "logical": "logical export of every table",
}


def one_line(message: str) -> str:
    """Return a message on one line (pg_dump and drivers answer in several)."""
    return " ".join(message.split())


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@click.option("--logical", is_flag=True, help="Write the logical format on any database.")
def backup(path: str, logical: bool) -> None:
    """Back up the whole database to PATH while the app keeps running (keys: see README)."""
    try:
        kind = services.backup(path, force_logical=logical)
    except Invalid as exc:
        raise click.ClickException(f"Backup failed: {one_line(exc.message)}") from None
    except Exception as exc:  # a nightly job's log needs the reason in one line, not a traceback
        reason = one_line(str(exc)) or "no details"
        raise click.ClickException(f"Backup failed: {type(exc).__name__}: {reason}") from None
    click.echo(f"Backed up to {path} ({FORMATS[kind]}). The master key is not in it.")


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
def restore(path: str, yes: bool) -> None:
    """Replace the whole database with the backup at PATH (stop the app first)."""
    if not yes:
        click.confirm("This replaces every row in the configured database. Go on?", abort=True)
    try:
        kind = services.restore(path)
    except Invalid as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Restored {path} ({FORMATS[kind]}).")
