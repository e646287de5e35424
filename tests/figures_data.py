"""Test data for the figures: taps and tickets written directly, with counts known in advance."""
from __future__ import annotations

import itertools
import uuid
from datetime import date, datetime

from models import Feedback, FeedbackStatus, Level, Rating, local_date_of
from tests.factories import local

_serial = itertools.count(1)


def tap(session, world, moment: datetime, level: Level | str = Level.SATISFIED, *, suspect_reasons=(), official=None,
        area=None, desk=None, reasons=(), channel="kiosk") -> Rating:
    rating = Rating(client_id=uuid.uuid4(), body_hash="t", unit_id=world.unit.id, level=Level(level), tapped_at=moment,
                    local_date=local_date_of(moment), suspect=bool(suspect_reasons),
                    suspect_reasons=list(suspect_reasons),
                    official_id=official.id if official else None, service_area_id=area.id if area else None,
                    desk_id=desk.id if desk else None, kiosk_id=world.kiosk.id if desk else None,
                    reasons=list(reasons), channel=channel)
    session.add(rating)
    return rating


def taps(session, world, count: int, level=Level.SATISFIED, day: date = date(2026, 6, 10), **kwargs) -> None:
    for i in range(count):
        tap(session, world, local(day.year, day.month, day.day, 8 + i % 9, i % 60, 0), level, **kwargs)


def ticket(session, unit, *, received: date, due: date, handled: date | None = None,
           status: str = FeedbackStatus.IN_PROGRESS, within: bool | None = True, resolution: str | None = None,
           reopened: bool = False, citizen_level: str | None = None, name: str | None = None, phone: str | None = None,
           area=None, content: str = "Đường ngõ xóm bị hỏng.") -> Feedback:
    number = next(_serial)
    feedback = Feedback(
        unit_id=unit.id, register_year=received.year, register_number=number, tracking_code=f"T{number:08d}",
        kind="phan_anh", content=content, name=name, phone=phone, status=status, within_competence=within,
        received_at=datetime.combine(received, datetime.min.time()).replace(tzinfo=local(2026, 1, 1).tzinfo),
        received_date=received, classify_due=due, due_date=due, handled_date=handled, resolution=resolution,
        reopened_at=local(2026, 7, 1) if reopened else None, citizen_level=citizen_level,
        service_area_id=area.id if area else None)
    session.add(feedback)
    return feedback
