"""Rating one dossier from its receipt: /d/<code> on a phone."""
import re
from datetime import timedelta

from sqlmodel import select

from hailong import dossiers
from models import Rating, local_date_of, utcnow
from tests.dossier_data import csv_bytes, register_rows

START = local_date_of(utcnow()) - timedelta(days=20)  # recent enough to be rated (30 days after the return)


def imported(session, world, count=5, start=START):
    dossiers.import_register(session, world.unit, "r.csv", csv_bytes(register_rows(count, start=start)))
    session.commit()


def vn(day) -> str:
    return day.strftime("%d/%m/%Y")


def test_the_page_shows_the_procedure_and_its_dates(client, session, world):
    imported(session, world)
    page = client.get("/d/h01-0004").get_data(as_text=True)  # typed in small letters
    assert "Chứng thực bản sao từ bản chính" not in page and "Đăng ký khai sinh" in page
    # received, due, returned two days late
    assert vn(START + timedelta(days=3)) in page and vn(START + timedelta(days=6)) in page
    assert vn(START + timedelta(days=8)) in page
    assert "Đã trả kết quả trễ hẹn" in page and "ông/bà" in page and "bạn" not in page.lower().replace("bản", "")


def test_a_rating_is_stored_with_reasons_criteria_and_the_dossiers_official(client, session, world):
    imported(session, world)
    response = client.post("/d/H01-0004", data={"level": "dissatisfied", "reasons": ["late", "waited_too_long"],
                                                "on_time": "no", "visits": "2", "attitude": "satisfied"})
    assert response.status_code == 303 and "/d/H01-0004/thanks" in response.headers["Location"]
    rating = session.exec(select(Rating)).one()
    assert ((rating.dossier_code, rating.level, rating.channel, rating.suspect)
            == ("H01-0004", "dissatisfied", "qr", False))
    assert rating.reasons == ["late", "waited_too_long"]
    assert rating.criteria == {"on_time": False, "visits": 2, "attitude": "satisfied"}
    assert rating.official_id == world.officials["CB01"].id and rating.service_area_id == world.areas["HT"].id
    again = client.post("/d/H01-0004", data={"level": "very_satisfied"})  # same phone: refused, nothing stored
    assert again.status_code == 200 and "đã đánh giá hồ sơ này" in again.get_data(as_text=True)
    assert len(session.exec(select(Rating)).all()) == 1


def test_another_phone_rating_the_same_dossier_is_kept_but_not_counted(app, session, world):
    imported(session, world)
    for _ in range(2):
        assert app.test_client().post("/d/H01-0001", data={"level": "dissatisfied"}).status_code == 303
    assert [(r.suspect, r.suspect_reasons) for r in session.exec(select(Rating).order_by(Rating.id))] == [
        (False, []), (True, ["dossier_repeat"])]


def test_reasons_are_dropped_unless_dissatisfied_and_a_missing_level_is_explained(client, session, world):
    imported(session, world)
    missing = client.post("/d/H01-0001", data={"reasons": ["late"]})
    assert missing.status_code == 422 and "vui lòng chọn một mức đánh giá" in missing.get_data(as_text=True)
    bad = client.post("/d/H01-0001", data={"level": "satisfied", "visits": "99"})
    assert bad.status_code == 422
    assert session.exec(select(Rating)).first() is None
    client.post("/d/H01-0001", data={"level": "satisfied", "reasons": ["late"]})
    assert session.exec(select(Rating.reasons)).one() == []


def test_unknown_codes_answer_404_with_the_lookup_form(client, session, world):
    imported(session, world)
    response = client.get("/d/NOPE-1")
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and 'name="code"' in page and "Không tìm thấy hồ sơ" in page
    assert client.get("/d?code= h01-0002 ").headers["Location"].endswith("/d/H01-0002")
    assert client.get("/d").status_code == 200


def test_english(client, session, world):
    imported(session, world)
    page = client.get("/d/H01-0001?lang=en").get_data(as_text=True)
    assert "Are you satisfied with how this dossier was handled?" in page and "Appointment date" in page
    missing = client.get("/d/NOPE?lang=en")
    assert missing.status_code == 404 and "No dossier has this code" in missing.get_data(as_text=True)


def test_a_pakn_sent_from_the_dossier_page_names_the_dossier(client, session, world):
    from models import Feedback

    imported(session, world)
    thanks = client.post("/d/H01-0003", data={"level": "dissatisfied"}, follow_redirects=True).get_data(as_text=True)
    link = re.search(r'href="(/feedback/new\?[^"]+)"', thanks).group(1).replace("&amp;", "&")
    form = client.get(link).get_data(as_text=True)
    assert "Về hồ sơ: H01-0003" in form and 'name="dossier_code"' in form
    response = client.post("/feedback/new", data={"unit": "XA01", "kind": "phan_anh", "anonymous": "y",
                                                   "content": "Hẹn trả kết quả ba lần vẫn chưa có.",
                                                   "dossier_code": "H01-0003"})
    assert response.status_code == 302
    assert session.exec(select(Feedback.dossier_code)).one() == "H01-0003"


def test_ratings_close_30_days_after_the_result_was_returned(client, session, world):
    from datetime import date

    from models import Dossier

    imported(session, world, start=date(2026, 3, 2))  # returned long ago
    dossier = session.exec(select(Dossier).where(Dossier.code == "H01-0002")).one()
    page = client.get("/d/H01-0002").get_data(as_text=True)
    assert "không nhận đánh giá nữa" in page and 'name="level"' not in page
    assert client.post("/d/H01-0002", data={"level": "dissatisfied"}).status_code == 200
    assert session.exec(select(Rating)).first() is None
    dossier.returned_on = local_date_of(utcnow()) - timedelta(days=30)
    session.commit()
    assert client.post("/d/H01-0002", data={"level": "dissatisfied"}).status_code == 303
