"""The 收文 register: who holds which, numbering, registering a document from outside or a notice at its 签收.

Every organ (the city bureau, a district bureau) and every unit that receives (a school) keeps its register. An
organ's people read and keep their organ's; anyone else their unit's. A notice received through the system enters
its unit's register when the unit acknowledges it (receipts sends notice_acknowledged); a document from outside is
registered by hand, with its files. Each entry gets the register's own number, 收〔2026〕15号, per year, unique and
without gaps however many register at once (the counter row is locked, as document numbers are).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from app.auth.models import name_of
from app.core.access import Role, permission
from app.core.audit import record
from app.core.files import JPEG, OFD, PDF, PNG, FileRejected, store_upload
from app.core.time import CHINA, utcnow
from app.extensions import db
from app.incoming.models import IncomingCounter, IncomingDocument, IncomingFile
from app.notices.models import Notice

# What comes from outside: the PDF or OFD file, or a scan of the paper.
INCOMING_FILE_KINDS = (PDF, OFD, JPEG, PNG)
URGENCIES = ("", "特急", "加急")


class IncomingError(ValueError):
    """A registration the rules refuse; the message is for the person registering."""


def holder_of(user) -> int:
    """Whose register the person keeps and reads: their organ's for an organ's people, else their unit's."""
    if user.is_bureau_user and user.organ_id is not None:
        return user.organ_id
    return user.unit_id


@permission("incoming.register")
def may_register(user, _obj=None) -> bool:
    """The office registers: an organ's secretaries, a unit's clerks."""
    return user.has_role(Role.secretary, Role.clerk)


def _insert_ignoring_conflict(values: dict):
    module = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return module.insert(IncomingCounter).values(**values).on_conflict_do_nothing()


def allocate_serial(holder_id: int, year: int) -> int:
    """The register's next number in that year, unique and without gaps: the counter row is locked until the
    transaction ends (FOR UPDATE on PostgreSQL; SQLite's write lock, which a POST takes at BEGIN IMMEDIATE), so two
    registrations at once get consecutive numbers and a rolled-back one gives its number back."""
    db.session.execute(_insert_ignoring_conflict({"holder_id": holder_id, "year": year, "next_serial": 1}))
    counter = db.session.execute(
        select(IncomingCounter)
        .where(IncomingCounter.holder_id == holder_id, IncomingCounter.year == year)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    serial = counter.next_serial
    counter.next_serial = serial + 1
    return serial


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


@dataclass
class OutsideDocument:
    """A document from outside the system, as the office registers it."""

    sender: str  # 来文单位: 内蒙古自治区教育厅
    title: str
    received_on: date
    sender_number: str = ""  # 来文字号: 内教基字〔2026〕12号
    urgency: str = ""
    files: list[Upload] = field(default_factory=list)


def register_outside(actor, data: OutsideDocument, *, max_bytes: int) -> IncomingDocument:
    """Register a document from outside in the actor's register, with its files; commits. Refused, changing nothing,
    without a sender or title, or for a file that is not a PDF, OFD or scan."""
    if not may_register(actor):
        raise IncomingError(_("The office registers what comes in: a secretary or a clerk."))
    if not data.sender.strip() or not data.title.strip():
        raise IncomingError(_("Say who sent it and what it is: 来文单位 and 标题."))
    if data.urgency not in URGENCIES:
        raise IncomingError(_("Unknown urgency."))
    stored = []
    for upload in data.files:
        try:
            stored.append(
                (upload.filename, store_upload(upload.data, allowed=INCOMING_FILE_KINDS, max_bytes=max_bytes))
            )
        except FileRejected as exc:
            raise IncomingError(_("%(name)s: %(reason)s", name=upload.filename, reason=str(exc))) from exc
    holder = holder_of(actor)
    entry = IncomingDocument(
        holder_id=holder,
        year=data.received_on.year,
        serial=allocate_serial(holder, data.received_on.year),
        source="outside",
        sender=data.sender.strip(),
        sender_number=data.sender_number.strip(),
        title=data.title.strip(),
        received_on=data.received_on,
        urgency=data.urgency,
        registered_by_id=actor.id,
    )
    for position, (filename, file) in enumerate(stored):
        entry.files.append(IncomingFile(position=position, filename=filename[:255], file_sha256=file.sha256))
    db.session.add(entry)
    db.session.flush()
    record(actor, "incoming.register", entry, number=entry.number, title=entry.title)
    db.session.commit()
    return entry


def register_received(notice: Notice, *, holder_id: int, actor_id: int, received_at) -> IncomingDocument | None:
    """A notice acknowledged by a unit enters that unit's register, in the acknowledging transaction (the caller
    commits); once: a notice already in the register is left as it is."""
    existing = db.session.scalar(
        select(IncomingDocument.id).where(
            IncomingDocument.holder_id == holder_id, IncomingDocument.notice_id == notice.id
        )
    )
    if existing is not None:
        return None
    received_on = received_at.astimezone(CHINA).date()
    entry = IncomingDocument(
        holder_id=holder_id,
        year=received_on.year,
        serial=allocate_serial(holder_id, received_on.year),
        source="system",
        notice_id=notice.id,
        sender=notice.organ.name if notice.organ is not None else notice.signature_organ,
        sender_number=notice.number or "",
        title=notice.title,
        received_on=received_on,
        urgency=notice.urgency,
        registered_by_id=actor_id,
        registered_at=received_at,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


# Reading the register


@dataclass
class RegisterFilter:
    year: int | None = None
    q: str = ""


def register_query(holder_id: int, filters: RegisterFilter):
    """The register's entries, the newest number first, with who registered them (one query for a page)."""
    query = (
        select(IncomingDocument)
        .where(IncomingDocument.holder_id == holder_id)
        .options(name_of(IncomingDocument.registered_by), selectinload(IncomingDocument.files))
    )
    if filters.year:
        query = query.where(IncomingDocument.year == filters.year)
    for word in filters.q.split():
        pattern = IncomingDocument.title.contains(word, autoescape=True) | IncomingDocument.sender.contains(
            word, autoescape=True
        )
        query = query.where(pattern | IncomingDocument.sender_number.contains(word, autoescape=True))
    return query.order_by(IncomingDocument.year.desc(), IncomingDocument.serial.desc())


def register_years(holder_id: int) -> list[int]:
    years = set(
        db.session.scalars(select(IncomingDocument.year).where(IncomingDocument.holder_id == holder_id).distinct())
    )
    years.add(utcnow().astimezone(CHINA).year)
    return sorted(years, reverse=True)


def count_entries(holder_id: int, filters: RegisterFilter) -> int:
    return db.session.scalar(
        select(func.count()).select_from(register_query(holder_id, filters).order_by(None).subquery())
    )


def visible_entry(user, entry_id: int) -> IncomingDocument | None:
    """An entry of the person's own register, else None (another organ's or unit's register is not theirs)."""
    entry = db.session.get(IncomingDocument, entry_id)
    return entry if entry is not None and entry.holder_id == holder_of(user) else None
