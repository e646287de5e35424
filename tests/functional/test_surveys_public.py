"""The citizen's survey page and its submit: valid, invalid, duplicate, closed, versions kept."""
import uuid

import pytest
from sqlmodel import func, select

from hailong.surveys import definitions
from models import SurveyAnswer, SurveyResponse, SurveyVersion
from tests import survey_data


def count(session, model=SurveyResponse):
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


def body(answers=None, **changes):
    return {"id": str(uuid.uuid4()), "version": 1,
            "answers": survey_data.SIPAS_ANSWERS if answers is None else answers} | changes


@pytest.fixture
def sipas(session, world):
    return survey_data.published(session, world.unit)


def test_the_page_shows_every_question_with_progress_and_anonymity(client, sipas):
    page = client.get("/survey/sipas").get_data(as_text=True)
    assert "Khảo sát sự hài lòng về dịch vụ hành chính công" in page
    assert "Câu 1/14" in page and "Câu 14/14" in page
    assert "Khảo sát ẩn danh" in page
    assert page.count('type="radio"') == 12 * 5 + 2


def test_the_page_in_english(client, sipas):
    page = client.get("/survey/sipas?lang=en").get_data(as_text=True)
    assert "Satisfaction with public administrative services" in page and "Question 1/14" in page


def test_a_valid_submit_is_stored_with_its_answers(client, session, sipas):
    response = survey_data.post(client, "/survey/sipas",
                                json=body(survey_data.SIPAS_ANSWERS | {"comment": "Tốt <b>lắm</b>"}))
    assert response.status_code == 201 and response.json == {"status": "stored"}
    stored = session.exec(select(SurveyResponse)).one()
    assert stored.unit_id == sipas.unit_id and stored.campaign_id is None
    answers = {a.question_key: a for a in session.exec(select(SurveyAnswer))}
    assert answers["access_1"].value_int == 5 and answers["access_1"].element == "access"
    assert answers["overall"].overall is True and answers["visits"].value_int == 0
    assert answers["comment"].value_text == "Tốt <b>lắm</b>"


def test_a_replayed_submit_stores_nothing_new_and_a_reused_id_is_refused(client, session, sipas):
    first = body()
    assert survey_data.post(client, "/survey/sipas", json=first).status_code == 201
    again = survey_data.post(client, "/survey/sipas", json=first)
    assert again.status_code == 200 and again.json == {"status": "already_stored"}
    changed = survey_data.post(client, "/survey/sipas",
                               json=first | {"answers": survey_data.SIPAS_ANSWERS | {"overall": 1}})
    assert changed.status_code == 409 and changed.json["error"]["code"] == "conflict"
    assert count(session) == 1 and count(session, SurveyAnswer) == len(survey_data.SIPAS_ANSWERS)


BAD_INPUT = [
    (body({}), 422, "access_1"),
    (body(survey_data.SIPAS_ANSWERS | {"access_1": 9}), 422, "access_1"),
    (body(survey_data.SIPAS_ANSWERS | {"comment": "x" * 2001}), 422, "comment"),
    (body(survey_data.SIPAS_ANSWERS | {"nope": 1}), 422, "nope"),
    (body(survey_data.SIPAS_ANSWERS | {"visits": ["yes"]}), 422, "visits"),
    (body(id="not-a-uuid"), 422, "id"),
    (body(version="1"), 422, "version"),
    (body(version=7), 404, None),
    (body(answers="all good"), 422, None),
    (["not", "an", "object"], 422, None),
]


def test_bad_input_is_refused_clearly_and_stores_nothing(client, session, sipas):
    for payload, status, field in BAD_INPUT:  # one database for all cases: the setup is the slow part
        response = survey_data.post(client, "/survey/sipas", json=payload)
        assert response.status_code == status, payload
        error = response.json["error"]
        assert not error["message"].isascii(), payload  # a Vietnamese sentence by default
        if field:
            assert field in error["fields"], payload
        assert count(session) == 0 and count(session, SurveyAnswer) == 0


def test_missing_answers_say_so_in_vietnamese_and_in_english(client, sipas):
    vi = survey_data.post(client, "/survey/sipas", json=body({"access_1": 5}))
    assert vi.json["error"]["fields"]["access_2"] == "Vui lòng trả lời câu hỏi này."
    en = survey_data.post(client, "/survey/sipas?lang=en", json=body({"access_1": 5}))
    assert en.json["error"]["fields"]["access_2"] == "Please answer this question."


def test_broken_json_is_a_clear_400_class_answer(client, session, sipas):
    response = survey_data.post(client, "/survey/sipas", data="{not json", content_type="application/json")
    assert response.status_code == 422 and "không hợp lệ" in response.json["error"]["message"]
    assert count(session) == 0


def test_the_plain_form_works_without_script(client, session, sipas):
    form = {f"q_{k}": str(v) for k, v in survey_data.SIPAS_ANSWERS.items()} | {"id": str(uuid.uuid4()), "version": "1"}
    response = survey_data.post(client, "/survey/sipas", data=form)
    assert response.status_code == 201 and "Cảm ơn" in response.get_data(as_text=True)
    assert count(session) == 1


def test_the_plain_form_shows_what_is_missing_and_keeps_the_answers(client, session, sipas):
    form = {"q_access_1": "4", "q_comment": "<script>alert(1)</script>", "id": str(uuid.uuid4()), "version": "1"}
    response = survey_data.post(client, "/survey/sipas", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Vui lòng trả lời câu hỏi này." in page and 'value="4" checked' in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert count(session) == 0
    assert survey_data.post(client, "/survey/sipas", data={"version": "abc"}).status_code == 400


def test_drafts_and_unknown_surveys_are_not_found(client, session, world):
    survey_data.published(session, world.unit)
    from hailong.surveys import shipped

    shipped.create_from_template(session, unit_id=world.unit.id, name="health")
    session.commit()
    assert client.get("/survey/y-te").status_code == 404
    assert survey_data.post(client, "/survey/y-te", json=body()).status_code == 404
    assert client.get("/survey/khong-co").status_code == 404
    assert client.get("/survey/sipas?unit=KHONGCO").status_code == 404


def test_a_closed_survey_takes_no_more_answers(client, session, sipas):
    token = survey_data.page_token(client, "/survey/sipas")  # a phone opened it before it closed
    definitions.close(session, sipas)
    session.commit()
    page = client.get("/survey/sipas")
    assert page.status_code == 410 and "Khảo sát đã kết thúc" in page.get_data(as_text=True)
    response = client.post("/survey/sipas", json=body(token=token))
    assert response.status_code == 410 and "không nhận thêm" in response.json["error"]["message"]
    assert count(session) == 0


def test_answers_keep_the_version_they_were_given(client, session, sipas):
    assert survey_data.post(client, "/survey/sipas", json=body()).status_code == 201
    definitions.update_question(session, sipas, "access_1", {"type": "scale", "text": {"vi": "Chỗ ngồi chờ đủ"},
                                                              "required": True, "element": "access"})
    session.commit()
    # Until the new version is published, citizens still get version 1.
    assert "Nơi ngồi chờ tại Trung tâm" in client.get("/survey/sipas").get_data(as_text=True)
    definitions.publish(session, sipas)
    session.commit()
    assert "Chỗ ngồi chờ đủ" in client.get("/survey/sipas").get_data(as_text=True)
    assert survey_data.post(client, "/survey/sipas", json=body(version=2)).status_code == 201
    # a phone that loaded version 1 before the change may still send it
    assert survey_data.post(client, "/survey/sipas", json=body(version=1)).status_code == 201
    versions = {v.id: v.number for v in session.exec(select(SurveyVersion))}
    assert sorted(versions[r.version_id] for r in session.exec(select(SurveyResponse))) == [1, 1, 2]
    first = session.exec(select(SurveyVersion).where(SurveyVersion.number == 1)).one()
    assert definitions.question(first.definition, "access_1")["text"]["vi"].startswith("Nơi ngồi chờ")
