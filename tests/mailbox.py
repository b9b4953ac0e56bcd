"""A real SMTP server (aiosmtpd) on a free local port that keeps what it receives."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

TOKEN = re.compile(r"^([A-Za-z0-9_-]{40,})\r?$", re.MULTILINE)


@dataclass
class Mailbox:
    """Messages received over SMTP, newest last."""

    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if m["To"] == address]

    def token(self, address: str) -> str:
        """The token in the newest message to `address`."""
        messages = self.to(address)
        assert messages, f"no mail to {address}"
        body = messages[-1].get_content()
        found = TOKEN.search(body)
        assert found, f"no token in: {body}"
        return found.group(1)


@pytest.fixture
def mailbox(app: Flask) -> Iterator[Mailbox]:
    """Deliver the app's mail to a real local SMTP server for the test's duration."""
    box = Mailbox()
    with socket.socket() as probe:  # a free port (aiosmtpd checks readiness by connecting)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings = app.extensions["settings"]
        app.extensions["settings"] = replace(settings, smtp_url=f"smtp://127.0.0.1:{port}")
        yield box
    finally:
        controller.stop()
