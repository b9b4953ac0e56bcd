"""A real server for the browser: its own migrated SQLite, seeded credentials, a thread.

The usual fixtures run each test in a rolled-back transaction that a server thread cannot see,
so the browser tests build their own app on a temp-file database and commit what they seed.
"""

from __future__ import annotations

import io
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.fernet import Fernet
from flask import Flask
from PIL import Image
from werkzeug.serving import make_server

from issuer import create_app, migrate
from issuer.audit.services import SYSTEM
from issuer.db import db
from issuer.errors import get_or_404
from issuer.extensions import limiter
from issuer.images import services as images
from issuer.issuance import revocation
from issuer.issuance import services as issuance
from issuer.issuance.models import Credential
from issuer.settings import Settings
from issuer.tenants import services as tenants
from issuer.tenants.models import Issuer
from tests.factories import ACHIEVEMENT, Factories
from verifier.http import HttpResolver
from verifier.resolver import Offline

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Site:
    """Where the server listens, and the credentials seeded in it."""

    url: str
    credential: str  # active: the page says verified
    revoked: str


class Loopback:
    """Fetches from this server only, over plain http as `make run` does; nothing else.

    did:web always names an https URL, which the in-process resolver does not match with an
    http public URL, so the site fetches its own did.json through its own socket.
    """

    def __init__(self) -> None:
        self.http = HttpResolver(allow_loopback=True, loopback_http=True)
        self.offline = Offline()

    def fetch(self, url: str, *, accept: str) -> bytes:
        local = urlsplit(url).hostname == HOST
        return (self.http if local else self.offline).fetch(url, accept=accept)


@contextmanager
def serving(database: Path) -> Iterator[Site]:
    """Serve a fresh app on a free port of 127.0.0.1 until the block ends."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind((HOST, 0))
        listener.listen()
        url = f"http://{HOST}:{listener.getsockname()[1]}"
        app = _app(database, url)
        # make_server duplicates the bound socket, so ours can close when this block ends.
        server = make_server(HOST, 0, app, threaded=True, fd=listener.fileno())
    thread = threading.Thread(target=server.serve_forever, name="browser-site", daemon=True)
    thread.start()
    try:
        yield Site(url, *_seed(app))
    finally:
        server.shutdown()  # serve_forever returns, then closes the socket
        thread.join(timeout=10)
        db.state(app).engine.dispose()


def _app(database: Path, url: str) -> Flask:
    settings = Settings(
        secret_key="test-secret-" + "x" * 32,
        database_url=f"sqlite:///{database}",
        public_url=url,
        master_keys=(Fernet.generate_key().decode(),),
    )
    app = create_app(settings)
    migrate.upgrade(db.state(app).engine)
    app.extensions["resolver"] = Loopback()  # tests have no network
    limiter.reset()  # the verify form is rate-limited per address; other tests posted too
    return app


def _png(colour: str, size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def _seed(app: Flask) -> tuple[str, str]:
    """An issuer with a logo, an achievement with an image, one active and one revoked award."""
    factories = Factories(app)
    issuer_id = factories.issuer(factories.tenant(), name="Académie de Lyon")
    with app.app_context():
        issuer = get_or_404(Issuer, issuer_id)
        tenants.set_image(SYSTEM, issuer, "logo", _png("navy", (240, 80)))
        art = images.store(_png("teal", (256, 256)), max_bytes=1 << 20)
        achievement = issuance.create_achievement(SYSTEM, issuer, dict(ACHIEVEMENT), art.id)
        db.session.commit()
        achievement_id = achievement.id
    active = factories.credential(
        achievement_id,
        recipient={"type": "email", "identity": "zoe@school.test", "name": "Zoé O'Brien"},
    )
    revoked = factories.credential(achievement_id)
    with app.app_context():
        revocation.revoke(SYSTEM, get_or_404(Credential, revoked), reason="Issued in error.")
        db.session.commit()
    return str(active), str(revoked)
