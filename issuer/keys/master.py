"""The master key that encrypts issuer private keys at rest (Fernet, rotatable)."""

from __future__ import annotations

import os

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from issuer.settings import Settings, SettingsError


def load_cipher(settings: Settings) -> MultiFernet:
    """A cipher over the configured master keys, newest first; debug creates a dev key file."""
    keys = list(settings.master_keys)
    if not keys and settings.debug:
        keys = [_dev_key(settings)]
    try:
        return MultiFernet([Fernet(k) for k in keys])
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
