"""How the verifier reaches documents outside the credential: only through a Resolver."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from verifier.errors import FetchRefused


class Resolver(Protocol):
    """Fetches a URL's bytes; raises ResolutionError (FetchRefused for refusals)."""

    def fetch(self, url: str, *, accept: str) -> bytes: ...


@runtime_checkable
class Forgetting(Protocol):
    """A caching resolver that can drop one answer, so the next fetch of it goes out again."""

    def forget(self, url: str, *, accept: str) -> None: ...


class Offline:
    """A resolver that refuses every fetch: verification then reports what it could not see."""

    def fetch(self, url: str, *, accept: str) -> bytes:
        raise FetchRefused(f"{url} was not fetched: verification is running offline")
