"""Flask commands: `flask --app journal demo-data ...`, `import-json`, `backup`, `restore`."""

import json
import uuid

import click
from flask import Flask
from flask.cli import with_appcontext

from . import demo, records
from .accounts.users import find_user, register_user
from .checkins import services as checkins
from .errors import Invalid
from .export import json_export
from .extensions import db
from .models import User
from .records import user_today
from .reflections import services as reflections
from .treatments import services as treatments


def load_demo(user: User, data: dict) -> None:
    """Store a generated history through the record kernel's rules, in one transaction."""
    kinds = {"checkins": checkins.KIND, "treatments": treatments.KIND}
    # The generator makes no duplicates: skip the flush before each occupancy check.
    with db.session.no_autoflush:
        sessions = []
        for key in ("checkins", "treatments"):
            for item in data[key]:
                row = records.restore(kinds[key], user, {"client_id": uuid.uuid4()}, item)
                if key == "treatments":
                    sessions.append(row)
        db.session.flush()
        for item in data["reflections"]:
            body = {k: v for k, v in item.items() if k != "session_index"}
            body["treatment_id"] = str(sessions[item["session_index"]].client_id)
            records.restore(reflections.KIND, user, {"client_id": uuid.uuid4()}, body)
    db.session.commit()


@click.command("demo-data")
@with_appcontext
@click.option("--email", required=True, help="Account to create for the demo history.")
@click.option("--password", required=True, help="Its password (8 characters or more).")
@click.option("--years", default=1.0, show_default=True, type=click.FloatRange(0.1, 20))
@click.option("--timezone", default="America/Chicago", show_default=True)
@click.option("--seed", default=1, show_default=True, type=int, help="Same seed, same history.")
def demo_data(email: str, password: str, years: float, timezone: str, seed: int) -> None:
    """Create an account with a realistic synthetic history (for demos and benchmarks)."""
    if find_user(email) is not None:
        raise click.UsageError(f"{email} already has an account; choose another email.")
    try:
        user = register_user(email, password, timezone)
    except Invalid as exc:
        raise click.UsageError("; ".join(f"{k}: {v}" for k, v in exc.fields.items())) from None
    data = demo.generate(years, user_today(user), timezone, seed)
    load_demo(user, data)
    click.echo(
        f"Created {email}: {len(data['checkins'])} check-ins, {len(data['treatments'])} sessions, "
        f"{len(data['reflections'])} reflections over {years:g} years."
    )


@click.command("import-json")
@with_appcontext
@click.argument("file", type=click.File("rb"))
@click.option("--email", required=True, help="The account to restore into; it must be empty.")
def import_json(file, email: str) -> None:
    """Restore a data.json export (records, settings, share links) into an empty account."""
    user = find_user(email)
    if user is None:
        raise click.UsageError(f"No account for {email}; register it first, then import.")
    try:
        document = json.load(file)
    except (UnicodeDecodeError, ValueError) as exc:
        raise click.ClickException(f"{file.name} is not JSON: {exc}") from None
    try:
        counts = json_export.import_document(user, document)
        db.session.commit()
    except Invalid as exc:
        details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
        raise click.ClickException(f"{exc.message} {details}".strip()) from None
    click.echo(
        f"Restored into {email}: {counts['checkins']} check-ins, {counts['treatments']} "
        f"sessions, {counts['reflections']} reflections, {counts['share_links']} share links, "
        f"{'the safety plan, ' if counts['safety_plan'] else ''}and the account's settings."
    )
    if counts["share_links_skipped"]:
        click.echo(
            f"Skipped {counts['share_links_skipped']} share links this server already holds "
            "in another account (one link opens one account)."
        )


@click.command("reset-password")
@with_appcontext
@click.argument("email")
@click.password_option("--password", help="The new password (asked for when not given).")
def reset_password(email: str, password: str) -> None:
    """Set a new password for an account (for self-hosters without mail); signs out every device."""
    from .accounts import events, services

    user = find_user(email)
    if user is None:
        raise click.UsageError(f"No account for {email}.")
    try:
        services.set_password_directly(user, password)
    except Invalid as exc:
        raise click.UsageError("; ".join(exc.fields.values())) from None
    events.record("password_reset", user.id, user_agent="flask reset-password")
    db.session.commit()
    click.echo(f"New password set for {user.email}; every device is signed out.")


def init_app(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(demo_data)
    app.cli.add_command(import_json)
    from .backup import commands as backup
    from .export.runner import run_exports
    from .imports.cli import import_file
    from .reminders.cli import send_reminders

    app.cli.add_command(send_reminders)
    app.cli.add_command(backup.backup)
    app.cli.add_command(backup.restore)
    app.cli.add_command(reset_password)
    app.cli.add_command(run_exports)
    app.cli.add_command(import_file)
