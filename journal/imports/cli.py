"""`flask import FILE --email ...`: the same import as the page and the API, from a shell."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from ..accounts.users import find_user
from ..errors import Invalid
from ..extensions import db
from . import options, service


def summary_lines(result: dict, dry_run: bool) -> list[str]:
    """Return the import's outcome in a few lines (labels and counts, never note text)."""
    made = result["checkins"]
    verb = "Would create" if dry_run else "Created"
    lines = [
        f"{result['source']}: {result['days']} days, {result['first_date']} to "
        f"{result['last_date']}.",
        f"{verb} {made['created']} check-ins; {made['unchanged']} dates already had one.",
    ]
    if result["moods"]:
        lines.append("Moods: " + ", ".join(f"{k} = {v}" for k, v in result["moods"].items()))
    if result["unmapped_moods"]:
        lines.append("Without a value (use --mood-map): " + ", ".join(result["unmapped_moods"]))
    lines += [f"Skipped line {row['line']}: {row['reason']}" for row in result["skipped"]]
    return lines


@click.command("import")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--email", required=True, help="The account to import into.")
@click.option("--source", default=None, help="daylio-csv, daylio-backup, csv, mood-journal-json")
@click.option("--mood-map", default=None, help="JSON: mood label -> 0-10, e.g. '{\"ok\": 6}'")
@click.option("--dry-run", is_flag=True, help="Check and count; write nothing.")
def import_file(file: Path, email: str, source, mood_map, dry_run: bool) -> None:
    """Import a Daylio CSV or backup, a spreadsheet CSV or a Mood Journal JSON export."""
    user = find_user(email)
    if user is None:
        raise click.UsageError(f"No account for {email}; register it first, then import.")
    if file.stat().st_size > options.MAX_BYTES:
        raise click.ClickException("The file is over 20 MB.")
    try:
        chosen = options.clean_options(
            {"source": source, "mood_map": mood_map, "dry_run": "1" if dry_run else "0"}
        )
        result = service.unit(user, file.read_bytes(), **chosen)
        db.session.commit()  # the command is the unit of work (a dry run wrote nothing)
    except Invalid as exc:
        raise click.ClickException(exc.message) from None
    for line in summary_lines(result, dry_run):
        click.echo(line)
