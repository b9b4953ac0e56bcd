"""Outgoing mail, always sent from a background task.

Header values never carry a line break: names are refused with one at input
(`issuer.fields.SingleLine`), and a value stored before that rule has its breaks turned
into spaces here, so a legacy tenant name cannot inject headers, nor fail every mail.
"""

from __future__ import annotations

import logging
import re
import smtplib
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from celery import shared_task
from flask import current_app

log = logging.getLogger(__name__)
# What email.message refuses in a header, and what a mail client may take for a new line.
_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def one_line(value: str) -> str:
    """`value` fit for a mail header: line breaks and control characters become spaces."""
    return " ".join(_BREAKS.sub(" ", value).split())


def deliver(to: str, subject: str, body: str) -> None:
    """Send one message over SMTP, or log it when no SMTP server is configured.

    A recipient with a line break is an injection attempt, never an address: it is logged
    and nothing is sent.
    """
    settings = current_app.extensions["settings"]
    if one_line(to) != to:
        log.warning("mail not sent: the recipient %r is not one address", to)
        return
    subject = one_line(subject)
    message = EmailMessage()
    message["From"], message["To"] = one_line(settings.mail_sender), to
    message["Subject"] = subject
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
