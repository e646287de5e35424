"""Demo surveys: the three shipped templates, published, with months of anonymous answers."""
from __future__ import annotations

import random
import uuid
from datetime import datetime, time, timedelta

from sqlmodel import Session, select

from hailong.surveys import definitions, shipped
from models import LOCAL_TZ, Campaign, CampaignUnit, Survey, SurveyAnswer, SurveyResponse, Unit, local_date_of, utcnow

# Per template: responses over the period and how kind the answers are (weights of 1..5).
PLAN = {"sipas": (260, [2, 4, 10, 44, 40]), "health": (180, [3, 5, 9, 45, 38]), "education": (160, [2, 4, 8, 42, 44])}
COMMENTS = ["Cán bộ hướng dẫn rất nhiệt tình.", "Nên có thêm ghế chờ vào buổi sáng.", "Thủ tục nhanh hơn trước nhiều.",
            "Mong có chỗ để xe rộng hơn.", "Trạm y tế sạch sẽ, bác sĩ tận tình.", "Nên nhắn tin báo khi có kết quả."]


def load_surveys(session: Session, unit: Unit, rng: random.Random, days: int = 180) -> str:
    """Create, publish and fill the shipped surveys for ``unit``; returns a summary line."""
    today = local_date_of(utcnow())
    total = 0
    for name, (count, weights) in PLAN.items():
        survey = _installed(session, unit, name)
        version = definitions.publish(session, survey)
        version.published_at = survey.published_at = datetime.combine(today - timedelta(days=days), time(8), LOCAL_TZ)
        campaign = Campaign(survey_id=survey.id, name=f"Đợt {today.year}", starts_on=today - timedelta(days=days),
                            ends_on=today)
        session.add(campaign)
        session.flush()  # the campaign's units need its id
        session.add(CampaignUnit(campaign_id=campaign.id, unit_id=unit.id))
        for _ in range(count):
            _respond(session, survey, version, campaign, unit, today - timedelta(days=rng.randint(0, days - 1)),
                     weights, rng)
        total += count
    return f"{total} survey responses to {len(PLAN)} published surveys (SIPAS, health, education)."


def _installed(session: Session, unit: Unit, name: str) -> Survey:
    """The unit's survey from template ``name`` (installed by the command, maybe), else a new one."""
    survey = session.exec(select(Survey).where(Survey.unit_id == unit.id, Survey.template == name)).first()
    if survey is None:
        slug = shipped.TEMPLATES[name]["slug"]
        if definitions.survey_by_slug(session, slug) is not None:
            slug = f"{slug}-{unit.code.lower()}"
        survey = shipped.create_from_template(session, unit_id=unit.id, name=name, slug=slug)
        session.flush()  # the version must exist before it is published
    return survey


def _respond(session, survey, version, campaign, unit, day, weights, rng: random.Random) -> None:
    moment = datetime.combine(day, time(rng.randint(7, 16), rng.randint(0, 59)), LOCAL_TZ)
    response = SurveyResponse(client_id=uuid.uuid4(), body_hash=uuid.uuid4().hex, survey_id=survey.id,
                              version_id=version.id, campaign_id=campaign.id, unit_id=unit.id, submitted_at=moment,
                              local_date=day)
    session.add(response)
    session.flush()  # the answers need the response's id
    for q in version.definition["questions"]:
        value_int, values = None, [None]
        if q["type"] == "scale":
            value_int = rng.choices(definitions.SCALE, weights=weights)[0]
        elif q["type"] == "yes_no":
            value_int = int(rng.random() < 0.7)
        elif q["type"] == "single":
            values = [rng.choice(q["options"])["value"]]
        elif q["type"] == "multiple":
            values = sorted({o["value"] for o in rng.sample(q["options"], rng.randint(1, 2))})
        elif rng.random() < 0.15:
            values = [rng.choice(COMMENTS)]
        else:
            continue
        for text in values:
            session.add(SurveyAnswer(response_id=response.id, question_key=q["key"], value_int=value_int,
                                     value_text=text, element=q.get("element"), overall=bool(q.get("overall"))))
