"""Whose identity this deployment confirms: its own issuers, then the configured trust list."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask

from issuer import clock
from issuer.db import db
from issuer.issuance.documents import Urls
from issuer.keys.services import issuer_did
from issuer.tenants.models import Issuer
from verifier.errors import ResolutionError, VerifierError
from verifier.resolver import Resolver, fetch_json
from verifier.trust import TrustedIssuer, TrustList, parse_trust_list

OWN = "this deployment's own issuer"
TTL = timedelta(minutes=5)  # a trust list URL is fetched again after this


def own_issuer(issuer_id: str, app: Flask) -> Issuer | None:
    """The issuer of ours that `issuer_id` names: its did:web or its OB 2.0 profile URL."""
    settings = app.extensions["settings"]
    for prefix in (issuer_did(settings, ""), Urls(settings.public_url).ob2_issuer("")):
        if issuer_id.startswith(prefix):
            try:
                return db.session.get(Issuer, uuid.UUID(issuer_id.removeprefix(prefix)))
            except ValueError:
                return None
    return None


@dataclass
class TrustListSource:
    """The configured trust list: a file read when it changes, or a URL fetched every TTL."""

    where: str | None
    _loaded: TrustList | None = None
    _stamp: float | datetime | None = None  # the file's mtime, or when the URL was fetched
    _error: str = ""  # why the URL gave no list, until it is tried again

    def get(self, resolver: Resolver) -> TrustList | None:
        """The list as it stands; a URL that fails keeps the last copy, if there is one.

        Raises:
            ResolutionError: the URL could not be fetched (nor read) and none was before.
        """
        if self.where is None:
            return None
        if self.where.startswith("https://"):
            return self._from_url(resolver)
        try:
            mtime = Path(self.where).stat().st_mtime
            if self._loaded is None or mtime != self._stamp:
                self._loaded = parse_trust_list(Path(self.where).read_bytes(), source=self.where)
                self._stamp = mtime
        except (OSError, VerifierError) as exc:
            raise ResolutionError(f"the trust list {self.where} did not load: {exc}") from None
        return self._loaded

    def _from_url(self, resolver: Resolver) -> TrustList:
        now, where = clock.now(), str(self.where)
        if not (isinstance(self._stamp, datetime) and now - self._stamp < TTL):
            self._stamp = now  # tried once per TTL, so a dead URL does not slow every check
            try:
                self._loaded = parse_trust_list(fetch_json(resolver, where), source=where)
                self._error = ""
            except VerifierError as exc:  # unreachable or malformed: keep the last good copy
                self._error = f"the trust list {where} did not load: {exc}"
        if self._loaded is None:
            raise ResolutionError(self._error)
        return self._loaded


class DeploymentTrust:
    """The verifier's `Trust` for this deployment: ours first, then the trust list.

    The list is fetched through the app's resolver (the SSRF-guarded, size-capped client).
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.source: TrustListSource = app.extensions.setdefault(
            "trust_list", TrustListSource(app.extensions["settings"].trust_list)
        )

    def lookup(self, issuer_id: str) -> TrustedIssuer | None:
        own = own_issuer(issuer_id, self.app)
        if own is not None:
            return TrustedIssuer(issuer_id, own.name, OWN)
        trust_list = self.source.get(self.app.extensions["resolver"])
        return trust_list.lookup(issuer_id) if trust_list is not None else None
