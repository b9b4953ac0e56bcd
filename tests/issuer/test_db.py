"""issuer/db.py is the bottom of the house: errors may use it, it uses nothing of issuer."""

from __future__ import annotations

import ast
from pathlib import Path

import issuer

PACKAGE = Path(issuer.__file__).parent


def _imports(tree: ast.AST) -> set[str]:
    """Every module imported anywhere in `tree`, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_db_imports_nothing_of_the_issuer() -> None:
    tree = ast.parse((PACKAGE / "db.py").read_text())
    assert not {m for m in _imports(tree) if m.split(".")[0] == "issuer"}


def test_errors_imports_db_at_the_top_only() -> None:
    tree = ast.parse((PACKAGE / "errors.py").read_text())
    top = {n.module for n in tree.body if isinstance(n, ast.ImportFrom)}
    functions = [f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)]
    assert "issuer.db" in top
    assert not any("issuer.db" in _imports(f) for f in functions)
