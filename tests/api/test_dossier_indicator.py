"""QĐ 766 indicator 5.4: taps and PAKN naming a dossier move it exactly as the formula says."""
import uuid
from datetime import timedelta

import pytest

from hailong import dossiers
from tests.dossier_data import csv_bytes, register_rows
from tests.factories import local, today

MARCH = "/api/v1/stats?from=2026-03-01&to=2026-03-31&unit=XA01"
_moments = iter(local(2026, 3, 20, 8) + timedelta(hours=n) for n in range(1000))


def tap(client, world, code, level="dissatisfied"):
    body = {"id": str(uuid.uuid4()), "level": level, "tapped_at": next(_moments).isoformat(), "dossier_code": code}
    response = client.post("/api/v1/ratings", json=body, headers={"Authorization": f"Bearer {world.token}"})
    assert response.status_code == 201 and not response.json["suspect"], response.json


def indicator(client) -> dict:
    return client.get(MARCH).json["qd766"]["5.4"]


def expected(n, late, flagged) -> dict:
    """The formula, rounded as the API rounds every QĐ 766 figure (ratio to 4 places, score to 2)."""
    ratio = max(0.0, 1 - late / n - flagged / n)
    return {"numerator": max(0, n - late - flagged), "denominator": n, "late": late, "flagged": flagged,
            "ratio": round(ratio, 4), "score": round(6 if ratio >= 0.9 else ratio * 6 / 0.9, 2), "max_score": 6}


@pytest.fixture
def register(session, world):
    # 10 dossiers received 2-11 March: 3 and 7 returned late, 4 and 9 still open past their appointment.
    dossiers.import_register(session, world.unit, "r.csv", csv_bytes(register_rows(10)))
    session.commit()


def test_taps_with_dossier_codes_move_5_4_by_the_formula(client, session, world, register):
    assert indicator(client) == expected(10, 4, 0)  # 60%: 4 of 6 points
    tap(client, world, "H01-0001")
    assert indicator(client) == expected(10, 4, 1)
    tap(client, world, "h01-0001")  # a second dissatisfied tap (typed in small letters): still one dossier
    tap(client, world, "H01-0002", "satisfied")
    tap(client, world, "H01-0003", "very_satisfied")
    assert indicator(client) == expected(10, 4, 1)
    tap(client, world, "H01-0004")  # late and rated dissatisfied: both shares count it, as the formula says
    assert indicator(client) == expected(10, 4, 2)
    for n in (5, 6, 7, 8, 9):
        tap(client, world, f"H01-{n:04d}")
    assert indicator(client) == expected(10, 4, 7) | {"ratio": 0.0, "score": 0.0}


def test_a_tap_before_its_dossier_is_imported_links_when_it_arrives(client, session, world, register):
    tap(client, world, "H01-0011")
    assert indicator(client) == expected(10, 4, 0)
    dossiers.import_register(session, world.unit, "r.csv", csv_bytes(register_rows(11)))
    session.commit()
    assert indicator(client) == expected(11, 4, 1)


def test_full_points_from_90_percent_and_suspect_taps_do_not_count(client, session, world):
    rows = register_rows(10)
    for row in rows:  # all returned on time
        row[7] = row[6]
    dossiers.import_register(session, world.unit, "r.csv", csv_bytes(rows))
    session.commit()
    body = {"id": str(uuid.uuid4()), "level": "dissatisfied", "tapped_at": local(2026, 3, 20, 8).isoformat(),
            "dossier_code": "H01-0002"}
    headers = {"Authorization": f"Bearer {world.token}"}
    client.post("/api/v1/ratings", json=body, headers=headers)
    client.post("/api/v1/ratings", json=body | {"id": str(uuid.uuid4()), "dossier_code": "H01-0003"}, headers=headers)
    result = indicator(client)  # the second tap came at the same second on the same kiosk: suspect
    assert result == expected(10, 0, 1) and result["ratio"] == pytest.approx(0.9) and result["score"] == 6


def test_a_pakn_naming_a_dossier_flags_it(client, session, world, register):
    response = client.post("/api/v1/feedback", json={
        "kind": "phan_anh", "content": "Hồ sơ khai sinh của tôi bị yêu cầu bổ sung giấy tờ ba lần.",
        "anonymous": True, "consent": False, "dossier_code": " h01-0002 "})
    assert response.status_code == 201, response.json
    # the PAKN was received today, after March: it names the dossier only from its own date on
    assert indicator(client) == expected(10, 4, 0)
    # "today" is the commune's date (UTC+7), not the server's: from 17:00 UTC they differ
    so_far = client.get(f"/api/v1/stats?from=2026-03-01&to={today()}&unit=XA01").json["qd766"]["5.4"]
    assert so_far["flagged"] == 1


def test_open_dossiers_not_yet_due_at_the_cutoff_are_not_late(client, session, world, register):
    # Period ending 8 March: dossier 4 (due 9 March, open) is not late yet; dossier 3 was returned on the 10th.
    result = client.get("/api/v1/stats?from=2026-03-01&to=2026-03-08&unit=XA01").json["qd766"]["5.4"]
    assert result == expected(7, 0, 0)


def test_no_dossiers_no_ratio(client, world):
    assert indicator(client) == {"numerator": 0, "denominator": 0, "late": 0, "flagged": 0, "ratio": None,
                                 "score": None, "max_score": 6}
