"""Data Integrity proofs over RDFC-1.0 (W3C vc-data-integrity): configure, hash, sign, verify.

What differs between cryptosuites (name, hash, signature) is a ``Cryptosuite``; everything
else is here: the proof configuration carries the document's ``@context``, both it and the
document without its proofs are canonicalized, and the signed bytes are
``hash(canonical proof configuration) || hash(canonical document)``.
"""

from __future__ import annotations

import copy
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import partial
from typing import Any, Protocol, TypeAlias

import base58
from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from verifier.canon import HashAlgorithm, canonicalize
from verifier.errors import InvalidProof, MalformedInput
from verifier.jsonld import to_nquads
from verifier.loader import DocumentLoader, offline_loader
from verifier.multikey import PublicKey

PrivateKey: TypeAlias = Ed25519PrivateKey | EllipticCurvePrivateKey
PROOF_TYPE = "DataIntegrityProof"
MISMATCH = (
    "proofValue does not match the document: it was altered after signing or signed by another key"
)
_BASE58BTC = re.compile(r"z[1-9A-HJ-NP-Za-km-z]+")
# XML Schema dateTimeStamp: a date-time with a time zone.
_DATE_TIME_STAMP = re.compile(
    r"-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})"
)


class Cryptosuite(Protocol):
    """The parts of an RDFC-1.0 cryptosuite that differ between suites."""

    @property
    def name(self) -> str:
        """The ``cryptosuite`` value this suite writes."""

    @property
    def names(self) -> frozenset[str]:
        """Every ``cryptosuite`` value it verifies (earlier names of the same algorithm)."""

    def hash(self, data: bytes, key: PrivateKey | PublicKey) -> bytes:
        """Hash canonical N-Quads (the algorithm may depend on the key's curve)."""

    def canonical_hash(self, key: PrivateKey | PublicKey) -> HashAlgorithm:
        """Return the hash RDFC-1.0 uses for this key (vc-di-ecdsa: sha384 for P-384)."""

    def sign(self, private_key: PrivateKey, data: bytes) -> bytes:
        """Sign the hash data, raising InvalidKey for a key of the wrong kind."""

    def verify(self, public_key: PublicKey, data: bytes, signature: bytes) -> None:
        """Check a signature over the hash data, raising InvalidProof if it does not hold."""


class DataIntegritySuite(ABC):
    """A DataIntegrityProof cryptosuite: subclasses name it and supply hash, sign and verify."""

    name: str
    names: frozenset[str]

    @abstractmethod
    def hash(self, data: bytes, key: PrivateKey | PublicKey) -> bytes:
        """Hash canonical N-Quads (the algorithm may depend on the key's curve)."""

    @abstractmethod
    def canonical_hash(self, key: PrivateKey | PublicKey) -> HashAlgorithm:
        """Return the hash RDFC-1.0 uses for this key."""

    @abstractmethod
    def sign(self, private_key: PrivateKey, data: bytes) -> bytes:
        """Sign the hash data."""

    @abstractmethod
    def verify(self, public_key: PublicKey, data: bytes, signature: bytes) -> None:
        """Check a signature over the hash data, raising InvalidProof if it does not hold."""

    def create_proof(
        self,
        document: Mapping[str, Any],
        *,
        private_key: PrivateKey,
        verification_method: str,
        created: datetime | str | None,
        proof_purpose: str = "assertionMethod",
        loader: DocumentLoader = offline_loader,
    ) -> dict[str, Any]:
        """Return a copy of the document signed with a proof of this suite."""
        return create_proof(
            document,
            suite=self,
            private_key=private_key,
            verification_method=verification_method,
            created=created,
            proof_purpose=proof_purpose,
            loader=loader,
        )

    def verify_proof(
        self,
        document: Mapping[str, Any],
        proof: Mapping[str, Any],
        *,
        public_key: PublicKey,
        loader: DocumentLoader = offline_loader,
    ) -> None:
        """Check one proof of this suite on the document."""
        verify_proof(document, proof, suite=self, public_key=public_key, loader=loader)


def create_proof(
    document: Mapping[str, Any],
    *,
    suite: Cryptosuite,
    private_key: PrivateKey,
    verification_method: str,
    created: datetime | str | None,
    proof_purpose: str = "assertionMethod",
    loader: DocumentLoader = offline_loader,
) -> dict[str, Any]:
    """Sign a document with a DataIntegrityProof, adding to any proofs it has (a proof set).

    Args:
        document: The JSON-LD document; it is not modified.
        suite: The cryptosuite, for example eddsa-rdfc-2022.
        private_key: The signing key.
        verification_method: The URL of the public key, e.g. ``did:key:z6Mk...#z6Mk...``.
        created: When the proof was made (a timezone-aware datetime or a dateTimeStamp);
            None leaves it out.
        proof_purpose: Why the key signs; ``assertionMethod`` for credentials.
        loader: Where contexts come from.

    Returns:
        A deep copy of the document with the new proof in ``proof``.

    Raises:
        UndefinedTerm: A term of the document is not defined by its contexts.
        InvalidKey: The key does not suit the cryptosuite.
        MalformedInput: ``created`` is not a date-time with a time zone, or the document
            has no ``@context``.
    """
    options: dict[str, Any] = {"type": PROOF_TYPE, "cryptosuite": suite.name}
    if created is not None:
        options["created"] = format_created(created)
    options["verificationMethod"] = verification_method
    options["proofPurpose"] = proof_purpose
    digest, rdfc = partial(suite.hash, key=private_key), suite.canonical_hash(private_key)
    unsecured = unsecured_document(document)
    data = hash_data(unsecured, options, digest=digest, loader=loader, hash_algorithm=rdfc)
    proof = {**options, "proofValue": encode_proof_value(suite.sign(private_key, data))}
    return add_proof(document, proof)


def verify_proof(
    document: Mapping[str, Any],
    proof: Mapping[str, Any],
    *,
    public_key: PublicKey,
    loader: DocumentLoader = offline_loader,
    suite: Cryptosuite | None = None,
) -> None:
    """Check one DataIntegrityProof of a document (one member of its proof set).

    Args:
        document: The secured document, holding ``proof`` among its members.
        proof: The proof to check.
        public_key: The key its verification method resolved to.
        loader: Where contexts come from.
        suite: The cryptosuite that ``proof`` must name; None looks the proof's suite up
            in ``verifier.proofs.SUITES`` and lets it verify (legacy proof types too).

    Raises:
        InvalidProof: The proof is malformed, names another type or an unsupported
            cryptosuite, or its signature does not match the document.
        UndefinedTerm: A term is not defined by the contexts (nothing can be said).
    """
    if suite is None:
        from verifier.proofs import suite_for  # the registry imports this module

        suite_for(proof).verify_proof(document, proof, public_key=public_key, loader=loader)
        return
    if proof.get("type") != PROOF_TYPE:
        raise InvalidProof(f"proof type must be {PROOF_TYPE}, not {proof.get('type')!r}")
    if proof.get("cryptosuite") not in suite.names:
        raise InvalidProof(
            f"unsupported cryptosuite {proof.get('cryptosuite')!r}; this suite verifies"
            f" {', '.join(sorted(suite.names))}"
        )
    signature = decode_proof_value(proof.get("proofValue"))
    options = {key: value for key, value in proof.items() if key != "proofValue"}
    if "created" in options:
        _check_created(options["created"], InvalidProof)
    unsecured = unsecured_document(document, proof)
    if "@context" in options:
        _check_context_prefix(options["@context"], unsecured.get("@context"))
        unsecured["@context"] = options["@context"]
    data = hash_data(
        unsecured,
        options,
        digest=partial(suite.hash, key=public_key),
        loader=loader,
        hash_algorithm=suite.canonical_hash(public_key),
    )
    suite.verify(public_key, data, signature)


def hash_data(
    unsecured: Mapping[str, Any],
    options: Mapping[str, Any],
    *,
    digest: Callable[[bytes], bytes],
    loader: DocumentLoader = offline_loader,
    hash_algorithm: HashAlgorithm = "sha256",
) -> bytes:
    """Return the bytes a proof signs: digest of the proof configuration, then of the document."""
    config = canonical_proof_config(
        options, unsecured, loader=loader, hash_algorithm=hash_algorithm
    )
    canonical = canonical_document(unsecured, loader=loader, hash_algorithm=hash_algorithm)
    return digest(config.encode("utf-8")) + digest(canonical.encode("utf-8"))


def canonical_document(
    unsecured: Mapping[str, Any],
    *,
    loader: DocumentLoader,
    hash_algorithm: HashAlgorithm = "sha256",
) -> str:
    """Return the RDFC-1.0 N-Quads of a document without its proof (the transformation)."""
    _context_of(unsecured)
    return canonicalize(to_nquads(unsecured, loader=loader), hash_algorithm=hash_algorithm)


def canonical_proof_config(
    options: Mapping[str, Any],
    unsecured: Mapping[str, Any],
    *,
    loader: DocumentLoader,
    hash_algorithm: HashAlgorithm = "sha256",
) -> str:
    """Return the RDFC-1.0 N-Quads of the proof options under the document's ``@context``."""
    config = {key: value for key, value in options.items() if key != "proofValue"}
    config.setdefault("@context", _context_of(unsecured))
    return canonicalize(to_nquads(config, loader=loader), hash_algorithm=hash_algorithm)


def unsecured_document(
    document: Mapping[str, Any], proof: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Return the document without its proofs, keeping those a proof chain signed over.

    Raises:
        InvalidProof: ``previousProof`` names a proof the document does not hold.
    """
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    previous = proof.get("previousProof") if proof is not None else None
    if previous is None:
        return unsecured
    wanted = [previous] if isinstance(previous, str) else previous
    if not isinstance(wanted, list) or not all(isinstance(item, str) for item in wanted):
        raise InvalidProof("previousProof must be a proof id or a list of proof ids")
    held = {p.get("id"): p for p in proofs_of(document) if isinstance(p, Mapping)}
    missing = [item for item in wanted if item not in held]
    if missing:
        raise InvalidProof(f"previousProof {missing[0]} is not in the document's proof set")
    unsecured["proof"] = [held[item] for item in wanted]
    return unsecured


def proofs_of(document: Mapping[str, Any]) -> list[Any]:
    """Return the document's proofs as a list (a proof set), empty when it has none."""
    proof = document.get("proof")
    if proof is None:
        return []
    return list(proof) if isinstance(proof, list) else [proof]


def add_proof(document: Mapping[str, Any], proof: Mapping[str, Any]) -> dict[str, Any]:
    """Return a deep copy of the document with ``proof`` added to its proof set."""
    existing = proofs_of(document)
    proofs = [*existing, proof] if existing else proof
    return copy.deepcopy({**document, "proof": proofs})


def encode_proof_value(signature: bytes) -> str:
    """Encode a signature as multibase base58btc (``z`` prefix)."""
    return "z" + base58.b58encode(signature).decode("ascii")


def decode_proof_value(value: object) -> bytes:
    """Decode a multibase base58btc proofValue, raising InvalidProof if it is not one."""
    if not isinstance(value, str):
        raise InvalidProof("malformed proofValue: the proof has no proofValue string")
    if not _BASE58BTC.fullmatch(value):
        raise InvalidProof("malformed proofValue: it must be multibase base58btc ('z' + base58)")
    return bytes(base58.b58decode(value[1:]))


def format_created(created: datetime | str) -> str:
    """Return ``created`` as a dateTimeStamp, UTC to the second for a datetime.

    Raises:
        MalformedInput: The datetime is naive or the string is not a dateTimeStamp.
    """
    if isinstance(created, datetime):
        if created.tzinfo is None:
            raise MalformedInput("created must be a timezone-aware datetime")
        return created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    _check_created(created, MalformedInput)
    return created


def _check_created(value: object, error: type[Exception]) -> None:
    """Raise ``error`` unless ``value`` is an XML Schema dateTimeStamp."""
    valid = isinstance(value, str) and _DATE_TIME_STAMP.fullmatch(value) is not None
    if valid:
        try:
            datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            valid = False
    if not valid:
        raise error(f"created {value!r} must be a date-time with a time zone (dateTimeStamp)")


def _context_of(document: Mapping[str, Any]) -> Any:
    """Return the document's ``@context``, raising MalformedInput when it has none."""
    context = document.get("@context")
    if context is None:
        raise MalformedInput(
            "the document has no @context, so it cannot carry a Data Integrity proof"
        )
    return context


def _check_context_prefix(proof_context: Any, document_context: Any) -> None:
    """Require a proof's own ``@context`` to begin the document's, as the spec does."""
    expected = proof_context if isinstance(proof_context, list) else [proof_context]
    actual = document_context if isinstance(document_context, list) else [document_context]
    if actual[: len(expected)] != expected:
        raise InvalidProof(
            "the proof's @context must be the first entries of the document's @context"
        )
