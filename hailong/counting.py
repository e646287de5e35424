"""How each PAKN counts (DESIGN.md "How each PAKN counts"): the one definition, ticket by ticket.

Every PAKN figure reads this module: the daily totals (hailong.totals) store what
``daily_counts`` says each ticket adds, and the dashboard, report, XLSX, /public, the
province view and /api/v1/stats read those totals; QĐ 766 group 5 (hailong.qd766) asks
the per-ticket questions below directly. A ticket is judged on its current record (the
fields in FIELDS), so a figure asked again later reflects what has been done since.
"""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

from models import FeedbackStatus, Level, Resolution, local_date_of

S = FeedbackStatus
FIELDS = ("unit_id", "received_date", "classify_due", "classified_at", "within_competence", "status", "due_date",
          "rejection_reason", "waiting_since", "resolution", "reopened_at", "handled_date", "citizen_level")
MEASURES = ("received", "within_competence", "transferred", "rejected", "set_apart", "due_in_period", "resolved",
            "handled", "handled_on_time", "citizen_rated", "citizen_satisfied", "overdue_change")
# Refused as something that is not a PAKN at all (NĐ 20/2008): counted in no PAKN figure, listed apart.
NOT_PAKN = frozenset({"complaint", "denunciation", "out_of_scope", "duplicate"})
# The steps that end a ticket at classification, judged by the classification deadline.
ENDED_AT_CLASSIFICATION = (S.TRANSFERRED, S.REJECTED)
DAY = timedelta(days=1)
REFUSE_WITHIN = 2  # QĐ 766 5.2: working days from receipt to refuse a PAKN
HANDLE_WITHIN = 15  # QĐ 766 5.2: working days from receipt (or the latest transfer) to handle it


def is_pakn(ticket: dict) -> bool:
    """False for a ticket refused as a complaint, a denunciation, out of scope or a duplicate."""
    return not (ticket["status"] == S.REJECTED and ticket["rejection_reason"] in NOT_PAKN)


def judged_deadline(ticket: dict) -> date:
    """The deadline of the step that ended (or will end) the ticket: classification for a transfer or a
    refusal for missing information, the due date for an answer within competence."""
    return ticket["classify_due"] if ticket["status"] in ENDED_AT_CLASSIFICATION else ticket["due_date"]


def handled_on_time(ticket: dict) -> bool | None:
    """On time or late once handled (None while open or when not a PAKN)."""
    if not is_pakn(ticket) or ticket["handled_date"] is None:
        return None
    return ticket["handled_date"] <= judged_deadline(ticket)


def is_resolved(ticket: dict) -> bool:
    """Resolved conclusively (xử lý dứt điểm): closed as resolved and not reopened since."""
    return (bool(ticket["within_competence"]) and ticket["resolution"] == Resolution.RESOLVED
            and ticket["reopened_at"] is None)


def _classified_on(ticket: dict) -> date | None:
    if ticket["status"] in ENDED_AT_CLASSIFICATION:
        return ticket["handled_date"]  # a transfer's date is the day it went, which may precede its recording
    moment: datetime | None = ticket["classified_at"]
    return local_date_of(moment) if moment is not None else None


def overdue_spans(ticket: dict) -> list[tuple[date, date | None]]:
    """The days the ticket stood open past a deadline, as [first, end) ranges (end None: still overdue).

    Unclassified after the classification deadline; in progress after the due date (reopened
    included) until handled. Waiting for the citizen pauses the clock: never overdue then.
    """
    if not is_pakn(ticket) or ticket["received_date"] is None:
        return []
    spans = []
    classified = _classified_on(ticket)
    if classified is None and ticket["status"] != S.RECEIVED:
        pass  # classified on a day not recorded (records from before classified_at was kept): judged by its due date
    elif classified is None or classified > ticket["classify_due"] + DAY:
        spans.append((ticket["classify_due"] + DAY, classified))
    if ticket["within_competence"] and ticket["status"] not in ENDED_AT_CLASSIFICATION:
        end = ticket["handled_date"]
        if end is None and ticket["status"] == S.WAITING:
            end = ticket["waiting_since"]
        if end is None or end > ticket["due_date"] + DAY:
            spans.append((ticket["due_date"] + DAY, end))
    return _merged(spans)


def _merged(spans: list[tuple[date, date | None]]) -> list[tuple[date, date | None]]:
    merged: list[tuple[date, date | None]] = []
    for first, end in sorted(spans):
        if merged and (merged[-1][1] is None or first <= merged[-1][1]):
            last_end = merged[-1][1]
            merged[-1] = (merged[-1][0], None if end is None or last_end is None else max(end, last_end))
        else:
            merged.append((first, end))
    return merged


def overdue_at(ticket: dict, cutoff: date) -> bool:
    """Open and overdue at the end of ``cutoff``: counted as not on time in that period."""
    return any(first <= cutoff and (end is None or cutoff < end) for first, end in overdue_spans(ticket))


def counts_satisfied(ticket: dict, cutoff: date) -> bool:
    """QĐ 766 indicator 5.3's numerator: not rated dissatisfied (the rating survives a reopening), not
    handled late, not open overdue at the cutoff, never reopened."""
    return (is_pakn(ticket) and ticket["citizen_level"] != Level.DISSATISFIED and ticket["reopened_at"] is None
            and handled_on_time(ticket) is not False and not overdue_at(ticket, cutoff))


def daily_counts(ticket: dict) -> Counter:
    """What one ticket adds to the daily totals, as {(unit_id, day, measure): count}."""
    unit, received, due, handled = (ticket["unit_id"], ticket["received_date"], ticket["due_date"],
                                    ticket["handled_date"])
    if unit is None or received is None or due is None or ticket["classify_due"] is None:
        return Counter()  # not a storable ticket: the flush itself refuses it
    if not is_pakn(ticket):
        return Counter({(unit, received, "set_apart"): 1})
    counts = Counter({(unit, received, "received"): 1})
    if ticket["within_competence"]:
        counts[unit, received, "within_competence"] += 1
        counts[unit, due, "due_in_period"] += 1
        counts[unit, due, "resolved"] += is_resolved(ticket)
    counts[unit, received, "transferred"] += ticket["status"] == S.TRANSFERRED
    counts[unit, received, "rejected"] += ticket["status"] == S.REJECTED
    if handled is not None:
        counts[unit, handled, "handled"] += 1
        counts[unit, handled, "handled_on_time"] += bool(handled_on_time(ticket))
        if ticket["citizen_level"] is not None:
            counts[unit, handled, "citizen_rated"] += 1
            counts[unit, handled, "citizen_satisfied"] += ticket["citizen_level"] != Level.DISSATISFIED
    for first, end in overdue_spans(ticket):
        counts[unit, first, "overdue_change"] += 1
        if end is not None:
            counts[unit, end, "overdue_change"] -= 1
    return Counter({key: count for key, count in counts.items() if count})


def handled_in_time(ticket: dict, calendar, cutoff: date) -> bool:
    """QĐ 766 indicator 5.2: refused within 2 working days of receipt, handled within 15; still being handled at
    the cutoff: on time while within those 15 days. Tickets here never arrive by transfer, so receipt starts the
    clock. ``calendar`` has ``add_working_days`` (the unit's hailong.workdays.WorkCalendar)."""
    received, handled = ticket["received_date"], ticket["handled_date"]
    if handled is not None and handled <= cutoff:
        limit = REFUSE_WITHIN if ticket["status"] == S.REJECTED else HANDLE_WITHIN
        return handled <= calendar.add_working_days(received, limit)
    return cutoff <= calendar.add_working_days(received, HANDLE_WITHIN)


def qd766_outcome(ticket: dict, calendar) -> dict:
    """The ticket's QĐ 766 5.1–5.3 outcome for every cutoff from ``qd766_settled_from`` on, as stored on it
    (with ``closed_resolved``, which no cutoff changes).

    Past its handling, its 15 working days, and the first and last day of each overdue span,
    no cutoff changes what ``handled_in_time`` and ``counts_satisfied`` say of the ticket, so
    group 5 counts those tickets in SQL and judges only the others (cutoff before that day).
    """
    received, handled = ticket["received_date"], ticket["handled_date"]
    if received is None or ticket["classify_due"] is None or ticket["due_date"] is None:
        received = None  # not a storable ticket: the flush itself refuses it
    if received is None or not is_pakn(ticket):
        return {"qd766_settled_from": received, "qd766_counted": False, "qd766_on_time": False,
                "qd766_satisfied": False, "closed_resolved": False}
    days = [received, handled if handled is not None else calendar.add_working_days(received, HANDLE_WITHIN) + DAY]
    for first, end in overdue_spans(ticket):
        days.extend([first] if end is None else [first, end])
    settled = max(days)
    return {"qd766_settled_from": settled, "qd766_counted": True,
            "qd766_on_time": handled_in_time(ticket, calendar, settled),
            "qd766_satisfied": counts_satisfied(ticket, settled), "closed_resolved": closed_resolved(ticket)}


def closed_resolved(ticket: dict) -> bool:
    """Closed as resolved conclusively: counted in the resolved rate of a period it was handled in before a
    due date after that period's cutoff (hailong.figures reads it from the stored flag)."""
    return ticket["status"] == S.CLOSED and is_pakn(ticket) and is_resolved(ticket)
