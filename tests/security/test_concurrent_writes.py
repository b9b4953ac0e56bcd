"""Concurrent writers on the run's database (SQLite, or PostgreSQL with DATABASE_URL): every
write answers 2xx, 409 or 503 with Retry-After, never 500, and what is stored stays whole.

These tests commit for real, so they use a database of their own, not the rolled-back one.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Engine, select, text, update

from issuer.accounts.roles import Role
from issuer.db import db
from issuer.issuance.models import Credential
from issuer.learning.automated_evaluation.models import Evaluation
from issuer.mail import deliver_task
from issuer.tenants.models import Tenant
from issuer.transactions import unit_of_work
from tests.committing import answered, at_once
from tests.factories import Factories
from tests.issuer.learning.test_peer_validation import STEPS


def _engine(app: Flask) -> Engine:
    return db.state(app).engine


def test_concurrent_awards_and_edits_all_answer_and_store_distinct_slots(
    live: Callable[..., Flask],
) -> None:
    app = live()
    factories = Factories(app)
    tenant = factories.tenant()
    issuer = factories.issuer(tenant)
    achievement = factories.achievement(issuer)
    lms = factories.client(tenant)

    def award(n: int) -> Callable[[], list[Any]]:
        def run() -> list[Any]:
            client = app.test_client()
            out = []
            for k in range(3):
                body = {"recipient": {"identity": f"l{n}-{k}@school.test", "name": "Lee"}}
                out.append(
                    client.post(
                        f"/api/v1/achievements/{achievement}/credentials",
                        json=body,
                        headers=lms.headers,
                    )
                )
            return out

        return run

    def edit(n: int) -> Callable[[], list[Any]]:
        def run() -> list[Any]:
            client = app.test_client()
            return [
                client.post(
                    f"/api/v1/issuers/{issuer}/achievements",
                    json={
                        "name": f"Achievement {n}-{k}",
                        "description": "Written while others award.",
                        "criteria": {"narrative": "Done."},
                    },
                    headers=lms.headers,
                )
                for k in range(3)
            ]

        return run

    results = at_once([award(n) for n in range(6)] + [edit(n) for n in range(2)])
    responses = [r for batch in results for r in batch]
    for response in responses:
        answered(response)
    awarded = [r.json["id"] for r in responses[:18] if r.status_code == 201]
    assert awarded, Counter(r.status_code for r in responses)
    with app.app_context():
        stored = db.session.execute(
            select(Credential.id, Credential.status_list_id, Credential.status_index).where(
                Credential.issuer_id == issuer
            )
        ).all()
    assert sorted(str(row.id) for row in stored) == sorted(awarded)  # none lost, none extra
    slots = {(row.status_list_id, row.status_index) for row in stored}
    assert len(slots) == len(stored)  # no two credentials share a status bit


def test_two_mentors_deciding_at_once_one_wins_the_other_hears_already_decided(
    live: Callable[..., Flask],
) -> None:
    app = live()
    factories = Factories(app)
    tenant = factories.tenant()
    path = factories.path(factories.issuer(tenant), steps=STEPS, milestones=[])
    mentors = [factories.person(tenant, [Role.MENTOR]) for _ in range(2)]
    for mentor in mentors:
        factories.mentor(path, mentor)
    cohort = factories.cohort(path)
    for _ in range(3):  # a few rounds: the race must hold every time, not once
        learner = factories.person(tenant, [Role.EARNER])
        evaluation = factories.evidence(factories.enrolment(cohort, learner), "portfolio")

        def decide(who: Any, decision: str, evaluation: uuid.UUID = evaluation) -> Any:
            return app.test_client().post(
                f"/api/v1/evaluations/{evaluation}/decision",
                json={"decision": decision, "comment": "Seen."},
                headers=who.headers,
            )

        first, second = at_once(
            [lambda: decide(mentors[0], "approved"), lambda: decide(mentors[1], "rejected")]
        )
        statuses = sorted([first.status_code, second.status_code])
        assert statuses == [200, 409], (first.get_data(True), second.get_data(True))
        loser = first if first.status_code == 409 else second
        winner = second if loser is first else first
        assert "already decided" in loser.json["detail"]
        with app.app_context():
            stored = db.session.get(Evaluation, evaluation)
            assert stored is not None and stored.status == winner.json["status"]


def test_a_write_behind_a_long_transaction_proceeds_or_answers_503(
    live: Callable[..., Flask],
) -> None:
    app = live(db_busy_timeout=1)
    factories = Factories(app)
    tenant, other = factories.tenant(), factories.tenant()
    issuer = factories.issuer(tenant)
    lms = factories.client(tenant)
    engine = _engine(app)
    with engine.connect() as long_import:  # another tenant's import, mid-way and uncommitted
        long_import.begin()
        long_import.execute(update(Tenant).where(Tenant.id == other).values(name="Importing"))
        r = app.test_client().post(
            f"/api/v1/issuers/{issuer}/achievements",
            json={"name": "Meanwhile", "description": "Saved.", "criteria": {"narrative": "x"}},
            headers=lms.headers,
        )
        long_import.rollback()
    answered(r)
    if engine.dialect.name == "postgresql":
        assert r.status_code == 201  # row locks: another tenant's import holds nothing of ours
    else:
        assert r.status_code == 503  # one writer at a time: told to retry, not a 500
        assert r.json["type"].endswith("/problems/service-busy")


@pytest.mark.skipif(not os.environ.get("DATABASE_URL"), reason="deadlock detection is PostgreSQL's")
@pytest.mark.parametrize("mails", [False, True], ids=["rerun", "mail-queued"])
def test_a_request_that_loses_a_deadlock_is_run_again_unless_it_queued_mail(
    live: Callable[..., Flask], mails: bool
) -> None:
    app = live()
    engine = _engine(app)
    with engine.begin() as setup:
        setup.exec_driver_sql("CREATE TABLE cw_pair (id int primary key, n int)")
        setup.exec_driver_sql("INSERT INTO cw_pair VALUES (1, 0), (2, 0)")
    view_locked, other_locked = threading.Event(), threading.Event()
    attempts: list[int] = []

    @unit_of_work
    def transfer() -> str:
        attempts.append(1)
        db.session.execute(text("UPDATE cw_pair SET n = n + 1 WHERE id = 1"))
        if mails:  # a rollback cannot take a sent mail back: this one must not run twice
            deliver_task.delay("ana@school.test", "Moved", "One moved.")
        if len(attempts) == 1:  # first attempt: cross the other transaction's locks
            view_locked.set()
            other_locked.wait(10)
        db.session.execute(text("UPDATE cw_pair SET n = n + 1 WHERE id = 2"))
        db.session.commit()
        return "ok"

    app.add_url_rule("/_test/transfer", view_func=transfer, methods=["POST"])

    def other() -> None:
        with engine.begin() as connection:
            view_locked.wait(10)
            connection.exec_driver_sql("SET LOCAL deadlock_timeout = '5s'")  # the view sees it
            connection.exec_driver_sql("UPDATE cw_pair SET n = n + 10 WHERE id = 2")
            other_locked.set()
            connection.exec_driver_sql("UPDATE cw_pair SET n = n + 10 WHERE id = 1")

    thread = threading.Thread(target=other)
    thread.start()
    try:
        r = app.test_client().post("/_test/transfer")
        thread.join(30)
        with engine.connect() as connection:
            stored = dict(connection.exec_driver_sql("SELECT id, n FROM cw_pair").all())
    finally:
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE cw_pair")
    answered(r)
    if mails:
        assert r.status_code == 503 and len(attempts) == 1
        assert r.json["type"].endswith("/problems/service-busy")
        assert stored == {1: 10, 2: 10}  # the deadlock's loser left nothing behind
    else:
        assert r.status_code == 200 and len(attempts) == 2
        assert stored == {1: 11, 2: 11}
