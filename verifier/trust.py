"""Trust lists: which issuers a verifier knows by name, as DIDs or https origins.

A signature proves who holds a key, not who an organisation is: any did:key can call itself
"Harvard University". A trust list, given by whoever runs the verifier, says which issuer ids
belong to whom. Two formats are read: ours, ``{"issuers": [{"id", "name"}]}``, where an id is
a DID or an https origin, and the Digital Credentials Consortium's issuer registry
(``{"meta": {...}, "registry": {"<did>": {"name", "url", "location"}}}``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from verifier.errors import MalformedInput, VerifierError
from verifier.formats import json as bounded_json

MAX_TRUST_LIST_BYTES = 5_000_000


class MalformedTrustList(VerifierError):
    """A trust list is not in a format we read, or one of its entries is not well formed."""

    slug = "malformed-trust-list"


@dataclass(frozen=True)
class TrustedIssuer:
    """An issuer id that a trust list names, with the name it vouches for."""

    id: str  # a DID, matched exactly, or an https origin, matched by origin
    name: str
    source: str  # in plain words: "trust list <where>", "this deployment's own issuer"


class Trust(Protocol):
    """What confirms issuer identities; `lookup` may raise ResolutionError (cannot say)."""

    def lookup(self, issuer_id: str) -> TrustedIssuer | None: ...


def origin_of(issuer_id: str) -> str | None:
    """The https origin an https URL or a did:web stands for; None for any other id."""
    if issuer_id.startswith("did:web:"):
        host = unquote(issuer_id.removeprefix("did:web:").split(":")[0]).lower()
        return f"https://{host}" if host else None
    parts = urlsplit(issuer_id)
    if parts.scheme.lower() != "https" or not parts.hostname:
        return None
    port = f":{parts.port}" if parts.port not in (None, 443) else ""
    return f"https://{parts.hostname.lower()}{port}"


@dataclass(frozen=True)
class TrustList:
    """Issuers by DID and by origin; a did:web or https issuer also matches its origin."""

    source: str
    entries: Mapping[str, TrustedIssuer]

    def lookup(self, issuer_id: str) -> TrustedIssuer | None:
        found = self.entries.get(issuer_id)
        if found is None and (origin := origin_of(issuer_id)) is not None:
            found = self.entries.get(origin)
        return found


@dataclass(frozen=True)
class Trusts:
    """Several trust lists, most authoritative first: the first to know an issuer names it."""

    lists: Sequence[Trust]

    def lookup(self, issuer_id: str) -> TrustedIssuer | None:
        for trust in self.lists:
            found = trust.lookup(issuer_id)
            if found is not None:
                return found
        return None


def parse_trust_list(data: bytes | str | Mapping[str, Any], *, source: str) -> TrustList:
    """Read a trust list in our format or the DCC issuer-registry format.

    Args:
        data: The list as JSON bytes or text, or parsed.
        source: Where it came from (a path or URL), named in every confirmation.

    Raises:
        MalformedTrustList: the JSON is neither format, or an entry is not well formed.
    """
    try:
        document = (
            data
            if isinstance(data, Mapping)
            else bounded_json.parse(data, what="trust list", max_bytes=MAX_TRUST_LIST_BYTES)
        )
    except MalformedInput as exc:
        raise MalformedTrustList(f"{source}: {exc}") from None
    label = f"trust list {source}"
    if isinstance(document.get("issuers"), list):
        pairs = _our_entries(document["issuers"], source)
    elif isinstance(document.get("registry"), Mapping):
        pairs = _registry_entries(document["registry"], source)
    else:
        raise MalformedTrustList(
            f"{source}: a trust list needs an `issuers` list or a DCC `registry` object"
        )
    entries: dict[str, TrustedIssuer] = {}
    for issuer_id, name in pairs:
        entries.setdefault(issuer_id, TrustedIssuer(issuer_id, name, label))
    return TrustList(source, entries)


def _our_entries(issuers: list[Any], source: str) -> Iterable[tuple[str, str]]:
    for index, entry in enumerate(issuers):
        where = f"{source}: issuers[{index}]"
        if not isinstance(entry, Mapping):
            raise MalformedTrustList(f"{where} must be an object with `id` and `name`")
        yield _checked_id(entry.get("id"), where), _checked_name(entry.get("name"), where)


def _registry_entries(registry: Mapping[str, Any], source: str) -> Iterable[tuple[str, str]]:
    for did, entry in registry.items():
        where = f"{source}: registry[{did!r}]"
        if not did.startswith("did:"):
            raise MalformedTrustList(f"{where}: registry keys must be DIDs")
        if not isinstance(entry, Mapping):
            raise MalformedTrustList(f"{where} must be an object with a `name`")
        yield did, _checked_name(entry.get("name"), where)


def _checked_id(value: object, where: str) -> str:
    if isinstance(value, str) and value.startswith("did:") and len(value) > 4:
        return value
    if isinstance(value, str) and (origin := origin_of(value)) is not None:
        if urlsplit(value).path not in ("", "/"):
            raise MalformedTrustList(f"{where}.id must be an https origin, without a path")
        return origin
    raise MalformedTrustList(f"{where}.id must be a DID or an https origin")


def _checked_name(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise MalformedTrustList(f"{where}.name must be a non-empty string")
    return value.strip()
