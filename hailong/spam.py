"""Limits on the public PAKN pages, shared across workers through RATELIMIT_STORAGE_URI (Redis in production).

Keyed by the client's address: a commune's office shares one address on its Wi-Fi, so the
limits leave room for a queue of citizens while stopping a script.
"""
from __future__ import annotations

from flask import current_app

from hailong.extensions import limiter

SUBMIT_LIMIT = "10/minute;60/day"
ATTEMPT_LIMIT = "60/minute"  # refused sends do not count above; this stops a script hammering the checks
UNKNOWN_CODE_LIMIT = "20/10 minutes;100/day"


def _limit(name: str, default: str):
    return lambda: current_app.config.get(name, default)


# Only lookups that miss count, so a citizen checking their own code often is never stopped,
# while guessing codes (50 random bits) is slowed to a crawl.
# Shared by the status page and the API, so switching between them does not double the allowance.
unknown_code_limit = limiter.shared_limit(_limit("UNKNOWN_CODE_LIMIT", UNKNOWN_CODE_LIMIT), scope="feedback-lookup",
                                          deduct_when=lambda response: response.status_code == 404)
# One allowance for the form and the API together: a script cannot double it by switching.
# Only accepted sends count (the form redirects, the API answers 201): a queue of elders at
# the office's Wi-Fi fixing typos must not use up the allowance of the ones behind them.
submit_limit = limiter.shared_limit(_limit("FEEDBACK_SUBMIT_LIMIT", SUBMIT_LIMIT), scope="feedback-submit",
                                    methods=["POST"], deduct_when=lambda response: response.status_code in (201, 302))
attempt_limit = limiter.shared_limit(_limit("FEEDBACK_ATTEMPT_LIMIT", ATTEMPT_LIMIT), scope="feedback-attempt",
                                     methods=["POST"])
