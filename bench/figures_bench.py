"""Server time of the dashboards, reports and /api/v1/stats on a province's year of data.

    DATABASE_URL=... flask --app wsgi init-db && flask --app wsgi demo-data --scale province
    DATABASE_URL=... python bench/figures_bench.py [--rounds 5]

Requests go through the WSGI app in-process (Flask's test client), so the times are the
server's own: routing, queries, templates and charts, without a network. Prints the median,
the 95th percentile and the worst of each page for a commune's leader and for the province's
viewer, and the time of reading the province's totals alone (what its pages are compared with).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import Session, select  # noqa: E402

from hailong import create_app, users  # noqa: E402
from hailong.config import Config  # noqa: E402
from models import Role, Unit, User, local_date_of, utcnow  # noqa: E402

PASSWORD = "bench-password-2025"
BUDGET_MS = 300


def ensure_user(session: Session, username: str, role: Role, unit: Unit) -> None:
    if session.exec(select(User).where(User.username == username)).first() is None:
        users.create_user(session, username=username, password=PASSWORD, role=role, unit_id=unit.id, full_name=username)
        session.commit()


CLOCK = time.perf_counter  # --cpu: this process's CPU time, which other work on a shared machine does not stretch


def timed(client, url: str, rounds: int) -> tuple[list[float], int]:
    client.get(url)  # warm: templates compiled, caches filled, as on a running server
    times = []
    for _ in range(rounds):
        started = CLOCK()
        response = client.get(url)
        times.append((CLOCK() - started) * 1000)
    return times, response.status_code


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20, method="inclusive")[18] if len(times) > 1 else times[0]


def _row(who: str, what: str, times: list[float], status="") -> str:
    return (f"{who:16} {what:52} {statistics.median(times):7.0f}ms {p95(times):7.0f}ms {max(times):7.0f}ms  "
            f"{status}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cpu", action="store_true", help="time this process's CPU, not the wall clock "
                        "(SQLite only: PostgreSQL's work is in its server)")
    args = parser.parse_args()
    global CLOCK
    CLOCK = time.process_time if args.cpu else time.perf_counter
    config = Config.from_env().replace(env="testing", wtf_csrf_enabled=False, secret_key="bench-secret-key-" + "x" * 32,
                                       session_cookie_secure=False, ratelimit_storage_uri="memory://")
    app = create_app(config)
    app.config["RATELIMIT_ENABLED"] = False
    with Session(app.extensions["db_engine"], expire_on_commit=False) as session:
        province = session.exec(select(Unit).where(Unit.code == "PROV-LON")).first()
        if province is None:
            print("Run `flask --app wsgi demo-data --scale province` first.")
            return 2
        commune = session.exec(select(Unit).where(Unit.parent_id == province.id).order_by(Unit.code)).first()
        ensure_user(session, "bench.leader", Role.LEADER, commune)
        ensure_user(session, "bench.province", Role.VIEWER, province)
        from models import Feedback, Rating
        from sqlmodel import func
        counts = (session.exec(select(func.count()).select_from(Rating)).one(),
                  session.exec(select(func.count()).select_from(Feedback)).one())
    print(f"database: {app.extensions['db_engine'].dialect.name}; {counts[0]:,} ratings, {counts[1]:,} tickets; "
          f"{'CPU' if args.cpu else 'wall'} time")
    year = local_date_of(utcnow()).year
    pages = {
        "bench.leader": ["/admin?kind=year", "/admin?kind=quarter", "/admin/reports?kind=year",
                         "/admin/reports.xlsx?kind=year",
                         f"/admin/officials/{_first_official(app, commune)}?kind=year"],
        "bench.province": ["/admin?kind=year", "/admin?kind=quarter", "/admin/reports?kind=year",
                           "/admin/reports.xlsx?kind=year", "/admin/reports?kind=nine",
                           # ragged ends: whole months from the monthly totals, the rest from the daily ones
                           f"/admin/reports?kind=custom&from={year}-01-15&to={year}-11-20",
                           f"/admin?kind=year&unit={commune.code}"],
        None: ["/api/v1/stats", f"/api/v1/stats?unit={province.code}", f"/api/v1/stats?unit={commune.code}",
               f"/public?unit={province.code}", f"/public?unit={commune.code}"],
    }
    worst = 0.0
    print(f"{'who':16} {'page':52} {'median':>8} {'p95':>8} {'max':>8}  status")
    for who, urls in pages.items():
        client = app.test_client()
        if who:
            client.post("/admin/login", data={"username": who, "password": PASSWORD})
        for url in urls:
            times, status = timed(client, url, args.rounds)
            worst = max(worst, statistics.median(times))
            print(_row(who or "public", url, times, status))
    times = _timed_group5(app, province, args.rounds)
    worst = max(worst, statistics.median(times))
    print(_row("qd766.group5", "province, this year (report and /api/v1/stats share it)", times))
    print(_row("totals only", "province, this year and its months (ratings, PAKN)", _timed_totals(app, province,
                                                                                                   args.rounds)))
    print(f"slowest median {worst:.0f} ms; budget {BUDGET_MS} ms: {'met' if worst < BUDGET_MS else 'NOT met'}")
    return 0 if worst < BUDGET_MS else 1


def _timed_totals(app, province: Unit, rounds: int) -> list[float]:
    """Reading the province's totals for its year and months, nothing else: its pages' floor."""
    from hailong import figures, reporting

    today = local_date_of(utcnow())
    year = figures.Period.year_of(today)
    periods = [year, *year.months()]
    times = []
    with Session(app.extensions["db_engine"]) as session:
        unit_ids = reporting.descendants(session, province.id)
        for _ in range(rounds + 1):
            session.info.pop("rating_totals", None)  # read again each round, as a new request would
            started = CLOCK()
            figures.rating_totals(session, unit_ids, periods)
            figures.feedback_figures_multi(session, unit_ids, periods, today=today, by_unit=True)
            times.append((CLOCK() - started) * 1000)
    return times[1:]


def _timed_group5(app, province: Unit, rounds: int) -> list[float]:
    """QĐ 766 group 5 on its own, the province's year: the report page and /api/v1/stats each call it once,
    so its time shows how much of theirs it takes."""
    from datetime import date

    from hailong import qd766, reporting

    today = local_date_of(utcnow())
    start, end = date(today.year, 1, 1), date(today.year, 12, 31)
    with Session(app.extensions["db_engine"]) as session:
        unit_ids = reporting.descendants(session, province.id)
        qd766.group5(session, unit_ids, start, end, today)  # warm, as the pages are
        times = []
        for _ in range(rounds):
            started = CLOCK()
            qd766.group5(session, unit_ids, start, end, today)
            times.append((CLOCK() - started) * 1000)
    return times


def _first_official(app, commune) -> int:
    from models import Official

    with Session(app.extensions["db_engine"]) as session:
        return session.exec(select(Official.id).where(Official.unit_id == commune.id).order_by(Official.id)).first()


if __name__ == "__main__":
    raise SystemExit(main())
