"""Back office for kiosks: register, pair, revoke, settings, and "I am serving at desk N"."""
from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlmodel import select
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from admin.views import bp
from hailong import kiosks as devices  # the view below is named kiosks
from hailong.db import db_session
from hailong.errors import DomainError
from hailong.qr_inline import qr_svg
from hailong.ratings import SUSPECT_LABELS
from models import Desk, Kiosk, Official, Role, ServiceArea, Unit, utcnow

SERVING_ROLES = (Role.DESK, Role.ADMIN, Role.LEADER, Role.HANDLER)
SUSPECT_WINDOW = timedelta(days=30)


class KioskSettingsForm(FlaskForm):
    desk = SelectField(_l("Quầy"), coerce=int, default=0)
    service_area = SelectField(_l("Lĩnh vực"), coerce=int, default=0)
    criteria = BooleanField(_l("Hỏi thêm các tiêu chí một cửa (đúng hẹn, số lần đi lại, thái độ)"))


class KioskNewForm(KioskSettingsForm):
    name = StringField(_l("Tên thiết bị"),
                       validators=[DataRequired(_l("Vui lòng nhập tên thiết bị.")), Length(max=120)])


class ServingForm(FlaskForm):
    desk = SelectField(_l("Quầy"), coerce=int)


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


def _unit() -> Unit:
    unit = db_session().get(Unit, current_user.unit_id) if current_user.unit_id else None
    if unit is None:
        abort(403)
    return unit


def _choices(form: KioskSettingsForm, unit: Unit) -> None:
    session = db_session()
    desks = session.exec(select(Desk).where(Desk.unit_id == unit.id).order_by(Desk.number)).all()
    areas = session.exec(select(ServiceArea).where(ServiceArea.unit_id == unit.id, ServiceArea.active)
                         .order_by(ServiceArea.name_vi)).all()
    form.desk.choices = [(0, _("Không gắn với quầy"))] + [(d.id, d.name or str(d.number)) for d in desks]
    form.service_area.choices = [(0, _("Hỏi người dân (không gắn lĩnh vực)"))] + [(a.id, a.name_vi) for a in areas]


def _own_kiosk(kiosk_id: int) -> Kiosk:
    kiosk = db_session().get(Kiosk, kiosk_id)
    if kiosk is None or kiosk.unit_id != current_user.unit_id:
        abort(404)
    return kiosk


def _picked(model, value):
    return db_session().get(model, value) if value else None


@bp.get("/kiosks")
def kiosks():
    session, unit, now = db_session(), _unit(), utcnow()
    rows = []
    kiosks_ = session.exec(select(Kiosk).where(Kiosk.unit_id == unit.id)
                           .order_by(Kiosk.revoked_at.is_not(None), Kiosk.name)).all()
    suspect = devices.suspect_counts(session, [k.id for k in kiosks_], now - SUSPECT_WINDOW)
    for kiosk in kiosks_:
        form = KioskSettingsForm(prefix=f"k{kiosk.id}", desk=kiosk.desk_id or 0,
                                 service_area=kiosk.service_area_id or 0, criteria=kiosk.criteria_enabled)
        _choices(form, unit)
        rows.append({"kiosk": kiosk, "form": form, "silent": devices.is_silent(kiosk, unit, now),
                     "suspect": suspect.get(kiosk.id, {})})
    return render_template("admin/kiosks.html", rows=rows, action=ActionForm(), unit=unit,
                           suspect_labels=SUSPECT_LABELS)


@bp.route("/kiosks/new", methods=["GET", "POST"])
def kiosk_new():
    unit = _unit()
    form = KioskNewForm()
    _choices(form, unit)
    if form.validate_on_submit():
        kiosk, code = devices.register(db_session(), unit=unit, name=form.name.data,
                                       desk=_picked(Desk, form.desk.data),
                                       service_area=_picked(ServiceArea, form.service_area.data),
                                       criteria_enabled=form.criteria.data, user_id=current_user.id)
        return _code_page(kiosk, code)
    return render_template("admin/kiosk_new.html", form=form), 400 if request.method == "POST" else 200


@bp.post("/kiosks/<int:kiosk_id>/code")
def kiosk_code(kiosk_id: int):
    kiosk = _own_kiosk(kiosk_id)
    if not ActionForm().validate_on_submit() or kiosk.revoked_at is not None:
        abort(400)
    return _code_page(kiosk, devices.rotate_code(db_session(), kiosk, user_id=current_user.id))


def _code_page(kiosk: Kiosk, code: str):
    # The tablet sits on the office LAN and reaches this server by the address the admin uses,
    # which may not be PUBLIC_URL (the address phones reach), so the link is built from the request.
    link = url_for("kiosk.pair", code=code, _external=True)
    response = render_template("admin/kiosk_code.html", kiosk=kiosk, code=code, link=link,
                               qr=qr_svg(link, label=_("Mã QR ghép nối thiết bị")))
    return response, 200, {"Cache-Control": "no-store"}


@bp.post("/kiosks/<int:kiosk_id>/revoke")
def kiosk_revoke(kiosk_id: int):
    kiosk = _own_kiosk(kiosk_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    devices.revoke(db_session(), kiosk, user_id=current_user.id)
    flash(_("Đã thu hồi thiết bị %(name)s: thiết bị ngừng nhận đánh giá ngay.", name=kiosk.name), "success")
    return redirect(url_for("admin.kiosks"))


@bp.post("/kiosks/<int:kiosk_id>/settings")
def kiosk_settings(kiosk_id: int):
    kiosk, unit = _own_kiosk(kiosk_id), _unit()
    form = KioskSettingsForm(prefix=f"k{kiosk.id}")
    _choices(form, unit)
    if not form.validate_on_submit():
        flash(_("Dữ liệu không hợp lệ, chưa lưu."), "error")
        return redirect(url_for("admin.kiosks"))
    try:
        devices.update_settings(db_session(), kiosk, desk=_picked(Desk, form.desk.data),
                                service_area=_picked(ServiceArea, form.service_area.data),
                                criteria_enabled=form.criteria.data, user_id=current_user.id)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("admin.kiosks"))
    flash(_("Đã lưu cài đặt của %(name)s.", name=kiosk.name), "success")
    return redirect(url_for("admin.kiosks"))


@bp.route("/serving", methods=["GET", "POST"])
def serving():
    session, unit = db_session(), _unit()
    form = ServingForm()
    desks = session.exec(select(Desk).where(Desk.unit_id == unit.id).order_by(Desk.number)).all()
    form.desk.choices = [(d.id, d.name or str(d.number)) for d in desks]
    official_id = current_user.official_id
    if form.validate_on_submit():
        try:
            if request.form.get("stop"):
                devices.stop_serving(session, official_id=official_id)
                flash(_("Đã kết thúc phục vụ. Đánh giá sẽ tính cho quầy."), "success")
            else:
                desk = session.get(Desk, form.desk.data)
                devices.start_serving(session, official_id=official_id, desk=desk)
                flash(_("Máy đánh giá tại %(desk)s đang hiện tên của bạn.", desk=desk.name or desk.number), "success")
        except DomainError as error:
            flash(error.message, "error")
            return render_template("admin/serving.html", form=form, desks=desks, official=None), error.status
        return redirect(url_for("admin.serving"))
    official = session.get(Official, official_id) if official_id else None
    here = next((d for d in desks if official and d.official_id == official.id), None)
    if here:
        form.desk.data = here.id
    return render_template("admin/serving.html", form=form, desks=desks, official=official, here=here,
                           officials={o.id: o
                                      for o in session.exec(select(Official).where(Official.unit_id == unit.id))})
