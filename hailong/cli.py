"""Commands, all run as ``flask --app wsgi COMMAND``."""
from __future__ import annotations

import subprocess
import sys

import click
from alembic import command as alembic_command
from alembic.config import Config as AlembicConfig
from flask import Flask
from flask.cli import AppGroup, with_appcontext
from sqlmodel import select

from hailong import ratings, users
from hailong.config import PROJECT_DIR
from hailong.db import engine, session_scope
from hailong.errors import DomainError
from hailong.figures import ensure_targets
from models import Desk, Role, Unit, install_audit_guard, local_date_of, utcnow


def alembic_config(url: str) -> AlembicConfig:
    config = AlembicConfig(str(PROJECT_DIR / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(connection) -> None:
    """Apply every migration on ``connection`` (used by init-db and by the schema test)."""
    config = alembic_config(str(connection.engine.url))
    config.attributes["connection"] = connection
    alembic_command.upgrade(config, "head")
    install_audit_guard(connection)


def default_unit(session, code: str | None = None) -> Unit:
    """The unit named by ``code``, or the only commune when there is just one."""
    if code:
        unit = session.exec(select(Unit).where(Unit.code == code)).first()
        if unit is None:
            raise click.ClickException(f"No unit with code {code!r}.")
        return unit
    unit = session.exec(select(Unit).where(Unit.kind == "commune").order_by(Unit.id)).first()
    if unit is None:
        raise click.ClickException("No unit yet: run `flask --app wsgi init-db` first.")
    return unit


@click.command("init-db")
@with_appcontext
@click.option("--unit-code", default="XA01", show_default=True, help="Code of the commune created on a new database.")
@click.option("--unit-name", default="UBND xã", show_default=True,
              help="Name of the commune created on a new database.")
def init_db(unit_code: str, unit_name: str) -> None:
    """Apply migrations to head (safe to run again) and make sure a commune exists."""
    with engine().begin() as connection:
        migrate(connection)
    with session_scope() as session:
        if session.exec(select(Unit)).first() is None:
            unit = Unit(code=unit_code, name=unit_name)
            session.add(unit)
            session.flush()
            ensure_targets(session, unit, local_date_of(utcnow()).year)
    click.echo("Database is at the latest schema.")


@click.command("create-user")
@with_appcontext
@click.argument("username")
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
@click.option("--unit", "unit_code", default=None, help="Unit code (default: the commune).")
@click.option("--name", "full_name", default="", help="Full name shown in the back office.")
def create_user(username: str, role: str, unit_code: str | None, full_name: str) -> None:
    """Create a back-office account; the password is read from a prompt or stdin."""
    password = click.prompt("Password", hide_input=True, confirmation_prompt=sys.stdin.isatty())
    try:
        with session_scope() as session:
            unit = default_unit(session, unit_code)
            user = users.create_user(session, username=username, password=password, role=role,
                                     unit_id=unit.id, full_name=full_name)
            click.echo(f"Created {user.username} ({role}) in {unit.name}.")
    except DomainError as error:
        raise click.ClickException(str(error.message)) from None


@click.command("create-kiosk")
@with_appcontext
@click.argument("name")
@click.option("--unit", "unit_code", default=None, help="Unit code (default: the commune).")
@click.option("--desk", "desk_number", type=int, default=None, help="Desk number the kiosk stands at.")
def create_kiosk(name: str, unit_code: str | None, desk_number: int | None) -> None:
    """Register a kiosk; the last line printed is its token alone."""
    with session_scope() as session:
        unit = default_unit(session, unit_code)
        desk = None
        if desk_number is not None:
            desk = session.exec(select(Desk).where(Desk.unit_id == unit.id, Desk.number == desk_number)).first()
            if desk is None:
                raise click.ClickException(f"No desk {desk_number} in {unit.name}.")
        kiosk, token = ratings.create_kiosk(session, unit=unit, name=name, desk=desk)
        click.echo(f"Kiosk {kiosk.id} \"{name}\" registered in {unit.name}.")
        click.echo("Pair a tablet by opening http://<this server on the office LAN>/kiosk/pair?code=<token>. Token:")
        click.echo(token)


@click.command("demo-data")
@with_appcontext
@click.option("--months", default=6, show_default=True, help="Months of ratings to generate.")
@click.option("--seed", default=2025, show_default=True)
@click.option("--scale", type=click.Choice(["commune", "province"]), default="commune", show_default=True,
              help="province: many communes, a year of ≥ 1,000,000 ratings and ≥ 100,000 PAKN, for load tests.")
@click.option("--base-url", default="http://127.0.0.1:5000", show_default=True,
              help="The server's address as people reach it: the printed links start with it.")
def demo_data(months: int, seed: int, scale: str, base_url: str) -> None:
    """Fill the database with a realistic demo commune (or a province's year with --scale province)."""
    from hailong import demo

    if scale == "province":
        from hailong import scale as province_scale

        with session_scope() as session:
            province_scale.load_province(session, seed=seed, log=click.echo)
        return
    with session_scope() as session:
        summary = demo.load(session, months=months, seed=seed, base_url=base_url)
    for line in summary:
        click.echo(line)


translate = AppGroup("translate", help="Extract, update and compile the vi and en catalogs.")


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=PROJECT_DIR)


@translate.command("extract")
def translate_extract() -> None:
    """Collect every translatable string into translations/messages.pot."""
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "--no-location", "--sort-output",
             "--project", "hailong", "-o", "translations/messages.pot", ".")


@translate.command("update")
def translate_update() -> None:
    """Extract, then merge new strings into each language's catalog."""
    translate_extract.callback()
    _pybabel("update", "-i", "translations/messages.pot", "-d", "translations", "--no-fuzzy-matching",
             "--ignore-obsolete")


@translate.command("compile")
def translate_compile() -> None:
    """Compile the catalogs the app reads."""
    _pybabel("compile", "-d", "translations", "--use-fuzzy")


def init_app(app: Flask) -> None:
    from hailong.dossiers_cli import COMMANDS as DOSSIER_COMMANDS
    from hailong.figures_cli import COMMANDS as FIGURES_COMMANDS
    from hailong.officials_cli import COMMANDS as OFFICIALS_COMMANDS
    from hailong.surveys.cli import COMMANDS as SURVEY_COMMANDS
    from hailong.workflow_cli import COMMANDS as WORKFLOW_COMMANDS

    for cmd in (init_db, create_user, create_kiosk, demo_data, translate, *WORKFLOW_COMMANDS, *FIGURES_COMMANDS,
                *OFFICIALS_COMMANDS, *DOSSIER_COMMANDS, *SURVEY_COMMANDS):
        app.cli.add_command(cmd)
