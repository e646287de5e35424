"""Who may use each back-office route: every /admin rule × every role, plus strangers.

The matrix is built from ``app.url_map``: a new back-office route without an entry here
fails the test, so nobody adds a page without deciding who may not use it.
"""
import pytest

from models import Role
from tests.factories import PASSWORD
from tests.workflow_helpers import accepted

ALL = set(Role)
TICKETS = {Role.ADMIN, Role.LEADER, Role.HANDLER, Role.DESK}
ACT = {Role.LEADER, Role.HANDLER}
LEADER = {Role.LEADER}
ADMIN = {Role.ADMIN}
PRIVACY = {Role.ADMIN, Role.LEADER}
SURVEY_READERS = {Role.ADMIN, Role.LEADER, Role.VIEWER}
FILING = {Role.DESK, Role.ADMIN, Role.LEADER}
SERVING = {Role.DESK, Role.ADMIN, Role.LEADER, Role.HANDLER}

ALLOWED = {
    "admin.login": None,  # public
    "admin.logout": None,  # anyone may sign out; tested below
    "admin.dashboard": ALL,
    "admin.inbox": TICKETS,
    "admin.ticket": TICKETS,
    "admin.ticket_accept": LEADER,
    "admin.ticket_assign": LEADER,
    "admin.ticket_transfer": LEADER,
    "admin.ticket_reject": LEADER,
    "admin.ticket_wait": ACT,
    "admin.ticket_resume": ACT,
    "admin.ticket_note": TICKETS,
    "admin.ticket_answer": ACT,
    "admin.ticket_close": ACT,
    "admin.ticket_extension": ACT,
    "admin.ticket_extension_approve": LEADER,
    "admin.ticket_apology": TICKETS,
    "admin.audit_trail": PRIVACY,
    "admin.settings_list": ADMIN,
    "admin.settings_edit": ADMIN,
    "admin.holiday_delete": ADMIN,
    "admin.users": ADMIN,
    "admin.user_edit": ADMIN,
    "admin.targets": ADMIN,
    "admin.privacy_search": PRIVACY,
    "admin.privacy_export": PRIVACY,
    "admin.privacy_correct": PRIVACY,
    "admin.privacy_anonymise": PRIVACY,
    # kiosks (issue 3)
    "admin.kiosks": ADMIN,
    "admin.kiosk_new": ADMIN,
    "admin.kiosk_code": ADMIN,
    "admin.kiosk_revoke": ADMIN,
    "admin.kiosk_settings": ADMIN,
    "admin.serving": SERVING,
    # surveys, QR codes and desk filing (issue 4)
    "admin.surveys": SURVEY_READERS,
    "admin.survey_results": SURVEY_READERS,
    "admin.survey_export": SURVEY_READERS,
    "admin.survey_new": ADMIN,
    "admin.survey_from_template": ADMIN,
    "admin.survey_edit": ADMIN,
    "admin.survey_details": ADMIN,
    "admin.survey_preview": ADMIN,
    "admin.survey_publish": ADMIN,
    "admin.survey_close": ADMIN,
    "admin.question_add": ADMIN,
    "admin.question_edit": ADMIN,
    "admin.question_move": ADMIN,
    "admin.question_delete": ADMIN,
    "admin.campaign_add": ADMIN,
    "admin.campaign_delete": ADMIN,
    "admin.qr_list": ADMIN,
    "admin.qr_toggle": ADMIN,
    "admin.qr_svg": ADMIN,
    "admin.qr_png": ADMIN,
    "admin.qr_print": ADMIN,
    "admin.feedback_file": FILING,
    "admin.feedback_receipt": FILING,
    "admin.attachment": TICKETS,
    # figures and reports (issue 6)
    "admin.acknowledge_alert": LEADER,
    "admin.my_figures": ALL,
    "admin.official_figures": PRIVACY,
    "admin.report": SURVEY_READERS,
    "admin.report_xlsx": SURVEY_READERS,
    "admin.export": SURVEY_READERS,
    # dossier register and figures by procedure (issue 16)
    "admin.dossiers_list": ADMIN,
    "admin.dossier_import": ADMIN,
    "admin.dossier_import_confirm": ADMIN,
    "admin.dossier_figures": SURVEY_READERS,
}


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
    assert not missing, f"add these routes to the permission matrix: {sorted(missing)}"


@pytest.fixture
def ticket_args(session, world):
    # Visible to every role that may see tickets: filed by the desk official, assigned to the handler.
    ticket = accepted(session, world)
    return {"ticket_id": ticket.id, "kind": "areas", "row_id": world.areas["HT"].id, "user_id": world.users["viewer"].id,
            "feedback_id": ticket.id, "kiosk_id": world.kiosk.id, "survey_id": 1, "key": "q1", "campaign_id": 1,
            "qr_id": 1, "size": "poster", "attachment_id": 1, "fmt": "csv", "alert_id": 1,
            "official_id": world.officials["CB01"].id, "what": "ratings"}


def test_the_matrix(app, world, ticket_args):
    requests = [r for r in admin_requests(app, ticket_args) if ALLOWED[r[0]] is not None]
    assert len(requests) >= 30
    stranger = app.test_client()
    for endpoint, method, url in requests:
        response = stranger.open(url, method=method)
        assert response.status_code == 302 and "/admin/login" in response.headers["Location"], (endpoint, method)
    for role in Role:
        client = app.test_client()
        assert client.post("/admin/login", data={"username": f"{role.value}.xa01", "password": PASSWORD}).status_code == 302
        for endpoint, method, url in requests:
            response = client.open(url, method=method)
            status = response.status_code
            if role in ALLOWED[endpoint]:
                # A form that worked redirects too; only a redirect to the login page is a refusal.
                assert status not in (401, 403), (role.value, endpoint, method, status)
                assert "/admin/login" not in response.headers.get("Location", ""), (role.value, endpoint, method)
            else:
                assert status == 403, (role.value, endpoint, method, status)


def test_logout_for_every_role(app, world):
    for role in Role:
        client = app.test_client()
        client.post("/admin/login", data={"username": f"{role.value}.xa01", "password": PASSWORD})
        assert client.post("/admin/logout").status_code == 302
        assert client.get("/admin/").status_code == 302
    assert app.test_client().post("/admin/logout").status_code == 302
