"""How e-mail leaves: over SMTP (``SMTP_HOST``), or, with no SMTP server configured, as
``.eml`` files in ``AURUM_DATA_DIR/mail`` (the embedded mode; ``aurum mail`` lists
them, any mail client opens them). Compose runs a local mail catcher (Mailpit) as the
SMTP server in development.
"""

from __future__ import annotations

import re
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib

from app.core.config import Settings


def mail_dir(settings: Settings) -> Path:
    return settings.data_dir / "mail"


class MailTransport:
    name = "smtp"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def send(self, message: EmailMessage, *, at: datetime) -> str:
        s = self.settings
        await aiosmtplib.send(
            message,
            hostname=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_username or None,
            password=s.smtp_password or None,
            start_tls=s.smtp_starttls,
            timeout=s.smtp_timeout_seconds,
        )
        return f"smtp://{s.smtp_host}:{s.smtp_port}"


class FileTransport:
    """Writes each message as an ``.eml`` file: nothing is sent anywhere."""

    name = "file"

    def __init__(self, settings: Settings) -> None:
        self.directory = mail_dir(settings)

    async def send(self, message: EmailMessage, *, at: datetime) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", str(message["Message-ID"]).strip("<>"))[:80]
        path = self.directory / f"{at:%Y%m%dT%H%M%S}-{safe}.eml"
        path.write_bytes(bytes(message))
        return str(path.name)


def transport_for(settings: Settings) -> MailTransport | FileTransport:
    return MailTransport(settings) if settings.smtp_host else FileTransport(settings)
