"""The whole portfolio to take away: one JSON document, or a ZIP with every stored file."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from flask import Response

from issuer.accounts.models import User
from issuer.learning.skills_portfolio import services
from issuer.learning.skills_portfolio.media import EXTENSIONS
from issuer.learning.skills_portfolio.models import PortfolioItem
from issuer.learning.skills_portfolio.schemas import ExportSchema
from issuer.learning.skills_portfolio.storage import Storage


def file_name(item: PortfolioItem) -> str:
    """The item's path inside the ZIP: our ids and extensions, never an uploader's name."""
    return f"files/{item.id}.{EXTENSIONS.get(item.media_type or '', 'bin')}"


def document(
    portfolio: dict[str, Any], items: Sequence[PortfolioItem], user: User, now: datetime
) -> dict[str, Any]:
    """The export as JSON: the portfolio as the API shows it, and every signed credential."""
    files = {str(i.id): file_name(i) for i in items if i.storage_key is not None}
    body: dict[str, Any] = ExportSchema().dump(
        {"exported_at": now, "portfolio": portfolio, "files": files, "credentials": []}
    )
    body["credentials"] = services.credentials_of(user)  # as signed, not re-serialised
    return body


def zip_response(body: dict[str, Any], items: Sequence[PortfolioItem]) -> Response:
    """portfolio.json and files/…, zipped as it streams: one evidence file in memory at a time."""
    store = services.storage()
    files = [(file_name(i), i.storage_key) for i in items if i.storage_key is not None]
    response = Response(_zipped(body, files, store), mimetype="application/zip")
    response.headers["Content-Disposition"] = 'attachment; filename="portfolio.zip"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


class _Pipe(io.RawIOBase):
    """A write-only stream whose bytes are taken out as they come; zipfile needs no seek."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        out = b"".join(self.chunks)
        self.chunks.clear()
        return out


def _zipped(body: dict[str, Any], files: list[tuple[str, str]], store: Storage) -> Iterator[bytes]:
    # Runs after the view returned: it holds the store and keys, not the request's context.
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("portfolio.json", json.dumps(body, indent=2, ensure_ascii=False))
        yield pipe.take()
        for name, key in files:
            archive.writestr(name, store.get(key))
            yield pipe.take()
    yield pipe.take()
