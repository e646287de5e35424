"""Hostile input everywhere: every JSON endpoint, public form and staff query parameter.

Two properties for every request: the server never answers 5xx (in tests an unhandled error
is raised, so it fails the same), and a refused request (4xx) stores nothing. The cases an
attacker found by hand are the explicit examples; hypothesis adds its own around them.
Sized to run in well under a minute per database.
"""
from __future__ import annotations

import json
import uuid
from datetime import datetime

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlmodel import func, select

from hailong import qr
from models import Attachment, Feedback, FeedbackEvent, KioskDevice, QrCode, Rating, SurveyResponse
from tests import survey_data
from tests.workflow_helpers import accepted

FUZZ = settings(max_examples=20, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
STORED = (Rating, Feedback, FeedbackEvent, SurveyResponse, Attachment, KioskDevice, QrCode)
BIG = 2 ** 63

# Leaves an attacker types: control characters, huge and negative numbers, odd dates.
leaf = (st.none() | st.booleans() | st.integers(min_value=-BIG * 4, max_value=BIG * 4)
        | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=30)
        | st.sampled_from(["0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59-14:00", "\x00", "1e999", "NaN"]))
json_values = st.recursive(leaf,
                           lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                           max_leaves=12)
query_text = st.text(max_size=40) | st.sampled_from(["-1", "0", str(BIG), "9" * 30, "0001-01-01", "9999-12-31", "\x00"])


def deeply_nested(depth: int = 50_000) -> str:
    return "[" * depth + "]" * depth


@pytest.fixture
def fuzz_app(make_app):
    from hailong.extensions import limiter

    app = make_app()
    limiter.enabled = False  # the limits are tested elsewhere; here they would hide the views behind 429
    yield app
    limiter.enabled = True


@pytest.fixture
def site(fuzz_app, session, world):
    """A commune with a published survey, a QR code and an answered ticket: every route has something to find."""
    survey = survey_data.published(session, world.unit)
    code = qr.create_qr(session, unit=world.unit, target="desk", desk_id=world.desk.id)
    ticket = accepted(session, world)
    session.commit()
    return {"app": fuzz_app, "world": world, "survey": survey, "qr": code.code, "ticket": ticket.tracking_code}


def stored(session) -> dict:
    session.expire_all()
    return {model.__name__: session.exec(select(func.count()).select_from(model)).one() for model in STORED}


def check(session, send):
    """Send one request; no 5xx, and nothing stored when it was refused."""
    before = stored(session)
    response = send()
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if response.status_code >= 400:
        assert stored(session) == before, response.status_code
    return response


def bearer(world):
    return {"Authorization": f"Bearer {world.token}"}


# --- JSON endpoints ------------------------------------------------------------------------


rating_bodies = st.fixed_dictionaries({}, optional={
    "id": st.uuids().map(str) | st.text(max_size=40),
    "level": st.sampled_from(["satisfied", "dissatisfied", "x"]) | json_values,
    "tapped_at": st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)).map(datetime.isoformat)
    | json_values,
    "reasons": json_values, "service_area": json_values, "official": json_values, "criteria": json_values,
}) | json_values


@FUZZ
@given(body=rating_bodies)
@example(body={"id": str(uuid.uuid4()), "level": "satisfied", "tapped_at": "0001-01-01T00:00:00+00:00"})  # year 1
@example(body={"id": str(uuid.uuid4()), "level": "satisfied", "tapped_at": "9999-12-31T23:59:59-12:00"})  # year 9999
@example(body={"id": str(uuid.uuid4()), "level": "satisfied", "tapped_at": "0001-01-01T00:00:00"})
def test_kiosk_ratings(site, session, body):
    client = site["app"].test_client()
    check(session, lambda: client.post("/api/v1/ratings", json=body, headers=bearer(site["world"])))
    check(session, lambda: client.post("/api/v1/ratings/batch", json=[body], headers=bearer(site["world"])))


@FUZZ
@given(queue=query_text, version=query_text)
def test_kiosk_state(site, session, queue, version):
    client = site["app"].test_client()
    check(session, lambda: client.get("/api/v1/kiosk/state", query_string={"queue": queue, "version": version},
                                      headers=bearer(site["world"])))


@FUZZ
@given(start=query_text, end=query_text, unit=query_text)
@example(start="0001-01-01", end="9999-12-31", unit="")
@example(start="2026-01-01", end="2026-12-31", unit="\x00")
def test_public_stats(site, session, start, end, unit):
    client = site["app"].test_client()
    check(session, lambda: client.get("/api/v1/stats", query_string={"from": start, "to": end, "unit": unit}))


feedback_bodies = st.fixed_dictionaries({}, optional={
    "kind": st.sampled_from(["phan_anh", "kien_nghi"]) | json_values, "content": st.text(max_size=300) | json_values,
    "name": st.text(max_size=40) | json_values, "phone": st.text(max_size=15) | json_values,
    "email": json_values, "address": json_values, "anonymous": json_values, "consent": json_values,
    "unit": st.just("XA01") | json_values, "service_area": json_values,
}) | json_values
FORMAL = {"kind": "kien_nghi", "content": "Đèn đường thôn Đông hỏng đã hai tuần.", "phone": "0912345678",
          "address": "Thôn Đông", "consent": True}


@FUZZ
@given(body=feedback_bodies)
@example(body=FORMAL | {"unit": ["XA01", "XA02"]})  # a list as unit
@example(body=FORMAL | {"unit": {"code": "XA01"}})
@example(body=FORMAL | {"name": "Nguyễn\x00Văn A"})  # NUL in a name
@example(body=FORMAL | {"name": "Nguyễn\x01Văn A"})
def test_api_feedback(site, session, body):
    client = site["app"].test_client()
    check(session, lambda: client.post("/api/v1/feedback", json=body))


def test_deeply_nested_json_everywhere(site, session):
    client = site["app"].test_client()
    raw = deeply_nested()
    for url, headers in (("/api/v1/feedback", {}), ("/api/v1/ratings", bearer(site["world"])),
                         ("/api/v1/ratings/batch", bearer(site["world"])), (f"/survey/{site['survey'].slug}", {})):
        response = check(session, lambda url=url, headers=headers: client.post(
            url, data=raw, content_type="application/json", headers=headers))
        assert response.status_code in (400, 422), url


survey_bodies = st.fixed_dictionaries({"id": st.uuids().map(str) | json_values}, optional={
    "version": st.integers(min_value=-BIG * 2, max_value=BIG * 2) | json_values,
    "answers": st.dictionaries(st.sampled_from(list(survey_data.SIPAS_ANSWERS) + ["x"]), json_values, max_size=6)
    | json_values,
}) | json_values


@FUZZ
@given(body=survey_bodies)
@example(body={"id": str(uuid.uuid4()), "version": BIG, "answers": survey_data.SIPAS_ANSWERS})  # version 2^63
@example(body={"id": str(uuid.uuid4()), "version": -BIG - 1, "answers": survey_data.SIPAS_ANSWERS})
@example(body={"id": str(uuid.uuid4()), "version": 1, "answers": {"overall": BIG}})
def test_survey_submit(site, session, body):
    client = site["app"].test_client()
    check(session, lambda: client.post(f"/survey/{site['survey'].slug}", json=body))


@FUZZ
@given(code=st.text(min_size=1, max_size=40).filter(lambda c: "/" not in c and c not in (".", "..")))
def test_tracking_code_lookups(site, session, code):
    client = site["app"].test_client()
    check(session, lambda: client.get(f"/api/v1/feedback/{code}"))
    check(session, lambda: client.get("/feedback/" + code))


# --- public forms --------------------------------------------------------------------------


form_values = st.text(max_size=60) | st.sampled_from(["\x00", "on", "y", str(BIG), "-1", "9999-12-31"])
feedback_forms = st.fixed_dictionaries({}, optional={
    name: form_values for name in ("kind", "content", "name", "phone", "email", "address", "anonymous", "consent",
                                   "service_area", "website")})


@FUZZ
@given(form=feedback_forms, lang=st.sampled_from(["vi", "en"]))
@example(form={"kind": "kien_nghi", "content": "Đường ngập nước mỗi khi mưa.", "name": "An\x00", "phone": "0912345678",
               "address": "Thôn Đông", "consent": "y"}, lang="vi")
def test_public_feedback_form(site, session, form, lang):
    client = site["app"].test_client()
    check(session, lambda: client.post(f"/feedback/new?lang={lang}", data=form))


@FUZZ
@given(level=form_values, reasons=st.lists(form_values, max_size=3), proof=form_values, reason=form_values)
def test_phone_rating_and_status_forms(site, session, level, reasons, proof, reason):
    client = site["app"].test_client()
    code = site["ticket"]
    check(session, lambda: client.post(f"/r/{site['qr']}", data={"level": level, "reasons": reasons}))
    check(session, lambda: client.post(f"/feedback/{code}/rate", data={"level": level}))
    check(session, lambda: client.post(f"/feedback/{code}/reopen", data={"proof": proof, "reason": reason}))
    check(session, lambda: client.get(f"/q/{site['qr']}", query_string={"lang": level}))


@FUZZ
@given(params=st.dictionaries(st.sampled_from(["unit", "year", "kind", "n", "from", "to", "lang", "page"]), query_text,
                              max_size=4))
def test_public_pages_query_parameters(site, session, params):
    client = site["app"].test_client()
    for url in ("/public", "/public/desks", "/", "/kiosk", "/feedback/new"):
        check(session, lambda url=url: client.get(url, query_string=params))


# --- staff query parameters ----------------------------------------------------------------


STAFF_PAGES = {
    "leader": ["/admin/", "/admin/tickets", "/admin/audit", "/admin/reports", "/admin/reports.xlsx",
               "/admin/exports/register.csv", "/admin/exports/ratings.xlsx", "/admin/privacy", "/admin/surveys",
               "/admin/surveys/{survey}/results", "/admin/surveys/{survey}/export.csv", "/admin/me"],
    "admin": ["/admin/kiosks", "/admin/qr", "/admin/settings/units", "/admin/settings/users", "/admin/targets"],
}
staff_params = st.dictionaries(
    st.sampled_from(["page", "before", "area", "assignee", "status", "channel", "due", "q", "sort", "type", "unit",
                     "year", "kind", "n", "from", "to", "format", "lang"]), query_text, max_size=5)


@settings(FUZZ, max_examples=8)
@given(params=staff_params)
@example(params={"page": "9" * 30})  # huge page numbers
@example(params={"page": str(BIG)})
@example(params={"before": str(BIG)})
@example(params={"before": "9" * 30})
@example(params={"year": "9" * 30, "kind": "year"})
@example(params={"kind": "quarter", "year": "2026", "n": str(BIG)})
@example(params={"from": "0001-01-01", "to": "9999-12-31", "kind": "custom"})
@example(params={"q": "\x00"})
def test_staff_query_parameters(login, site, session, params):
    clients = site.setdefault("staff", {role: login(f"{role}.xa01", app=site["app"]) for role in STAFF_PAGES})
    for role, pages in STAFF_PAGES.items():
        client = clients[role]
        for page in pages:
            url = page.format(survey=site["survey"].id)
            check(session, lambda client=client, url=url: client.get(url, query_string=params))


def test_the_json_body_of_a_form_post_is_not_trusted(site, session):
    """A JSON body where a form is expected (or the reverse) is refused, never a 500."""
    client = site["app"].test_client()
    check(session, lambda: client.post("/feedback/new", data=json.dumps(FORMAL), content_type="application/json"))
    check(session, lambda: client.post("/api/v1/feedback", data={"kind": "kien_nghi"}))
