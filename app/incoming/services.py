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
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select
from sqlalchemy.orm import aliased, contains_eager, selectinload

from app.auth.models import User, name_of
from app.core.access import Role, permission
from app.core.audit import record
from app.core.files import JPEG, OFD, PDF, PNG, FileRejected, store_upload
from app.core.time import CHINA, utcnow
from app.database import insert_ignoring_conflict
from app.extensions import db
from app.incoming.models import IncomingCounter, IncomingDocument, IncomingFile, IncomingReading, IncomingStep
from app.notices.models import URGENCY_TITLES, Notice
from app.units.models import Unit, UnitKind
from app.units.organs import organ_ids_of_units

# What comes from outside: the PDF or OFD file, or a scan of the paper.
INCOMING_FILE_KINDS = (PDF, OFD, JPEG, PNG)
URGENCIES = tuple(URGENCY_TITLES)  # "", 特急, 加急


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


def allocate_serial(holder_id: int, year: int) -> int:
    """The register's next number in that year, unique and without gaps: the counter row is locked until the
    transaction ends (FOR UPDATE on PostgreSQL; SQLite's write lock, which a POST takes at BEGIN IMMEDIATE), so two
    registrations at once get consecutive numbers and a rolled-back one gives its number back."""
    db.session.execute(
        insert_ignoring_conflict(IncomingCounter, {"holder_id": holder_id, "year": year, "next_serial": 1})
    )
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


# Handling (办理): 拟办 → 批办 → 承办 (and its reports) → 办结


@dataclass
class StepData:
    """What a step says: its text (a proposal, an instruction, a report, a summary), the section it names (拟办's
    suggestion, 承办's section), a deadline, and for a report the 承办 it answers."""

    text: str = ""
    unit_id: int | None = None
    due_on: date | None = None
    answers_id: int | None = None


OFFICE_ROLES = (Role.secretary, Role.clerk)
# Who takes each step: the office proposes, gives it out and closes it; a leader (签发's holder, 局长) instructs; a
# person of the section it was given to reports.
STEP_ROLES = {
    "proposed": OFFICE_ROLES,
    "instructed": (Role.signer,),
    "assigned": OFFICE_ROLES,
    "closed": OFFICE_ROLES,
}
STATE_TITLES = {
    "registered": _l("Registered"),
    "proposed": _l("Proposed (拟办)"),
    "instructed": _l("Instructed (批办)"),
    "in_hand": _l("Being handled (承办)"),
    "closed": _l("Closed (办结)"),
}
STEP_TITLES = {
    "proposed": _l("Proposal (拟办)"),
    "instructed": _l("Instruction (批办)"),
    "assigned": _l("Given to (承办)"),
    "reported": _l("Report (承办情况)"),
    "closed": _l("Closed (办结)"),
}


def handling_units(entry: IncomingDocument) -> list[Unit]:
    """Who within the register's organ or unit may be given the work (承办): the holder itself and its own sections
    (局机关各科室); the schools it governs receive notices instead, not 承办 of its 收文."""
    units = db.session.scalars(select(Unit).where(Unit.is_active.is_(True)).order_by(Unit.sort_order, Unit.id)).all()
    organ_of_unit = organ_ids_of_units()
    return [
        u
        for u in units
        if u.id == entry.holder_id or (u.kind == UnitKind.section and organ_of_unit.get(u.id) == entry.holder_id)
    ]


def open_assignments(user, entry: IncomingDocument) -> list[IncomingStep]:
    """The 承办 steps of the entry given to the person's unit and not reported on yet: what they may report."""
    reported = {s.answers_id for s in entry.steps if s.action == "reported"}
    return [s for s in entry.steps if s.action == "assigned" and s.unit_id == user.unit_id and s.id not in reported]


def available_steps(user, entry: IncomingDocument) -> list[str]:
    """The steps this person may take on the entry now (for its page's forms)."""
    if entry.state == "closed" or entry.holder_id != holder_of(user):
        return []
    # Closing straight away is allowed: a document for information only (阅知) needs no 承办.
    steps = [action for action, roles in STEP_ROLES.items() if user.has_role(*roles)]
    if open_assignments(user, entry):
        steps.append("reported")
    return steps


def take_step(actor, entry: IncomingDocument, action: str, data: StepData) -> IncomingStep:
    """One step of handling, recorded with who, when and what; commits. Refused, changing nothing, for someone who
    may not take it now, a step without what it needs (a proposal's text, an instruction, the section a 承办 goes
    to, a report's text, a closing summary), or a section outside the register's organ."""
    if action not in STEP_TITLES:
        raise IncomingError(_("Unknown step."))
    if action not in available_steps(actor, entry):
        if entry.state == "closed":
            raise IncomingError(_("This document is closed (办结): nothing more is done with it."))
        raise IncomingError(_("This step is not yours to take."))
    text = (data.text or "").strip()
    unit_id = data.unit_id or None
    if action in ("proposed", "instructed", "reported", "closed") and not text:
        raise IncomingError(_("Write what you propose, instruct, did or concluded: the step needs its text."))
    if action == "assigned" and unit_id is None:
        raise IncomingError(_("Choose the section or unit it is given to."))
    if unit_id is not None and unit_id not in {u.id for u in handling_units(entry)}:
        raise IncomingError(_("Choose one of your own organ's sections or units."))
    answers_id = None
    if action == "reported":
        open_ids = [s.id for s in open_assignments(actor, entry)]
        answers_id = data.answers_id if data.answers_id in open_ids else (open_ids[0] if len(open_ids) == 1 else None)
        if answers_id is None:
            raise IncomingError(_("Say which 承办 this report answers."))
        unit_id = actor.unit_id
    step = IncomingStep(
        action=action,
        actor_id=actor.id,
        text=text,
        unit_id=unit_id,
        due_on=data.due_on if action in ("proposed", "assigned") else None,
        answers_id=answers_id,
    )
    entry.steps.append(step)
    db.session.flush()
    record(actor, f"incoming.{action}", entry, number=entry.number)
    db.session.commit()
    return step


# 传阅: circulation to leaders and sections, in parallel or in order


def circulation_readers(entry: IncomingDocument) -> list:
    """Who the office may send it round to: the active people of the register's organ or unit who hold a role of it
    (its leaders, section heads and staff), by name."""
    organ_of_unit = organ_ids_of_units()
    people = db.session.scalars(
        select(User).where(User.is_active_account.is_(True)).order_by(User.display_name, User.id)
    ).all()
    return [
        p
        for p in people
        if p.is_bureau_user and (p.unit_id == entry.holder_id or organ_of_unit.get(p.unit_id) == entry.holder_id)
    ]


def circulate(actor, entry: IncomingDocument, reader_ids: list[int], *, in_order: bool) -> list[IncomingReading]:
    """Send the entry round to these readers (in the order given when in_order); commits. Readers it was sent to
    already are not added twice. Refused for someone not of the office, a closed entry, or a reader outside it."""
    if entry.holder_id != holder_of(actor) or not actor.has_role(*OFFICE_ROLES):
        raise IncomingError(_("The office sends a document round: a secretary or a clerk."))
    if entry.state == "closed":
        raise IncomingError(_("This document is closed (办结): nothing more is done with it."))
    allowed = {p.id for p in circulation_readers(entry)}
    wanted = [i for i in dict.fromkeys(reader_ids) if i]
    if not wanted:
        raise IncomingError(_("Choose who reads it."))
    if any(i not in allowed for i in wanted):
        raise IncomingError(_("Choose readers of your own organ."))
    already = {r.reader_id for r in entry.readings}
    start = max((r.position for r in entry.readings), default=0)
    made = []
    for offset, reader_id in enumerate(i for i in wanted if i not in already):
        reading = IncomingReading(
            reader_id=reader_id, position=start + offset + 1, in_order=in_order, sent_by_id=actor.id
        )
        entry.readings.append(reading)
        made.append(reading)
    db.session.flush()
    record(actor, "incoming.circulate", entry, number=entry.number, readers=[r.reader_id for r in made])
    db.session.commit()
    return made


def reading_due(user, entry: IncomingDocument) -> IncomingReading | None:
    """The person's reading of the entry if it is their turn now: sent in parallel, or in order and every reader
    before them has read it."""
    for reading in entry.readings:
        if reading.read_at is not None:
            continue
        if reading.reader_id == user.id:
            return reading
        if reading.in_order:
            return None  # someone before them in the order has not read it yet
    return None


def mark_read(user, entry: IncomingDocument, comment: str = "") -> IncomingReading:
    """阅: the reader marks it read, with what they write (阅批); commits. Once: a second time changes nothing."""
    reading = reading_due(user, entry)
    if reading is None:
        raise IncomingError(_("It is not for you to read now."))
    reading.read_at = utcnow()
    reading.comment = (comment or "").strip()
    record(user, "incoming.read", entry, number=entry.number)
    db.session.commit()
    return reading


def readings_due_for(user) -> list[IncomingReading]:
    """The person's unread readings whose turn has come, oldest first: two queries however many (their readings,
    then the readings of those documents, to know the turn)."""
    mine = db.session.scalars(
        select(IncomingReading)
        .where(IncomingReading.reader_id == user.id, IncomingReading.read_at.is_(None))
        .options(selectinload(IncomingReading.document).selectinload(IncomingDocument.readings))
        .order_by(IncomingReading.sent_at, IncomingReading.id)
    ).all()
    return [r for r in mine if reading_due(user, r.document) is r]


# What waits for whom (the 待办)


def _has_step(action: str):
    """Whether the document (the outer query's) has a step of this action: an alias of its own, so that it can
    stand in a query over steps too."""
    step = aliased(IncomingStep)
    return exists().where(step.document_id == IncomingDocument.id, step.action == action)


def awaiting_instruction(user) -> list[IncomingDocument]:
    """For a leader of the register's organ: the documents proposed (拟办) and not yet instructed (批办)."""
    return list(
        db.session.scalars(
            select(IncomingDocument)
            .where(
                IncomingDocument.holder_id == holder_of(user),
                _has_step("proposed"),
                ~_has_step("instructed"),
                ~_has_step("closed"),
            )
            .order_by(IncomingDocument.registered_at, IncomingDocument.id)
        )
    )


def awaiting_report(user) -> list[IncomingStep]:
    """For the people of a section: the 承办 given to it and not reported on, the soonest deadline first."""
    report = aliased(IncomingStep)
    return list(
        db.session.scalars(
            select(IncomingStep)
            .join(IncomingDocument, IncomingDocument.id == IncomingStep.document_id)
            .where(
                IncomingStep.action == "assigned",
                IncomingStep.unit_id == user.unit_id,
                IncomingDocument.holder_id == holder_of(user),
                ~exists().where(report.answers_id == IncomingStep.id),
                ~_has_step("closed"),
            )
            .options(contains_eager(IncomingStep.document))
            .order_by(IncomingStep.due_on.is_(None), IncomingStep.due_on, IncomingStep.id)
        )
    )


def awaiting_closing(user) -> list[IncomingDocument]:
    """For the office: the documents whose every 承办 has reported, not yet closed (办结)."""
    report = aliased(IncomingStep)
    unreported = exists().where(
        IncomingStep.document_id == IncomingDocument.id,
        IncomingStep.action == "assigned",
        ~exists().where(report.answers_id == IncomingStep.id),
    )
    return list(
        db.session.scalars(
            select(IncomingDocument)
            .where(
                IncomingDocument.holder_id == holder_of(user),
                _has_step("assigned"),
                ~unreported,
                ~_has_step("closed"),
            )
            .order_by(IncomingDocument.registered_at, IncomingDocument.id)
        )
    )
