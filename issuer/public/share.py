"""The share image: a 1200×627 card that unfurls a credential's link, rendered once and kept."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

from flask import current_app
from PIL import Image as PillowImage
from PIL import ImageDraw, ImageFont
from sqlalchemy.exc import IntegrityError

from issuer import clock
from issuer.db import db
from issuer.issuance.models import Credential
from issuer.public import badges
from issuer.public.models import ShareImage

WIDTH, HEIGHT = 1200, 627  # what LinkedIn, Facebook and X crop least (about 1.91:1)
BADGE = 400
TEXT_LEFT, TEXT_RIGHT = 640, 1140
INK, MUTED, GREEN, PAPER = "#0f172a", "#475569", "#15803d", "#ffffff"
ELLIPSIS = "\u2026"

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


def share_png(credential: Credential, *, with_name: bool = True) -> bytes:
    """The credential's share image, rendered on first request and read from the database after.

    Without the earner's name (their choice, which can change) it is drawn each time, uncached.
    """
    if not with_name:
        return render(credential, with_name=False)
    kept = db.session.get(ShareImage, credential.id)
    if kept is not None:
        return kept.png
    data = render(credential)
    try:
        with db.session.begin_nested():
            db.session.add(
                ShareImage(credential_id=credential.id, png=data, created_at=clock.now())
            )
        db.session.commit()
    except IntegrityError:
        pass  # a concurrent request stored it first; rendering is deterministic, so serve ours
    return data


def render(credential: Credential, *, with_name: bool = True) -> bytes:
    """Draw the card: badge on a tinted panel, then what was achieved, by whom, from whom."""
    art = badges.artwork(credential)
    names = badges.signed_fields(credential)
    fill, ring = badges.colours(art.issuer_id)
    card = PillowImage.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(card)
    draw.rectangle((0, 0, 600, HEIGHT), fill=_tint(ring, 0.35))
    draw.rectangle((0, HEIGHT - 12, WIDTH, HEIGHT), fill=fill)
    badge = art.raster()
    badge.thumbnail((BADGE, BADGE), PillowImage.Resampling.LANCZOS)
    card.paste(badge, ((600 - badge.width) // 2, (HEIGHT - badge.height) // 2), badge)

    y = 88
    check = badges.font_of(30, bold=True)
    # Rendered once and cached, so it states only what stays true: the page shows the status.
    draw.text((TEXT_LEFT, y), "Verifiable credential", font=check, fill=GREEN)
    y += 70
    title = names["achievement"] or art.name
    for size in (56, 48, 40):  # the largest size that fits in three lines
        font = badges.font_of(size, bold=True)
        lines = _wrap(title, font, TEXT_RIGHT - TEXT_LEFT, max_lines=3)
        if not lines[-1].endswith(ELLIPSIS):
            break
    for line in lines:
        draw.text((TEXT_LEFT, y), line, font=font, fill=INK)
        y += int(size * 1.2)
    y += 28
    regular = badges.font_of(30)
    if with_name and credential.recipient_name:
        for line in _wrap(f"Awarded to {credential.recipient_name}", regular, 500, max_lines=2):
            draw.text((TEXT_LEFT, y), line, font=regular, fill=INK)
            y += 40
    if names["issuer"]:
        for line in _wrap(f"Issued by {names['issuer']}", regular, 500, max_lines=2):
            draw.text((TEXT_LEFT, y), line, font=regular, fill=MUTED)
            y += 40
    host = urlsplit(current_app.extensions["settings"].public_url).netloc
    draw.text((TEXT_LEFT, HEIGHT - 70), host, font=badges.font_of(24), fill=MUTED)
    # A 128-colour palette keeps the card near 30-60 KB; the flat areas compress to nothing.
    small = card.quantize(colors=128, method=PillowImage.Quantize.MEDIANCUT)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _wrap(text: str, font: Font, width: int, *, max_lines: int) -> list[str]:
    """Greedy word wrap to `width` pixels; the last line ends in an ellipsis if text is cut."""
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    cut = len(lines) > max_lines
    lines = [_fit(line, font, width) for line in lines[:max_lines]] or [""]
    if cut and not lines[-1].endswith(ELLIPSIS):
        lines[-1] = _fit(lines[-1] + ELLIPSIS, font, width)
    return lines


def _fit(line: str, font: Font, width: int) -> str:
    # A word longer than the line (a URL, a long compound) is cut, not drawn past the edge.
    if font.getlength(line) <= width:
        return line
    text = line.removesuffix(ELLIPSIS)
    while text and font.getlength(text + ELLIPSIS) > width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS


def _tint(colour: str, strength: float) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    mix = [round(255 - (255 - c) * strength) for c in (red, green, blue)]
    return "#{:02x}{:02x}{:02x}".format(*mix)
