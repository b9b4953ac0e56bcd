"""Interop with independent implementations: Node scripts under node/, run with JSON on stdin.

The npm packages are pinned by node/package-lock.json and installed into the git-ignored
node/node_modules by ``install_node_packages`` (``make interop-deps`` runs the same command).
bench/ uses ``run_node`` too, to time Digital Bazaar's signer beside ours.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

from tests.paths import ROOT

NODE_DIR = ROOT / "tests" / "interop" / "node"
NPM_CI = ("npm", "ci", "--prefix", str(NODE_DIR), "--no-audit", "--no-fund", "--ignore-scripts")
# npm ci writes this copy of the lock file last; older than the lock means a stale install.
INSTALLED = NODE_DIR / "node_modules" / ".package-lock.json"
NODE_TIMEOUT = 120  # seconds for one script over a whole batch


class NodeError(Exception):
    """npm could not install the pinned packages, or a Node script failed."""


def missing_node() -> str | None:
    """Return why the Node interop cannot run here (no node or npm), or None when it can."""
    absent = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if not absent:
        return None
    return (
        f"{' and '.join(absent)} not on PATH: the interop tests against Digital Bazaar vc"
        " and jose need Node.js 20+ with npm"
    )


def install_node_packages() -> None:
    """Run ``npm ci`` unless the pinned packages are already installed from this lock file.

    Raises:
        NodeError: npm failed (for example, the registry is unreachable); carries its output.
    """
    lock = NODE_DIR / "package-lock.json"
    if INSTALLED.exists() and INSTALLED.stat().st_mtime >= lock.stat().st_mtime:
        return
    done = subprocess.run(NPM_CI, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        raise NodeError(
            f"`{' '.join(NPM_CI)}` exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
        )


def run_node(script: str, payload: Any) -> Any:
    """Run ``node/<script>`` with ``payload`` as JSON on stdin; return its JSON answer.

    Raises:
        NodeError: The script exited non-zero or printed something other than JSON.
    """
    done = subprocess.run(
        ("node", str(NODE_DIR / script)),
        input=json.dumps(payload, ensure_ascii=False),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=NODE_TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        raise NodeError(f"node {script} exited {done.returncode}:\n{done.stderr}")
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError:
        raise NodeError(f"node {script} printed no JSON:\n{done.stdout}\n{done.stderr}") from None
