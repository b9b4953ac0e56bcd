"""Print median times for baking a credential into PNG, SVG and PDF, beside a Pillow re-encode."""

from __future__ import annotations

import io
import json
import random
import statistics
import time
import zlib
from collections.abc import Callable

import pikepdf
from PIL import Image, PngImagePlugin

from verifier.formats import pdf, png, svg

CREDENTIAL = json.dumps(
    {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:2a3c4e8a-2f38-4b8b-9c1e-0d1f6d6f2b10",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:web:issuer.example", "type": ["Profile"], "name": "Example"},
        "validFrom": "2025-01-01T00:00:00Z",
        "name": "Teamwork",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {"id": "https://issuer.example/a/1", "name": "Teamwork"},
        },
        "proof": [{"type": "DataIntegrityProof", "proofValue": "z" + "5" * 86}],
    }
)


def badge_png() -> bytes:
    """A 128x128 RGBA badge of about 20 KB."""
    rng = random.Random(4)
    image = Image.new("RGBA", (128, 128))
    image.putdata(
        [
            (x * 2, y * 2, (x ^ y) & 0xFF, 255 if rng.random() < 0.7 else rng.randrange(256))
            for y in range(128)
            for x in range(128)
        ]
    )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def badge_svg() -> bytes:
    """A badge SVG of about 4 KB, the size of a sanitised logo."""
    paths = "".join(
        f'<path d="M{i},{i}c10,0,20,{i},30,{i}s40,-{i},50,0z" fill="#{i * 37 % 0xFFFFFF:06x}"/>\n'
        for i in range(60)
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200">\n'
        f"<title>Teamwork</title>\n{paths}</svg>\n"
    ).encode()


def certificate_pdf() -> bytes:
    """A one-page PDF with text and a 100 KB image, standing in for a WeasyPrint certificate."""
    document = pikepdf.Pdf.new()
    document.add_blank_page(page_size=(842, 595))
    pixels = random.Random(1).randbytes(200 * 200 * 3)
    image = pikepdf.Stream(document, b"")
    image.write(zlib.compress(pixels), filter=pikepdf.Name.FlateDecode)
    image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    image.Width, image.Height, image.BitsPerComponent = 200, 200, 8
    image.ColorSpace = pikepdf.Name.DeviceRGB
    page = document.pages[0]
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    page.Contents = document.make_stream(b"q 200 0 0 200 72 300 cm /Im0 Do Q")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pillow_bake(data: bytes, text: str) -> bytes:
    """The approach we avoid: decode the image and encode it again with the iTXt chunk."""
    info = PngImagePlugin.PngInfo()
    info.add_itxt("openbadgecredential", text, zip=False)
    out = io.BytesIO()
    Image.open(io.BytesIO(data)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def median_ms(run: Callable[[], object], repeat: int) -> float:
    """Run once to warm up, then return the median of `repeat` timings in milliseconds."""
    run()
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def main() -> None:
    """Print one line per measurement."""
    image, drawing, certificate = badge_png(), badge_svg(), certificate_pdf()
    files = {"credential.json": (CREDENTIAL.encode(), "application/vc+ld+json")}
    baked_image = png.bake(image, keyword="openbadgecredential", text=CREDENTIAL)
    baked_certificate = pdf.embed(certificate, files)
    rows = [
        (
            f"PNG bake, iTXt splice ({len(image) / 1024:.1f} KB badge)",
            lambda: png.bake(image, keyword="openbadgecredential", text=CREDENTIAL),
            500,
        ),
        (
            "PNG bake, Pillow re-encode (reference, not used)",
            lambda: pillow_bake(image, CREDENTIAL),
            50,
        ),
        (
            f"PNG extract ({len(image) / 1024:.1f} KB badge)",
            lambda: png.extract(baked_image),
            500,
        ),
        (
            f"SVG bake ({len(drawing) / 1024:.1f} KB badge)",
            lambda: svg.bake(drawing, credential=CREDENTIAL),
            500,
        ),
        (
            f"PDF embed, credential.json ({len(certificate) / 1024:.0f} KB PDF)",
            lambda: pdf.embed(certificate, files),
            100,
        ),
        (
            f"PDF extract ({len(certificate) / 1024:.0f} KB PDF)",
            lambda: pdf.extract(baked_certificate),
            100,
        ),
    ]
    for label, run, repeat in rows:
        print(f"{label:<52} median {median_ms(run, repeat):8.3f} ms  (n={repeat})")


if __name__ == "__main__":
    main()
