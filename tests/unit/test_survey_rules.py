"""Survey rules: checking answers and questions, SIPAS element indexes, sector satisfaction from surveys."""
import uuid
from datetime import timedelta

import pytest
from sqlmodel import select

from admin.survey_forms import options_from_lines
from hailong.errors import ValidationError
from hailong.figures import Period, Rate, sector_figures, sector_rate
from hailong.surveys import definitions, responses, results
from hailong.surveys.shipped import HEALTH, SIPAS
from models import Level, Rating, SurveyResponse, Unit, local_date_of, utcnow
from tests import survey_data
from tests.factories import at_opening

DEFINITION = {"questions": [
    {"key": "s", "type": "scale", "required": True, "options": []},
    {"key": "c", "type": "single", "required": False, "options": [{"value": "o1"}, {"value": "o2"}]},
    {"key": "m", "type": "multiple", "required": False, "options": [{"value": "o1"}, {"value": "o2"}, {"value": "o3"}]},
    {"key": "y", "type": "yes_no", "required": False, "options": []},
    {"key": "t", "type": "short_text", "required": False, "options": []},
]}


def test_clean_answers_keep_only_what_was_answered():
    clean = responses.check_answers(DEFINITION, {"s": "5", "m": ["o3", "o1", "o1"], "y": "no", "t": "  ổn  ", "c": ""})
    assert clean == {"s": 5, "m": ["o1", "o3"], "y": 0, "t": "ổn"}


@pytest.mark.parametrize("answers, field", [
    ({}, "s"),  # required and missing
    ({"s": 6}, "s"), ({"s": "năm"}, "s"), ({"s": True}, "s"), ({"s": 3.5}, "s"),
    ({"s": 3, "c": "o9"}, "c"), ({"s": 3, "c": ["o1", "o2"]}, "c"),
    ({"s": 3, "m": ["o1", "x"]}, "m"), ({"s": 3, "m": [{"o1": 1}]}, "m"),
    ({"s": 3, "y": "maybe"}, "y"),
    ({"s": 3, "t": "x" * 201}, "t"), ({"s": 3, "t": 12}, "t"),
    ({"s": 3, "zz": 1}, "zz"),  # a question the survey does not have
])
def test_bad_answers_name_the_question(answers, field):
    with pytest.raises(ValidationError) as caught:
        responses.check_answers(DEFINITION, answers)
    assert field in caught.value.fields


def test_answers_must_be_an_object():
    with pytest.raises(ValidationError):
        responses.check_answers(DEFINITION, ["s", 5])


@pytest.mark.parametrize("data, field", [
    ({"type": "nope", "text": {"vi": "Câu"}}, "type"),
    ({"type": "scale", "text": {"vi": " "}}, "text_vi"),
    ({"type": "single", "text": {"vi": "Chọn"}, "options": [{"label": {"vi": "Một"}}]}, "options"),
    ({"type": "single", "text": {"vi": "Chọn"}, "options": [{"label": {"vi": "A"}}, {"label": {"vi": "a"}}]},
     "options"),
    ({"type": "yes_no", "text": {"vi": "Có?"}, "element": "access"}, "element"),
    ({"type": "scale", "text": {"vi": "Điểm"}, "element": "weather"}, "element"),
    ({"type": "long_text", "text": {"vi": "Góp ý"}, "overall": True}, "overall"),
])
def test_bad_questions_name_the_field(data, field):
    with pytest.raises(ValidationError) as caught:
        definitions.check_question(data, key="q1")
    assert field in caught.value.fields


def test_shipped_templates_are_valid_and_sipas_covers_five_elements():
    for template in (SIPAS, HEALTH):
        for q in template["questions"]:
            definitions.check_question(q, key=q["key"])
    assert {q.get("element") for q in SIPAS["questions"]} - {None} == set(definitions.ELEMENTS)
    assert [q["key"] for q in SIPAS["questions"] if q.get("overall")] == ["overall"]


def test_edited_options_keep_their_stored_values():
    existing = [{"value": "o1", "label": {"vi": "Một"}}, {"value": "o2", "label": {"vi": "Hai"}}]
    options = options_from_lines("Ba | Three\nhai\n\nMột | One", existing)
    assert [(o["value"], o["label"]["vi"], o["label"]["en"]) for o in options] == [
        ("o3", "Ba", "Three"), ("o2", "hai", ""), ("o1", "Một", "One")]


# --- figures on a database ------------------------------------------------------------------


def test_element_index_is_the_share_of_4_and_5(session, world):
    survey = survey_data.published(session, world.unit)
    # access 5,4; procedures 3,4; officials 5,5,2; result 4,1
    survey_data.answer(session, survey, survey_data.SIPAS_ANSWERS)
    survey_data.answer(session, survey, survey_data.SIPAS_ANSWERS | {"access_1": 3, "fb_2": 5})
    indexes = results.element_indexes(session, [survey.id], results.Filters())
    assert indexes["access"] == Rate(3, 4)
    assert indexes["procedures"] == Rate(2, 4)
    assert indexes["officials"] == Rate(4, 6)
    assert indexes["result"] == Rate(2, 4)
    assert indexes["feedback_handling"] == Rate(3, 3)
    assert results.overall_index(indexes) == pytest.approx((3 / 4 + 2 / 4 + 4 / 6 + 2 / 4 + 1) / 5)


def test_element_index_without_answers_has_no_value(session, world):
    survey = survey_data.published(session, world.unit)
    indexes = results.element_indexes(session, [survey.id], results.Filters())
    assert all(rate == Rate(0, 0) and rate.value is None for rate in indexes.values())
    assert results.overall_index(indexes) is None


def _rating(session, world, area: str, level: Level, when):
    session.add(Rating(client_id=uuid.uuid4(), body_hash="x", unit_id=world.unit.id,
                       service_area_id=world.areas[area].id, level=level, tapped_at=when,
                       local_date=local_date_of(when)))


def test_sector_satisfaction_counts_ratings_and_the_overall_survey_question(session, world):
    today = local_date_of(utcnow())
    period = Period(today - timedelta(days=7), today)
    for level in (Level.VERY_SATISFIED, Level.SATISFIED, Level.SATISFIED, Level.DISSATISFIED):
        _rating(session, world, "YT", level, at_opening())
    health = survey_data.published(session, world.unit, "health")
    for overall in (5, 4, 3, 2):  # 2 satisfied of 4; the other scale items (all 4) must not count
        survey_data.answer(session, health, survey_data.health_answers(overall))
    education = survey_data.published(session, world.unit, "education")
    for overall in (5, 5, 4):
        survey_data.answer(session, education, survey_data.education_answers(overall, e_access=1))
    old = survey_data.answer(session, education, survey_data.education_answers(1))
    old.local_date = today - timedelta(days=30)  # outside the period
    other_unit = Unit(code="XA02", name="Xã khác")
    session.add(other_unit)
    session.flush()
    survey_data.answer(session, education, survey_data.education_answers(1),
                       unit=_campaign_unit(session, education, other_unit))
    sipas = survey_data.published(session, world.unit, "sipas")
    # administrative: not a sector survey
    survey_data.answer(session, sipas, survey_data.SIPAS_ANSWERS | {"overall": 1})
    session.commit()

    figures = sector_figures(session, [world.unit.id], period)
    assert figures == {"health": Rate(3 + 2, 4 + 4), "education": Rate(3, 3)}
    assert sector_rate(session, [world.unit.id], period) == Rate(8, 11)
    assert sector_figures(session, None, period)["education"] == Rate(3, 4)  # every unit


def test_closed_sector_survey_still_counts_for_its_days(session, world):
    today = local_date_of(utcnow())
    health = survey_data.published(session, world.unit, "health")
    survey_data.answer(session, health, survey_data.health_answers(5))
    definitions.close(session, health)
    session.commit()
    assert sector_figures(session, [world.unit.id], Period(today, today))["health"] == Rate(1, 1)


def _campaign_unit(session, survey, unit):
    from hailong.surveys import campaigns

    today = local_date_of(utcnow())
    campaigns.create_campaign(session, survey, name="Đợt 1", starts_on=today, ends_on=today,
                              unit_ids=[unit.id, survey.unit_id], allowed_unit_ids={unit.id, survey.unit_id})
    session.commit()
    assert responses.allowed_unit(session, survey, unit.code) == unit
    return unit


def test_a_retried_submit_stores_one_response(session, world):
    survey = survey_data.published(session, world.unit)
    payload = {"id": "6f1c1a52-9c41-4d0e-9a57-5b7a40b1e001", "version": 1, "answers": survey_data.SIPAS_ANSWERS}
    first = responses.submit(session, survey, payload, unit=world.unit)
    again = responses.submit(session, survey, dict(payload), unit=world.unit)
    assert first.created and not again.created and first.response.id == again.response.id
    assert len(session.exec(select(SurveyResponse)).all()) == 1
