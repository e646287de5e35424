"""Who may use the back office: the login manager and the guard that applies hailong.access to every route."""
from __future__ import annotations


from flask import abort, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from hailong import access, reporting
from hailong.db import db_session
from hailong.extensions import login_manager
from hailong.users import LoginUser
from models import User

login_manager.login_view = "admin.login"
login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(user_id: str):
    """The signed-in official, if the session is of the account's current version (see end_other_sessions)."""
    user_id, _sep, version = user_id.partition(":")
    try:
        user = db_session().get(User, int(user_id))
    except ValueError:
        return None
    if user is None or not user.active or version != str(user.session_version):
        return None
    return LoginUser(user)


def guard():
    """Before every /admin request: strangers go to the login page, the rest need the endpoint's
    capability (hailong.access.ENDPOINTS). One place, so no route can forget its check."""
    endpoint = request.endpoint
    if endpoint is None or access.ENDPOINTS.get(endpoint, "") is None:
        return None  # 404s and the open pages (login, logout)
    if not current_user.is_authenticated:
        return redirect(url_for("admin.login", next=request.full_path.rstrip("?")))
    if not access.may_use(current_user, endpoint):
        abort(403)
    return None


def unit_row_or_404(model, row_id: int, *, own_unit_only: bool = False):
    """The ``model`` row ``row_id`` if it belongs to the signed-in official's units: their unit and the units under
    it, or only their own unit where they change things (``own_unit_only``). A 404 otherwise: another unit's rows
    do not exist for this official, so their ids are not confirmed either."""
    session = db_session()
    row = session.get(model, row_id)
    if row is None or not _in_units(session, row.unit_id, own_unit_only=own_unit_only):
        abort(404)
    return row


def _in_units(session, unit_id: int | None, *, own_unit_only: bool) -> bool:
    if own_unit_only:
        return unit_id == current_user.unit_id
    seen = reporting.scope_for(session, current_user.unit_id).unit_ids  # None: a user of no unit sees them all
    return seen is None or unit_id in seen
