"""The whole schema in one place: SQLModel tables and the enums they use.

Timestamps are timezone-aware UTC; every row that is counted by local day also keeps
its local date in Asia/Ho_Chi_Minh (``local_date``) so periods are plain date ranges.

Ordered by domain, each enum beside the tables that use it: units and people; kiosk and
ratings; PAKN and their workflow; surveys; dossiers; figures, totals and closing; audit and
settings. The words people read for each enum live in hailong/labels.py.
"""
from __future__ import annotations

import enum
import uuid
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Column, Field, SQLModel


LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def local_date_of(moment: datetime) -> date:
    """The calendar date of ``moment`` in Vietnam, where periods are counted."""
    return moment.astimezone(LOCAL_TZ).date()


class UTCDateTime(sa.types.TypeDecorator):
    """A timezone-aware datetime on both SQLite (which forgets offsets) and PostgreSQL."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a timezone-aware column")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


def ts_field(*, nullable: bool = False, default_now: bool = False, index: bool = False):
    """A timezone-aware timestamp column."""
    column = Column(UTCDateTime(), nullable=nullable, index=index)
    if default_now:
        return Field(default_factory=utcnow, sa_column=column)
    return Field(default=None, sa_column=column)


def json_field(default_factory=list):
    return Field(default_factory=default_factory, sa_column=Column(sa.JSON, nullable=False))


def enum_field(enum_cls, default=None, index=False):
    """Enums stored as their string value, so the databases agree and migrations stay simple."""
    kwargs = {"sa_column": Column(sa.String(32), nullable=False, index=index)}
    if default is not None:
        kwargs["default"] = default
    return Field(**kwargs)


# --- shared types ---------------------------------------------------------------------------------


class StrEnum(str, enum.Enum):
    def __str__(self) -> str:
        return self.value

# --- units and people -----------------------------------------------------------------------------


class UnitKind(StrEnum):
    PROVINCE = "province"
    COMMUNE = "commune"


class Sector(StrEnum):
    ADMINISTRATIVE = "administrative"
    HEALTH = "health"
    EDUCATION = "education"


class Role(StrEnum):
    ADMIN = "admin"
    LEADER = "leader"
    HANDLER = "handler"
    DESK = "desk"
    VIEWER = "viewer"


class Unit(SQLModel, table=True):
    """A commune (or a province holding communes)."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    name: str = Field(max_length=200)
    kind: str = enum_field(UnitKind, default=UnitKind.COMMUNE)
    parent_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    address: str = Field(default="", max_length=300)
    # Opening hours per ISO weekday (1 = Monday): {"1": [["07:30", "11:30"], ["13:30", "17:00"]]}
    opening_hours: dict = json_field(default_factory=lambda: dict(DEFAULT_OPENING_HOURS))
    created_at: datetime = ts_field(default_now=True)


DEFAULT_OPENING_HOURS = {
    str(day): [["07:00", "11:30"], ["13:30", "17:00"]] for day in range(1, 6)
} | {"6": [["07:30", "11:30"]]}


class ServiceArea(SQLModel, table=True):
    """A lĩnh vực: the field of procedures a rating or a PAKN is about."""

    __table_args__ = (sa.UniqueConstraint("unit_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    code: str = Field(max_length=32)
    name_vi: str = Field(max_length=200)
    name_en: str = Field(default="", max_length=200)
    sector: str = enum_field(Sector, default=Sector.ADMINISTRATIVE)
    classify_days: int = Field(default=5)
    resolve_days: int = Field(default=10)
    active: bool = Field(default=True)


class Official(SQLModel, table=True):
    """A công chức who serves citizens and can be rated."""

    __table_args__ = (sa.UniqueConstraint("unit_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    code: str = Field(max_length=32)
    full_name: str = Field(max_length=120)
    title: str = Field(default="", max_length=120)
    photo: str | None = Field(default=None, max_length=200)
    active: bool = Field(default=True)


class Desk(SQLModel, table=True):
    """A counter of the one-stop centre; ``official_id`` is who is serving there now."""

    __table_args__ = (sa.UniqueConstraint("unit_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    number: int
    name: str = Field(default="", max_length=120)
    service_area_id: int | None = Field(default=None, foreign_key="servicearea.id")
    official_id: int | None = Field(default=None, foreign_key="official.id")
    serving_since: datetime | None = ts_field(nullable=True)


class DeskDuty(SQLModel, table=True):
    """Who served at a desk and when (``ended_at`` None: still serving), kept as ``Desk.official_id`` changes.

    A tap is credited to whoever was on duty at its desk at the tap's time, even when it
    reaches the server hours later from the kiosk's offline queue.
    """

    __table_args__ = (sa.Index("ix_deskduty_desk_started", "desk_id", "started_at"),)
    id: int | None = Field(default=None, primary_key=True)
    desk_id: int = Field(foreign_key="desk.id")
    official_id: int = Field(foreign_key="official.id", index=True)
    started_at: datetime = ts_field()
    ended_at: datetime | None = ts_field(nullable=True)


class User(SQLModel, table=True):
    """A back-office account."""

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True)
    password_hash: str = Field(max_length=200)
    role: str = enum_field(Role)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    official_id: int | None = Field(default=None, foreign_key="official.id")
    full_name: str = Field(default="", max_length=120)
    email: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=20)
    active: bool = Field(default=True)
    failed_logins: int = Field(default=0)
    locked_until: datetime | None = ts_field(nullable=True)
    last_login_at: datetime | None = ts_field(nullable=True)
    created_at: datetime = ts_field(default_now=True)
    # Part of every session's id: a new password, role or deactivation bumps it and ends other sessions.
    session_version: int = Field(default=1)


class LoginThrottle(SQLModel, table=True):
    """Failed sign-ins per username (existing or not, so the answer reveals no names) and per address."""

    key: str = Field(max_length=120, primary_key=True)  # "user:<name>" or "addr:<ip>"
    failures: int = Field(default=0)
    wait_until: datetime | None = ts_field(nullable=True)
    updated_at: datetime = ts_field(default_now=True)


class UserServiceArea(SQLModel, table=True):
    """The service areas a handler is responsible for."""

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    service_area_id: int = Field(foreign_key="servicearea.id", primary_key=True)

# --- kiosk and ratings: taps at the desk, QR codes and phone ratings ------------------------------


class Level(StrEnum):
    VERY_SATISFIED = "very_satisfied"
    SATISFIED = "satisfied"
    DISSATISFIED = "dissatisfied"


class Reason(StrEnum):
    """Why a citizen was dissatisfied: the "3 không" and the usual complaints."""

    WAITED_TOO_LONG = "waited_too_long"
    DOCUMENTS_MORE_THAN_ONCE = "documents_more_than_once"
    LATE = "late"
    UNCLEAR_GUIDANCE = "unclear_guidance"
    ATTITUDE = "attitude"
    OTHER = "other"


class Channel(StrEnum):
    KIOSK = "kiosk"
    QR = "qr"
    WEB = "web"
    DESK = "desk"
    API = "api"


class Kiosk(SQLModel, table=True):
    """A rating tablet. Only a hash of its token is kept: a leaked database pairs nothing."""

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    name: str = Field(max_length=120)
    token_hash: str = Field(max_length=64, unique=True)
    desk_id: int | None = Field(default=None, foreign_key="desk.id")
    service_area_id: int | None = Field(default=None, foreign_key="servicearea.id")
    criteria_enabled: bool = Field(default=False)
    created_at: datetime = ts_field(default_now=True)
    paired_at: datetime | None = ts_field(nullable=True)
    revoked_at: datetime | None = ts_field(nullable=True)
    last_seen_at: datetime | None = ts_field(nullable=True)
    queue_length: int = Field(default=0)
    app_version: str = Field(default="", max_length=40)


class KioskDevice(SQLModel, table=True):
    """A tablet paired with a kiosk: its own long-lived credential, so the pairing code can rotate."""

    id: int | None = Field(default=None, primary_key=True)
    kiosk_id: int = Field(foreign_key="kiosk.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    paired_at: datetime = ts_field(default_now=True)
    user_agent: str = Field(default="", max_length=200)
    revoked_at: datetime | None = ts_field(nullable=True)


class Rating(SQLModel, table=True):
    """One satisfaction tap, from a kiosk or a phone. Every tap is kept, even a suspect one."""

    __table_args__ = (
        # Covers a commune's breakdowns (by area, official, desk, kiosk, channel, hour, weekday):
        # a year of its taps is counted from the index without reading the taps.
        sa.Index("ix_rating_unit_date", "unit_id", "local_date", "suspect", "level", "service_area_id", "official_id",
                 "desk_id", "kiosk_id", "channel", "tapped_at"),
        sa.Index("ix_rating_kiosk_tapped", "kiosk_id", "tapped_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    client_id: uuid.UUID = Field(unique=True)
    body_hash: str = Field(max_length=64)
    unit_id: int = Field(foreign_key="unit.id")
    channel: str = enum_field(Channel, default=Channel.KIOSK)
    kiosk_id: int | None = Field(default=None, foreign_key="kiosk.id")
    desk_id: int | None = Field(default=None, foreign_key="desk.id", index=True)
    official_id: int | None = Field(default=None, foreign_key="official.id", index=True)
    service_area_id: int | None = Field(default=None, foreign_key="servicearea.id", index=True)
    level: str = enum_field(Level)
    reasons: list = json_field()
    # One-stop criteria (NĐ 118/2025): {"on_time": bool, "visits": int, "attitude": level}
    criteria: dict = json_field(default_factory=dict)
    dossier_code: str | None = Field(default=None, max_length=64)
    tapped_at: datetime = ts_field()
    sent_at: datetime | None = ts_field(nullable=True)
    received_at: datetime = ts_field(default_now=True)
    local_date: date
    suspect: bool = Field(default=False)
    suspect_reasons: list = json_field()


# Why citizens were dissatisfied: a commune's dissatisfied taps without reading the others.
sa.Index("ix_rating_unit_level_date", Rating.unit_id, Rating.level, Rating.local_date)


class QrTarget(StrEnum):
    """What a printed QR code opens on the citizen's phone."""

    UNIT = "unit"  # rate the commune's centre
    DESK = "desk"  # rate a counter (and whoever serves there)
    OFFICIAL = "official"  # rate one official
    SERVICE_AREA = "service_area"  # rate a lĩnh vực
    SURVEY = "survey"  # answer a survey (/survey/<slug>)
    FEEDBACK = "feedback"  # send a phản ánh, kiến nghị


class QrCode(SQLModel, table=True):
    """A printed short link ``/q/<code>`` and the context its scans land in."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    target: str = enum_field(QrTarget)
    label: str = Field(default="", max_length=120)
    desk_id: int | None = Field(default=None, foreign_key="desk.id")
    official_id: int | None = Field(default=None, foreign_key="official.id")
    service_area_id: int | None = Field(default=None, foreign_key="servicearea.id")
    # Plain text, not a foreign key: surveys live on their own branch and a slug is what the link carries.
    survey_slug: str | None = Field(default=None, max_length=80)
    active: bool = Field(default=True)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = ts_field(default_now=True)
    scan_count: int = Field(default=0)
    last_scan_at: datetime | None = ts_field(nullable=True)


class QrScanDay(SQLModel, table=True):
    """Scans of one QR code on one local day: enough to show where posters work, no tracking of people."""

    qr_code_id: int = Field(foreign_key="qrcode.id", primary_key=True)
    day: date = Field(primary_key=True)
    count: int = Field(default=0)


class QrRating(SQLModel, table=True):
    """Which QR code a phone rating came through, and a hash of the phone's visit marker.

    The marker is a random cookie, hashed so the table links no rating to a person; it backs
    the soft "one rating per phone per visit" rule.
    """

    __table_args__ = (sa.Index("ix_qrrating_qr_visitor_at", "qr_code_id", "visitor_hash", "at"),)
    rating_id: int = Field(foreign_key="rating.id", primary_key=True)
    qr_code_id: int = Field(foreign_key="qrcode.id")
    visitor_hash: str = Field(max_length=64)
    at: datetime = ts_field(default_now=True)

# --- phản ánh, kiến nghị and their workflow: register, events, replies, extensions, outbox --------


class FeedbackKind(StrEnum):
    PHAN_ANH = "phan_anh"
    KIEN_NGHI = "kien_nghi"


class FeedbackStatus(StrEnum):
    """The NĐ 20/2008 steps a phản ánh, kiến nghị goes through."""

    RECEIVED = "received"  # logged in the intake register, not yet classified
    IN_PROGRESS = "in_progress"  # accepted, within competence, assigned
    WAITING = "waiting"  # waiting for the citizen; the deadline clock is paused
    ANSWERED = "answered"  # a public reply was given
    CLOSED = "closed"  # closed as resolved or not resolved
    TRANSFERRED = "transferred"  # outside competence, sent to the competent body
    REJECTED = "rejected"  # refused: not a PAKN, missing information, duplicate


class Resolution(StrEnum):
    RESOLVED = "resolved"
    NOT_RESOLVED = "not_resolved"


class Feedback(SQLModel, table=True):
    """A phản ánh, kiến nghị (PAKN) and its place in the intake register."""

    __table_args__ = (
        sa.UniqueConstraint("unit_id", "register_year", "register_number"),
        sa.Index("ix_feedback_unit_status_due", "unit_id", "status", "due_date"),
        sa.Index("ix_feedback_phone", "phone"),
        # QĐ 766 group 5 counts a period's settled tickets from this index alone (hailong.qd766), and the
        # resolved rate's "resolved before a later due date" counts a unit's closed tickets by handling day.
        sa.Index("ix_feedback_qd766", "unit_id", "received_date", "qd766_settled_from", "qd766_counted",
                 "qd766_on_time", "qd766_satisfied"),
        sa.Index("ix_feedback_resolved", "closed_resolved", "unit_id", "handled_date", "due_date"),
    )
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id")
    register_year: int
    register_number: int
    tracking_code: str = Field(max_length=16, unique=True)
    kind: str = enum_field(FeedbackKind)
    channel: str = enum_field(Channel, default=Channel.WEB)
    service_area_id: int | None = Field(default=None, foreign_key="servicearea.id", index=True)
    content: str = Field(sa_column=Column(sa.Text, nullable=False))
    # Contact data: personal data, shown only to roles that need it and anonymised on expiry.
    anonymous: bool = Field(default=False)
    name: str | None = Field(default=None, max_length=120)
    phone: str | None = Field(default=None, max_length=20)
    email: str | None = Field(default=None, max_length=200)
    address: str | None = Field(default=None, max_length=300)
    consent_version: str | None = Field(default=None, max_length=32)
    consent_at: datetime | None = ts_field(nullable=True)
    contact_anonymised_at: datetime | None = ts_field(nullable=True)
    filed_by_id: int | None = Field(default=None, foreign_key="user.id")
    status: str = enum_field(FeedbackStatus, default=FeedbackStatus.RECEIVED)
    assignee_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    within_competence: bool | None = Field(default=None)
    received_at: datetime = ts_field(default_now=True)
    received_date: date
    classify_due: date
    due_date: date
    original_due_date: date | None = None  # set when the deadline was extended
    rescheduled_to: date | None = None  # a new appointment made after the deadline: the ticket stays late
    classified_at: datetime | None = ts_field(nullable=True)
    transferred_to: str | None = Field(default=None, max_length=200)
    rejection_reason: str | None = Field(default=None, max_length=40)
    duplicate_of_id: int | None = Field(default=None, foreign_key="feedback.id")
    waiting_since: date | None = None
    answered_at: datetime | None = ts_field(nullable=True)
    closed_at: datetime | None = ts_field(nullable=True)
    handled_date: date | None = None  # local date the handling finished (answered/transferred)
    resolution: str | None = Field(default=None, max_length=20)
    reopened_at: datetime | None = ts_field(nullable=True)
    citizen_level: str | None = Field(default=None, max_length=20)
    citizen_rated_at: datetime | None = ts_field(nullable=True)
    dossier_code: str | None = Field(default=None, max_length=64)  # the receipt's code, when the PAKN names one
    # QĐ 766 5.1–5.3 for every cutoff from qd766_settled_from on (hailong.counting.qd766_outcome), kept by
    # hailong.totals on every write; None: judged from the ticket's fields by hailong.qd766 like an open one.
    qd766_settled_from: date | None = None
    qd766_counted: bool = Field(default=False)
    qd766_on_time: bool = Field(default=False)
    qd766_satisfied: bool = Field(default=False)
    closed_resolved: bool = Field(default=False)  # hailong.counting.closed_resolved, kept with the above


# The inbox sorts a unit's tickets by due date whatever their state, and desk officials see
# the tickets they filed: both stay index-only scans at 100,000 tickets.
sa.Index("ix_feedback_unit_due", Feedback.unit_id, Feedback.due_date, Feedback.id)
sa.Index("ix_feedback_filed_by", Feedback.filed_by_id)
sa.Index("ix_feedback_unit_assignee_status", Feedback.unit_id, Feedback.assignee_id, Feedback.status)


class RegisterCounter(SQLModel, table=True):
    """The last intake-register number given per unit and year (sổ tiếp nhận, numbered per year)."""

    unit_id: int = Field(foreign_key="unit.id", primary_key=True)
    year: int = Field(primary_key=True)
    last_number: int = Field(default=0)


class FeedbackEvent(SQLModel, table=True):
    """One step in a ticket's life; public ones make the timeline on its status page."""

    id: int | None = Field(default=None, primary_key=True)
    feedback_id: int = Field(foreign_key="feedback.id", index=True)
    at: datetime = ts_field(default_now=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    kind: str = Field(max_length=32)
    public: bool = Field(default=False)
    body: str = Field(default="", sa_column=Column(sa.Text, nullable=False))
    data: dict = json_field(default_factory=dict)


class Attachment(SQLModel, table=True):
    """A photo sent with a PAKN, re-encoded without metadata and kept in shared storage."""

    id: int | None = Field(default=None, primary_key=True)
    feedback_id: int = Field(foreign_key="feedback.id", index=True)
    stored_name: str = Field(max_length=80, unique=True)
    content_type: str = Field(max_length=40)
    size: int
    width: int
    height: int
    created_at: datetime = ts_field(default_now=True)


class ReplyTemplate(SQLModel, table=True):
    """A canned reply with placeholders, offered for tickets in a state (and optionally an area)."""

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    name: str = Field(max_length=120)
    status: str | None = Field(default=None, max_length=32)  # None: offered in every state
    service_area_id: int | None = Field(default=None, foreign_key="servicearea.id")  # None: every area
    body: str = Field(sa_column=Column(sa.Text, nullable=False))
    active: bool = Field(default=True)


class Extension(SQLModel, table=True):
    """The one extension of a ticket's deadline and its apology letter (Phiếu xin lỗi và hẹn lại)."""

    id: int | None = Field(default=None, primary_key=True)
    feedback_id: int = Field(foreign_key="feedback.id", unique=True)
    letter_number: str = Field(max_length=40)
    letter_date: date
    state_when_late: str = Field(max_length=32)
    original_due_date: date
    new_due_date: date
    reason: str = Field(sa_column=Column(sa.Text, nullable=False))
    apology: str = Field(sa_column=Column(sa.Text, nullable=False))
    signer_name: str = Field(max_length=120)
    signer_title: str = Field(max_length=120)
    requested_by_id: int = Field(foreign_key="user.id")
    requested_at: datetime = ts_field(default_now=True)
    approved_by_id: int | None = Field(default=None, foreign_key="user.id")
    approved_at: datetime | None = ts_field(nullable=True)


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up after the last retry


class OutboxMessage(SQLModel, table=True):
    """An e-mail or SMS to send; kept with its delivery state so the ticket shows what reached whom."""

    __table_args__ = (sa.Index("ix_outbox_due", "status", "next_attempt_at"),)
    id: int | None = Field(default=None, primary_key=True)
    feedback_id: int | None = Field(default=None, foreign_key="feedback.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id")  # staff recipient
    channel: str = Field(max_length=8)  # "email" or "sms"
    recipient: str = Field(max_length=200)
    subject: str = Field(default="", max_length=200)
    body: str = Field(sa_column=Column(sa.Text, nullable=False))
    reason: str = Field(max_length=32)  # received, answered, extended, closed, assigned, overdue
    status: str = Field(default=OutboxStatus.PENDING, max_length=16)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = ts_field(default_now=True)
    last_error: str = Field(default="", max_length=300)
    created_at: datetime = ts_field(default_now=True)
    sent_at: datetime | None = ts_field(nullable=True)

# --- surveys --------------------------------------------------------------------------------------


class SurveyStatus(StrEnum):
    DRAFT = "draft"  # never published: citizens cannot open it
    PUBLISHED = "published"  # citizens answer its latest published version
    CLOSED = "closed"  # no more answers; results stay


class Survey(SQLModel, table=True):
    """A survey (SIPAS-style or a sector survey); its questions live in its versions."""

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    slug: str = Field(max_length=60, unique=True)
    status: str = enum_field(SurveyStatus, default=SurveyStatus.DRAFT)
    # health and education surveys feed the sector_satisfaction target (≥ 90%)
    sector: str = enum_field(Sector, default=Sector.ADMINISTRATIVE)
    template: str | None = Field(default=None, max_length=32)
    created_at: datetime = ts_field(default_now=True)
    published_at: datetime | None = ts_field(nullable=True)
    closed_at: datetime | None = ts_field(nullable=True)


class SurveyVersion(SQLModel, table=True):
    """One frozen definition of a survey; a published version is never edited again."""

    __table_args__ = (sa.UniqueConstraint("survey_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey.id", index=True)
    number: int
    # {"title": {"vi", "en"}, "intro": {"vi", "en"}, "questions": [{"key", "type", "text", "required",
    #  "options": [{"value", "label"}], "element", "overall"}]} (see hailong/surveys/definitions.py)
    definition: dict = json_field(default_factory=dict)
    created_at: datetime = ts_field(default_now=True)
    published_at: datetime | None = ts_field(nullable=True)


class Campaign(SQLModel, table=True):
    """A period during which a survey is run in some units."""

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey.id", index=True)
    name: str = Field(max_length=200)
    starts_on: date
    ends_on: date
    created_at: datetime = ts_field(default_now=True)


class CampaignUnit(SQLModel, table=True):
    campaign_id: int = Field(foreign_key="campaign.id", primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", primary_key=True)


class SurveyResponse(SQLModel, table=True):
    """One citizen's submitted survey: anonymous, kept with the version it answered."""

    __table_args__ = (sa.Index("ix_surveyresponse_survey_date", "survey_id", "local_date"),)
    id: int | None = Field(default=None, primary_key=True)
    client_id: uuid.UUID = Field(unique=True)  # made by the phone: a retried submit stores nothing new
    body_hash: str = Field(max_length=64)
    survey_id: int = Field(foreign_key="survey.id")
    version_id: int = Field(foreign_key="surveyversion.id", index=True)
    campaign_id: int | None = Field(default=None, foreign_key="campaign.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    locale: str = Field(default="vi", max_length=5)
    submitted_at: datetime = ts_field(default_now=True)
    local_date: date
    # The page's signed token is single use: its nonce is unique among responses.
    token_nonce: str | None = Field(default=None, max_length=32, unique=True)
    # Keyed hashes, never an address: who sent it and which address the page was given to.
    source_hash: str | None = Field(default=None, max_length=16)
    token_family: str | None = Field(default=None, max_length=16)
    # Kept but not counted, like a suspect tap (bursts from one address or token family).
    suspect: bool = Field(default=False)
    suspect_reasons: list = json_field()


class SurveyAnswer(SQLModel, table=True):
    """One answer (one row per chosen option for multiple choice), so results are plain SQL."""

    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="surveyresponse.id", index=True)
    question_key: str = Field(max_length=40)
    value_int: int | None = None  # scale 1..5, yes/no 1/0
    value_text: str | None = Field(default=None, sa_column=Column(sa.Text, nullable=True))
    # copied from the frozen version so element indexes and sector figures need no JSON in SQL
    element: str | None = Field(default=None, max_length=32, index=True)
    overall: bool = Field(default=False)

# --- dossiers: the province's register of procedure files -----------------------------------------


class DossierChannel(StrEnum):
    """How the dossier was lodged (Hình thức nộp), as Biểu II.06a splits it."""

    ONLINE = "online"  # trực tuyến
    IN_PERSON = "in_person"  # trực tiếp
    POST = "post"  # bưu chính công ích


class Dossier(SQLModel, table=True):
    """A hồ sơ thủ tục hành chính as the province's procedure system exported it.

    The import never owns it: importing again overwrites every field by code. Ratings and
    PAKN name a dossier by its code (``Rating.dossier_code``, ``Feedback.dossier_code``) and
    are joined on (unit, code), so one that arrived before its dossier links by itself once
    the register is imported.
    """

    __table_args__ = (
        sa.UniqueConstraint("unit_id", "code"),
        sa.Index("ix_dossier_unit_received", "unit_id", "received_on"),
        sa.Index("ix_dossier_code", "code"),  # /d/<code> finds a receipt's dossier without knowing its commune
    )
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id")
    code: str = Field(max_length=64)
    procedure_name: str = Field(max_length=300)
    procedure_code: str = Field(max_length=64)
    area_name: str = Field(default="", max_length=200)
    received_on: date
    due_on: date
    returned_on: date | None = None
    channel: str | None = Field(default=None, max_length=16)
    official_name: str = Field(default="", max_length=120)
    official_id: int | None = Field(default=None, foreign_key="official.id")
    imported_at: datetime = ts_field(default_now=True)


# Ratings and PAKN are looked up by the dossier they name (indicator 5.4, figures by procedure).
sa.Index("ix_rating_unit_dossier", Rating.unit_id, Rating.dossier_code)
sa.Index("ix_feedback_unit_dossier", Feedback.unit_id, Feedback.dossier_code)

# --- figures: targets, daily and monthly totals, alerts, closing a period -------------------------


class TargetCode(StrEnum):
    SATISFACTION = "satisfaction"
    SECTOR_SATISFACTION = "sector_satisfaction"
    FEEDBACK_RESOLVED = "feedback_resolved"
    FEEDBACK_ON_TIME = "feedback_on_time"


# The values of the commune's reform plan (ke-hoach-cchc-2021-2025): seeded per unit and year.
PLAN_TARGETS = {
    TargetCode.SATISFACTION: 0.95,
    TargetCode.SECTOR_SATISFACTION: 0.90,
    TargetCode.FEEDBACK_RESOLVED: 0.95,
    TargetCode.FEEDBACK_ON_TIME: 1.0,
}


class Target(SQLModel, table=True):
    """A reform-plan target of a unit for one year, as a share in 0..1."""

    __table_args__ = (sa.UniqueConstraint("unit_id", "year", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id")
    year: int
    code: str = enum_field(TargetCode)
    value: float


class _RatingCounts(SQLModel):
    unit_id: int = Field(foreign_key="unit.id", primary_key=True)
    local_date: date = Field(primary_key=True)
    sector: str = Field(max_length=32, primary_key=True)
    level: str = Field(max_length=32, primary_key=True)
    suspect: bool = Field(default=False, primary_key=True)
    suspect_reasons: str = Field(default="", max_length=120, primary_key=True)
    count: int = Field(default=0)


class RatingDailyTotal(_RatingCounts, table=True):
    """Counted and suspect taps per unit, local day, sector (of the tap's service area) and level.

    ``suspect_reasons`` is empty for counted taps and, for suspect ones, their reasons sorted
    and joined with commas: how many taps were set aside and why, without reading them.
    Kept exact on every ORM write of a Rating or of an area's sector (hailong.totals); bulk
    loaders call ``hailong.totals.rebuild``.
    """

    # SQLite: stored in key order, so a commune's period is one contiguous read.
    __table_args__ = {"sqlite_with_rowid": False}


class RatingMonthlyTotal(_RatingCounts, table=True):
    """RatingDailyTotal summed by calendar month (``local_date`` is the month's first day).

    A province's year is a few thousand of these instead of a hundred thousand daily rows:
    a period reads its whole months here and only its ragged ends from the daily totals.
    """

    __table_args__ = {"sqlite_with_rowid": False}


class _FeedbackCounts(SQLModel):
    unit_id: int = Field(foreign_key="unit.id", primary_key=True)
    local_date: date = Field(primary_key=True)
    received: int = Field(default=0)
    within_competence: int = Field(default=0)
    transferred: int = Field(default=0)
    rejected: int = Field(default=0)
    set_apart: int = Field(default=0)  # refused as not a PAKN (complaint, denunciation…): in no PAKN figure
    due_in_period: int = Field(default=0)
    resolved: int = Field(default=0)
    handled: int = Field(default=0)
    handled_on_time: int = Field(default=0)
    citizen_rated: int = Field(default=0)
    citizen_satisfied: int = Field(default=0)
    overdue_change: int = Field(default=0)


class FeedbackDailyTotal(_FeedbackCounts, table=True):
    """PAKN counts per unit and local day, each ticket counted on the days its events fall on.

    ``received``, ``within_competence``, ``transferred``, ``rejected`` and ``set_apart`` on
    the day it was received (hailong.counting says what each ticket adds); ``due_in_period`` and
    ``resolved`` (within competence) on its deadline;
    ``handled``, ``handled_on_time``, ``citizen_rated`` and ``citizen_satisfied`` on the day
    handling finished. ``overdue_change`` is +1 the day after a deadline passed unhandled and
    −1 the day such a late ticket is handled, so the open overdue tickets on any day are the
    sum of the changes up to it. Kept exact like RatingDailyTotal (hailong.totals).
    """

    __table_args__ = {"sqlite_with_rowid": False}


class FeedbackMonthlyTotal(_FeedbackCounts, table=True):
    """FeedbackDailyTotal summed by calendar month (``local_date`` is the month's first day)."""

    __table_args__ = {"sqlite_with_rowid": False}


class AlertKind(StrEnum):
    DISSATISFIED_BURST = "dissatisfied_burst"  # half of ≥ 4 taps at one desk dissatisfied in 15 minutes
    KIOSK_SILENT = "kiosk_silent"  # no tap and no contact from a kiosk during opening hours


class Alert(SQLModel, table=True):
    """Something a leader should look at now; acknowledged with a comment, never deleted."""

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    kind: str = enum_field(AlertKind)
    key: str = Field(max_length=120, unique=True)  # one alert per event, however often it is scanned
    desk_id: int | None = Field(default=None, foreign_key="desk.id")
    kiosk_id: int | None = Field(default=None, foreign_key="kiosk.id")
    local_date: date
    starts_at: datetime = ts_field()
    details: dict = json_field(default_factory=dict)
    created_at: datetime = ts_field(default_now=True)
    acknowledged_at: datetime | None = ts_field(nullable=True)
    acknowledged_by_id: int | None = Field(default=None, foreign_key="user.id")
    comment: str = Field(default="", sa_column=Column(sa.Text, nullable=False, server_default=""))


class PeriodClosing(SQLModel, table=True):
    """A period whose report went to the province (chốt số liệu): the report is kept exactly as issued.

    Later arrivals for the period change the live figures only; ``snapshot`` holds the issued
    figures so the report prints again unchanged and the difference can be shown beside it.
    """

    __table_args__ = (sa.UniqueConstraint("unit_id", "period_start", "period_end"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    kind: str = Field(max_length=16)  # month, quarter, half, nine, year, custom
    period_start: date
    period_end: date
    number: str = Field(max_length=40)  # số báo cáo, e.g. "125/BC-UBND"
    issued_on: date
    as_of: date  # the report's "số liệu tính đến ngày"
    closed_by_id: int = Field(foreign_key="user.id")
    closed_at: datetime = ts_field(default_now=True)
    snapshot: dict = json_field(default_factory=dict)

# --- audit and settings: the append-only log, the working-day calendar ----------------------------


class AuditLog(SQLModel, table=True):
    """Append-only: who did what to which record, including every view of personal data."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = ts_field(default_now=True, index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    action: str = Field(max_length=40)
    object_type: str = Field(max_length=40)
    object_id: int | None = Field(default=None, index=True)
    details: dict = json_field(default_factory=dict)


# The audit log is append-only: the database itself refuses to change or remove a row, so not
# even a bug or a hand-typed query in the back office can rewrite who did what.
AUDIT_GUARD_SQLITE = [
    "CREATE TRIGGER IF NOT EXISTS auditlog_no_update BEFORE UPDATE ON auditlog "
    "BEGIN SELECT RAISE(ABORT, 'auditlog is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS auditlog_no_delete BEFORE DELETE ON auditlog "
    "BEGIN SELECT RAISE(ABORT, 'auditlog is append-only'); END",
    # INSERT OR REPLACE deletes the old row without firing DELETE triggers: refuse a taken id.
    "CREATE TRIGGER IF NOT EXISTS auditlog_no_replace BEFORE INSERT ON auditlog "
    "WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM auditlog WHERE id = NEW.id) "
    "BEGIN SELECT RAISE(ABORT, 'auditlog is append-only'); END",
]
AUDIT_GUARD_POSTGRESQL = [
    "CREATE OR REPLACE FUNCTION auditlog_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'auditlog is append-only'; END $$",
    "DROP TRIGGER IF EXISTS auditlog_append_only ON auditlog",
    "CREATE TRIGGER auditlog_append_only BEFORE UPDATE OR DELETE ON auditlog "
    "FOR EACH ROW EXECUTE FUNCTION auditlog_append_only()",
    # TRUNCATE fires no row trigger: a statement trigger refuses emptying the table.
    "DROP TRIGGER IF EXISTS auditlog_no_truncate ON auditlog",
    "CREATE TRIGGER auditlog_no_truncate BEFORE TRUNCATE ON auditlog "
    "FOR EACH STATEMENT EXECUTE FUNCTION auditlog_append_only()",
]


def install_audit_guard(connection) -> None:
    """Create the triggers that refuse UPDATE, DELETE, REPLACE and TRUNCATE on auditlog (after create_all or
    migrations)."""
    statements = AUDIT_GUARD_POSTGRESQL if connection.dialect.name == "postgresql" else AUDIT_GUARD_SQLITE
    for statement in statements:
        connection.exec_driver_sql(statement)


sa.event.listen(AuditLog.__table__, "after_create", lambda _table, connection, **_kw: install_audit_guard(connection))


class CalendarDay(SQLModel, table=True):
    """The administrator's table of announced swaps: an extra day off or a make-up work day."""

    __table_args__ = (sa.UniqueConstraint("unit_id", "day"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id")  # None: the whole country
    day: date
    working: bool  # True: a make-up working day (e.g. a Saturday); False: an extra day off
    note: str = Field(default="", max_length=200)
