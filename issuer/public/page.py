"""What the public credential page shows: the verification in plain words, and share links."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from flask_babel import format_date, gettext, lazy_gettext

from issuer.issuance.models import Credential
from issuer.public.resolver import verify_here
from verifier.report import Report

# What each check means to a person reading the page.
TITLES = {
    "format": lazy_gettext("Readable credential"),
    "schema": lazy_gettext("Well-formed Open Badge"),
    "proof": lazy_gettext("Not altered since it was issued"),
    "issuer": lazy_gettext("Signed by the issuer's own key"),
    "identity": lazy_gettext("Issuer's identity confirmed"),
    "status": lazy_gettext("Not revoked or suspended"),
    "validity": lazy_gettext("Within its validity period"),
    "endorsements": lazy_gettext("Endorsements"),
}
# One headline per state: a whole sentence each, as other languages agree words with the state.
HEADLINES = {
    "verified": lazy_gettext("Verified credential"),
    "revoked": lazy_gettext("This credential has been revoked"),
    "suspended": lazy_gettext("This credential has been suspended"),
    "expired": lazy_gettext("This credential has expired"),
    "unverified": lazy_gettext("This credential could not be verified"),
    "unknown": lazy_gettext("Authentic; revocation could not be checked"),
    "unconfirmed": lazy_gettext("Signature valid, issuer not confirmed"),
}


@dataclass(frozen=True)
class Verdict:
    """The one-glance answer at the top of the page."""

    state: str  # verified | revoked | suspended | expired | unverified | unknown | unconfirmed
    headline: str
    detail: str

    @classmethod
    def of(cls, state: str, detail: str) -> Verdict:
        """The verdict for `state`, its headline in the request's language."""
        return cls(state, str(HEADLINES[state]), detail)


def check_credential(credential: Credential, *, now: datetime) -> Report:
    """Verify the stored credential exactly as an outside verifier would."""
    return verify_here(credential.ob3_json.encode(), now=now)


def verdict(report: Report, *, recorded: str = "active", reason: str | None = None) -> Verdict:
    """Summarise a report without ever claiming more than it says.

    `recorded` is the issuer's own record (active, suspended, revoked), which names the state
    exactly where a status list can only say its bit is set.
    """
    checks = {c.id: c for c in report.checks}
    status, validity = checks.get("status"), checks.get("validity")
    if recorded in ("revoked", "suspended"):
        if reason:
            return Verdict.of(
                recorded, gettext("Reason given by the issuer: %(reason)s", reason=reason)
            )
        return Verdict.of(recorded, gettext("No reason was given."))
    if status is not None and status.outcome == "failed":
        state = "suspended" if "uspended" in status.message else "revoked"
        return Verdict.of(state, status.message)
    if validity is not None and validity.outcome == "failed" and "xpired" in validity.message:
        return Verdict.of("expired", validity.message)
    if not report.verified:
        failed = next((c for c in report.checks if c.outcome in ("failed", "unknown")), None)
        return Verdict.of(
            "unverified", failed.message if failed else gettext("A check did not pass.")
        )
    if not identity_known(report):  # the signature stands; who signed is only a claim
        return Verdict.of(
            "unconfirmed",
            gettext(
                "It has not been altered since it was signed, but nothing confirms who signed "
                "it: the issuer's name is what the credential says about itself."
            ),
        )
    if status is not None and status.outcome == "unknown":
        return Verdict.of("unknown", status.message)
    return Verdict.of("verified", gettext("Issued, signed and not revoked."))


def identity_known(report: Report) -> bool:
    """Whether this deployment or a trust list confirms the issuer (the identity check)."""
    identity = report.check("identity")
    return identity is not None and identity.outcome == "passed"


def month_year(moment: str | None) -> tuple[int, int] | None:
    if not moment:
        return None
    return int(moment[:4]), int(moment[5:7])


def linkedin_links(document: Mapping[str, Any], credential: Credential) -> dict[str, str]:
    """LinkedIn's add-to-profile (certification) and share URLs, prefilled."""
    url = document["id"]
    params: dict[str, str] = {
        "startTask": "CERTIFICATION_NAME",
        "name": document.get("name") or document["credentialSubject"]["achievement"]["name"],
        "organizationName": document["issuer"].get("name", ""),
        "certUrl": url,
        "certId": str(credential.id),
    }
    issued = month_year(document.get("validFrom"))
    if issued:
        params |= {"issueYear": str(issued[0]), "issueMonth": str(issued[1])}
    expires = month_year(document.get("validUntil"))
    if expires:
        params |= {"expirationYear": str(expires[0]), "expirationMonth": str(expires[1])}
    return {
        "add": "https://www.linkedin.com/profile/add?" + urlencode(params),
        "share": "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url}),
    }


def human_date(moment: str | None) -> str | None:
    """'2 March 2026' (or '2 mars 2026') from an XML Schema dateTime, as the issuer wrote it."""
    if not moment:
        return None
    return str(format_date(date.fromisoformat(moment[:10]), "d MMMM y"))


def context(credential: Credential, report: Report) -> dict[str, Any]:
    """Everything the template needs."""
    document = json.loads(credential.ob3_json)
    subject = document["credentialSubject"]
    return {
        "credential": credential,
        "document": document,
        "achievement": subject["achievement"],
        "recipient_name": subject.get("name", ""),
        "issuer": document["issuer"],
        "issuer_known": identity_known(report),
        "verdict": verdict(report, recorded=credential.status, reason=credential.status_reason),
        "checks": [(TITLES.get(c.id, c.id), c) for c in report.checks],
        "issued": human_date(document.get("validFrom")),
        "expires": human_date(document.get("validUntil")),
        "evidence": document.get("evidence", []),
        "linkedin": linkedin_links(document, credential),
    }
