"""The identity check: is the issuer who the credential says it is, by a trust list's word?"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from verifier.errors import ResolutionError
from verifier.formats import Kind
from verifier.report import Check
from verifier.resolver import Resolver, fetch_json
from verifier.trust import Trust, TrustedIssuer

OB2_ACCEPT = "application/ld+json, application/json"
NOT_TIED = "Not checked: the key is not tied to the issuer, so whose credential it is is unknown."


def check_identity(
    document: Mapping[str, Any], *, kind: Kind, trust: Trust | None, resolver: Resolver
) -> Check:
    """Say whether a trust list confirms the issuer; without one, its identity is a claim.

    Not established is a warning, not a failure: the signature stands, only the name is
    unconfirmed, so credentials from every issuer still verify.
    """
    try:
        issuer_id, claimed = _issuer(document, kind, resolver)
    except ResolutionError as exc:
        return Check("identity", "unknown", f"Issuer identity could not be checked: {exc}")
    if issuer_id is None:
        return Check("identity", "warning", "Issuer identity not established: no issuer id.")
    try:
        trusted = trust.lookup(issuer_id) if trust is not None else None
    except ResolutionError as exc:
        return Check("identity", "unknown", f"Issuer identity could not be checked: {exc}")
    if trusted is None:
        return Check(
            "identity",
            "warning",
            f"Issuer identity not established: the credential calls its issuer {claimed},"
            " which no trust list confirms.",
        )
    return Check("identity", "passed", _known(trusted, claimed, issuer_id))


def _known(trusted: TrustedIssuer, claimed: str, issuer_id: str) -> str:
    message = f"Issuer identity known: {trusted.name} ({trusted.source})"
    if claimed not in (trusted.name, issuer_id):
        message += f"; the credential calls it {claimed}"
    return message + "."


def _issuer(document: Mapping[str, Any], kind: Kind, resolver: Resolver) -> tuple[str | None, str]:
    """The issuer's id and the name the credential gives it (its id when it gives none)."""
    issuer: object = document.get("issuer")
    if kind == "ob2":  # the assertion names its BadgeClass, which names the issuer
        badge = document.get("badge")
        if isinstance(badge, str):
            badge = fetch_json(resolver, badge, accept=OB2_ACCEPT)  # cached since the proof
        issuer = badge.get("issuer") if isinstance(badge, Mapping) else None
        if isinstance(issuer, str):
            issuer = {"id": issuer, **_profile(issuer, resolver)}
    value = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    issuer_id = value if isinstance(value, str) else None
    name = issuer.get("name") if isinstance(issuer, Mapping) else None
    if isinstance(name, Mapping):  # a JSON-LD language map: any one of its values
        name = next((v for v in name.values() if isinstance(v, str)), None)
    claimed = name if isinstance(name, str) and name.strip() else issuer_id or "(unnamed)"
    return issuer_id, claimed


def _profile(url: str, resolver: Resolver) -> Mapping[str, Any]:
    profile = fetch_json(resolver, url, accept=OB2_ACCEPT)
    return {"name": profile["name"]} if isinstance(profile.get("name"), str) else {}
