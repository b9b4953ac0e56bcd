"""Which checks run, in which order, and what is fatal: the verification of one credential."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from contextvars import copy_context
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from verifier.canon import DEFAULT_BUDGET, Budget, budget
from verifier.checks.identity import NOT_TIED, check_identity
from verifier.checks.schema import check_schema
from verifier.checks.status import check_status
from verifier.checks.validity import check_validity
from verifier.errors import (
    ExpansionLimit,
    InvalidProof,
    ResolutionError,
    TooComplex,
    UnsupportedFormat,
    VerifierError,
)
from verifier.expansion import (
    DEFAULT_EXPANSION_BUDGET,
    ExpansionBudget,
    check_extent,
    expansion_budget,
)
from verifier.formats import Envelope, Kind, is_ob2
from verifier.formats.read import read
from verifier.keys import ResolvedKey, controller_matches, resolve_key, unbound_reason
from verifier.loader import DocumentLoader, offline_loader
from verifier.proofs import ob2_jws, suite_for, vc_jwt
from verifier.report import CHECK_IDS, Check, Outcome, Report
from verifier.resolver import Offline, Resolver, fetch_json
from verifier.trust import Trust

MAX_ENDORSEMENT_DEPTH = 2
_SKIPPED = {
    "failed": "Not checked: the proof failed, so nothing the credential says can be trusted.",
    "unknown": "Not checked: until the signature can be checked, nothing it says can be trusted.",
}


@dataclass(frozen=True)
class Limits:
    """The work one verification may take, so that hostile input costs little."""

    canonicalization: Budget = DEFAULT_BUDGET
    expansion: ExpansionBudget = DEFAULT_EXPANSION_BUDGET
    max_endorsements: int = 20  # checked per credential; the rest are reported unchecked
    endorsement_deadline: float = 10.0  # seconds for all of them, key fetches included


@dataclass
class _Run:
    loader: DocumentLoader
    resolver: Resolver
    now: datetime
    limits: Limits
    deadline: float | None = None  # time.monotonic() by which endorsements must be done
    depth: int = 0
    trust: Trust | None = None
    checks: dict[str, Check] = field(default_factory=dict)

    def add(self, check: Check) -> None:
        self.checks[check.id] = check


def verify(
    data: bytes | str | Mapping[str, Any],
    *,
    loader: DocumentLoader = offline_loader,
    resolver: Resolver | None = None,
    now: datetime | None = None,
    limits: Limits = Limits(),
    trust: Trust | None = None,
) -> Report:
    """Verify a credential given as bytes (any format), text (JSON or JWT) or parsed JSON.

    Args:
        data: The credential: JSON, a compact JWT, or a PNG, SVG or PDF carrying one.
        loader: Where JSON-LD contexts come from (default: the pinned, offline ones).
        resolver: How keys, DID documents and status lists are fetched; without one,
            nothing is fetched and what needed fetching is reported as unknown.
        now: The time validity is judged at (default: the current time).
        limits: The work allowed; beyond it a check says so instead of going on.
        trust: Who confirms issuer identities (trust lists, the caller's own issuers);
            without it, no issuer's identity is established (a warning, not a failure).

    Returns:
        A Report whose checks follow CHECK_IDS.

    Raises:
        UnsupportedFormat, MalformedInput: the input cannot be read as a credential.
    """
    envelope = _envelope(data)
    run = _Run(loader, resolver or Offline(), now or datetime.now(UTC), limits, trust=trust)
    with budget(limits.canonicalization), expansion_budget(limits.expansion):
        return _verify_envelope(envelope, run)


def _envelope(data: bytes | str | Mapping[str, Any]) -> Envelope:
    if isinstance(data, Mapping):
        return Envelope(container="json", document=data)
    return read(data.encode() if isinstance(data, str) else data)


def _verify_envelope(envelope: Envelope, run: _Run) -> Report:
    document = envelope.document
    if envelope.url is not None and not document:  # OB 2.0 baked hosted-assertion URL
        try:
            document = fetch_json(run.resolver, envelope.url, accept="application/ld+json")
        except ResolutionError as exc:
            where = envelope.container.upper()
            run.add(Check("format", "passed", f"An Open Badges 2.0 assertion URL in a {where}."))
            run.add(Check("proof", "unknown", f"Could not fetch the hosted assertion: {exc}"))
            return _report(envelope, run, document)
    kind = _kind(document)
    run.add(Check("format", "passed", _describe(envelope, kind)))
    try:  # before the schema check too, which is as slow on a huge document
        check_extent(document, run.limits.expansion)
    except ExpansionLimit as exc:
        for check_id in ("schema", "proof"):
            run.add(Check(check_id, "unknown", f"Too complex to verify: {exc}"))
        key, shown = None, document
    else:
        run.add(check_schema(document, kind=kind))
        key, shown = _prove(envelope, document, kind, run)
    proof = run.checks["proof"].outcome
    if proof != "passed":
        for check_id in CHECK_IDS:
            run.checks.setdefault(check_id, Check(check_id, "skipped", _SKIPPED[proof]))
        return _report(envelope, run, shown)
    run.add(_check_issuer(shown, key, kind))
    if run.checks["issuer"].outcome == "passed":
        run.add(check_identity(shown, kind=kind, trust=run.trust, resolver=run.resolver))
    else:
        run.add(Check("identity", "skipped", NOT_TIED))
    run.add(
        check_status(
            shown, kind=kind, resolver=run.resolver, verify_list=_list_verifier(run), now=run.now
        )
    )
    run.add(check_validity(shown, kind=kind, now=run.now))
    run.add(_check_endorsements(shown, run))
    return _report(envelope, run, shown)


def _report(envelope: Envelope, run: _Run, document: Mapping[str, Any]) -> Report:
    checks = tuple(run.checks[c] for c in CHECK_IDS if c in run.checks)
    return Report(format=envelope.container, checks=checks, credential=document or None)


def _kind(document: Mapping[str, Any]) -> Kind:
    """Decide, once per credential, the data model every check reads it by."""
    contexts = document.get("@context")
    contexts = contexts if isinstance(contexts, list) else [contexts]
    if is_ob2(document):
        kind = document.get("type")
        if kind in ("Issuer", "Profile", "BadgeClass", "CryptographicKey", "RevocationList"):
            raise UnsupportedFormat(
                f"This is an Open Badges 2.0 {kind}, not an assertion: only credentials verify."
            )
        return "ob2"
    if any(isinstance(c, str) and c.startswith("https://www.w3.org/") for c in contexts):
        return "vc"
    raise UnsupportedFormat(
        "This JSON is neither a Verifiable Credential nor an Open Badges 2.0 assertion "
        "(its @context names neither)."
    )


def _describe(envelope: Envelope, kind: Kind) -> str:
    what = "An Open Badges 2.0 assertion" if kind == "ob2" else "A verifiable credential"
    how = " signed as a JWT" if envelope.jws else ""
    where = {"json": "", "jwt": ""}.get(
        envelope.container, f", baked in a {envelope.container.upper()}"
    )
    if envelope.container == "pdf":
        where = ", embedded in a PDF"
    return f"{what}{how}{where}."


def _prove(
    envelope: Envelope, document: Mapping[str, Any], kind: Kind, run: _Run
) -> tuple[ResolvedKey | None, Mapping[str, Any]]:
    """Run the proof check; return the key that signed and the document to trust."""
    try:
        if kind == "ob2":
            return _prove_ob2(envelope, document, run)
        if envelope.jws is not None:
            verified = vc_jwt.verify_vc_jwt(envelope.jws, resolver=run.resolver)
            problems = vc_jwt.check_claims(verified)
            if problems:  # claims that contradict the credential: which one was signed for?
                raise InvalidProof(
                    "The JWT's claims contradict its credential: " + "; ".join(problems)
                )
            departures = vc_jwt.check_format(verified)
            if departures:  # shape only, nothing contradicts: 1EdTech's own samples omit `sub`
                message = f"{run.checks['format'].message} But {'; '.join(departures)}."
                run.add(Check("format", "warning", message))
            run.add(Check("proof", "passed", f"The JWT signature by {verified.key.id} verifies."))
            return verified.key, verified.credential
        return _prove_data_integrity(document, run), document
    except ResolutionError as exc:
        run.add(Check("proof", "unknown", f"The signing key could not be obtained: {exc}"))
    except TooComplex as exc:
        run.add(Check("proof", "unknown", f"Too complex to verify: {exc}"))
    except VerifierError as exc:
        run.add(Check("proof", "failed", str(exc)))
    return None, document


def _prove_data_integrity(document: Mapping[str, Any], run: _Run) -> ResolvedKey:
    proofs = document.get("proof")
    proofs = proofs if isinstance(proofs, list) else [proofs] if proofs else []
    if not proofs:
        raise InvalidProof("The credential carries no proof: it is not signed.")
    key = None
    for proof in proofs:
        if not isinstance(proof, Mapping):
            raise InvalidProof("A proof must be a JSON object.")
        suite = suite_for(proof)
        key = resolve_key(str(proof.get("verificationMethod", "")), resolver=run.resolver)
        suite.verify_proof(document, proof, public_key=key.public_key, loader=run.loader)
    assert key is not None
    names = ", ".join(sorted({str(p.get("cryptosuite") or p.get("type")) for p in proofs}))
    run.add(Check("proof", "passed", f"The {names} proof verifies: unchanged since it was signed."))
    return key


def _prove_ob2(
    envelope: Envelope, document: Mapping[str, Any], run: _Run
) -> tuple[ResolvedKey | None, Mapping[str, Any]]:
    if envelope.jws is not None:
        assertion = ob2_jws.verify_assertion(envelope.jws, resolver=run.resolver)
        run.add(Check("proof", "passed", "The signed assertion's JWS verifies."))
        return None, assertion
    hosted = ob2_jws.verify_hosted(document, resolver=run.resolver)
    message = "The hosted assertion was fetched from its issuer and matches."
    if hosted.warnings:
        message += " " + " ".join(hosted.warnings)
    run.add(Check("proof", "passed", message))
    return None, hosted.assertion


def _issuer_id(document: Mapping[str, Any]) -> str | None:
    issuer = document.get("issuer")
    value = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    return value if isinstance(value, str) else None


def _check_issuer(document: Mapping[str, Any], key: ResolvedKey | None, kind: Kind) -> Check:
    if kind == "ob2":
        return Check("issuer", "passed", "The assertion's key is listed by its issuer's profile.")
    issuer_id = _issuer_id(document)
    if issuer_id is None or key is None:
        return Check("issuer", "failed", "The credential names no issuer id to tie the key to.")
    if controller_matches(key, issuer_id):
        return Check("issuer", "passed", f"Signed with a key of its issuer {issuer_id}.")
    reason = unbound_reason(key, issuer_id)
    return Check("issuer", "failed", f"{reason[0].upper()}{reason[1:]}.")


def _list_verifier(run: _Run) -> Callable[[Mapping[str, Any]], None]:
    def verify_list(credential: Mapping[str, Any]) -> None:
        nested = _Run(run.loader, run.resolver, run.now, run.limits, run.deadline, run.depth + 1)
        key, _ = _prove(Envelope("json", credential), credential, "vc", nested)
        if nested.checks["proof"].outcome != "passed":
            raise VerifierError(f"the status list's proof: {nested.checks['proof'].message}")
        issuer = _issuer_id(credential)
        if key is None or issuer is None or not controller_matches(key, issuer):
            raise VerifierError("the status list is not signed by its issuer")

    return verify_list


def _endorsements(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    found: list[Mapping[str, Any]] = []
    holders = [document, document.get("issuer"), document.get("credentialSubject")]
    subject = document.get("credentialSubject")
    if isinstance(subject, Mapping):
        holders.append(subject.get("achievement"))
    for holder in holders:
        if isinstance(holder, Mapping) and isinstance(holder.get("endorsement"), list):
            found.extend(e for e in holder["endorsement"] if isinstance(e, Mapping))
    return found


def _check_endorsements(document: Mapping[str, Any], run: _Run) -> Check:
    """Verify up to ``max_endorsements`` endorsements at once, all within one deadline."""
    endorsements = _endorsements(document)
    if not endorsements:
        return Check("endorsements", "skipped", "No endorsements.")
    if run.depth >= MAX_ENDORSEMENT_DEPTH:
        return Check("endorsements", "skipped", "Endorsements nested this deep are not checked.")
    limits = run.limits
    checked = endorsements[: limits.max_endorsements]
    deadline = run.deadline or time.monotonic() + limits.endorsement_deadline
    # Threads still waiting on a slow key host at the deadline are left to their fetch
    # timeouts: the request answers without them.
    pool = ThreadPoolExecutor(max_workers=len(checked), thread_name_prefix="endorsement")
    futures = [
        pool.submit(
            copy_context().run,  # the budgets travel with each one
            _verify_envelope,
            Envelope("json", endorsement),
            # No trust list: an endorsement counts by its verdict, which identity never changes.
            _Run(run.loader, run.resolver, run.now, limits, deadline, run.depth + 1),
        )
        for endorsement in checked
    ]
    wait_for(futures, timeout=max(0.0, deadline - time.monotonic()))
    pool.shutdown(wait=False, cancel_futures=True)
    good: list[str] = []
    bad: list[str] = []
    late: list[str] = []
    for endorsement, future in zip(checked, futures, strict=True):
        label = _endorser(endorsement)
        if not future.done() or future.cancelled():
            late.append(label)
        elif isinstance(future.exception(), VerifierError) or not future.result().verified:
            bad.append(label)
        else:
            good.append(label)
    return _endorsement_check(good, bad, late, len(endorsements) - len(checked), limits)


def _endorser(endorsement: Mapping[str, Any]) -> str:
    issuer = endorsement.get("issuer")
    name = issuer.get("name") if isinstance(issuer, Mapping) else None
    return str(name or _issuer_id(endorsement) or "an unnamed endorser")


def _endorsement_check(
    good: list[str], bad: list[str], late: list[str], unchecked: int, limits: Limits
) -> Check:
    parts = []
    if bad:
        parts.append(f"endorsement by {', '.join(bad)} does not verify and should be disregarded")
    if good:
        parts.append(f"endorsed by {', '.join(good)}")
    if late:
        parts.append(
            f"endorsement by {', '.join(late)} was not checked: it took longer than"
            f" {limits.endorsement_deadline:g} s"
        )
    if unchecked:
        parts.append(
            f"{unchecked} more not checked: at most {limits.max_endorsements} endorsements"
            " are checked per credential"
        )
    message = "; ".join(parts) + "."
    outcome: Outcome = "warning" if bad else "unknown" if late or unchecked else "passed"
    return Check("endorsements", outcome, message[0].upper() + message[1:])
