"""X-Forwarded-For counts only from as many proxies as CERTIFIKATION_PROXY_COUNT names."""

from __future__ import annotations

import dataclasses

import pytest
from flask.testing import FlaskClient

from issuer.settings import Settings, SettingsError

PROXY = "10.0.0.2"


def _token_statuses(client: FlaskClient, forwarded_for: list[str]) -> list[int]:
    """One junk token request (each for another client id) per X-Forwarded-For value."""
    return [
        client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials", "client_id": f"ck_{n}", "client_secret": "x"},
            headers={"X-Forwarded-For": value, "X-Forwarded-Proto": "https"},
            environ_base={"REMOTE_ADDR": PROXY},
        ).status_code
        for n, value in enumerate(forwarded_for)
    ]


class TestNoProxy:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return dataclasses.replace(settings, token_rate_limit="2 per minute")  # proxy_count=0

    def test_a_forged_forwarded_for_does_not_change_the_rate_limit_key(
        self, client: FlaskClient
    ) -> None:
        forged = ["192.0.2.1", "192.0.2.2", "192.0.2.3"]
        assert _token_statuses(client, forged) == [401, 401, 429]  # all one address: the peer


class TestOneProxy:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return dataclasses.replace(settings, token_rate_limit="2 per minute", proxy_count=1)

    def test_the_proxy_named_client_is_the_rate_limit_key(self, client: FlaskClient) -> None:
        assert _token_statuses(client, ["192.0.2.1", "192.0.2.2", "192.0.2.3"]) == [401] * 3
        # The proxy appends the address it saw; whatever the client wrote before it is ignored.
        spoofed = ["203.0.113.9, 192.0.2.1", "198.51.100.9, 192.0.2.1"]
        assert _token_statuses(client, spoofed) == [401, 429]


def test_a_negative_proxy_count_is_refused() -> None:
    with pytest.raises(SettingsError, match="CERTIFIKATION_PROXY_COUNT"):
        Settings.from_env({"CERTIFIKATION_DEBUG": "1", "CERTIFIKATION_PROXY_COUNT": "-1"})
