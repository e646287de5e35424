"""Back office for surveys: build, preview, publish and close (admin); results and exports (admin, leader, viewer)."""
from __future__ import annotations

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select
from wtforms import SelectChoice

from admin.survey_forms import ActionForm, CampaignForm, QuestionForm, SurveyForm, TemplateForm
from admin.views import bp
from hailong.db import db_session
from hailong.errors import DomainError, ValidationError
from hailong.figures import Period, Rate, sector_figures, status_against, targets_for
from hailong.i18n import current_locale
from hailong.surveys import campaigns, definitions, integrity, page, results, shipped
from models import Role, Sector, Survey, Unit, local_date_of, utcnow

BUILDERS = (Role.ADMIN,)


def _scope() -> list[int] | None:
    """The units the signed-in official may see: theirs and the communes under it."""
    if current_user.unit_id is None:
        return None
    session = db_session()
    return [current_user.unit_id] + list(session.exec(select(Unit.id).where(Unit.parent_id == current_user.unit_id)))


def _survey(survey_id: int) -> Survey:
    survey = db_session().get(Survey, survey_id)
    scope = _scope()
    if survey is None or (scope is not None and survey.unit_id not in scope):
        abort(404)
    return survey


def _failed(error: DomainError):
    flash(error.message, "error")


def _attach(form, error: DomainError) -> None:
    """Show the domain's per-field messages next to the form's fields."""
    for name, message in error.fields.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, message]


# --- list and create -----------------------------------------------------------------------


@bp.get("/surveys")
def surveys():
    session = db_session()
    query = select(Survey).order_by(Survey.created_at.desc())
    scope = _scope()
    if scope is not None:
        query = query.where(Survey.unit_id.in_(scope))
    rows = []
    for survey in session.exec(query):
        version = definitions.live_version(session, survey) or definitions.latest_version(session, survey)
        count = results.response_count(session, survey, results.Filters())
        rows.append((survey, version, count))
    return render_template("admin/surveys/list.html", rows=rows, form=SurveyForm(), template_form=TemplateForm(),
                           d=definitions, locale=current_locale(), templates=shipped.TEMPLATES)


@bp.post("/surveys/new")
def survey_new():
    form = SurveyForm()
    if not form.validate_on_submit():
        return _list_error(form)
    try:
        survey = definitions.create_survey(db_session(), unit_id=_own_unit(), **_details(form))
    except ValidationError as error:
        _failed(error)
        return _list_error(form, error.status)
    flash(_("Đã tạo khảo sát. Hãy thêm câu hỏi."), "success")
    return redirect(url_for("admin.survey_edit", survey_id=survey.id))


@bp.post("/surveys/from-template")
def survey_from_template():
    form = TemplateForm()
    if not form.validate_on_submit():
        return _list_error(form)
    try:
        survey = shipped.create_from_template(db_session(), unit_id=_own_unit(), name=form.template.data,
                                              slug=form.slug.data)
    except ValidationError as error:
        _failed(error)
        return _list_error(form, error.status)
    flash(_("Đã tạo khảo sát từ mẫu. Hãy xem lại rồi phát hành."), "success")
    return redirect(url_for("admin.survey_edit", survey_id=survey.id))


def _own_unit() -> int:
    if current_user.unit_id is None:
        raise ValidationError(_("Tài khoản chưa gắn với đơn vị nào nên không thể tạo khảo sát."))
    return current_user.unit_id


def _details(form: SurveyForm) -> dict:
    return {name: getattr(form, name).data or ""
            for name in ("slug", "title_vi", "title_en", "intro_vi", "intro_en", "sector")}


def _list_error(form, status: int = 422):
    for name, errors in form.errors.items():
        label = getattr(form, name).label.text if hasattr(form, name) else ""
        for message in errors:
            flash(f"{label}: {message}" if label else message, "error")
    return surveys(), status


# --- edit ----------------------------------------------------------------------------------


@bp.get("/surveys/<int:survey_id>")
def survey_edit(survey_id: int):
    return _editor(_survey(survey_id))


def _editor(survey: Survey, *, status: int = 200, details: SurveyForm | None = None,
            question_form: QuestionForm | None = None, campaign_form: CampaignForm | None = None):
    session = db_session()
    version = definitions.latest_version(session, survey)
    if details is None:
        details = SurveyForm(formdata=None, slug=survey.slug, sector=survey.sector,
                             title_vi=version.definition["title"].get("vi"),
                             title_en=version.definition["title"].get("en"),
                             intro_vi=version.definition.get("intro", {}).get("vi"),
                             intro_en=version.definition.get("intro", {}).get("en"))
    campaign_form = campaign_form or CampaignForm(formdata=None)
    campaign_form.units.choices = _unit_choices()
    return render_template("admin/surveys/edit.html", survey=survey, version=version, d=definitions,
                           versions=definitions.versions_of(session, survey), details=details,
                           question_form=question_form or QuestionForm(formdata=None, required=True),
                           campaign_form=campaign_form, campaigns=campaigns.campaigns_of(session, survey),
                           action=ActionForm(), locale=current_locale(),
                           pending=definitions.has_unpublished_changes(session, survey)), status


def _unit_choices() -> list[SelectChoice]:
    scope = _scope()
    query = select(Unit).order_by(Unit.id)
    if scope is not None:
        query = query.where(Unit.id.in_(scope))
    return [SelectChoice(unit.id, unit.name) for unit in db_session().exec(query)]


def _change(survey: Survey, do, success: str, **editor_forms):
    """Run one edit; on a domain error show the editor again with the message and store nothing."""
    try:
        do()
    except DomainError as error:
        _failed(error)
        for form in editor_forms.values():
            _attach(form, error)
        return _editor(survey, status=error.status, **editor_forms)
    flash(success, "success")
    return redirect(url_for("admin.survey_edit", survey_id=survey.id))


@bp.post("/surveys/<int:survey_id>/details")
def survey_details(survey_id: int):
    survey = _survey(survey_id)
    form = SurveyForm()
    if not form.validate_on_submit():
        return _editor(survey, status=422, details=form)
    return _change(survey, lambda: definitions.update_details(db_session(), survey, **_details(form)),
                   _("Đã lưu thông tin khảo sát."), details=form)


@bp.post("/surveys/<int:survey_id>/questions")
def question_add(survey_id: int):
    survey = _survey(survey_id)
    form = QuestionForm()
    if not form.validate_on_submit():
        return _editor(survey, status=422, question_form=form)
    return _change(survey, lambda: definitions.add_question(db_session(), survey, form.to_data()),
                   _("Đã thêm câu hỏi."), question_form=form)


@bp.route("/surveys/<int:survey_id>/questions/<key>", methods=["GET", "POST"])
def question_edit(survey_id: int, key: str):
    survey = _survey(survey_id)
    session = db_session()
    version = definitions.latest_version(session, survey)
    current = definitions.question(version.definition, key)
    if current is None:
        abort(404)
    form = QuestionForm()
    status = 200
    if form.validate_on_submit():
        try:
            definitions.update_question(session, survey, key, form.to_data(current.get("options")))
        except DomainError as error:
            _failed(error)
            _attach(form, error)
            status = error.status
        else:
            flash(_("Đã lưu câu hỏi."), "success")
            return redirect(url_for("admin.survey_edit", survey_id=survey.id) + f"#q-{key}")
    elif request.method == "POST":
        status = 422
    else:
        form.fill(current)
    return render_template("admin/surveys/question.html", survey=survey, key=key, form=form, d=definitions), status


@bp.post("/surveys/<int:survey_id>/questions/<key>/move")
def question_move(survey_id: int, key: str):
    survey = _survey(survey_id)
    form = ActionForm()
    if not form.validate_on_submit() or form.direction.data not in ("up", "down"):
        abort(400)
    offset = -1 if form.direction.data == "up" else 1
    return _change(survey, lambda: definitions.move_question(db_session(), survey, key, offset),
                   _("Đã đổi thứ tự câu hỏi."))


@bp.post("/surveys/<int:survey_id>/questions/<key>/delete")
def question_delete(survey_id: int, key: str):
    survey = _survey(survey_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    return _change(survey, lambda: definitions.remove_question(db_session(), survey, key), _("Đã xóa câu hỏi."))


@bp.get("/surveys/<int:survey_id>/preview")
def survey_preview(survey_id: int):
    survey = _survey(survey_id)
    version = definitions.latest_version(db_session(), survey)
    return render_template(page.TEMPLATE, **page.page_context(survey, version, locale=current_locale(), preview=True))


@bp.post("/surveys/<int:survey_id>/publish")
def survey_publish(survey_id: int):
    survey = _survey(survey_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    return _change(survey, lambda: definitions.publish(db_session(), survey),
                   _("Đã phát hành. Người dân có thể trả lời tại %(url)s",
                     url=url_for("surveys.survey_page", slug=survey.slug)))


@bp.post("/surveys/<int:survey_id>/close")
def survey_close(survey_id: int):
    survey = _survey(survey_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    return _change(survey, lambda: definitions.close(db_session(), survey), _("Đã đóng khảo sát."))


@bp.post("/surveys/<int:survey_id>/campaigns")
def campaign_add(survey_id: int):
    survey = _survey(survey_id)
    form = CampaignForm()
    form.units.choices = _unit_choices()
    if not form.validate_on_submit():
        return _editor(survey, status=422, campaign_form=form)
    allowed = {choice.value for choice in form.units.choices}
    return _change(survey, lambda: campaigns.create_campaign(
        db_session(), survey, name=form.name.data, starts_on=form.starts_on.data, ends_on=form.ends_on.data,
        unit_ids=form.units.data, allowed_unit_ids=allowed), _("Đã tạo đợt khảo sát."), campaign_form=form)


@bp.post("/surveys/<int:survey_id>/campaigns/<int:campaign_id>/delete")
def campaign_delete(survey_id: int, campaign_id: int):
    survey = _survey(survey_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    return _change(survey, lambda: campaigns.delete_campaign(db_session(), survey, campaign_id),
                   _("Đã xóa đợt khảo sát."))


# --- results -------------------------------------------------------------------------------


def _filters(survey: Survey) -> tuple[results.Filters, dict]:
    """Filters from ?from=&to=&campaign=; a bad value is a clear 400, never a 500."""
    args = {}
    try:
        start = date.fromisoformat(request.args["from"]) if request.args.get("from") else None
        end = date.fromisoformat(request.args["to"]) if request.args.get("to") else None
        campaign_id = int(request.args["campaign"]) if request.args.get("campaign") else None
        period = None
        if start or end:
            period = Period(start or date(2000, 1, 1), end or local_date_of(utcnow()))
    except ValueError:
        raise ValidationError(_("Khoảng thời gian hoặc đợt khảo sát không hợp lệ. Ngày theo dạng YYYY-MM-DD, ngày bắt "
                                "đầu trước ngày kết thúc."),
                              status=400) from None
    for name in ("from", "to", "campaign"):
        if request.args.get(name):
            args[name] = request.args[name]
    return results.Filters(period=period, campaign_id=campaign_id, unit_ids=_scope()), args


@bp.get("/surveys/<int:survey_id>/results")
def survey_results(survey_id: int):
    survey = _survey(survey_id)
    session = db_session()
    filters, args = _filters(survey)
    per_question = results.question_results(session, survey, filters)
    indexes = results.element_indexes(session, [survey.id], filters)
    sector = _sector_panel(session, survey, per_question, filters)
    version = definitions.live_version(session, survey) or definitions.latest_version(session, survey)
    return render_template("admin/surveys/results.html", survey=survey, version=version, d=definitions, args=args,
                           count=results.response_count(session, survey, filters), per_question=per_question,
                           suspect=results.suspect_summary(session, survey, filters),
                           suspect_labels=integrity.SUSPECT_LABELS,
                           indexes=indexes, sipas=results.overall_index(indexes), sector=sector,
                           campaigns=campaigns.campaigns_of(session, survey), locale=current_locale())


def _sector_panel(session, survey: Survey, per_question, filters: results.Filters) -> dict | None:
    """For health and education surveys: this survey's overall satisfaction and the sector's, against 90%."""
    if survey.sector not in (Sector.HEALTH, Sector.EDUCATION):
        return None
    overall = next((r for r in per_question if r.question.get("overall")), None)
    own = overall.satisfied if overall else Rate(0, 0)
    period = filters.period or Period.year_of(local_date_of(utcnow()))
    target = targets_for(session, survey.unit_id, period.end.year)["sector_satisfaction"]
    combined = sector_figures(session, [survey.unit_id], period)[survey.sector]
    return {"own": own, "combined": combined, "period": period, "target": target,
            "status": status_against(combined, target), "own_status": status_against(own, target)}


@bp.get("/surveys/<int:survey_id>/export.<fmt>")
def survey_export(survey_id: int, fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    survey = _survey(survey_id)
    session = db_session()
    filters, _args = _filters(survey)
    header, rows = results.export_rows(session, survey, filters, current_locale())
    filename = f"khao-sat-{survey.slug}-{local_date_of(utcnow()).isoformat()}.{fmt}"
    disposition = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if fmt == "csv":
        return Response(results.to_csv(header, rows), mimetype="text/csv; charset=utf-8", headers=disposition)
    summary = results.summary_rows(results.question_results(session, survey, filters), current_locale())
    return Response(results.to_xlsx(header, rows, summary), headers=disposition,
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

