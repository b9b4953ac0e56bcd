"""Badge images with the credential baked in: the achievement's art, or a generated badge."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from xml.sax.saxutils import escape, quoteattr

from PIL import Image as PillowImage
from PIL import ImageDraw, ImageFont

from issuer.db import db
from issuer.images.models import Image
from issuer.images.validation import JPEG, PNG, SVG
from issuer.issuance.models import Credential
from verifier.formats import png, svg

Version = Literal["ob3", "ob2"]
FONTS = Path("/usr/share/fonts/truetype/dejavu")
SIZE = 512  # the generated badge's side in pixels
# Issuer colours for generated art: (fill, ring); an issuer always gets the same pair.
PALETTE = (
    ("#1d4ed8", "#93c5fd"),
    ("#047857", "#6ee7b7"),
    ("#b45309", "#fcd34d"),
    ("#7c3aed", "#c4b5fd"),
    ("#be123c", "#fda4af"),
    ("#0f766e", "#5eead4"),
    ("#334155", "#cbd5e1"),
    ("#a21caf", "#f0abfc"),
)
_SMALL_WORDS = frozenset({"a", "an", "and", "the", "of", "for", "in", "on", "to", "de", "da", "e"})


@dataclass(frozen=True)
class Artwork:
    """What a credential's badge is drawn from: its name, its issuer, and any uploaded image."""

    name: str
    issuer_id: str
    image: Image | None

    def png(self) -> bytes:
        """The uploaded PNG as stored, or (SVG, JPEG, none) a generated badge."""
        if self.image is not None and self.image.media_type == PNG:
            return self.image.data
        return default_png(self.name, self.issuer_id)

    def svg(self) -> bytes:
        """The uploaded SVG as stored, an uploaded raster wrapped in SVG, or a generated one."""
        if self.image is None:
            return default_svg(self.name, self.issuer_id)
        if self.image.media_type == SVG:
            return self.image.data
        return wrap_raster(self.image, self.name)

    def raster(self) -> PillowImage.Image:
        """The art as pixels, for the share image (Pillow cannot draw SVG)."""
        if self.image is not None and self.image.media_type in (PNG, JPEG):
            return PillowImage.open(io.BytesIO(self.image.data)).convert("RGBA")
        return PillowImage.open(io.BytesIO(self.png())).convert("RGBA")


def artwork(credential: Credential) -> Artwork:
    """The art of the achievement version `credential` cites, named as it was signed."""
    version = credential.achievement_version
    image = db.session.get(Image, version.image_id) if version.image_id else None
    name = signed_fields(credential)["achievement"] or str(version.content.get("name", ""))
    return Artwork(name=name, issuer_id=str(credential.issuer_id), image=image)


def signed_fields(credential: Credential) -> dict[str, str]:
    """Achievement and issuer names as the signed credential states them (never renamed)."""
    document: dict[str, Any] = json.loads(credential.ob3_json)
    subject = document.get("credentialSubject") or {}
    issuer = document.get("issuer") or {}
    return {
        "achievement": str((subject.get("achievement") or {}).get("name", "")),
        "issuer": str(issuer.get("name", "")) if isinstance(issuer, dict) else "",
    }


def baked_png(credential: Credential, version: Version) -> bytes:
    """The badge PNG with one iTXt chunk: OB 3.0's JSON, or OB 2.0's signed assertion."""
    source = artwork(credential).png()
    if version == "ob3":
        return png.bake(source, keyword="openbadgecredential", text=credential.ob3_json)
    return png.bake(source, keyword="openbadges", text=credential.ob2_jws)


def baked_svg(credential: Credential, version: Version) -> bytes:
    """The badge SVG with `<openbadges:credential>` (JSON) or `<openbadges:assertion verify>`."""
    source = artwork(credential).svg()
    text = credential.ob3_json if version == "ob3" else credential.ob2_jws
    return svg.bake(source, credential=text, version=version)


def colours(issuer_id: str) -> tuple[str, str]:
    """The (fill, ring) pair of an issuer: stable, and spread over the palette."""
    digest = hashlib.sha256(issuer_id.encode()).digest()
    return PALETTE[digest[0] % len(PALETTE)]


def initials(name: str) -> str:
    """Up to two capital letters from the name's significant words ("IC" for "Inclusive ...")."""
    words = [w for w in re.findall(r"[^\W\d_]+", name) if w.lower() not in _SMALL_WORDS]
    letters = "".join(w[0] for w in words[:2]).upper()
    return letters or "\u2605"  # a star when the name has no letters


@lru_cache(maxsize=256)
def default_png(name: str, issuer_id: str) -> bytes:
    """A 512×512 round badge with the name's initials; the same bytes for the same inputs."""
    fill, ring = colours(issuer_id)
    scale = 2  # drawn large and scaled down: Pillow's shapes are not antialiased
    side = SIZE * scale
    canvas = PillowImage.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(canvas)
    draw.ellipse((8 * scale, 8 * scale, side - 8 * scale, side - 8 * scale), fill=fill)
    inset = 40 * scale
    draw.ellipse((inset, inset, side - inset, side - inset), outline=ring, width=8 * scale)
    letters = initials(name)
    font = font_of(176 * scale if len(letters) < 2 else 160 * scale, bold=True)
    draw.text((side / 2, side / 2), letters, font=font, fill="#ffffff", anchor="mm")
    badge = canvas.resize((SIZE, SIZE), PillowImage.Resampling.LANCZOS)
    # Three flat colours and their antialiased edges: 64 palette entries keep it near 10 KB.
    small = badge.quantize(colors=64, method=PillowImage.Quantize.FASTOCTREE)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()


def default_svg(name: str, issuer_id: str) -> bytes:
    """The SVG twin of `default_png`."""
    fill, ring = colours(issuer_id)
    title = escape(name)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" '
        f'viewBox="0 0 512 512" role="img" aria-label={quoteattr(name)}>'
        f"<title>{title}</title>"
        f'<circle cx="256" cy="256" r="248" fill="{fill}"/>'
        f'<circle cx="256" cy="256" r="212" fill="none" stroke="{ring}" stroke-width="8"/>'
        '<text x="256" y="256" dy="0.35em" text-anchor="middle" '
        "font-family=\"'DejaVu Sans', Verdana, sans-serif\" font-weight="
        f'"bold" font-size="168" fill="#ffffff">{escape(initials(name))}</text>'
        "</svg>\n"
    ).encode()


def wrap_raster(image: Image, name: str) -> bytes:
    """An SVG showing an uploaded PNG or JPEG as it is, so it can carry a baked credential."""
    data = base64.b64encode(image.data).decode("ascii")
    w, h = image.width, image.height
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}" role="img" aria-label={quoteattr(name)}>'
        f"<title>{escape(name)}</title>"
        f'<image width="{w}" height="{h}" href="data:{image.media_type};base64,{data}"/>'
        "</svg>\n"
    ).encode()


@lru_cache(maxsize=32)
def font_of(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu Sans (Debian's fonts-dejavu-core) at `size`, or Pillow's own font without it."""
    path = FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    try:
        return ImageFont.truetype(str(path), size)
    except OSError:
        return ImageFont.load_default(size)
