"""Back office: QR codes for posters and table cards (administrator only)."""
from __future__ import annotations

from datetime import timedelta

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlmodel import select
from wtforms import SelectChoice, SelectField, StringField

from admin.views import bp
from hailong import qr
from hailong.units import commune_for
from hailong.db import db_session
from hailong.errors import ValidationError
from models import Desk, Official, QrCode, QrTarget, ServiceArea, Unit, User, local_date_of, utcnow

TARGET_LABELS = {
    QrTarget.UNIT: _l("Đánh giá đơn vị"),
    QrTarget.DESK: _l("Đánh giá một quầy"),
    QrTarget.OFFICIAL: _l("Đánh giá một cán bộ"),
    QrTarget.SERVICE_AREA: _l("Đánh giá một lĩnh vực"),
    QrTarget.SURVEY: _l("Mở một phiếu khảo sát"),
    QrTarget.FEEDBACK: _l("Gửi phản ánh, kiến nghị"),
}


class QrForm(FlaskForm):
    target = SelectField(_l("Mã QR dùng để"),
                         choices=[SelectChoice(t.value, label) for t, label in TARGET_LABELS.items()])
    label = StringField(_l("Tên gợi nhớ (in trên áp phích)"))
    desk_id = SelectField(_l("Quầy"), choices=[], validate_choice=False)
    official_id = SelectField(_l("Cán bộ"), choices=[], validate_choice=False)
    service_area_id = SelectField(_l("Lĩnh vực"), choices=[], validate_choice=False)
    survey_slug = StringField(_l("Mã phiếu khảo sát (phần cuối của địa chỉ /survey/…)"))


def admin_unit(db) -> Unit:
    """The administrator's commune (or the installation's only commune)."""
    if current_user.unit_id:
        return db.get(Unit, current_user.unit_id)
    return commune_for(db, None)


def _fill_choices(db, form: QrForm, unit: Unit) -> None:
    none = [SelectChoice("", "—")]
    desks = db.exec(select(Desk).where(Desk.unit_id == unit.id).order_by(Desk.number)).all()
    officials = db.exec(select(Official).where(Official.unit_id == unit.id,
                                               Official.active.is_(True)).order_by(Official.full_name)).all()
    areas = db.exec(select(ServiceArea).where(ServiceArea.unit_id == unit.id,
                                              ServiceArea.active.is_(True)).order_by(ServiceArea.name_vi)).all()
    form.desk_id.choices = none + [SelectChoice(str(d.id), d.name or _("Quầy %(n)s", n=d.number)) for d in desks]
    form.official_id.choices = none + [SelectChoice(str(o.id), o.full_name) for o in officials]
    form.service_area_id.choices = none + [SelectChoice(str(a.id), a.name_vi) for a in areas]


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


@bp.route("/qr", methods=["GET", "POST"])
def qr_list():
    db = db_session()
    unit = admin_unit(db)
    form = QrForm()
    _fill_choices(db, form, unit)
    errors, status = {}, 200
    if request.method == "POST" and form.validate_on_submit():
        try:
            code = qr.create_qr(db, unit=unit, target=form.target.data, label=form.label.data,
                                desk_id=_int(form.desk_id.data), official_id=_int(form.official_id.data),
                                service_area_id=_int(form.service_area_id.data), survey_slug=form.survey_slug.data,
                                created_by=db.get(User, current_user.id))
            flash(_("Đã tạo mã QR %(code)s.", code=code.code), "success")
            return redirect(url_for("admin.qr_list"))
        except ValidationError as error:
            flash(error.message, "error")
            errors, status = error.fields, error.status
    elif request.method == "POST":
        status = 400
    codes = db.exec(select(QrCode).where(QrCode.unit_id == unit.id).order_by(QrCode.active.desc(),
                                                                             QrCode.id.desc())).all()
    recent = qr.scans_since(db, [c.id for c in codes], local_date_of(utcnow()) - timedelta(days=29))
    return render_template("admin/qr_list.html", form=form, errors=errors, unit=unit, codes=codes, recent=recent,
                           contexts={c.id: qr.context_of(db, c) for c in codes}, labels=TARGET_LABELS,
                           public_url=current_app.config["PUBLIC_URL"]), status


def _own_code(qr_id: int) -> QrCode:
    db = db_session()
    code = db.get(QrCode, qr_id)
    if code is None or code.unit_id != admin_unit(db).id:
        abort(404)
    return code


@bp.post("/qr/<int:qr_id>/active")
def qr_toggle(qr_id: int):
    """Retire a code (its posters then land on a polite notice) or bring it back."""
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    code = _own_code(qr_id)
    code.active = not code.active
    flash(_("Đã bật mã QR %(code)s.", code=code.code) if code.active else _("Đã tắt mã QR %(code)s.", code=code.code),
          "success")
    return redirect(url_for("admin.qr_list"))


@bp.get("/qr/<int:qr_id>.svg")
def qr_svg(qr_id: int):
    code = _own_code(qr_id)
    body = '<?xml version="1.0" encoding="UTF-8"?>\n' + qr.svg(qr.short_link(current_app.config["PUBLIC_URL"], code))
    return Response(body, mimetype="image/svg+xml",
                    headers={"Content-Disposition": f'attachment; filename="qr-{code.code}.svg"'})


@bp.get("/qr/<int:qr_id>.png")
def qr_png(qr_id: int):
    code = _own_code(qr_id)
    body = qr.png(qr.short_link(current_app.config["PUBLIC_URL"], code), box_size=20)
    return Response(body, mimetype="image/png",
                    headers={"Content-Disposition": f'attachment; filename="qr-{code.code}.png"'})


@bp.get("/qr/<int:qr_id>/<any(poster, card):size>")
def qr_print(qr_id: int, size: str):
    """An A4 poster or an A6 table card, with the code as SVG so it prints sharp."""
    db = db_session()
    code = _own_code(qr_id)
    link = qr.short_link(current_app.config["PUBLIC_URL"], code)
    return render_template("admin/qr_print.html", size=size, code=code, context=qr.context_of(db, code),
                           link=link, image=qr.svg(link))
