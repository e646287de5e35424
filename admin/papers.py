"""The office's printable papers about a PAKN, each in the form of an administrative document:
the receipt, the apology letter, the transfer slip, the refusal with guidance and the answer."""
from __future__ import annotations

from flask import abort, current_app, render_template
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select

from admin.tickets import _ticket
from admin.views import bp
from hailong import audit, labels, papers, qr, workflow
from hailong.db import db_session
from hailong.feedback import format_code
from models import Extension, Feedback, FeedbackEvent, FeedbackStatus, Unit, User, local_date_of

KINDS = ("transfer", "refusal", "answer")
NEEDS = {"transfer": (FeedbackStatus.TRANSFERRED,), "refusal": (FeedbackStatus.REJECTED,),
         "answer": (FeedbackStatus.ANSWERED, FeedbackStatus.CLOSED)}
DECIDING_EVENT = {"transfer": "transferred", "refusal": "rejected", "answer": "answered"}


def _kind_word(feedback: Feedback) -> str:
    return str(labels.FEEDBACK_KINDS[feedback.kind]).lower()


def _paper(feedback: Feedback, kind: str, day, signer: tuple[str, str], **fields) -> papers.Paper:
    session = db_session()
    unit = session.get(Unit, feedback.unit_id)
    agency, parent = papers.heading(session, unit)
    title, name = signer
    return papers.Paper(agency=agency, parent=parent, number=papers.number(feedback.register_number, kind, unit),
                        place_date=papers.date_line(unit, day), signer_title=title, signer_name=name,
                        authority=papers.authority(title), agency_name=unit.name, **fields)


def _seen(feedback: Feedback, page: str) -> None:
    if feedback.name:  # the paper names the citizen: a view of personal data
        audit.record(db_session(), current_user.id, "view_personal_data", "feedback", feedback.id, {"page": page})


def receipt(feedback: Feedback, size: str):
    """Phiếu tiếp nhận (A4, A5 or A6): what the citizen takes home to follow the PAKN."""
    session = db_session()
    code = format_code(feedback.tracking_code)
    status_url = f"{current_app.config['PUBLIC_URL']}/feedback/{code}"
    filer = session.get(User, feedback.filed_by_id) if feedback.filed_by_id else None
    paper = _paper(feedback, "receipt", local_date_of(feedback.received_at),
                   (_("Người tiếp nhận"), (filer or current_user).full_name),
                   title=_("Phiếu tiếp nhận phản ánh, kiến nghị"), recipients=[_("Người gửi")])
    paper.authority = ""
    _seen(feedback, "receipt")
    return render_template("admin/papers/receipt.html", paper=paper, feedback=feedback, code=code, size=size,
                           status_url=status_url, image=qr.svg(status_url), area=workflow.area_of(session, feedback),
                           summary=papers.summary(feedback.content))


def apology(feedback: Feedback):
    """Phiếu xin lỗi và hẹn lại ngày trả kết quả, signed by the leader who approved the extension."""
    session = db_session()
    extension = session.exec(select(Extension).where(Extension.feedback_id == feedback.id,
                                                     Extension.approved_at.is_not(None))).first()
    if extension is None:
        abort(404)
    code = format_code(feedback.tracking_code)
    paper = _paper(feedback, "apology", extension.letter_date, papers.apology_signer(session, extension),
                   title=_("Phiếu xin lỗi và hẹn lại ngày trả kết quả"), to=papers.addressee(feedback, code),
                   recipients=[_("Như trên")])
    paper.number = papers.number(extension.letter_number.split("/")[0], "apology", session.get(Unit, feedback.unit_id))
    _seen(feedback, "apology")
    return render_template("admin/papers/apology.html", paper=paper, feedback=feedback, extension=extension, code=code,
                           area=workflow.area_of(session, feedback))


@bp.get("/tickets/<int:ticket_id>/papers/<kind>")
def ticket_paper(ticket_id: int, kind: str):
    """The transfer slip, the refusal with guidance or the answer, once the ticket has reached that step."""
    feedback = _ticket(ticket_id)
    if kind not in KINDS or feedback.status not in NEEDS[kind]:
        abort(404)
    session = db_session()
    event = session.exec(select(FeedbackEvent).where(FeedbackEvent.feedback_id == feedback.id,
                                                     FeedbackEvent.kind == DECIDING_EVENT[kind])
                         .order_by(FeedbackEvent.id.desc())).first()
    # A transfer or a refusal is the leader's own act; an answer goes out under the leader who accepted it.
    signer_id = (papers.event_actor(session, feedback, "classified") if kind == "answer"
                 else (event.actor_id if event else None))
    code = format_code(feedback.tracking_code)
    day = local_date_of(event.at) if event else local_date_of(feedback.received_at)
    paper = _paper(feedback, kind, day, papers.leader_signer(session, signer_id), **_wording(feedback, kind, code))
    _seen(feedback, kind)
    return render_template(f"admin/papers/{kind}.html", paper=paper, feedback=feedback, event=event, code=code,
                           kind_word=_kind_word(feedback), area=workflow.area_of(session, feedback),
                           guidance=workflow.REJECTION_GUIDANCE.get(feedback.rejection_reason, ""),
                           reason=workflow.REJECTION_REASONS.get(feedback.rejection_reason, ""))


def _wording(feedback: Feedback, kind: str, code: str) -> dict:
    to = papers.addressee(feedback, code)
    if kind == "transfer":
        return {"title": _("Phiếu chuyển phản ánh, kiến nghị"), "to": feedback.transferred_to or "",
                "recipients": [_("Như trên"), to]}
    if kind == "refusal":
        return {"title": _("Thông báo"), "subject": _("Về việc không tiếp nhận, xử lý phản ánh, kiến nghị"), "to": to,
                "recipients": [_("Như trên")]}
    return {"subject": _("V/v trả lời %(kind)s của công dân", kind=_kind_word(feedback)), "to": to,
            "recipients": [_("Như trên")]}
