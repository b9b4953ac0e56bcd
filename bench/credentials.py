"""Print how fast credentials are signed and verified, beside the targets of issue #4.

Run: ``make bench`` or ``.venv/bin/python bench/credentials.py``. The process is pinned to
one core; every figure is the median and 90th percentile of many runs after a warm-up, in
milliseconds (``time.perf_counter_ns``), printed beside its target, its floor (the bare
cryptography it cannot avoid) and, for eddsa-rdfc-2022, Digital Bazaar's Node libraries
timed in the same run (``tests/interop/node/bench.mjs``). The credential is a typical one
built as the issuer builds it (``issuer/issuance/documents.py``). Under a minute in all.
"""

from __future__ import annotations

import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from issuer.issuance import documents  # noqa: E402
from verifier.canon import canonicalize  # noqa: E402
from verifier.jsonld import to_nquads  # noqa: E402
from verifier.proofs import data_integrity  # noqa: E402
from verifier.proofs.batch import CredentialTemplate, placeholder, sign_many  # noqa: E402
from verifier.proofs.eddsa_rdfc_2022 import SUITE  # noqa: E402
from verifier.proofs.vc_jwt import sign_vc_jwt, verify_vc_jwt  # noqa: E402
from verifier.resolver import Offline  # noqa: E402

NODE = ROOT / "tests" / "interop" / "node"
SEED = bytes(range(32))  # bench.mjs derives the same Ed25519 key from this seed
KEY = Ed25519PrivateKey.from_private_bytes(SEED)
BUDGET_NS = 1_500_000_000  # per measurement
BATCH = 4000  # credentials signed in the batch measurement, at most
ISSUER = {
    "did": "did:web:badges.example.edu:issuers:7",
    "name": "Example University",
    "url": "https://badges.example.edu",
    "email": "registrar@example.edu",
    "description": "The university's open badges.",
    "image": "https://badges.example.edu/images/1",
}
CONTENT = {
    "name": "Systems Programming in Rust",
    "description": "Wrote, tested and profiled a concurrent program in Rust.",
    "criteria": {"narrative": "Pass the final project with at least 80 %."},
    "achievementType": "Certificate",
    "tag": ["rust", "systems", "concurrency"],
    "inLanguage": "en",
    "humanCode": "CS-341",
    "fieldOfStudy": "Computer Science",
    "image": "https://badges.example.edu/images/2",
    "alignment": [{"targetName": "ESCO: Rust", "targetUrl": "https://esco.example/skill/1"}],
}
NAMES = "credential_id subject_id identity_hash salt name valid_from valid_until status_id"


@dataclass(frozen=True)
class Timing:
    """Median and 90th percentile of one measurement, in milliseconds."""

    median: float
    p90: float
    runs: int


def measure(run: Callable[[], object], *, warmup: int = 30, limit: int = 20_000) -> Timing:
    """Time ``run`` after a warm-up, as often as the budget allows."""
    for _ in range(warmup):
        run()
    times: list[int] = []
    deadline = time.perf_counter_ns() + BUDGET_NS
    while len(times) < 20 or (len(times) < limit and time.perf_counter_ns() < deadline):
        start = time.perf_counter_ns()
        run()
        times.append(time.perf_counter_ns() - start)
    deciles = statistics.quantiles(times, n=10)
    return Timing(statistics.median(times) / 1e6, deciles[-1] / 1e6, len(times))


def credential(values: dict[str, str]) -> dict[str, Any]:
    """Build a typical OB 3.0 credential as the issuer does, with these varying values."""
    document = documents.ob3_credential(
        credential_url=values["credential_id"],
        issuer=ISSUER,
        achievement=documents.ob3_achievement(
            "https://badges.example.edu/achievements/3", 2, CONTENT, ISSUER
        ),
        subject_id=values["subject_id"],
        recipient={
            "type": "email",
            "hashed": True,
            "identity": values["identity_hash"],
            "salt": values["salt"],
        },
        valid_from=datetime(2025, 1, 1, tzinfo=UTC),
        valid_until=datetime(2030, 1, 1, tzinfo=UTC),
        status=documents.bitstring_entry("https://badges.example.edu/status/1", 0, "revocation"),
        evidence=[{"narrative": "Final project: a lock-free queue.", "name": "Project"}],
        recipient_name=values["name"],
    )
    document["validFrom"], document["validUntil"] = values["valid_from"], values["valid_until"]
    document["credentialStatus"]["id"] = values["status_id"]
    document["credentialStatus"]["statusListIndex"] = values["status_index"]
    return document


def recipients(count: int) -> Iterator[dict[str, str]]:
    """Yield the varying values of ``count`` different credentials."""
    for index in range(count):
        salt = uuid.uuid4().hex
        yield {
            "credential_id": f"https://badges.example.edu/c/{uuid.uuid4()}",
            "subject_id": f"urn:uuid:{uuid.uuid4()}",
            "identity_hash": documents.hash_identity(f"learner{index}@example.org", salt),
            "salt": salt,
            "name": f"Léa “{index}” Ørsted",
            "valid_from": "2025-01-01T00:00:00Z",
            "valid_until": "2030-01-01T00:00:00Z",
            "status_id": f"https://badges.example.edu/status/1#{index}",
            "status_index": str(index),
        }


def batch_rows(template: CredentialTemplate, sample: dict[str, str]) -> dict[str, Timing]:
    """Time batch signing per credential, and each of its steps alone."""
    signing = {"suite": SUITE, "private_key": KEY, "created": "2025-01-01T00:00:00Z"}
    method = f"{ISSUER['did']}#key-1"
    values = list(recipients(BATCH + 40))  # made beforehand: only signing is timed
    batch = sign_many(template, values, verification_method=method, **signing)
    nquads = template.nquads(sample)
    canonical = canonicalize(nquads).encode()
    config = hashlib.sha256(canonical).digest()
    return {
        "batch sign, template path, per credential": measure(lambda: next(batch), limit=BATCH),
        "  substitute the values into the N-Quads": measure(lambda: template.nquads(sample)),
        "  RDFC-1.0 of those N-Quads": measure(lambda: canonicalize(nquads)),
        "  SHA-256 + Ed25519 + proofValue": measure(
            lambda: data_integrity.encode_proof_value(
                KEY.sign(config + hashlib.sha256(canonical).digest())
            )
        ),
        "  the signed JSON document": measure(lambda: template.document(sample)),
    }


def jwt_rows(document: dict[str, Any]) -> dict[str, tuple[Timing, Timing]]:
    """Time VC-JWT signing and verifying, each beside the bare signature or verification."""
    es256, pkcs1 = ec.ECDSA(hashes.SHA256()), (padding.PKCS1v15(), hashes.SHA256())
    algorithms: dict[str, tuple[Any, Callable[..., Any], Callable[..., Any]]] = {
        "ES256": (
            ec.generate_private_key(ec.SECP256R1()),
            lambda key, data: key.sign(data, es256),
            lambda public, signature, data: public.verify(signature, data, es256),
        ),
        "RS256": (
            rsa.generate_private_key(public_exponent=65537, key_size=2048),
            lambda key, data: key.sign(data, *pkcs1),
            lambda public, signature, data: public.verify(signature, data, *pkcs1),
        ),
        "EdDSA": (
            KEY,
            lambda key, data: key.sign(data),
            lambda public, signature, data: public.verify(signature, data),
        ),
    }
    rows = {}
    for name, (key, sign, verify) in algorithms.items():
        token = sign_vc_jwt(document, private_key=key)
        data = token.rsplit(".", 1)[0].encode()
        signature, public = sign(key, data), key.public_key()
        rows[f"VC-JWT {name} sign"] = (
            measure(lambda k=key: sign_vc_jwt(document, private_key=k)),
            measure(lambda k=key, s=sign, d=data: s(k, d)),
        )
        rows[f"VC-JWT {name} verify"] = (
            measure(lambda t=token: verify_vc_jwt(t, resolver=Offline())),
            measure(lambda p=public, s=signature, v=verify, d=data: v(p, s, d)),
        )
    return rows


def node_reference(document: dict[str, Any]) -> dict[str, Any] | str:
    """Run Digital Bazaar's sign and verify in Node on the same core, or say why not."""
    script = NODE / "bench.mjs"
    if not (script.exists() and (NODE / "node_modules").exists()):
        return "not available (run `make interop-deps`)"
    request = {"credential": document, "seed": SEED.hex(), "warmup": 20, "runs": 100}
    try:
        done = subprocess.run(
            ["node", str(script)],
            input=json.dumps(request),
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        result: dict[str, Any] = json.loads(done.stdout)
    except (OSError, subprocess.SubprocessError, ValueError) as error:
        return f"not available ({type(error).__name__}: {error})"
    return result


Row = tuple[str, Timing, str, Timing | None, str]  # name, timing, target, floor, Node


def main() -> None:
    """Measure everything on one core and print one table."""
    cpu = max(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})  # Node, started below, inherits it
    names = [*NAMES.split(), "status_index"]
    template = CredentialTemplate.compile(credential({n: placeholder(n) for n in names}))
    sample = next(recipients(1))
    document = credential(sample)
    signing = {"suite": SUITE, "private_key": KEY, "created": "2025-01-01T00:00:00Z"}
    method = f"{ISSUER['did']}#key-1"
    signed = data_integrity.create_proof(document, verification_method=method, **signing)
    (batched,) = sign_many(template, [sample], verification_method=method, **signing)
    assert batched == signed, "the template path must sign exactly what create_proof signs"
    canonical = canonicalize(to_nquads(document)).encode()
    public_key = KEY.public_key()
    data = hashlib.sha256(canonical).digest() * 2
    signature = KEY.sign(data)
    floor_sign = measure(lambda: KEY.sign(hashlib.sha256(canonical).digest() * 2))
    floor_verify = measure(
        lambda: public_key.verify(signature, hashlib.sha256(canonical).digest() * 2)
    )
    node = node_reference(document)
    node_sign, node_verify = (
        (f"{node['sign_ms']:.2f}", f"{node['verify_ms']:.2f}")
        if isinstance(node, dict)
        else ("-", "-")
    )
    rows: list[Row] = []
    for name, timing in batch_rows(template, sample).items():
        if name.startswith(" "):  # one step of the batch, alone
            rows.append((name, timing, "", None, ""))
        else:
            rows.append((name, timing, "≤ 1", floor_sign, node_sign))
    one_off_sign = measure(
        lambda: data_integrity.create_proof(document, verification_method=method, **signing)
    )
    one_off_verify = measure(
        lambda: data_integrity.verify_proof(signed, signed["proof"], public_key=public_key)
    )
    rows.append(("one-off sign, eddsa-rdfc-2022", one_off_sign, "≤ 5", floor_sign, node_sign))
    rows.append(
        ("one-off verify, eddsa-rdfc-2022", one_off_verify, "≤ 5", floor_verify, node_verify)
    )
    targets = {"ES256 sign": "≤ 0.3", "ES256 verify": "≤ 0.6", "RS256 sign": "≈ 1 (RSA)"}
    for name, (timing, floor) in jwt_rows(document).items():
        rows.append((name, timing, targets.get(name.removeprefix("VC-JWT "), ""), floor, ""))
    print_table(rows, cpu=cpu, quads=canonical.count(b"\n"), node=node)


def print_table(
    rows: list[Row],
    *,
    cpu: int,
    quads: int,
    node: dict[str, Any] | str,
) -> None:
    """Print the rows beside their targets, floors and the Node reference."""
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"one typical OB 3.0 credential, {quads} quads; pinned to cpu {cpu}; load {load}")
    width = max(len(row[0]) for row in rows)
    header = ("ms", "median", "p90", "per s", "target", "floor", "Node")
    print(f"{header[0]:<{width}}  " + "".join(f"{cell:>10}" for cell in header[1:]))
    for name, timing, target, floor, reference in rows:
        cells = (
            f"{timing.median:.3f}",
            f"{timing.p90:.3f}",
            f"{1000 / timing.median:,.0f}" if target else "",
            target,
            f"{floor.median:.3f}" if floor else "",
            reference,
        )
        print(f"{name:<{width}}  " + "".join(f"{cell:>10}" for cell in cells))
    print(
        "floor: 2 x SHA-256 + Ed25519 sign (verify) of the canonical credential for"
        " eddsa-rdfc-2022, the bare signature (verification) for VC-JWT"
    )
    if isinstance(node, dict):
        packages = ", ".join(f"{name} {version}" for name, version in node["packages"].items())
        print(
            f"Node reference: {node['node']}, {packages}; median of {node['runs']} runs"
            " (one-off sign, also beside the batch: Digital Bazaar signs one at a time)"
        )
    else:
        print(f"Node reference: {node}")


if __name__ == "__main__":
    main()
