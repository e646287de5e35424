"""The citizen's status page: the timeline, the rating of the handling and reopening."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlmodel import select

from hailong import feedback as intake
from hailong import workflow
from hailong.db import db_session
from hailong.errors import DomainError, NotFound
from hailong.extensions import limiter
from models import Feedback, FeedbackEvent, Level, utcnow
from surveys.views import bp


def find_or_404(code: str) -> Feedback:
    feedback = intake.find_by_code(db_session(), code)
    if feedback is None:
        raise NotFound(_("Không tìm thấy phản ánh, kiến nghị với mã này. Xin ông/bà kiểm tra lại mã tra cứu: mã có "
                         "trên phiếu hẹn, trong tin nhắn hoặc trên trang xác nhận khi gửi."))
    return feedback


def render_status(feedback: Feedback, *, error: DomainError | None = None, show_reopen: bool = False):
    session = db_session()
    events = session.exec(select(FeedbackEvent).where(FeedbackEvent.feedback_id == feedback.id,
                                                      FeedbackEvent.public.is_(True))
                          .order_by(FeedbackEvent.at, FeedbackEvent.id)).all()
    now = utcnow()
    return render_template(
        "surveys/feedback_status.html", feedback=feedback, events=events, error=error,
        status=intake.public_status(session, feedback), code=intake.format_code(feedback.tracking_code),
        can_rate=feedback.status in ("answered", "closed") and feedback.citizen_level is None,
        can_reopen=workflow.can_reopen(feedback, now),
        show_reopen=show_reopen or bool(error and "proof" in error.fields),
        reopen_until=feedback.answered_at + workflow.REOPEN_WITHIN if feedback.answered_at else None,
        guidance=workflow.REJECTION_GUIDANCE, levels=list(Level), proof_is_phone=bool(feedback.phone),
    ), (error.status if error else 200)


@bp.post("/feedback/<code>/rate")
@limiter.limit("20/hour")
def feedback_rate(code: str):
    feedback = find_or_404(code)
    try:
        workflow.rate_handling(db_session(), feedback, level=request.form.get("level", ""))
    except DomainError as error:
        db_session().rollback()
        return render_status(find_or_404(code), error=error)
    flash(_("Cảm ơn ông/bà đã đánh giá."), "success")
    return redirect(url_for("surveys.feedback_status", code=intake.format_code(feedback.tracking_code)), 303)


@bp.post("/feedback/<code>/reopen")
@limiter.limit("10/hour")  # four digits are guessable: few tries per address
def feedback_reopen(code: str):
    feedback = find_or_404(code)
    try:
        workflow.reopen(db_session(), feedback, proof=request.form.get("proof", ""),
                        reason=request.form.get("reason", ""))
    except DomainError as error:
        if error.code == "bad_proof":
            db_session().commit()  # the wrong guess is counted (per ticket per day) though the answer is 4xx
        else:
            db_session().rollback()
        return render_status(find_or_404(code), error=error, show_reopen=True)
    flash(_("Đã mở lại phản ánh, kiến nghị. Cán bộ sẽ xử lý tiếp."), "success")
    return redirect(url_for("surveys.feedback_status", code=intake.format_code(feedback.tracking_code)), 303)


@bp.app_template_filter("todate")
def todate(value):
    """An ISO date kept in an event's data, as a date for format_date."""
    from datetime import date

    return date.fromisoformat(value) if isinstance(value, str) else value
