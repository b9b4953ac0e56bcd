"""Render a credential's one-page PDF certificate with WeasyPrint, the credential attached."""

from __future__ import annotations

import base64
import io
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import jinja2
import qrcode
from PIL import ImageFile
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from verifier.formats import pdf

# Importing WeasyPrint makes Pillow accept truncated images process-wide; our image
# validation (issuer/images) relies on Pillow refusing them, and certificates only embed
# images that passed it.
ImageFile.LOAD_TRUNCATED_IMAGES = False

ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATES = ROOT / "templates" / "certificates"
FONTS = Path(__file__).resolve().parent / "fonts"
# Templates name only this family, so WeasyPrint never falls back to (large) system fonts.
FONT_FACES = f"""
@font-face {{ font-family: "Certificate Sans"; font-weight: normal;
  src: url("{(FONTS / "DejaVuSans-Latin.ttf").as_uri()}"); }}
@font-face {{ font-family: "Certificate Sans"; font-weight: bold;
  src: url("{(FONTS / "DejaVuSans-Bold-Latin.ttf").as_uri()}"); }}
"""
MONTHS = {
    "en": "January February March April May June July August September October November December",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
}
LABELS = {
    "en": {
        "certifies": "This certifies that",
        "completed": "has successfully completed",
        "completed_unnamed": "This certifies the successful completion of",
        "signature": "Signature of",
        "qr": "QR code linking to",
        "verify": "Verify this certificate at",
        "credential_id": "Credential ID",
    },
    "fr": {
        "certifies": "Nous certifions que",
        "completed": "a réussi",
        "completed_unnamed": "Nous certifions la réussite de",
        "signature": "Signature de",
        "qr": "Code QR menant à",
        "verify": "Vérifiez ce certificat sur",
        "credential_id": "Identifiant",
    },
}
JSON_MEDIA_TYPE = "application/vc+ld+json"
JWT_MEDIA_TYPE = "application/vc+jwt"


@dataclass(frozen=True)
class CertificateData:
    """What a template shows; images are data: URIs so rendering reads no network."""

    issuer_name: str
    recipient_name: str
    achievement_name: str
    completed_on: datetime
    url: str
    credential_id: str
    logo: str | None = None
    signatory_name: str = ""
    signatory_title: str = ""
    signature: str | None = None


def data_uri(data: bytes, media_type: str) -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode()}"


def month_year(moment: datetime, lang: str = "en") -> str:
    """The completion date as a certificate prints it, e.g. "March 2026"."""
    month = MONTHS[lang].split()[moment.month - 1]
    return f"{month} {moment.year}"


def qr_code(url: str) -> str:
    """A QR code of `url` as a PNG data URI, one pixel a module (drawn unsmoothed).

    WeasyPrint draws a one-path SVG QR code about ten times slower than this bitmap.
    """
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=1, border=0)
    code.add_data(url)
    out = io.BytesIO()
    code.make_image().get_image().save(out, "PNG", optimize=True)
    return data_uri(out.getvalue(), "image/png")


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )


def render_html(data: CertificateData, *, template: str = "default", lang: str = "en") -> str:
    """The certificate's HTML from `templates/certificates/<template>/certificate.html`."""
    values = asdict(data)
    return (
        _environment()
        .get_template(f"{template}/certificate.html")
        .render(
            **values,
            completed=month_year(data.completed_on, lang),
            qr=qr_code(data.url),
            labels=LABELS[lang],
            lang=lang,
        )
    )


class LocalFetcher(URLFetcher):  # type: ignore[misc]
    """Loads data: URIs and the shipped template and font files, nothing else.

    Issuer text and images reach the template, so the renderer must never be a way to make
    the server fetch a URL (SSRF) or read another file into a public PDF.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False)

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.startswith("file:"):
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if not (path.is_relative_to(TEMPLATES) or path.is_relative_to(FONTS)):
                raise ValueError(f"certificates load only their own files, not {url}")
        return super().fetch(url, headers)


@cache
def _fonts() -> tuple[FontConfiguration, CSS]:
    # One configuration per process: loading the faces once keeps each render fast.
    config = FontConfiguration()
    return config, CSS(string=FONT_FACES, font_config=config, url_fetcher=LocalFetcher())


def render_pdf(html: str, *, template: str = "default") -> bytes:
    """Render the HTML to PDF with the shipped, pre-subset fonts embedded whole.

    WeasyPrint's own subsetting costs most of a render; the shipped fonts are already small.
    """
    config, faces = _fonts()
    document = HTML(
        string=html, base_url=str(TEMPLATES / template) + "/", url_fetcher=LocalFetcher()
    )
    return document.write_pdf(  # type: ignore[no-any-return]
        stylesheets=[faces], font_config=config, full_fonts=True
    )


def attach_credential(document: bytes, *, ob3_json: str, ob3_jwt: str, signed: datetime) -> bytes:
    """Attach the signed credential as PDF/A-3 associated files, as the verifier reads them."""
    return pdf.embed(
        document,
        {
            "credential.json": (ob3_json.encode(), JSON_MEDIA_TYPE),
            "credential.jwt": (ob3_jwt.encode(), JWT_MEDIA_TYPE),
        },
        modified=signed,
    )
