"""`import-dossiers FILE [--unit CODE]`: bring the province's dossier register in (CSV or XLSX)."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from hailong import dossiers
from hailong.db import session_scope


@click.command("import-dossiers")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--unit", "unit_code", default=None, help="Commune code (default: the only commune).")
def import_dossiers(file: Path, unit_code: str | None) -> None:
    """Add or update dossiers by code; a file with any bad row is refused whole, every bad row named."""
    from hailong.cli import default_unit

    try:
        # Officials read the Vietnamese messages; there is no request to choose a language from.
        with force_locale("vi"), session_scope() as session:
            unit = default_unit(session, unit_code)
            if unit.kind != "commune":
                raise click.ClickException(f"{unit.code} is a province: give the commune's code with --unit.")
            result = dossiers.import_register(session, unit, file.name, file.read_bytes())
    except dossiers.RegisterRefused as refused:
        with force_locale("vi"):
            click.echo(str(refused.message), err=True)
            for error in refused.errors:
                click.echo(f"  {error}", err=True)
        raise SystemExit(1) from None
    with force_locale("vi"):
        click.echo(f"{unit.name}: {result.summary()}")


COMMANDS = (import_dossiers,)
