"""The PAKN inbox and one ticket's page, as queries: filters, search, counts per state, and what the page shows.

The views parse the request and render; these functions take a Session and the signed-in user and never commit.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from hailong import access, audit, outbox, papers, replies, workflow
from hailong.feedback import CODE_ALPHABET, CODE_LENGTH, normalise_code
from hailong.workdays import WorkCalendar
from models import Channel, Extension, Feedback, FeedbackEvent, FeedbackStatus, Role, ServiceArea, Unit, User

PAGE_SIZE = 50
SEARCH_COUNT_CAP = 1000
S = FeedbackStatus


@dataclass
class InboxFilters:
    status: str = ""
    area: int | None = None
    assignee: str = ""
    channel: str = ""
    due: str = ""
    q: str = ""
    sort: str = "due"
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "InboxFilters":
        """The filters from the page's query string; anything unknown is dropped, not refused."""
        def as_int(name):
            value = args.get(name, "")
            return int(value) if value.isdigit() else None

        return cls(status=args.get("status", "") if args.get("status") in S._value2member_map_ else "",
                   area=as_int("area"), assignee=args.get("assignee", "")[:12],
                   channel=args.get("channel", "") if args.get("channel") in Channel._value2member_map_ else "",
                   due=args.get("due", "") if args.get("due") in ("overdue", "soon", "week") else "",
                   q=args.get("q", "").strip()[:100], sort="received" if args.get("sort") == "received" else "due",
                   page=max(1, min(as_int("page") or 1, 10_000)))

    def args(self, **changes) -> dict:
        values = {k: v for k, v in vars(self).items() if v not in ("", None)} | changes
        return {k: v for k, v in values.items() if v not in ("", None) and not (k == "page" and v == 1)
                and not (k == "sort" and v == "due")}


@dataclass
class InboxPage:
    tickets: list[Feedback]
    counts: dict
    total: int
    capped: bool  # a text search's counts stopped at SEARCH_COUNT_CAP

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def inbox_page(session: Session, user, filters: InboxFilters, calendar: WorkCalendar, today: date) -> InboxPage:
    """One page of the tickets ``user`` may see under ``filters``, with the counts per state."""
    conditions = _conditions(session, user, filters, calendar, today)
    counts, capped = _counts(session, conditions, text_search=bool(filters.q) and not _is_exact(filters.q))
    if filters.status:
        conditions.append(Feedback.status == filters.status)
    total = counts.get(filters.status, 0) if filters.status else sum(counts.values())
    order = ((Feedback.received_date.desc(), Feedback.id.desc()) if filters.sort == "received"
             else (Feedback.due_date, Feedback.id))
    tickets = session.exec(select(Feedback).where(*conditions).order_by(*order)
                           .offset((filters.page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return InboxPage(list(tickets), counts, total, capped)


def _conditions(session: Session, user, filters: InboxFilters, calendar: WorkCalendar, today: date) -> list:
    conditions = [access.visible_clause(session, user)]
    if filters.area:
        conditions.append(Feedback.service_area_id == filters.area)
    if filters.assignee == "me":
        conditions.append(Feedback.assignee_id == user.id)
    elif filters.assignee == "none":
        conditions.append(Feedback.assignee_id.is_(None))
    elif filters.assignee.isdigit():
        conditions.append(Feedback.assignee_id == int(filters.assignee))
    if filters.channel:
        conditions.append(Feedback.channel == filters.channel)
    if filters.due:
        conditions.append(_due_condition(filters.due, calendar, today))
    if filters.q:
        conditions.append(_search_condition(filters.q))
    return conditions


def _due_condition(due: str, calendar: WorkCalendar, today: date):
    received, running = Feedback.status == S.RECEIVED, Feedback.status == S.IN_PROGRESS
    if due == "overdue":
        return ((received & (Feedback.classify_due < today)) | (running & (Feedback.due_date < today)))
    last = workflow.due_soon_cutoff(calendar, today) if due == "soon" else today + timedelta(days=6 - today.weekday())
    return ((received & Feedback.classify_due.between(today, last))
            | (running & Feedback.due_date.between(today, last)))


def _is_exact(q: str) -> bool:
    code = normalise_code(q)
    return (len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code)) or q.split("/")[0].strip().isdigit()


def _counts(session: Session, conditions, *, text_search: bool) -> tuple[dict, bool]:
    """Tickets per state in one grouped query. A text search cannot use an index, so its counts
    stop at SEARCH_COUNT_CAP matches rather than scanning a province's whole register."""
    if not text_search:
        return dict(session.exec(
            select(Feedback.status, sa.func.count()).where(*conditions).group_by(Feedback.status)).all()), False
    matches = select(Feedback.status).where(*conditions).limit(SEARCH_COUNT_CAP + 1).subquery()
    counts = dict(session.exec(select(matches.c.status, sa.func.count()).group_by(matches.c.status)).all())
    return counts, sum(counts.values()) > SEARCH_COUNT_CAP


def _search_condition(q: str):
    code = normalise_code(q)
    if len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code):
        return Feedback.tracking_code == code
    number = q.split("/")[0].strip()
    if number.isdigit():
        return Feedback.register_number == int(number)
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return Feedback.content.ilike(f"%{escaped}%", escape="\\")


def areas(session: Session, unit_id: int | None) -> list[ServiceArea]:
    """The unit's areas, for the inbox's filter."""
    return list(session.exec(select(ServiceArea).where(ServiceArea.unit_id == unit_id).order_by(ServiceArea.name_vi)))


def staff(session: Session, unit_id: int | None) -> list[User]:
    """The unit's active handlers and leaders: who a ticket can be given to."""
    return list(session.exec(select(User).where(User.unit_id == unit_id, User.active.is_(True),
                                                User.role.in_([Role.HANDLER, Role.LEADER])).order_by(User.full_name)))


# --- one ticket ----------------------------------------------------------------------------


def record_view(session: Session, user, feedback: Feedback) -> bool:
    """Put a staff view of a citizen's identity on record (NĐ 356/2025); False when there is none to see."""
    if feedback.contact_anonymised_at is not None or feedback.anonymous:
        return False
    audit.record(session, user.id, "view_personal_data", "feedback", feedback.id)
    return True


def ticket_details(session: Session, user, feedback: Feedback) -> dict:
    """What the ticket page shows beside the ticket: its timeline, people, extension, messages and papers."""
    people = {u.id: u.full_name or u.username
              for u in session.exec(select(User).where(User.unit_id == feedback.unit_id))}
    return dict(
        events=session.exec(select(FeedbackEvent).where(FeedbackEvent.feedback_id == feedback.id)
                            .order_by(FeedbackEvent.at, FeedbackEvent.id)).all(),
        area=workflow.area_of(session, feedback), people=people,
        extension=session.exec(select(Extension).where(Extension.feedback_id == feedback.id)).first(),
        trail=audit.trail(session, "feedback", feedback.id) if access.may(user, "audit") else [],
        staff=staff(session, user.unit_id), messages=outbox.for_ticket(session, feedback.id),
        templates=replies.for_ticket(session, feedback, people.get(feedback.assignee_id, "")),
        actions=access.allowed_actions(session, user, feedback),
        unit=session.get(Unit, feedback.unit_id), default_signer=papers.default_signer(session, feedback.unit_id),
    )
