"""Transient database failures: which they are, and re-running a request's unit of work.

A unit of work is one view call: it reads, writes and commits. When the database aborts it
for a reason that says nothing about the request (a PostgreSQL deadlock or serialisation
failure, a SQLite write that met another's lock), the whole transaction is gone, so running
the view again is safe, unless it already queued mail or a job (a Celery task), which a
rollback cannot take back. What is not retried leaves as 503 with Retry-After (errors.py).
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

from celery import signals
from flask import Flask, current_app, request
from sqlalchemy.exc import DBAPIError

from issuer.db import db

_F = TypeVar("_F", bound=Callable[..., Any])

# PostgreSQL: serialization_failure, deadlock_detected (the server rolled the transaction back).
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})
# SQLite: SQLITE_BUSY and SQLITE_BUSY_SNAPSHOT (a read transaction could not become a writer).
SQLITE_BUSY_CODES = frozenset({5, 517})

# Set to a list while a unit of work runs; a queued task appends to it.
_queued: ContextVar[list[str] | None] = ContextVar("queued_tasks", default=None)


def transient(exc: BaseException) -> str | None:
    """'conflict' for a deadlock or serialisation failure, 'busy' for a lock, else None."""
    if not isinstance(exc, DBAPIError):
        return None
    orig = exc.orig
    if getattr(orig, "sqlstate", None) in RETRYABLE_SQLSTATES:
        return "conflict"
    if getattr(orig, "sqlite_errorcode", None) in SQLITE_BUSY_CODES:
        return "busy"
    if "database is locked" in str(orig):  # a driver without sqlite_errorcode
        return "busy"
    return None


def _note_task(**kwargs: Any) -> None:
    queued = _queued.get()
    if queued is not None:
        queued.append(str(kwargs.get("sender")))


# before_task_publish: a broker takes the task; task_prerun: the embedded runner starts it.
signals.before_task_publish.connect(_note_task, weak=False)
signals.task_prerun.connect(_note_task, weak=False)


def unit_of_work(view: _F) -> _F:
    """Wrap `view` so a transient database failure rolls back and runs it again, where safe.

    Deadlocks and serialisation failures are retried `db_retries` times; a SQLite lock is
    retried until `db_busy_timeout` seconds have passed since the first attempt.
    """

    @functools.wraps(view)
    def run(*args: Any, **kwargs: Any) -> Any:
        settings = current_app.extensions["settings"]
        started, attempt = time.monotonic(), 0
        while True:
            queued: list[str] = []
            token = _queued.set(queued)
            try:
                return view(*args, **kwargs)
            except DBAPIError as exc:
                kind = transient(exc)
                elapsed = time.monotonic() - started
                if kind is None or queued:
                    raise
                if kind == "conflict" and attempt >= settings.db_retries:
                    raise
                if kind == "busy" and elapsed >= settings.db_busy_timeout:
                    raise
                db.session.rollback()
                attempt += 1
                time.sleep(min(0.05 * 2**attempt, 1.0) * (0.5 + random.random()))  # jitter
                _rewind_uploads()
            finally:
                _queued.reset(token)

    return run  # type: ignore[return-value]


def _rewind_uploads() -> None:
    """Let a re-run read uploaded files again from their first byte."""
    for upload in request.files.values():
        upload.stream.seek(0)


def init_app(app: Flask) -> None:
    """Make every registered view a unit of work (call after registering blueprints)."""
    for endpoint, view in list(app.view_functions.items()):
        app.view_functions[endpoint] = unit_of_work(view)
