"""The service's sense of time: the real clock, or a controllable one set by tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from flask import Flask, current_app

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The current UTC time."""
    return datetime.now(UTC)


class FrozenClock:
    """A clock that only moves when told to: `clock.advance(minutes=30)`."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


def init_app(app: Flask, clock: Clock | None = None) -> None:
    app.extensions["clock"] = clock or system_clock


def now() -> datetime:
    """The current time from the app's clock."""
    clock: Clock = current_app.extensions["clock"]
    return clock()
