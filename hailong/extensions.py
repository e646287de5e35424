"""Extensions, created unbound and bound to an app in ``create_app``."""
from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

# The kiosk's taps (api/views.py): authenticated by the device's bearer token, replayed in bursts
# from its offline queue, and the hottest path of the app.
TAP_ENDPOINTS = frozenset({"api.post_rating", "api.post_ratings_batch"})


class KioskTapLimiter(Limiter):
    """Flask-Limiter, never consulted for a kiosk tap.

    A tap carries no limit (no default or application limits here, none on its routes), yet
    the limiter's check resolved the endpoint's limits and exemptions for every tap (a third
    of the app-wide hooks' cost). A request filter would only be asked after that work.
    """

    def _check_request_limit(self, callable_name=None, in_middleware=True) -> None:
        if request.endpoint in TAP_ENDPOINTS:
            return
        super()._check_request_limit(callable_name, in_middleware)


babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
# Limits are shared across workers through RATELIMIT_STORAGE_URI (Redis in production).
limiter = KioskTapLimiter(key_func=get_remote_address, default_limits=[])
