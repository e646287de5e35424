"""Surveys that can't be stuffed silently (issue 10, defect 11).

Each survey page carries a signed token, valid for days because a phone may answer offline
and send later, and usable once. Posts from another site are refused. A burst of answers from
one address, or from pages handed to one address (a token family), is kept but flagged
suspect with its reason and left out of the figures, the way a kiosk's suspect taps are.
Addresses are never stored: only a keyed hash, enough to see that two answers came from one.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlmodel import Session, func, select

from hailong.errors import DomainError
from models import SurveyResponse

TOKEN_SALT = "hailong.survey-page"
TOKEN_MAX_AGE = timedelta(days=14)  # a phone may keep a filled-in survey through a long holiday
BURST_WINDOW = timedelta(minutes=10)
BURST_LIMIT = 10  # answers to one survey from one address (or token family) within the window, before flagging

SUSPECT_LABELS = {
    "burst_address": _l("nhiều câu trả lời liên tiếp từ cùng một địa chỉ mạng"),
    "burst_token_family": _l("nhiều phiếu được phát cho cùng một địa chỉ mạng"),
}


class Refused(DomainError):
    status = 403
    code = "forbidden_origin"


@dataclass(frozen=True)
class Provenance:
    """Where an answer came from: its page's single-use nonce and family, and the sender's address hash."""

    nonce: str
    family: str
    source: str


def address_hash(secret: str, address: str | None) -> str:
    """A keyed hash of a network address: equal for equal addresses, useless to anyone without the key."""
    digest = hmac.new(secret.encode(), (address or "unknown").encode(), hashlib.sha256).hexdigest()
    return digest[:16]


def issue_token(secret: str, survey_id: int, address: str | None) -> str:
    """The token a survey page carries: which survey, a fresh nonce, and who the page was given to."""
    payload = {"s": survey_id, "n": secrets.token_hex(8), "f": address_hash(secret, address)}
    return URLSafeTimedSerializer(secret, salt=TOKEN_SALT).dumps(payload)


def read_token(secret: str, token: str | None, survey_id: int, source_address: str | None,
               now: datetime | None = None) -> Provenance:
    """The provenance of a post; DomainError with a clear message when the token is missing, forged or old."""
    if not token or not isinstance(token, str) or len(token) > 300:
        raise DomainError(_l("Thiếu mã phiếu khảo sát. Vui lòng tải lại trang khảo sát rồi gửi lại."), status=400,
                          code="missing_token", fields={"token": _l("Không hợp lệ.")})
    serializer = URLSafeTimedSerializer(secret, salt=TOKEN_SALT)
    try:
        payload = serializer.loads(token, max_age=int(TOKEN_MAX_AGE.total_seconds()))
    except SignatureExpired:
        raise DomainError(_l("Phiếu khảo sát đã quá %(n)s ngày. Vui lòng mở lại khảo sát để trả lời.",
                             n=TOKEN_MAX_AGE.days), status=410, code="token_expired") from None
    except BadSignature:
        raise DomainError(_l("Mã phiếu khảo sát không hợp lệ. Vui lòng tải lại trang khảo sát."), status=400,
                          code="invalid_token", fields={"token": _l("Không hợp lệ.")}) from None
    if not isinstance(payload, dict) or payload.get("s") != survey_id:
        raise DomainError(_l("Mã phiếu không thuộc khảo sát này. Vui lòng tải lại trang khảo sát."), status=400,
                          code="invalid_token", fields={"token": _l("Không hợp lệ.")})
    return Provenance(nonce=str(payload["n"]), family=str(payload["f"]), source=address_hash(secret, source_address))


def check_origin(origin: str | None, referer: str | None, allowed: list[str]) -> None:
    """Refuse a post that a browser says came from another site (Origin, else Referer).

    A post with neither header (an old browser, a privacy setting) is let through: the
    single-use token and the burst rule still hold for it.
    """
    claimed = origin if origin else (_origin_of(referer) if referer else None)
    if claimed is None:
        return
    if claimed == "null" or claimed not in {_origin_of(url) for url in allowed}:
        raise Refused(_l("Câu trả lời phải được gửi từ trang khảo sát của đơn vị. Câu trả lời từ trang web khác "
                         "không được nhận."))


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def token_used(session: Session, nonce: str) -> bool:
    return session.exec(select(SurveyResponse.id).where(SurveyResponse.token_nonce == nonce)).first() is not None


def burst_reasons(session: Session, survey_id: int, provenance: Provenance, now: datetime) -> list[str]:
    """Why this answer belongs to a burst: too many recent answers from its address or its token family."""
    since = now - BURST_WINDOW
    recent = select(func.count()).select_from(SurveyResponse).where(
        SurveyResponse.survey_id == survey_id, SurveyResponse.submitted_at > since)
    reasons = []
    if session.exec(recent.where(SurveyResponse.source_hash == provenance.source)).one() >= BURST_LIMIT:
        reasons.append("burst_address")
    if session.exec(recent.where(SurveyResponse.token_family == provenance.family)).one() >= BURST_LIMIT:
        reasons.append("burst_token_family")
    return reasons
