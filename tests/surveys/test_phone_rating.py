"""Rating from a phone through a QR code: the kiosk's levels and reasons, channel qr, once per visit."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import func, select

from hailong import qr
from hailong.errors import Conflict
from models import Channel, QrRating, QrTarget, Rating, utcnow


@pytest.fixture
def desk_code(session, world):
    code = qr.create_qr(session, unit=world.unit, target=QrTarget.DESK, desk_id=world.desk.id)
    session.commit()
    return code


def ratings(session):
    session.expire_all()
    return session.exec(select(Rating).order_by(Rating.id)).all()


def test_a_happy_tap_is_stored_with_the_desk_its_area_and_who_serves_there(client, session, world, desk_code):
    world.desk.official_id = world.officials["CB01"].id
    session.add(world.desk)
    session.commit()
    response = client.post(f"/r/{desk_code.code}", data={"level": "very_satisfied"})
    assert response.status_code == 302 and f"/r/{desk_code.code}/thanks" in response.headers["Location"]
    [rating] = ratings(session)
    assert rating.channel == Channel.QR and rating.level == "very_satisfied" and rating.kiosk_id is None
    assert (rating.desk_id, rating.service_area_id, rating.official_id) == (
        world.desk.id, world.areas["HT"].id, world.officials["CB01"].id)
    assert not rating.suspect  # the test commune is always open
    link = session.exec(select(QrRating)).one()
    assert link.rating_id == rating.id and link.qr_code_id == desk_code.id and len(link.visitor_hash) == 64
    assert "Cảm ơn ông/bà đã đánh giá" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_poster_link_in_english_keeps_english_past_the_redirect(client, desk_code):
    landing = client.get(f"/q/{desk_code.code}?lang=en")
    assert landing.status_code == 302
    page = client.get(landing.headers["Location"]).get_data(as_text=True)
    assert 'lang="en"' in page and "Very satisfied" in page


def test_dissatisfied_asks_why_then_stores_the_reasons(client, session, desk_code):
    step = client.post(f"/r/{desk_code.code}", data={"level": "dissatisfied"})
    assert step.status_code == 200 and "Vì sao ông/bà chưa hài lòng?" in step.get_data(as_text=True)
    assert "Thái độ không tốt, gây phiền hà, sách nhiễu" in step.get_data(as_text=True)
    assert ratings(session) == []
    done = client.post(f"/r/{desk_code.code}", data={"level": "dissatisfied", "reasons_step": "1",
                                                     "reasons": ["late", "attitude"]})
    assert done.status_code == 302
    [rating] = ratings(session)
    assert rating.level == "dissatisfied" and rating.reasons == ["attitude", "late"]
    assert "Gửi phản ánh, kiến nghị" in client.get(done.headers["Location"]).get_data(as_text=True)


def test_one_rating_per_phone_per_visit(app, client, session, desk_code):
    assert client.post(f"/r/{desk_code.code}", data={"level": "satisfied"}).status_code == 302
    again = client.post(f"/r/{desk_code.code}", data={"level": "dissatisfied", "reasons_step": "1"})
    assert again.status_code == 409 and "Ông/bà đã đánh giá lần này rồi" in again.get_data(as_text=True)
    assert "Ông/bà đã đánh giá lần này rồi" in client.get(f"/r/{desk_code.code}").get_data(as_text=True)
    assert len(ratings(session)) == 1
    other_phone = app.test_client()
    assert other_phone.post(f"/r/{desk_code.code}", data={"level": "satisfied"}).status_code == 302
    assert len(ratings(session)) == 2


def test_the_next_visit_may_rate_again(session, world, desk_code):
    context = qr.context_of(session, desk_code)
    first = qr.record_phone_rating(session, context=context, level="satisfied", reasons=[], visitor="phone-1")
    with pytest.raises(Conflict):
        qr.record_phone_rating(session, context=context, level="satisfied", reasons=[], visitor="phone-1",
                               now=first.received_at + timedelta(hours=1))
    later = qr.record_phone_rating(session, context=context, level="satisfied", reasons=[], visitor="phone-1",
                                   now=utcnow() + qr.VISIT + timedelta(minutes=1))
    assert later.id != first.id


@pytest.mark.parametrize("data, message", [
    ({"level": "great"}, "Mức đánh giá phải là"),
    ({}, "Mức đánh giá phải là"),
    ({"level": "satisfied", "reasons": ["late"]}, "Chỉ ghi lý do khi không hài lòng"),
    ({"level": "dissatisfied", "reasons_step": "1", "reasons": ["bribes"]}, "Mã lý do không hợp lệ"),
])
def test_bad_taps_are_refused_and_nothing_is_stored(client, session, desk_code, data, message):
    response = client.post(f"/r/{desk_code.code}", data=data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert ratings(session) == []
    assert session.exec(select(func.count()).select_from(QrRating)).one() == 0


def test_a_pakn_code_is_not_a_rating_page(client, session, world):
    code = qr.create_qr(session, unit=world.unit, target=QrTarget.FEEDBACK)
    session.commit()
    assert client.post(f"/r/{code.code}", data={"level": "satisfied"}).status_code == 404
    assert ratings(session) == []


def test_missing_csrf_token_is_refused(csrf_app, session, world):
    code = qr.create_qr(session, unit=world.unit, target=QrTarget.UNIT)
    session.commit()
    response = csrf_app.test_client().post(f"/r/{code.code}", data={"level": "satisfied"})
    assert response.status_code == 400 and ratings(session) == []


def test_phone_taps_outside_opening_hours_are_flagged_not_dropped(session, world):
    world.unit.opening_hours = {}
    session.add(world.unit)
    code = qr.create_qr(session, unit=world.unit, target=QrTarget.UNIT)
    rating = qr.record_phone_rating(session, context=qr.context_of(session, code), level="satisfied", reasons=[],
                                    visitor="v")
    assert rating.suspect and rating.suspect_reasons == ["outside_hours"]
