"""The public pages in headless Chromium (Debian's package), checked by axe-core.

``make browser-deps`` installs Chromium (as root) and the axe-core pinned by package-lock.json
into the git-ignored node_modules. The fixtures do the same for whatever is still missing, and
skip, saying why, only where Chromium cannot be installed or Node.js is absent. Playwright
drives the system Chromium: ``playwright install`` and its downloaded browsers are never used.
"""

from __future__ import annotations

import os
import shutil
import subprocess

from tests.paths import ROOT

CHROMIUM = "/usr/bin/chromium"
NODE_DIR = ROOT / "tests" / "browser"
AXE = NODE_DIR / "node_modules" / "axe-core" / "axe.min.js"
NPM_CI = ("npm", "ci", "--prefix", str(NODE_DIR), "--no-audit", "--no-fund", "--ignore-scripts")
# npm ci writes this copy of the lock file last; older than the lock means a stale install.
INSTALLED = NODE_DIR / "node_modules" / ".package-lock.json"
APT_INSTALL = ("apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium")
APT_TIMEOUT = 900  # seconds: Chromium and its libraries are a few hundred MB


class BrowserSetupError(Exception):
    """npm could not install the pinned axe-core."""


def missing_chromium() -> str | None:
    """Install Debian's chromium if it is absent and we may; return why it cannot run, or None."""
    if os.path.exists(CHROMIUM):
        return None
    if shutil.which("apt-get") is None:
        return f"chromium not installed: {CHROMIUM} is absent and there is no apt-get here"
    if os.geteuid() != 0:
        return (
            f"chromium not installed: {CHROMIUM} is absent and apt-get is unavailable (not root);"
            " run `make browser-deps` as root"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    done = _run(APT_INSTALL, env)
    if done.returncode != 0:  # a fresh machine may have no package lists yet
        _run(("apt-get", "update", "-qq"), env)
        done = _run(APT_INSTALL, env)
    if done.returncode != 0 or not os.path.exists(CHROMIUM):
        return f"chromium not installed: `{' '.join(APT_INSTALL)}` failed:\n{done.stderr[-2000:]}"
    return None


def _run(command: tuple[str, ...], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=APT_TIMEOUT, check=False
    )


def missing_node() -> str | None:
    """Return why axe-core cannot be installed here (no node or npm), or None when it can."""
    absent = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if not absent:
        return None
    return f"{' and '.join(absent)} not on PATH: the browser tests need npm to install axe-core"


def install_axe() -> None:
    """Run ``npm ci`` unless the pinned axe-core is already installed from this lock file.

    Raises:
        BrowserSetupError: npm failed (for example, the registry is unreachable).
    """
    lock = NODE_DIR / "package-lock.json"
    if INSTALLED.exists() and INSTALLED.stat().st_mtime >= lock.stat().st_mtime and AXE.exists():
        return
    done = subprocess.run(NPM_CI, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        raise BrowserSetupError(
            f"`{' '.join(NPM_CI)}` exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
        )
