"""Demo kiosk state: heartbeats, a queue, one silent tablet and one asking the criteria."""
from __future__ import annotations

import random
from datetime import timedelta

from sqlmodel import Session, select

from hailong import __version__
from hailong.kiosks import heartbeat
from models import Kiosk, Unit, utcnow


def load_kiosk(session: Session, unit: Unit, rng: random.Random) -> None:
    """Make the kiosks page show live, queued and silent tablets."""
    kiosks = session.exec(select(Kiosk).where(Kiosk.unit_id == unit.id).order_by(Kiosk.id)).all()
    now = utcnow()
    for index, kiosk in enumerate(kiosks):
        quiet = timedelta(hours=3) if index == len(kiosks) - 1 else timedelta(seconds=rng.randint(2, 30))
        heartbeat(kiosk, queue_length=rng.choice([0, 0, 0, 4]), app_version=__version__, now=now - quiet)
        kiosk.paired_at = now - timedelta(days=90)
        kiosk.criteria_enabled = index == 0
        session.add(kiosk)
