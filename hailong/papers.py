"""The office's papers in the form of administrative documents (NĐ 30/2020/NĐ-CP, Phụ lục I):
agency, quốc hiệu and tiêu ngữ, số/ký hiệu, "<địa danh>, ngày … tháng … năm …", title or subject,
"Kính gửi", body, "Nơi nhận", the signer's authority, title and name.

One ``Paper`` describes the header and the footer; each template writes only its body.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from models import Extension, Feedback, Official, Unit, User

# Ký hiệu of each paper's kind (NĐ 30/2020, Phụ lục III); a công văn has none, only the agency's.
KINDS = {"receipt": "PTN", "apology": "PXL", "transfer": "PC", "refusal": "TB", "answer": "", "report": "BC"}
_AGENCY_PREFIXES = re.compile(r"^(UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\s+", re.IGNORECASE)
_LEVEL_PREFIXES = re.compile(r"^(xã|phường|thị trấn|đặc khu|tỉnh|thành phố|huyện|quận)\s+", re.IGNORECASE)


@dataclass
class Paper:
    """What the document form needs around a body."""

    agency: str  # the issuing agency, as its name is printed (upper case)
    parent: str  # the governing agency above it, or ""
    number: str  # "12/PXL-UBND"
    place_date: str  # "Tân Lập, ngày 02 tháng 12 năm 2026"
    title: str = ""  # "PHIẾU CHUYỂN" for a typed document; empty for a công văn
    subject: str = ""  # the trích yếu: "V/v trả lời phản ánh, kiến nghị" or the line under the title
    to: str = ""  # "Ông/Bà Nguyễn Văn A"
    recipients: list[str] = field(default_factory=list)  # Nơi nhận
    authority: str = ""  # "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"
    signer_title: str = ""
    signer_name: str = ""
    agency_name: str = ""  # the agency as named in running text: "UBND xã Tân Lập"


def abbreviation(unit: Unit) -> str:
    """The agency's abbreviation in a số/ký hiệu: UBND for a people's committee, else its initials."""
    if _AGENCY_PREFIXES.match(unit.name):
        return "UBND"
    initials = "".join(word[0] for word in unit.name.split() if word[:1].isupper())
    return initials or unit.code


def place(unit: Unit) -> str:
    """The địa danh of the date line: the commune's name without "UBND xã"."""
    name = _LEVEL_PREFIXES.sub("", _AGENCY_PREFIXES.sub("", unit.name.strip()))
    return name or unit.name


def date_line(unit: Unit, day: date) -> str:
    """"<địa danh>, ngày 02 tháng 12 năm 2026": day below 10 and month below 3 take a leading zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return str(_l("%(place)s, ngày %(d)s tháng %(m)s năm %(y)s", place=place(unit), d=f"{day.day:02d}", m=month,
                  y=day.year))


def number(sequence: int | str, kind: str, unit: Unit) -> str:
    """Số/ký hiệu: "12/PXL-UBND" for a typed paper, "12/UBND-VP" for a công văn (drafted by the office)."""
    symbol = KINDS[kind]
    return f"{sequence}/{symbol}-{abbreviation(unit)}" if symbol else f"{sequence}/{abbreviation(unit)}-VP"


def heading(session: Session, unit: Unit) -> tuple[str, str]:
    """(agency, parent agency) as printed at the top left."""
    parent = session.get(Unit, unit.parent_id) if unit.parent_id else None
    return unit.name.upper(), (parent.name.upper() if parent else "")


def addressee(feedback: Feedback, code: str) -> str:
    """"Ông/Bà <name>", or the sender of an anonymous ticket named by its code."""
    if feedback.name:
        return str(_l("Ông/Bà %(name)s", name=feedback.name))
    return str(_l("Ông/Bà gửi phản ánh, kiến nghị mã %(code)s", code=code))


def summary(text: str, limit: int = 280) -> str:
    """The content in a few lines for a receipt: cut at a word, never mid-word."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


def leader_signer(session: Session, user_id: int | None) -> tuple[str, str]:
    """(title, name) of the leader who signs: the title of the official linked to the account."""
    user = session.get(User, user_id) if user_id else None
    if user is None:
        return "", ""
    official = session.get(Official, user.official_id) if user.official_id else None
    return (official.title if official and official.title else ""), (official.full_name if official else user.full_name)


def apology_signer(session: Session, extension: Extension) -> tuple[str, str]:
    """The leader who approved signs, with that leader's title; what was typed only where none is known."""
    title, name = leader_signer(session, extension.approved_by_id)
    return title or extension.signer_title, name or extension.signer_name


def authority(title: str) -> str:
    """The line above a leader's title: a Chủ tịch signs for the committee, a deputy for the Chủ tịch."""
    lowered = title.lower()
    if "phó chủ tịch" in lowered:
        return str(_l("KT. CHỦ TỊCH"))
    if "chủ tịch" in lowered:
        return str(_l("TM. ỦY BAN NHÂN DÂN"))
    return ""


def event_actor(session: Session, feedback: Feedback, *kinds: str) -> int | None:
    """Who took the latest of these steps on the ticket (the leader who classified, transferred, refused)."""
    from models import FeedbackEvent

    return session.exec(select(FeedbackEvent.actor_id).where(FeedbackEvent.feedback_id == feedback.id,
                                                            FeedbackEvent.kind.in_(kinds))
                        .order_by(FeedbackEvent.id.desc())).first()


def default_signer(session: Session, unit_id: int) -> tuple[str, str]:
    """(title, name) proposed on an apology letter: the unit's Chủ tịch if known, else its first leader."""
    from models import Role

    leaders = session.exec(select(User).where(User.unit_id == unit_id, User.role == Role.LEADER,
                                              User.active.is_(True)).order_by(User.id)).all()
    signers = [leader_signer(session, leader.id) for leader in leaders]
    chosen = next((s for s in signers if "chủ tịch" in s[0].lower() and "phó" not in s[0].lower()), None)
    title, name = chosen or (signers[0] if signers else ("", ""))
    # A leader's account not yet linked to an official: still a leader, so the committee's chair by default.
    return (title or (str(_l("Chủ tịch UBND xã")) if name else "")), name
