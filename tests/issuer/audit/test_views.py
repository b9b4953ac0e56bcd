"""The audit log records every state change with who, what, when and tenant."""

from __future__ import annotations

from flask.testing import FlaskClient

from issuer.accounts.roles import Role
from issuer.clock import FrozenClock
from tests.factories import Factories


def test_state_changes_are_audited_with_actor(
    client: FlaskClient, factories: Factories, clock: FrozenClock
) -> None:
    tenant = factories.tenant()
    admin = factories.person(tenant, [Role.ISSUER_ADMIN])
    issuer = client.post(
        f"/api/v1/tenants/{tenant}/issuers",
        json={"name": "A", "url": "https://a.example", "email": "a@a.example"},
        headers=admin.headers,
    ).json
    clock.advance(seconds=1)  # newest first is by time: give each change its own second
    client.patch(f"/api/v1/issuers/{issuer['id']}", json={"name": "B"}, headers=admin.headers)
    clock.advance(seconds=1)
    client.post(
        f"/api/v1/issuers/{issuer['id']}/keys", json={"algorithm": "Ed25519"}, headers=admin.headers
    )
    events = client.get(f"/api/v1/tenants/{tenant}/audit-events", headers=admin.headers).json
    mine = [e for e in events if e["actor_id"] == str(admin.id)]
    assert [e["action"] for e in mine] == ["key.rotate", "issuer.update", "issuer.create"]
    assert all(e["actor_type"] == "user" and e["tenant_id"] == str(tenant) for e in mine)
    assert mine[1]["details"] == {"fields": ["name"]}
    only = client.get(
        f"/api/v1/tenants/{tenant}/audit-events?action=issuer.update", headers=admin.headers
    ).json
    assert [e["action"] for e in only] == ["issuer.update"]


def test_reads_and_refused_writes_are_not_audited(
    client: FlaskClient, factories: Factories
) -> None:
    tenant = factories.tenant()
    admin = factories.person(tenant, [Role.ISSUER_ADMIN])
    earner = factories.person(tenant, [Role.EARNER])
    before = len(client.get(f"/api/v1/tenants/{tenant}/audit-events", headers=admin.headers).json)
    client.get(f"/api/v1/tenants/{tenant}", headers=earner.headers)
    client.patch(f"/api/v1/tenants/{tenant}", json={"name": "X"}, headers=earner.headers)  # 403
    after = len(client.get(f"/api/v1/tenants/{tenant}/audit-events", headers=admin.headers).json)
    assert after == before
