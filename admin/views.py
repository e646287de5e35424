"""Back-office views: login, logout and the leader's dashboard."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from admin.forms import LoginForm
from hailong.db import db_session
from hailong.errors import DomainError
from hailong.extensions import limiter
from hailong.users import LoginUser, authenticate

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("30/minute", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("admin.dashboard"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        config = current_app.config["HAILONG"]
        session = db_session()
        try:
            user = authenticate(session, username=form.username.data, password=form.password.data,
                                max_failures=config.login_max_failures,
                                lockout=timedelta(minutes=config.login_lockout_minutes))
        except DomainError as error:
            # The failure count must survive the error status, so it is committed here.
            session.commit()
            flash(error.message, "error")
            return render_template("admin/login.html", form=form), error.status
        login_user(LoginUser(user))
        return redirect(_safe_next(request.args.get("next")))
    if request.method == "POST":
        status = 400
    return render_template("admin/login.html", form=form), status


def _safe_next(target: str | None) -> str:
    """Only follow ``next`` within this site: an open redirect would help phishing."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("admin.dashboard")


@bp.post("/logout")
def logout():
    logout_user()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("admin.login"))


from admin import surveys  # noqa: E402,F401  (adds the survey back office to bp)
from admin import kiosks  # noqa: E402,F401  (adds the kiosk pages to this blueprint)
from admin import qr  # noqa: E402,F401  (QR codes and posters join this blueprint)
from admin import filing  # noqa: E402,F401  (desk filing, receipts and photos join this blueprint)
from admin import tickets  # noqa: E402,F401  (adds the PAKN inbox and ticket routes to bp)
from admin import settings  # noqa: E402,F401  (adds the administrator's settings routes to bp)
from admin import privacy  # noqa: E402,F401  (adds the personal data request routes to bp)
# Dashboards, reports and exports (issue 6) add their routes to this blueprint.
from admin import figures_views  # noqa: E402,F401
from admin import dossiers  # noqa: E402,F401  (the dossier register and figures by procedure, issue 16)
