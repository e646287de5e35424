"""Units (communes and provinces): which commune a request means, and the units a unit holds."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from hailong.errors import ValidationError
from models import Unit


def commune_for(session: Session, code: str | None) -> Unit:
    """The commune named by ``code``, or the only commune of a single-commune installation."""
    if code:
        unit = session.exec(select(Unit).where(Unit.code == code)).first()
        if unit is None:
            raise ValidationError(_l("Không có đơn vị với mã này."), fields={"unit": _l("Không có đơn vị với mã này.")})
        return unit
    communes = session.exec(select(Unit).where(Unit.kind == "commune").order_by(Unit.id).limit(2)).all()
    if len(communes) != 1:
        raise ValidationError(_l("Vui lòng chọn đơn vị nhận phản ánh."), fields={"unit": _l("Cần mã đơn vị.")})
    return communes[0]


def unit_scope(session: Session, unit: Unit | None) -> list[int] | None:
    """The unit and every unit under it (a province holds communes); None for all units."""
    if unit is None:
        return None
    ids, frontier = [unit.id], [unit.id]
    while frontier:
        frontier = list(session.exec(select(Unit.id).where(Unit.parent_id.in_(frontier))))
        ids.extend(frontier)
    return ids
