"""How the verifier reaches documents outside the credential: only through a Resolver."""

from __future__ import annotations

from typing import Protocol

from verifier.errors import FetchRefused


class Resolver(Protocol):
    """Fetches a URL's bytes; raises ResolutionError (FetchRefused for refusals)."""

    def fetch(self, url: str, *, accept: str) -> bytes: ...


class Offline:
    """A resolver that refuses every fetch: verification then reports what it could not see."""

    def fetch(self, url: str, *, accept: str) -> bytes:
        raise FetchRefused(f"{url} was not fetched: verification is running offline")
