"""The demo commune's dossier register: a few procedures over the months, some late, some rated at the kiosk
with the receipt's code, and one PAKN naming its dossier (issue 16)."""
from __future__ import annotations

import random
import uuid
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from hailong import dossiers, workdays
from models import LOCAL_TZ, Channel, Desk, Kiosk, Level, Official, Rating, Reason, Unit, local_date_of, utcnow

# (procedure, code, lĩnh vực, working days to the appointment, desk, dossiers a week, share returned late)
PROCEDURES = [
    ("Đăng ký khai sinh", "1.001193", "Hộ tịch", 1, 1, 9, 0.02),
    ("Đăng ký kết hôn", "1.000894", "Hộ tịch", 3, 1, 3, 0.05),
    ("Chứng thực bản sao từ bản chính giấy tờ, văn bản", "2.000815", "Chứng thực", 1, 1, 12, 0.0),
    ("Đăng ký đất đai, tài sản gắn liền với đất lần đầu", "1.004227", "Đất đai", 20, 2, 2, 0.25),
    ("Cấp giấy phép xây dựng nhà ở riêng lẻ", "1.009994", "Xây dựng", 12, 2, 1, 0.15),
    ("Xác định, xác định lại mức độ khuyết tật", "1.001699", "Lao động, thương binh và xã hội", 10, 3, 1, 0.1),
]
CHANNELS = ["trực tiếp"] * 6 + ["trực tuyến"] * 3 + ["bưu chính"]


def load_dossiers(session: Session, unit: Unit, rng: random.Random, months: int) -> str:
    """Import a register through the same code as a real file, then add kiosk taps naming some dossiers."""
    rows = _register(session, unit, rng, months)
    result = dossiers.apply(session, unit, dossiers.Plan(rows=rows))
    taps = _taps(session, unit, rows, rng)
    session.execute(sa.insert(Rating), taps)
    _pakn_about_a_late_dossier(session, unit, rows)
    late = sum(1 for row in rows if row["returned_on"] and row["returned_on"] > row["due_on"])
    return (f"Dossier register: {result.added} dossiers of {len(PROCEDURES)} procedures ({late} returned late), "
            f"{len(taps)} rated at the kiosk with the receipt's code. Try /d/{rows[-1]['code']}")


def _register(session, unit, rng, months) -> list[dict]:
    calendar = workdays.calendar_for(session, unit.id)
    officials = {desk.number: session.get(Official, desk.official_id).full_name
                 for desk in session.exec(select(Desk).where(Desk.unit_id == unit.id)) if desk.official_id}
    today = local_date_of(utcnow())
    rows, day, serial = [], today - timedelta(days=30 * months), 0
    while day <= today:
        if calendar.is_working_day(day):
            for name, code, area, days, desk, per_week, late_share in PROCEDURES:
                for _ in range(_count(rng, per_week / 5)):
                    serial += 1
                    rows.append(_dossier(calendar, day, today, serial, (name, code, area, days, late_share),
                                         officials.get(desk, ""), rng))
        day += timedelta(days=1)
    return rows


def _count(rng, mean: float) -> int:
    """How many dossiers of a procedure arrive on one day (binomial around ``mean``)."""
    return sum(rng.random() < mean / 8 for _ in range(8))


def _dossier(calendar, day: date, today: date, serial: int, procedure, official: str, rng) -> dict:
    name, code, area, days, late_share = procedure
    due = calendar.add_working_days(day, days)
    if rng.random() < late_share:
        returned = calendar.add_working_days(due, rng.randint(1, 6))
    else:
        returned = calendar.add_working_days(day, rng.randint(max(0, days - 2), days)) if days > 1 else due
    return {"line": serial + 1, "code": f"000.31.25.H42-{day:%y%m%d}-{serial:04d}", "procedure_name": name,
            "procedure_code": code, "area_name": area, "received_on": day, "due_on": due,
            "returned_on": returned if returned <= today else None,
            "channel": dossiers.CHANNEL_WORDS[rng.choice(CHANNELS)].value, "official_name": official}


def _taps(session, unit, rows: list[dict], rng) -> list[dict]:
    """About a third of the returned dossiers rated at the desk's kiosk when collected; late ones less kindly."""
    kiosks = {k.desk_id: k for k in session.exec(select(Kiosk).where(Kiosk.unit_id == unit.id))}
    desks = {d.id: d for d in session.exec(select(Desk).where(Desk.unit_id == unit.id))}
    by_number = {d.number: d for d in desks.values()}
    desk_of = {name: desk for name, _c, _a, _d, desk, _w, _l in PROCEDURES}
    taps = []
    for row in rows:
        if row["returned_on"] is None or rng.random() > 0.35:
            continue
        desk = by_number[desk_of[row["procedure_name"]]]
        late = row["returned_on"] > row["due_on"]
        level = rng.choices(list(Level), weights=[25, 35, 40] if late else [55, 41, 4])[0]
        reasons = ([Reason.LATE]
                   + rng.sample([Reason.WAITED_TOO_LONG, Reason.DOCUMENTS_MORE_THAN_ONCE], k=rng.randint(0, 1))
                   if late else [rng.choice(list(Reason))]) if level == Level.DISSATISFIED else []
        moment = datetime.combine(row["returned_on"], time(8, 5), LOCAL_TZ) + timedelta(minutes=rng.randint(0, 200))
        taps.append(_tap(unit, kiosks.get(desk.id), desk, row["code"], moment, level, reasons))
    return taps


def _tap(unit, kiosk, desk, code, moment, level, reasons) -> dict:
    client_id = uuid.uuid4()
    return {"client_id": client_id, "body_hash": client_id.hex, "unit_id": unit.id, "channel": Channel.KIOSK.value,
            "kiosk_id": kiosk.id if kiosk else None, "desk_id": desk.id, "official_id": desk.official_id,
            "service_area_id": desk.service_area_id, "level": level.value, "reasons": sorted(r.value for r in reasons),
            "criteria": {}, "dossier_code": code, "tapped_at": moment, "sent_at": moment,
            "received_at": moment + timedelta(seconds=1), "local_date": moment.date(), "suspect": False,
            "suspect_reasons": []}


def _pakn_about_a_late_dossier(session, unit, rows) -> None:
    """The newest late land dossier drew a PAKN today through the API's ``dossier_code`` (flags it for 5.4)."""
    from hailong import feedback as intake

    late = [r for r in rows if r["procedure_code"] == "1.004227" and r["returned_on"]
            and r["returned_on"] > r["due_on"]]
    if not late:
        return
    row = late[-1]
    feedback_in = intake.parse_feedback({
        "kind": "phan_anh", "anonymous": True, "consent": False, "dossier_code": row["code"],
        "content": f"Hồ sơ {row['code']} đăng ký đất đai trả kết quả chậm so với giấy hẹn mà không có phiếu xin lỗi."})
    intake.submit_feedback(session, unit=unit, feedback_in=feedback_in)
