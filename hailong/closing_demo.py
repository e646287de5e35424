"""The demo commune's closed quarter (issue 10): last quarter's report issued, then a kiosk that
was offline sends a tap from that quarter, so a leader sees "sau khi chốt" and the difference."""
from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta

from flask import current_app
from sqlmodel import Session, select

from hailong import closing, periodic_report, reporting
from hailong.figures import Period
from models import LOCAL_TZ, Desk, Kiosk, Level, Rating, Reason, Role, Unit, User, local_date_of, utcnow


def load_closing(session: Session, unit: Unit) -> str:
    """Close the last full quarter as its report was sent, then store one late tap in it."""
    today = local_date_of(utcnow())
    quarter = Period.quarter_of(Period.quarter_of(today).start - timedelta(days=1))
    leader = session.exec(select(User).where(User.unit_id == unit.id, User.role == Role.LEADER)).first()
    scope = reporting.scope_for(session, unit.id)
    # The report's labels are read in Vietnamese, as the commune issues it (the CLI has no request).
    with current_app.test_request_context("/?lang=vi"):
        context = {"scope": scope, "period": quarter, "kind": "quarter", "today": today,
                   "report": periodic_report.build(session, scope, quarter, today)}
        frozen = closing.snapshot(context)
    found = closing.close_period(session, unit=unit, period=quarter, kind="quarter", number="112/BC-UBND",
                                 issued_on=today, as_of=today,
                                 user_id=leader.id, snapshot=frozen)
    _late_tap(session, unit, datetime.combine(quarter.end, time(16, 40), LOCAL_TZ))
    return (f"Quarter {quarter.start:%d/%m/%Y}-{quarter.end:%d/%m/%Y} closed as report {found.number}; "
            "one kiosk tap arrived after.")


def _late_tap(session: Session, unit: Unit, tapped_at: datetime) -> None:
    """A dissatisfied tap from the quarter's last afternoon, stored now (the kiosk was offline)."""
    desk = session.exec(select(Desk).where(Desk.unit_id == unit.id).order_by(Desk.number)).first()
    kiosk = session.exec(select(Kiosk).where(Kiosk.desk_id == desk.id)).first() if desk else None
    client_id = uuid.uuid4()
    session.add(Rating(client_id=client_id, body_hash=client_id.hex, unit_id=unit.id,
                       kiosk_id=kiosk.id if kiosk else None,
                       desk_id=desk.id if desk else None, official_id=desk.official_id if desk else None,
                       service_area_id=desk.service_area_id if desk else None, level=Level.DISSATISFIED,
                       reasons=[Reason.LATE.value], tapped_at=tapped_at, sent_at=utcnow(), received_at=utcnow(),
                       local_date=tapped_at.date()))
    session.flush()  # stored after the closing, like any tap the queue sends late
