"""Extensions, created unbound and bound to an app in ``create_app``."""
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
# Limits are shared across workers through RATELIMIT_STORAGE_URI (Redis in production).
limiter = Limiter(key_func=get_remote_address, default_limits=[])
