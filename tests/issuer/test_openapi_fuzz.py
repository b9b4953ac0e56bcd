"""Schemathesis over the whole OpenAPI: no request, however malformed, gets a 500 or changes data.

Every operation of /api/openapi.json runs in-process (WSGI) for a tenant's issuer admin, and
those outside any tenant's objects for a platform admin too (inside them, a platform admin
reaches the same views; tests/issuer/accounts/test_access_matrix.py covers who may), with
bounded, derandomised examples. Most well-formed path ids are
those of real rows, so requests reach the views' deep code rather than stopping at a 404. Each
example runs in a SAVEPOINT rolled back after it, so examples cannot disturb one another, and a
rejected request must leave every table exactly as it was.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from cryptography.fernet import Fernet
from flask import Flask
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from sqlalchemy import Connection, select

from issuer import create_app
from issuer.accounts.roles import Role
from issuer.db import Base, db
from issuer.errors import PROBLEM_JSON
from issuer.settings import Settings
from tests.factories import Factories

PROBLEM_MEMBERS = ("type", "title", "status", "detail")

# The OpenAPI document does not touch the database, so any app serves it; requests go to the
# test's own `app`.
_spec_app = create_app(
    Settings(
        secret_key="spec-only-" + "x" * 32,
        database_url="sqlite://",
        master_keys=(Fernet.generate_key().decode(),),
    )
)
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", _spec_app)
# apispec documents marshmallow's Url as `format: url`, which JSON Schema does not define; without
# this, every generated issuer URL is junk and issuer creation is never reached.
schemathesis.openapi.format(
    "url", st.from_regex(r"\Ahttps?://[a-z0-9-]{1,20}\.example(/[\w.~%-]{0,20})?\Z")
)


@schemathesis.serializer("application/pdf", "application/vc+jwt")
def raw_body(ctx: Any, value: Any) -> bytes:
    """Bodies that are files or tokens (the public verifier's): sent as the bytes generated."""
    return value if isinstance(value, bytes) else str(value).encode()


@pytest.fixture(scope="module", autouse=True)
def report_runtime(pytestconfig: pytest.Config) -> Iterator[None]:
    """Print how long the run took: it must stay within the test suite's budget (~60 s)."""
    started = time.perf_counter()
    yield
    reporter = pytestconfig.pluginmanager.get_plugin("terminalreporter")
    capture = pytestconfig.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():  # teardown output is captured otherwise
            reporter.write_line(f"\nOpenAPI fuzz: {time.perf_counter() - started:.1f} s")


@dataclass(frozen=True)
class World:
    """The rows the fuzzer aims at, the caller's headers and the connection to check data on."""

    role: str
    ids: dict[str, str]
    credentials: dict[str, str]
    headers: dict[str, str]
    connection: Connection
    rows: dict[str, Any]  # every table's content (see snapshot), as each example starts


@pytest.fixture(params=["platform_admin", "issuer_admin"])
def world(request: pytest.FixtureRequest, app: Flask, factories: Factories) -> World:
    tenant = factories.tenant()
    issuer = factories.issuer(tenant)
    member = factories.person(tenant, [Role.MENTOR])
    client = factories.client(tenant)
    if request.param == "platform_admin":
        caller = factories.person(platform_admin=True)
    else:
        caller = factories.person(tenant, [Role.ISSUER_ADMIN])
    ids = {
        "tenant_id": str(tenant),
        "issuer_id": str(issuer),
        "user_id": str(member.id),
        "client_id": str(client.id),
    }
    credentials = {
        "grant_type": "client_credentials",
        "client_id": client.client_id,
        "client_secret": client.secret,
    }
    connection = db.state(app).sessionmaker.kw["bind"]
    return World(request.param, ids, credentials, caller.headers, connection, snapshot(connection))


def problem_details(ctx: Any, response: schemathesis.Response, case: schemathesis.Case) -> None:
    """Every error is RFC 9457 application/problem+json with type, title, status and detail."""
    if response.status_code < 400:
        return
    content_type = response.headers.get("content-type", [""])[0]
    assert content_type.split(";")[0] == PROBLEM_JSON, f"error answered as {content_type!r}"
    body = response.json()
    missing = [m for m in PROBLEM_MEMBERS if m not in body]
    assert not missing, f"problem lacks {missing}: {body}"
    assert body["status"] == response.status_code, body


def snapshot(connection: Connection) -> dict[str, Any]:
    """Every table's content: its rows in a stable order, or on PostgreSQL a digest of them
    computed there in one round trip (forty queries per example would dominate the run)."""
    tables = Base.metadata.sorted_tables
    if connection.dialect.name == "postgresql":
        digests = " UNION ALL ".join(
            f"SELECT '{t.name}', count(*), md5(coalesce(string_agg(r::text, '|' ORDER BY "
            f"r::text), '')) FROM \"{t.name}\" r"
            for t in tables
        )
        return {
            name: (count, digest) for name, count, digest in connection.exec_driver_sql(digests)
        }
    return {
        table.name: sorted((tuple(row) for row in connection.execute(select(table))), key=repr)
        for table in tables
    }


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    # The fixtures are per test, not per example, on purpose: a SAVEPOINT isolates examples.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_no_request_gets_a_server_error_or_changes_data_when_rejected(
    case: schemathesis.Case, app: Flask, world: World
) -> None:
    if world.role == "platform_admin" and "{" in case.operation.path:
        pytest.skip("a tenant's objects: fuzzed as its issuer admin, through the same views")
    aim_at_real_rows(case, world)
    savepoint = world.connection.begin_nested()
    try:
        response = case.call_and_validate(
            app=app, headers=world.headers, checks=[not_a_server_error, problem_details]
        )
        if response.status_code >= 400:
            assert snapshot(world.connection) == world.rows, "a rejected request changed data"
    finally:
        savepoint.rollback()


def aim_at_real_rows(case: schemathesis.Case, world: World) -> None:
    """Swap most well-formed generated ids (and token-endpoint credentials) for real ones.

    The choice hashes the generated value rather than drawing from Hypothesis: `@schema.given`
    would turn off Schemathesis' coverage phase, which sends the systematic wrong types, missing
    fields and wrong media types.
    """
    for name, value in (case.path_parameters or {}).items():
        if name in world.ids and _is_uuid(value):
            case.path_parameters[name] = _mostly(name, world.ids[name], value)
    if isinstance(case.body, dict):
        for name, real in world.credentials.items():
            if name in case.body:
                case.body[name] = _mostly(name, real, case.body[name])


def _mostly(name: str, real: str, generated: Any) -> Any:
    return real if hashlib.sha256(f"{name}={generated!r}".encode()).digest()[0] % 4 else generated


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
