"""A resolver that answers this deployment's own URLs in-process and others over HTTP."""

from __future__ import annotations

from flask import Flask

from issuer.settings import Settings
from verifier.canon import Budget
from verifier.errors import ResolutionError
from verifier.pipeline import Limits
from verifier.resolver import Resolver


def verifier_limits(settings: Settings) -> Limits:
    """The work the verifier may spend on one submitted credential, from the settings."""
    return Limits(
        canonicalization=Budget(
            max_blank_nodes=settings.canon_max_blank_nodes, max_steps=settings.canon_max_steps
        ),
        max_endorsements=settings.max_endorsements,
        endorsement_deadline=settings.endorsement_deadline,
    )


class LocalResolver:
    """Our keys and status lists through the app itself (same views outside verifiers use)."""

    def __init__(self, app: Flask, *, fallback: Resolver) -> None:
        self.app = app
        self.base = app.extensions["settings"].public_url
        self.fallback = fallback

    def fetch(self, url: str, *, accept: str) -> bytes:
        if not url.startswith(self.base + "/"):
            return self.fallback.fetch(url, accept=accept)
        path = url.removeprefix(self.base).partition("#")[0]
        response = self.app.test_client().get(path, headers={"Accept": accept})
        if response.status_code != 200:
            raise ResolutionError(f"{url}: HTTP {response.status_code}")
        return bytes(response.data)
