"""The offline JSON-LD document loader, serving only the pinned contexts."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from importlib.abc import Traversable
from importlib.resources import files
from types import MappingProxyType
from typing import Any, TypeAlias, TypedDict

from verifier.errors import ContextIntegrityError, UnknownContext

CONTEXTS: Traversable = files("verifier") / "contexts"


class RemoteDocument(TypedDict):
    """What a pyld document loader returns for one URL."""

    contextUrl: str | None
    documentUrl: str
    document: Any
    contentType: str


# pyld calls ``options["documentLoader"](url, options)`` (pyld/jsonld.py, load_document).
DocumentLoader: TypeAlias = Callable[[str, dict[str, Any] | None], RemoteDocument]


def offline_loader(url: str, options: dict[str, Any] | None = None) -> RemoteDocument:
    """Serve a pinned JSON-LD context to pyld; any other URL is refused.

    Args:
        url: The context URL, matched exactly against the manifest.
        options: pyld's options; unused.

    Returns:
        A pyld remote document holding a fresh copy of the parsed context.

    Raises:
        UnknownContext: The URL is not pinned.
        ContextIntegrityError: The shipped file does not match its manifest hash.
    """
    return _SHIPPED.loader(url, options)


def load_context(url: str) -> dict[str, Any]:
    """Return a fresh parse of the pinned context at ``url``.

    Args:
        url: The context URL, matched exactly against the manifest.

    Returns:
        The parsed context; callers may mutate it.

    Raises:
        UnknownContext: The URL is not pinned.
        ContextIntegrityError: The shipped file does not match its manifest hash.
    """
    return _SHIPPED.load(url)


def pinned_contexts() -> Mapping[str, str]:
    """Return the pinned context URLs and the SHA-256 (hex) of each file."""
    return _SHIPPED.hashes()


class PinnedContexts:
    """JSON-LD contexts in one folder, each checked against the folder's ``manifest.json``."""

    def __init__(self, directory: Traversable) -> None:
        self.directory = directory
        self._entries: dict[str, dict[str, str]] | None = None
        self._verified: dict[str, bytes] = {}

    def hashes(self) -> Mapping[str, str]:
        """Return a read-only mapping of each pinned URL to its file's hex SHA-256."""
        return MappingProxyType({url: entry["sha256"] for url, entry in self._manifest().items()})

    def load(self, url: str) -> dict[str, Any]:
        """Return a fresh parse of the context at ``url``, checking its hash on first use."""
        # Re-parsing the verified bytes gives every caller its own objects (pyld
        # rewrites "@context" values inside loaded contexts in place) and takes
        # about half the time of copy.deepcopy on a cached parse.
        document: dict[str, Any] = json.loads(self._verified_bytes(url))
        return document

    def loader(self, url: str, options: dict[str, Any] | None = None) -> RemoteDocument:
        """Serve a context from this folder in pyld's document-loader shape."""
        # No "tag": "static" here: pyld would then keep the resolved context in
        # its process-wide cache, keyed by URL alone, and serve it to expansions
        # that pass a different loader.
        return {
            "contextUrl": None,
            "documentUrl": url,
            "document": self.load(url),
            "contentType": "application/ld+json",
        }

    def _manifest(self) -> dict[str, dict[str, str]]:
        """Read ``manifest.json`` on first use, so that importing reads no files."""
        if self._entries is None:
            self._entries = json.loads((self.directory / "manifest.json").read_bytes())
        return self._entries

    def _verified_bytes(self, url: str) -> bytes:
        """Read a context file once and check its SHA-256 against the manifest."""
        if url in self._verified:
            return self._verified[url]
        entry = self._manifest().get(url)
        if entry is None:
            raise UnknownContext(url)
        data = (self.directory / entry["file"]).read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest != entry["sha256"]:
            raise ContextIntegrityError(
                f"context file {entry['file']} for {url} has SHA-256 {digest}, but the"
                f" manifest pins {entry['sha256']}; restore the file from the release"
            )
        self._verified[url] = data
        return data


_SHIPPED = PinnedContexts(CONTEXTS)
