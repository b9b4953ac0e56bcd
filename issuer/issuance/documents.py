"""Building the unsigned documents of a credential: OB 3.0 and OB 2.0, from stored rows."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

OB3_CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    # defines 1EdTechJsonSchemaValidator2019, which context-3.0.3 does not (as the spec examples)
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
]
OB3_SCHEMA = {
    "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
    "type": "1EdTechJsonSchemaValidator2019",
}
OB2_CONTEXT = "https://w3id.org/openbadges/v2"
OB2_ALIGNMENT_FIELDS = (
    "targetName",
    "targetUrl",
    "targetDescription",
    "targetFramework",
    "targetCode",
)
OB2_RECIPIENT_TYPES = {"email": "email", "url": "url", "external": "id"}


@dataclass(frozen=True)
class Urls:
    """Where each public document of the deployment lives."""

    base: str

    def credential(self, credential_id: object) -> str:
        return f"{self.base}/c/{credential_id}"

    def achievement(self, achievement_id: object) -> str:
        return f"{self.base}/achievements/{achievement_id}"

    def image(self, image_id: object) -> str:
        return f"{self.base}/images/{image_id}"

    def status_list(self, list_id: object) -> str:
        return f"{self.base}/status/{list_id}"

    def ob2_assertion(self, credential_id: object) -> str:
        return f"{self.base}/ob2/assertions/{credential_id}"

    def ob2_badge(self, version_id: object) -> str:
        return f"{self.base}/ob2/badges/{version_id}"

    def ob2_issuer(self, issuer_id: object) -> str:
        return f"{self.base}/ob2/issuers/{issuer_id}"

    def ob2_key(self, key_id: object) -> str:
        return f"{self.base}/ob2/keys/{key_id}"

    def ob2_revocations(self, issuer_id: object) -> str:
        return f"{self.base}/ob2/issuers/{issuer_id}/revocations"


def iso(moment: datetime) -> str:
    """XML Schema dateTime in UTC with a Z, to the second (what both OB versions expect)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def hash_identity(identity: str, salt: str) -> str:
    """OB's salted identity hash: 'sha256$' + hex(SHA-256(identity + salt))."""
    return "sha256$" + hashlib.sha256((identity + salt).encode()).hexdigest()


def ob3_profile(issuer: Mapping[str, Any]) -> dict[str, Any]:
    """An issuer as an OB3 Profile (issuer: `id` is its did:web)."""
    profile = {
        "id": issuer["did"],
        "type": ["Profile"],
        "name": issuer["name"],
        "url": issuer["url"],
        "email": issuer["email"],
    }
    if issuer.get("description"):
        profile["description"] = issuer["description"]
    if issuer.get("image"):
        profile["image"] = {"id": issuer["image"], "type": "Image"}
    return profile


def ob3_achievement(
    achievement_url: str, version: int, content: Mapping[str, Any], issuer: Mapping[str, Any]
) -> dict[str, Any]:
    """An achievement version as an OB3 Achievement."""
    achievement: dict[str, Any] = {
        "id": achievement_url,
        "type": ["Achievement"],
        "name": content["name"],
        "description": content["description"],
        "criteria": dict(content["criteria"]),
        "creator": ob3_profile(issuer),
        "version": str(version),
    }
    for key in ("achievementType", "tag", "inLanguage", "humanCode", "fieldOfStudy"):
        if content.get(key):
            achievement[key] = content[key]
    if content.get("image"):
        achievement["image"] = {"id": content["image"], "type": "Image"}
    if content.get("alignment"):
        achievement["alignment"] = [{"type": ["Alignment"], **a} for a in content["alignment"]]
    return achievement


def ob3_identifier(recipient: Mapping[str, Any]) -> dict[str, Any]:
    """The recipient as an OB3 IdentityObject (hashed when the issuer chose to)."""
    kinds = {  # OB 3.0 IdentifierTypeEnum values
        "email": "emailAddress",
        "external": "sisSourcedId",  # a student number from the institution's records
        "url": "identifier",
    }
    obj: dict[str, Any] = {
        "type": "IdentityObject",
        "identityType": kinds[recipient["type"]],
        "hashed": recipient["hashed"],
        "identityHash": recipient["identity"],
    }
    if recipient["hashed"]:
        obj["salt"] = recipient["salt"]
    return obj


def ob3_credential(
    *,
    credential_url: str,
    issuer: Mapping[str, Any],
    achievement: Mapping[str, Any],
    subject_id: str,
    recipient: Mapping[str, Any],
    valid_from: datetime,
    valid_until: datetime | None,
    status: Mapping[str, Any],
    evidence: Sequence[Mapping[str, Any]] | None = None,
    results: Sequence[Mapping[str, Any]] | None = None,
    recipient_name: str = "",
) -> dict[str, Any]:
    """An unsigned OpenBadgeCredential (VC Data Model 2.0, OB 3.0.3 context)."""
    subject: dict[str, Any] = {
        "id": subject_id,
        "type": ["AchievementSubject"],
        "identifier": [ob3_identifier(recipient)],
        "achievement": dict(achievement),
    }
    if recipient_name:
        subject["name"] = recipient_name
    if results:
        subject["result"] = [{"type": ["Result"], **r} for r in results]
    credential: dict[str, Any] = {
        "@context": list(OB3_CONTEXTS),
        "id": credential_url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": achievement["name"],
        "issuer": ob3_profile(issuer),
        "validFrom": iso(valid_from),
        "credentialSubject": subject,
        "credentialStatus": dict(status),
        "credentialSchema": [dict(OB3_SCHEMA)],
    }
    if valid_until is not None:
        credential["validUntil"] = iso(valid_until)
    if evidence:
        credential["evidence"] = [{"type": ["Evidence"], **e} for e in evidence]
    return credential


def bitstring_entry(list_url: str, index: int, purpose: str) -> dict[str, Any]:
    """A BitstringStatusListEntry pointing at one slot of a published list."""
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def ob2_assertion(
    *,
    assertion_url: str,
    badge_url: str,
    recipient: Mapping[str, Any],
    issued_on: datetime,
    expires: datetime | None,
    verification: Mapping[str, Any],
    evidence: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """An OB 2.0 Assertion (hosted or signed, depending on `verification`)."""
    assertion: dict[str, Any] = {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": assertion_url,
        "recipient": {
            "type": OB2_RECIPIENT_TYPES[recipient["type"]],
            "hashed": recipient["hashed"],
            "identity": recipient["identity"],
        },
        "badge": badge_url,
        "issuedOn": iso(issued_on),
        "verification": dict(verification),
    }
    if recipient["hashed"]:
        assertion["recipient"]["salt"] = recipient["salt"]
    if expires is not None:
        assertion["expires"] = iso(expires)
    if evidence:
        assertion["evidence"] = [
            {"id": e["id"], "narrative": e.get("narrative", "")} if "id" in e else dict(e)
            for e in evidence
        ]
    return assertion


def ob2_badge_class(
    *, badge_url: str, issuer_url: str, content: Mapping[str, Any], image: str | None
) -> dict[str, Any]:
    """An achievement version as an OB 2.0 BadgeClass."""
    criteria = content["criteria"]
    badge: dict[str, Any] = {
        "@context": OB2_CONTEXT,
        "type": "BadgeClass",
        "id": badge_url,
        "name": content["name"],
        "description": content["description"],
        "criteria": {k: criteria[k] for k in ("id", "narrative") if criteria.get(k)},
        "issuer": issuer_url,
    }
    if image:
        badge["image"] = image
    if content.get("tag"):
        badge["tags"] = list(content["tag"])
    if content.get("alignment"):
        badge["alignment"] = [
            {k: a[k] for k in OB2_ALIGNMENT_FIELDS if k in a} for a in content["alignment"]
        ]
    return badge


def ob2_issuer(
    *,
    issuer_url: str,
    issuer: Mapping[str, Any],
    key_urls: list[str],
    revocation_list: str | None = None,
) -> dict[str, Any]:
    """An issuer as an OB 2.0 Issuer Profile, listing its CryptographicKeys."""
    profile: dict[str, Any] = {
        "@context": OB2_CONTEXT,
        "type": "Issuer",
        "id": issuer_url,
        "name": issuer["name"],
        "url": issuer["url"],
        "email": issuer["email"],
        "publicKey": key_urls,
    }
    if revocation_list:
        profile["revocationList"] = revocation_list
    if issuer.get("description"):
        profile["description"] = issuer["description"]
    if issuer.get("image"):
        profile["image"] = issuer["image"]
    return profile


def ob2_key(*, key_url: str, owner_url: str, public_key_pem: str) -> dict[str, Any]:
    """An OB 2.0 CryptographicKey."""
    return {
        "@context": OB2_CONTEXT,
        "type": "CryptographicKey",
        "id": key_url,
        "owner": owner_url,
        "publicKeyPem": public_key_pem,
    }


def ob2_revoked_assertion(assertion: Mapping[str, Any], reason: str) -> dict[str, Any]:
    """A hosted assertion once revoked: stripped to what OB 2.0 requires, without the recipient.

    `badge` and `verification` stay so verifiers can still check where it is hosted.
    """
    revoked: dict[str, Any] = {
        k: assertion[k] for k in ("@context", "type", "id", "badge", "verification")
    }
    revoked["revoked"] = True
    if reason:
        revoked["revocationReason"] = reason
    return revoked


def ob2_revocation_list(
    *, list_url: str, issuer_url: str, revoked: Sequence[tuple[str, str]]
) -> dict[str, Any]:
    """An OB 2.0 RevocationList: (assertion URL, reason) of each revoked assertion."""
    return {
        "@context": OB2_CONTEXT,
        "type": "RevocationList",
        "id": list_url,
        "issuer": issuer_url,
        "revokedAssertions": [
            {"id": url, "revocationReason": reason} if reason else {"id": url}
            for url, reason in revoked
        ],
    }
