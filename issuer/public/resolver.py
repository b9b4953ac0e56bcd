"""A resolver that answers this deployment's own URLs in-process and others over HTTP, and
the one way the issuer calls the verifier: with that resolver and the configured limits."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask import Flask, current_app

from issuer.public.trust import DeploymentTrust
from issuer.settings import Settings
from verifier.canon import Budget
from verifier.errors import ResolutionError
from verifier.expansion import ExpansionBudget
from verifier.pipeline import Limits, verify
from verifier.report import Report
from verifier.resolver import Resolver


def verifier_limits(settings: Settings) -> Limits:
    """The work the verifier may spend on one submitted credential, from the settings."""
    return Limits(
        canonicalization=Budget(
            max_blank_nodes=settings.canon_max_blank_nodes, max_steps=settings.canon_max_steps
        ),
        expansion=ExpansionBudget(
            max_values=settings.jsonld_max_values,
            max_depth=settings.jsonld_max_depth,
            max_contexts=settings.jsonld_max_contexts,
        ),
        max_endorsements=settings.max_endorsements,
        endorsement_deadline=settings.endorsement_deadline,
    )


def verify_here(data: bytes | str | Mapping[str, Any], *, now: datetime | None = None) -> Report:
    """Verify a credential as every page and endpoint of this deployment does.

    Our own keys and status lists resolve in-process, anything else through the guarded
    HTTP resolver, within the work limits the settings configure.

    Raises:
        VerifierError: As ``verifier.pipeline.verify`` (the input cannot be used).
    """
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    limits = verifier_limits(app.extensions["settings"])
    trust = DeploymentTrust(app)
    return verify(data, resolver=local_resolver(), now=now, limits=limits, trust=trust)


class LocalResolver:
    """Our keys and status lists through the app itself (same views outside verifiers use).

    Nothing of ours is cached, so a rotation shows at once. did:web always names an https
    URL, so `https://<public host>` is ours too, even when the public URL is plain http.
    """

    def __init__(self, app: Flask, *, fallback: Resolver) -> None:
        self.app = app
        settings = app.extensions["settings"]
        self.bases = (settings.public_url.rstrip("/"), f"https://{settings.public_host}")
        self.fallback = fallback

    def fetch(self, url: str, *, accept: str) -> bytes:
        base = next((b for b in self.bases if url.startswith(b + "/")), None)
        if base is None:
            return self.fallback.fetch(url, accept=accept)
        path = url.removeprefix(base).partition("#")[0]
        response = self.app.test_client().get(path, headers={"Accept": accept})
        if response.status_code != 200:
            raise ResolutionError(f"{url}: HTTP {response.status_code}")
        return bytes(response.data)


def local_resolver() -> LocalResolver:
    """The current app's LocalResolver, falling back to its shared resolver for others' URLs."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    return LocalResolver(app, fallback=app.extensions["resolver"])
