"""Where tests find the repository and the shared conformance data."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFORMANCE = Path(
    os.environ.get("CERTIFIKATION_CONFORMANCE_DIR", ROOT.parent / "shared" / "conformance")
)
