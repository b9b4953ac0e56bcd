"""What the public credential page shows: the verification in plain words, and share links."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from flask import Flask, current_app

from issuer.issuance.models import Credential
from issuer.public.resolver import LocalResolver
from verifier.pipeline import verify
from verifier.report import Report

# What each check means to a person reading the page.
TITLES = {
    "format": "Readable credential",
    "schema": "Well-formed Open Badge",
    "proof": "Not altered since it was issued",
    "issuer": "Signed by the issuer's own key",
    "status": "Not revoked or suspended",
    "validity": "Within its validity period",
    "endorsements": "Endorsements",
}
MONTHS = "January February March April May June July August September October November December"


@dataclass(frozen=True)
class Verdict:
    """The one-glance answer at the top of the page."""

    state: str  # verified | revoked | suspended | expired | unverified | unknown
    headline: str
    detail: str


def check_credential(credential: Credential, *, now: datetime) -> Report:
    """Verify the stored credential exactly as an outside verifier would."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    resolver = LocalResolver(app, fallback=app.extensions["resolver"])
    return verify(credential.ob3_json.encode(), resolver=resolver, now=now)


def verdict(report: Report, *, recorded: str = "active", reason: str | None = None) -> Verdict:
    """Summarise a report without ever claiming more than it says.

    `recorded` is the issuer's own record (active, suspended, revoked), which names the state
    exactly where a status list can only say its bit is set.
    """
    checks = {c.id: c for c in report.checks}
    status, validity = checks.get("status"), checks.get("validity")
    if recorded in ("revoked", "suspended"):
        detail = f"Reason given by the issuer: {reason}" if reason else "No reason was given."
        return Verdict(recorded, f"This credential has been {recorded}", detail)
    if status is not None and status.outcome == "failed":
        state = "suspended" if "uspended" in status.message else "revoked"
        return Verdict(state, f"This credential has been {state}", status.message)
    if validity is not None and validity.outcome == "failed" and "xpired" in validity.message:
        return Verdict("expired", "This credential has expired", validity.message)
    if not report.verified:
        failed = next((c for c in report.checks if c.outcome in ("failed", "unknown")), None)
        detail = failed.message if failed else "A check did not pass."
        return Verdict("unverified", "This credential could not be verified", detail)
    if status is not None and status.outcome == "unknown":
        return Verdict("unknown", "Authentic; revocation could not be checked", status.message)
    return Verdict("verified", "Verified credential", "Issued, signed and not revoked.")


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
    """'2 March 2026' from an XML Schema dateTime."""
    if not moment:
        return None
    return f"{int(moment[8:10])} {MONTHS.split()[int(moment[5:7]) - 1]} {moment[:4]}"


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
        "verdict": verdict(report, recorded=credential.status, reason=credential.status_reason),
        "checks": [(TITLES.get(c.id, c.id), c) for c in report.checks],
        "issued": human_date(document.get("validFrom")),
        "expires": human_date(document.get("validUntil")),
        "evidence": document.get("evidence", []),
        "linkedin": linkedin_links(document, credential),
    }
