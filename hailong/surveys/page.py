"""What the phone page of a survey shows: the citizen's page and the back office's preview read the same."""
from __future__ import annotations

import uuid

from hailong.surveys import definitions

TEMPLATE = "surveys/survey.html"


def page_context(survey, version, *, locale: str, unit=None, preview=False, errors=None, answers=None,
                 token=None) -> dict:
    """The page's values; ``client_id`` names the answer, so a submit retried from the queue is stored once."""
    return {"survey": survey, "version": version, "unit": unit, "preview": preview, "errors": errors or {},
            "answers": answers or {}, "client_id": uuid.uuid4(), "d": definitions, "locale": locale,
            "token": token}
