"""Outgoing mail, always sent from a background task."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from celery import shared_task
from flask import current_app

log = logging.getLogger(__name__)


def deliver(to: str, subject: str, body: str) -> None:
    """Send one message over SMTP, or log it when no SMTP server is configured."""
    settings = current_app.extensions["settings"]
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.mail_sender, to, subject
    message.set_content(body)
    if settings.smtp_url is None:
        log.info("mail (no SMTP configured) to=%s subject=%s\n%s", to, subject, body)
        return
    url = urlsplit(settings.smtp_url)
    smtp_class = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
    with smtp_class(url.hostname or "localhost", url.port or 0, timeout=30) as smtp:
        if url.scheme == "smtp+starttls":
            smtp.starttls()
        if url.username:
            smtp.login(unquote(url.username), unquote(url.password or ""))
        smtp.send_message(message)


# Retries wait at most a minute: a countdown past the broker's visibility timeout would be
# handed to a second worker, and the mail sent twice.
@shared_task(
    name="mail.deliver",
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=5,
)
def deliver_task(to: str, subject: str, body: str) -> None:
    deliver(to, subject, body)
