"""Demo records for the figures (issue 6): the daily totals of the bulk-loaded taps and a
few alerts, so the demo dashboard shows what a leader would see."""
from __future__ import annotations

import random
import uuid
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from hailong import alerts, totals
from models import LOCAL_TZ, Channel, Desk, Level, Rating, Reason, Unit, local_date_of, utcnow


def load_figures(session: Session, unit: Unit, rng: random.Random) -> None:
    """A burst of dissatisfied taps at desk 2 this morning, then the totals and alerts brought up to date."""
    desk = session.exec(select(Desk).where(Desk.unit_id == unit.id).order_by(Desk.number).offset(1)).first()
    if desk is not None:
        start = datetime.combine(local_date_of(utcnow()), time(8, 5), LOCAL_TZ)
        if start < utcnow():
            rows = []
            for i, level in enumerate([Level.DISSATISFIED, Level.SATISFIED, Level.DISSATISFIED, Level.DISSATISFIED]):
                moment = start + timedelta(minutes=3 * i, seconds=rng.randint(0, 50))
                client_id = uuid.uuid4()
                rows.append({"client_id": client_id, "body_hash": client_id.hex, "unit_id": unit.id,
                             "channel": Channel.KIOSK.value, "desk_id": desk.id, "official_id": desk.official_id,
                             "service_area_id": desk.service_area_id, "level": level.value,
                             "reasons": [Reason.WAITED_TOO_LONG.value] if level == Level.DISSATISFIED else [],
                             "criteria": {}, "tapped_at": moment, "received_at": moment, "local_date": moment.date(),
                             "suspect": False, "suspect_reasons": []})
            session.execute(sa.insert(Rating), rows)
    # The demo's taps were written in bulk, past the ORM hook that keeps the totals.
    totals.rebuild(session, [unit.id])
    alerts.scan(session, [unit.id])
