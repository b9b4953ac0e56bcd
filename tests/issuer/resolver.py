"""The deployment as the outside world sees it: public URLs answered by the app under test."""

from __future__ import annotations

from flask.testing import FlaskClient

from verifier.errors import FetchRefused, ResolutionError


class AppResolver:
    """A verifier Resolver that serves `base`'s URLs from the test client, and nothing else."""

    def __init__(self, client: FlaskClient, base: str = "https://certs.example.test") -> None:
        self.client = client
        self.base = base
        self.fetched: list[str] = []

    def fetch(self, url: str, *, accept: str) -> bytes:
        if not url.startswith(self.base + "/"):
            raise FetchRefused(f"{url}: outside the deployment under test")
        self.fetched.append(url)
        response = self.client.get(url.removeprefix(self.base), headers={"Accept": accept})
        if response.status_code != 200:
            raise ResolutionError(f"{url}: HTTP {response.status_code}")
        return response.data
