"""Tests that the verifier stays a pure library: no Flask, issuer or database, no sockets.

Every module of ``verifier/`` is imported (``pkgutil.walk_packages``) in a fresh interpreter.
Sockets belong to ``verifier/http.py`` alone, used only when a caller injects its
``HttpResolver``; ``verifier/cli.py``, the command line, is such a caller. The socket
modules themselves are loaded anyway by dependencies at import time (pyld's document
loaders import ``urllib.request`` and ``ssl``, ``jsonschema_rs`` imports ``email.utils``,
which imports ``socket``; urllib3, under pyld, even binds a socket to ::1 to probe for
IPv6), so the tests prove instead that no verifier module but ``http.py`` imports one, and
that importing every module connects to, sends to or looks up no host.
"""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import verifier
from tests.paths import ROOT

FORBIDDEN = ("flask", "issuer", "sqlalchemy")
SOCKET_MODULES = ("socket", "_socket", "http.client", "urllib.request", "ssl", "_ssl")
# Audit events that reach past this machine's loopback probe: a lookup, a connection, a send.
REACHING_OUT = (
    "socket.connect",
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "socket.gethostbyaddr",
    "socket.sendto",
    "socket.sendmsg",
    "http.client.connect",
)
SOCKET_OWNER = "verifier.http"
RESOLVER_INJECTOR = "verifier.cli"

# Run in a fresh interpreter, so nothing this test session imported counts.
IMPORT_ALL = f"""
import importlib, json, pkgutil, sys
events = []
sys.addaudithook(
    lambda event, args: events.append(event) if event in {REACHING_OUT!r} else None
)
import verifier
names = [m.name for m in pkgutil.walk_packages(verifier.__path__, "verifier.")]
for name in names:
    importlib.import_module(name)
loaded = sorted(
    m for m in sys.modules if any(m == f or m.startswith(f + ".") for f in {FORBIDDEN!r})
)
print(json.dumps({{"modules": names, "loaded": loaded, "socket_events": sorted(set(events))}}))
"""


def _import_every_module() -> dict[str, list[str]]:
    """Import every verifier module in a fresh interpreter; return what it saw."""
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    seen: dict[str, list[str]] = json.loads(result.stdout)
    return seen


def _sources() -> dict[str, Path]:
    """Map every verifier module's name to its source file."""
    found: dict[str, Path] = {}
    for info in pkgutil.walk_packages(verifier.__path__, "verifier."):
        folder = Path(info.module_finder.path)  # type: ignore[union-attr]
        leaf = info.name.rpartition(".")[2]
        found[info.name] = folder / leaf / "__init__.py" if info.ispkg else folder / f"{leaf}.py"
    return found


def _imports(path: Path, module: str) -> set[str]:
    """Return the absolute names a source file imports (``from x import y`` gives x and x.y)."""
    names: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _reaches(imported: set[str], targets: tuple[str, ...]) -> list[str]:
    """Return the imported names that are, or lie inside, one of ``targets``."""
    return sorted(n for n in imported if any(n == t or n.startswith(t + ".") for t in targets))


def test_importing_every_verifier_module_loads_no_flask_issuer_or_database() -> None:
    seen = _import_every_module()
    assert len(seen["modules"]) >= 40, seen["modules"]
    assert {"verifier.pipeline", "verifier.http", "verifier.proofs.ob2_jws"} <= set(seen["modules"])
    assert seen["loaded"] == []


def test_importing_every_verifier_module_reaches_no_host() -> None:
    assert _import_every_module()["socket_events"] == []


def test_only_the_http_resolver_imports_a_socket_module() -> None:
    sources = _sources()
    assert set(sources) == set(_import_every_module()["modules"])
    offenders = {
        name: reached
        for name, path in sources.items()
        if name != SOCKET_OWNER and (reached := _reaches(_imports(path, name), SOCKET_MODULES))
    }
    assert offenders == {}
    # The check can fail: the owner is caught by it.
    assert _reaches(_imports(sources[SOCKET_OWNER], SOCKET_OWNER), SOCKET_MODULES)


def test_only_the_command_line_injects_the_http_resolver() -> None:
    sources = _sources()
    users = {
        name
        for name, path in sources.items()
        if name != SOCKET_OWNER and _reaches(_imports(path, name), (SOCKET_OWNER,))
    }
    assert users == {RESOLVER_INJECTOR}
