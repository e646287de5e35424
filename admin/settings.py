"""The administrator's settings: users, units, service areas, desks, reply templates, holidays, targets."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlmodel import select

from admin import settings_forms as forms
from admin.access import unit_row_or_404
from admin.views import bp
from hailong import access, audit, replies, reporting, workdays, workflow
from hailong.db import db_session
from hailong.errors import DomainError
from hailong.figures import set_targets, targets_for
from hailong.users import Account, add_account, change_account, failed_sign_ins, unlock
from models import (
    CalendarDay, Desk, Official, ReplyTemplate, ServiceArea, TargetCode, Unit, User, UserServiceArea,
    local_date_of, utcnow,
)


def _record(action: str, kind: str, object_id, details=None):
    audit.record(db_session(), current_user.id, f"settings.{action}", kind, object_id, details or {})


def _area_choices(blank):
    session = db_session()
    areas = session.exec(
        select(ServiceArea).where(ServiceArea.unit_id == current_user.unit_id).order_by(ServiceArea.name_vi))
    return forms.choices([(0, blank)] + [(a.id, a.name_vi) for a in areas])


# --- generic list + create + edit ---------------------------------------------------------------


@dataclass
class Section:
    title: str
    model: type
    form: type
    columns: list[tuple[str, Callable]]
    prepare: Callable = lambda form: None  # fill dynamic choices
    check: Callable = lambda session, form, row: None  # raise DomainError on a broken rule
    scoped: bool = True  # rows belong to the admin's unit


def _yes(value):
    return _("Có") if value else _("Không")


SECTIONS: dict[str, Section] = {}


def _register():
    SECTIONS["units"] = Section(_l("Đơn vị"), Unit, forms.UnitForm,
                                [(_l("Mã"), lambda r: r.code), (_l("Tên"), lambda r: r.name),
                                 (_l("Địa chỉ"), lambda r: r.address)],
                                scoped=False, check=_check_unit)
    SECTIONS["areas"] = Section(_l("Lĩnh vực"), ServiceArea, forms.AreaForm,
                                [(_l("Mã"), lambda r: r.code), (_l("Tên"), lambda r: r.name_vi),
                                 (_l("Hạn phân loại"), lambda r: r.classify_days),
                                 (_l("Hạn giải quyết"), lambda r: r.resolve_days),
                                 (_l("Đang dùng"), lambda r: _yes(r.active))],
                                check=_unique(ServiceArea, "code", _l("Mã đã được dùng.")))
    SECTIONS["desks"] = Section(_l("Quầy"), Desk, forms.DeskForm,
                                [(_l("Số"), lambda r: r.number), (_l("Tên"), lambda r: r.name)],
                                prepare=_prepare_desk, check=_unique(Desk, "number", _l("Số quầy đã có.")))
    SECTIONS["templates"] = Section(_l("Mẫu trả lời"), ReplyTemplate, forms.TemplateForm,
                                    [(_l("Tên"), lambda r: r.name),
                                     (_l("Trạng thái"),
                                      lambda r: forms.STATUS_LABELS[r.status] if r.status else _("Mọi trạng thái")),
                                     (_l("Đang dùng"), lambda r: _yes(r.active))],
                                    prepare=_prepare_template, check=_check_template)
    SECTIONS["holidays"] = Section(_l("Ngày nghỉ, ngày làm bù"), CalendarDay, forms.CalendarDayForm,
                                   [(_l("Ngày"), lambda r: r.day.strftime("%d/%m/%Y")),
                                    (_l("Loại"), lambda r: _("Làm bù") if r.working else _("Nghỉ thêm")),
                                    (_l("Ghi chú"), lambda r: r.note)],
                                   check=_unique(CalendarDay, "day", _l("Ngày này đã có trong bảng.")))


def _unique(model, field: str, message, *, scoped: bool = True):
    """A section's check refusing a second row of ``model`` with the form's ``field`` (within the
    official's unit when ``scoped``), the row being edited excepted."""
    def check(session, form, row):
        query = select(model).where(getattr(model, field) == getattr(form, field).data,
                                    model.id != (row.id if row else -1))
        if scoped:
            query = query.where(model.unit_id == current_user.unit_id)
        if session.exec(query).first():
            raise DomainError(message, fields={field: message})
    return check


def _check_unit(session, form, row):
    """A commune's administrator edits their own commune's name and address; only a province's
    administrator creates units or changes a code (in every citizen's link) or a kind."""
    if row is None or form.code.data != row.code or form.kind.data != row.kind:
        if not access.may_create_units(session, current_user):
            message = _l("Chỉ quản trị cấp tỉnh được tạo đơn vị hoặc đổi mã, cấp của đơn vị.")
            raise DomainError(message, fields={"code": message}, status=403)
    _unique(Unit, "code", _l("Mã đã được dùng."), scoped=False)(session, form, row)


def _prepare_desk(form):
    form.service_area_id.choices = _area_choices(_("Không"))
    officials = db_session().exec(select(Official).where(Official.unit_id == current_user.unit_id,
                                                         Official.active.is_(True)))
    form.official_id.choices = forms.choices([(0, _("Không ai"))] + [(o.id, o.full_name) for o in officials])


def _prepare_template(form):
    form.status.choices = forms.choices(forms.STATUS_PAIRS)
    form.service_area_id.choices = _area_choices(_("Mọi lĩnh vực"))
    form.body.description = _("Trường thay thế: ") + ", ".join("{%s} (%s)" % (k, v)
                                                               for k, v in replies.PLACEHOLDERS.items())


def _check_template(session, form, row):
    replies.check_body(form.body.data)


def _section(kind: str) -> Section:
    if not SECTIONS:
        _register()
    if kind not in SECTIONS:
        abort(404)
    return SECTIONS[kind]


def _rows(section: Section):
    query = select(section.model)
    if section.scoped:
        query = query.where(section.model.unit_id == current_user.unit_id)
    if section.model is Unit:
        query = query.where(Unit.id.in_(access.manageable_unit_ids(db_session(), current_user)))
    return db_session().exec(query.order_by(section.model.id)).all()


def _to_model(form, row):
    for name, field in form._fields.items():
        if name == "csrf_token":
            continue
        value = field.data
        if name in ("service_area_id", "official_id") and not value:
            value = None
        if name == "status" and not value:
            value = None
        if name == "working":
            value = value == "1"
        setattr(row, name, value)


def _save(section: Section, form, row, kind: str):
    session = db_session()
    section.check(session, form, row)
    new = row is None
    before = workdays.calendar_for(session, current_user.unit_id) if kind == "holidays" else None
    if new:
        row = section.model(**({"unit_id": current_user.unit_id} if section.scoped
                               else {"parent_id": current_user.unit_id}))
    _to_model(form, row)
    session.add(row)
    session.flush()  # the audit row names the new id
    if before is not None:
        _move_deadlines(session, before)
    _record("create" if new else "update", kind, row.id)


@bp.route("/settings/<kind>", methods=["GET", "POST"])
def settings_list(kind: str):
    section = _section(kind)
    form = section.form()
    section.prepare(form)
    status = _submitted(section, form, None, kind)
    if not isinstance(status, int):
        return status
    can_add = section.model is not Unit or access.may_create_units(db_session(), current_user)
    return render_template("admin/settings_list.html", section=section, kind=kind, rows=_rows(section), form=form,
                           delete_form=forms.EmptyForm(), can_add=can_add), status


def _submitted(section: Section, form, row, kind: str):
    """Save a valid form and redirect to the list; otherwise the status to show the form with."""
    if not form.validate_on_submit():
        return 422 if request.method == "POST" else 200
    try:
        _save(section, form, row, kind)
    except DomainError as error:
        db_session().rollback()  # nothing of a refused form is stored
        return _show(form, error)
    flash(_("Đã lưu."), "success")
    return redirect(url_for("admin.settings_list", kind=kind), 303)


def _show(form, error: DomainError) -> int:
    for name, message in error.fields.items():
        getattr(form, name).errors = [message]
    flash(error.message, "error")
    return error.status if error.status != 400 else 422


@bp.route("/settings/<kind>/<int:row_id>", methods=["GET", "POST"])
def settings_edit(kind: str, row_id: int):
    section = _section(kind)
    row = db_session().get(section.model, row_id)
    if row is None or (section.scoped and row.unit_id != current_user.unit_id):
        abort(404)
    if section.model is Unit and row.id not in access.manageable_unit_ids(db_session(), current_user):
        abort(404)
    form = section.form(obj=row)
    if request.method == "GET" and kind == "holidays":
        form.working.data = "1" if row.working else "0"
    section.prepare(form)
    status = _submitted(section, form, row, kind)
    if not isinstance(status, int):
        return status
    return render_template("admin/settings_edit.html", section=section, kind=kind, form=form, row=row), status


@bp.post("/settings/holidays/<int:row_id>/delete")
def holiday_delete(row_id: int):
    session = db_session()
    row = unit_row_or_404(CalendarDay, row_id, own_unit_only=True)
    _record("delete", "holidays", row.id, {"day": row.day.isoformat(), "working": row.working})
    before = workdays.calendar_for(session, current_user.unit_id)
    session.delete(row)
    session.flush()  # the new calendar is read from the table
    _move_deadlines(session, before)
    flash(_("Đã xóa."), "success")
    return redirect(url_for("admin.settings_list", kind="holidays"), 303)


def _move_deadlines(session, before) -> None:
    """Open tickets' deadlines follow the calendar the administrator just changed."""
    workflow.move_open_deadlines(session, current_user.unit_id, before,
                                 workdays.calendar_for(session, current_user.unit_id))


# --- users -----------------------------------------------------------------------------


def _user_form(user: User | None = None):
    form = forms.UserForm(obj=user)
    form.areas.choices = _area_choices(_("Không"))[1:]
    if user is not None and request.method == "GET":
        form.areas.data = list(
            db_session().exec(select(UserServiceArea.service_area_id).where(UserServiceArea.user_id == user.id)))
    return form


def _account(form) -> Account:
    return Account(full_name=form.full_name.data, email=form.email.data or "", phone=form.phone.data or "",
                   role=form.role.data, active=form.active.data, password=form.password.data or "",
                   area_ids=tuple(form.areas.data or ()))


@bp.route("/settings/users", methods=["GET", "POST"])
def users():
    session = db_session()
    form = _user_form()
    status = 200
    if form.validate_on_submit():
        try:
            if not form.password.data:
                raise DomainError(_l("Vui lòng đặt mật khẩu."), fields={"password": _l("Vui lòng đặt mật khẩu.")})
            add_account(session, current_user, form.username.data, _account(form))
        except DomainError as error:
            session.rollback()
            status = _show(form, error) if error.fields else 422
            if not error.fields:
                form.username.errors = [error.message]
        else:
            flash(_("Đã tạo tài khoản."), "success")
            return redirect(url_for("admin.users"), 303)
    elif request.method == "POST":
        status = 422
    rows = session.exec(select(User).where(User.unit_id == current_user.unit_id).order_by(User.username)).all()
    return render_template("admin/users.html", form=form, rows=rows, roles=forms.ROLE_LABELS), status


@bp.route("/settings/users/<int:user_id>", methods=["GET", "POST"])
def user_edit(user_id: int):
    session = db_session()
    user = unit_row_or_404(User, user_id, own_unit_only=True)
    form = _user_form(user)
    form.username.render_kw = {"readonly": True}
    status = 200
    if form.validate_on_submit():
        try:
            change_account(session, current_user, user, _account(form))
        except DomainError as error:
            flash(error.message, "error")
            status = error.status
        else:
            flash(_("Đã lưu."), "success")
            return redirect(url_for("admin.users"), 303)
    elif request.method == "POST":
        status = 422
    return render_template("admin/settings_edit.html", section=None, kind="users", form=form, row=user,
                           title=_("Tài khoản %(u)s", u=user.username),
                           failures=failed_sign_ins(session, user.username), unlock_form=forms.EmptyForm()), status


@bp.post("/settings/users/<int:user_id>/unlock")
def user_unlock(user_id: int):
    """Let an official try again at once after failed sign-ins (they called the office, say)."""
    session = db_session()
    user = unit_row_or_404(User, user_id, own_unit_only=True)
    if not forms.EmptyForm().validate_on_submit():
        abort(400)
    unlock(session, user.username)
    _record("unlock", "user", user.id)
    flash(_("Đã cho phép đăng nhập lại ngay."), "success")
    return redirect(url_for("admin.user_edit", user_id=user.id), 303)


# --- targets ---------------------------------------------------------------------------


@bp.route("/settings/targets", methods=["GET", "POST"])
def targets():
    session = db_session()
    year = request.args.get("year", type=int) or local_date_of(utcnow()).year
    if not 2000 <= year <= 2100:
        abort(404)
    # Per unit and year: a province's administrator sets each commune's own (issue 10).
    scope = reporting.scope_for(session, current_user.unit_id, request.args.get("unit"))
    unit = scope.unit
    if unit is None:
        raise DomainError(_("Hãy chọn đơn vị để đặt mục tiêu."), status=400)
    current = targets_for(session, unit.id, year)
    form = forms.TargetForm(data={code: round(value * 100, 1) for code, value in current.items()})
    status = 200
    if form.validate_on_submit():
        set_targets(session, unit, year, {code.value: getattr(form, code.value).data / 100 for code in TargetCode})
        _record("update", "target", None, {"year": year, "unit": unit.code})
        flash(_("Đã lưu."), "success")
        return redirect(url_for("admin.targets", year=year, unit=request.args.get("unit")), 303)
    elif request.method == "POST":
        status = 422
    return render_template("admin/targets.html", form=form, year=year, scope=scope), status
