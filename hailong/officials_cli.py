"""`flask --app wsgi officials …`: set up a commune's officials in bulk, give one a photo."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlmodel import select

from hailong import officials
from hailong.cli import default_unit
from hailong.db import session_scope
from hailong.errors import ValidationError
from models import Official

group = AppGroup("officials", help="Officials (công chức): bulk import from CSV, photos.")


def _refused(error: ValidationError) -> click.ClickException:
    lines = [str(error.message)] + [f"  {where}: {message}" for where, message in error.fields.items()]
    return click.ClickException("\n".join(lines))


@group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--unit", "unit_code", default=None, help="Unit code (default: the commune).")
def import_officials(path: Path, unit_code: str | None) -> None:
    """Create or update officials from a UTF-8 CSV: code, full_name, title, username, desk (number).
    A file with any bad line is refused whole, every bad line named."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise click.ClickException("The file is not UTF-8 text; save it as CSV UTF-8.") from None
    with session_scope() as session, force_locale("vi"):  # no request to choose a language from
        unit = default_unit(session, unit_code)
        try:
            created, updated = officials.import_csv(session, unit.id, text)
        except ValidationError as error:
            raise _refused(error) from None
    click.echo(f"created {created}, updated {updated}")


@group.command("photo")
@click.argument("code")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--unit", "unit_code", default=None, help="Unit code (default: the commune).")
def official_photo(code: str, path: Path, unit_code: str | None) -> None:
    """Give the official CODE the photo at PATH (cropped square, made small, metadata dropped)."""
    with session_scope() as session, force_locale("vi"):
        unit = default_unit(session, unit_code)
        official = session.exec(select(Official).where(Official.unit_id == unit.id, Official.code == code)).first()
        if official is None:
            raise click.ClickException(f"No official with code {code!r} in {unit.code}.")
        try:
            officials.set_photo(session, official, path.read_bytes()[:officials.PHOTO_MAX_BYTES + 1],
                                current_app.config["HAILONG"].upload_dir)
        except ValidationError as error:
            raise _refused(error) from None
    click.echo(f"photo set for {code}")


COMMANDS = (group,)
