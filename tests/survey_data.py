"""Build surveys and answers for tests through the same domain functions the app uses."""
from __future__ import annotations

import uuid

from sqlmodel import Session

from hailong.surveys import definitions, responses, shipped
from models import Survey, Unit

SIPAS_ANSWERS = {"access_1": 5, "access_2": 4, "proc_1": 3, "proc_2": 4, "off_1": 5, "off_2": 5, "off_3": 2,
                 "res_1": 4, "res_2": 1, "fb_1": 4, "visits": "no", "overall": 4}


def published(session: Session, unit: Unit, name: str = "sipas", slug: str | None = None) -> Survey:
    """A shipped template, published and committed."""
    survey = shipped.create_from_template(session, unit_id=unit.id, name=name, slug=slug)
    session.flush()
    definitions.publish(session, survey)
    session.commit()
    return survey


def answer(session: Session, survey: Survey, answers: dict, *, unit: Unit | None = None, version: int | None = None):
    """Submit one response (committed) and return it."""
    number = version or definitions.live_version(session, survey).number
    unit = unit or session.get(Unit, survey.unit_id)
    stored = responses.submit(session, survey, {"id": str(uuid.uuid4()), "version": number, "answers": answers},
                              unit=unit)
    session.commit()
    return stored.response


def health_answers(overall: int, **others) -> dict:
    base = {"purpose": "o1", "h_access": 4, "h_clean": 4, "h_proc": 4, "h_staff": 4, "h_result": 4, "overall": overall}
    return base | others


def education_answers(overall: int, **others) -> dict:
    base = {"level": "o2", "e_access": 4, "e_proc": 4, "e_staff": 4, "e_result": 4, "e_feedback": 4, "overall": overall}
    return base | others


def page_token(client, url: str) -> str | None:
    """The signed token the survey page at ``url`` carries, as a phone would read it."""
    import re

    match = re.search(r'name="token" value="([^"]+)"', client.get(url).get_data(as_text=True))
    return match.group(1) if match else None


def post(client, url: str, *, json=None, data=None, **kwargs):
    """Open the survey page, then send the answers with its token, the way the page itself does."""
    token = page_token(client, url)
    if isinstance(json, dict) and "token" not in json:
        json = json | {"token": token}
    if isinstance(data, dict) and "token" not in data:
        data = data | {"token": token}
    return client.post(url, json=json, data=data, **kwargs)
