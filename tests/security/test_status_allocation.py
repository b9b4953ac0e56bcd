"""An interactive award never waits behind a bulk run of the same issuer for a status slot.

The bulk run is a transaction that has awarded (so allocated slots) and not committed yet.
On PostgreSQL the interactive award completes meanwhile; on SQLite, one writer at a time,
it is told to come back (503 with Retry-After), never a 500.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import select, update

from issuer.audit.services import SYSTEM
from issuer.db import db
from issuer.errors import get_or_404
from issuer.issuance import services as issuance
from issuer.issuance.models import Achievement, Credential, StatusList
from tests.committing import answered
from tests.factories import Factories


def _award(achievement: uuid.UUID, who: str) -> Credential:
    recipient = {"type": "email", "identity": f"{who}@school.test", "name": "Lee"}
    return issuance.award(SYSTEM, get_or_404(Achievement, achievement), recipient=recipient)


def test_an_interactive_award_completes_while_a_bulk_run_holds_its_slots(
    live: Callable[..., Flask],
) -> None:
    app = live(db_busy_timeout=1)
    factories = Factories(app)
    tenant = factories.tenant()
    issuer = factories.issuer(tenant)
    achievement = factories.achievement(issuer)
    factories.credential(achievement)  # the issuer's list exists and is committed
    lms = factories.client(tenant)
    postgres = db.state(app).engine.dialect.name == "postgresql"
    answers: list[Any] = []

    def interactive() -> None:
        answers.append(
            app.test_client().post(
                f"/api/v1/achievements/{achievement}/credentials",
                json={"recipient": {"identity": "now@school.test", "name": "Ana"}},
                headers=lms.headers,
            )
        )

    with app.app_context():  # the bulk run: awarded, not committed
        bulk = [_award(achievement, f"bulk{n}") for n in range(5)]
        thread = threading.Thread(target=interactive)
        thread.start()
        thread.join(timeout=10)
        waited = thread.is_alive()
        db.session.commit()
        bulk_slots = {(c.status_list_id, c.status_index) for c in bulk}
    thread.join(timeout=30)
    assert not waited, "the interactive award waited for the bulk run to commit"
    (answer,) = answers
    answered(answer)
    if not postgres:
        assert answer.status_code == 503  # SQLite has one writer: come back, not a 500
        return
    assert answer.status_code == 201
    with app.app_context():
        stored = db.session.get(Credential, uuid.UUID(answer.json["id"]))
        assert stored is not None
        assert (stored.status_list_id, stored.status_index) not in bulk_slots


def test_a_full_list_still_gives_way_to_a_new_one(live: Callable[..., Flask]) -> None:
    app = live()
    factories = Factories(app)
    issuer = factories.issuer(factories.tenant())
    achievement = factories.achievement(issuer)
    first = factories.credential(achievement)
    with app.app_context():
        old = get_or_404(Credential, first).status_list_id
        db.session.execute(
            update(StatusList).where(StatusList.id == old).values(allocated=StatusList.size - 2)
        )
        db.session.commit()
    with app.app_context():  # one session: its blocks grow, and are cut at the list's end
        awarded = [_award(achievement, f"late{n}") for n in range(4)]
        db.session.commit()
        rows = db.session.execute(
            select(StatusList.id, StatusList.allocated, StatusList.size).where(
                StatusList.issuer_id == issuer, StatusList.purpose == "revocation"
            )
        ).all()
    on_old = [c for c in awarded if c.status_list_id == old]
    assert len(on_old) == 2  # the last two slots, then a new list
    assert len({c.status_list_id for c in awarded}) == 2
    assert len({(c.status_list_id, c.status_index) for c in awarded}) == 4
    full = next(row for row in rows if row.id == old)
    assert full.allocated == full.size
