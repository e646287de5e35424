"""What writing one rating costs, against a bare Flask + SQLite insert endpoint (DESIGN.md budget).

    .venv/bin/python bench/write_bench.py [--taps 500]

Both apps run in this process through Flask's test client, on throw-away SQLite files with
the same pragmas (WAL, synchronous=NORMAL), in the same run and interleaved, so the machine's
load falls on both alike. The bare endpoint parses the JSON body and inserts one row; Hài Lòng's
checks the kiosk's token, validates and attributes the tap, applies the suspect rules, stores
it and keeps the daily and monthly totals exact in the same transaction.
"""
from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import Flask, jsonify, request  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

from hailong import create_app  # noqa: E402
from models import LOCAL_TZ  # noqa: E402
from tests.conftest import test_config  # noqa: E402
from tests.factories import world  # noqa: E402


def bare_app(path: str) -> Flask:
    """The least a rating endpoint can do: parse JSON, insert a row, commit (on a kept connection,
    as SQLAlchemy's pool keeps Hài Lòng's)."""
    app = Flask("bare")
    connection = sqlite3.connect(path, check_same_thread=False)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL"):
        connection.execute(f"PRAGMA {pragma}")
    connection.execute("CREATE TABLE rating (id TEXT PRIMARY KEY, level TEXT NOT NULL, tapped_at TEXT NOT NULL)")

    @app.post("/api/v1/ratings")
    def rate():
        body = request.get_json()
        connection.execute("INSERT INTO rating VALUES (?, ?, ?)", (body["id"], body["level"], body["tapped_at"]))
        connection.commit()
        return jsonify(id=body["id"]), 201

    return app


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--taps", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ours = create_app(test_config(f"sqlite:///{tmp}/hailong.sqlite", upload_dir=f"{tmp}/uploads"))
        ours.config["RATELIMIT_ENABLED"] = False
        SQLModel.metadata.create_all(ours.extensions["db_engine"])
        with Session(ours.extensions["db_engine"]) as session:
            token = world(session).token
        clients = {"bare Flask + SQLite insert": bare_app(f"{tmp}/bare.sqlite").test_client(),
                   "Hài Lòng POST /api/v1/ratings": ours.test_client()}
        headers = {"Authorization": f"Bearer {token}"}
        times = {name: [] for name in clients}
        start = datetime.now(LOCAL_TZ).replace(hour=8, minute=0, second=0, microsecond=0)
        for index in range(args.taps + 20):  # the first 20 warm both up and are not counted
            # A minute apart in opening hours: counted taps, not suspect ones.
            body = {"id": str(uuid.uuid4()), "level": "satisfied",
                    "tapped_at": (start + timedelta(minutes=index % 540)).isoformat()}
            for name, client in clients.items():
                began = time.perf_counter()
                response = client.post("/api/v1/ratings", json=body, headers=headers)
                elapsed = (time.perf_counter() - began) * 1000
                if response.status_code not in (200, 201):
                    print(f"{name}: {response.status_code} {response.get_data(as_text=True)[:200]}")
                    return 2
                if index >= 20:
                    times[name].append(elapsed)
        ours.extensions["db_engine"].dispose()
    medians = {}
    for name, values in times.items():
        ordered = sorted(values)
        medians[name] = statistics.median(ordered)
        print(f"{name:32} median {medians[name]:5.2f} ms, p95 {ordered[int(0.95 * len(ordered)) - 1]:5.2f} ms "
              f"(n={len(ordered)})")
    bare, full = medians.values()
    print(f"one rating costs {full - bare:.2f} ms more than the bare insert ({full / bare:.1f}×)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
