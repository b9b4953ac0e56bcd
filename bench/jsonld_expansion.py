"""Print how long the verifier takes on hostile JSON-LD credentials, beside normal ones.

Run: ``.venv/bin/python bench/jsonld_expansion.py``. Each hostile shape is verified from
its bytes through the whole pipeline (``verify``, offline, default ``Limits``) twice: at
about 2 MB, and as large as the default ``ExpansionBudget`` lets it be (the costliest
documents that are still expanded). Beside them, in the same run, a typical OB 3.0
credential and the spec's full example. The goal of issue #10 is every row within 2 s.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from canonicalization import EXAMPLES, typical_credential  # noqa: E402

from verifier.did_key import did_key_from_public_key  # noqa: E402
from verifier.errors import VerifierError  # noqa: E402
from verifier.expansion import DEFAULT_EXPANSION_BUDGET  # noqa: E402
from verifier.pipeline import verify  # noqa: E402
from verifier.proofs.eddsa_rdfc_2022 import SUITE  # noqa: E402

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
DID = did_key_from_public_key(KEY.public_key())
HOSTILE_BYTES = 2 * 1024 * 1024
Shape = Callable[[int], dict[str, Any]]


def _credential() -> dict[str, Any]:
    credential = typical_credential()
    credential["issuer"]["id"] = DID
    return credential


def _signed(credential: dict[str, Any], *, whole: bool = True) -> dict[str, Any]:
    """Sign the credential as it is, so its proof passes, or else carry another's proof.

    Documents the budget refuses, or that safe mode refuses, cannot be signed: they carry
    the proof of the typical credential, which the verifier must still take apart.
    """
    method = f"{DID}#{DID.removeprefix('did:key:')}"
    try:
        if whole:
            return SUITE.create_proof(
                credential, private_key=KEY, verification_method=method, created=None
            )
    except VerifierError:
        pass
    proof = _signed(_credential())["proof"]
    return {**credential, "proof": proof}


def _achievement(**extra: Any) -> dict[str, Any]:
    credential = _credential()
    credential["credentialSubject"]["achievement"].update(extra)
    return credential


def _in_contexts(n: int) -> dict[str, Any]:
    items = [
        {"@context": {f"x{i}": f"urn:x:{i}"}, "type": ["Alignment"], "targetName": "n",
         "targetUrl": "https://example.org/", f"x{i}": i}
        for i in range(n)
    ]  # fmt: skip
    return _achievement(alignment=items)


SHAPES: dict[str, Shape] = {
    "many array items (tags)": lambda n: _achievement(tag=[f"t{i}" for i in range(n)]),
    "one repeated array item": lambda n: _achievement(tag=["same"] * n),
    "many types on one node": lambda n: _achievement(
        type=["Achievement", *(f"urn:type:{i}" for i in range(n))]
    ),
    "many small blank-node objects": lambda n: _achievement(
        alignment=[
            {"type": ["Alignment"], "targetName": f"n{i}", "targetUrl": "https://example.org/"}
            for i in range(n)
        ]
    ),
    "many small objects with ids": lambda n: _achievement(
        alignment=[
            {
                "id": f"urn:a:{i}",
                "type": ["Alignment"],
                "targetName": "n",
                "targetUrl": "https://example.org/",
            }
            for i in range(n)
        ]  # fmt: skip
    ),
    "many language strings": lambda n: _achievement(
        name=[{"@value": f"v{i}", "@language": "en"} for i in range(n)]
    ),
    "many properties (absolute IRIs)": lambda n: _achievement(
        **{f"urn:property:{i}": "v" for i in range(n)}
    ),
    "many undefined properties": lambda n: _achievement(**{f"p{i}": "v" for i in range(n)}),
    "many relative ids": lambda n: _achievement(
        alignment=[{"id": f"r{i}", "type": ["Alignment"]} for i in range(n)]
    ),
    "long @list": lambda n: _achievement(tag={"@list": [f"t{i}" for i in range(n)]}),
    "an inline context per object": _in_contexts,
    "one huge inline context": lambda n: {
        **_credential(),
        "@context": [*_credential()["@context"], {f"x{i}": f"urn:x:{i}" for i in range(n)}],
    },
    "deep nesting (63 levels)": lambda n: _nested(63),
    "one big string": lambda n: {**_credential(), "description": "x" * n * 10},
}


def _nested(depth: int) -> dict[str, Any]:
    """An achievement whose related achievements nest as deep as JSON parsing allows."""
    credential = _credential()
    node = credential["credentialSubject"]["achievement"]
    for _ in range((depth - 3) // 2):  # the achievement is level 3; each related adds 2
        child: dict[str, Any] = {"type": ["Achievement"], "name": "x"}
        node["related"] = [child]
        node = child
    return credential


def _values(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + sum(map(_values, value.values()))
    if isinstance(value, list):
        return 1 + sum(map(_values, value))
    return 1


def _sized(shape: Shape, fits: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    """Return the shape at the largest n (to 1 %, by bisection) for which ``fits`` holds."""
    low, high = 1, 2
    while fits(shape(high)) and high < 10_000_000:
        low, high = high, high * 2
    while high - low > max(1, low // 100):
        middle = (low + high) // 2
        low, high = (middle, high) if fits(shape(middle)) else (low, middle)
    return shape(low)


def _time(document: dict[str, Any]) -> tuple[float, str]:
    data = json.dumps(document).encode()
    start = time.perf_counter()
    report = verify(data)
    elapsed = (time.perf_counter() - start) * 1000
    proof = next(check for check in report.checks if check.id == "proof")
    outcome = "verified" if report.verified else proof.outcome
    if proof.message.startswith("Too complex to verify"):
        outcome = "too complex"
    return elapsed, outcome


def main() -> None:
    """Time the references, then every shape at 2 MB and at the budget's limit."""
    budget = DEFAULT_EXPANSION_BUDGET
    limit = budget.max_values - 300  # room for the proof the document is signed with
    full = json.loads((EXAMPLES / "fullOpenBadge.json").read_text())
    full["issuer"]["id"] = DID
    rows: list[tuple[str, str, dict[str, Any]]] = [
        ("reference: typical OB 3.0 credential", "", _signed(_credential())),
        ("reference: full OB 3.0 example", "", _signed(full)),
    ]
    for name, shape in SHAPES.items():
        big = _sized(shape, lambda d: len(json.dumps(d)) < HOSTILE_BYTES)
        size = "2 MB" if len(json.dumps(big)) > HOSTILE_BYTES // 2 else "largest"
        rows.append((name, size, _signed(big, whole=False)))
        if _values(big) > limit:
            rows.append((name, "at limit", _signed(_sized(shape, lambda d: _values(d) < limit))))
    width = max(len(name) for name, _, _ in rows)
    print(f"Default ExpansionBudget: {budget}")
    header = f"{'verify(), offline':<{width}}  {'size':>8}  {'bytes':>9}  {'values':>7}"
    print(f"{header}  {'outcome':>12}  {'ms':>8}")
    for name, size, document in rows:
        elapsed, outcome = _time(document)
        print(
            f"{name:<{width}}  {size:>8}  {len(json.dumps(document)):>9}"
            f"  {_values(document):>7}  {outcome:>12}  {elapsed:>8.1f}"
        )


if __name__ == "__main__":
    main()
