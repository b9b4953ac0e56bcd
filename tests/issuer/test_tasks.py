"""Background tasks: in-process without a broker, on Celery workers with Redis."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from celery.result import EagerResult
from flask import Flask
from flask.testing import FlaskClient

from issuer import create_app, mail
from issuer.accounts.roles import Role
from issuer.settings import Settings
from tests.factories import Factories

REDIS = "redis://127.0.0.1:6379/15"


def test_without_a_broker_tasks_run_in_process(
    client: FlaskClient, factories: Factories, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="issuer.mail")
    tenant = factories.tenant()
    admin = factories.person(tenant, [Role.ISSUER_ADMIN]).headers
    body = {"email": "new@school.test", "name": "Nia", "roles": ["earner"]}
    assert (
        client.post(f"/api/v1/tenants/{tenant}/members", json=body, headers=admin).status_code
        == 201
    )
    assert "to=new@school.test" in caplog.text and "invites you to these roles" in caplog.text


@pytest.fixture
def redis_app(settings: Settings) -> Iterator[Flask]:
    redis.Redis.from_url(REDIS).flushdb()
    app = create_app(
        dataclasses.replace(settings, celery_broker_url=REDIS, celery_result_backend=REDIS)
    )
    yield app
    redis.Redis.from_url(REDIS).flushdb()


def test_with_redis_tasks_run_on_a_worker(redis_app: Flask) -> None:
    celery = redis_app.extensions["celery"]
    assert celery.conf.task_always_eager is False
    with start_worker(celery, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        with redis_app.app_context():
            result = mail.deliver_task.delay("worker@school.test", "Queued", "via Redis")
        assert not isinstance(result, EagerResult)  # queued through Redis, not run inline
        assert result.get(timeout=20) is None  # the task needs the app context: it had one
    assert result.successful()
