"""Biểu II.06a and indicator 5.4 rules on any register: the columns always add up, lateness is as at the cutoff."""
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hailong import dossier_figures, dossiers
from hailong.figures import Period
from models import Dossier

START, END = date(2026, 4, 1), date(2026, 6, 30)


@st.composite
def a_dossier(draw):
    received = draw(st.dates(date(2026, 1, 1), date(2026, 6, 30)))
    due = received + timedelta(days=draw(st.integers(0, 30)))
    returned = draw(st.one_of(st.none(), st.integers(0, 60).map(lambda n: received + timedelta(days=n))))
    return Dossier(unit_id=1, code=str(draw(st.uuids())), procedure_name="P", procedure_code="1", received_on=received,
                   due_on=due, returned_on=returned, area_name=draw(st.sampled_from(["Hộ tịch", "Đất đai", ""])),
                   channel=draw(st.sampled_from([None, "online", "in_person", "post"])))


def pool_of(register, cutoff):
    """What the report reads: received by the cutoff and not returned before the period began."""
    return [d for d in register if d.received_on <= cutoff and (d.returned_on is None or d.returned_on >= START)]


# The app only lends a request context for the labels; nothing in it changes between examples.
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(a_dossier(), max_size=40), st.dates(date(2026, 4, 1), date(2026, 8, 1)))
def test_ii06a_columns_add_up(app, register, today):
    cutoff = min(END, today)
    with app.test_request_context():
        rows = dossier_figures.ii06a(None, [1], Period(START, END), today, pool_of(register, cutoff))
    for row in rows:
        assert row["received"] == row["online"] + row["direct"] + row["carried"] == row["resolved"] + row["pending"]
        assert row["resolved"] == row["early"] + row["on_time"] + row["late"]
        assert row["pending"] == row["within"] + row["overdue"]
    total = rows[-1]
    assert total["received"] == len(pool_of(register, cutoff))
    assert total["carried"] == sum(1 for d in pool_of(register, cutoff) if d.received_on < START)


@given(a_dossier(), st.dates(date(2026, 1, 1), date(2026, 12, 31)))
def test_late_is_judged_as_known_at_the_cutoff(dossier, cutoff):
    returned_by_cutoff = dossier.returned_on is not None and dossier.returned_on <= cutoff
    expected = dossier.returned_on > dossier.due_on if returned_by_cutoff else dossier.due_on < cutoff
    assert dossiers.is_late(dossier, cutoff) == expected
    if dossier.returned_on is not None and dossier.returned_on <= dossier.due_on:
        assert not dossiers.is_late(dossier, max(cutoff, dossier.returned_on))  # returned in time: never late after


@given(st.floats(0, 1))
def test_score_is_full_from_90_percent_and_proportional_below(ratio):
    score = dossiers.score_of(ratio)
    assert score == (6 if ratio >= 0.9 else ratio * 6 / 0.9) and 0 <= score <= 6
