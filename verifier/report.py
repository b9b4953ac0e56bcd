"""What verification says: named checks with outcomes, gathered in a Report."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Outcome = Literal["passed", "failed", "warning", "unknown", "skipped"]

# Every check, in the order a page shows them; known before any runs.
CHECK_IDS = (
    "format",
    "schema",
    "proof",
    "issuer",
    "identity",
    "status",
    "validity",
    "endorsements",
)


@dataclass(frozen=True)
class Check:
    """One named step: `unknown` means it could not look (never a silent pass)."""

    id: str
    outcome: Outcome
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "outcome": self.outcome, "message": self.message}


@dataclass(frozen=True)
class Report:
    """The result of verifying one credential; `verified` only if nothing failed."""

    format: str
    checks: tuple[Check, ...]
    credential: Mapping[str, Any] | None = None

    @property
    def verified(self) -> bool:
        """True when the proof passed and no check failed (warnings and unknowns are shown)."""
        outcomes = {c.id: c.outcome for c in self.checks}
        return outcomes.get("proof") == "passed" and "failed" not in outcomes.values()

    def check(self, check_id: str) -> Check | None:
        return next((c for c in self.checks if c.id == check_id), None)

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of `certifikation verify --json` and of the HTTP verify APIs."""
        return {
            "verified": self.verified,
            "format": self.format,
            "checks": [c.as_dict() for c in self.checks],
            "credential": dict(self.credential) if self.credential is not None else None,
        }
