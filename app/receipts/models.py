from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.core.reminders import ReminderFields
from app.core.time import utcnow
from app.core.types import UTCDateTime
from app.extensions import db
from app.notices.models import Notice
from app.units.models import Unit


class Distribution(db.Model):
    """A notice as sent to one unit: delivery, first opening, receipt (签收), reply."""

    __tablename__ = "distributions"
    __table_args__ = (
        UniqueConstraint("notice_id", "unit_id"),
        # The inbox: one unit's rows and their states, without reading the rest of the table.
        Index("ix_distributions_unit_state", "unit_id", "acknowledged_at", "first_opened_at", "notice_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="RESTRICT"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    role: Mapped[str] = mapped_column(String(8), default="to")  # "to" (主送) or "cc" (抄送)
    delivered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    first_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The reply (回执), by the keys of the notice's reply_fields: {"f1": "王校长", "f2": "0473-1234567",
    # "f4": {"sha256": "…", "filename": "名单.xlsx"}}; a number as a number, a date as YYYY-MM-DD, a file as the
    # stored file and the name it was uploaded with. A field left empty has no key.
    reply_values: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # 份号 of the unit's copy, for a notice distributed in counted copies (Notice.copy_numbers): 1, 2, … in the order
    # it was sent; printed six digits wide on the unit's download.
    copy_number: Mapped[int | None] = mapped_column(Integer)

    notice: Mapped[Notice] = relationship()
    unit: Mapped[Unit] = relationship()
    first_opened_by: Mapped[User | None] = relationship(foreign_keys=[first_opened_by_id])
    acknowledged_by: Mapped[User | None] = relationship(foreign_keys=[acknowledged_by_id])
    reminders: Mapped[list[Reminder]] = relationship(
        back_populates="distribution", cascade="all, delete-orphan", order_by="Reminder.id"
    )

    # The name of who acknowledged, when the request that made the receipt knows it (services.acknowledge): the
    # answer it renders then needs no query for it. Not a column.
    acknowledger_name = None

    def __repr__(self) -> str:
        return f"<Distribution notice={self.notice_id} unit={self.unit_id}>"

    @property
    def acknowledged_by_name(self) -> str:
        """Who acknowledged, by name ("" when nobody has, or the account is gone)."""
        if self.acknowledger_name is not None:
            return self.acknowledger_name
        return self.acknowledged_by.display_name if self.acknowledged_by else ""

    @property
    def reply_items(self) -> list[tuple[dict, object]]:
        """(the field as the notice asks it, its value) for each field of the reply that was given, in the notice's
        order; a date as a date, a file as {"sha256", "filename"}."""
        values = self.reply_values or {}
        items = []
        for spec in self.notice.reply_fields or []:
            value = values.get(spec.get("key"))
            if value is None or value == "":
                continue
            if spec.get("type") == "date":
                try:
                    value = date.fromisoformat(str(value))
                except ValueError:
                    pass  # shown as it was typed
            items.append((spec, value))
        return items

    @property
    def is_overdue(self) -> bool:
        """Not acknowledged, and the notice's 签收期限 has passed."""
        due = self.notice.ack_due_at
        return self.acknowledged_at is None and due is not None and due < utcnow()


class Reminder(ReminderFields, db.Model):
    """A reminder (催办) sent to a unit that has not acknowledged a notice, or to a district bureau that has
    acknowledged it and not forwarded it to its schools (催办转发): one sent after the receipt is one of those."""

    __tablename__ = "reminders"

    distribution_id: Mapped[int] = mapped_column(ForeignKey("distributions.id", ondelete="CASCADE"), index=True)
    distribution: Mapped[Distribution] = relationship(back_populates="reminders")

    @property
    def is_to_forward(self) -> bool:
        """A reminder to forward the notice (sent after the unit acknowledged it), not to acknowledge it."""
        acknowledged = self.distribution.acknowledged_at
        return acknowledged is not None and self.sent_at > acknowledged
