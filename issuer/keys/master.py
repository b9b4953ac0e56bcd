"""The master key that encrypts issuer private keys at rest (Fernet, rotatable)."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterable

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Engine, inspect, select
from sqlalchemy.exc import OperationalError

from issuer.keys.models import IssuerKey
from issuer.settings import Settings, SettingsError

log = logging.getLogger(__name__)


class MasterKeyError(SettingsError):
    """Stored issuer keys that the configured master keys cannot open; names them."""

    def __init__(self, key_ids: Iterable[uuid.UUID]) -> None:
        self.key_ids = sorted(key_ids)
        super().__init__(
            "CERTIFIKATION_MASTER_KEY cannot decrypt issuer key(s) "
            f"{', '.join(map(str, self.key_ids))}: it lacks the master key that encrypted them "
            "(lost or wrong). Restore that key, listed after the new one while rotating; "
            "`flask --app wsgi rotate-master-key` re-encrypts every key under the first."
        )


def load_cipher(settings: Settings) -> MultiFernet:
    """A cipher over the configured master keys, newest first; debug creates a dev key file."""
    return MultiFernet(master_keys(settings))


def master_keys(settings: Settings) -> list[Fernet]:
    """The configured master keys, newest (the one that encrypts) first."""
    keys = list(settings.master_keys)
    if not keys and settings.debug:
        keys = [_dev_key(settings)]
    try:
        return [Fernet(k) for k in keys]
    except (ValueError, TypeError):
        raise SettingsError(
            "CERTIFIKATION_MASTER_KEY must be comma-separated Fernet keys "
            "(32 url-safe base64-encoded bytes each)"
        ) from None


def _dev_key(settings: Settings) -> str:
    path = settings.master_key_file
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(Fernet.generate_key().decode())
    return path.read_text().strip()


def decrypt(cipher: MultiFernet, token: bytes) -> bytes:
    """Decrypt with whichever master key encrypted `token`."""
    try:
        return cipher.decrypt(token)
    except InvalidToken:
        raise SettingsError(
            "An issuer key cannot be decrypted: CERTIFIKATION_MASTER_KEY lacks the key that "
            "encrypted it (keep old keys listed after the new one while rotating)"
        ) from None


def check_stored_keys(engine: Engine, cipher: MultiFernet) -> None:
    """Refuse to start when the master keys cannot open the oldest or newest stored key.

    The oldest is the one a master key dropped too early would strand; the newest shows the
    configured key is the current one. A database without the table (not migrated yet) or
    out of reach is not checked: nothing can be signed from it either.

    Raises:
        MasterKeyError: Naming the issuer keys that no configured master key decrypts.
    """
    table = IssuerKey.__table__  # Core: no mapper is configured before every model is known
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table(IssuerKey.__tablename__):
                return
            columns = select(table.c.id, table.c.encrypted_private_key)
            order = (table.c.created_at, table.c.id)
            rows = {
                *connection.execute(columns.order_by(*order).limit(1)),
                *connection.execute(columns.order_by(*(c.desc() for c in order)).limit(1)),
            }
    except OperationalError as error:
        log.warning("Master keys not checked: the database is out of reach (%s)", error)
        return
    finally:
        # No connection outlives start-up: a server that forks workers after create_app
        # (gunicorn --preload) must not hand one socket to them all.
        engine.dispose()
    unreadable = set()
    for key_id, token in rows:
        try:
            cipher.decrypt(token)
        except InvalidToken:
            unreadable.add(key_id)
    if unreadable:
        raise MasterKeyError(unreadable)
