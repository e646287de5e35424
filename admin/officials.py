"""The administrator's list of officials: create, edit, photo, retire (never delete: ratings name them)."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select

from admin import settings_forms as forms
from admin.access import unit_row_or_404
from admin.views import bp
from hailong import audit, officials
from hailong.db import db_session
from hailong.errors import ValidationError
from models import Desk, Official, Role, User


def _form(official: Official | None = None) -> forms.OfficialForm:
    session, unit_id = db_session(), current_user.unit_id
    form = forms.OfficialForm(obj=official)
    accounts = session.exec(select(User).where(User.unit_id == unit_id,
                                               User.role != Role.VIEWER).order_by(User.username))
    desks = session.exec(select(Desk).where(Desk.unit_id == unit_id).order_by(Desk.number))
    form.user_id.choices = forms.choices([(0, _("Không có"))]
                                         + [(u.id, f"{u.username} · {u.full_name}") for u in accounts])
    form.desk_id.choices = forms.choices([(0, _("Không"))] + [(d.id, f"{d.number}. {d.name}") for d in desks])
    if official is not None and request.method == "GET":
        user, desk = officials.linked_user(session, official), officials.desk_of(session, official)
        form.user_id.data, form.desk_id.data = (user.id if user else 0), (desk.id if desk else 0)
    return form


def _submitted(form: forms.OfficialForm, official: Official | None):
    """Save a valid form (and its photo) and redirect; otherwise the status to show the form with."""
    if not form.validate_on_submit():
        return 422 if request.method == "POST" else 200
    session = db_session()
    data = officials.OfficialIn(code=form.code.data, full_name=form.full_name.data, title=form.title.data or "",
                                user_id=form.user_id.data or None, desk_id=form.desk_id.data or None,
                                active=form.active.data)
    upload = request.files.get(form.photo.name)
    try:
        saved = officials.save(session, current_user.unit_id, data, official)
        if upload is not None and upload.filename:
            officials.set_photo(session, saved, upload.read(officials.PHOTO_MAX_BYTES + 1),
                                current_app.config["HAILONG"].upload_dir)
    except ValidationError as error:
        session.rollback()  # nothing of a refused form is stored
        for name, message in error.fields.items():
            getattr(form, name).errors = [message]
        flash(error.message, "error")
        return 422
    audit.record(session, current_user.id, "settings.create" if official is None else "settings.update", "official",
                 saved.id, {"code": saved.code, "active": saved.active})
    flash(_("Đã lưu."), "success")
    return redirect(url_for("admin.officials_list"), 303)


@bp.route("/settings/officials", methods=["GET", "POST"])
def officials_list():
    form = _form()
    status = _submitted(form, None)
    if not isinstance(status, int):
        return status
    session = db_session()
    rows = session.exec(select(Official).where(Official.unit_id == current_user.unit_id)
                        .order_by(Official.active.desc(), Official.code)).all()
    users = {u.official_id: u for u in session.exec(select(User).where(User.unit_id == current_user.unit_id,
                                                                       User.official_id.is_not(None)))}
    desks = {d.official_id: d for d in session.exec(select(Desk).where(Desk.unit_id == current_user.unit_id,
                                                                       Desk.official_id.is_not(None)))}
    return render_template("admin/officials.html", form=form, rows=rows, users=users, desks=desks), status


@bp.route("/settings/officials/<int:official_id>", methods=["GET", "POST"])
def official_edit(official_id: int):
    official = unit_row_or_404(Official, official_id, own_unit_only=True)
    form = _form(official)
    status = _submitted(form, official)
    if not isinstance(status, int):
        return status
    return render_template("admin/official_edit.html", form=form, official=official), status
