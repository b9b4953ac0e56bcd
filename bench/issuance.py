"""Print completions per second, from a learner's last step to their signed credential.

Run: ``make bench`` or ``.venv/bin/python bench/issuance.py [N]``. For each database, the
embedded SQLite and the local PostgreSQL (``BENCH_POSTGRES_URL``, default the CI one, in a
schema made and dropped here), it builds a tenant with a published one-step path whose
attached certificate has issue rules, enrols N learners, then times N completions, one
transaction each, as the API would commit them: ``complete_step`` → ``path_completed`` →
rule evaluation (facts from the database, rank included) → ``award`` (OB 3.0 Data
Integrity, VC-JWT, OB 2.0 hosted and signed) → commit. Beside it, in the same run:

- **award only**: the same credentials awarded directly, no path or rules (the floor);
- **rules only**: gathering the facts and evaluating the rules, no issuance.

Figures are medians per completion and the resulting rate on one process.
"""

from __future__ import annotations

import logging
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from issuer import create_app, migrate  # noqa: E402
from issuer.accounts import services as accounts  # noqa: E402
from issuer.accounts.models import User  # noqa: E402
from issuer.accounts.roles import Role  # noqa: E402
from issuer.audit.services import SYSTEM  # noqa: E402
from issuer.db import db  # noqa: E402
from issuer.issuance import services as issuance  # noqa: E402
from issuer.learning.certificate_rules import services as rules  # noqa: E402
from issuer.learning.certificate_rules.models import CompletionIssuance  # noqa: E402
from issuer.learning.certification_path_management import services as paths  # noqa: E402
from issuer.learning.certification_path_management.models import Enrolment  # noqa: E402
from issuer.settings import Settings  # noqa: E402
from issuer.tenants import services as tenants  # noqa: E402
from tests.databases import fresh_database  # noqa: E402

COUNT = int(sys.argv[1]) if len(sys.argv) > 1 else 150
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
RULES = {
    "all": [
        {"field": "user.org", "op": "in", "value": ["state-teachers"]},
        {
            "any": [
                {"field": "enrolment.progress", "op": ">=", "value": 100},
                {"field": "enrolment.rank", "op": "<=", "value": 10},
            ]
        },
        {"field": "enrolment.time_spent_minutes", "op": ">=", "value": 0},
    ]
}
ACHIEVEMENT = {
    "name": "Inclusive Classroom Practice",
    "description": "Plans and teaches lessons that include every learner.",
    "criteria": {"narrative": "Completed the state programme."},
}
PATH = {
    "name": "State teacher induction",
    "description": "One lesson, for the benchmark.",
    "steps": [{"id": "lesson", "kind": "lesson", "title": "Lesson"}],
}


@contextmanager
def database(kind: str) -> Iterator[str]:
    """A fresh database URL: a temp SQLite file, or a PostgreSQL schema dropped afterwards."""
    url = None if kind == "sqlite" else os.environ.get("BENCH_POSTGRES_URL", POSTGRES)
    with (
        tempfile.TemporaryDirectory() as folder,
        fresh_database(url, Path(folder), "bench") as db_url,
    ):
        yield db_url


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter_ns()
    action()
    return (time.perf_counter_ns() - started) / 1e6


def run(kind: str) -> dict[str, float]:
    with database(kind) as url:
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
            state = tenants.create_tenant(SYSTEM, slug="state-teachers", name="State teachers")
            issuer = tenants.create_issuer(
                SYSTEM,
                state,
                {"name": "State Board", "url": "https://board.example", "email": "b@board.example"},
            )
            achievement = issuance.create_achievement(SYSTEM, issuer, dict(ACHIEVEMENT))
            path = paths.create_path(SYSTEM, state, issuer.id, "tenant", dict(PATH))
            paths.submit(SYSTEM, path)
            paths.publish(SYSTEM, path)
            rules.attach(SYSTEM, path, {"achievement_id": achievement.id, "rules": RULES})
            cohort = paths.create_cohort(SYSTEM, path, {"name": "Bench", "enrolment": "open"})
            learners = []
            for n in range(2 * COUNT):
                user = User(
                    email=f"teacher{n}@schools.example",
                    name=f"Teacher {n}",
                    created_at=app.extensions["clock"](),
                )
                db.session.add(user)
                db.session.flush()
                accounts.set_roles(SYSTEM, state, user, [Role.EARNER])
                learners.append(user)
            enrolments = [paths.enrol(SYSTEM, u, cohort).id for u in learners[:COUNT]]
            db.session.commit()
            issuance.award(
                SYSTEM, achievement, recipient={"type": "email", "identity": "warm@up.example"}
            )
            db.session.rollback()  # warm-up: keys decrypted, contexts loaded

            def complete(enrolment_id: uuid.UUID) -> None:
                enrolment = db.session.get(Enrolment, enrolment_id)
                assert enrolment is not None
                paths.complete_step(enrolment, "lesson")
                db.session.commit()

            def award_only(user: User) -> None:
                recipient = {"type": "email", "identity": user.email, "name": user.name}
                issuance.award(SYSTEM, achievement, recipient=recipient)
                db.session.commit()

            completions = [timed(lambda e=e: complete(e)) for e in enrolments]
            issued = sum(
                1 for e in enrolments if db.session.get(Enrolment, e).status == "completed"
            )
            awards = [timed(lambda u=u: award_only(u)) for u in learners[COUNT:]]
            certificate = rules.active(path)
            assert certificate is not None
            judged = [
                timed(lambda e=e: rules.judge(certificate, db.session.get(Enrolment, e)))
                for e in enrolments
            ]
            granted = db.session.scalar(
                select(func.count())
                .select_from(CompletionIssuance)
                .where(CompletionIssuance.status == "issued")
            )
            assert issued == COUNT and granted == COUNT, (issued, granted)
        db.state(app).engine.dispose()
    return {
        "completion": statistics.median(completions),
        "award": statistics.median(awards),
        "rules": statistics.median(judged),
    }


def main() -> None:
    print(f"{COUNT} completions per database, one transaction each; median ms and rate per process")
    print(f"{'database':<11} {'step':<34} {'ms':>7} {'per s':>8}")
    for kind in ("sqlite", "postgresql"):
        try:
            figures = run(kind)
        except Exception as exc:  # noqa: BLE001 - PostgreSQL may be absent where this runs
            print(f"{kind:<11} skipped: {type(exc).__name__}: {exc}".splitlines()[0])
            continue
        for label, key in (
            ("completion → rules → credential", "completion"),
            ("award only (floor)", "award"),
            ("facts + rules only", "rules"),
        ):
            ms = figures[key]
            print(f"{kind:<11} {label:<34} {ms:7.2f} {1000 / ms:8.0f}")


if __name__ == "__main__":
    main()
