"""Login backoff per (account, address), so no stranger can lock a person out.

Failures from one address against one account slow that pair alone down: after a few free
tries each failure doubles the wait, up to a cap. Nothing locks the account itself, so its
owner signs in from any other address; the per-address limit (views.py) bounds how many
accounts one address may try. Counters live in the rate limiter's storage (Redis when
configured), times come from the app clock.
"""

from __future__ import annotations

import hashlib
import math
from datetime import UTC, datetime

from limits.storage import Storage

from issuer import clock
from issuer.errors import RateLimited
from issuer.extensions import limiter

FREE_FAILURES = 3  # typos cost nothing
FIRST_WAIT_S = 1  # the wait after the 4th failure; each further failure doubles it
MAX_WAIT_S = 15 * 60
KEPT_S = 24 * 3600  # a pair's failure count is forgotten a day after its first failure


def _keys(email: str, address: str) -> tuple[str, str]:
    pair = hashlib.sha256(f"{email}\0{address}".encode("utf-8", "surrogatepass")).hexdigest()
    return f"login-failures:{pair}", f"login-wait:{pair}"


def _storage() -> Storage:
    return limiter.storage


def check(email: str, address: str) -> None:
    """Raise RateLimited (with Retry-After) while this pair must wait."""
    _, wait_key = _keys(email, address)
    until = _storage().get(wait_key)
    remaining = until - clock.now().timestamp()
    if remaining > 0:
        seconds = math.ceil(remaining)
        raise RateLimited(
            f"Too many failed sign-ins for this account from your address; wait {seconds} s.",
            headers={"Retry-After": str(seconds)},
        )


def record_failure(email: str, address: str) -> datetime | None:
    """Count a failure of this pair; return until when it must now wait, if it must."""
    failures_key, wait_key = _keys(email, address)
    storage = _storage()
    failures = storage.incr(failures_key, KEPT_S)
    if failures <= FREE_FAILURES:
        return None
    wait = min(FIRST_WAIT_S * 2 ** min(failures - FREE_FAILURES - 1, 32), MAX_WAIT_S)
    until = math.ceil(clock.now().timestamp() + wait)
    storage.clear(wait_key)  # a counter holds the time: clear, then add it
    storage.incr(wait_key, KEPT_S, amount=until)
    return datetime.fromtimestamp(until, UTC)


def record_success(email: str, address: str) -> None:
    """The pair signed in: forget its failures."""
    for key in _keys(email, address):
        _storage().clear(key)
