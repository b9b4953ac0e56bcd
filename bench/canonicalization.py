"""Print how long JSON-LD canonicalization and eddsa-rdfc-2022 sign/verify take, step by step.

Run: ``.venv/bin/python bench/canonicalization.py``. Medians of many runs, in milliseconds,
for a typical OB 3.0 credential (the spec's basic example filled out from its full one,
signed: about 64 quads) and for the spec's full example (about 360 quads). pyoxigraph and
rdflib are measured when installed; they are not dependencies.

Then hostile datasets of 2 MB of N-Quads (``--hostile-only`` prints just these): each shape
with as many blank nodes as the default ``Budget`` allows, beside the full example and 2 MB
with no blank nodes measured in the same run, and JSON-LD to N-Quads of 2,000 tags (the
JSON-LD shapes are in ``bench/jsonld_expansion.py``).
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
from verifier.canon import Budget, canonicalize  # noqa: E402
from verifier.errors import CanonicalizationError  # noqa: E402
from verifier.loader import offline_loader  # noqa: E402
from verifier.proofs.eddsa_rdfc_2022 import SUITE  # noqa: E402

EXAMPLES = CONFORMANCE / "vectors" / "ob3-spec-examples"
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
METHOD = "https://example.com/issuers/876543#key-1"
BUDGET_SECONDS = 1.0  # per measurement and credential; the whole script stays under a minute
HOSTILE_BYTES = 2 * 1024 * 1024
_P = "<urn:example:p>"


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


def _padded(blank: str) -> str:
    """Return ``blank`` followed by IRI-only quads, up to HOSTILE_BYTES in all."""
    line = f'<urn:example:s> {_P} "{"x" * 60}" .\n'
    count = (HOSTILE_BYTES - len(blank.encode())) // (len(line) + 8)
    return blank + "".join(line.replace("s>", f"s{i}>") for i in range(count))


# Each shape at MAX_BLANK blank nodes (the default budget's limit), padded to 2 MB.
MAX_BLANK = Budget().max_blank_nodes
HOSTILE: dict[str, Callable[[int], str]] = {
    "cycle of alike blank nodes": lambda n: "".join(
        f"_:b{i} {_P} _:b{(i + 1) % n} .\n" for i in range(n)
    ),
    "open chain of alike blank nodes": lambda n: "".join(
        f"_:b{i} {_P} _:b{i + 1} .\n" for i in range(n - 1)
    ),
    "two identical stars": lambda n: "".join(
        f"_:h{h} {_P} _:l{h}x{i} .\n" for h in range(2) for i in range(n // 2 - 1)
    ),
    "copies of a 6-clique": lambda n: "".join(
        f"_:c{c}n{i} {_P} _:c{c}n{j} .\n"
        for c in range(n // 6)
        for i in range(6)
        for j in range(6)
        if i != j
    ),
    "pairs pointing at each other": lambda n: "".join(
        f"_:a{i} {_P} _:b{i} .\n_:b{i} {_P} _:a{i} .\n" for i in range(n // 2)
    ),
    "one hub, alike leaves": lambda n: "".join(f"_:h {_P} _:l{i} .\n" for i in range(n - 1)),
}


def hostile() -> None:
    """Time canonicalization of each hostile shape at 2 MB, beside references."""
    full = json.loads((EXAMPLES / "fullOpenBadge.json").read_text())
    reference = safe.to_nquads(full)
    rows = [
        ("reference: full OB 3.0 example", reference),
        ("reference: 2 MB of IRI-only quads (parsing)", _padded("")),
    ]
    rows += [(name, _padded(shape(MAX_BLANK))) for name, shape in HOSTILE.items()]
    rows.append(
        (
            "one blank node over the budget",
            _padded(HOSTILE["cycle of alike blank nodes"](MAX_BLANK + 1)),
        )
    )
    width = max(len(name) for name, _ in rows)
    print(f"\n{'RDFC-1.0, default Budget':<{width}}  {'bytes':>9}  {'outcome':>13}  {'ms':>8}")
    for name, nquads in rows:
        start = time.perf_counter()
        try:
            canonicalize(nquads)
            outcome = "canonicalized"
        except CanonicalizationError:
            outcome = "too complex"
        elapsed = (time.perf_counter() - start) * 1000
        print(f"{name:<{width}}  {len(nquads.encode()):>9}  {outcome:>13}  {elapsed:>8.1f}")
    tags = typical_credential()
    tags["credentialSubject"]["achievement"]["tag"] = [f"t{i}" for i in range(2_000)]
    start = time.perf_counter()
    safe.to_nquads(tags)
    elapsed = (time.perf_counter() - start) * 1000
    name = "JSON-LD to N-Quads, 2,000 tags (bench/jsonld_expansion.py)"
    print(f"{name:<{width}}  {len(json.dumps(tags)):>9}  {'':>13}  {elapsed:>8.1f}")


def main() -> None:
    """Measure both credentials and print one table, then the hostile datasets."""
    if "--hostile-only" in sys.argv:
        hostile()
        return
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
    hostile()


if __name__ == "__main__":
    main()
