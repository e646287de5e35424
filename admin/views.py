"""Back-office views: login, logout and the leader's dashboard."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask import session as flask_session
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from admin.access import guard
from admin.forms import LoginForm
from hailong import access
from hailong.db import db_session
from hailong.errors import DomainError
from hailong.extensions import limiter
from hailong.users import LoginUser, Throttle, authenticate

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")
bp.before_request(guard)


@bp.context_processor
def _access_helpers():
    """Templates ask the access rule, never re-encode it: ``may('settings')``, ``actions`` on a ticket."""
    return {"may": lambda capability: access.may(current_user, capability)}


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("30/minute", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(landing_url())
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        config = current_app.config["HAILONG"]
        session = db_session()
        try:
            user = authenticate(session, username=form.username.data, password=form.password.data,
                                address=request.remote_addr or "", throttle=Throttle(
                                    free_per_user=config.login_max_failures,
                                    max_delay=timedelta(seconds=config.login_max_delay_s)))
        except DomainError as error:
            # The failure count must survive the error status, so it is committed here.
            session.commit()
            flash(error.message, "error")
            return render_template("admin/login.html", form=form), error.status
        # A token seen before sign-in (on a shared computer, say) must not work after it.
        flask_session.pop("csrf_token", None)
        login_user(LoginUser(user))
        return redirect(_safe_next(request.args.get("next")))
    if request.method == "POST":
        status = 400
    return render_template("admin/login.html", form=form), status


def _safe_next(target: str | None) -> str:
    """Only follow ``next`` within this site: an open redirect would help phishing."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return landing_url()


def landing_url() -> str:
    """Where each role's work is: handler and desk their inbox, the others the dashboard."""
    if access.may(current_user, "tickets") and not access.may(current_user, "reports"):
        return url_for("admin.inbox")
    return url_for("admin.dashboard")


@bp.app_context_processor
def _landing():
    return {"landing_url": landing_url}


@bp.post("/logout")
def logout():
    logout_user()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("admin.login"))
