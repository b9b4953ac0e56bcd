"""Reading credentials out of JSON, JWT, PNG, SVG and PDF bytes into one Envelope."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Container = Literal["json", "jwt", "png", "svg", "pdf"]


@dataclass(frozen=True)
class Envelope:
    """A credential as found: the container it came in, and its JSON or compact JWS.

    `document` is the credential's JSON (for a JWT, its decoded payload's credential);
    `jws` is the compact JWS when the credential is signed as a JWT (VC-JWT, OB 2.0 signed);
    `url` is where an OB 2.0 hosted assertion says it lives (to fetch and compare).
    """

    container: Container
    document: Mapping[str, Any]
    jws: str | None = None
    url: str | None = None


# The data model a credential is read by, decided once (by the pipeline) and passed to the
# checks: "ob2" for an Open Badges 2.0 assertion, "vc" for a Verifiable Credential.
Kind = Literal["ob2", "vc"]
OB2_CONTEXTS = ("https://w3id.org/openbadges/v2", "https://openbadgespec.org/v2/context.json")


def is_ob2(document: Mapping[str, Any]) -> bool:
    """Tell whether a document is Open Badges 2.0: its @context names the OB 2.0 context."""
    context = document.get("@context")
    contexts = context if isinstance(context, list) else [context]
    return any(isinstance(c, str) and c in OB2_CONTEXTS for c in contexts)
