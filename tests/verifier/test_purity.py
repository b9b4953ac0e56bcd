"""Tests that the verifier stays a pure library."""

from __future__ import annotations

import subprocess
import sys

from tests.paths import ROOT

CHECK = (
    "import sys, verifier; "
    "leaked = sorted(m for m in ('flask', 'issuer', 'sqlalchemy') if m in sys.modules); "
    "assert not leaked, leaked"
)


def test_importing_verifier_imports_no_flask_issuer_or_database() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
