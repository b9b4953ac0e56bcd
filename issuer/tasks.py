"""Background work through one interface: Celery workers with a broker, in-process without.

Tasks are declared with `@shared_task`, take ids, and call a plain service function; they run
inside an app context (Flask's Celery pattern). With `CELERY_BROKER_URL` set (Redis or
RabbitMQ) `task.delay()` queues to workers (`celery -A issuer.worker worker`); unset, the
embedded runner executes the task in-process, so `make run` needs no broker.
"""

from __future__ import annotations

from typing import Any

from celery import Celery, Task
from flask import Flask

from issuer.settings import Settings


def init_app(app: Flask, settings: Settings) -> Celery:
    """Bind a Celery app to `app`; every task runs in an app context."""

    class FlaskTask(Task):  # type: ignore[misc]
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return self.run(*args, **kwargs)

    embedded = settings.celery_broker_url is None
    celery = Celery(app.name, task_cls=FlaskTask)
    celery.conf.update(
        broker_url=settings.celery_broker_url or "memory://",
        result_backend=settings.celery_result_backend,
        task_always_eager=embedded,
        task_eager_propagates=True,
        task_acks_late=True,  # a worker that dies mid-task leaves it for another
        task_reject_on_worker_lost=True,  # a pool process killed mid-task: requeued at once
        worker_prefetch_multiplier=1,
        # Redis hands an unacknowledged task to another worker after the visibility timeout
        # (kombu's default, an hour, is how long a killed worker's work would wait). Tasks
        # are idempotent and split into chunks that each end well inside it, and every
        # worker sweeps for abandoned tasks every few seconds (kombu: only every 100 s).
        broker_transport_options={
            "visibility_timeout": settings.task_visibility_timeout,
            "unacked_restore_interval": max(1, min(10, settings.task_visibility_timeout // 4)),
            "unacked_restore_throttle": 1,
        },
        task_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
        # `celery -A issuer.worker beat` runs these; every schedule lives here.
        beat_schedule={
            "retry-owed-credentials": {"task": "certificates.retry_owed", "schedule": 15 * 60},
            "report-owed-credentials": {"task": "certificates.report_owed", "schedule": 24 * 3600},
        },
    )
    celery.set_default()
    app.extensions["celery"] = celery
    return celery
