"""Email through the configured SMTP server (MAIL_SERVER, MAIL_PORT, MAIL_SENDER).

One connection for a whole batch; a message that cannot be sent is reported back, never raised: what the email
accompanies (a reminder in the unit's inbox) stands either way.
"""

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid


@dataclass(frozen=True)
class MailSettings:
    server: str
    port: int
    sender: str

    @classmethod
    def from_config(cls, config) -> "MailSettings":
        return cls(config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_SENDER"])


def send_batch(mail: MailSettings, messages: list[tuple[str, str, str]]) -> dict[str, str]:
    """Send (to, subject, body) messages; return {to: error} for those that failed."""
    errors: dict[str, str] = {}
    if not messages:
        return errors
    server, port, sender = mail.server, mail.port, mail.sender
    if not server:
        return {to: "no MAIL_SERVER configured" for to, _subject, _body in messages}
    try:
        connection = smtplib.SMTP(server, port, timeout=15)
    except (OSError, smtplib.SMTPException) as exc:
        return {to: f"cannot reach {server}:{port}: {exc}" for to, _subject, _body in messages}
    with connection:
        for to, subject, body in messages:
            message = EmailMessage()
            message["From"] = formataddr(("乌海市教育局", sender))
            message["To"] = to
            message["Subject"] = subject
            message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "localhost")
            message.set_content(body)
            try:
                connection.send_message(message)
            except smtplib.SMTPException as exc:
                errors[to] = str(exc)
    return errors
