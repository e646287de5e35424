"""Public pages for citizens' phones."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import gettext as _

from hailong.spam import unknown_code_limit

bp = Blueprint("surveys", __name__, template_folder="templates")


@bp.get("/")
def home():
    return render_template("surveys/home.html")


@bp.get("/feedback/<code>")
@unknown_code_limit
def feedback_status(code: str):
    """A PAKN's status by its tracking code: status, dates and the public timeline."""
    from hailong import feedback as intake
    from hailong.db import db_session
    from hailong.errors import NotFound

    session = db_session()
    feedback = intake.find_by_code(session, code)
    if feedback is None:
        raise NotFound(_("Không tìm thấy phản ánh, kiến nghị với mã này. Vui lòng kiểm tra lại mã trên phiếu hẹn."))
    return render_template("surveys/feedback_status.html", feedback=feedback,
                           status=intake.public_status(session, feedback))


from surveys import survey_views  # noqa: E402,F401  (adds the survey pages to bp)
from surveys import feedback_views  # noqa: E402,F401  (the PAKN form's routes join this blueprint)
from surveys import qr_views  # noqa: E402,F401  (QR landing and phone rating join this blueprint)
