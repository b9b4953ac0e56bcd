"""Print the median time and size of a PDF certificate: shipped fonts beside WeasyPrint defaults."""

from __future__ import annotations

import io
import json
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime

from PIL import Image
from weasyprint import HTML

from issuer.certificates import render

COUNT = 20
RUNS = 2
NAMES = ["Zoë Łukasiewicz", "Ana Lima", "François Dupré-Ørsted", "Lee Learner", "Søren Ćosić"]
# A signed OB 3.0 credential is 3-5 KB of JSON and about as much again as a JWT.
CREDENTIAL = json.dumps({"credentialSubject": {"name": "x" * 3500}, "proof": {"z": "5" * 88}})
JWT = "eyJ" + "A" * 4800


def _png(size: tuple[int, int], seed: int) -> str:
    rng = random.Random(seed)
    image = Image.new("RGB", size, "white")
    for _ in range(40):  # a few strokes, like a scanned signature or a flat logo
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        image.paste((20, 40, 90), (x, y, min(x + 40, size[0]), min(y + 6, size[1])))
    out = io.BytesIO()
    image.save(out, "PNG")
    return render.data_uri(out.getvalue(), "image/png")


LOGO, SIGNATURE = _png((360, 120), 1), _png((400, 120), 2)


def certificate(n: int) -> render.CertificateData:
    credential_id = f"0b6f7c1e-2d6a-4a4e-9b1c-{n:012d}"
    return render.CertificateData(
        issuer_name="Académie de Lyon",
        recipient_name=NAMES[n % len(NAMES)] + f" {n}",
        achievement_name="Inclusive Classroom Practice",
        completed_on=datetime(2026, 3, 2, tzinfo=UTC),
        url=f"https://certs.example.test/c/{credential_id}",
        credential_id=credential_id,
        logo=LOGO,
        signatory_name="Marie Curie",
        signatory_title="Rectrice",
        signature=SIGNATURE,
    )


def shipped(n: int) -> bytes:
    """What the service does: shipped pre-subset fonts, embedded whole, then the credential."""
    html = render.render_html(certificate(n))
    return render.attach_credential(
        render.render_pdf(html),
        ob3_json=CREDENTIAL,
        ob3_jwt=JWT,
        signed=datetime(2026, 3, 2, tzinfo=UTC),
    )


def defaults(n: int) -> bytes:
    """WeasyPrint's defaults: the system's DejaVu Sans, subset at every render."""
    html = render.render_html(certificate(n)).replace(
        '<link rel="stylesheet" href="certificate.css">',
        '<link rel="stylesheet" href="certificate.css">'
        '<style>html { font-family: "DejaVu Sans"; }</style>',
    )
    document = HTML(string=html, base_url=str(render.TEMPLATES / "default") + "/").write_pdf()
    return render.attach_credential(
        document, ob3_json=CREDENTIAL, ob3_jwt=JWT, signed=datetime(2026, 3, 2, tzinfo=UTC)
    )


def measure(make: Callable[[int], bytes]) -> tuple[float, float, int]:
    times, size = [], 0
    for n in range(COUNT):
        start = time.perf_counter()
        size = len(make(n))
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times), size


def main() -> None:
    shipped(0)  # load the fonts and templates once, as a running worker has
    print(f"{COUNT} certificates per run, median and slowest in ms, size of the last in KB")
    for run in range(1, RUNS + 1):
        for name, make in (
            ("shipped fonts, full_fonts", shipped),
            ("WeasyPrint defaults", defaults),
        ):
            median, worst, size = measure(make)
            print(
                f"run {run}  {name:<26} {median:6.1f} ms  (max {worst:6.1f})  {size / 1024:5.1f} KB"
            )
    print("target: under 100 ms median and 100 KB (hard limit 200 KB)")


if __name__ == "__main__":
    main()
