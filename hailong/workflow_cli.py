"""Commands for cron: send the outbox (and flag overdue tickets), anonymise expired contact data."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlmodel import select

from hailong import outbox, privacy, workflow
from hailong.db import session_scope
from models import Unit, local_date_of, utcnow


@click.command("send-outbox")
@with_appcontext
@click.option("--limit", default=200, show_default=True, help="Messages to send in this run at most.")
def send_outbox(limit: int) -> None:
    """Flag newly overdue tickets, then send the e-mails and SMS that are due (run every few minutes)."""
    config = current_app.config["HAILONG"]
    today = local_date_of(utcnow())
    with session_scope() as session:
        flagged = sum(workflow.flag_overdue(session, unit_id, today) for unit_id in session.exec(select(Unit.id)))
    with session_scope() as session:
        result = outbox.send_due(session, smtp_url=config.smtp_url, sms_gateway_url=config.sms_gateway_url,
                                 public_url=config.public_url, limit=limit)
    click.echo(f"overdue flagged {flagged}; sent {result.sent}, retry later {result.retried}, "
               f"given up {result.failed}, waiting for settings {result.skipped}")
    for error in result.errors[:10]:
        click.echo(f"  {error}", err=True)


@click.command("anonymise-expired")
@with_appcontext
@click.option("--months", default=privacy.RETENTION_MONTHS, show_default=True,
              help="Anonymise contact data this many months after closure.")
def anonymise_expired(months: int) -> None:
    """Remove citizens' contact data from tickets closed longer ago than the retention period."""
    with session_scope() as session:
        count = privacy.anonymise_expired(session, months=months)
    click.echo(f"anonymised {count} tickets")


COMMANDS = (send_outbox, anonymise_expired)
