import uuid

import pytest

from models import Level, Rating, local_date_of
from tests.factories import local


def add(session, world, moment, level, suspect=False):
    session.add(Rating(client_id=uuid.uuid4(), body_hash="x", unit_id=world.unit.id, level=level, tapped_at=moment,
                       local_date=local_date_of(moment), suspect=suspect))


def test_stats_count_the_period_by_local_date(client, session, world):
    add(session, world, local(2026, 5, 31, 23, 30), Level.DISSATISFIED)
    add(session, world, local(2026, 6, 1, 0, 5), Level.VERY_SATISFIED)
    add(session, world, local(2026, 6, 30, 23, 55), Level.SATISFIED)
    add(session, world, local(2026, 6, 10), Level.DISSATISFIED)
    add(session, world, local(2026, 6, 10, 9, 0, 1), Level.SATISFIED, suspect=True)
    session.commit()
    response = client.get(f"/api/v1/stats?from=2026-06-01&to=2026-06-30&unit={world.unit.code}")
    assert response.status_code == 200
    ratings = response.json["ratings"]
    assert ratings == {"total": 3, "very_satisfied": 1, "satisfied": 1, "dissatisfied": 1, "suspect_excluded": 1,
                       "satisfaction_rate": pytest.approx(0.6667, abs=1e-4)}
    feedback = response.json["feedback"]
    assert feedback["received"] == 0 and feedback["on_time_rate"] is None and feedback["resolved_rate"] is None
    assert response.json["targets"] == {"satisfaction": 0.95, "sector_satisfaction": 0.9,
                                        "feedback_resolved": 0.95, "feedback_on_time": 1.0}


def test_empty_period_has_null_rate(client, world):
    response = client.get("/api/v1/stats?from=2020-01-01&to=2020-01-31")
    assert response.json["ratings"]["total"] == 0
    assert response.json["ratings"]["satisfaction_rate"] is None


@pytest.mark.parametrize("query, field", [("from=2026-02-30", "from"), ("to=tomorrow", "to"),
                                          ("from=2026-06-02&to=2026-06-01", "to"),
                                          ("from=2010-01-01&to=2026-01-01", "to")])
def test_bad_periods(client, world, query, field):
    response = client.get(f"/api/v1/stats?{query}")
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]


def test_unknown_unit(client, world):
    response = client.get("/api/v1/stats?unit=NOPE")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "unknown_unit"


def test_the_whole_five_year_plan_is_one_period(client, world):
    response = client.get("/api/v1/stats?from=2021-01-01&to=2025-12-31")
    assert response.status_code == 200
    assert response.json["ratings"]["total"] == 0


@pytest.mark.parametrize("query", ["from=2021-01-01&to=2026-01-01", "from=2020-02-29&to=2025-03-01"])
def test_more_than_five_years_is_refused_with_a_clear_message(client, world, query):
    response = client.get(f"/api/v1/stats?{query}")
    assert response.status_code == 422
    assert "tối đa là 5 năm" in response.json["error"]["fields"]["to"]
    english = client.get(f"/api/v1/stats?{query}&lang=en")
    assert english.status_code == 422 and "5 years" in english.json["error"]["fields"]["to"]
