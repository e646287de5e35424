"""The survey back office: build, version, publish, close, campaigns, results, exports, and who may not."""
import csv
import io
import re
import uuid

import pytest
from openpyxl import load_workbook
from sqlmodel import func, select

from hailong.surveys import definitions
from models import Campaign, Survey, SurveyAnswer, SurveyResponse, SurveyStatus, SurveyVersion, Unit, User
from tests import survey_data


@pytest.fixture
def admin(login, app, world):
    return login("admin.xa01")


def fresh(session, model, **where):
    session.expire_all()
    query = select(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return session.exec(query.order_by(*model.__table__.primary_key.columns)).all()  # in the order they were made


def test_build_a_survey_from_scratch_and_publish_it(admin, session, world):
    response = admin.post("/admin/surveys/new",
                          data={"title_vi": "Khảo sát thử", "slug": "khao-sat-thu", "sector": "administrative"})
    survey = fresh(session, Survey)[0]
    assert response.headers["Location"] == f"/admin/surveys/{survey.id}"
    base = f"/admin/surveys/{survey.id}"
    assert admin.post(f"{base}/questions", data={"type": "scale", "text_vi": "Cán bộ lịch sự", "text_en": "Polite",
                                                  "required": "y", "element": "officials",
                                                  "overall": "y"}).status_code == 302
    assert admin.post(f"{base}/questions", data={"type": "single", "text_vi": "Bạn đến làm gì?",
                                                  "options": "Hộ tịch | Civil status\nĐất đai"}).status_code == 302
    assert admin.post(f"{base}/questions", data={"type": "long_text", "text_vi": "Góp ý"}).status_code == 302
    admin.post(f"{base}/questions/q3/move", data={"direction": "up"})
    admin.post(f"{base}/questions/q2/delete", data={})
    version = fresh(session, SurveyVersion)[0]
    assert [q["key"] for q in version.definition["questions"]] == ["q1", "q3"]
    assert version.definition["questions"][0] | {"options": []} == {
        "key": "q1", "type": "scale", "text": {"vi": "Cán bộ lịch sự", "en": "Polite"}, "required": True,
        "options": [], "element": "officials", "overall": True}
    preview = admin.get(f"{base}/preview")
    assert preview.status_code == 200 and "Xem trước phiên bản 1" in preview.get_data(as_text=True)
    assert admin.post(f"{base}/publish", data={}).status_code == 302
    assert fresh(session, Survey)[0].status == SurveyStatus.PUBLISHED
    assert admin.get("/survey/khao-sat-thu").status_code == 200


def test_editing_a_published_survey_makes_a_new_version(admin, session, world):
    survey = survey_data.published(session, world.unit)
    base = f"/admin/surveys/{survey.id}"
    page = admin.get(f"{base}/questions/purpose")
    assert page.status_code == 404
    form = admin.get(f"{base}/questions/access_1").get_data(as_text=True)
    assert "Nơi ngồi chờ tại Trung tâm" in form
    response = admin.post(f"{base}/questions/access_1", data={"type": "scale", "text_vi": "Chỗ chờ đủ ghế",
                                                               "required": "y", "element": "access"})
    assert response.status_code == 302
    admin.post(f"{base}/questions", data={"type": "yes_no", "text_vi": "Lần đầu đến?"})
    moved = admin.post(f"{base}/details",
                       data={"slug": "dia-chi-moi", "title_vi": "Tên mới", "sector": "administrative"})
    assert moved.status_code == 422 and "mã QR đã in" in moved.get_data(as_text=True)
    assert fresh(session, Survey)[0].slug == "sipas"
    versions = fresh(session, SurveyVersion)
    assert [(v.number, v.published_at is not None) for v in versions] == [(1, True), (2, False)]
    assert "Có thay đổi chưa phát hành" in admin.get(base).get_data(as_text=True)
    admin.post(f"{base}/publish", data={})
    versions = fresh(session, SurveyVersion)
    assert len(versions) == 2 and versions[1].published_at is not None
    assert definitions.question(versions[0].definition, "access_1")["text"]["vi"].startswith("Nơi ngồi chờ")
    assert definitions.question(versions[1].definition, "access_1")["text"]["vi"] == "Chỗ chờ đủ ghế"


@pytest.mark.parametrize("data, message", [
    ({"type": "single", "text_vi": "Chọn", "options": "Chỉ một"}, "ít nhất 2 lựa chọn"),
    ({"type": "yes_no", "text_vi": "Có?", "element": "access"}, "Chỉ câu hỏi thang điểm 1–5"),
    ({"type": "scale", "text_vi": ""}, "Vui lòng điền mục này."),
    ({"type": "bogus", "text_vi": "Câu"}, "Not a valid choice"),
])
def test_bad_questions_are_refused_and_nothing_changes(admin, session, world, data, message):
    survey = survey_data.published(session, world.unit)
    response = admin.post(f"/admin/surveys/{survey.id}/questions", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True) or data["type"] == "bogus"
    assert len(fresh(session, SurveyVersion)) == 1


def test_slug_rules(admin, session, world):
    survey_data.published(session, world.unit)
    bad = admin.post("/admin/surveys/new", data={"title_vi": "A", "slug": "Có Dấu!", "sector": "health"})
    assert bad.status_code == 422 and "chữ thường không dấu" in bad.get_data(as_text=True)
    taken = admin.post("/admin/surveys/from-template", data={"template": "sipas", "slug": "sipas"})
    assert taken.status_code == 422 and "đã được dùng" in taken.get_data(as_text=True)
    assert len(fresh(session, Survey)) == 1


def test_close_and_reopen(admin, session, world):
    survey = survey_data.published(session, world.unit)
    base = f"/admin/surveys/{survey.id}"
    admin.post(f"{base}/close", data={})
    assert fresh(session, Survey)[0].status == SurveyStatus.CLOSED
    refused = admin.post(f"{base}/questions", data={"type": "yes_no", "text_vi": "Thêm?"})
    assert refused.status_code == 409 and len(fresh(session, SurveyVersion)) == 1
    assert admin.post(f"{base}/close", data={}).status_code == 409
    admin.post(f"{base}/publish", data={})
    assert fresh(session, Survey)[0].status == SurveyStatus.PUBLISHED


def test_an_empty_survey_cannot_be_published(admin, session, world):
    admin.post("/admin/surveys/new", data={"title_vi": "Trống", "slug": "trong", "sector": "administrative"})
    survey = fresh(session, Survey)[0]
    response = admin.post(f"/admin/surveys/{survey.id}/publish", data={})
    assert response.status_code == 422 and "ít nhất một câu hỏi" in response.get_data(as_text=True)
    assert fresh(session, Survey)[0].status == SurveyStatus.DRAFT


def test_campaigns_tag_the_responses_given_in_them(admin, client, session, world):
    survey = survey_data.published(session, world.unit)
    base = f"/admin/surveys/{survey.id}"
    bad = admin.post(f"{base}/campaigns", data={"name": "Quý 1", "starts_on": "2026-03-31", "ends_on": "2026-01-01",
                                                "units": str(world.unit.id)})
    assert bad.status_code == 422 and "Ngày kết thúc phải sau ngày bắt đầu" in bad.get_data(as_text=True)
    other = Unit(code="XA99", name="Xã ngoài phạm vi")
    session.add(other)
    session.commit()
    outside = admin.post(f"{base}/campaigns", data={"name": "Ngoài", "starts_on": "2026-01-01", "ends_on": "2030-01-01",
                                                    "units": str(other.id)})
    assert outside.status_code == 422 and fresh(session, Campaign) == []
    ok = admin.post(f"{base}/campaigns", data={"name": "Cả năm", "starts_on": "2020-01-01", "ends_on": "2099-12-31",
                                               "units": str(world.unit.id)})
    assert ok.status_code == 302
    campaign = fresh(session, Campaign)[0]
    survey_data.post(client, "/survey/sipas",
                     json={"id": str(uuid.uuid4()), "version": 1, "answers": survey_data.SIPAS_ANSWERS})
    assert fresh(session, SurveyResponse)[0].campaign_id == campaign.id
    refused = admin.post(f"{base}/campaigns/{campaign.id}/delete", data={})
    assert refused.status_code == 409 and len(fresh(session, Campaign)) == 1


def _fill(session, world):
    survey = survey_data.published(session, world.unit)
    for overall, comment in ((5, "=HYPERLINK(\"x\")"), (4, "Tốt"), (2, None), (3, "Chậm")):
        answers = survey_data.SIPAS_ANSWERS | {"overall": overall}
        if comment:
            answers["comment"] = comment
        survey_data.answer(session, survey, answers)
    return survey


def test_results_show_distributions_indexes_and_free_text(login, app, session, world):
    survey = _fill(session, world)
    page = login("viewer.xa01").get(f"/admin/surveys/{survey.id}/results").get_data(as_text=True)
    assert re.search(r'data-testid="response-count">4<', page)
    # 2 of 3, cut not rounded (DESIGN.md)
    assert re.search(r'data-testid="element-officials"><td>[^<]+</td><td>66,6%', page)
    assert "Chậm" in page and "=HYPERLINK" in page
    assert "4 người trả lời" in page
    bad = login("leader.xa01").get(f"/admin/surveys/{survey.id}/results?from=2026-13-01")
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.get_data(as_text=True)


def test_sector_survey_results_compare_with_the_90_percent_target(admin, session, world):
    survey = survey_data.published(session, world.unit, "health")
    for overall in (5, 5, 4, 2):
        survey_data.answer(session, survey, survey_data.health_answers(overall))
    page = admin.get(f"/admin/surveys/{survey.id}/results").get_data(as_text=True)
    assert re.search(r'data-testid="sector-rate">75,0%<', page)
    assert "Mục tiêu 90,0%" in page and "Chưa đạt" in page


def test_csv_and_xlsx_exports_match_the_database(admin, session, world):
    survey = _fill(session, world)
    csv_response = admin.get(f"/admin/surveys/{survey.id}/export.csv")
    assert csv_response.status_code == 200 and "attachment" in csv_response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(csv_response.get_data(as_text=True).lstrip("\ufeff"))))
    header, data = rows[0], rows[1:]
    assert len(data) == 4 and header[:5] == ["response", "date", "unit", "campaign", "version"]
    overall = header.index("overall")
    assert sorted(int(row[overall]) for row in data) == [2, 3, 4, 5]
    assert "'=HYPERLINK(\"x\")" in [row[header.index("comment")] for row in data]  # no formula injection

    xlsx = admin.get(f"/admin/surveys/{survey.id}/export.xlsx")
    book = load_workbook(io.BytesIO(xlsx.data), read_only=True)
    sheet = list(book["responses"].iter_rows(values_only=True))
    assert len(sheet) == 5 and list(sheet[0]) == header
    summary = list(book["summary"].iter_rows(values_only=True))[1:]
    stored = dict(session.exec(select(SurveyAnswer.question_key,
                                      func.count()).where(SurveyAnswer.value_int.is_not(None))
                               .group_by(SurveyAnswer.question_key)).all())
    sums = {}
    for key, _text, _value, counted in summary:
        sums[key] = sums.get(key, 0) + counted
    for key, total in stored.items():
        assert sums[key] == total
    overall_rows = {value: counted for key, _t, value, counted in summary if key == "overall"}
    assert overall_rows == {1: 0, 2: 1, 3: 1, 4: 1, 5: 1}
    filtered = admin.get(f"/admin/surveys/{survey.id}/export.csv?from=2000-01-01&to=2000-01-02")
    assert len(list(csv.reader(io.StringIO(filtered.get_data(as_text=True))))) == 1
    assert admin.get(f"/admin/surveys/{survey.id}/export.pdf").status_code == 404


# --- who may NOT --------------------------------------------------------------------------

BUILD_ROUTES = [
    ("get", "/admin/surveys/{id}"), ("post", "/admin/surveys/new"), ("post", "/admin/surveys/from-template"),
    ("post", "/admin/surveys/{id}/details"), ("post", "/admin/surveys/{id}/questions"),
    ("get", "/admin/surveys/{id}/questions/access_1"), ("post", "/admin/surveys/{id}/questions/access_1"),
    ("post", "/admin/surveys/{id}/questions/access_1/move"), ("post", "/admin/surveys/{id}/questions/access_1/delete"),
    ("get", "/admin/surveys/{id}/preview"), ("post", "/admin/surveys/{id}/publish"),
    ("post", "/admin/surveys/{id}/close"),
    ("post", "/admin/surveys/{id}/campaigns"), ("post", "/admin/surveys/{id}/campaigns/1/delete"),
]
READ_ROUTES = [
    ("get", "/admin/surveys"), ("get", "/admin/surveys/{id}/results"),
    ("get", "/admin/surveys/{id}/export.csv"), ("get", "/admin/surveys/{id}/export.xlsx"),
]


def test_strangers_are_sent_to_login(login, client, session, world):
    survey = survey_data.published(session, world.unit)
    for method, path in BUILD_ROUTES + READ_ROUTES:
        response = getattr(client, method)(path.format(id=survey.id))
        assert response.status_code == 302 and response.headers["Location"].startswith("/admin/login"), path


@pytest.mark.parametrize("role", ["leader", "viewer", "handler", "desk"])
def test_only_admins_build(login, app, session, world, role):
    survey = survey_data.published(session, world.unit)
    client = login(f"{role}.xa01")
    for method, path in BUILD_ROUTES:
        response = getattr(client, method)(path.format(id=survey.id), data={"direction": "up"})
        assert response.status_code == 403, (method, path)
    assert fresh(session, Survey)[0].status == SurveyStatus.PUBLISHED and len(fresh(session, SurveyVersion)) == 1


@pytest.mark.parametrize("role", ["handler", "desk"])
def test_desk_and_handlers_see_no_results(login, app, session, world, role):
    survey = survey_data.published(session, world.unit)
    client = login(f"{role}.xa01")
    for method, path in READ_ROUTES:
        assert getattr(client, method)(path.format(id=survey.id)).status_code == 403, path
    assert "Khảo sát" not in client.get("/admin/").get_data(as_text=True)  # no nav link either


@pytest.mark.parametrize("role", ["admin", "leader", "viewer"])
def test_readers_see_results(login, app, session, world, role):
    survey = survey_data.published(session, world.unit)
    client = login(f"{role}.xa01")
    for _method, path in READ_ROUTES:
        assert client.get(path.format(id=survey.id)).status_code == 200
    page = client.get("/admin/surveys").get_data(as_text=True)
    assert ("Soạn thảo" in page) is (role == "admin")


def test_another_communes_admin_cannot_see_or_touch_our_survey(login, app, session, world):
    from tests import factories

    factories.world(session, code="XA02")
    survey = survey_data.published(session, world.unit)
    stranger = login("admin.xa02")
    assert stranger.get(f"/admin/surveys/{survey.id}").status_code == 404
    assert stranger.get(f"/admin/surveys/{survey.id}/results").status_code == 404
    assert stranger.post(f"/admin/surveys/{survey.id}/close", data={}).status_code == 404
    assert "/survey/sipas" not in stranger.get("/admin/surveys").get_data(as_text=True)
    assert fresh(session, Survey)[0].status == SurveyStatus.PUBLISHED


def test_publish_without_a_csrf_token_is_refused(login, csrf_app, session, world):
    survey = survey_data.published(session, world.unit)
    client = login("admin.xa01", app=csrf_app)
    assert client.post(f"/admin/surveys/{survey.id}/close", data={}).status_code == 400
    assert fresh(session, Survey)[0].status == SurveyStatus.PUBLISHED
    assert fresh(session, User)  # still signed in, nothing else changed


def test_a_removed_question_keeps_its_answers_in_results_and_exports(admin, session, world):
    survey = _fill(session, world)
    definitions.remove_question(session, survey, "comment")
    definitions.publish(session, survey)
    session.commit()
    assert "có góp ý gì" not in admin.get("/survey/sipas").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(admin.get(f"/admin/surveys/{survey.id}/export.csv").get_data(as_text=True))))
    assert rows[0][-1] == "comment" and sorted(row[-1] for row in rows[1:]) == ["", "'=HYPERLINK(\"x\")", "Chậm", "Tốt"]
    assert "Chậm" in admin.get(f"/admin/surveys/{survey.id}/results").get_data(as_text=True)
