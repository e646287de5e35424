"""Back office: a desk official files a PAKN for a citizen and prints the receipt; staff see photos."""
from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from admin import papers
from admin.qr import admin_unit
from admin.views import bp
from hailong import access, attachments
from hailong import feedback as intake
from hailong.db import db_session
from hailong.errors import ValidationError
from hailong.feedback_forms import DeskFeedbackForm, area_choices
from models import Attachment, AuditLog, Channel, Feedback, User



@bp.route("/feedback/file", methods=["GET", "POST"])
def feedback_file():
    """The citizen speaks, the official types: channel ``desk``, filed by the signed-in official."""
    db = db_session()
    unit = admin_unit(db)
    form = DeskFeedbackForm()
    form.service_area.choices = area_choices(db, unit)
    errors, message, status = {}, None, 200
    if request.method == "GET":
        form.kind.data = "phan_anh"
    elif form.validate_on_submit():
        try:
            feedback = attachments.submit_with_photos(
                db, unit=unit, data=form.as_data(), files=request.files.getlist(form.photos.name),
                upload_dir=current_app.config["HAILONG"].upload_dir, channel=Channel.DESK,
                filed_by=db.get(User, current_user.id))
            return redirect(url_for("admin.feedback_receipt", feedback_id=feedback.id))
        except intake.DuplicateFeedback as duplicate:
            message, status = duplicate.message, 409
        except ValidationError as error:
            errors, message, status = error.fields, error.message, error.status
    else:
        status = 400
    return render_template("admin/feedback_file.html", form=form, unit=unit, errors=errors, message=message,
                           consent_text=intake.CONSENT_TEXT), status


@bp.get("/feedback/<int:feedback_id>/receipt")
def feedback_receipt(feedback_id: int):
    """Phiếu tiếp nhận (A5/A6): what the citizen takes home to follow the PAKN."""
    db = db_session()
    feedback = db.get(Feedback, feedback_id)
    if feedback is None or not access.can_see(db, current_user, feedback):
        abort(404)
    return papers.receipt(feedback, request.args.get("size") if request.args.get("size") in ("A4", "A6") else "A5")


@bp.get("/attachments/<int:attachment_id>")
def attachment(attachment_id: int):
    """A PAKN's photo, only to staff who may see its ticket (photos show people and places); every
    view is logged (personal data)."""
    db = db_session()
    row = db.get(Attachment, attachment_id)
    feedback = db.get(Feedback, row.feedback_id) if row else None
    if feedback is None or feedback.unit_id != admin_unit(db).id:
        abort(404)
    if not access.can_see(db, current_user, feedback):
        abort(403)
    path = attachments.path_of(row, current_app.config["HAILONG"].upload_dir)
    if not path.is_file():
        abort(404)
    db.add(AuditLog(user_id=current_user.id, action="view_attachment", object_type="feedback",
                    object_id=feedback.id, details={"attachment_id": row.id}))
    response = send_file(path, mimetype=row.content_type, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
