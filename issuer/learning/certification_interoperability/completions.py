"""Completions an external system (an LMS) reports: learners enrolled and completed.

An import is all or nothing: every row is checked before anything is written. Each learner is
found by email or created without a password (they set one to log in), holds the earner role
in the tenant, and is enrolled, when not already on the path, in the path's "<system> imports"
cohort. Completing goes through `complete_externally`, so `path_completed` is sent once per
enrolment, and sending the same rows again changes nothing.

Rows are written in chunks, each loading its users and their enrolments in one query apiece
and inserting in batches, and nothing of a chunk is kept after it: a batch of 100,000 learners
costs a few queries per chunk plus each completion's own, in bounded memory.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from issuer import clock
from issuer.accounts.models import Membership, User
from issuer.accounts.roles import Role
from issuer.accounts.services import normalise_email
from issuer.audit import services as audit
from issuer.db import db
from issuer.learning.certification_interoperability import tables
from issuer.learning.certification_interoperability.schemas import CompletionRowSchema
from issuer.learning.certification_interoperability.services import Imported, by_external_id
from issuer.learning.certification_path_management import services as paths
from issuer.learning.certification_path_management.models import (
    CertificationPath,
    Cohort,
    Enrolment,
    PathVersion,
)
from issuer.tenants.models import Tenant

CHUNK = 1_000  # rows per round of loading, inserting and completing
Key = tuple[uuid.UUID, uuid.UUID]  # (user, path)


@dataclass(frozen=True)
class _Target:
    """A mapped path of the tenant and the published version new enrolments follow."""

    path: CertificationPath
    version: PathVersion | None


@dataclass
class _Run:
    """One import's context and what it has done so far."""

    actor: audit.Actor
    tenant: Tenant
    system: str
    targets: dict[str, _Target]  # by external id
    cohorts: dict[uuid.UUID, Cohort] = field(default_factory=dict)  # by path
    users_created: int = 0
    created: int = 0
    completed: int = 0
    unchanged: int = 0


def import_completions(
    actor: audit.Actor, tenant: Tenant, system: str, table: tables.Table
) -> Imported:
    """Enrol and complete each row's learner on the path mapped to its external_id.

    Raises:
        ValidationError: naming every bad row and cell; nothing is written.
    """
    loaded = tables.load(table, CompletionRowSchema())
    for row in loaded:
        if row is not None:
            row["email"] = normalise_email(row["email"])
    run = _Run(actor, tenant, system, _targets(tenant, system))
    _refuse(table, loaded, run.targets)
    table.check()
    rows = [r for r in loaded if r is not None]
    for start in range(0, len(rows), CHUNK):
        _import(run, rows[start : start + CHUNK])
    audit.record(
        actor,
        "interop.completions.import",
        tenant,
        tenant_id=tenant.id,
        system=system,
        rows=len(rows),
        users_created=run.users_created,
        enrolments_created=run.created,
        completed=run.completed,
    )
    return Imported(
        rows=len(rows),
        created=run.created,
        unchanged=run.unchanged,
        users_created=run.users_created,
        completed=run.completed,
    )


def _targets(tenant: Tenant, system: str) -> dict[str, _Target]:
    """The tenant's mapped paths by external id; a mapping to another tenant's path is not.

    The paths stay locked until the import commits: a second import of the same rows waits,
    then finds the first one's cohort and enrolments instead of making a second of each.
    """
    mappings = by_external_id(tenant.id, system)
    found = db.session.scalars(
        select(CertificationPath)
        .where(
            CertificationPath.id.in_({m.path_id for m in mappings.values()}),
            CertificationPath.tenant_id == tenant.id,
        )
        .order_by(CertificationPath.id)  # one locking order: two imports never deadlock
        .with_for_update()
    )
    by_id = {p.id: p for p in found}
    published = {
        v.path_id: v
        for v in db.session.scalars(
            select(PathVersion)
            .join(CertificationPath, CertificationPath.id == PathVersion.path_id)
            .where(
                PathVersion.path_id.in_(by_id),
                PathVersion.version == CertificationPath.published_version,
            )
        )
    }
    return {
        external_id: _Target(by_id[m.path_id], published.get(m.path_id))
        for external_id, m in mappings.items()
        if m.path_id in by_id
    }


def _refuse(
    table: tables.Table, rows: list[dict[str, Any] | None], targets: dict[str, _Target]
) -> None:
    """Note the rows no path can take: unmapped, unpublished, retired, or from the future."""
    now = clock.now()
    retired: dict[int, tuple[str, uuid.UUID]] = {}  # row -> (email, path)
    for index, row in enumerate(rows):
        if row is None:
            continue
        target = targets.get(row["external_id"])
        if target is None:
            table.refuse(index, "external_id", "No path is mapped to this id.")
        elif target.version is None:
            table.refuse(index, "external_id", "Its path is not published yet.")
        elif target.path.retired_at is not None:
            retired[index] = (row["email"], target.path.id)
        if row.get("completed_at") is not None and row["completed_at"] > now:
            table.refuse(index, "completed_at", "It is in the future.")
    if retired:  # learners already under way may finish a retired path; no one new joins
        under_way = _under_way(set(retired.values()))
        for index, pair in retired.items():
            if pair not in under_way:
                table.refuse(index, "external_id", "Its path is retired.")


def _under_way(pairs: set[tuple[str, uuid.UUID]]) -> set[tuple[str, uuid.UUID]]:
    """Which (email, path) pairs have an enrolment."""
    emails = sorted({email for email, _ in pairs})
    found: set[tuple[str, uuid.UUID]] = set()
    for start in range(0, len(emails), CHUNK):
        found.update(
            db.session.execute(
                select(User.email, Cohort.path_id)
                .join(Enrolment, Enrolment.user_id == User.id)
                .join(Cohort, Cohort.id == Enrolment.cohort_id)
                .where(
                    User.email.in_(emails[start : start + CHUNK]),
                    Cohort.path_id.in_({path for _, path in pairs}),
                )
            )
        )
    return found & pairs


def _import(run: _Run, rows: list[dict[str, Any]]) -> None:
    """Enrol and complete one chunk of rows, already checked."""
    users = {
        u.email: u
        for u in db.session.scalars(select(User).where(User.email.in_({r["email"] for r in rows})))
    }
    enrolments = _enrolments(
        (u.id for u in users.values()), {t.path.id for t in run.targets.values()}
    )
    changed: set[int] = set()
    for index, row in enumerate(rows):
        target = run.targets[row["external_id"]]
        user = users.get(row["email"])
        if user is None:
            user = users[row["email"]] = _user(row)
            run.users_created += 1
        if _ensure_earner(run, user):
            changed.add(index)
        key = (user.id, target.path.id)
        if key not in enrolments:
            assert target.version is not None  # refused otherwise
            enrolments[key] = _enrol(run, user, _cohort(run, target.path), target.version, row)
            run.created += 1
            changed.add(index)
    db.session.flush()  # the chunk's users, roles and enrolments, in a few batches
    for index, row in enumerate(rows):
        enrolment = enrolments[(users[row["email"]].id, run.targets[row["external_id"]].path.id)]
        if enrolment.status == "completed":
            continue
        paths.complete_externally(
            enrolment,
            completed_at=row.get("completed_at"),
            score=row.get("score"),
            time_spent=row.get("time_spent_seconds") or 0,
        )
        if enrolment.status == "completed":
            run.completed += 1
            changed.add(index)
    db.session.flush()
    run.unchanged += len(rows) - len(changed)


def _enrolments(user_ids: Iterable[uuid.UUID], path_ids: set[uuid.UUID]) -> dict[Key, Enrolment]:
    """The users' enrolments on the paths by (user, path): a completed one, else the latest."""
    found: dict[Key, Enrolment] = {}
    for enrolment, path_id in db.session.execute(
        select(Enrolment, Cohort.path_id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(Enrolment.user_id.in_(set(user_ids)), Cohort.path_id.in_(path_ids))
        .order_by(Enrolment.enrolled_at)
    ):
        key = (enrolment.user_id, path_id)
        if key not in found or found[key].status != "completed":
            found[key] = enrolment
    return found


def _user(row: dict[str, Any]) -> User:
    """A learner account without a password, as accounts.create_user makes, flushed later."""
    user = User(
        id=uuid.uuid4(),
        email=row["email"],
        name=row.get("name") or row["email"].split("@")[0],
        password_hash=None,
        is_platform_admin=False,
        is_active=True,
        created_at=clock.now(),
    )
    db.session.add(user)
    return user


def _ensure_earner(run: _Run, user: User) -> bool:
    """Add the earner role to the user's roles in the tenant (as set_roles, flushed later)."""
    roles = {Role(m.role) for m in user.memberships if m.tenant_id == run.tenant.id}
    if Role.EARNER in roles:
        return False
    user.memberships.append(
        Membership(tenant_id=run.tenant.id, role=Role.EARNER, created_at=clock.now())
    )
    audit.record(
        run.actor,
        "member.roles",
        user,
        tenant_id=run.tenant.id,
        roles=sorted(r.value for r in roles | {Role.EARNER}),
    )
    return True


def _cohort(run: _Run, path: CertificationPath) -> Cohort:
    """The path's cohort of learners imported from the system, created on first use."""
    if path.id not in run.cohorts:
        name = f"{run.system} imports"
        found = db.session.scalar(
            select(Cohort).where(Cohort.path_id == path.id, Cohort.name == name).order_by(Cohort.id)
        )
        run.cohorts[path.id] = found or paths.create_cohort(
            run.actor, path, {"name": name, "enrolment": "invite"}
        )
    return run.cohorts[path.id]


def _enrol(
    run: _Run, user: User, cohort: Cohort, version: PathVersion, row: dict[str, Any]
) -> Enrolment:
    """As paths.enrol does, on the tenant's word (no invitation needed), flushed later.

    The reported steps, score and time go into the insert, so `complete_externally` has only
    to complete: one statement fewer per learner.
    """
    enrolment = Enrolment(
        id=uuid.uuid4(),
        tenant_id=cohort.tenant_id,
        cohort_id=cohort.id,
        user_id=user.id,
        path_version_id=version.id,
        status="enrolled",
        completed_steps=[s["id"] for s in version.content["steps"] if s.get("required", True)],
        progress=100,
        score=row.get("score"),
        time_spent_seconds=row.get("time_spent_seconds") or 0,
        enrolled_at=clock.now(),
    )
    db.session.add(enrolment)
    audit.record(run.actor, "cohort.enrol", enrolment, tenant_id=cohort.tenant_id)
    return enrolment
