"""No completion is ever signed twice: not by two workers, two retries or one file posted twice.

Reported: on PostgreSQL with a Redis worker, the same 2,000-row file posted twice gave 3,000
credentials, and two concurrent retries after a worker crash 1,000 duplicates. Workers now
claim owed completions with `FOR UPDATE SKIP LOCKED`, and each credential for a completion
is stored under a unique award key, which also holds on SQLite (no row locks there).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from issuer import clock
from issuer.accounts.models import Membership, User
from issuer.accounts.roles import Role
from issuer.audit.services import SYSTEM
from issuer.db import db
from issuer.errors import get_or_404
from issuer.issuance import services as issuance
from issuer.issuance.models import Achievement, Credential
from issuer.learning.certificate_rules import owed, tasks
from issuer.learning.certificate_rules import services as certificate_rules
from issuer.learning.certificate_rules.models import CompletionIssuance
from issuer.learning.certification_interoperability import completions, tables
from issuer.learning.certification_interoperability.schemas import COMPLETION_COLUMNS
from issuer.tenants.models import Tenant
from tests.factories import Factories
from tests.security import workers
from tests.security.workers import Worker

ROWS = 200  # two chunks each for two workers


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with workers.own_database(tmp_path_factory.mktemp("duplicates")) as url:
        yield url


@pytest.fixture
def web(database: str, tmp_path: Path) -> Iterator[Flask]:
    app = workers.broker_app(database, tmp_path)
    yield app
    db.state(app).engine.dispose()
    redis.Redis.from_url(workers.BROKER).flushdb()


# On every database: the award key -------------------------------------------------------


def test_an_award_key_is_unique_in_the_database(app: Flask, factories: Factories) -> None:
    tenant = factories.tenant()
    achievement_id = factories.achievement(factories.issuer(tenant))
    recipient = {"type": "email", "identity": "ana@school.test", "name": "Ana"}
    with app.app_context():
        achievement = get_or_404(Achievement, achievement_id)
        first = issuance.award(SYSTEM, achievement, recipient=recipient, award_key="enrolment:1")
        again = issuance.award(SYSTEM, achievement, recipient=recipient, award_key="enrolment:1")
        assert again.id == first.id  # already done: nothing new signed
        other = issuance.award(SYSTEM, achievement, recipient=recipient, award_key="enrolment:2")
        assert other.id != first.id
        copy = Credential(**{c.key: getattr(first, c.key) for c in Credential.__table__.c})
        copy.id = uuid.uuid4()
        with pytest.raises(IntegrityError), db.session.begin_nested():
            db.session.add(copy)  # a second row for the key, however it is written
        assert db.session.scalar(select(func.count()).select_from(Credential)) == 2


def test_a_worker_that_read_the_owed_list_late_signs_nothing_more(
    database: str, web: Flask
) -> None:
    """Worker B read the queued completions, then A issued and committed them all; B goes on.

    This is the interleaving two workers produce on SQLite, which has no SKIP LOCKED.
    """
    program = workers.program(web)
    client = web.test_client()
    body = workers.completions_csv(5)
    headers = {**program.admin.headers, "Content-Type": "text/csv"}
    assert client.post(program.completions_url, data=body, headers=headers).status_code == 200
    queued = select(CompletionIssuance).where(CompletionIssuance.tenant_id == program.tenant)
    with web.app_context():  # worker B
        stale = list(db.session.scalars(queued))
        db.session.commit()
        assert {r.status for r in stale} == {"queued"}
        with web.app_context():  # worker A, meanwhile
            for record in db.session.scalars(queued):
                certificate_rules.issue(record)
            db.session.commit()
        for record in stale:  # B still believes them queued
            certificate_rules.issue(record)
        db.session.commit()
    assert workers.counts(web, program.tenant) == (5, 5, 5)


def test_a_retry_run_goes_on_after_the_last_completion_it_claimed(web: Flask) -> None:
    """retry_owed hands its cursor to the next task: nothing before it is claimed again."""
    program = workers.program(web)
    body = workers.completions_csv(5, f"{program.tenant.hex[:12]}.test")
    headers = {**program.admin.headers, "Content-Type": "text/csv"}
    assert web.test_client().post(program.completions_url, data=body, headers=headers).json
    with web.app_context():
        every = owed.claim(("queued",), tenant_id=program.tenant)
        cursor = (every[1].decided_at, every[1].id)
        rest = owed.claim(("queued",), tenant_id=program.tenant, after=cursor)
        assert [r.id for r in rest] == [r.id for r in every[2:]]


# PostgreSQL with two real workers -------------------------------------------------------

needs_postgresql = pytest.mark.skipif(
    not workers.is_postgresql(),
    reason="row locks (SKIP LOCKED) and concurrent workers need DATABASE_URL=postgresql+psycopg://",
)


@pytest.fixture
def two_workers(database: str, web: Flask, tmp_path: Path) -> Iterator[list[Worker]]:
    started = [Worker(f"w{n}", database, tmp_path) for n in (1, 2)]
    try:
        for worker in started:
            worker.wait_ready()
        yield started
    finally:
        for worker in started:
            worker.stop()


def _all_done(web: Flask, program: workers.Program, rows: int, running: list[Worker]) -> None:
    idle = 0

    def done() -> bool:
        nonlocal idle
        issued = workers.counts(web, program.tenant)[1]
        idle = idle + 1 if workers.idle_broker() and issued >= rows else 0
        return idle >= 3  # idle on three polls in a row: no task between fetch and start

    workers.wait_for(done, 180, *running)


@needs_postgresql
@pytest.mark.slow
def test_the_same_file_posted_twice_gives_one_credential_per_completion(
    web: Flask, two_workers: list[Worker]
) -> None:
    program = workers.program(web)
    client = web.test_client()
    body = workers.completions_csv(ROWS)
    headers = {**program.admin.headers, "Content-Type": "text/csv"}
    first = client.post(program.completions_url, data=body, headers=headers)
    second = client.post(program.completions_url, data=body, headers=headers)
    assert (first.json["completed"], second.json["unchanged"]) == (ROWS, ROWS)
    _all_done(web, program, ROWS, two_workers)
    counted = workers.counts(web, program.tenant)
    assert counted == (ROWS, ROWS, ROWS), f"credentials, issued, distinct held: {counted}"


@needs_postgresql
@pytest.mark.slow
def test_two_concurrent_retries_give_one_credential_per_completion(
    web: Flask, two_workers: list[Worker]
) -> None:
    program = workers.program(web)
    with web.app_context():  # imported, and the worker that was to sign them crashed
        table = tables.from_csv(
            workers.completions_csv(ROWS),
            "completions",
            columns=COMPLETION_COLUMNS,
            required=("external_id", "email"),
        )
        with certificate_rules.deferred():
            tenant = get_or_404(Tenant, program.tenant)
            completions.import_completions(SYSTEM, tenant, workers.SYSTEM, table)
        db.session.commit()
        tasks.retry_owed.delay()
        tasks.retry_owed.delay()
    _all_done(web, program, ROWS, two_workers)
    counted = workers.counts(web, program.tenant)
    assert counted == (ROWS, ROWS, ROWS), f"credentials, issued, distinct held: {counted}"


@needs_postgresql
def test_the_same_file_posted_twice_at_once_enrols_and_queues_each_learner_once(
    web: Flask,
) -> None:
    """The second import waits for the first one's lock on the path, then changes nothing.

    The learners are known earners already, so nothing but the path's lock keeps the two
    imports from making a cohort and an enrolment each (two completions per learner).
    """
    program = workers.program(web)
    domain = f"{program.tenant.hex[:12]}.test"  # accounts are global: no other test's
    with web.app_context():
        for n in range(ROWS):
            user = User(
                email=f"learner{n}@{domain}",
                name=f"Learner {n}",
                is_platform_admin=False,
                created_at=clock.now(),
            )
            user.memberships.append(
                Membership(tenant_id=program.tenant, role=Role.EARNER, created_at=clock.now())
            )
            db.session.add(user)
        db.session.commit()
    body = workers.completions_csv(ROWS, domain)
    headers = {**program.admin.headers, "Content-Type": "text/csv"}
    start = threading.Barrier(2)

    def post() -> tuple[int, dict[str, int]]:
        client = web.test_client()
        start.wait()
        response = client.post(program.completions_url, data=body, headers=headers)
        return response.status_code, response.json

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda _: post(), range(2)))
    assert [status for status, _ in answers] == [200, 200], answers
    answers.sort(key=lambda answer: answer[1]["unchanged"])
    assert (answers[0][1]["created"], answers[1][1]["unchanged"]) == (ROWS, ROWS)
    with web.app_context():
        decided = db.session.scalar(
            select(func.count())
            .select_from(CompletionIssuance)
            .where(CompletionIssuance.tenant_id == program.tenant)
        )
    assert decided == ROWS  # one completion each: one credential each, once signed
