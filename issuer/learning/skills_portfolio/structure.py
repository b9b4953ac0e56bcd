"""Whether an evidence file is whole, judged by parsing it: magic bytes alone prove nothing.

A PDF is opened by pikepdf (qpdf) without recovery in a child process, which is killed at
a deadline and capped in memory, so no PDF holds a worker for longer; encrypted PDFs are
refused, since nobody could check or read them without the password. Images are decoded by
Pillow within a pixel limit, checked from the header before anything is decoded.
"""

from __future__ import annotations

import io
import subprocess
import sys
import warnings

from PIL import Image

from issuer.learning.skills_portfolio.errors import UnsupportedEvidence

MAX_PIXELS = 50_000_000  # width × height of an image decoded to check it (~150 MB in RGB)
PDF_MEMORY = 1024 * 1024 * 1024  # address space of the child that parses a PDF
# Bytes that may follow a PDF's last %%EOF; anything else (an appended executable) is refused.
_PDF_TAIL = b" \t\r\n\x00\x0c"
_PILLOW_FORMATS = {
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
}
# Run with -I (isolated): it imports only pikepdf, and prints one word.
_PDF_CHILD = f"""
import io, resource, sys
import pikepdf
resource.setrlimit(resource.RLIMIT_AS, ({PDF_MEMORY}, {PDF_MEMORY}))
data = sys.stdin.buffer.read()
try:
    with pikepdf.open(io.BytesIO(data), attempt_recovery=False) as pdf:
        pages = pdf.Root.get("/Pages")
        kids = pages.get("/Kids") if isinstance(pages, pikepdf.Dictionary) else None
        print("ok" if isinstance(kids, pikepdf.Array) and len(kids) else "no-pages")
except pikepdf.PasswordError:
    print("encrypted")
except Exception:
    print("damaged")
"""
_PDF_ANSWERS = {
    "no-pages": "The PDF has no pages.",
    "encrypted": "The PDF is encrypted; save it without a password and re-upload it.",
    "damaged": "The PDF is damaged or is not a PDF; export it again and re-upload it.",
}


def check_pdf(data: bytes, *, timeout: float) -> None:
    """Refuse a PDF that qpdf cannot open as is, that has no pages, or that is encrypted.

    Raises:
        UnsupportedEvidence: naming what is wrong; also when it takes over `timeout` seconds.
    """
    end = data.rfind(b"%%EOF")
    if end < 0 or data[end + 5 :].strip(_PDF_TAIL):
        raise UnsupportedEvidence(
            "The file starts as a PDF but does not end as one; export it again and re-upload it."
        )
    try:
        answer = subprocess.run(
            [sys.executable, "-I", "-c", _PDF_CHILD],
            input=data,
            capture_output=True,
            timeout=timeout,
            check=False,
        ).stdout.strip()
    except subprocess.TimeoutExpired:  # run() has killed the child
        raise UnsupportedEvidence(
            "The PDF is too complex to check; simplify it (print it to PDF) and re-upload it."
        ) from None
    if answer != b"ok":
        raise UnsupportedEvidence(
            _PDF_ANSWERS.get(answer.decode(errors="replace"), _PDF_ANSWERS["damaged"])
        )


def check_image(data: bytes, media_type: str, *, max_pixels: int = MAX_PIXELS) -> None:
    """Refuse an image Pillow cannot decode whole, or with over `max_pixels` pixels.

    Raises:
        UnsupportedEvidence: the image is damaged, truncated or too large.
    """
    name = _PILLOW_FORMATS[media_type]
    try:
        with warnings.catch_warnings():
            # A decompression bomb must be refused whatever the process's filters say.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[name]) as image:  # the header only
                width, height = image.size
                if width * height > max_pixels:
                    raise UnsupportedEvidence(
                        f"The image is {width}×{height} pixels; scale it down to at most "
                        f"{max_pixels // 1_000_000} megapixels and re-upload it."
                    )
                image.verify()  # PNG: every chunk's CRC
            # verify() leaves the image unusable; decoding it all is what catches truncation.
            with Image.open(io.BytesIO(data), formats=[name]) as image:
                image.load()
    except UnsupportedEvidence:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UnsupportedEvidence(
            f"The image has too many pixels; scale it down to at most "
            f"{max_pixels // 1_000_000} megapixels and re-upload it."
        ) from None
    # Pillow signals damage with OSError, SyntaxError, ValueError, EOFError, struct.error and
    # more (bombs too); all mean the same to the uploader, and their text is internals.
    except Exception as exc:
        raise UnsupportedEvidence(
            f"The {name} image is damaged or incomplete; export it again and re-upload it."
        ) from exc
