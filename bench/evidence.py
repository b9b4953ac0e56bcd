"""Time the structure checks of evidence uploads beside the bare parsers they wrap.

Run: .venv/bin/python bench/evidence.py. Prints the median of a few runs in ms: a one-page
PDF through `media.check_evidence` (a child process running pikepdf) beside pikepdf opening
it in-process; a hostile 30,000-page PDF of ~7 MB (the worst the 10 MiB limit allows is about
that); a ZIP bomb refused from its central directory beside an honest DOCX; a PNG beside
Pillow's own open.
"""

from __future__ import annotations

import io
import os
import statistics
import time
import zipfile
from collections.abc import Callable

import pikepdf
from PIL import Image

from issuer.learning.skills_portfolio import media
from issuer.learning.skills_portfolio.errors import UnsupportedEvidence

MAX = 10 * 1024 * 1024


def pdf(pages: int) -> bytes:
    document = pikepdf.Pdf.new()
    for _ in range(pages):
        document.add_blank_page()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx(document: bytes) -> bytes:
    types = (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Override PartName="/word/document.xml" ContentType="'
        f'{media.DOCX}.main+xml"/></Types>'
    ).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", types)
        zf.writestr("word/document.xml", document)
    return out.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 800), "navy").save(out, "PNG")
    return out.getvalue()


def check(data: bytes) -> Callable[[], object]:
    def run() -> object:
        try:
            return media.check_evidence(data, max_bytes=MAX, check_seconds=60)
        except UnsupportedEvidence as exc:
            return exc.detail

    return run


def in_process_pdf(data: bytes) -> Callable[[], object]:
    def run() -> object:
        with pikepdf.open(io.BytesIO(data), attempt_recovery=False) as document:
            return len(document.Root.Pages.Kids)

    return run


def pillow(data: bytes) -> Callable[[], object]:
    def run() -> object:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            return image.size

    return run


def median_ms(run: Callable[[], object], times: int) -> tuple[float, object]:
    timings, result = [], None
    for _ in range(times):
        start = time.perf_counter()
        result = run()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings), result


def main() -> None:
    print(f"load average {os.getloadavg()[0]:.1f}")
    small, huge, image = pdf(1), pdf(30_000), png()
    honest, bomb = docx(b"<w:document/>" * 5000), docx(bytes(50 * 1024 * 1024))
    rows = [
        ("one-page PDF, check_evidence", check(small), 5),
        ("one-page PDF, pikepdf in-process (reference)", in_process_pdf(small), 5),
        (f"30,000-page PDF ({len(huge) / 1e6:.1f} MB), check_evidence", check(huge), 3),
        ("30,000-page PDF, pikepdf in-process (reference)", in_process_pdf(huge), 3),
        (f"ZIP bomb ({len(bomb) / 1e3:.0f} KB, 50 MiB inside), check_evidence", check(bomb), 5),
        (f"honest DOCX ({len(honest) / 1e3:.0f} KB), check_evidence", check(honest), 5),
        ("1200x800 PNG, check_evidence", check(image), 5),
        ("1200x800 PNG, Pillow load (reference)", pillow(image), 5),
    ]
    for name, run, times in rows:
        ms, result = median_ms(run, times)
        print(f"{name:<62} {ms:9.1f} ms  {str(result)[:60]}")


if __name__ == "__main__":
    main()
