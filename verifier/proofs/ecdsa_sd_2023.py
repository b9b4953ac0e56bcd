"""The ecdsa-sd-2023 cryptosuite (W3C vc-di-ecdsa 3.5): selective disclosure over ECDSA P-256.

The issuer signs a base proof, which goes to the holder only: a signature over the proof
options, a proof-scoped P-256 key and the mandatory statements, plus one signature by that
key per other statement. The holder derives a proof disclosing some of those statements,
and verifiers check the derived proof: the base signature with the issuer's key, then each
disclosed statement's signature with the proof-scoped key. Only P-256 issuer keys are
accepted, as in the reference implementation (digitalbazaar/ecdsa-sd-2023-cryptosuite).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from verifier.errors import InvalidKey, InvalidProof, MalformedInput
from verifier.jsonld import to_nquads
from verifier.loader import DocumentLoader, offline_loader
from verifier.multikey import PublicKey
from verifier.proofs import ecdsa_sd_proof_value as proof_value
from verifier.proofs.data_integrity import (
    PROOF_TYPE,
    PrivateKey,
    add_proof,
    canonical_proof_config,
    format_created,
    unsecured_document,
)
from verifier.proofs.ecdsa_rdfc_2019 import sign_p1363, verify_p1363
from verifier.proofs.ecdsa_sd_proof_value import (
    P256_MULTIKEY_PREFIX,
    BaseProofValue,
    DerivedProofValue,
)
from verifier.proofs.selective_disclosure import (
    Labeler,
    canonicalize_and_group,
    hmac_labeler,
    relabelled_canonical_nquads,
)

NAME = "ecdsa-sd-2023"
BASE_PROOF_REFUSED = (
    "this is an ecdsa-sd-2023 base proof, which is meant for the holder only; verifiers"
    " check a derived proof: ask the holder to present a selectively disclosed credential"
)
BASE_MISMATCH = (
    "baseSignature does not match: the mandatory statements or the proof options were"
    " altered after signing, or another key signed"
)


@dataclass(frozen=True)
class VerifyData:
    """What a derived proof is checked against (createVerifyData, vc-di-ecdsa 3.4.9)."""

    proof: DerivedProofValue
    proof_hash: bytes
    mandatory: list[str]
    non_mandatory: list[str]

    @property
    def mandatory_hash(self) -> bytes:
        """SHA-256 of the mandatory statements, joined."""
        return hashlib.sha256("".join(self.mandatory).encode("utf-8")).digest()

    @property
    def signed_data(self) -> bytes:
        """The bytes the issuer signed: proofHash || publicKey || mandatoryHash."""
        return self.proof_hash + self.proof.public_key + self.mandatory_hash


def create_verify_data(
    document: Mapping[str, Any],
    proof: Mapping[str, Any],
    *,
    loader: DocumentLoader = offline_loader,
) -> VerifyData:
    """Canonicalize a disclosed document with the proof's labels and split its statements.

    Raises:
        InvalidProof: The proof is malformed or a base proof, or its label map or
            mandatory indexes do not fit the document.
        UndefinedTerm: A term is not defined by the document's contexts.
    """
    _check_options(proof)
    if proof_value.kind_of(proof.get("proofValue")) == "base":
        raise InvalidProof(BASE_PROOF_REFUSED)
    parsed = proof_value.parse_derived(proof.get("proofValue"))
    options = {key: value for key, value in proof.items() if key != "proofValue"}
    unsecured = unsecured_document(document, proof)
    if "@context" in options:
        _check_context_prefix(options["@context"], unsecured.get("@context"))
        unsecured["@context"] = options["@context"]
    config = canonical_proof_config(options, unsecured, loader=loader)
    labeler = _label_map_labeler(parsed.label_map)
    nquads, _ = relabelled_canonical_nquads(to_nquads(unsecured, loader=loader), labeler)
    indexes = set(parsed.mandatory_indexes)
    if indexes and max(indexes) >= len(nquads):
        raise InvalidProof(
            f"mandatoryIndexes names statement {max(indexes)}, but the disclosed document"
            f" has only {len(nquads)}"
        )
    return VerifyData(
        proof=parsed,
        proof_hash=hashlib.sha256(config.encode("utf-8")).digest(),
        mandatory=[line for i, line in enumerate(nquads) if i in indexes],
        non_mandatory=[line for i, line in enumerate(nquads) if i not in indexes],
    )


def base_transform(
    unsecured: Mapping[str, Any],
    *,
    hmac_key: bytes,
    mandatory_pointers: Sequence[str],
    loader: DocumentLoader = offline_loader,
) -> tuple[list[str], list[str]]:
    """Return the mandatory and the other statements of a document, HMAC-relabelled.

    Raises:
        MalformedInput: A pointer does not match the document.
        UndefinedTerm: A term is not defined by the document's contexts.
    """
    groups = {"mandatory": list(mandatory_pointers)}
    _, _, grouped = canonicalize_and_group(unsecured, hmac_labeler(hmac_key), groups, loader=loader)
    return list(grouped["mandatory"].matching.values()), list(
        grouped["mandatory"].non_matching.values()
    )


class EcdsaSd2023:
    """The ecdsa-sd-2023 cryptosuite: verifies derived proofs, creates base proofs."""

    name = NAME

    def create_proof(
        self,
        document: Mapping[str, Any],
        *,
        private_key: PrivateKey,
        verification_method: str,
        created: datetime | str | None,
        proof_purpose: str = "assertionMethod",
        loader: DocumentLoader = offline_loader,
        mandatory_pointers: Sequence[str] = (),
    ) -> dict[str, Any]:
        """Return a copy of the document with an ecdsa-sd-2023 base proof, for its holder.

        Raises:
            InvalidKey: The key is not a P-256 private key.
            MalformedInput: A mandatory pointer does not match the document.
            UndefinedTerm: A term is not defined by the document's contexts.
        """
        if not isinstance(private_key, ec.EllipticCurvePrivateKey) or not isinstance(
            private_key.curve, ec.SECP256R1
        ):
            raise InvalidKey(f"{NAME} base proofs need a P-256 private key")
        options: dict[str, Any] = {"type": PROOF_TYPE, "cryptosuite": NAME}
        if created is not None:
            options["created"] = format_created(created)
        options["verificationMethod"] = verification_method
        options["proofPurpose"] = proof_purpose
        unsecured = unsecured_document(document)
        config = canonical_proof_config(options, unsecured, loader=loader)
        hmac_key = secrets.token_bytes(proof_value.HMAC_KEY_SIZE)
        mandatory, others = base_transform(
            unsecured, hmac_key=hmac_key, mandatory_pointers=mandatory_pointers, loader=loader
        )
        scoped = ec.generate_private_key(ec.SECP256R1())
        public_key = P256_MULTIKEY_PREFIX + scoped.public_key().public_bytes(
            Encoding.X962, PublicFormat.CompressedPoint
        )
        mandatory_hash = hashlib.sha256("".join(mandatory).encode("utf-8")).digest()
        signed = hashlib.sha256(config.encode("utf-8")).digest() + public_key + mandatory_hash
        base = BaseProofValue(
            base_signature=sign_p1363(private_key, signed),
            public_key=public_key,
            hmac_key=hmac_key,
            signatures=[sign_p1363(scoped, line.encode("utf-8")) for line in others],
            mandatory_pointers=list(mandatory_pointers),
        )
        return add_proof(document, {**options, "proofValue": proof_value.serialize_base(base)})

    def verify_proof(
        self,
        document: Mapping[str, Any],
        proof: Mapping[str, Any],
        *,
        public_key: PublicKey,
        loader: DocumentLoader = offline_loader,
    ) -> None:
        """Check one ecdsa-sd-2023 derived proof; a base proof is refused."""
        _check_options(proof)
        if not isinstance(public_key, ec.EllipticCurvePublicKey) or not isinstance(
            public_key.curve, ec.SECP256R1
        ):
            held = getattr(getattr(public_key, "curve", None), "name", type(public_key).__name__)
            raise InvalidProof(f"{NAME} proofs need a P-256 issuer key, not {held}")
        data = create_verify_data(document, proof, loader=loader)
        signatures = data.proof.signatures
        if len(signatures) != len(data.non_mandatory):
            raise InvalidProof(
                f"the proof holds {len(signatures)} signatures for {len(data.non_mandatory)}"
                " disclosed non-mandatory statements: statements were added or removed"
            )
        scoped = _scoped_key(data.proof.public_key)
        try:
            verify_p1363(public_key, data.signed_data, data.proof.base_signature)
        except InvalidProof:
            raise InvalidProof(BASE_MISMATCH) from None
        for index, (line, signature) in enumerate(zip(data.non_mandatory, signatures, strict=True)):
            try:
                verify_p1363(scoped, line.encode("utf-8"), signature)
            except InvalidProof:
                raise InvalidProof(
                    f"disclosed statement {index} does not match its signature (altered after"
                    f" signing): {line.strip()[:160]}"
                ) from None


def _check_options(proof: Mapping[str, Any]) -> None:
    """Require a DataIntegrityProof named ecdsa-sd-2023 with a valid ``created``."""
    if proof.get("type") != PROOF_TYPE:
        raise InvalidProof(f"proof type must be {PROOF_TYPE}, not {proof.get('type')!r}")
    if proof.get("cryptosuite") != NAME:
        raise InvalidProof(f"cryptosuite must be {NAME}, not {proof.get('cryptosuite')!r}")
    if "created" in proof:
        try:
            format_created(proof["created"])
        except MalformedInput as error:
            raise InvalidProof(str(error)) from None


def _check_context_prefix(proof_context: Any, document_context: Any) -> None:
    """Require a proof's own ``@context`` to begin the document's (vc-data-integrity 4.3)."""
    expected = proof_context if isinstance(proof_context, list) else [proof_context]
    actual = document_context if isinstance(document_context, list) else [document_context]
    if actual[: len(expected)] != expected:
        raise InvalidProof(
            "the proof's @context must be the first entries of the document's @context"
        )


def _label_map_labeler(label_map: Mapping[str, str]) -> Labeler:
    """Return a labeler that looks canonical labels up in a derived proof's label map."""

    def label(canonical: str) -> str:
        found = label_map.get(canonical)
        if found is None:
            raise InvalidProof(
                f"the proof's labelMap has no label for blank node {canonical}: the disclosed"
                " document has a node the derived proof does not cover"
            )
        return found

    return label


def _scoped_key(multikey: bytes) -> ec.EllipticCurvePublicKey:
    """Decode the proof-scoped P-256 key of a proof value."""
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(
            ec.SECP256R1(), multikey[len(P256_MULTIKEY_PREFIX) :]
        )
    except ValueError:
        raise InvalidProof("malformed proofValue: publicKey is not a point on P-256") from None


SUITE = EcdsaSd2023()
