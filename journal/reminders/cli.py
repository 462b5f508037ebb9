"""The `flask send-reminders` command (run it every few minutes from cron or a systemd timer)."""

from datetime import UTC, datetime

import click
from flask.cli import with_appcontext

from . import run


@click.command("send-reminders")
@with_appcontext
@click.option(
    "--now",
    default=None,
    help="Act as if it were this UTC instant (ISO 8601), for tests and catching up.",
)
@click.option("--batch-size", default=run.BATCH, show_default=True, type=click.IntRange(1, 5000))
def send_reminders(now: str | None, batch_size: int) -> None:
    """Send every reminder that is due now; running it twice sends nothing twice."""
    moment = None
    if now:
        try:
            moment = datetime.fromisoformat(now)
        except ValueError:
            raise click.BadParameter(
                "use ISO 8601, like 2026-03-08T07:00:00Z", param_hint="--now"
            ) from None
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    report = run.send_due(moment, batch_size)
    click.echo(
        f"{report.candidates} people looked at, {report.claimed} reminders, "
        f"{report.emails} e-mails, {report.pushes} pushes, "
        f"{report.subscriptions_removed} expired subscriptions removed."
    )
    for error in report.errors:
        click.echo(f"note: {error}", err=True)
