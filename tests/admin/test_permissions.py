"""Who may use each back-office route: every /admin rule × every role, plus strangers.

The matrix is driven by the one access rule (hailong/access.py): each endpoint names a
capability, each capability its roles. A new back-office route without an entry there fails
the first test (and is refused to everyone until it has one), so nobody adds a page without
deciding who may not use it. The capabilities themselves are pinned below, so a change to
who holds one is a visible change to this test.
"""
import pytest

from hailong import access
from models import Role
from tests.workflow_helpers import accepted

ALL = set(Role)
A, L, H, D, V = Role.ADMIN, Role.LEADER, Role.HANDLER, Role.DESK, Role.VIEWER
# Who holds each capability: the decision, written down twice on purpose.
EXPECTED_CAPABILITIES = {
    "figures": ALL, "tickets": {A, L, H, D}, "ticket_act": {L, H}, "ticket_lead": {L},
    "personal_data": {A, L}, "audit": {A, L}, "settings": {A}, "kiosks": {A}, "serving": {D, A, L, H},
    "surveys_read": {A, L, V}, "surveys_edit": {A}, "qr": {A}, "filing": {D, A, L}, "reports": {A, L, V},
    "alerts": {L}, "report_close": {L},
}
ALLOWED = {endpoint: (None if capability is None else set(access.CAPABILITIES[capability]))
           for endpoint, capability in access.ENDPOINTS.items()}


def test_capabilities_are_the_decided_ones():
    assert {name: set(roles) for name, roles in access.CAPABILITIES.items()} == EXPECTED_CAPABILITIES


def admin_requests(app, args):
    """(endpoint, method, url) for every rule under /admin."""
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if not rule.rule.startswith("/admin"):
                continue
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                values = {name: args[name] for name in rule.arguments}
                yield rule.endpoint, method, url_for(rule.endpoint, **values)


def test_every_back_office_route_has_an_entry(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.rule.startswith("/admin")}
    missing = endpoints - set(ALLOWED)
    assert not missing, f"add these routes to hailong.access.ENDPOINTS: {sorted(missing)}"


@pytest.fixture
def ticket_args(session, world):
    # Visible to every role that may see tickets: filed by the desk official, assigned to the handler.
    ticket = accepted(session, world)
    return {"ticket_id": ticket.id, "kind": "areas", "row_id": world.areas["HT"].id,
            "user_id": world.users["viewer"].id,
            "feedback_id": ticket.id, "kiosk_id": world.kiosk.id, "survey_id": 1, "key": "q1", "campaign_id": 1,
            "qr_id": 1, "size": "poster", "attachment_id": 1, "fmt": "csv", "alert_id": 1,
            "official_id": world.officials["CB01"].id, "what": "ratings", "closing_id": 1}


def test_the_matrix(login, app, world, ticket_args):
    requests = [r for r in admin_requests(app, ticket_args) if ALLOWED[r[0]] is not None]
    assert len(requests) >= 30
    stranger = app.test_client()
    for endpoint, method, url in requests:
        response = stranger.open(url, method=method)
        assert response.status_code == 302 and "/admin/login" in response.headers["Location"], (endpoint, method)
    for role in Role:
        client = login(f"{role.value}.xa01")
        for endpoint, method, url in requests:
            response = client.open(url, method=method)
            status = response.status_code
            if role in ALLOWED[endpoint]:
                # A form that worked redirects too; only a redirect to the login page is a refusal.
                assert status not in (401, 403), (role.value, endpoint, method, status)
                assert "/admin/login" not in response.headers.get("Location", ""), (role.value, endpoint, method)
            else:
                assert status == 403, (role.value, endpoint, method, status)


def test_logout_for_every_role(login, app, world):
    for role in Role:
        client = login(f"{role.value}.xa01")
        assert client.post("/admin/logout").status_code == 302
        assert client.get("/admin/").status_code == 302
    assert app.test_client().post("/admin/logout").status_code == 302
