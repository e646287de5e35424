"""Public pages for citizens' phones."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("surveys", __name__, template_folder="templates")


@bp.get("/")
def home():
    return render_template("surveys/home.html")


@bp.get("/feedback/<code>")
def feedback_status(code: str):
    """A PAKN's status by its tracking code: status, dates and the public timeline."""
    from surveys.status import find_or_404, render_status

    return render_status(find_or_404(code))


from surveys import status  # noqa: E402,F401  (adds the status page's rating and reopening routes to bp)
