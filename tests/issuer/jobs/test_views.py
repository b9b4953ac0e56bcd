"""Long requests as background jobs: 202 with a Location, then the job's state and outcome."""

from __future__ import annotations

import dataclasses
import uuid

from flask import Flask
from flask.testing import FlaskClient

from issuer.accounts.roles import Role
from tests.factories import Factories

ASYNC = {"Prefer": "respond-async"}
CSV = "external_id,email,name,completed_at\n" + "".join(
    f"course-1,learner{n}@school.test,Learner {n},2026-01-05T10:00:00Z\n" for n in range(3)
)


def _program(factories: Factories) -> tuple[uuid.UUID, dict[str, str]]:
    tenant = factories.tenant()
    issuer = factories.issuer(tenant)
    path = factories.path(issuer)
    factories.path_certificate(path, factories.achievement(issuer))
    factories.interop_mapping(path, "moodle", "course-1")
    return tenant, factories.client(tenant).headers


def _import(client: FlaskClient, tenant: uuid.UUID, headers: dict[str, str], body: str) -> str:
    r = client.post(
        f"/api/v1/tenants/{tenant}/interop/moodle/completions",
        data=body.encode(),
        content_type="text/csv",
        headers={**headers, **ASYNC},
    )
    assert r.status_code == 202, r.json
    assert r.headers["Preference-Applied"] == "respond-async"
    assert r.headers["Location"] == f"/api/v1/jobs/{r.json['id']}"
    return r.headers["Location"]


def test_an_import_sent_respond_async_answers_202_and_its_job_reports_the_counts(
    client: FlaskClient, factories: Factories
) -> None:
    tenant, headers = _program(factories)
    job = client.get(_import(client, tenant, headers, CSV), headers=headers)
    assert job.status_code == 200
    assert (job.json["kind"], job.json["state"]) == ("completions-import", "succeeded")
    assert job.json["counts"]["completed"] == 3 and job.json["errors"] == []
    owed = client.get(f"/api/v1/tenants/{tenant}/owed-credentials", headers=headers)
    assert owed.json == []  # and the worker signed what the import earned


def test_a_refused_file_fails_its_job_naming_each_bad_row(
    client: FlaskClient, factories: Factories
) -> None:
    tenant, headers = _program(factories)
    bad = CSV + "course-9,x@school.test,X,2026-01-05T10:00:00Z\n"
    job = client.get(_import(client, tenant, headers, bad), headers=headers).json
    assert job["state"] == "failed" and job["counts"] is None
    assert "external_id" in str(job["errors"]) and job["detail"]
    again = client.post(
        f"/api/v1/tenants/{tenant}/interop/moodle/completions",
        data=CSV.encode(),
        content_type="text/csv",
        headers=headers,
    )
    assert again.json["created"] == 3  # all or nothing: the refused file wrote nothing


def test_a_retry_sent_respond_async_runs_as_a_job(
    client: FlaskClient, factories: Factories
) -> None:
    tenant, headers = _program(factories)
    r = client.post(
        f"/api/v1/tenants/{tenant}/owed-credentials/retry", headers={**headers, **ASYNC}
    )
    assert r.status_code == 202
    job = client.get(r.headers["Location"], headers=headers).json
    assert (job["kind"], job["state"], job["counts"]) == (
        "owed-retry",
        "succeeded",
        {"issued": 0, "failed": 0},
    )


def test_a_job_is_invisible_to_other_tenants(client: FlaskClient, factories: Factories) -> None:
    tenant, headers = _program(factories)
    location = _import(client, tenant, headers, CSV)
    stranger = factories.person(factories.tenant(), [Role.ISSUER_ADMIN]).headers
    assert client.get(location, headers=stranger).status_code == 404
    assert client.get(f"/api/v1/jobs/{uuid.uuid4()}", headers=headers).status_code == 404


def test_a_file_of_more_rows_than_the_setting_is_a_job_without_asking(
    app: Flask, client: FlaskClient, factories: Factories
) -> None:
    tenant, headers = _program(factories)
    app.extensions["settings"] = dataclasses.replace(app.extensions["settings"], background_rows=2)
    r = client.post(
        f"/api/v1/tenants/{tenant}/interop/moodle/completions",
        data=CSV.encode(),
        content_type="text/csv",
        headers=headers,
    )
    assert r.status_code == 202 and "Preference-Applied" not in r.headers
    job = client.get(r.headers["Location"], headers=headers).json
    assert (job["state"], job["counts"]["completed"]) == ("succeeded", 3)


def test_a_body_that_is_no_table_is_refused_at_once_even_when_sent_async(
    client: FlaskClient, factories: Factories
) -> None:
    tenant, headers = _program(factories)
    r = client.post(
        f"/api/v1/tenants/{tenant}/interop/moodle/completions",
        json={"completions": "not a list"},
        headers={**headers, **ASYNC},
    )
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    assert r.json["errors"][0]["pointer"] == "#/completions"
