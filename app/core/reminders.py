"""The one shape of a reminder (催办 of a notice, 督办 of a task): its columns, and emailing it after it is saved."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from app.core.mail import MailSettings, send_batch
from app.core.time import utcnow
from app.core.types import UTCDateTime
from app.extensions import db


class ReminderFields:
    """What every reminder model has: who sent it and when, what it says, where it was emailed and what failed.

    Each model adds its table and its link to what it is about (a distribution, an assignment).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    sent_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    message: Mapped[str] = mapped_column(Text, default="", server_default="")
    emailed_to: Mapped[str] = mapped_column(String(200), default="", server_default="")
    email_error: Mapped[str] = mapped_column(Text, default="", server_default="")

    @declared_attr
    def sent_by(cls):
        # By name: the accounts package stands above this one (app.auth.models.User).
        return relationship("User")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id} {self.sent_at:%Y-%m-%d}>"

    @classmethod
    def newest_first(cls, about, *where, load=(), limit: int | None = None) -> list:
        """This model's reminders, joined to the model they are `about` and filtered on it, newest first; `load`:
        the loader options of what the caller shows."""
        query = select(cls).join(about).where(*where).options(*load).order_by(cls.sent_at.desc(), cls.id.desc())
        if limit is not None:
            query = query.limit(limit)
        return list(db.session.scalars(query).unique())


def email_reminders(
    reminders: Sequence[ReminderFields],
    *,
    subject: Callable[[ReminderFields], str],
    body: Callable[[ReminderFields], str],
    mail: MailSettings,
) -> None:
    """Email the reminders that have an address, once they are saved: a slow or failing mail server loses nothing.

    Each failure is recorded on its reminder (and committed); the reminder in the inbox stands either way.
    """
    outgoing = [(r.emailed_to, subject(r), body(r)) for r in reminders if r.emailed_to]
    errors = send_batch(mail, outgoing)
    if errors:
        for reminder in reminders:
            if reminder.emailed_to in errors:
                reminder.email_error = errors[reminder.emailed_to][:1000]
        db.session.commit()
