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
