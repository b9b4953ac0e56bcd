"""A stranger failing to sign in as someone slows only their own (account, address) pair."""

from __future__ import annotations

import dataclasses

import pytest
from flask.testing import FlaskClient

from issuer.clock import FrozenClock
from issuer.settings import Settings
from tests.factories import PASSWORD, Factories

STRANGER = "203.0.113.66"
VICTIM = "198.51.100.7"


def _login(client: FlaskClient, email: str, password: str, address: str) -> int:
    response = client.post(
        "/api/v1/auth/login",
        json={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )
    if response.status_code == 429:
        assert response.mimetype == "application/problem+json"
        assert int(response.headers["Retry-After"]) > 0
    return response.status_code


def test_a_stranger_exhausting_attempts_does_not_lock_the_victim_out(
    client: FlaskClient, factories: Factories, clock: FrozenClock
) -> None:
    victim = factories.person()
    for _minute in range(3):  # a persistent stranger, past every limit, for three minutes
        statuses = {_login(client, victim.email.upper(), "guess", STRANGER) for _ in range(12)}
        assert 429 in statuses
        clock.advance(minutes=1)
    assert _login(client, victim.email, PASSWORD, STRANGER) == 429  # the pair waits
    assert _login(client, victim.email, PASSWORD, VICTIM) == 200  # the owner does not


class TestBackoff:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return dataclasses.replace(settings, login_rate_limit="100 per minute")  # the pair's own

    def test_failures_of_one_pair_back_off_growing_and_a_success_resets(
        self, client: FlaskClient, factories: Factories, clock: FrozenClock
    ) -> None:
        person = factories.person()
        for _ in range(3):  # free tries
            assert _login(client, person.email, "typo", STRANGER) == 401
        for wait in (1, 2, 4, 8):  # seconds, doubling with each failure
            assert _login(client, person.email, "typo", STRANGER) == 401
            clock.advance(seconds=wait - 0.5)
            # Even the right password waits, and is not checked.
            assert _login(client, person.email, PASSWORD, STRANGER) == 429
            clock.advance(seconds=0.5)
        assert _login(client, person.email, PASSWORD, STRANGER) == 200
        assert _login(client, person.email, "typo", STRANGER) == 401  # forgotten: free again
        assert _login(client, person.email, PASSWORD, STRANGER) == 200


def test_the_backoff_of_one_account_leaves_others_from_the_same_address(
    client: FlaskClient, factories: Factories
) -> None:
    tried, other = factories.person(), factories.person()
    for _ in range(5):
        _login(client, tried.email, "guess", STRANGER)
    assert _login(client, tried.email, PASSWORD, STRANGER) == 429
    assert _login(client, other.email, PASSWORD, STRANGER) == 200
