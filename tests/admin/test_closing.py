"""Closing a period (chốt số liệu, issue 10): the issued report prints the same whatever arrives
later, the later arrivals change the live figures and are shown as "sau khi chốt", and only the
unit's own leader may close."""
import re
import uuid
from datetime import date, timedelta

import pytest
from sqlmodel import select

from hailong import workflow
from models import AuditLog, Level, PeriodClosing, Resolution
from tests import factories
from tests.factories import local
from tests.figures_data import taps
from tests.workflow_helpers import accepted

Q3 = {"kind": "quarter", "year": "2026", "n": "3"}
Q3_QUERY = "kind=quarter&year=2026&n=3"


def close(client, number="125/BC-UBND", issued_on="2026-10-05", query=Q3_QUERY):
    return client.post(f"/admin/reports/close?{query}", data={"number": number, "issued_on": issued_on})


def issued_article(client, closing_id: int) -> str:
    response = client.get(f"/admin/reports/issued/{closing_id}")
    assert response.status_code == 200
    return re.search(r'<article class="report".*?</article>', response.get_data(as_text=True), re.DOTALL).group(0)


@pytest.fixture
def quarter(session, world):
    """The third quarter of 2026: 30 taps (27 satisfied) and a PAKN answered and closed in it."""
    taps(session, world, 27, Level.SATISFIED, day=date(2026, 8, 10))
    taps(session, world, 3, Level.DISSATISFIED, day=date(2026, 8, 11))
    session.commit()
    ticket = accepted(session, world, now=local(2026, 8, 3))
    workflow.answer(session, ticket, world.users["handler"], body="Đã sửa cống thoát nước.", now=local(2026, 8, 12))
    workflow.close(session, ticket, world.users["handler"], resolution=Resolution.RESOLVED, now=local(2026, 8, 13))
    session.commit()
    return ticket


def the_closing(session) -> PeriodClosing:
    session.expire_all()
    return session.exec(select(PeriodClosing)).one()


def test_a_leader_closes_the_quarter_and_it_is_kept_as_issued(login, app, session, world, quarter):
    leader = login(world.users["leader"])
    response = close(leader)
    assert response.status_code == 303
    closing = the_closing(session)
    assert ((closing.period_start, closing.period_end, closing.number)
            == (date(2026, 7, 1), date(2026, 9, 30), "125/BC-UBND"))
    assert closing.issued_on == date(2026, 10, 5) and closing.closed_by_id == world.users["leader"].id
    assert closing.snapshot["counts"]["ratings"]["total"] == 30
    assert session.exec(select(AuditLog).where(AuditLog.action == "report.close")).one().object_id == closing.id
    page = leader.get(f"/admin/reports?{Q3_QUERY}").get_data(as_text=True)
    assert "Đã chốt số liệu kỳ này" in page and "125/BC-UBND" in page
    assert "Chưa có số liệu nào đến sau khi chốt." in page
    article = issued_article(leader, closing.id)
    assert "Số: 125/BC-UBND" in article and "90,0%" in article  # 27 of 30 satisfied
    listing = leader.get("/admin/reports/issued").get_data(as_text=True)
    assert "125/BC-UBND" in listing and f"/admin/reports/issued/{closing.id}" in listing


def test_backdated_tap_after_closing(login, app, session, world, quarter):
    """Defect 11: a kiosk tap backdated into a quarter whose report was sent. It is stored and counted
    live, shown as "sau khi chốt" with the difference, and the issued report prints the same."""
    leader = login(world.users["leader"])
    close(leader)
    closing = the_closing(session)
    before = issued_article(leader, closing.id)
    late = {"id": str(uuid.uuid4()), "level": "dissatisfied", "tapped_at": local(2026, 9, 29, 10).isoformat(),
            "reasons": ["late"]}
    response = app.test_client().post("/api/v1/ratings", json=late, headers={"Authorization": f"Bearer {world.token}"})
    assert response.status_code == 201
    # A correction after the closing: the citizen now rates the handling of the quarter's PAKN.
    workflow.rate_handling(session, session.get(type(quarter), quarter.id), level=Level.DISSATISFIED)
    session.commit()

    assert issued_article(leader, closing.id) == before
    page = leader.get(f"/admin/reports?{Q3_QUERY}").get_data(as_text=True)
    late_line = re.search(r'data-testid="late-arrivals">(.*?)</p>', page, re.DOTALL).group(1)
    assert "sau khi chốt" in late_line and "1 lượt đánh giá" in late_line and "1 PAKN" in late_line
    assert quarter.tracking_code in page
    difference = re.search(r'data-testid="closing-difference">(.*?)</table>', page, re.DOTALL).group(1)
    counted = re.search(r"Lượt đánh giá được "
                        r"tính</th>\s*<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>",
                        difference).groups()
    assert counted[0] == "30" and counted[1] == "31" and counted[2].startswith("+1")
    satisfied = re.search(r"hài lòng với việc giải quyết thủ tục hành "
                          r"chính</th>\s*<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>",
                          difference).groups()
    assert satisfied[0] == "90,0%" and satisfied[1].startswith("87,")  # 27/30 issued, 27/31 live


def test_the_live_report_of_a_closed_period_counts_the_late_tap(login, app, session, world, quarter):
    leader = login(world.users["leader"])
    close(leader)
    stats = app.test_client().get("/api/v1/stats?from=2026-07-01&to=2026-09-30").get_json()
    assert stats["ratings"]["total"] == 30
    body = {"id": str(uuid.uuid4()), "level": "satisfied", "tapped_at": local(2026, 9, 30, 15).isoformat()}
    app.test_client().post("/api/v1/ratings", json=body, headers={"Authorization": f"Bearer {world.token}"})
    assert app.test_client().get("/api/v1/stats?from=2026-07-01&to=2026-09-30").get_json()["ratings"]["total"] == 31


def test_a_period_is_closed_once(login, app, session, world, quarter):
    leader = login(world.users["leader"])
    close(leader)
    response = close(leader, number="126/BC-UBND")
    assert response.status_code == 303
    assert the_closing(session).number == "125/BC-UBND"
    assert "đã được chốt số liệu" in leader.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("number, issued_on", [("", "2026-10-05"), ("x" * 41, "2026-10-05"), ("12/BC", ""),
                                                ("12/BC", "05/10/2026"), ("12/BC", "2026-06-30")])
def test_bad_input_stores_nothing(login, app, session, world, quarter, number, issued_on):
    leader = login(world.users["leader"])
    response = close(leader, number=number, issued_on=issued_on)
    assert response.status_code == 303
    assert session.exec(select(PeriodClosing)).first() is None
    assert 'class="flash flash-error"' in leader.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("role", ["handler", "desk", "viewer", "admin"])
def test_who_may_not_close(login, app, session, world, quarter, role):
    response = close(login(world.users[role]))
    assert response.status_code == 403
    assert session.exec(select(PeriodClosing)).first() is None


def test_a_stranger_may_not_close(app, session, world, quarter):
    response = close(app.test_client())
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]
    assert session.exec(select(PeriodClosing)).first() is None


def test_another_units_leader_may_not_close_nor_read(login, app, session, world, quarter):
    other = factories.world(session, code="XA02")
    outsider = login(other.users["leader"])
    assert close(outsider, query=f"{Q3_QUERY}&unit=XA01").status_code == 403
    assert session.exec(select(PeriodClosing)).first() is None
    close(login(world.users["leader"]))
    closing = the_closing(session)
    assert outsider.get(f"/admin/reports/issued/{closing.id}").status_code == 404
    assert "125/BC-UBND" not in outsider.get("/admin/reports/issued").get_data(as_text=True)


def test_a_viewer_reads_the_issued_report_but_sees_no_close_form(login, app, session, world, quarter):
    close(login(world.users["leader"]))
    viewer = login(world.users["viewer"])
    assert viewer.get(f"/admin/reports/issued/{the_closing(session).id}").status_code == 200
    page = viewer.get("/admin/reports?kind=quarter&year=2026&n=2").get_data(as_text=True)
    assert "Chốt số liệu</button>" not in page and "Kỳ này chưa chốt số liệu." in page


def test_closing_needs_the_forms_csrf_token(login, csrf_app, session, world, quarter):
    client = login(world.users["leader"], app=csrf_app)
    assert close(client).status_code == 400
    assert session.exec(select(PeriodClosing)).first() is None


def test_the_demo_commune_has_a_closed_quarter_with_a_late_tap(login, app, session, world):
    from hailong.closing_demo import load_closing
    from hailong import closing as closing_rules
    from hailong.figures import Period
    from models import local_date_of, utcnow

    last_quarter = Period.quarter_of(Period.quarter_of(local_date_of(utcnow())).start - timedelta(days=1))
    taps(session, world, 5, Level.SATISFIED, day=last_quarter.start + timedelta(days=3))
    session.commit()
    with app.app_context():
        load_closing(session, world.unit)
        session.commit()
    closing = the_closing(session)
    assert (closing.period_start, closing.period_end) == (last_quarter.start, last_quarter.end)
    assert closing.snapshot["counts"]["ratings"]["total"] == 5
    assert "Người dân hài lòng" in closing.snapshot["targets"][0]["label"]  # issued in Vietnamese
    late = closing_rules.late_arrivals(session, closing, [world.unit.id])
    assert late.taps == 1 and late.any
    page = login(world.users["leader"]).get(
        f"/admin/reports?kind=quarter&year={last_quarter.start.year}&n={last_quarter.end.month // 3}")
    assert "sau khi chốt" in page.get_data(as_text=True)


def test_a_province_leader_closes_the_province_and_the_communes_are_kept(login, app, session, world, quarter):
    from models import Role

    leader, other = factories.province_staff(session, world, Role.LEADER, "tinh.leader", "Lãnh đạo tỉnh")
    client = login(leader)
    assert close(client, number="9/BC-UBND", query=f"{Q3_QUERY}&unit=TINH").status_code == 303
    closing = the_closing(session)
    assert closing.unit_id == leader.unit_id
    assert sorted(row["unit"] for row in closing.snapshot["communes"]) == sorted([world.unit.name, other.unit.name])
    article = issued_article(client, closing.id)
    assert world.unit.name in article and other.unit.name in article and "So sánh các xã" in article
