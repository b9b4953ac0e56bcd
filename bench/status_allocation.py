"""Print an interactive award's latency while a bulk run of the same issuer is signing.

Run: ``make bench`` or ``.venv/bin/python bench/status_allocation.py [BULK]``. On the local
PostgreSQL (``BENCH_POSTGRES_URL``, default the CI one, in a schema made and dropped here) it
times single awards, each its own transaction as the API commits it:

- **idle**: nothing else running (the reference);
- **during bulk**: every award started while another thread awards BULK credentials
  (default 150) in one transaction, as a bulk chunk does, and commits at the end;
- **during bulk, claimed in its transaction (as before #10)**: the same, with status slots
  claimed in the session, so the list's row stays locked until the bulk commits: the first
  interactive award waits for the whole run, and is the only one started during it.

Columns: the first award's ms, the median and slowest, and how many started during the run.

Both threads share one process, so "during bulk" also pays for the signing thread's CPU
(the GIL); compare it with idle, and with the previous behaviour, from the same run. On
SQLite, one writer at a time, the interactive award during a bulk run answers 503 after
CERTIFIKATION_DB_BUSY_TIMEOUT; that is shown by tests/security/test_status_allocation.py.
"""

from __future__ import annotations

import logging
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cryptography.fernet import Fernet
from flask import Flask

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from issuer import create_app, migrate  # noqa: E402
from issuer.audit.services import SYSTEM  # noqa: E402
from issuer.db import db  # noqa: E402
from issuer.errors import get_or_404  # noqa: E402
from issuer.issuance import services as issuance  # noqa: E402
from issuer.issuance import status  # noqa: E402
from issuer.issuance.models import Achievement  # noqa: E402
from issuer.settings import Settings  # noqa: E402
from issuer.tenants import services as tenants  # noqa: E402
from tests.databases import fresh_database  # noqa: E402

BULK = int(sys.argv[1]) if len(sys.argv) > 1 else 150
INTERACTIVE = 15
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
ACHIEVEMENT = {
    "name": "Inclusive Classroom Practice",
    "description": "Plans and teaches lessons that include every learner.",
    "criteria": {"narrative": "Completed the state programme."},
}


@contextmanager
def database() -> Iterator[str]:
    """A fresh PostgreSQL schema, dropped afterwards."""
    url = os.environ.get("BENCH_POSTGRES_URL", POSTGRES)
    with fresh_database(url, Path(tempfile.gettempdir()), "bench") as db_url:
        yield db_url


def award(app: Flask, achievement_id: uuid.UUID, who: str) -> None:
    """One award in its own app context and transaction, committed."""
    with app.app_context():
        achievement = get_or_404(Achievement, achievement_id)
        issuance.award(SYSTEM, achievement, recipient={"type": "email", "identity": who})
        db.session.commit()


def interactive(app: Flask, achievement_id: uuid.UUID, label: str) -> list[float]:
    """Milliseconds of INTERACTIVE single awards, one after another."""
    times = []
    for n in range(INTERACTIVE):
        started = time.perf_counter()
        award(app, achievement_id, f"{label}{n}@school.example")
        times.append((time.perf_counter() - started) * 1000)
    return times


def during_bulk(app: Flask, achievement_id: uuid.UUID, label: str) -> tuple[list[float], float]:
    """Latencies of interactive awards started while a bulk transaction signs BULK
    credentials, and the bulk run's seconds."""
    started, bulk_done = threading.Event(), []

    def bulk() -> None:
        begun = time.perf_counter()
        with app.app_context():
            achievement = get_or_404(Achievement, achievement_id)
            for n in range(BULK):
                recipient = {"type": "email", "identity": f"{label}-bulk{n}@school.example"}
                issuance.award(SYSTEM, achievement, recipient=recipient)
                if n == 0:
                    started.set()  # the bulk transaction now holds its first slot
            db.session.commit()
        bulk_done.append(time.perf_counter() - begun)

    thread = threading.Thread(target=bulk)
    thread.start()
    started.wait()
    times, n = [], 0
    while thread.is_alive():
        begun = time.perf_counter()
        award(app, achievement_id, f"{label}{n}@school.example")
        times.append((time.perf_counter() - begun) * 1000)
        n += 1
    thread.join()
    return times, bulk_done[0]


def line(label: str, times: list[float], note: str = "") -> None:
    first, median, slowest = times[0], statistics.median(times), max(times)
    print(f"{label:<46} {first:8.1f} {median:8.1f} {slowest:8.1f} {len(times):4d}  {note}")


def main() -> None:
    try:
        with database() as url:
            run(url)
    except Exception as exc:  # noqa: BLE001 - PostgreSQL may be absent where this runs
        print(f"skipped: {type(exc).__name__}: {exc}".splitlines()[0])


def run(url: str) -> None:
    settings = Settings(
        secret_key="bench-" + "x" * 32,
        database_url=url,
        public_url="https://certs.example.test",
        master_keys=(Fernet.generate_key().decode(),),
    )
    app = create_app(settings)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    migrate.upgrade(db.state(app).engine)
    with app.app_context():
        tenant = tenants.create_tenant(SYSTEM, slug="board", name="State board")
        data = {"name": "State Board", "url": "https://board.example", "email": "b@b.example"}
        issuer = tenants.create_issuer(SYSTEM, tenant, data)
        achievement_id = issuance.create_achievement(SYSTEM, issuer, dict(ACHIEVEMENT)).id
        db.session.commit()
    award(app, achievement_id, "warm@up.example")  # keys decrypted, the list created

    print(f"PostgreSQL: {INTERACTIVE} interactive awards, ms; the bulk run signs {BULK} in one")
    print(f"{'interactive award':<46} {'first':>8} {'median':>8} {'max':>8} {'n':>4}")
    line("idle (reference)", interactive(app, achievement_id, "idle"))
    times, seconds = during_bulk(app, achievement_id, "now")
    line("during bulk, slots reserved apart (now)", times, f"bulk run {seconds:.1f} s")
    reserve = status._reserve_apart
    status._reserve_apart = lambda *args: None  # type: ignore[assignment]  # the old claim
    try:
        times, seconds = during_bulk(app, achievement_id, "before")
    finally:
        status._reserve_apart = reserve  # type: ignore[assignment]
    line(
        "during bulk, claimed in its transaction (before)",
        times,
        f"bulk run {seconds:.1f} s",
    )
    db.state(app).engine.dispose()


if __name__ == "__main__":
    main()
