"""What every response tells the browser, and where the client's address comes from behind a proxy."""
from __future__ import annotations

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

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


def init_app(app: Flask, trusted_proxies: int) -> None:
    """Bind the headers hook; with ``trusted_proxies`` > 0 take the client's address and scheme
    from that many X-Forwarded-For/-Proto hops (more would let a client choose its own address)."""
    if trusted_proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted_proxies, x_proto=trusted_proxies)
    app.after_request(_headers)


def _headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"  # frame-ancestors for browsers that predate it
    # same-origin: a citizen's status page has the tracking code in its URL; no other site learns it.
    headers["Referrer-Policy"] = "same-origin"
    if request.is_secure:
        headers["Strict-Transport-Security"] = HSTS
    if request.path.startswith("/admin"):
        # Back-office pages and every export hold personal data: never in a shared computer's cache.
        headers["Cache-Control"] = "no-store"
        headers.pop("Expires", None)
    return response
