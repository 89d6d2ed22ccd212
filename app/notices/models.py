from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
    select,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.core.time import utcnow
from app.core.types import UTCDateTime
from app.documents.gongwen import KINDS
from app.extensions import db
from app.units.addressees import Addressees, AddresseesType
from app.units.models import Organ, Unit
from app.units.organs import organ_id_on


class NoticeStatus(enum.StrEnum):
    draft = "draft"
    in_review = "in_review"
    approved = "approved"
    signed = "signed"
    issued = "issued"

    @property
    def title(self) -> str:
        return str(STATUS_TITLES[self])


STATUS_TITLES = {
    NoticeStatus.draft: _l("Draft"),
    NoticeStatus.in_review: _l("In review"),
    NoticeStatus.approved: _l("Approved"),
    NoticeStatus.signed: _l("Signed"),
    NoticeStatus.issued: _l("Issued"),
}
RETURNED_TITLE = _l("Returned")

# The kinds of a field a reply (回执) may ask for; receipts validates each.
REPLY_FIELD_TYPES = ("text", "number", "phone", "date", "file")
REPLY_FIELD_TITLES = {
    "text": _l("Text"),
    "number": _l("Number"),
    "phone": _l("Phone number"),
    "date": _l("Date"),
    "file": _l("File"),
}

# GB/T 9704 §10: 文件, 信函 (函 to other organs), 纪要 (meeting minutes); each has its own layout.
NOTICE_KINDS = KINDS
KIND_TITLES = {
    "文件": _l("文件 (a notice)"),
    "信函": _l("信函 (a letter to another organ)"),
    "纪要": _l("纪要 (minutes)"),
}
URGENCY_TITLES = {"": _l("Not urgent"), "特急": _l("特急 (extra urgent)"), "加急": _l("加急 (urgent)")}
DISCLOSURE_TITLES = {
    "": _l("Not stated"),
    "主动公开": _l("主动公开 (published)"),
    "依申请公开": _l("依申请公开 (on request)"),
    "不予公开": _l("不予公开 (not disclosed)"),
}


def format_document_number(organ_code: str, year: int, serial: int) -> str:
    """乌教发〔2023〕75号: hexagonal brackets U+3014/U+3015, no leading zero, no 第."""
    return f"{organ_code}\u3014{year}\u3015{serial}号"


class DocumentSeries(db.Model):
    """A run of document numbers for one organ code (乌教发), counted per year."""

    __tablename__ = "document_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    organ_code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"))
    # The red mark printed at the top: 乌海市教育局文件.
    header_mark: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # The series' chain of steps (the admin's choice): 核稿 by one or two people, 会签 none/optional/required, 签发.
    review_count: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    countersign: Mapped[str] = mapped_column(String(16), default="optional", server_default="optional")

    unit: Mapped[Unit] = relationship()
    counters: Mapped[list[SerialCounter]] = relationship(
        back_populates="series", cascade="all, delete-orphan", order_by="SerialCounter.year"
    )

    def __repr__(self) -> str:
        return f"<DocumentSeries {self.organ_code}>"


class SerialCounter(db.Model):
    """The next serial of a series in one year; locked while a number is allocated."""

    __tablename__ = "serial_counters"

    series_id: Mapped[int] = mapped_column(ForeignKey("document_series.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    next_serial: Mapped[int] = mapped_column(Integer, default=1)

    series: Mapped[DocumentSeries] = relationship(back_populates="counters")

    def __repr__(self) -> str:
        return f"<SerialCounter {self.series_id} {self.year} next={self.next_serial}>"


class Notice(db.Model):
    """An official document (公文) from first draft to issue; frozen once issued."""

    __tablename__ = "notices"
    __table_args__ = (
        UniqueConstraint("series_id", "year", "serial"),
        # Inboxes and lists: issued notices, newest first.
        Index("ix_notices_status_issued", "status", "issued_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The organ whose notice it is: its staff draft, review, sign and issue it, and only they see it before it is
    # issued (app/units/organs.py). Nullable only because SQLite cannot add a NOT NULL reference in place; a notice
    # is never saved without one (add_draft, and the series' organ otherwise).
    organ_id: Mapped[int | None] = mapped_column(ForeignKey("organs.unit_id", ondelete="RESTRICT"), index=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("document_series.id", ondelete="RESTRICT"))
    year: Mapped[int | None] = mapped_column(Integer)
    serial: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16), default="文件", server_default="文件")
    title: Mapped[str] = mapped_column(Text)
    # The groups and units picked, in printed order (stored as [{"group": id}, {"unit": id}, ...]).
    addressees: Mapped[Addressees] = mapped_column(AddresseesType, default=Addressees)
    # As printed: 各区教育局、直属各学校（单位）、局机关各科室：
    addressee_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    cc: Mapped[Addressees] = mapped_column(AddresseesType, default=Addressees)
    cc_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    body: Mapped[str] = mapped_column(Text, default="", server_default="")
    signature_organ: Mapped[str] = mapped_column(String(200), default="", server_default="")
    signed_on: Mapped[date | None] = mapped_column(Date)  # 成文日期
    with_seal: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    note: Mapped[str] = mapped_column(Text, default="", server_default="")  # 附注
    imprint_organ: Mapped[str] = mapped_column(String(200), default="", server_default="")
    imprinted_on: Mapped[date | None] = mapped_column(Date)  # 印发日期
    label_documents_as_attachments: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The elements of GB/T 9704 a notice may carry (app/documents/gongwen.py GongwenData says how each prints).
    urgency: Mapped[str] = mapped_column(String(8), default="", server_default="")  # 特急 | 加急 | ""
    # 份号: each unit's copy numbered (Distribution.copy_number), in the order the notice is sent.
    copy_numbers: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # 密级 and 保密期限: refused unless the network is approved for classified documents (setting classified_network).
    classification: Mapped[str] = mapped_column(String(8), default="", server_default="")
    classification_period: Mapped[str] = mapped_column(String(20), default="", server_default="")
    # A 上行文 (请示, 报告 to a higher organ) prints 签发人: the names in `signers`, in order; the 签发 step adds
    # the person who signs.
    upward: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    signers: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    # 联合行文: the other issuing organs, in order: [{"name": "乌海市财政局", "signer": "李明"}], the lead being the
    # series' organ; "signer" is who signed (签发) for that organ, as the secretary records it.
    joint_organs: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    # 公开属性: 主动公开 | 依申请公开 | 不予公开 (with its reason) | "".
    disclosure: Mapped[str] = mapped_column(String(16), default="", server_default="")
    disclosure_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # A 纪要's meeting: {"date": "2023-03-01", "place": "…", "chair": "…", "attendees": [...], "observers": [...],
    # "absent": [...]}; empty for the other kinds.
    meeting: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    reply_requested: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # What a unit's reply (回执) asks for, in order: [{"key": "f1", "label": "参加人员", "type": "text",
    # "required": true}, ...], type one of REPLY_FIELD_TYPES. A notice asks for a reply (reply_requested) when it has
    # fields; an old one that asks without fields wants only the 签收.
    reply_fields: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    ack_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default=NoticeStatus.draft.value, index=True)
    # A draft sent back (核稿 退回 or 签发 declined) until it is submitted again: lists show it as 退回.
    is_returned: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id", ondelete="RESTRICT"))
    # A 转发通知 forwards this received notice: its issued PDF is the forwarding notice's 附件, byte for byte.
    forwards_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id", ondelete="RESTRICT"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The rendering frozen at issue, served byte for byte afterwards.
    docx_sha256: Mapped[str | None] = mapped_column(ForeignKey("stored_files.sha256", ondelete="RESTRICT"))
    pdf_sha256: Mapped[str | None] = mapped_column(ForeignKey("stored_files.sha256", ondelete="RESTRICT"))

    series: Mapped[DocumentSeries | None] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    corrects: Mapped[Notice | None] = relationship(remote_side=[id], foreign_keys=[corrects_id])
    forwards: Mapped[Notice | None] = relationship(remote_side=[id], foreign_keys=[forwards_id])
    organ: Mapped[Organ | None] = relationship()
    documents: Mapped[list[NoticeDocument]] = relationship(
        back_populates="notice", cascade="all, delete-orphan", order_by="NoticeDocument.position"
    )
    attachments: Mapped[list[NoticeAttachment]] = relationship(
        back_populates="notice", cascade="all, delete-orphan", order_by="NoticeAttachment.position"
    )
    events: Mapped[list[NoticeEvent]] = relationship(
        back_populates="notice", cascade="all, delete-orphan", order_by="NoticeEvent.id"
    )
    translations: Mapped[list[NoticeTranslation]] = relationship(
        back_populates="notice", cascade="all, delete-orphan", order_by="NoticeTranslation.version"
    )
    countersigns: Mapped[list[Countersign]] = relationship(
        back_populates="notice", cascade="all, delete-orphan", order_by="Countersign.id"
    )

    # Optimistic locking: an UPDATE that finds another version changes nothing.
    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Notice {self.id} {self.number or 'draft'}>"

    @property
    def number(self) -> str | None:
        if self.series is None or self.serial is None or self.year is None:
            return None
        return format_document_number(self.series.organ_code, self.year, self.serial)

    @property
    def state(self) -> str:
        """The status as lists show it: a draft sent back is "returned" (退回) until it is submitted again."""
        return "returned" if self.is_returned and self.status == NoticeStatus.draft else self.status

    @property
    def status_title(self) -> str:
        if self.state == "returned":
            return str(RETURNED_TITLE)
        return NoticeStatus(self.status).title

    @property
    def is_issued(self) -> bool:
        return self.status == NoticeStatus.issued


class NoticeDocument(db.Model):
    """A document distributed by an 印发通知 (the measures of the seed notice)."""

    __tablename__ = "notice_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text, default="")

    notice: Mapped[Notice] = relationship(back_populates="documents")

    def __repr__(self) -> str:
        return f"<NoticeDocument {self.notice_id}/{self.position} {self.title[:20]}>"


class NoticeAttachment(db.Model):
    """A file attached to a notice (附件), listed in the 附件说明."""

    __tablename__ = "notice_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(Text)
    filename: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(ForeignKey("stored_files.sha256", ondelete="RESTRICT"))
    # A .docx or PDF printed after the text as 附件 pages (§7.3.7); otherwise a separate download.
    print_as_pages: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    notice: Mapped[Notice] = relationship(back_populates="attachments")

    def __repr__(self) -> str:
        return f"<NoticeAttachment {self.notice_id}/{self.position} {self.filename}>"


class NoticeTranslation(db.Model):
    """Another language's version of a notice (the Mongolian one), in numbered versions.

    A draft's translation is one version, edited in place. When the notice is issued its translation is frozen
    (frozen_at, its .docx stored) like the notice; a later correction is a new version, frozen when saved, and every
    frozen version's files stay downloadable as they were.
    """

    __tablename__ = "notice_translations"
    __table_args__ = (UniqueConstraint("notice_id", "language", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(16))  # "mn"
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    docx_sha256: Mapped[str | None] = mapped_column(String(64))  # the frozen .docx, in the file store
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))  # its PDF, made once
    title: Mapped[str] = mapped_column(Text, default="")
    addressee_text: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    signature_organ: Mapped[str] = mapped_column(Text, default="")
    # The other elements of the 公文, in the translation's words: 附注, the 版记's 抄送 and 印发机关, the 附件说明's
    # names (in the order of the notice's attachments) and the distributed documents ([{"title": …, "body": …}]).
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    cc_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    imprint_organ: Mapped[str] = mapped_column(Text, default="", server_default="")
    attachment_titles: Mapped[list] = mapped_column(JSON, default=list)
    documents: Mapped[list] = mapped_column(JSON, default=list)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    review_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    translator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    notice: Mapped[Notice] = relationship(back_populates="translations")
    translator: Mapped[User | None] = relationship()

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    def __repr__(self) -> str:
        return f"<NoticeTranslation {self.notice_id} {self.language} v{self.version}>"


class NoticeEvent(db.Model):
    """One step of a notice's workflow: who did what, when, with what comment."""

    __tablename__ = "notice_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    action: Mapped[str] = mapped_column(String(32))
    comment: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    notice: Mapped[Notice] = relationship(back_populates="events")
    actor: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<NoticeEvent {self.notice_id} {self.action}>"


class Countersign(db.Model):
    """A section asked to countersign (会签) a notice before it is signed off: the person chosen in that section
    agrees or disagrees, with a comment. The rows are the current round's; a draft sent back starts afresh (its
    history keeps every answer as an event)."""

    __tablename__ = "countersigns"
    __table_args__ = (
        UniqueConstraint("notice_id", "unit_id"),
        # 待办: the requests waiting for one person.
        Index("ix_countersigns_assignee_open", "assignee_id", "answered_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"))
    assignee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    is_agreed: Mapped[bool | None] = mapped_column(Boolean)  # None until answered
    comment: Mapped[str] = mapped_column(Text, default="", server_default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    notice: Mapped[Notice] = relationship(back_populates="countersigns")
    unit: Mapped[Unit] = relationship()
    assignee: Mapped[User] = relationship(foreign_keys=[assignee_id])
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    def __repr__(self) -> str:
        return f"<Countersign notice={self.notice_id} unit={self.unit_id} agreed={self.is_agreed}>"


@event.listens_for(Notice, "before_insert")
def _notice_organ(_mapper, connection, notice: Notice) -> None:
    """A notice made without an organ (a script's, a fixture's) is its series' organ's, else its author's."""
    if notice.organ_id is None and notice.series_id is not None:
        notice.organ_id = connection.scalar(select(DocumentSeries.unit_id).where(DocumentSeries.id == notice.series_id))
    if notice.organ_id is None:
        author_unit = connection.scalar(select(User.unit_id).where(User.id == notice.author_id))
        notice.organ_id = organ_id_on(connection, author_unit)
