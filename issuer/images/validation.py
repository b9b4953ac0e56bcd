"""Accept an uploaded image only if its bytes are a sound PNG, JPEG or SVG within our limits."""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass, field

from PIL import Image

from issuer.images.errors import InvalidImage
from issuer.images.svg import sanitize_svg

PNG, JPEG, SVG = "image/png", "image/jpeg", "image/svg+xml"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SIGNATURE = b"\xff\xd8\xff"
_PILLOW_FORMATS = {PNG: "PNG", JPEG: "JPEG"}
# The first element after the prolog; "<!DOCTYPE svg" counts so the DOCTYPE gets its own message.
_SVG_ROOT = re.compile(rb"<(?:!DOCTYPE\s+)?(?:[\w.-]+:)?svg(?:[\s>/[]|\Z)")
_PROLOG_ITEMS = ((b"<?", b"?>"), (b"<!--", b"-->"))


@dataclass(frozen=True)
class ValidImage:
    """An image fit to store and serve: PNG/JPEG bytes as uploaded, SVG bytes sanitised."""

    media_type: str
    data: bytes = field(repr=False)
    width: int
    height: int


def validate_image(data: bytes, *, max_bytes: int, max_pixels: int = 4096 * 4096) -> ValidImage:
    """Sniff, bound and check an uploaded image, sanitising SVG.

    Args:
        data: the uploaded bytes; any filename or declared content type is ignored.
        max_bytes: the largest upload accepted.
        max_pixels: the largest width × height accepted, checked before decoding.

    Returns:
        The media type, the bytes to store, and the width and height in pixels.

    Raises:
        InvalidImage: with a message that tells the uploader what to change.
    """
    hint = f"Upload a PNG, JPEG or SVG of at most {_kb(max_bytes)}."
    if len(data) > max_bytes:
        raise InvalidImage(f"The image is {_kb(len(data))}, too large. {hint}")
    media_type = _sniff(data)
    if media_type is None:
        raise InvalidImage(f"Only PNG, JPEG and SVG images are accepted. {hint}")
    if media_type == SVG:
        data, width, height = sanitize_svg(data)
        _check_pixels(width, height, max_pixels)
    else:
        width, height = _check_raster(data, media_type, max_pixels)
    return ValidImage(media_type, data, width, height)


def _sniff(data: bytes) -> str | None:
    if data.startswith(_PNG_SIGNATURE):
        return PNG
    if data.startswith(_JPEG_SIGNATURE):
        return JPEG
    return SVG if _starts_svg(data) else None


def _starts_svg(data: bytes) -> bool:
    # A scan rather than one regex: (\s|<!--.*?-->)* backtracks exponentially on bad input.
    position = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    while True:
        while position < len(data) and data[position] in b" \t\r\n":
            position += 1
        for opening, closing in _PROLOG_ITEMS:
            if data.startswith(opening, position):
                end = data.find(closing, position + len(opening))
                if end < 0:
                    return False
                position = end + len(closing)
                break
        else:
            return _SVG_ROOT.match(data, position) is not None


def _check_raster(data: bytes, media_type: str, max_pixels: int) -> tuple[int, int]:
    name = _PILLOW_FORMATS[media_type]
    try:
        with warnings.catch_warnings():
            # Between MAX_IMAGE_PIXELS and twice that Pillow only warns; a bomb must be refused
            # whatever the process's filters say. (catch_warnings is process-wide, but while
            # max_pixels is under Pillow's limit, _check_pixels refuses first anyway.)
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # open() reads the header only, so the size is known before anything is decoded.
            with Image.open(io.BytesIO(data), formats=[name]) as image:
                _check_pixels(*image.size, max_pixels)
                image.verify()  # PNG: every chunk's CRC
            # verify() leaves the image unusable; decoding it all is what catches truncation.
            with Image.open(io.BytesIO(data), formats=[name]) as image:
                image.load()
                return image.size
    except InvalidImage:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InvalidImage(f"The image has too many pixels. {_pixel_limit(max_pixels)}") from None
    # Pillow signals damage with OSError, SyntaxError, ValueError, EOFError, struct.error and
    # more; all mean the same to the uploader, and their text is internals (it names objects).
    except Exception as exc:
        raise InvalidImage(
            f"The {name} file is damaged or incomplete; export it again and re-upload."
        ) from exc


def _check_pixels(width: int, height: int, max_pixels: int) -> None:
    # No 0×N check: Pillow refuses an empty PNG or JPEG header, and SVG sizes are at least 1.
    if width * height > max_pixels:
        raise InvalidImage(f"The image is {width}×{height} pixels. {_pixel_limit(max_pixels)}")


def _pixel_limit(max_pixels: int) -> str:
    megapixels = _number(max_pixels / 1_000_000)
    return f"Scale it down to at most {megapixels} megapixels and upload it again."


def _kb(size: int) -> str:
    return f"{_number(size / 1024)} KB"


def _number(value: float) -> str:
    return f"{round(value, 1):,}".removesuffix(".0")
