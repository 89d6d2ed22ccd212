from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.core.time import utcnow
from app.core.types import UTCDateTime
from app.extensions import db
from app.notices.models import Notice
from app.units.models import Unit

# Where an entry came from: a notice received through the system (at its 签收), or a document from outside
# (自治区教育厅's PDF, a paper letter scanned), registered by hand.
SOURCES = ("system", "outside")


def format_incoming_number(year: int, serial: int) -> str:
    """收〔2026〕15号: the register's own number, per year, in the brackets of a document number."""
    return f"收\u3014{year}\u3015{serial}号"


class IncomingCounter(db.Model):
    """The next 收文编号 of a register in one year; locked while a number is allocated."""

    __tablename__ = "incoming_counters"

    holder_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    next_serial: Mapped[int] = mapped_column(Integer, default=1)

    def __repr__(self) -> str:
        return f"<IncomingCounter {self.holder_id} {self.year} next={self.next_serial}>"


class IncomingDocument(db.Model):
    """An entry of a register (收文登记簿): the document received, from whom, under what number, when, and the
    register's own number for it."""

    __tablename__ = "incoming_documents"
    __table_args__ = (
        UniqueConstraint("holder_id", "year", "serial"),
        # A notice enters a unit's register once, at its 签收.
        UniqueConstraint("holder_id", "notice_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Whose register: an organ's (the city bureau, a district bureau) or a unit's (a school).
    holder_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    serial: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16))  # one of SOURCES
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id", ondelete="RESTRICT"), index=True)
    sender: Mapped[str] = mapped_column(String(200))  # 来文单位
    sender_number: Mapped[str] = mapped_column(String(100), default="", server_default="")  # 来文字号
    title: Mapped[str] = mapped_column(Text)
    received_on: Mapped[date] = mapped_column(Date)  # 收文日期
    urgency: Mapped[str] = mapped_column(String(8), default="", server_default="")  # 特急 | 加急 | ""
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    holder: Mapped[Unit] = relationship()
    notice: Mapped[Notice | None] = relationship()
    registered_by: Mapped[User] = relationship()
    files: Mapped[list[IncomingFile]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="IncomingFile.position"
    )
    steps: Mapped[list[IncomingStep]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="IncomingStep.id"
    )
    readings: Mapped[list[IncomingReading]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="IncomingReading.position"
    )

    def __repr__(self) -> str:
        return f"<IncomingDocument {self.holder_id} {self.number}>"

    @property
    def number(self) -> str:
        return format_incoming_number(self.year, self.serial)

    @property
    def state(self) -> str:
        """Where its handling stands: registered, proposed (拟办), instructed (批办), in_hand (承办), closed (办结)."""
        actions = {step.action for step in self.steps}
        for action, state in (
            ("closed", "closed"),
            ("assigned", "in_hand"),
            ("instructed", "instructed"),
            ("proposed", "proposed"),
        ):
            if action in actions:
                return state
        return "registered"


class IncomingFile(db.Model):
    """A file of an entry: the PDF, OFD or scan that came, by content hash in the file store."""

    __tablename__ = "incoming_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("incoming_documents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    filename: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(ForeignKey("stored_files.sha256", ondelete="RESTRICT"))

    document: Mapped[IncomingDocument] = relationship(back_populates="files")

    def __repr__(self) -> str:
        return f"<IncomingFile {self.document_id}/{self.position} {self.filename}>"


# The steps of handling a received document (收文办理), in the order they usually come.
STEP_ACTIONS = ("proposed", "instructed", "assigned", "reported", "closed")


class IncomingStep(db.Model):
    """One step of handling an entry: 拟办 (the office proposes how, to which section, by when), 批办 (a leader
    instructs), 承办 (the office gives it to a section or person, by a deadline), a 承办's report of what was done,
    办结 (the office closes it with a summary). Who, when and what, never changed afterwards."""

    __tablename__ = "incoming_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("incoming_documents.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(16))  # one of STEP_ACTIONS
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    text: Mapped[str] = mapped_column(Text, default="", server_default="")
    # 拟办's suggested section, 承办's section: a unit of the register's organ.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"))
    due_on: Mapped[date | None] = mapped_column(Date)
    # A report answers one 承办 step.
    answers_id: Mapped[int | None] = mapped_column(ForeignKey("incoming_steps.id", ondelete="CASCADE"))

    document: Mapped[IncomingDocument] = relationship(back_populates="steps")
    actor: Mapped[User] = relationship()
    unit: Mapped[Unit | None] = relationship()

    def __repr__(self) -> str:
        return f"<IncomingStep {self.document_id} {self.action}>"


class IncomingReading(db.Model):
    """A reader of a document in circulation (传阅): a leader or a section head, in the order the office sent it
    (`position`; in parallel every reader's turn is now), when they read it and what they wrote (阅批)."""

    __tablename__ = "incoming_readings"
    __table_args__ = (UniqueConstraint("document_id", "reader_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("incoming_documents.id", ondelete="CASCADE"), index=True)
    reader_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    in_order: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    sent_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    comment: Mapped[str] = mapped_column(Text, default="", server_default="")

    document: Mapped[IncomingDocument] = relationship(back_populates="readings")
    reader: Mapped[User] = relationship(foreign_keys=[reader_id])

    def __repr__(self) -> str:
        return f"<IncomingReading {self.document_id} {self.reader_id} read={self.read_at is not None}>"
