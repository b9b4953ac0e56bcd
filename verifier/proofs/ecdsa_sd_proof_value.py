"""The proofValue encodings of ecdsa-sd-2023: base (issuer to holder) and derived (to verifiers).

Each is ``u`` + base64url (no padding) of a three-byte header and a CBOR array of five
components (vc-di-ecdsa 3.5.2-3.5.7). Parsing checks every component's type and size, so a
hostile value fails here with InvalidProof, before any canonicalization is done.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

from verifier import cbor
from verifier.errors import InvalidProof, MalformedInput

BASE_HEADER = b"\xd9\x5d\x00"
DERIVED_HEADER = b"\xd9\x5d\x01"
# A P-256 Multikey: the p256-pub multicodec varint, then a 33-byte compressed point.
P256_MULTIKEY_PREFIX = b"\x80\x24"
SIGNATURE_SIZE = 64
HMAC_KEY_SIZE = 32
# A proofValue larger than this is refused before it is decoded (a derived proof with ten
# thousand disclosed statements is about 900 kB).
MAX_PROOF_VALUE_CHARS = 2_000_000
_BASE64URL = re.compile(r"u[A-Za-z0-9_-]*")
_CANONICAL_LABEL = re.compile(r"c14n(0|[1-9][0-9]*)")


@dataclass(frozen=True)
class BaseProofValue:
    """What the issuer gives the holder: everything needed to derive a proof."""

    base_signature: bytes
    public_key: bytes
    hmac_key: bytes
    signatures: list[bytes]
    mandatory_pointers: list[str]


@dataclass(frozen=True)
class DerivedProofValue:
    """What the holder gives a verifier; ``label_map`` maps ``c14nN`` to HMAC labels."""

    base_signature: bytes
    public_key: bytes
    signatures: list[bytes]
    label_map: dict[str, str]
    mandatory_indexes: list[int]


def kind_of(value: object) -> str:
    """Return ``base`` or ``derived`` for an ecdsa-sd-2023 proofValue.

    Raises:
        InvalidProof: The value is not multibase base64url or carries neither header.
    """
    header = _decode(value)[:3]
    if header == BASE_HEADER:
        return "base"
    if header == DERIVED_HEADER:
        return "derived"
    raise InvalidProof(
        f"malformed proofValue: header 0x{header.hex()} is neither an ecdsa-sd-2023 base proof"
        " (0xd95d00) nor a derived proof (0xd95d01)"
    )


def parse_base(value: object) -> BaseProofValue:
    """Parse a base proofValue, raising InvalidProof if it is not one."""
    parts = _components(value, BASE_HEADER, "base")
    pointers = parts[4]
    if not isinstance(pointers, list) or not all(isinstance(p, str) for p in pointers):
        raise InvalidProof("malformed proofValue: mandatoryPointers must be an array of strings")
    return BaseProofValue(
        base_signature=_bytes(parts[0], "baseSignature", SIGNATURE_SIZE),
        public_key=_public_key(parts[1]),
        hmac_key=_bytes(parts[2], "hmacKey", HMAC_KEY_SIZE),
        signatures=_signatures(parts[3]),
        mandatory_pointers=[str(pointer) for pointer in pointers],
    )


def parse_derived(value: object) -> DerivedProofValue:
    """Parse a derived proofValue, raising InvalidProof if it is not one."""
    parts = _components(value, DERIVED_HEADER, "derived")
    compressed, indexes = parts[3], parts[4]
    if not isinstance(compressed, dict):
        raise InvalidProof("malformed proofValue: labelMap must be a map")
    label_map: dict[str, str] = {}
    for key, label in compressed.items():
        if not isinstance(key, int) or key < 0:
            raise InvalidProof("malformed proofValue: labelMap keys must be unsigned integers")
        label_map[f"c14n{key}"] = "u" + _b64(_bytes(label, "a labelMap value", HMAC_KEY_SIZE))
    if len(set(label_map.values())) != len(label_map):
        raise InvalidProof("malformed proofValue: labelMap gives two blank nodes the same label")
    return DerivedProofValue(
        base_signature=_bytes(parts[0], "baseSignature", SIGNATURE_SIZE),
        public_key=_public_key(parts[1]),
        signatures=_signatures(parts[2]),
        label_map=label_map,
        mandatory_indexes=_indexes(indexes),
    )


def serialize_base(proof: BaseProofValue) -> str:
    """Encode a base proofValue."""
    components: list[cbor.Value] = [
        proof.base_signature,
        proof.public_key,
        proof.hmac_key,
        list[cbor.Value](proof.signatures),
        list[cbor.Value](proof.mandatory_pointers),
    ]
    return "u" + _b64(BASE_HEADER + cbor.encode(components))


def serialize_derived(proof: DerivedProofValue) -> str:
    """Encode a derived proofValue, compressing its label map to integers and bytes."""
    compressed: dict[cbor.Value, cbor.Value] = {}
    for canonical, label in proof.label_map.items():
        match = _CANONICAL_LABEL.fullmatch(canonical)
        if match is None or not _BASE64URL.fullmatch(label) or len(label) % 4 == 2:
            raise MalformedInput(f"label map entry {canonical} -> {label} cannot be compressed")
        compressed[int(match.group(1))] = _unb64(label[1:])
    components: list[cbor.Value] = [
        proof.base_signature,
        proof.public_key,
        list[cbor.Value](proof.signatures),
        compressed,
        list[cbor.Value](proof.mandatory_indexes),
    ]
    return "u" + _b64(DERIVED_HEADER + cbor.encode(components))


def _decode(value: object) -> bytes:
    """Decode a multibase base64url (no padding) proofValue."""
    if not isinstance(value, str):
        raise InvalidProof("malformed proofValue: the proof has no proofValue string")
    if len(value) > MAX_PROOF_VALUE_CHARS:
        raise InvalidProof(f"malformed proofValue: longer than {MAX_PROOF_VALUE_CHARS} characters")
    if not _BASE64URL.fullmatch(value) or len(value) % 4 == 2:
        raise InvalidProof(
            "malformed proofValue: ecdsa-sd-2023 needs multibase base64url ('u' + base64url)"
        )
    return _unb64(value[1:])


def _components(value: object, header: bytes, kind: str) -> list[cbor.Value]:
    """Return the five CBOR components after the expected header."""
    data = _decode(value)
    if data[:3] != header:
        raise InvalidProof(
            f"malformed proofValue: not an ecdsa-sd-2023 {kind} proof (header 0x{data[:3].hex()},"
            f" expected 0x{header.hex()})"
        )
    try:
        parts = cbor.decode(data[3:])
    except MalformedInput as error:
        raise InvalidProof(f"malformed proofValue: {error}") from None
    if not isinstance(parts, list) or len(parts) != 5:
        raise InvalidProof(f"malformed proofValue: a {kind} proof is a CBOR array of 5 components")
    return parts


def _bytes(value: cbor.Value, name: str, size: int) -> bytes:
    """Return a byte string component of exactly ``size`` bytes."""
    if not isinstance(value, bytes) or len(value) != size:
        raise InvalidProof(f"malformed proofValue: {name} must be a {size}-byte string")
    return value


def _public_key(value: cbor.Value) -> bytes:
    """Return the proof-scoped key: a P-256 Multikey (35 bytes)."""
    key = _bytes(value, "publicKey", len(P256_MULTIKEY_PREFIX) + 33)
    if not key.startswith(P256_MULTIKEY_PREFIX):
        raise InvalidProof("malformed proofValue: publicKey must be a P-256 Multikey (0x8024)")
    return key


def _indexes(value: cbor.Value) -> list[int]:
    """Return the mandatory indexes: unsigned integers."""
    indexes = value if isinstance(value, list) else [-1]
    found = [index for index in indexes if isinstance(index, int) and index >= 0]
    if len(found) != len(indexes):
        raise InvalidProof(
            "malformed proofValue: mandatoryIndexes must be an array of unsigned integers"
        )
    return found


def _signatures(value: cbor.Value) -> list[bytes]:
    """Return the per-statement signatures, each 64 bytes."""
    if not isinstance(value, list):
        raise InvalidProof("malformed proofValue: signatures must be an array")
    return [_bytes(item, "each signature", SIGNATURE_SIZE) for item in value]


def _b64(data: bytes) -> str:
    """Encode bytes as base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    """Decode base64url without padding (the caller checked the alphabet and length)."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
