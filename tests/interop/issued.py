"""What we issue, as the interop tests send it: an issuer's keys, DID document and credentials.

Built with the issuer's own code (``issuance.documents``, ``keys.documents``) from rows that
need no database, and signed as ``issuance.signing`` signs.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from issuer.issuance.documents import (
    bitstring_entry,
    hash_identity,
    iso,
    ob3_achievement,
    ob3_credential,
)
from issuer.keys.documents import issuer_did_document
from issuer.keys.models import IssuerKey
from issuer.keys.services import Algorithm, PrivateKey, issuer_did, verification_method
from issuer.settings import Settings
from verifier.bitstring import MIN_ENTRIES, encode_bitstring
from verifier.keys import did_web_url
from verifier.loader import offline_loader
from verifier.multikey import jwk_thumbprint, public_key_to_jwk
from verifier.proofs.eddsa_rdfc_2022 import SUITE

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SETTINGS = Settings(public_url="https://certs.example.test")
ISSUER_ID = uuid.UUID("0a4f3c2e-8d1b-4e6f-9a7c-5b2d1e0f3a49")
SEED = bytes(range(32))
SIGNING_KEY = Ed25519PrivateKey.from_private_bytes(SEED)


def issuer_key(private_key: PrivateKey, algorithm: Algorithm) -> IssuerKey:
    """Return the stored row of an issuer's key, as ``keys.services.create_key`` makes it."""
    jwk = public_key_to_jwk(private_key.public_key())
    return IssuerKey(
        issuer_id=ISSUER_ID,
        algorithm=algorithm,
        fragment=jwk_thumbprint(jwk),
        public_jwk=jwk,
        encrypted_private_key=b"",
        created_at=NOW - timedelta(days=30),
        retired_at=None,
    )


# The issuer's keys by JWS alg: Ed25519 signs Data Integrity proofs, RSA (and P-256 when
# asked for) VC-JWTs; its DID document lists them all, as the issuer publishes it.
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
JWT_KEYS: dict[str, PrivateKey] = {
    "EdDSA": SIGNING_KEY,
    "RS256": RSA_KEY,
    "ES256": ec.generate_private_key(ec.SECP256R1()),
}
KEYS = {
    "EdDSA": issuer_key(JWT_KEYS["EdDSA"], "Ed25519"),
    "RS256": issuer_key(JWT_KEYS["RS256"], "RSA"),
    "ES256": issuer_key(JWT_KEYS["ES256"], "P-256"),
}
DID = issuer_did(SETTINGS, ISSUER_ID)
METHOD = verification_method(SETTINGS, KEYS["EdDSA"])
DID_DOCUMENT = issuer_did_document(SETTINGS, ISSUER_ID, KEYS.values())
RESOLVER_DOCUMENTS = {did_web_url(DID): DID_DOCUMENT}


def issuer_profile(name: str, **extra: str) -> dict[str, Any]:
    """Return the issuer row fields ``ob3_profile`` reads."""
    return {
        "did": DID,
        "name": name,
        "url": "https://example.edu",
        "email": "b@example.edu",
    } | extra


def issued(
    number: int,
    *,
    issuer: dict[str, Any],
    content: dict[str, Any],
    recipient: dict[str, Any],
    valid_until: datetime | None,
    **extra: Any,
) -> dict[str, Any]:
    """Return an unsigned credential as issuance builds it (documents.py)."""
    base = "https://certs.example.test"
    achievement = ob3_achievement(f"{base}/achievements/{number}", 1, content, issuer)
    return ob3_credential(
        credential_url=f"{base}/c/{uuid.UUID(int=number)}",
        issuer=issuer,
        achievement=achievement,
        subject_id=f"urn:uuid:{uuid.UUID(int=1000 + number)}",
        recipient=recipient,
        valid_from=NOW - timedelta(days=1),
        valid_until=valid_until,
        status=bitstring_entry(f"{base}/status/{ISSUER_ID}", 40 + number, "revocation"),
        **extra,
    )


PLAIN_RECIPIENT = {"type": "email", "hashed": False, "identity": "ada@example.org"}
HASHED_RECIPIENT = {
    "type": "email",
    "hashed": True,
    "identity": hash_identity("zoë@exämple.org", "s4lt"),
    "salt": "s4lt",
}
CRITERIA = {"narrative": "Passed the **final** assessment."}
VARIANTS: dict[str, dict[str, Any]] = {
    "plain": issued(
        1,
        issuer=issuer_profile("Example College"),
        content={"name": "Welding", "description": "Can weld.", "criteria": CRITERIA},
        recipient=PLAIN_RECIPIENT,
        valid_until=NOW + timedelta(days=365),
    ),
    "no-valid-until": issued(
        2,
        issuer=issuer_profile("Example College"),
        content={"name": "First aid", "description": "Knows first aid.", "criteria": CRITERIA},
        recipient=PLAIN_RECIPIENT,
        valid_until=None,
        recipient_name="Ada Lovelace",
    ),
    "unicode-names": issued(
        3,
        issuer=issuer_profile(
            "Université de Genève — Faculté des sciences",
            description="Ελληνικά, русский, עברית, العربية, 漢字かな交じり, 한국어",
        ),
        content={
            "name": '🎓 Données «avancées» & <Science> "cité"',
            "description": "Zoë's café: e\u0301 (NFD) is not é (NFC); 👩🏽‍🔬 ZWJ; 𝔘𝔫𝔦",
            "criteria": {"narrative": "Lignes\nmultiples\r\n\ttabulées \\ barre"},
            "tag": ["naïve", "日本語", "Ünïcødé"],
            "inLanguage": "fr-CH",
        },
        recipient=HASHED_RECIPIENT,
        valid_until=NOW + timedelta(days=30),
        recipient_name="Zoë Ø'Brien-Łukasiewicz 李小龍",
    ),
    "awkward-characters": issued(
        4,
        issuer=issuer_profile("  Leading and trailing spaces  "),
        content={
            "name": "Controls \u0001\u0007\b\f\u001f\u007f and \u0085\u2028\u2029\ufeff\ufffd",
            "description": "",  # empty, yet a value
            "criteria": {"narrative": "x" * 5000},
            "humanCode": "ÀÉÎ-٣٤٥",
        },
        recipient={"type": "email", "hashed": False, "identity": "o'hara+x/12?#&=%20@example.org"},
        valid_until=None,
        recipient_name='\u202eRTL override\u202c O\'Hara "Jr."',
    ),
    "full": issued(
        5,
        issuer=issuer_profile(
            "Example College", description="A college.", image="https://example.edu/logo.png"
        ),
        content={
            "name": "Advanced welding",
            "description": "Can weld steel and aluminium.",
            "criteria": {"id": "https://example.edu/criteria/5", "narrative": "See the rubric."},
            "achievementType": "Certificate",
            "fieldOfStudy": "Metalwork",
            "humanCode": "WLD-201",
            "image": "https://example.edu/badges/5.png",
            "alignment": [
                {
                    "targetName": "ISCED-F 0715",
                    "targetUrl": "https://example.org/isced/0715",
                    "targetType": "ext:ISCED",
                }
            ],
        },
        recipient=HASHED_RECIPIENT,
        valid_until=NOW + timedelta(days=3650),
        evidence=[{"id": "https://example.edu/evidence/5", "narrative": "Weld № 5 — 97 %"}],
        results=[{"value": "97.5", "status": "Completed"}],
        recipient_name="Ada Lovelace",
    ),
}


def status_list_credential() -> dict[str, Any]:
    """Return an unsigned status list credential as ``issuance.services`` publishes one."""
    url = f"https://certs.example.test/status/{ISSUER_ID}"
    bits = bytearray(MIN_ENTRIES // 8)
    bits[5] = 0b0010_0000  # one revoked slot
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": DID,
        "validFrom": iso(NOW - timedelta(minutes=5)),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_bitstring(bits),
        },
    }


def our_signature(document: dict[str, Any]) -> dict[str, Any]:
    """Sign as ``issuance.signing.data_integrity_proof`` does, with the issuer's key."""
    return SUITE.create_proof(
        document,
        private_key=SIGNING_KEY,
        verification_method=METHOD,
        created=NOW - timedelta(hours=1),
        loader=offline_loader,
    )
