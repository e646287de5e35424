"""``flask --app wsgi surveys install-templates``: put the shipped surveys into a unit."""
from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext
from sqlmodel import select

from hailong.cli import default_unit
from hailong.db import session_scope
from hailong.surveys import definitions, shipped
from models import Survey

surveys = AppGroup("surveys", help="The shipped surveys (SIPAS, health, education).")


@surveys.command("install-templates")
@with_appcontext
@click.option("--unit", "unit_code", default=None, help="Unit code (default: the commune).")
@click.option("--publish", is_flag=True, help="Publish them at once (otherwise they stay drafts to review).")
def install_templates(unit_code: str | None, publish: bool) -> None:
    """Create the SIPAS, health and education surveys in a unit; safe to run again."""
    with session_scope() as session:
        unit = default_unit(session, unit_code)
        for name, template in shipped.TEMPLATES.items():
            if session.exec(select(Survey).where(Survey.unit_id == unit.id, Survey.template == name)).first():
                click.echo(f"{name}: already installed in {unit.name}.")
                continue
            taken = definitions.survey_by_slug(session, template["slug"]) is not None
            slug = f"{template['slug']}-{unit.code.lower()}" if taken else template["slug"]
            survey = shipped.create_from_template(session, unit_id=unit.id, name=name, slug=slug)
            session.flush()  # publishing reads the new version back
            if publish:
                definitions.publish(session, survey)
            click.echo(f"{name}: /survey/{slug} ({'published' if publish else 'draft'}).")


COMMANDS = (surveys,)
