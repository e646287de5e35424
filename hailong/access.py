"""Who may see and do what: the one access rule of the back office.

Every back-office route names a capability in ``ENDPOINTS``; ``may(user, capability)`` says
whether the user's role holds it. Tickets add who the ticket belongs to:
``allowed_actions(session, user, ticket)`` is the set of workflow steps this user may take on
this ticket now, read by the views (403 otherwise) and by the ticket page (its buttons). Units
add where: ``manageable_unit_ids`` is what an administrator may change.
"""
from __future__ import annotations

from sqlmodel import Session, select

from models import Feedback, FeedbackStatus, Role, Unit, UnitKind, UserServiceArea

A, L, H, D, V = Role.ADMIN, Role.LEADER, Role.HANDLER, Role.DESK, Role.VIEWER
S = FeedbackStatus

CAPABILITIES: dict[str, frozenset[Role]] = {
    "figures": frozenset(Role),
    "tickets": frozenset({A, L, H, D}),
    "ticket_act": frozenset({L, H}),  # which ticket: allowed_actions
    "ticket_lead": frozenset({L}),
    "personal_data": frozenset({A, L}),
    "audit": frozenset({A, L}),
    "settings": frozenset({A}),
    "kiosks": frozenset({A}),
    "serving": frozenset({D, A, L, H}),
    "surveys_read": frozenset({A, L, V}),
    "surveys_edit": frozenset({A}),
    "qr": frozenset({A}),
    "filing": frozenset({D, A, L}),
    "reports": frozenset({A, L, V}),
    "alerts": frozenset({L}),
    "report_close": frozenset({L}),  # chốt số liệu: the leader who sends the report
}

# Every /admin endpoint and the capability it needs; None: open to strangers (login, logout).
# An endpoint missing here is refused to everyone (and tests/admin/test_permissions.py says which).
ENDPOINTS: dict[str, str | None] = {
    "admin.login": None, "admin.logout": None,
    "admin.dashboard": "figures", "admin.my_figures": "figures",
    "admin.inbox": "tickets", "admin.ticket": "tickets", "admin.ticket_note": "tickets",
    "admin.ticket_apology": "tickets", "admin.ticket_paper": "tickets", "admin.attachment": "tickets",
    "admin.ticket_wait": "ticket_act", "admin.ticket_resume": "ticket_act", "admin.ticket_answer": "ticket_act",
    "admin.ticket_close": "ticket_act", "admin.ticket_extension": "ticket_act",
    "admin.ticket_accept": "ticket_lead", "admin.ticket_assign": "ticket_lead", "admin.ticket_transfer": "ticket_lead",
    "admin.ticket_reject": "ticket_lead", "admin.ticket_extension_approve": "ticket_lead",
    "admin.audit_trail": "audit",
    "admin.settings_list": "settings", "admin.settings_edit": "settings", "admin.holiday_delete": "settings",
    "admin.users": "settings", "admin.user_edit": "settings", "admin.user_unlock": "settings",
    "admin.targets": "settings", "admin.officials_list": "settings", "admin.official_edit": "settings",
    "admin.privacy_search": "personal_data", "admin.privacy_export": "personal_data",
    "admin.privacy_correct": "personal_data", "admin.privacy_anonymise": "personal_data",
    "admin.official_figures": "personal_data",
    "admin.kiosks": "kiosks", "admin.kiosk_new": "kiosks", "admin.kiosk_code": "kiosks",
    "admin.kiosk_revoke": "kiosks", "admin.kiosk_settings": "kiosks",
    "admin.serving": "serving",
    "admin.surveys": "surveys_read", "admin.survey_results": "surveys_read", "admin.survey_export": "surveys_read",
    **{f"admin.{name}": "surveys_edit" for name in (
        "survey_new", "survey_from_template", "survey_edit", "survey_details", "survey_preview", "survey_publish",
        "survey_close", "question_add", "question_edit", "question_move", "question_delete", "campaign_add",
        "campaign_delete")},
    **{f"admin.{name}": "qr" for name in ("qr_list", "qr_toggle", "qr_svg", "qr_png", "qr_print")},
    "admin.feedback_file": "filing", "admin.feedback_receipt": "filing",
    "admin.acknowledge_alert": "alerts",
    "admin.report": "reports", "admin.report_xlsx": "reports", "admin.export": "reports",
    "admin.dossiers_list": "settings", "admin.dossier_import": "settings", "admin.dossier_import_confirm": "settings",
    "admin.dossier_figures": "reports",
    "admin.reports_issued": "reports", "admin.report_issued": "reports", "admin.report_close": "report_close",
}

# Ticket steps: who (besides the ticket's unit) and in which states.
LEAD_STEPS = {"accept": {S.RECEIVED}, "transfer": {S.RECEIVED}, "reject": {S.RECEIVED},
              "assign": {S.IN_PROGRESS, S.WAITING}, "extension_approve": {S.IN_PROGRESS, S.WAITING}}
OWNER_STEPS = {"answer": {S.IN_PROGRESS}, "wait": {S.IN_PROGRESS}, "resume": {S.WAITING},
               "extension": {S.IN_PROGRESS, S.WAITING}, "close": {S.ANSWERED},
               "note_public": {S.RECEIVED, S.IN_PROGRESS, S.WAITING}}


def may(user, capability: str) -> bool:
    """Whether the signed-in ``user``'s role holds ``capability``."""
    return getattr(user, "is_authenticated", False) and Role(user.role) in CAPABILITIES[capability]


def may_use(user, endpoint: str | None) -> bool:
    """Whether ``user`` may open the back-office ``endpoint`` (unknown endpoints: nobody)."""
    if endpoint not in ENDPOINTS:
        return False
    capability = ENDPOINTS[endpoint]
    return capability is None or may(user, capability)


def handler_area_ids(session: Session, user_id: int) -> list[int]:
    return list(session.exec(select(UserServiceArea.service_area_id).where(UserServiceArea.user_id == user_id)))


def visible_clause(session: Session, user):
    """The SQL condition for the tickets ``user`` may see: leaders and administrators all of the unit,
    handlers theirs and their areas', desk officials the ones they filed."""
    unit = Feedback.unit_id == user.unit_id
    if user.role in (L, A):
        return unit
    if user.role == H:
        areas = handler_area_ids(session, user.id)
        mine = Feedback.assignee_id == user.id
        return unit & ((mine | Feedback.service_area_id.in_(areas)) if areas else mine)
    if user.role == D:
        return unit & (Feedback.filed_by_id == user.id)
    return Feedback.id.is_(None)  # viewers: figures only


def can_see(session: Session, user, ticket: Feedback) -> bool:
    if ticket.unit_id != user.unit_id:
        return False
    if user.role in (L, A):
        return True
    if user.role == H:
        return ticket.assignee_id == user.id or ticket.service_area_id in handler_area_ids(session, user.id)
    if user.role == D:
        return ticket.filed_by_id == user.id
    return False


def permitted_steps(session: Session, user, ticket: Feedback) -> set[str]:
    """The steps ``user`` may take on ``ticket`` whatever its state: a leader of the unit every step,
    a handler only on tickets assigned to them (a colleague's ticket in a shared area is read-only)."""
    if not can_see(session, user, ticket):
        return set()
    steps = {"view", "note"}
    if user.role == L:
        steps |= set(LEAD_STEPS) | set(OWNER_STEPS)
    elif user.role == H and ticket.assignee_id == user.id:
        steps |= set(OWNER_STEPS)
    return steps


def allowed_actions(session: Session, user, ticket: Feedback) -> set[str]:
    """The steps ``user`` may take on ``ticket`` now (its state considered): the ticket page's buttons."""
    states = LEAD_STEPS | OWNER_STEPS
    return {step for step in permitted_steps(session, user, ticket)
            if step not in states or S(ticket.status) in states[step]}


def manageable_unit_ids(session: Session, user) -> set[int]:
    """Units whose settings ``user`` may change: a commune's administrator only their own, a
    province's administrator the province and its communes."""
    if user.role != A or user.unit_id is None:
        return set()
    own = session.get(Unit, user.unit_id)
    if own is None:
        return set()
    if own.kind != UnitKind.PROVINCE:
        return {own.id}
    return {own.id, *session.exec(select(Unit.id).where(Unit.parent_id == own.id))}


def may_create_units(session: Session, user) -> bool:
    """Only a province's administrator (or the CLI) creates units, or changes a unit's code or kind:
    a commune's code is in every citizen's link and its kind decides what it may see."""
    own = session.get(Unit, user.unit_id) if user.unit_id else None
    return user.role == A and own is not None and own.kind == UnitKind.PROVINCE
