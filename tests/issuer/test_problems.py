"""Every error leaves as RFC 9457 problem+json, and a rejected request changes nothing."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

import flask_smorest
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from issuer import errors
from issuer.accounts.roles import Role
from issuer.errors import PROBLEM_JSON
from issuer.extensions import Blueprint
from issuer.settings import Settings
from tests.factories import Factories, Person


def problem(response: TestResponse, status: int, slug: str) -> dict[str, Any]:
    """The response's problem details, after checking it is one of `slug` with `status`."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM_JSON
    body: dict[str, Any] = response.json  # type: ignore[assignment]
    assert body["type"] == f"https://certs.example.test/problems/{slug}", body
    assert body["status"] == status
    assert body["title"] and body["detail"], body
    return body


def pointers(body: dict[str, Any]) -> list[str]:
    return [e["pointer"] for e in body.get("errors", []) if "pointer" in e]


@pytest.fixture
def admin(factories: Factories) -> Person:
    return factories.person(platform_admin=True)


@pytest.fixture
def tenant(factories: Factories) -> uuid.UUID:
    return factories.tenant()


def test_malformed_json_body_is_a_bad_request_naming_json(
    client: FlaskClient, admin: Person, tenant: uuid.UUID
) -> None:
    r = client.patch(
        f"/api/v1/tenants/{tenant}",
        data='{"name": "x",}',
        content_type="application/json",
        headers=admin.headers,
    )
    body = problem(r, 400, "bad-request")
    assert "not valid JSON" in body["detail"]


def test_json_body_of_invalid_utf8_is_a_bad_request(
    client: FlaskClient, admin: Person, tenant: uuid.UUID
) -> None:
    r = client.patch(
        f"/api/v1/tenants/{tenant}",
        data=b'{"name": "\xff\xfe\xc3"}',
        content_type="application/json",
        headers=admin.headers,
    )
    body = problem(r, 400, "bad-request")
    assert "not valid UTF-8" in body["detail"]


@pytest.mark.parametrize("path", ["/api/v1/tenants", "/api/v1/auth/login"])
def test_deeply_nested_json_is_a_bad_request_not_a_crash(
    client: FlaskClient, admin: Person, path: str
) -> None:
    depth = 100_000
    r = client.post(
        path,
        data="[" * depth + "]" * depth,
        content_type="application/json",
        headers=admin.headers,
    )
    body = problem(r, 400, "bad-request")
    assert "nested" in body["detail"]


def test_json_number_of_thousands_of_digits_is_a_bad_request(
    client: FlaskClient, admin: Person, tenant: uuid.UUID
) -> None:
    r = client.patch(
        f"/api/v1/tenants/{tenant}",
        data='{"name": ' + "9" * 5000 + "}",
        content_type="application/json",
        headers=admin.headers,
    )
    assert "number too long" in problem(r, 400, "bad-request")["detail"]


def test_json_endpoint_refuses_another_media_type_with_415(
    client: FlaskClient, admin: Person
) -> None:
    r = client.post(
        "/api/v1/tenants",
        data='{"slug": "x", "name": "X"}',
        content_type="text/plain",
        headers=admin.headers,
    )
    body = problem(r, 415, "unsupported-media-type")
    assert "application/json" in body["detail"]
    assert r.headers["Accept"] == "application/json"


def test_form_endpoint_refuses_json_with_415(client: FlaskClient) -> None:
    r = client.post("/oauth/token", json={"grant_type": "client_credentials"})
    body = problem(r, 415, "unsupported-media-type")
    assert "application/x-www-form-urlencoded" in body["detail"]


def test_unknown_field_is_named_by_its_pointer(
    client: FlaskClient, admin: Person, tenant: uuid.UUID
) -> None:
    r = client.patch(
        f"/api/v1/tenants/{tenant}", json={"name": "Ok", "colour": "red"}, headers=admin.headers
    )
    body = problem(r, 422, "validation-error")
    assert pointers(body) == ["#/colour"]


def test_wrong_type_is_named_by_its_pointer(
    client: FlaskClient, admin: Person, tenant: uuid.UUID
) -> None:
    r = client.patch(f"/api/v1/tenants/{tenant}", json={"name": 42}, headers=admin.headers)
    body = problem(r, 422, "validation-error")
    assert pointers(body) == ["#/name"]


@pytest.mark.parametrize(
    ("text", "detail"), [("Col\x00lege", "NUL"), ("Col\ud800lege", "surrogate")]
)
def test_text_no_database_can_store_is_refused_naming_the_field(
    client: FlaskClient, admin: Person, tenant: uuid.UUID, text: str, detail: str
) -> None:
    r = client.patch(f"/api/v1/tenants/{tenant}", json={"name": text}, headers=admin.headers)
    body = problem(r, 422, "validation-error")
    assert pointers(body) == ["#/name"]
    assert detail in body["errors"][0]["detail"]


def test_nul_inside_a_list_is_named_by_its_index(
    client: FlaskClient, admin: Person, tenant: uuid.UUID
) -> None:
    r = client.post(
        f"/api/v1/tenants/{tenant}/members",
        json={"email": "a@b.example", "name": "A", "roles": ["mentor", "earn\x00er"]},
        headers=admin.headers,
    )
    assert pointers(problem(r, 422, "validation-error")) == ["#/roles/1"]


def test_nul_in_a_query_parameter_names_the_parameter(
    client: FlaskClient, admin: Person, tenant: uuid.UUID
) -> None:
    r = client.get(
        f"/api/v1/tenants/{tenant}/audit-events",
        query_string={"action": "tenant.\x00create"},
        headers=admin.headers,
    )
    body = problem(r, 422, "validation-error")
    assert [e.get("parameter") for e in body["errors"]] == ["action"]


def test_page_far_past_the_end_is_empty_not_an_overflow(client: FlaskClient, admin: Person) -> None:
    r = client.get("/api/v1/tenants", query_string={"page": 10**30}, headers=admin.headers)
    assert r.status_code == 200 and r.json == []


def test_unknown_route_is_a_not_found_problem(client: FlaskClient) -> None:
    problem(client.get("/api/v1/nothing-here"), 404, "not-found")


@pytest.mark.parametrize(
    "path",
    [
        "/api/docs/assets/..%2f..%2fsetup.cfg",
        "/api/docs/assets/%00",
        "/problems/http-" + "9" * 5000,
        "/problems/%00",
        "/images/not-a-uuid",
        f"/images/{uuid.UUID(int=0)}",
        f"/issuers/{uuid.UUID(int=0)}/did.json",
        f"/issuers/{uuid.UUID(int=0)}/jwks.json",
        "/api/v1/tenants/%00",
    ],
)
def test_routes_outside_the_openapi_answer_odd_paths_with_404(
    client: FlaskClient, path: str
) -> None:
    problem(client.get(path), 404, "not-found")


def test_wrong_method_is_a_problem_with_allow_header(client: FlaskClient) -> None:
    r = client.get("/api/v1/auth/login")
    problem(r, 405, "method-not-allowed")
    assert "POST" in r.headers["Allow"]


class TestBodyLimit:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return dataclasses.replace(settings, max_request_bytes=1024)

    def test_json_body_over_the_limit_is_413(
        self, client: FlaskClient, admin: Person, tenant: uuid.UUID
    ) -> None:
        r = client.patch(
            f"/api/v1/tenants/{tenant}", json={"name": "x" * 2000}, headers=admin.headers
        )
        problem(r, 413, "payload-too-large")

    def test_image_upload_over_the_limit_is_413(
        self, client: FlaskClient, factories: Factories, tenant: uuid.UUID
    ) -> None:
        issuer = factories.issuer(tenant)
        owner = factories.person(tenant, [Role.ISSUER_ADMIN])
        r = client.put(
            f"/api/v1/issuers/{issuer}/logo",
            data=b"\x89PNG" + b"\0" * 4096,
            content_type="image/png",
            headers=owner.headers,
        )
        problem(r, 413, "payload-too-large")


def test_every_api_blueprint_screens_its_arguments(app: Flask) -> None:
    # Only issuer.extensions.Blueprint's parser refuses NUL and wrong media types.
    smorest = [bp for bp in app.blueprints.values() if isinstance(bp, flask_smorest.Blueprint)]
    assert smorest and all(isinstance(bp, Blueprint) for bp in smorest), smorest


def test_unexpected_error_is_a_500_problem_without_internals(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret internals: password=hunter2")

    r = client.get("/boom", headers={"X-Request-Id": "req-42"})
    body = problem(r, 500, "issuer-error")
    text = r.get_data(as_text=True)
    assert "hunter2" not in text and "Traceback" not in text and "RuntimeError" not in text
    assert body["instance"] == "urn:request:req-42"
    assert r.headers["X-Request-Id"] == "req-42"
    assert "req-42" in caplog.text and "hunter2" in caplog.text  # logged, not shown


def test_every_problem_type_resolves_to_a_page(client: FlaskClient) -> None:
    for cls in errors.problem_types():
        r = client.get(f"/problems/{cls.slug}")
        assert r.status_code == 200, cls.slug
        assert cls.title in r.get_data(as_text=True)


def test_type_of_problems_the_service_answers_with_resolves(
    client: FlaskClient, admin: Person
) -> None:
    responses = [
        client.get("/api/v1/nothing-here"),
        client.get("/api/v1/auth/login"),
        client.get("/api/v1/me"),
        client.delete(f"/api/v1/tenants/{uuid.uuid4()}", headers=admin.headers),
        client.post("/api/v1/tenants", data="x", content_type="text/plain", headers=admin.headers),
        client.post("/api/v1/tenants", json={}, headers=admin.headers),
        client.post(
            "/api/v1/tenants", data="{", content_type="application/json", headers=admin.headers
        ),
        client.open("/api/v1/me", method="BREW"),
        client.get("/api/docs/assets/swagger-ui.css", headers={"Range": "bytes=999999999-"}),
    ]
    assert {r.status_code for r in responses} == {400, 401, 404, 405, 415, 416, 422}
    for r in responses:
        path = r.json["type"].removeprefix("http://localhost")
        assert client.get(path).status_code == 200, r.json["type"]


def test_rejected_patch_with_one_valid_and_one_invalid_field_changes_nothing(
    client: FlaskClient, factories: Factories, tenant: uuid.UUID
) -> None:
    issuer = factories.issuer(tenant, name="Before")
    owner = factories.person(tenant, [Role.ISSUER_ADMIN]).headers
    audit = f"/api/v1/tenants/{tenant}/audit-events"
    events = client.get(audit, headers=owner).json
    for change in (
        {"name": "After", "url": "not a url"},
        {"name": "After", "description": "no\x00nul"},
        {"name": "After", "bogus": 1},
    ):
        r = client.patch(f"/api/v1/issuers/{issuer}", json=change, headers=owner)
        assert r.status_code == 422, r.json
    assert client.get(f"/api/v1/issuers/{issuer}", headers=owner).json["name"] == "Before"
    assert client.get(audit, headers=owner).json == events
