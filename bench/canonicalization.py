"""Print how long JSON-LD canonicalization and eddsa-rdfc-2022 sign/verify take, step by step.

Run: ``.venv/bin/python bench/canonicalization.py``. Medians of many runs, in milliseconds,
for a typical OB 3.0 credential (the spec's basic example filled out from its full one,
signed: about 64 quads) and for the spec's full example (about 360 quads). pyoxigraph and
rdflib are measured when installed; they are not dependencies.
"""

from __future__ import annotations

import copy
import hashlib
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pyld import jsonld
from pyld.canon import URDNA2015
from pyld.nquads import parse_nquads

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.paths import CONFORMANCE  # noqa: E402
from verifier import jsonld as safe  # noqa: E402
from verifier.canon import canonicalize  # noqa: E402
from verifier.loader import offline_loader  # noqa: E402
from verifier.proofs.eddsa_rdfc_2022 import SUITE  # noqa: E402

EXAMPLES = CONFORMANCE / "vectors" / "ob3-spec-examples"
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
METHOD = "https://example.com/issuers/876543#key-1"
BUDGET_SECONDS = 1.0  # per measurement and credential; the whole script stays under a minute


def typical_credential() -> dict[str, Any]:
    """Return the basic OB 3.0 example filled out with common fields of the full example."""
    full = json.loads((EXAMPLES / "fullOpenBadge.json").read_text())
    credential: dict[str, Any] = json.loads(
        (EXAMPLES / "basicOpenBadgeCredential.json").read_text()
    )
    creator = full["credentialSubject"]["achievement"]["creator"]
    achievement = credential["credentialSubject"]["achievement"]
    source = full["credentialSubject"]["achievement"]
    credential.update(description=full["description"], image=full["image"])
    credential["validUntil"] = "2030-01-01T00:00:00Z"
    credential["evidence"] = full["evidence"]
    credential["issuer"].update({k: creator[k] for k in ("url", "email", "description", "image")})
    for key in ("achievementType", "image", "tag", "fieldOfStudy", "humanCode"):
        achievement[key] = source[key]
    achievement["alignment"] = source["alignment"][:1]
    return credential


def median_ms(run: Callable[[], object]) -> float:
    """Return the median wall time of ``run`` in ms, over as many runs as the budget allows."""
    run()
    times: list[float] = []
    deadline = time.perf_counter() + BUDGET_SECONDS
    while len(times) < 5 or (time.perf_counter() < deadline and len(times) < 2000):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def pyoxigraph_canonicalizer() -> Callable[[str], str] | None:
    """Return pyoxigraph's RDFC-1.0 on N-Quads, or None when it is not installed."""
    try:
        import pyoxigraph as ox
    except ImportError:
        return None

    def run(nquads: str) -> str:
        dataset = ox.Dataset(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        return "".join(sorted(f"{quad} .\n" for quad in dataset))

    return run


def rdflib_canonicalizer() -> Callable[[str], str] | None:
    """Return rdflib's own canonical graph (not RDFC-1.0 output), or None if not installed."""
    try:
        from rdflib import Dataset, Graph
        from rdflib.compare import to_canonical_graph
    except ImportError:
        return None

    def run(nquads: str) -> str:  # rdflib canonicalizes graphs: merge the named ones in
        graph = Graph()
        for subject, predicate, obj, _ in Dataset().parse(data=nquads, format="nquads").quads():
            graph.add((subject, predicate, obj))
        return str(to_canonical_graph(graph).serialize(format="nt"))

    return run


def measure(document: dict[str, Any]) -> dict[str, float | str]:
    """Return the median of every step for one unsigned credential."""
    signed = SUITE.create_proof(document, private_key=KEY, verification_method=METHOD, created=None)
    proof = signed["proof"]
    public_key = KEY.public_key()
    options = {"documentLoader": offline_loader}
    rdf_options = {**options, "format": "application/n-quads", "rdfDirection": "i18n-datatype"}
    nquads = safe.to_nquads(document)
    canonical = canonicalize(nquads)
    rows: dict[str, float | str] = {
        "quads (signed document)": str(safe.to_nquads(signed).count("\n")),
        "pyld expand": median_ms(lambda: jsonld.expand(document, options)),
        "pyld expand, safe mode + context memo (ours)": median_ms(
            lambda: safe.expand_safely(document)
        ),
        "pyld toRDF": median_ms(lambda: jsonld.to_rdf(document, rdf_options)),
        "to_nquads: safe expand + node map (ours)": median_ms(lambda: safe.to_nquads(document)),
        "pyld normalize URDNA2015, JSON-LD in": median_ms(
            lambda: jsonld.normalize(document, {**rdf_options, "algorithm": "URDNA2015"})
        ),
        "pyld URDNA2015 on N-Quads": median_ms(
            lambda: URDNA2015().main(parse_nquads(nquads), {"format": "application/n-quads"})
        ),
        "RDFC-1.0 on N-Quads (ours)": median_ms(lambda: canonicalize(nquads)),
    }
    for name, canonicalizer in (
        ("pyoxigraph RDFC-1.0 on N-Quads", pyoxigraph_canonicalizer()),
        ("rdflib to_canonical_graph (not RDFC-1.0)", rdflib_canonicalizer()),
    ):
        rows[name] = (
            "not installed"
            if canonicalizer is None
            else median_ms(
                lambda c=canonicalizer: c(nquads)  # type: ignore[misc]
            )
        )

    def cold_sign() -> object:
        safe._PINNED_MEMO.clear()
        return SUITE.create_proof(
            document, private_key=KEY, verification_method=METHOD, created=None
        )

    rows["sign, eddsa-rdfc-2022, context memo cleared"] = median_ms(cold_sign)
    rows["sign, eddsa-rdfc-2022 (ours)"] = median_ms(
        lambda: SUITE.create_proof(
            document, private_key=KEY, verification_method=METHOD, created=None
        )
    )
    rows["verify, eddsa-rdfc-2022 (ours)"] = median_ms(
        lambda: SUITE.verify_proof(signed, proof, public_key=public_key)
    )
    config = canonical.encode()  # the proof configuration is smaller; this bounds it above
    rows["floor: 2 x SHA-256 + Ed25519 sign"] = median_ms(
        lambda: KEY.sign(hashlib.sha256(config).digest() + hashlib.sha256(config).digest())
    )
    return rows


def main() -> None:
    """Measure both credentials and print one table."""
    typical = typical_credential()
    full = json.loads((EXAMPLES / "fullOpenBadge.json").read_text())
    columns = {"typical OB 3.0": measure(copy.deepcopy(typical)), "full OB 3.0": measure(full)}
    names = list(next(iter(columns.values())))
    width = max(map(len, names))
    print(f"{'median, ms':<{width}}  " + "  ".join(f"{c:>14}" for c in columns))
    for name in names:
        cells = []
        for rows in columns.values():
            value = rows[name]
            cells.append(f"{value:>14.3f}" if isinstance(value, float) else f"{value:>14}")
        print(f"{name:<{width}}  " + "  ".join(cells))


if __name__ == "__main__":
    main()
