"""Creating, rotating and loading issuer keys."""

from __future__ import annotations

import uuid
from datetime import timedelta
from functools import lru_cache
from typing import Literal
from urllib.parse import quote

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from flask import current_app
from sqlalchemy import select

from issuer import clock
from issuer.audit import services as audit
from issuer.db import db
from issuer.keys.master import MasterKeyError, decrypt
from issuer.keys.models import IssuerKey
from issuer.settings import Settings
from issuer.tenants.models import Issuer
from verifier.multikey import jwk_thumbprint, public_key_to_jwk

Algorithm = Literal["Ed25519", "P-256", "RSA"]
ALGORITHMS: tuple[Algorithm, ...] = ("Ed25519", "P-256", "RSA")
# Ed25519 signs Data Integrity proofs; RSA signs OB 2.0 JWS and VC-JWT (RS256 is what OB 2.0
# and the 1EdTech validator require). P-256 (ES256) is created only when asked for.
DEFAULT_ALGORITHMS: tuple[Algorithm, ...] = ("Ed25519", "RSA")
JWS_ALGORITHMS = {"Ed25519": "EdDSA", "P-256": "ES256", "RSA": "RS256"}
# Seconds anyone may cache a DID document or JWK Set of ours (their Cache-Control max-age).
DID_DOCUMENT_MAX_AGE = 300

PrivateKey = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


def generate(algorithm: Algorithm) -> PrivateKey:
    """A fresh private key of `algorithm`."""
    if algorithm == "Ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    if algorithm == "P-256":
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def create_key(issuer: Issuer, algorithm: Algorithm) -> IssuerKey:
    """Generate a key for `issuer`, encrypt its private part, and add it to the session."""
    private = generate(algorithm)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    jwk = public_key_to_jwk(private.public_key())
    key = IssuerKey(
        issuer_id=issuer.id,
        algorithm=algorithm,
        fragment=jwk_thumbprint(jwk),
        public_jwk=jwk,
        encrypted_private_key=current_app.extensions["master_cipher"].encrypt(pem),
        created_at=clock.now(),
    )
    db.session.add(key)
    return key


def ensure_keys(issuer: Issuer) -> list[IssuerKey]:
    """Create the default keys `issuer` lacks; return all its active keys."""
    active = {k.algorithm: k for k in keys_of(issuer, active_only=True)}
    for algorithm in DEFAULT_ALGORITHMS:
        if algorithm not in active:
            active[algorithm] = create_key(issuer, algorithm)
    db.session.flush()
    return list(active.values())


def rotate(issuer: Issuer, algorithm: Algorithm, actor: audit.Actor) -> IssuerKey:
    """Make a new active key of `algorithm`; the old one retires but stays published."""
    now = clock.now()
    for old in keys_of(issuer, active_only=True):
        if old.algorithm == algorithm:
            old.retired_at = now
    key = create_key(issuer, algorithm)
    db.session.flush()
    audit.record(actor, "key.rotate", key, tenant_id=issuer.tenant_id, algorithm=algorithm)
    return key


def reencrypt_all(master_keys: list[Fernet]) -> tuple[int, int]:
    """Re-encrypt every stored private key under the first master key, so others can go.

    Returns:
        How many keys were re-encrypted, and how many the first key already encrypted.

    Raises:
        MasterKeyError: Naming keys no master key opens; then nothing is changed.
    """
    first, cipher = master_keys[0], MultiFernet(master_keys)
    moved, kept, unreadable = 0, 0, []
    for key in db.session.scalars(select(IssuerKey).order_by(IssuerKey.created_at)):
        try:
            first.decrypt(key.encrypted_private_key)
        except InvalidToken:
            pass
        else:
            kept += 1
            continue
        try:
            key.encrypted_private_key = cipher.rotate(key.encrypted_private_key)
        except InvalidToken:
            unreadable.append(key.id)
        else:
            moved += 1
    if unreadable:
        db.session.rollback()
        raise MasterKeyError(unreadable)
    db.session.flush()
    return moved, kept


def keys_of(issuer: Issuer, *, active_only: bool = False) -> list[IssuerKey]:
    """The issuer's keys, oldest first."""
    stmt = select(IssuerKey).where(IssuerKey.issuer_id == issuer.id)
    if active_only:
        stmt = stmt.where(IssuerKey.retired_at.is_(None))
    return list(db.session.scalars(stmt.order_by(IssuerKey.created_at, IssuerKey.id)))


def signing_key(issuer: Issuer, algorithm: Algorithm) -> tuple[IssuerKey, PrivateKey]:
    """The active key of `algorithm` with its private key (the key is created if missing)."""
    key = next((k for k in keys_of(issuer, active_only=True) if k.algorithm == algorithm), None)
    if key is None:
        key = create_key(issuer, algorithm)
        db.session.flush()
    cipher = current_app.extensions["master_cipher"]
    return key, _private_key(key.id, key.encrypted_private_key, cipher)


def settled_signing_key(issuer: Issuer, algorithm: Algorithm) -> tuple[IssuerKey, PrivateKey]:
    """The newest key of `algorithm` published longer than a DID document may be cached.

    Documents that verifiers re-fetch and check against a DID document they may have cached
    (status lists) are signed by it, so a rotation never leaves them signed by a key that a
    cached copy lacks; retired keys stay published, so the old key still verifies. This is
    the pre-publication rule of JWKS and DNSSEC key rollovers. Without such a key (keys all
    newer than that), the oldest signs: every copy of the DID document lists it.
    """
    cutoff = clock.now() - timedelta(seconds=DID_DOCUMENT_MAX_AGE)
    # Oldest first; of keys made in one instant, the one a rotation retired came first.
    published = sorted(
        (k for k in keys_of(issuer) if k.algorithm == algorithm),
        key=lambda k: (k.created_at, k.retired_at is None),
    )
    if not published:
        return signing_key(issuer, algorithm)
    settled = [k for k in published if k.created_at <= cutoff]
    key = settled[-1] if settled else published[0]
    cipher = current_app.extensions["master_cipher"]
    return key, _private_key(key.id, key.encrypted_private_key, cipher)


@lru_cache(maxsize=1024)
def _private_key(key_id: uuid.UUID, encrypted: bytes, cipher: MultiFernet) -> PrivateKey:
    """Decrypt and parse a private key once per process: a key id's key never changes, and
    parsing an RSA key (which validates it) costs about 30 ms, twice per award."""
    private = serialization.load_pem_private_key(decrypt(cipher, encrypted), password=None)
    assert isinstance(
        private, ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    )
    return private


def site_did(settings: Settings) -> str:
    """The deployment's did:web, resolved at `<public_url>/.well-known/did.json`."""
    return f"did:web:{quote(settings.public_host, safe='')}"


def issuer_did(settings: Settings, issuer_id: object) -> str:
    """The issuer's did:web, resolved at `<public_url>/issuers/<id>/did.json`."""
    return f"{site_did(settings)}:issuers:{issuer_id}"


def issuer_id_of(settings: Settings, did: str) -> uuid.UUID | None:
    """The issuer id that `did` names if `issuer_did` made it here, else None (its inverse)."""
    prefix = issuer_did(settings, "")
    if not did.startswith(prefix):
        return None
    try:
        return uuid.UUID(did.removeprefix(prefix))
    except ValueError:
        return None


def verification_method(settings: Settings, key: IssuerKey) -> str:
    """The DID URL naming `key`, used as `verificationMethod` and as JWS `kid`."""
    return f"{issuer_did(settings, key.issuer_id)}#{key.fragment}"
