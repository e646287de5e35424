"""Closing a period (chốt số liệu): the report a leader sent to the province, kept as issued.

The issued figures are frozen in a snapshot; what arrives later for the period (a kiosk that
was offline, a correction to a ticket) is stored normally and changes the live figures only.
"Sau khi chốt" is derived, never stored: received or changed after the closing, with a local
date inside the closed period.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, is_dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, func, select

from hailong import periodic_report, reporting
from hailong.errors import Conflict, ValidationError
from hailong.figures import Period, Rate
from models import Feedback, FeedbackEvent, PeriodClosing, Rating, Unit, utcnow

NUMBER_MAX = 40
# Steps that change no figure: a ticket touched only by these after the closing is not "sau khi chốt".
UNCOUNTED_EVENTS = ("note", "message", "assigned", "overdue", "extension_requested")


def close_period(session: Session, *, unit: Unit, period: Period, kind: str, number: str, issued_on: date | None,
                 as_of: date, user_id: int, snapshot: dict, now: datetime | None = None) -> PeriodClosing:
    """Record that ``period``'s report for ``unit`` was issued; one closing per unit and period."""
    number = (number or "").strip()
    errors = {}
    if not number or len(number) > NUMBER_MAX:
        errors["number"] = _l("Vui lòng nhập số báo cáo (tối đa %(n)s ký tự).", n=NUMBER_MAX)
    if issued_on is None:
        errors["issued_on"] = _l("Vui lòng nhập ngày ban hành (dd/mm/yyyy).")
    elif issued_on < period.start:
        errors["issued_on"] = _l("Ngày ban hành không thể trước ngày đầu kỳ.")
    if errors:
        raise ValidationError(_l("Chưa chốt được số liệu: vui lòng kiểm tra lại."), fields=errors)
    if closing_for(session, unit.id, period) is not None:
        raise Conflict(_l("Kỳ này đã được chốt số liệu; báo cáo đã ban hành được giữ nguyên."))
    closing = PeriodClosing(unit_id=unit.id, kind=kind, period_start=period.start, period_end=period.end, number=number,
                            issued_on=issued_on, as_of=as_of, closed_by_id=user_id, closed_at=now or utcnow(),
                            snapshot=snapshot)
    try:
        with session.begin_nested():  # a twin request may have closed it a moment ago
            session.add(closing)
            session.flush()  # the audit entry names the closing's id
    except sa.exc.IntegrityError:
        raise Conflict(_l("Kỳ này đã được chốt số liệu; báo cáo đã ban hành được giữ nguyên.")) from None
    return closing


def closing_for(session: Session, unit_id: int | None, period: Period) -> PeriodClosing | None:
    """The closing of exactly this unit and period, if its report was issued."""
    if unit_id is None:
        return None
    return session.exec(select(PeriodClosing).where(
        PeriodClosing.unit_id == unit_id, PeriodClosing.period_start == period.start,
        PeriodClosing.period_end == period.end)).first()


def closings(session: Session, unit_ids: list[int] | None) -> list[tuple[PeriodClosing, str]]:
    """Issued reports the scope may see, the latest period first, with the unit's name."""
    query = select(PeriodClosing, Unit.name).join(Unit, Unit.id == PeriodClosing.unit_id).order_by(
        PeriodClosing.period_end.desc(), PeriodClosing.period_start.desc(), Unit.name)
    if unit_ids is not None:
        query = query.where(PeriodClosing.unit_id.in_(unit_ids))
    return list(session.exec(query))


def period_of(closing: PeriodClosing) -> Period:
    return Period(closing.period_start, closing.period_end)


@dataclass
class LateArrivals:
    """What reached the closed period after its report was issued ("sau khi chốt")."""

    taps: int
    suspect_taps: int
    tickets: list[Feedback]

    @property
    def any(self) -> bool:
        return bool(self.taps or self.suspect_taps or self.tickets)


def late_arrivals(session: Session, closing: PeriodClosing, unit_ids: list[int], limit: int = 50) -> LateArrivals:
    """Taps stored after the closing with a local date in the period, and tickets of the period
    (received or handled in it) that were filed or changed after the closing."""
    taps = dict(session.exec(select(Rating.suspect, func.count()).where(
        Rating.unit_id.in_(unit_ids), Rating.local_date >= closing.period_start,
        Rating.local_date <= closing.period_end,
        Rating.received_at > closing.closed_at).group_by(Rating.suspect)).all())
    in_period = sa.or_(
        sa.and_(Feedback.received_date >= closing.period_start, Feedback.received_date <= closing.period_end),
        sa.and_(Feedback.handled_date >= closing.period_start, Feedback.handled_date <= closing.period_end))
    changed = sa.or_(Feedback.received_at > closing.closed_at, Feedback.id.in_(
        select(FeedbackEvent.feedback_id).where(FeedbackEvent.at > closing.closed_at,
                                                FeedbackEvent.kind.not_in(UNCOUNTED_EVENTS))))
    tickets = session.exec(select(Feedback).where(Feedback.unit_id.in_(unit_ids), in_period, changed).order_by(
        Feedback.received_date, Feedback.id).limit(limit)).all()
    return LateArrivals(taps=taps.get(False, 0), suspect_taps=taps.get(True, 0), tickets=list(tickets))


# --- the snapshot: the issued report as plain JSON ---------------------------------------------


def snapshot(context: dict) -> dict:
    """The figures the printed report shows, frozen: labels in the language it was issued in."""
    report, scope, period = context["report"], context["scope"], context["period"]
    return {
        "unit": scope.unit.name, "kind": context["kind"],
        "kind_label": str(periodic_report.PERIOD_LABELS[context["kind"]]),
        "start": period.start.isoformat(), "end": period.end.isoformat(), "as_of": context["today"].isoformat(),
        "targets": [_plain(card) for card in report["targets"]],
        "counts": {"ratings": _plain(report["ratings"]), "feedback": _plain(report["feedback"])},
        "register": _plain(report["register"]),
        "qd766": _plain(report["qd766"]),
        "areas": [_row(row) for row in report["areas"]],
        "officials": [_row(row) for row in report["officials"]],
        "communes": [{"unit": row["unit"].name, "satisfaction": _plain(row["ratings"].satisfaction),
                      "on_time": _plain(row["feedback"].on_time_rate),
                      "resolved": _plain(row["feedback"].resolved_rate),
                      "status": row["status"]} for row in report["communes"]],
        "months": [{"month": m.period.start.isoformat(), "total": m.ratings.total,
                    "satisfaction": _plain(m.ratings.satisfaction), "received": m.feedback.received,
                    "on_time": _plain(m.feedback.on_time_rate)} for m in report["months"]],
    }


def _row(row: reporting.Row) -> dict:
    return {"label": row.label, "rank": row.rank, "total": row.figures.total, "dissatisfied": row.figures.dissatisfied,
            "rate": _plain(row.rate)}


def _plain(value):
    """``value`` as JSON: rates with their counts, dataclasses as dicts, labels as text."""
    if isinstance(value, Rate):
        return {"value": value.value, "numerator": value.numerator, "denominator": value.denominator}
    if is_dataclass(value):
        return _plain(asdict(value))
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return str(value)  # lazy strings and anything else a person reads


# --- the difference: live figures beside the issued ones ------------------------------------------

COUNT_LABELS = {
    "total": _l("Lượt đánh giá được tính"),
    "suspect_excluded": _l("Lượt đánh giá đáng ngờ (không tính)"),
}


def difference(issued: dict, live: dict) -> list[dict]:
    """Each target's rate, the tap counts and the PAKN register: issued, live, and live minus issued."""
    live_targets = {card["code"]: card for card in live["targets"]}
    rows = [_diff_row(live_targets.get(card["code"], card)["label"], card.get("value"),
                      live_targets.get(card["code"], {}).get("value"), True) for card in issued["targets"]]
    for key, label in COUNT_LABELS.items():
        rows.append(_diff_row(str(label), issued["counts"]["ratings"].get(key), live["counts"]["ratings"].get(key),
                              False))
    # The register's lines are matched by position (the labels are in the language each was made in);
    # a snapshot from an older layout is left out rather than compared line against the wrong line.
    if len(issued["register"]) == len(live["register"]):
        for (_, before, is_rate), (label, after, _) in zip(issued["register"], live["register"], strict=True):
            rows.append(_diff_row(label, before, after, is_rate))
    return rows


def _diff_row(label: str, issued, live, is_rate: bool) -> dict:
    change = live - issued if issued is not None and live is not None else None
    return {"label": label, "issued": issued, "live": live, "is_rate": is_rate, "change": change,
            "changed": issued != live}
