"""Where evidence bytes live: one small interface, a local directory or S3-compatible storage.

Keys are ours (`new_key()`: 32 hex digits), never a client's file name, and every store
refuses any other key, so no key can climb out of its directory or prefix.
"""

from __future__ import annotations

import importlib
import logging
import os
import re
import tempfile
import uuid
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from issuer.learning.skills_portfolio.errors import StorageError
from issuer.settings import Settings

log = logging.getLogger(__name__)

_KEY = re.compile(r"[0-9a-f]{32}")


class Storage(Protocol):
    """Bytes by key: written whole, read whole, deleted (deleting a missing key is no error)."""

    def put(self, key: str, data: bytes) -> None: ...

    def get(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...


def new_key() -> str:
    """A fresh random key; keys never carry names, so nothing about a file leaks through one."""
    return uuid.uuid4().hex


def checked(key: str) -> str:
    """`key` if it is one `new_key` could have made; raise StorageError otherwise."""
    if not _KEY.fullmatch(key):
        raise StorageError("Not an evidence storage key.")
    return key


class LocalStorage:
    """Files under `root`, fanned out by the key's first two digits, written atomically."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        key = checked(key)
        return self.root / key[:2] / key

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # A reader sees the old file or the whole new one, never half of it.
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(descriptor, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise StorageError("The evidence file is missing from storage.") from None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class S3Storage:
    """Objects under s3://bucket/prefix through boto3, an optional extra (`pip install boto3`).

    boto3 finds credentials, region and endpoint (AWS_ENDPOINT_URL for S3-compatible
    services) as it always does. Tests pass a stand-in `client`; no real S3 is exercised.
    """

    def __init__(self, url: str, *, client: Any = None) -> None:
        parts = urlsplit(url)
        self.bucket = parts.netloc
        self.prefix = parts.path.strip("/")
        if client is None:
            try:
                client = importlib.import_module("boto3").client("s3")
            except ImportError:
                raise StorageError(
                    "CERTIFIKATION_EVIDENCE_STORAGE is s3://…, which needs boto3: pip install boto3"
                ) from None
        self.client = client

    def _name(self, key: str) -> str:
        key = checked(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(self, key: str, data: bytes) -> None:
        self._call("put_object", Bucket=self.bucket, Key=self._name(key), Body=data)

    def get(self, key: str) -> bytes:
        body = self._call("get_object", Bucket=self.bucket, Key=self._name(key))["Body"]
        try:
            return bytes(body.read())
        finally:
            body.close()

    def delete(self, key: str) -> None:
        self._call("delete_object", Bucket=self.bucket, Key=self._name(key))

    def _call(self, operation: str, **arguments: Any) -> Any:
        try:
            return getattr(self.client, operation)(**arguments)
        except Exception as exc:  # botocore's errors: logged here, never shown to the caller
            log.warning("evidence store: %s failed", operation, exc_info=True)
            raise StorageError(f"The evidence store failed ({operation}).") from exc


def storage_for(settings: Settings) -> Storage:
    """The store the settings name: S3 for CERTIFIKATION_EVIDENCE_STORAGE, else the directory."""
    if settings.evidence_storage:
        return S3Storage(settings.evidence_storage)
    return LocalStorage(settings.evidence_dir)
