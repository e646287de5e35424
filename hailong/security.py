"""What every response tells the browser, and where the client's address comes from behind a proxy."""
from __future__ import annotations

import re

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import lazy_gettext as _l
from werkzeug.middleware.proxy_fix import ProxyFix

from hailong.errors import ValidationError

# No inline script anywhere (buttons bind in static/js); inline styles stay allowed because the
# printed sheets size their page with an inline <style> and pygal's SVG charts carry style attributes.
CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
HSTS = "max-age=31536000; includeSubDomains"


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, without building the signer for a request that sent no cookie.

    Kiosks and the API send none; Flask built a serializer (and its key derivation) for every tap.
    """

    def open_session(self, app: Flask, request):
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session, response) -> None:
        # An empty session nobody wrote to (every tap): as Flask's, without reading six cookie settings first.
        if not session and not session.modified:
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)


def init_app(app: Flask, trusted_proxies: int) -> None:
    """Bind the headers hook; with ``trusted_proxies`` > 0 take the client's address and scheme
    from that many X-Forwarded-For/-Proto hops (more would let a client choose its own address)."""
    if trusted_proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted_proxies, x_proto=trusted_proxies)
    app.session_interface = CookieSessions()
    app.before_request(refuse_control_characters)
    app.after_request(_headers)


ALLOWED_CONTROLS = frozenset("\t\n\r")  # tabs and line breaks of multi-line text (a textarea sends \r\n)
MAX_JSON_DEPTH = 32
FORM_TYPES = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})


# Unicode's "Cc" category is exactly U+0000–U+001F and U+007F–U+009F; one regex search instead of a
# category lookup per character (every kiosk tap's JSON passes here).
CONTROL_CHARACTERS = re.compile("[" + "".join(re.escape(chr(code)) for code in (*range(0x20), *range(0x7F, 0xA0))
                                              if chr(code) not in ALLOWED_CONTROLS) + "]")


def has_control_characters(text: str) -> bool:
    """NUL, \x01 … : nothing a person types; PostgreSQL refuses NUL and spreadsheets choke on the rest."""
    return CONTROL_CHARACTERS.search(text) is not None


def refuse_control_characters():
    """Before any view: a query parameter, form field or JSON string holding a control character is
    refused with the fields named (400), so no view can store one or fail on one."""
    fields = [*request.args.items(multi=True)] if request.query_string else []
    if request.mimetype in FORM_TYPES:  # the only bodies request.form parses (a JSON body left it empty)
        fields += request.form.items(multi=True)
    bad = [name for name, value in fields if has_control_characters(name) or has_control_characters(value)]
    if request.is_json:
        bad += _bad_json_strings()
    if bad:
        message = _l("Dữ liệu gửi lên có ký tự điều khiển không hợp lệ (như ký tự NUL). Vui lòng xóa ký tự đó rồi gửi "
                     "lại.")
        raise ValidationError(message, fields={name[:64]: message for name in bad[:10]}, code="control_characters")


def _bad_json_strings() -> list[str]:
    try:
        document = request.get_json(silent=True)
    except RecursionError:  # the parser itself recurses; a hostile body nests thousands deep
        raise ValidationError(_l("Dữ liệu JSON lồng nhau quá sâu."), code="too_deep") from None
    bad, stack = [], [(document, "json", 0)]
    while stack:
        value, where, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise ValidationError(_l("Dữ liệu JSON lồng nhau quá sâu."), code="too_deep")
        if isinstance(value, str):
            if has_control_characters(value):
                bad.append(where)
        elif isinstance(value, dict):
            for key, item in value.items():
                if has_control_characters(key):
                    bad.append(where)
                stack.append((item, str(key), depth + 1))
        elif isinstance(value, list):
            stack.extend((item, where, depth + 1) for item in value)
    return bad


SET_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),  # frame-ancestors for browsers that predate it
    # same-origin: a citizen's status page has the tracking code in its URL; no other site learns it.
    ("Referrer-Policy", "same-origin"),
)
SET_NAMES = frozenset(name.lower() for name, _ in SET_HEADERS)


def _headers(response):
    headers = response.headers
    if any(name.lower() in SET_NAMES for name in headers.keys()):
        for name, value in SET_HEADERS:  # a view's own stricter value (the kiosk's pairing: no-referrer) stays
            headers.setdefault(name, value)
    else:  # most responses: appended as they are, without a search per header
        headers.extend(SET_HEADERS)
    headers.setdefault("Content-Security-Policy", CSP)
    environ = request.environ
    if environ["wsgi.url_scheme"] == "https":  # request.is_secure
        headers["Strict-Transport-Security"] = HSTS
    if environ.get("PATH_INFO", "").startswith("/admin"):
        # Back-office pages and every export hold personal data: never in a shared computer's cache.
        headers["Cache-Control"] = "no-store"
        headers.pop("Expires", None)
    return response
