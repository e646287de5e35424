"""Surveys that can't be stuffed silently (issue 10, defect 11): a signed single-use page token,
other sites' posts refused, bursts kept but flagged suspect and left out of the figures visibly."""
import time
import uuid

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlmodel import func, select

from hailong.figures import Period, sector_rate
from hailong.surveys import integrity
from models import SurveyResponse
from tests import survey_data
from tests.factories import today

URL = "/survey/y-te"


@pytest.fixture
def health(session, world):
    """The health survey with 8 honest answers, 6 of them satisfied (75,0%)."""
    survey = survey_data.published(session, world.unit, name="health", slug="y-te")
    for overall in (5, 5, 4, 4, 4, 4, 2, 1):
        survey_data.answer(session, survey, survey_data.health_answers(overall))
    return survey


def sector_figure(session, world):
    session.expire_all()
    rate = sector_rate(session, [world.unit.id], Period(today(), today()))
    return rate.numerator, rate.denominator


def responses(session) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(SurveyResponse)).one()


def answers(overall=1, token=None) -> dict:
    return {"id": str(uuid.uuid4()), "version": 1, "answers": survey_data.health_answers(overall), "token": token}


def phone(app, address="203.0.113.7"):
    """A phone with no cookies at ``address``."""
    client = app.test_client(use_cookies=False)
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_defect_11_cross_origin_survey_posts_are_refused(app, session, world, health):
    """20 cookie-less posts a minute from another site moved the health figure from 83,8% to 79,2%."""
    before = sector_figure(session, world)
    assert before == (6, 8)
    for _ in range(20):
        client = phone(app)
        token = survey_data.page_token(client, URL)  # a script can read the page like anyone
        response = client.post(URL, json=answers(token=token), headers={"Origin": "https://stuffing.example"})
        assert response.status_code == 403
        assert "trang web khác" in response.json["error"]["message"]
    other_phone = phone(app, "203.0.113.8")  # the rate limit (20 a minute) would answer first otherwise
    referred = other_phone.post(URL, data={"token": survey_data.page_token(other_phone, URL), "version": "1"},
                               headers={"Referer": "https://stuffing.example/form.html"})
    assert referred.status_code == 403 and "trang web khác" in referred.get_data(as_text=True)
    english = other_phone.post(f"{URL}?lang=en", json=answers(token=survey_data.page_token(other_phone, URL)),
                              headers={"Origin": "null"})
    assert english.status_code == 403 and english.json["error"]["message"].isascii()
    assert sector_figure(session, world) == before and responses(session) == 8


@pytest.mark.parametrize("origin", ["http://localhost", "http://phone.example", None])
def test_the_survey_page_itself_and_the_public_address_are_accepted(app, session, world, health, origin):
    client = phone(app)
    token = survey_data.page_token(client, URL)
    headers = {"Origin": origin} if origin else {}
    assert client.post(URL, json=answers(5, token), headers=headers).status_code == 201
    assert sector_figure(session, world) == (7, 9)


def test_a_page_token_is_used_once(app, session, world, health):
    client = phone(app)
    token = survey_data.page_token(client, URL)
    first = answers(5, token)
    assert client.post(URL, json=first).status_code == 201
    assert client.post(URL, json=first).status_code == 200  # the phone's retry of the same answer
    again = client.post(URL, json=answers(1, token))
    assert again.status_code == 409 and "chỉ gửi được một lần" in again.json["error"]["message"]
    assert responses(session) == 9


def old_token(app, survey_id: int, days: float) -> str:
    class Earlier(TimestampSigner):  # signs as if the page had been opened ``days`` ago
        def get_timestamp(self):
            return int(time.time() - days * 86400)

    payload = {"s": survey_id, "n": uuid.uuid4().hex[:16], "f": "0" * 16}
    return URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=integrity.TOKEN_SALT, signer=Earlier).dumps(payload)


def test_a_phone_may_send_days_later_but_not_weeks_later(app, session, world, health):
    assert phone(app).post(URL, json=answers(5, old_token(app, health.id, 13))).status_code == 201
    late = phone(app).post(URL, json=answers(5, old_token(app, health.id, 15)))
    assert late.status_code == 410 and "14 ngày" in late.json["error"]["message"]
    assert responses(session) == 9


def test_missing_forged_and_foreign_tokens_are_refused(app, session, world, health):
    other = survey_data.published(session, world.unit, name="education", slug="giao-duc")
    foreign = survey_data.page_token(phone(app), "/survey/giao-duc")
    forged = URLSafeTimedSerializer("not-the-key",
                                    salt=integrity.TOKEN_SALT).dumps({"s": health.id, "n": "1", "f": "2"})
    for token in (None, "", "abc", forged, foreign, "x" * 400):
        response = phone(app).post(URL, json=answers(5, token))
        assert response.status_code == 400, token
        assert not response.json["error"]["message"].isascii()
    assert phone(app).post(URL, data={"version": "1", "q_overall": "5"}).status_code == 400  # the plain form too
    assert responses(session) == 8 and other.id != health.id


def test_a_burst_from_one_address_is_kept_but_set_aside_visibly(login, app, session, world, health):
    client = phone(app, "198.51.100.9")
    for _ in range(integrity.BURST_LIMIT + 3):
        assert client.post(URL, json=answers(1, survey_data.page_token(client, URL))).status_code == 201
    session.expire_all()
    flagged = session.exec(select(SurveyResponse).where(SurveyResponse.suspect.is_(True))).all()
    assert len(flagged) == 3 and all("burst_address" in r.suspect_reasons for r in flagged)
    assert responses(session) == 8 + integrity.BURST_LIMIT + 3  # every answer is kept
    assert sector_figure(session, world) == (6, 8 + integrity.BURST_LIMIT)  # the burst is not counted
    admin = login(world.users["admin"])
    page = admin.get(f"/admin/surveys/{health.id}/results").get_data(as_text=True)
    assert "3 phiếu đáng ngờ đã được lưu nhưng để riêng" in page
    assert "nhiều câu trả lời liên tiếp từ cùng một địa chỉ mạng (3)" in page


def test_pages_handed_to_one_address_and_sent_from_many_are_a_token_family(app, session, world, health):
    minting = phone(app, "192.0.2.1")
    tokens = [survey_data.page_token(minting, URL) for _ in range(integrity.BURST_LIMIT + 1)]
    for number, token in enumerate(tokens):
        assert phone(app, f"10.1.0.{number + 1}").post(URL, json=answers(1, token)).status_code == 201
    session.expire_all()
    last = session.exec(select(SurveyResponse).order_by(SurveyResponse.id.desc())).first()
    assert last.suspect and last.suspect_reasons == ["burst_token_family"]
    assert sector_figure(session, world) == (6, 8 + integrity.BURST_LIMIT)


def test_no_address_is_stored(app, session, world, health):
    client = phone(app, "198.51.100.77")
    client.post(URL, json=answers(5, survey_data.page_token(client, URL)))
    session.expire_all()
    stored = session.exec(select(SurveyResponse).order_by(SurveyResponse.id.desc())).first()
    assert stored.source_hash and "198.51.100.77" not in repr(stored.model_dump())


def test_every_view_of_the_page_has_its_own_token_and_is_never_cached(app, health):
    client = phone(app)
    assert client.get(URL).headers["Cache-Control"] == "no-store"
    assert survey_data.page_token(client, URL) != survey_data.page_token(client, URL)
