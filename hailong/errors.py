"""Domain errors and the handlers that turn every failure into a clear 4xx.

The JSON API answers ``{"error": {"code", "message", "fields"}}``; pages answer a
translated error page. Bad input never reaches a 500.
"""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A rule of the domain was broken; ``message`` is shown to the person."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, fields: dict | None = None, code: str | None = None, status: int | None = None):
        super().__init__(str(message))
        self.message = message
        self.fields = fields or {}
        if code:
            self.code = code
        if status:
            self.status = status


class ValidationError(DomainError):
    status = 422
    code = "validation_failed"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


HTTP_MESSAGES = {
    400: _l("Yêu cầu không hợp lệ."),
    401: _l("Cần đăng nhập hoặc mã thiết bị hợp lệ."),
    403: _l("Bạn không có quyền thực hiện việc này."),
    404: _l("Không tìm thấy trang hoặc dữ liệu yêu cầu."),
    405: _l("Phương thức không được hỗ trợ."),
    413: _l("Dữ liệu gửi lên quá lớn."),
    415: _l("Định dạng dữ liệu không được hỗ trợ."),
    429: _l("Có quá nhiều yêu cầu từ mạng này. Xin vui lòng thử lại sau ít phút."),
    500: _l("Đã có lỗi trong hệ thống. Vui lòng thử lại sau."),
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(status: int, code: str, message: str, fields: dict | None = None):
    if wants_json():
        body = {"error": {"code": code, "message": str(message),
                          "fields": {k: str(v) for k, v in (fields or {}).items()}}}
        return jsonify(body), status
    return render_template("error.html", status=status, message=message, fields=fields or {}), status


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(error: DomainError):
        return error_response(error.status, error.code, error.message, error.fields)

    @app.errorhandler(CSRFError)
    def _csrf(_error):
        return error_response(400, "csrf",
                              _("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang và thử "
                                "lại."))

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        status = error.code or 500
        message = HTTP_MESSAGES.get(status, error.description)
        return error_response(status, error.name.lower().replace(" ", "_"), message)

    if app.testing:
        return  # let tests see the real traceback

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        app.logger.exception("unhandled error", exc_info=error)
        return error_response(500, "internal_error", HTTP_MESSAGES[500])
