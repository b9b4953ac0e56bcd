"""How the verifier reaches documents outside the credential: only through a Resolver."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from verifier.errors import FetchRefused, MalformedInput, ResolutionError
from verifier.formats import json as bounded_json


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


def fetch_json(resolver: Resolver, url: str, *, accept: str = "application/json") -> dict[str, Any]:
    """Fetch ``url`` through ``resolver`` and parse it as one bounded JSON object.

    Args:
        resolver: Where the bytes come from.
        url: The document's URL.
        accept: The media types asked for.

    Returns:
        The parsed JSON object.

    Raises:
        ResolutionError: The fetch failed, or the body is not a JSON object within the caps.
    """
    body = resolver.fetch(url, accept=accept)
    try:
        return bounded_json.parse(body, what=f"document at {url}")
    except MalformedInput as error:
        raise ResolutionError(str(error)) from None
