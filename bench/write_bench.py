"""What writing a rating costs under gunicorn, against a bare Flask insert endpoint (DESIGN.md budget).

    .venv/bin/python bench/write_bench.py [--seconds 10] [--databases sqlite,postgresql]
        [--workers sync,gthread] [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
        [--prefix bench15_NAME]
    .venv/bin/python bench/write_bench.py --profile     # cProfile of single taps, in-process
    .venv/bin/python bench/write_bench.py --profile 1000 --profile-batch    # … of batches of 50

For each database and gunicorn worker class (2 workers; gthread with 4 threads each), in the
same run: a bare Flask app that parses the same JSON and inserts one row (or, for a batch,
executemany of the same rows) into the same ``rating`` table, on a kept connection with the
same SQLite pragmas; then Hài Lòng, which checks the kiosk's token, attributes the tap,
applies the suspect rules and keeps the daily and monthly totals exact in the same
transaction. ``wrk`` (a Debian package: ``apt-get install -y wrk`` when missing) drives both
from loopback with 16 connections for a fixed time, posting taps with unique ids spread over
the past year. Afterwards the stored rows must equal the 201 answers (nothing lost or doubled)
and no request may have failed. ``--prefix`` names the PostgreSQL databases it drops and
re-creates: give your own on a shared server.

It prints requests per second, bare ÷ app, the workers' CPU per tap and their memory.
"""
from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BATCH = 50
TICKS = os.sysconf("SC_CLK_TCK")
LOCAL = timezone(timedelta(hours=7))

# wrk's script: each thread numbers its own taps, so ids never repeat across threads and runs.
WRK_LUA = r"""
counter, created, failed = 0, 0, 0  -- globals: done() reads them per thread
local run = tonumber(os.getenv("BENCH_RUN"))
local batch = tonumber(os.getenv("BENCH_BATCH"))
local threads = {}
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  math.randomseed(run * 100 + tid)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
end
local function tap()
  counter = counter + 1
  -- Spread over the past year, at any hour: totals touch many days, few taps fall within 3 s.
  local at = os.time() - math.random(60, 365 * 86400)
  local levels = {"very_satisfied", "satisfied", "satisfied", "dissatisfied"}
  return string.format('{"id":"%08x-%04x-4000-8000-%012x","level":"%s","tapped_at":"%s+07:00"}',
    run, tid, counter, levels[math.random(1, 4)], os.date("!%Y-%m-%dT%H:%M:%S", at + 7 * 3600))
end
function request()
  if batch == 0 then
    return wrk.format(nil, nil, nil, tap())
  end
  local items = {}
  for i = 1, batch do items[i] = tap() end
  return wrk.format(nil, nil, nil, "[" .. table.concat(items, ",") .. "]")
end
function response(status, headers, body)
  if status == 201 or (batch > 0 and status == 200) then
    created = created + 1
  else
    failed = failed + 1
  end
end
function done(summary, latency, requests)
  local ok, bad = 0, 0
  for _, thread in ipairs(threads) do
    ok = ok + thread:get("created")
    bad = bad + thread:get("failed")
  end
  io.write(string.format("BENCH %d %d %d %d %d\n", ok, bad, summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout, summary.errors.status, summary.requests))
  io.write(string.format("LATENCY %.2f %.2f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


# --- the bare endpoint (served by gunicorn as 'write_bench:bare_app()') --------------------------


def bare_app():
    """The least a rating endpoint can do: parse JSON, insert the row(s), commit, on a kept connection."""
    from flask import Flask, jsonify, request

    app = Flask("bare")
    url = os.environ["BENCH_DATABASE_URL"]
    local = threading.local()  # a connection per thread, as SQLAlchemy's pool gives gthread workers

    def connection():
        if not hasattr(local, "connection"):
            local.connection = _bare_connect(url)
        return local.connection

    @app.post("/api/v1/ratings")
    def rate():
        body = request.get_json()
        db = connection()
        db.execute(_bare_insert(url), _bare_row(body, url))
        db.commit()
        return jsonify(id=body["id"]), 201

    @app.post("/api/v1/ratings/batch")
    def rate_batch():
        items = request.get_json()
        db = connection()
        db.cursor().executemany(_bare_insert(url), [_bare_row(item, url) for item in items])
        db.commit()
        return jsonify(results=[{"status": 201, "id": item["id"]} for item in items]), 200

    return app


def _bare_connect(url):
    if url.startswith("sqlite"):
        import sqlite3

        connection = sqlite3.connect(url.split("///", 1)[1], timeout=15, check_same_thread=False)
        for pragma in ("journal_mode=WAL", "busy_timeout=15000", "foreign_keys=ON", "synchronous=NORMAL"):
            connection.execute(f"PRAGMA {pragma}")
        return connection
    import psycopg

    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))


def _bare_insert(url):
    mark = "?" if url.startswith("sqlite") else "%s"
    columns = ("client_id", "body_hash", "unit_id", "channel", "level", "reasons", "criteria", "tapped_at",
               "received_at", "local_date", "suspect", "suspect_reasons")
    return f"INSERT INTO rating ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"


def _bare_row(body, url):
    tapped_at = datetime.fromisoformat(body["tapped_at"])
    now = datetime.now(timezone.utc)
    client_id = uuid.UUID(body["id"])
    if url.startswith("sqlite"):  # as SQLAlchemy stores them there
        utc = tapped_at.astimezone(timezone.utc)
        return (client_id.hex, "", 1, "kiosk", body["level"], "[]", "{}", utc.isoformat(" ")[:26],
                now.isoformat(" ")[:26], tapped_at.astimezone(LOCAL).date().isoformat(), False, "[]")
    return (client_id, "", 1, "kiosk", body["level"], "[]", "{}", tapped_at, now,
            tapped_at.astimezone(LOCAL).date(), False, "[]")


# --- databases -----------------------------------------------------------------------------------


def fresh_database(kind: str, name: str, tmp: str, pg_url: str) -> str:
    """An empty database with Hài Lòng's schema; returns its URL."""
    import sqlalchemy as sa
    from sqlmodel import SQLModel

    import models  # noqa: F401  (registers the tables)

    if kind == "sqlite":
        url = f"sqlite:///{tmp}/{name}.sqlite"
    else:
        admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
        admin.dispose()
        url = pg_url.rsplit("/", 1)[0] + "/" + name
    from hailong.db import make_engine

    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    return url


def seed(url: str) -> str:
    """A commune with a desk, an official and a paired kiosk; returns the kiosk's token."""
    from sqlmodel import Session

    from hailong.db import make_engine
    from tests.factories import world

    engine = make_engine(url)
    with Session(engine) as session:
        token = world(session).token
    engine.dispose()
    return token


def count_rows(url: str) -> int:

    from hailong.db import make_engine

    engine = make_engine(url)
    with engine.connect() as connection:
        count = connection.exec_driver_sql("SELECT count(*) FROM rating").scalar()
    engine.dispose()
    return count


# --- gunicorn and wrk ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn on loopback, 2 workers; its workers' CPU time and memory can be read."""

    def __init__(self, target: str, url: str, worker_class: str, chdir: Path):
        self.port = free_port()
        env = dict(os.environ, DATABASE_URL=url, BENCH_DATABASE_URL=url, HAILONG_ENV="production",
                   SECRET_KEY=secrets.token_hex(32), SESSION_COOKIE_SECURE="0", PYTHONPATH=str(ROOT))
        threads = ["--threads", "4"] if worker_class == "gthread" else []
        gunicorn = Path(sys.executable).parent / "gunicorn"  # the venv's, wherever the checkout is
        self.process = subprocess.Popen(
            [str(gunicorn), "-w", "2", "-k", worker_class, *threads, "--chdir", str(chdir),
             "-b", f"127.0.0.1:{self.port}", "--log-level", "warning", "--preload", target],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self._wait_listening()

    def _wait_listening(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.process.stderr.read()[-2000:]}")
            # --preload: the app is imported before the fork, so a worker that answers is ready.
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0 and len(self.workers()) == 2:
                    probe.sendall(b"GET /api/v1/ratings HTTP/1.0\r\n\r\n")
                    if probe.recv(12).startswith(b"HTTP/1."):
                        return
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not start listening")

    def workers(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def cpu_seconds(self) -> float:
        total = 0
        for pid in self.workers():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / TICKS

    def rss_mb(self) -> list[int]:
        sizes = []
        for pid in self.workers():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) // 1024)
        return sizes

    def stop(self) -> str:
        # QUIT: gunicorn's quick shutdown; requests still waiting for a lock are not waited for.
        self.process.send_signal(signal.SIGQUIT)
        try:
            return self.process.communicate(timeout=30)[1]
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.communicate()[1] + "\n(killed: it did not stop within 30 s)"


def drive(server: Server, path: str, token: str, seconds: int, connections: int, batch: int, run: int,
          script: str) -> dict:
    """Run wrk against ``path``; returns requests/s, successes, failures and the workers' CPU."""
    cpu_before = server.cpu_seconds()
    env = dict(os.environ, BENCH_TOKEN=token, BENCH_BATCH=str(batch), BENCH_RUN=str(run))
    result = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s", "-s", script,
         f"http://127.0.0.1:{server.port}{path}"],
        env=env, capture_output=True, text=True, timeout=seconds + 60)
    if result.returncode:
        raise RuntimeError(f"wrk failed: {result.stdout[-1000:]} {result.stderr[-1000:]}")
    cpu = server.cpu_seconds() - cpu_before
    line = next(line for line in result.stdout.splitlines() if line.startswith("BENCH "))
    ok, bad, socket_errors, non_2xx, requests = map(int, line.split()[1:])
    p50, p99 = map(float, next(row for row in result.stdout.splitlines() if row.startswith("LATENCY ")).split()[1:])
    return {"ok": ok, "failed": bad + socket_errors + non_2xx, "requests": requests, "rps": requests / seconds,
            "taps": ok * (batch or 1), "cpu": cpu, "p50": p50, "p99": p99}


# --- the run ---------------------------------------------------------------------------------------


def measure(kind: str, worker_class: str, args, tmp: str, script: str, run: int) -> list[dict]:
    rows = []
    suffix = f"{kind[:2]}_{worker_class}"
    bare_url = fresh_database(kind, f"{args.prefix}_bare_{suffix}", tmp, args.pg_url)
    app_url = fresh_database(kind, f"{args.prefix}_app_{suffix}", tmp, args.pg_url)
    token = seed(app_url)
    seed(bare_url)  # the unit the bare rows name, so its foreign key holds
    results = {}
    for name, target, url, chdir in (("bare", "write_bench:bare_app()", bare_url, ROOT / "bench"),
                                     ("app", "wsgi:app", app_url, ROOT)):
        server = Server(target, url, worker_class, chdir)
        try:
            run += 1  # a second's warm-up (lazy imports, pools, caches), its taps checked but not timed
            warm = drive(server, "/api/v1/ratings", token, 1, args.connections, 0, run, script)
            for endpoint, batch in (("/api/v1/ratings", 0), ("/api/v1/ratings/batch", args.batch)):
                run += 1
                results[name, endpoint] = drive(server, endpoint, token, args.seconds, args.connections, batch,
                                                run, script)
            rss = server.rss_mb()
        finally:
            errors = server.stop()
        check(f"{kind} {worker_class} {name}", count_rows(url), [warm] + [results[name, e] for e in ENDPOINTS],
              args.connections * args.batch, errors)
        for endpoint in ("/api/v1/ratings", "/api/v1/ratings/batch"):
            results[name, endpoint]["rss"] = rss
    for endpoint in ("/api/v1/ratings", "/api/v1/ratings/batch"):
        bare, app = results["bare", endpoint], results["app", endpoint]
        rows.append({"database": kind, "workers": worker_class, "endpoint": endpoint, "app": app, "bare": bare})
    return rows


ENDPOINTS = ("/api/v1/ratings", "/api/v1/ratings/batch")


def check(label: str, stored: int, runs: list[dict], in_flight: int, server_log: str) -> None:
    """Nothing lost, nothing doubled, nothing failed: every 201 is a row, and at most the
    requests still in flight when wrk stopped (answered after it stopped counting) are more."""
    answered = sum(run["taps"] for run in runs)
    failures = sum(run["failed"] for run in runs)
    if not answered <= stored <= answered + 2 * in_flight or failures or "locked" in server_log:
        print(f"!! {label}: {stored} rows stored for {answered} taps answered 201, {failures} failed requests; "
              f"{server_log[-500:]}")


def report(rows: list[dict]) -> None:
    print("| database, workers | endpoint | app req/s | bare req/s | bare ÷ app | app ÷ bare | CPU per tap app / bare "
          "| p50 app / bare | worker RSS app / bare |")
    print("|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        app, bare = row["app"], row["bare"]
        cpu_app = 1000 * app["cpu"] / max(app["taps"], 1)
        cpu_bare = 1000 * bare["cpu"] / max(bare["taps"], 1)
        print(f"| {row['database']}, {row['workers']} | "
              f"{row['endpoint']}{'' if 'batch' not in row['endpoint'] else f' ×{BATCH}'} "
              f"| {app['rps']:.0f} | {bare['rps']:.0f} | {bare['rps'] / max(app['rps'], 0.01):.2f}× "
              f"| {app['rps'] / max(bare['rps'], 0.01):.2f} | {cpu_app:.2f} / {cpu_bare:.2f} ms "
              f"| {app['p50']:.1f} / {bare['p50']:.1f} ms | {'+'.join(map(str, app['rss']))} / "
              f"{'+'.join(map(str, bare['rss']))} MB |")
    sys.stdout.flush()


def profile(taps: int, batch: int = 0) -> None:
    """cProfile of ``taps`` single taps (or of batches of ``batch`` taps) through the app in this process (SQLite)."""
    import cProfile
    import pstats

    from hailong import create_app
    from tests.conftest import test_config

    with tempfile.TemporaryDirectory() as tmp:
        url = fresh_database("sqlite", "profile", tmp, "")
        token = seed(url)
        app = create_app(test_config(url, upload_dir=f"{tmp}/uploads"))
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        start = datetime.now(LOCAL) - timedelta(days=1)
        bodies = [{"id": str(uuid.uuid4()), "level": "satisfied",
                   "tapped_at": (start - timedelta(minutes=7 * index)).isoformat()} for index in range(taps + 50)]
        for body in bodies[:50]:
            client.post("/api/v1/ratings", json=body, headers=headers)
        profiler = cProfile.Profile()
        began = time.perf_counter()
        profiler.enable()
        if batch:
            for first in range(50, len(bodies), batch):
                answer = client.post("/api/v1/ratings/batch", json=bodies[first:first + batch], headers=headers)
                assert {item["status"] for item in answer.json["results"]} == {201}
        else:
            for body in bodies[50:]:
                assert client.post("/api/v1/ratings", json=body, headers=headers).status_code == 201
        profiler.disable()
        print(f"{taps} taps in process: {1000 * (time.perf_counter() - began) / taps:.2f} ms per tap under cProfile")
        stats = pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_SORT", "cumulative"))
        stats.print_stats(40)
        app.extensions["db_engine"].dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--batch", type=int, default=BATCH)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--workers", default="sync,gthread")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL",
                                                           "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--prefix", default="bench15",
                        help="names of the PostgreSQL databases it drops and creates (one per engineer)")
    parser.add_argument("--profile", type=int, nargs="?", const=300, default=0,
                        help="profile this many taps in process instead (cProfile)")
    parser.add_argument("--profile-batch", action="store_true", help="with --profile: post them in batches")
    args = parser.parse_args()
    if args.profile:
        profile(args.profile, args.batch if args.profile_batch else 0)
        return 0
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        script = f"{tmp}/taps.lua"
        Path(script).write_text(WRK_LUA)
        run = int(time.time()) % 100_000 * 10
        for kind in args.databases.split(","):
            for worker_class in args.workers.split(","):
                rows.extend(measure(kind, worker_class, args, tmp, script, run))
                run += 10
                report(rows[-2:])
    print()
    report(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
