"""Public pages for citizens' phones."""
from __future__ import annotations

from flask import Blueprint, render_template

from hailong.spam import unknown_code_limit

bp = Blueprint("surveys", __name__, template_folder="templates")


@bp.get("/")
def home():
    return render_template("surveys/home.html")


@bp.get("/feedback/<code>")
@unknown_code_limit
def feedback_status(code: str):
    """A PAKN's status by its tracking code: status, dates and the public timeline."""
    from surveys.status import find_or_404, render_status

    return render_status(find_or_404(code))


from surveys import survey_views  # noqa: E402,F401  (adds the survey pages to bp)
from surveys import feedback_views  # noqa: E402,F401  (the PAKN form's routes join this blueprint)
from surveys import qr_views  # noqa: E402,F401  (QR landing and phone rating join this blueprint)
from surveys import status  # noqa: E402,F401  (adds the status page's rating and reopening routes to bp)
from surveys import dossier_views  # noqa: E402,F401  (rating one dossier from its receipt: /d/<code>)
