"""A citizen answers a whole survey on a phone while the connection drops; the back office sees it."""
from playwright.sync_api import expect
from sqlmodel import select

from hailong.surveys import definitions
from models import SurveyAnswer, SurveyResponse
from tests import survey_data
from tests.e2e.conftest import DESKTOP, PHONE, screenshot
from tests.e2e.pages import AdminPage
from tests.e2e.pages_surveys import PhoneSurvey
from tests.factories import PASSWORD


def stored(session):
    session.expire_all()
    return session.exec(select(SurveyResponse)).all()


def test_whole_survey_with_a_dropped_connection(live_server, new_context, session, world):
    survey_data.published(session, world.unit, "health")
    context = new_context(PHONE)
    phone = PhoneSurvey(context.new_page(), live_server.url).open("y-te")
    expect(phone.page.get_by_role("heading", name="Khảo sát sự hài lòng về dịch vụ y tế")).to_be_visible()
    screenshot(phone.page, "survey-phone-01-intro")
    phone.button("Bắt đầu").tap()
    phone.expect_step(1, 9)
    phone.next()  # nothing chosen on a required question
    expect(phone.error()).to_have_text("Vui lòng trả lời câu hỏi này.")
    phone.expect_step(1, 9)
    screenshot(phone.page, "survey-phone-02-required")
    phone.choose("Tiêm chủng")
    phone.expect_step(2, 9)
    screenshot(phone.page, "survey-phone-03-scale")
    phone.choose("Rất hài lòng")

    phone.page.reload()  # answers and the step survive a reload
    phone.expect_step(3, 9)
    phone.back()
    expect(phone.option("Rất hài lòng")).to_be_checked()
    phone.next()

    context.set_offline(True)
    for label in ("Hài lòng", "Bình thường", "Rất hài lòng", "Hài lòng", "Rất hài lòng"):
        phone.choose(label)
    phone.expect_step(8, 9)
    screenshot(phone.page, "survey-phone-04-yes-no")
    phone.choose("Có")
    phone.write("Bác sĩ tận tình, nên có thêm ghế chờ.")
    screenshot(phone.page, "survey-phone-05-long-text")
    phone.send()
    expect(phone.status()).to_contain_text("Chưa có kết nối mạng")
    screenshot(phone.page, "survey-phone-06-offline")
    assert stored(session) == []

    with phone.page.expect_response(lambda r: r.url.endswith("/survey/y-te") and r.request.method == "POST") as sent:
        context.set_offline(False)
    assert sent.value.status == 201
    expect(phone.thanks()).to_be_visible()
    screenshot(phone.page, "survey-phone-07-thanks")
    [response] = stored(session)
    answers = {a.question_key: (a.value_int, a.value_text) for a in session.exec(select(SurveyAnswer))}
    assert answers == {"purpose": (None, "o2"), "h_access": (5, None), "h_clean": (4, None), "h_proc": (3, None),
                       "h_staff": (5, None), "h_result": (4, None), "overall": (5, None), "recommend": (1, None),
                       "comment": (None, "Bác sĩ tận tình, nên có thêm ghế chờ.")}
    assert phone.page.evaluate("localStorage.getItem('hailong.survey.outbox')") == "[]"


def test_english_phone_survey_and_the_back_office(live_server, new_context, session, world):
    survey = survey_data.published(session, world.unit, "education")
    for overall in (5, 4, 4, 2):
        survey_data.answer(session, survey,
                           survey_data.education_answers(overall, channels=["o1", "o3"], wish="Thêm giờ thể thao"))
    phone = PhoneSurvey(new_context(PHONE).new_page(), live_server.url).open("giao-duc", lang="en")
    phone.button("Start").tap()
    phone.option("Primary school").tap()
    phone.button("Next").tap()
    expect(phone.progress()).to_have_text("Question 2/9")
    phone.option("Parents' meetings").tap()
    phone.option("Telephone").tap()
    screenshot(phone.page, "survey-phone-08-english-multiple")
    phone.button("Next").tap()
    phone.button("Next").tap()
    expect(phone.error()).to_have_text("Please answer this question.")

    admin = AdminPage(new_context(DESKTOP).new_page(), live_server.url).login("admin.xa01", PASSWORD)
    admin.page.get_by_role("link", name="Khảo sát", exact=True).click()
    expect(admin.page.get_by_role("heading", name="Khảo sát", exact=True)).to_be_visible()
    screenshot(admin.page, "survey-admin-01-list")
    admin.page.get_by_role("link", name="Soạn thảo").click()
    expect(admin.page.get_by_role("heading", name="Câu hỏi (9)")).to_be_visible()
    screenshot(admin.page, "survey-admin-02-editor")
    admin.page.get_by_role("link", name="Sửa câu 3").click()
    admin.page.get_by_label("Câu hỏi (tiếng Việt)").fill("Trường gần nhà, cơ sở vật chất an toàn")
    screenshot(admin.page, "survey-admin-03-question")
    admin.page.get_by_role("button", name="Lưu câu hỏi").click()
    expect(admin.page.get_by_text("Có thay đổi chưa phát hành")).to_be_visible()
    admin.page.get_by_role("link", name="Xem trước").click()
    expect(admin.page.get_by_text("Xem trước phiên bản 2")).to_be_visible()
    admin.page.go_back()
    admin.page.get_by_role("button", name="Phát hành phiên bản mới").click()
    expect(admin.page.get_by_text("Đã phát hành")).to_be_visible()
    admin.page.get_by_role("link", name="Kết quả").first.click()
    expect(admin.page.get_by_test_id("sector-rate")).to_have_text("75,0%")
    expect(admin.page.get_by_test_id("response-count")).to_have_text("4")
    screenshot(admin.page, "survey-admin-04-results")
    with admin.page.expect_download() as download:
        admin.page.get_by_role("link", name="Tải Excel (XLSX)").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    definitions.close(session, survey)
    session.commit()
    closed = PhoneSurvey(new_context(PHONE).new_page(), live_server.url).open("giao-duc")
    expect(closed.page.get_by_role("heading", name="Khảo sát đã kết thúc")).to_be_visible()
    screenshot(closed.page, "survey-phone-09-closed")
