"""Public pages for citizens' phones."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("surveys", __name__, template_folder="templates")


@bp.get("/")
def home():
    return render_template("surveys/home.html")


from surveys import survey_views  # noqa: E402,F401  (adds the survey pages to bp)
