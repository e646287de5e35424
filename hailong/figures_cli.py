"""Commands for the figures: `scan-alerts` (run every few minutes by cron or a timer) and
`refresh-totals` (after a bulk import that bypassed the ORM)."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlmodel import select

from hailong import alerts, totals
from hailong.db import session_scope
from models import Unit, UnitKind


@click.command("scan-alerts")
@with_appcontext
def scan_alerts() -> None:
    """Record new alerts (dissatisfied runs at a desk, silent kiosks) for every commune."""
    with session_scope() as session:
        units = list(session.exec(select(Unit.id).where(Unit.kind == UnitKind.COMMUNE)))
        count = alerts.scan(session, units) if units else 0
    click.echo(f"{count} new alerts.")


@click.command("refresh-totals")
@with_appcontext
@click.option("--check", is_flag=True, help="Only report whether the totals match the taps and tickets.")
def refresh_totals(check: bool) -> None:
    """Rebuild the daily and monthly totals of taps and PAKN from the records themselves."""
    with session_scope() as session:
        if check:
            wrong = totals.drift(session)
            click.echo("Totals are exact." if not wrong else f"{len(wrong)} totals differ from the taps and tickets.")
            if wrong:
                raise SystemExit(1)
            return
        totals.rebuild(session)
    click.echo("Totals rebuilt.")


COMMANDS = (scan_alerts, refresh_totals)
