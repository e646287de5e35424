"""Public pages for citizens' phones."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, send_from_directory, url_for

from hailong import feedback as intake
from hailong.db import db_session
from hailong.spam import unknown_code_limit

bp = Blueprint("surveys", __name__, template_folder="templates")


@bp.get("/")
def home():
    return render_template("surveys/home.html")


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page says; answer with the SVG icon, not a 404 in every log."""
    return send_from_directory(current_app.static_folder + "/icons", "favicon.svg", mimetype="image/svg+xml",
                               max_age=7 * 24 * 3600)


@bp.get("/feedback")
def feedback_lookup():
    """One field for a lost status link: the code as typed (any case, spaces, O for 0) leads to its page."""
    code = intake.normalise_code(request.args.get("code", ""))
    if code:
        shown = intake.format_code(code) if len(code) == intake.CODE_LENGTH else code
        return redirect(url_for("surveys.feedback_status", code=shown))
    return render_template("surveys/feedback_lookup.html", code="", unit=request.args.get("unit", ""), not_found=False)


@bp.get("/feedback/<code>")
@unknown_code_limit
def feedback_status(code: str):
    """A PAKN's status by its tracking code: status, dates and the public timeline."""
    from surveys.status import render_status

    feedback = intake.find_by_code(db_session(), code)
    if feedback is None:  # the form again, with what was typed, so a slip is fixed in place
        return render_template("surveys/feedback_lookup.html", code=code[:40], unit="", not_found=True), 404
    return render_status(feedback)


from surveys import survey_views  # noqa: E402,F401  (adds the survey pages to bp)
from surveys import feedback_views  # noqa: E402,F401  (the PAKN form's routes join this blueprint)
from surveys import qr_views  # noqa: E402,F401  (QR landing and phone rating join this blueprint)
from surveys import status  # noqa: E402,F401  (adds the status page's rating and reopening routes to bp)
from surveys import dossier_views  # noqa: E402,F401  (rating one dossier from its receipt: /d/<code>)
