"""Campaigns: the dates and units a survey is run in; responses in them are tagged with the campaign."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from hailong.errors import Conflict, NotFound, ValidationError
from models import Campaign, CampaignUnit, Survey, SurveyResponse, Unit


def campaigns_of(session: Session, survey: Survey) -> list[tuple[Campaign, list[Unit]]]:
    campaigns = session.exec(select(Campaign).where(Campaign.survey_id == survey.id).order_by(Campaign.starts_on)).all()
    units = session.exec(select(CampaignUnit.campaign_id, Unit).join(Unit, Unit.id == CampaignUnit.unit_id)
                         .where(CampaignUnit.campaign_id.in_([c.id for c in campaigns]))).all()
    return [(c, [u for cid, u in units if cid == c.id]) for c in campaigns]


def create_campaign(session: Session, survey: Survey, *, name: str, starts_on: date, ends_on: date,
                    unit_ids: list[int], allowed_unit_ids: set[int]) -> Campaign:
    """A campaign over ``unit_ids`` (each must be one the administrator may run it in)."""
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise ValidationError(_l("Vui lòng nhập tên đợt khảo sát (tối đa 200 ký tự)."),
                              fields={"name": _l("Không hợp lệ.")})
    if ends_on < starts_on:
        raise ValidationError(_l("Ngày kết thúc phải sau ngày bắt đầu."), fields={"ends_on": _l("Không hợp lệ.")})
    if not unit_ids or not set(unit_ids) <= allowed_unit_ids:
        raise ValidationError(_l("Vui lòng chọn đơn vị thực hiện trong phạm vi quản lý."),
                              fields={"units": _l("Không hợp lệ.")})
    campaign = Campaign(survey_id=survey.id, name=name, starts_on=starts_on, ends_on=ends_on)
    session.add(campaign)
    session.flush()  # its units need the campaign's id
    session.add_all(CampaignUnit(campaign_id=campaign.id, unit_id=unit_id) for unit_id in sorted(set(unit_ids)))
    return campaign


def delete_campaign(session: Session, survey: Survey, campaign_id: int) -> None:
    """Remove a campaign that has no responses yet (answers must keep the campaign they came in)."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or campaign.survey_id != survey.id:
        raise NotFound(_l("Không tìm thấy đợt khảo sát."))
    if session.exec(select(SurveyResponse.id).where(SurveyResponse.campaign_id == campaign.id)).first() is not None:
        raise Conflict(_l("Đợt khảo sát đã có câu trả lời nên không thể xóa."))
    for link in session.exec(select(CampaignUnit).where(CampaignUnit.campaign_id == campaign.id)):
        session.delete(link)
    session.flush()  # the links must go before the campaign they point to
    session.delete(campaign)
