"""The status check: has the issuer revoked or suspended the credential?

A status that could not be read is `unknown`, never `passed`: a verifier must not
say "not revoked" when it could not look. Nor does it say "revoked" unless a list it could
read and trust has the credential's bit set: a list that cannot be fetched, parsed or
verified is `unknown` too (a key rotation must never read as a revocation).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from verifier.bitstring import MIN_ENTRIES, bit_at, decode_bitstring
from verifier.checks.validity import check_validity
from verifier.errors import InvalidStatusList, ResolutionError, VerifierError
from verifier.formats import Kind, is_ob2
from verifier.report import Check, Outcome
from verifier.resolver import Resolver

ACCEPT_VC = (
    "application/vc, application/vc+ld+json, application/ld+json;q=0.9, application/json;q=0.8"
)
ACCEPT_JSON = "application/ld+json, application/json;q=0.9"

VerifyList = Callable[[Mapping[str, Any]], None]

# Which outcome wins when a credential carries several status entries.
_PRECEDENCE: tuple[Outcome, ...] = ("failed", "unknown", "warning", "passed", "skipped")
# Entry type -> (the list credential's type, whether encodedList carries a multibase prefix).
_LIST_METHODS = {
    "BitstringStatusListEntry": ("BitstringStatusListCredential", True),
    "StatusList2021Entry": ("StatusList2021Credential", False),
}
_UNKNOWN = "revocation status is unknown."


class _Stop(Exception):
    """Ends the check of one status entry with an outcome other than `passed`."""

    def __init__(self, outcome: Outcome, message: str) -> None:
        super().__init__(message)
        self.outcome: Outcome = outcome


def check_status(
    document: Mapping[str, Any],
    *,
    resolver: Resolver,
    verify_list: VerifyList | None = None,
    now: datetime,
    issuer: Mapping[str, Any] | None = None,
    kind: Kind | None = None,
) -> Check:
    """Read the credential's status lists through `resolver` and report revocation or suspension.

    Args:
        document: The credential: OB 3.0 with `credentialStatus`, or an OB 2.0 Assertion.
        resolver: Fetches status lists (and, for OB 2.0, the badge and issuer profile).
        verify_list: Verifies a fetched status list credential's proof; it raises a
            VerifierError when the proof cannot be checked or fails (status then `unknown`).
        now: The time a status list credential's own validity period is judged by.
        issuer: OB 2.0 only: the issuer Profile when the caller already has it.
        kind: The data model the pipeline decided; without it, read from the @context.

    Returns:
        A Check with id "status": `unknown` whenever a list could not be read or trusted;
        `failed` only for a set bit, or a credentialStatus entry that is malformed.
    """
    if is_ob2(document) if kind is None else kind == "ob2":
        return _run(functools.partial(_check_ob2, document, resolver, issuer))
    status = document.get("credentialStatus", [])
    entries = status if isinstance(status, list) else [status]
    if not entries:
        return Check(
            "status", "skipped", "No status information; the credential cannot be revoked."
        )
    checks = [
        _run(functools.partial(_check_entry, entry, document, resolver, verify_list, now))
        for entry in entries
    ]
    outcome = min((c.outcome for c in checks), key=_PRECEDENCE.index)
    return Check("status", outcome, " ".join(c.message for c in checks))


def _run(step: Callable[[], str]) -> Check:
    """Run one status step: it returns the message of a pass, or raises _Stop."""
    try:
        return Check("status", "passed", step())
    except _Stop as stop:
        return Check("status", stop.outcome, str(stop))


def _check_entry(
    entry: Any,
    document: Mapping[str, Any],
    resolver: Resolver,
    verify_list: VerifyList | None,
    now: datetime,
) -> str:
    if not isinstance(entry, Mapping):
        raise _Stop("failed", "credentialStatus must be an object.")
    kinds = _strings(entry.get("type"))
    if "1EdTechRevocationList" in kinds:
        return _check_revocation_list(entry, document, resolver)
    method = next(iter(sorted(kinds & _LIST_METHODS.keys())), None)
    if method is None:
        named = ", ".join(sorted(kinds)) or "none"
        raise _Stop("unknown", f"Status type {named} is not supported; status is unknown.")
    return _check_bitstring(entry, method, document, resolver, verify_list, now)


def _check_bitstring(
    entry: Mapping[str, Any],
    kind: str,
    document: Mapping[str, Any],
    resolver: Resolver,
    verify_list: VerifyList | None,
    now: datetime,
) -> str:
    """Follow the Bitstring Status List v1.0 validation algorithm for one entry."""
    list_type, multibase = _LIST_METHODS[kind]
    purpose = entry.get("statusPurpose")
    if purpose not in ("revocation", "suspension"):
        raise _Stop("skipped", f"statusPurpose {purpose!r} does not bear on validity.")
    url, index, size = _entry_fields(entry, kind)
    status_list = _fetch(resolver, url, ACCEPT_VC, "status list", purpose)
    unknown = f"{purpose} status is unknown."
    if list_type not in _strings(status_list.get("type")):
        raise _Stop("unknown", f"The document at {url} is not a {list_type}; {unknown}")
    # Only the credential's issuer may speak for its status (digitalbazaar's
    # verifyMatchingIssuers): a list signed by anyone else proves nothing either way.
    expected, issued_by = _issuer_id(document), _issuer_id(status_list)
    if expected is not None and issued_by != expected:
        message = f"The status list at {url} is issued by {issued_by}, not by {expected}"
        raise _Stop("unknown", f"{message}; {unknown}")
    if verify_list is not None:
        # A list whose proof fails (forged, broken, or signed by a key the verifier's copy
        # of the DID document lacks) says nothing trustworthy about the credential: its bits
        # can be read neither as "revoked" nor as "not revoked".
        try:
            verify_list(status_list)
        except VerifierError as error:
            message = f"Could not check the status list at {url}: {error}; {unknown}"
            raise _Stop("unknown", message) from None
    validity = check_validity(status_list, now=now, kind="vc")
    if validity.outcome == "failed":
        raise _Stop(
            "unknown",
            f"The status list at {url} is not valid now: {validity.message} {unknown.capitalize()}",
        )
    subject = status_list.get("credentialSubject")
    subject = subject if isinstance(subject, Mapping) else {}
    listed = _strings(subject.get("statusPurpose"))
    if purpose not in listed:
        says = ", ".join(sorted(listed)) or "none"
        raise _Stop(
            "unknown",
            f"statusPurpose mismatch: the entry says {purpose}, the list at {url} says {says};"
            f" {unknown}",
        )
    try:
        encoded = subject.get("encodedList")
        if not isinstance(encoded, str):
            raise InvalidStatusList("encodedList is missing")
        bits = decode_bitstring(encoded, multibase=multibase)
        if len(bits) * 8 // size < MIN_ENTRIES:
            entries = len(bits) * 8 // size
            raise InvalidStatusList(
                f"it has {entries} entries; at least {MIN_ENTRIES} are required"
            )
        value = _status_value(bits, index, size)
    except InvalidStatusList as error:
        message = f"The status list at {url} cannot be used: {error}; {unknown}"
        raise _Stop("unknown", message) from None
    where = f"status list {url}, index {index}"
    if value:
        state = "Revoked" if purpose == "revocation" else "Suspended"
        raise _Stop("failed", f"{state} ({where}{_status_message(entry, value)}).")
    return f"Not {'revoked' if purpose == 'revocation' else 'suspended'} ({where})."


def _entry_fields(entry: Mapping[str, Any], kind: str) -> tuple[str, int, int]:
    url, index, size = (
        entry.get(k) for k in ("statusListCredential", "statusListIndex", "statusSize")
    )
    if not isinstance(url, str):
        raise _Stop("failed", f"{kind}.statusListCredential must be a URL.")
    # The spec writes the index as a string; 1EdTech's own fixtures write a number.
    if isinstance(index, str) and index.isascii() and index.isdecimal() and len(index) < 19:
        index = int(index)
    if type(index) is not int or index < 0:
        raise _Stop("failed", f"{kind}.statusListIndex must be a non-negative integer string.")
    size = 1 if size is None else size
    if type(size) is not int or size < 1:
        raise _Stop("failed", f"{kind}.statusSize must be a positive integer.")
    return url, index, size


def _status_value(bits: bytes, index: int, size: int) -> int:
    start, end = index * size, (index + 1) * size
    if end > len(bits) * 8:
        raise InvalidStatusList(f"index {index} is outside its {len(bits) * 8 // size} entries")
    if size == 1:
        return int(bit_at(bits, start))
    chunk = int.from_bytes(bits[start // 8 : (end + 7) // 8], "big")
    return chunk >> (-end % 8) & ((1 << size) - 1)


def _status_message(entry: Mapping[str, Any], value: int) -> str:
    """Return ": <message>" for the statusMessage whose "0x.." status equals `value`."""
    messages = entry.get("statusMessage")
    for item in messages if isinstance(messages, list) else []:
        status = item.get("status") if isinstance(item, Mapping) else None
        if isinstance(status, str) and re.fullmatch(r"0x[0-9a-fA-F]{1,16}", status):
            if int(status, 16) == value:
                return f": {item.get('message')}"
    return ""


def _check_revocation_list(
    entry: Mapping[str, Any], document: Mapping[str, Any], resolver: Resolver
) -> str:
    """Look the credential's id up in a 1EdTech Revocation List (1EdTech VCRL 1.0)."""
    url, credential_id = entry.get("id"), document.get("id")
    if not isinstance(url, str):
        raise _Stop("failed", "1EdTechRevocationList.id must be the revocation list's URL.")
    if not isinstance(credential_id, str):
        raise _Stop("unknown", f"The credential has no id to look up at {url}; {_UNKNOWN}")
    revocations = _fetch(resolver, url, ACCEPT_JSON, "revocation list", "revocation")
    # VCRL names the list revokedCredentials; 1EdTech's validator reads revokedCredential.
    # Reading both can only find more revocations, never hide one.
    lists = [revocations.get(k) for k in ("revokedCredentials", "revokedCredential")]
    items = [item for found in lists if isinstance(found, list) for item in found]
    if not any(isinstance(found, list) for found in lists):
        raise _Stop(
            "unknown", f"The revocation list at {url} has no revokedCredentials; {_UNKNOWN}"
        )
    for item in items:
        if _names(item, credential_id):
            raise _Stop("failed", f"Revoked (revocation list {url}){_reason(item)}.")
    return f"Not revoked (not in the revocation list at {url})."


def _check_ob2(
    document: Mapping[str, Any], resolver: Resolver, issuer: Mapping[str, Any] | None
) -> str:
    """Apply OB 2.0: a hosted Assertion says if it is revoked; a signed one is listed."""
    if document.get("revoked") is True:
        raise _Stop("failed", f"Revoked{_reason(document)}.")
    verification = document.get("verification", document.get("verify"))
    kind = verification.get("type") if isinstance(verification, Mapping) else None
    assertion_id = document.get("id")
    if kind in ("hosted", "HostedBadge"):
        hosted = _linked(document, "id", resolver, "hosted Assertion")
        if hosted.get("revoked") is True:
            raise _Stop(
                "failed", f"Revoked (the hosted Assertion at {assertion_id}){_reason(hosted)}."
            )
        return f"Not revoked (the hosted Assertion at {assertion_id} says so)."
    if issuer is None:
        issuer = _linked(
            _linked(document, "badge", resolver, "badge"), "issuer", resolver, "issuer"
        )
    if issuer.get("revocationList") is None:
        raise _Stop(
            "skipped", "The issuer publishes no revocation list; the Assertion cannot be revoked."
        )
    listed = _linked(issuer, "revocationList", resolver, "revocation list").get("revokedAssertions")
    if not isinstance(listed, list):
        raise _Stop("unknown", f"The issuer's revocation list has no revokedAssertions; {_UNKNOWN}")
    for item in listed:
        legacy = isinstance(item, Mapping) and "uid" in item and item["uid"] == document.get("uid")
        if legacy or _names(item, assertion_id):
            raise _Stop("failed", f"Revoked (the issuer's revocation list){_reason(item)}.")
    return "Not revoked (not in the issuer's revocation list)."


def _linked(
    node: Mapping[str, Any], field: str, resolver: Resolver, what: str
) -> Mapping[str, Any]:
    """Return an OB 2.0 node's embedded object, or fetch it by its URL."""
    value = node.get(field)
    if isinstance(value, Mapping):
        return value
    if not isinstance(value, str):
        raise _Stop("unknown", f"Could not find the {what}: {field} is not given; {_UNKNOWN}")
    return _fetch(resolver, value, ACCEPT_JSON, what, "revocation")


def _fetch(resolver: Resolver, url: str, accept: str, what: str, purpose: str) -> Mapping[str, Any]:
    """Fetch a JSON object, or stop with `unknown`: what could not be read was not looked at."""
    try:
        data = json.loads(resolver.fetch(url, accept=accept))
    except ResolutionError as error:
        reason = str(error)
    except (ValueError, RecursionError):
        reason = "the response is not JSON"
    else:
        if isinstance(data, dict):
            return data
        reason = "the response is not a JSON object"
    message = f"Could not fetch the {what} at {url}: {reason}; {purpose} status is unknown."
    raise _Stop("unknown", message)


def _names(item: Any, identifier: Any) -> bool:
    """Whether a revocation list item names `identifier` and does not say `revoked: false`."""
    if isinstance(item, str):
        return bool(item == identifier)
    if not isinstance(item, Mapping):
        return False
    return bool(item.get("id") == identifier and item.get("revoked", True) is not False)


def _reason(item: Any) -> str:
    reason = item.get("revocationReason") if isinstance(item, Mapping) else None
    return f": {reason.rstrip('.')}" if isinstance(reason, str) and reason else ""


def _issuer_id(credential: Mapping[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    issuer = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    return issuer if isinstance(issuer, str) else None


def _strings(value: Any) -> set[str]:
    values = value if isinstance(value, list) else [value]
    return {v for v in values if isinstance(v, str)}
