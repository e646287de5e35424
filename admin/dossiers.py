"""The dossier register in the back office: upload with a preview before saving (admin, own commune),
and figures by procedure and by receiving official (issue 16). Routes on the admin blueprint."""
from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select

from admin.dossier_forms import RegisterConfirmForm, RegisterUploadForm
from admin.views import bp
from hailong import audit, dossiers
from hailong import dossier_figures as dossier_figures_module
from hailong.db import db_session
from hailong.errors import ValidationError
from models import Dossier, Unit

PENDING_DIR = "dossier-imports"  # under the shared upload dir: the confirming request may reach another host
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,60}\.(csv|xlsx)$")
PREVIEW_ROWS = 20
PREVIEW_KEPT_S = 24 * 3600


def _own_commune() -> Unit:
    unit = db_session().get(Unit, current_user.unit_id) if current_user.unit_id else None
    if unit is None or unit.kind != "commune":
        raise ValidationError(_("Chỉ quản trị viên của một xã mới nhập được sổ hồ sơ của xã mình."))
    return unit


@bp.get("/dossiers")
def dossiers_list():
    unit = _own_commune()
    recent = db_session().exec(select(Dossier).where(Dossier.unit_id == unit.id)
                               .order_by(Dossier.received_on.desc(), Dossier.id.desc()).limit(50)).all()
    return render_template("admin/dossiers/list.html", unit=unit, recent=recent, form=RegisterUploadForm())


@bp.post("/dossiers/import")
def dossier_import():
    """Check the uploaded register and show what saving it would do; nothing is stored yet."""
    unit, form = _own_commune(), RegisterUploadForm()
    if not form.validate_on_submit():
        return render_template("admin/dossiers/list.html", unit=unit, recent=[], form=form), 400
    upload = form.file.data
    data, name = upload.read(), upload.filename or ""
    try:
        plan = dossiers.plan(db_session(), unit, name, data)
    except dossiers.RegisterRefused as refused:
        return render_template("admin/dossiers/list.html", unit=unit, recent=[], form=form, refused=refused,
                               filename=name), 422
    token = f"{secrets.token_urlsafe(24)}.{'xlsx' if name.lower().endswith('.xlsx') else 'csv'}"
    path = _pending(token)
    path.parent.mkdir(parents=True, exist_ok=True)
    _forget_old_previews(path.parent)
    path.write_bytes(data)
    return render_template("admin/dossiers/preview.html", unit=unit, plan=plan, rows=plan.rows[:PREVIEW_ROWS],
                           filename=name, form=RegisterConfirmForm(token=token))


@bp.post("/dossiers/import/confirm")
def dossier_import_confirm():
    """Store the previewed register; it is checked again, as the dossiers may have changed meanwhile."""
    unit, form = _own_commune(), RegisterConfirmForm()
    token = form.token.data or ""
    if not form.validate_on_submit() or not TOKEN.match(token) or not _pending(token).exists():
        flash(_("Bản xem trước đã hết hạn hoặc đã được lưu. Vui lòng tải tệp lên lại."), "error")
        return redirect(url_for("admin.dossiers_list"))
    path = _pending(token)
    result = dossiers.import_register(db_session(), unit, path.name, path.read_bytes())
    path.unlink(missing_ok=True)
    audit.record(db_session(), current_user.id, "dossiers_imported", "unit", unit.id,
                 {"rows": len(result.rows), "added": result.added, "updated": result.updated})
    flash(_("Đã lưu sổ hồ sơ: %(summary)s.", summary=result.summary()), "success")
    return redirect(url_for("admin.dossiers_list"))


def _forget_old_previews(folder: Path) -> None:
    """Previews nobody saved hold a commune's register: keep them a day at most."""
    limit = time.time() - PREVIEW_KEPT_S
    for stale in folder.glob("*.*"):
        if stale.stat().st_mtime < limit:
            stale.unlink(missing_ok=True)


def _pending(token: str) -> Path:
    return Path(current_app.config["HAILONG"].upload_dir) / PENDING_DIR / token


@bp.get("/dossiers/figures")
def dossier_figures():
    """Satisfaction, late share and reasons per procedure and per receiving official; Biểu II.06a; indicator 5.4."""
    from admin.figures_views import _scope_and_period, _today

    scope, kind, period = _scope_and_period(default_kind="quarter")
    figures = dossier_figures_module.for_report(db_session(), scope.unit_ids, period, _today())
    return render_template("admin/dossiers/figures.html", scope=scope, kind=kind, period=period,
                           dossier_figures=figures)
