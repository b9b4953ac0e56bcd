"""Real Celery workers as subprocesses, against a database of their own that tests commit to.

The usual `app` fixture rolls every test back inside one open transaction, which no other
process can see; these tests need committed rows, so they get a fresh migrated database
(a schema of DATABASE_URL's PostgreSQL, or an SQLite file) and a Redis broker of their own.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import redis
from flask import Flask
from sqlalchemy import create_engine, func, make_url, select

from issuer import create_app, migrate
from issuer.accounts.roles import Role
from issuer.db import db
from issuer.issuance.models import Credential
from issuer.learning.certificate_rules.models import CompletionIssuance
from tests.conftest import MASTER_KEY, _settings
from tests.factories import Factories, Person

ROOT = Path(__file__).resolve().parents[2]
BROKER = "redis://127.0.0.1:6379/3"
PUBLIC_URL = "https://certs.example.test"
SYSTEM = "moodle"
COURSE = "course-1"


def is_postgresql() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith("postgresql")


@contextmanager
def own_database(tmp: Path) -> Iterator[str]:
    """A migrated database no other test uses: a new schema in PostgreSQL, else SQLite."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        scoped = f"sqlite:///{tmp}/workers.sqlite3"
    else:
        schema = f"workers_{uuid.uuid4().hex[:12]}"
        admin = create_engine(url)
        with admin.begin() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        query = {"options": f"-csearch_path={schema}"}
        scoped = make_url(url).update_query_dict(query).render_as_string(hide_password=False)
    engine = db.state(create_app(_settings(scoped))).engine
    migrate.upgrade(engine)
    engine.dispose()
    try:
        yield scoped
    finally:
        if url:
            with admin.begin() as connection:
                connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            admin.dispose()


def broker_app(database_url: str, tmp: Path) -> Flask:
    """The web app, queueing its tasks to BROKER (created last: the default Celery app).

    Its imports answer at once whatever their size (no background job), so a test sees
    the import's counts and the workers do only the signing it queued.
    """
    redis.Redis.from_url(BROKER).flushdb()
    return create_app(
        _settings(
            database_url,
            celery_broker_url=BROKER,
            evidence_dir=tmp / "evidence",
            background_rows=100_000,
        )
    )


@dataclass(frozen=True)
class Program:
    """A published path mapped as moodle `course-1`, with a certificate, and its admin."""

    tenant: uuid.UUID
    admin: Person

    @property
    def completions_url(self) -> str:
        return f"/api/v1/tenants/{self.tenant}/interop/{SYSTEM}/completions"


def program(app: Flask) -> Program:
    factories = Factories(app)
    tenant = factories.tenant()
    issuer = factories.issuer(tenant)
    path = factories.path(issuer)
    factories.path_certificate(path, factories.achievement(issuer, name="Certificate"))
    factories.interop_mapping(path, SYSTEM, COURSE)
    return Program(tenant, factories.person(tenant, [Role.ISSUER_ADMIN]))


def completions_csv(rows: int, domain: str = "school.test") -> bytes:
    """An LMS's file of `rows` learners (learner<n>@`domain`) who completed the course."""
    lines = ["external_id,email,name,completed_at,score"]
    lines += [
        f"{COURSE},learner{n}@{domain},Learner {n},2026-01-05T10:00:00Z,90" for n in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


def counts(app: Flask, tenant: uuid.UUID) -> tuple[int, int, int]:
    """The tenant's (credentials, completions issued, distinct credentials they hold)."""
    with app.app_context():
        credentials = db.session.scalar(
            select(func.count()).select_from(Credential).where(Credential.tenant_id == tenant)
        )
        issued, held = db.session.execute(
            select(func.count(), func.count(func.distinct(CompletionIssuance.credential_id)))
            .select_from(CompletionIssuance)
            .where(CompletionIssuance.tenant_id == tenant, CompletionIssuance.status == "issued")
        ).one()
        return int(credentials or 0), int(issued), int(held)


class Worker:
    """`celery -A issuer.worker worker` in its own process group, logging to a file."""

    def __init__(self, name: str, database_url: str, tmp: Path, **env: str) -> None:
        self.log = tmp / f"{name}.log"
        environ = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-" + "x" * 32,
            "CERTIFIKATION_MASTER_KEY": MASTER_KEY,
            "CERTIFIKATION_PUBLIC_URL": PUBLIC_URL,
            "CERTIFIKATION_EVIDENCE_DIR": str(tmp / "evidence"),
            "CELERY_BROKER_URL": BROKER,
            **env,
        }
        environ.pop("CELERY_RESULT_BACKEND", None)
        command = [sys.executable, "-m", "celery", "-A", "issuer.worker", "worker"]
        command += ["--concurrency", "1", "--hostname", f"{name}@%h", "--loglevel", "INFO"]
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=environ,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self, timeout: float = 60) -> None:
        wait_for(lambda: " ready." in self.log.read_text(errors="replace"), timeout, self)

    def kill(self) -> None:
        """kill -9 the worker and its pool processes, as a lost machine would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # warm shutdown
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def wait_for(done: Callable[[], bool], timeout: float, *workers: Worker) -> None:
    """Poll `done` until it holds; fail with the workers' logs at the deadline."""
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {w.log.name}\n{w.output()}" for w in workers)
            raise AssertionError(f"not done within {timeout} s\n{logs}")
        time.sleep(0.2)


def idle_broker() -> bool:
    """Nothing queued and nothing being worked on (acks_late: unacked until a task ends)."""
    broker = redis.Redis.from_url(BROKER)
    return broker.llen("celery") == 0 and broker.hlen("unacked") == 0
