"""Distribution of issued notices, receipts (签收) and reminders (催办).

Every query here takes the acting user's unit into account: a clerk reaches only
its own unit's distributions, whatever id it sends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from itertools import groupby

from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, case, exists, func, insert, select, update
from sqlalchemy.orm import aliased, contains_eager, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from app.auth.models import name_of
from app.core.access import Role, permission
from app.core.audit import AuditEvent, record
from app.core.dates import cn_date
from app.core.files import DOCX, JPEG, OFD, PDF, PNG, PPTX, XLSX, ZIP, FileRejected, StoredFile, store_upload
from app.core.mail import MailSettings
from app.core.reminders import email_reminders
from app.core.time import CHINA, utcnow
from app.core.xlsx import Column, xlsx_table
from app.database import write_transaction
from app.extensions import db
from app.notices.models import DocumentSeries, Notice, NoticeEvent, NoticeStatus, format_document_number
from app.notices.services import in_organ
from app.notices.signals import notice_acknowledged
from app.receipts.cascade import DistrictForwarding, district_forwardings, forwarded_by
from app.receipts.models import Distribution, Reminder
from app.units.models import Unit, UnitKind
from app.units.organs import answers_to_an_organ


class ReceiptError(ValueError):
    """A receipt or reminder the rules refuse; the message is shown to the user."""


# What a reply's file may be: what units send the bureau (documents, sheets, scans, photos, a zip of them).
REPLY_FILE_KINDS = (PDF, DOCX, XLSX, PPTX, OFD, PNG, JPEG, ZIP)

# The tables, for the Core statements of the paths every clerk takes (the inbox, the receipt).
_distributions = Distribution.__table__
_notices = Notice.__table__
_series = DocumentSeries.__table__
_reminders = Reminder.__table__


# Distribution


def distribute(notice: Notice) -> list[Distribution]:
    """One distribution per unit reached by the addressees and the cc list.

    Groups are expanded to their units as they are at this moment; a unit reached
    twice gets one distribution, as addressee. The caller commits.
    """
    existing = set(db.session.scalars(select(Distribution.unit_id).where(Distribution.notice_id == notice.id)))
    roles: dict[int, str] = {}
    for unit in notice.addressees.units():
        roles.setdefault(unit.id, "to")
    for unit in notice.cc.units():
        roles.setdefault(unit.id, "cc")
    created = []
    now = utcnow()
    for unit_id, role in roles.items():
        if unit_id not in existing:
            distribution = Distribution(notice_id=notice.id, unit_id=unit_id, role=role, delivered_at=now)
            db.session.add(distribution)
            created.append(distribution)
    _number_copies(notice, created)
    return created


def _number_copies(notice: Notice, made: list[Distribution]) -> None:
    """份号 (§7.2.1) for a notice distributed in counted copies: each unit's copy the next number, in the order it
    was sent (主送 first, then 抄送; units sent later by 补发 after them)."""
    if not notice.copy_numbers or not made:
        return
    last = db.session.scalar(select(func.max(Distribution.copy_number)).where(Distribution.notice_id == notice.id))
    for number, distribution in enumerate(made, start=(last or 0) + 1):
        distribution.copy_number = number


# A clerk's side


# A clerk's own distribution, with what the receipt reads of its notice and who acknowledged it: 300 schools may ask at
# the same moment (签收), so the statement is built once.
_OWN_DISTRIBUTION = (
    select(Distribution)
    .join(Notice, Notice.id == Distribution.notice_id)
    .where(
        Distribution.id == bindparam("distribution_id"),
        Distribution.unit_id == bindparam("unit_id"),
        Notice.status == NoticeStatus.issued.value,
    )
    .options(
        contains_eager(Distribution.notice).load_only(Notice.reply_fields, Notice.ack_due_at),
        name_of(Distribution.acknowledged_by),
    )
)


def own_distribution(user, distribution_id: int) -> Distribution | None:
    """The distribution if it belongs to the user's unit, else None (the caller answers 404)."""
    return db.session.scalar(_OWN_DISTRIBUTION, {"distribution_id": distribution_id, "unit_id": user.unit_id})


@permission("receipts.inbox")
def may_open_inbox(user, _obj=None) -> bool:
    """The inbox is for the units notices are sent to: a clerk's unit, and an organ that answers to another (a
    district bureau's people receive what the city sends it, and forward it)."""
    return not user.is_bureau_user or answers_to_an_organ(user)


def sent_to_unit(notice: Notice, unit_id: int) -> bool:
    return (
        db.session.scalar(
            select(Distribution.id).where(Distribution.notice_id == notice.id, Distribution.unit_id == unit_id)
        )
        is not None
    )


# How deep a chain of forwarding notices is followed (city → district → a unit under it → …).
FORWARDING_DEPTH = 4


def forwarded_to_unit(notice: Notice, unit_id: int) -> bool:
    """Whether a notice forwarding this one (or forwarding one that does, FORWARDING_DEPTH levels down) was sent to
    the unit: one query per level, only while there are forwarding notices."""
    originals = [notice.id]
    for _level in range(FORWARDING_DEPTH):
        forwards = db.session.scalars(
            select(Notice.id).where(Notice.forwards_id.in_(originals), Notice.status == NoticeStatus.issued.value)
        ).all()
        if not forwards:
            return False
        if db.session.scalar(
            select(exists().where(Distribution.notice_id.in_(forwards), Distribution.unit_id == unit_id))
        ):
            return True
        originals = forwards
    return False


def copy_number_of(notice: Notice, unit_id: int) -> int | None:
    """The 份号 of the copy this unit holds, for a notice distributed in counted copies."""
    return db.session.scalar(
        select(Distribution.copy_number).where(Distribution.notice_id == notice.id, Distribution.unit_id == unit_id)
    )


def distribution_for(user, notice: Notice) -> Distribution | None:
    return db.session.scalar(
        select(Distribution)
        .where(Distribution.notice_id == notice.id, Distribution.unit_id == user.unit_id)
        .options(name_of(Distribution.acknowledged_by))
    )


def record_opening(user, distribution: Distribution) -> None:
    """The first time someone of the unit opens the notice: who and when. Later openings change nothing."""
    if distribution.first_opened_at is not None:
        return
    values = {"first_opened_at": utcnow(), "first_opened_by_id": user.id}
    with write_transaction():
        result = db.session.execute(_OPENING, {"distribution_id": distribution.id} | _new(values))
    _show_written(distribution, values, result.rowcount == 1)


_OPENING = (
    update(_distributions)
    .where(_distributions.c.id == bindparam("distribution_id"), _distributions.c.first_opened_at.is_(None))
    .values(
        first_opened_at=bindparam("new_first_opened_at", type_=_distributions.c.first_opened_at.type),
        first_opened_by_id=bindparam("new_first_opened_by_id", type_=_distributions.c.first_opened_by_id.type),
    )
)


@dataclass
class Upload:
    filename: str
    data: bytes


@dataclass
class Reply:
    """A unit's reply (回执), by the keys of the notice's reply_fields: what was typed, and the files chosen."""

    values: dict[str, object] = field(default_factory=dict)
    files: dict[str, Upload] = field(default_factory=dict)


class _AlreadyAcknowledged(Exception):
    """A colleague's receipt came first: what this one stored (its files) is rolled back."""


def acknowledge(
    user, distribution: Distribution, reply: Reply | None = None, *, max_bytes: int = 0
) -> tuple[Distribution, bool]:
    """签收, once, with the reply the notice asks for. Returns the distribution and whether this call made the receipt.

    The UPDATE only matches a distribution not yet acknowledged, so two clerks (or two
    presses) at the same moment make one receipt; the second sees the first, and the files it sent are not kept.
    """
    if distribution.unit_id != user.unit_id:
        raise ReceiptError(_("This notice was not sent to your unit."))
    if distribution.acknowledged_at is not None:
        return distribution, False  # a second press, or a colleague's: nothing to write
    fields = distribution.notice.reply_fields or []
    reply = reply or Reply()
    _check_required(fields, reply)
    values = {"acknowledged_at": utcnow(), "acknowledged_by_id": user.id}
    if distribution.first_opened_at is None:
        values |= {"first_opened_at": values["acknowledged_at"], "first_opened_by_id": user.id}
    # Everything but the writing is made before the write lock, which 300 receipts at nine take in turn.
    event = _audit_row(record(user, "receipt.acknowledge", distribution, notice=distribution.notice_id))
    event["created_at"] = values["acknowledged_at"]
    try:
        with write_transaction():
            if fields:
                values["reply_values"] = _reply_values(fields, reply, max_bytes)
            result = db.session.execute(
                _acknowledging(tuple(values)), {"distribution_id": distribution.id} | _new(values)
            )
            if result.rowcount != 1:
                raise _AlreadyAcknowledged
            db.session.execute(_INSERT_EVENT, event)
            notice_acknowledged.send(
                distribution.notice, unit_id=distribution.unit_id, user_id=user.id, at=values["acknowledged_at"]
            )
    except _AlreadyAcknowledged:
        _show_written(distribution, values, False)
        return distribution, False
    _show_written(distribution, values, True)
    distribution.acknowledger_name = user.display_name
    return distribution, True


@lru_cache(maxsize=16)
def _acknowledging(columns: tuple[str, ...]):
    """UPDATE of a distribution not yet acknowledged, setting these columns (from ``_new(values)``): one statement
    per set of columns, built once."""
    return (
        update(_distributions)
        .where(_distributions.c.id == bindparam("distribution_id"), _distributions.c.acknowledged_at.is_(None))
        .values({name: bindparam(f"new_{name}", type_=_distributions.c[name].type) for name in columns})
    )


def _new(values: dict) -> dict:
    return {f"new_{name}": value for name, value in values.items()}


_INSERT_EVENT = insert(AuditEvent.__table__)


def _audit_row(event: AuditEvent) -> dict:
    """The audit event record() made, as the row an INSERT writes: taken out of the session, so that the write does
    not wait for the ORM's flush of it at commit (which cost more than the UPDATE, inside the write lock)."""
    db.session.expunge(event)
    return {
        "actor_id": event.actor_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "details": event.details,
        "remote_addr": event.remote_addr,
    }


def _check_required(fields: list[dict], reply: Reply) -> None:
    """Every field the notice requires has a value (the form says so first; this is the rule)."""
    missing = [
        f["label"]
        for f in fields
        if f.get("required") and reply.values.get(f["key"]) in (None, "") and f["key"] not in reply.files
    ]
    if missing:
        raise ReceiptError(_("This notice asks for a reply: fill in %(fields)s.", fields="、".join(missing)))


def _reply_values(fields: list[dict], reply: Reply, max_bytes: int) -> dict:
    """The reply as the distribution keeps it: the values of the notice's fields, its files stored (the caller's
    transaction keeps them or not)."""
    kept = {}
    for spec in fields:
        key = spec["key"]
        if spec["type"] == "file":
            upload = reply.files.get(key)
            if upload is not None:
                kept[key] = _stored_reply_file(spec, upload, max_bytes)
        elif reply.values.get(key) not in (None, ""):
            kept[key] = reply.values[key]
    return kept


def _stored_reply_file(spec: dict, upload: Upload, max_bytes: int) -> dict:
    try:
        stored = store_upload(upload.data, allowed=REPLY_FILE_KINDS, max_bytes=max_bytes)
    except FileRejected as exc:
        raise ReceiptError(_("%(name)s: %(reason)s", name=spec["label"], reason=str(exc))) from exc
    return {"sha256": stored.sha256, "filename": upload.filename[:255]}


def reply_file(user, distribution_id: int, key: str) -> tuple[StoredFile, str] | None:
    """A file of a reply and the name it was sent with: for the unit that sent it and for the bureau; None for
    anyone else, and for a key that is no file (the caller answers 404)."""
    distribution = db.session.get(Distribution, distribution_id)
    if distribution is None or not (distribution.unit_id == user.unit_id or in_organ(user, distribution.notice)):
        return None
    value = (distribution.reply_values or {}).get(key)
    if not isinstance(value, dict) or not value.get("sha256"):
        return None
    stored = db.session.get(StoredFile, value["sha256"])
    return (stored, value.get("filename") or "file") if stored is not None else None


def _show_written(distribution: Distribution, values: dict, written: bool) -> None:
    """After an UPDATE that matched only a row still unchanged: the values it wrote, or, when someone else was a
    moment faster, what they wrote."""
    if not written:
        db.session.refresh(distribution)
        return
    for key, value in values.items():
        set_committed_value(distribution, key, value)
    for key in ("acknowledged_by_id", "first_opened_by_id"):
        # The relationship follows its column (the UPDATE went round the ORM).
        if key in values:
            db.session.expire(distribution, [key.removesuffix("_id")])


# The inbox. Every clerk opens it several times a day, and all of them at nine: it reads rows with Core statements
# built once at import (only the columns a line shows), not ORM objects.

_of_unit = and_(_distributions.c.unit_id == bindparam("unit_id"), _notices.c.status == NoticeStatus.issued.value)
_pending = _distributions.c.acknowledged_at.is_(None)

# The unit's counts, and whether a notice it has not acknowledged was reminded (the banner's query runs only then):
# the EXISTS reads the unit's pending rows in the index and looks each up among the reminders.
_waiting = _distributions.alias("waiting")
_INBOX_COUNTS = (
    select(
        func.count(_distributions.c.id),
        func.count(_distributions.c.id).filter(_pending),
        exists()
        .where(
            _waiting.c.unit_id == bindparam("unit_id"),
            _waiting.c.acknowledged_at.is_(None),
            _reminders.c.distribution_id == _waiting.c.id,
        )
        .label("reminded"),
    )
    .select_from(_distributions.join(_notices, _notices.c.id == _distributions.c.notice_id))
    .where(_of_unit)
)


def _inbox_lines_statement(*, pending_only: bool):
    query = (
        select(
            _distributions.c.id,
            _distributions.c.notice_id,
            _distributions.c.role,
            _distributions.c.acknowledged_at,
            _distributions.c.first_opened_at,
            _notices.c.title,
            _notices.c.year,
            _notices.c.serial,
            _notices.c.signed_on,
            _notices.c.ack_due_at,
            _series.c.organ_code,
            _notices.c.urgency,
        )
        .select_from(
            _distributions.join(_notices, _notices.c.id == _distributions.c.notice_id).outerjoin(
                _series, _series.c.id == _notices.c.series_id
            )
        )
        .where(_of_unit)
        .order_by(_notices.c.issued_at.desc(), _notices.c.id.desc())
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )
    return query.where(_pending) if pending_only else query


_INBOX_LINES = {False: _inbox_lines_statement(pending_only=False), True: _inbox_lines_statement(pending_only=True)}


@dataclass(frozen=True, slots=True)
class InboxCounts:
    all: int
    pending: int
    reminded: bool  # a notice not yet acknowledged has a reminder (open_reminders has something to show)


@dataclass(frozen=True, slots=True)
class InboxLine:
    """A line of the inbox: a notice as sent to the unit, with what the line shows and no more."""

    distribution_id: int
    notice_id: int
    title: str
    number: str | None
    signed_on: date | None
    ack_due_at: datetime | None
    role: str  # "to" or "cc"
    state: str  # "acknowledged", "opened" or "unread"
    is_overdue: bool  # Distribution.is_overdue
    urgency: str = ""  # 特急, 加急 or ""


def inbox_counts(user) -> InboxCounts:
    """The unit's issued notices: all and not yet acknowledged; and whether any of those waiting has a reminder. One
    query."""
    total, pending, reminded = db.session.execute(_INBOX_COUNTS, {"unit_id": user.unit_id}).one()
    return InboxCounts(total, pending, bool(reminded))


def inbox_lines(user, *, pending_only: bool = False, limit: int, offset: int = 0) -> list[InboxLine]:
    """The unit's issued notices (those not yet acknowledged, with pending_only), newest first: a notice's body and
    lists stay in the database."""
    now = utcnow()
    rows = db.session.execute(
        _INBOX_LINES[pending_only], {"unit_id": user.unit_id, "limit": limit, "offset": offset}
    ).all()
    lines = []
    for id_, notice_id, role, acknowledged_at, opened_at, title, year, serial, signed_on, due, organ, urgency in rows:
        number = format_document_number(organ, year, serial) if None not in (organ, year, serial) else None
        state = "acknowledged" if acknowledged_at else ("opened" if opened_at else "unread")
        overdue = acknowledged_at is None and due is not None and due < now
        lines.append(InboxLine(id_, notice_id, title, number, signed_on, due, role, state, overdue, urgency))
    return lines


def newest_of_its_distribution():
    """WHERE: the reminder is the newest of its distribution (one banner per notice, not a stack)."""
    newest = aliased(Reminder)
    return Reminder.id == (
        select(func.max(newest.id)).where(newest.distribution_id == Reminder.distribution_id).scalar_subquery()
    )


def open_reminders(user, limit: int = 10) -> list[Reminder]:
    """The newest reminder of each notice the unit has still not acknowledged, newest first (the inbox asks only when
    InboxCounts.reminded says there is one)."""
    return list(
        db.session.scalars(
            select(Reminder)
            .join(Distribution, Distribution.id == Reminder.distribution_id)
            .where(
                Distribution.unit_id == user.unit_id,
                Distribution.acknowledged_at.is_(None),
                newest_of_its_distribution(),
            )
            .options(
                contains_eager(Reminder.distribution)
                .joinedload(Distribution.notice)
                .load_only(Notice.title, Notice.series_id, Notice.year, Notice.serial)
                .joinedload(Notice.series),
                name_of(Reminder.sent_by),
            )
            .order_by(Reminder.sent_at.desc(), Reminder.id.desc())
            .limit(limit)
        ).unique()
    )


def latest_reminder(distribution: Distribution) -> Reminder | None:
    """The bureau's last reminder about a notice the unit has not acknowledged yet (the receipt's banner)."""
    if distribution.acknowledged_at is not None or not distribution.reminders_sent:
        return None
    return db.session.scalar(
        select(Reminder)
        .where(Reminder.distribution_id == distribution.id)
        .options(name_of(Reminder.sent_by))
        .order_by(Reminder.id.desc())
        .limit(1)
    )


# The bureau's side


@dataclass
class ReceiptRow:
    distribution: Distribution
    unit: Unit
    overdue: bool

    @property
    def state(self) -> str:
        if self.distribution.acknowledged_at:
            return "acknowledged"
        if self.distribution.first_opened_at:
            return "opened"
        return "unread"


@dataclass
class ReceiptGroup:
    title: str
    rows: list[ReceiptRow] = field(default_factory=list)


@dataclass
class ReceiptOverview:
    sent: int
    opened: int
    acknowledged: int
    overdue: int
    groups: list[ReceiptGroup]
    due_at: datetime | None
    # The district bureaus the notice was sent to, and how each forwarded it to its schools (app/receipts/cascade.py),
    # whatever the filter of the table.
    districts: list[DistrictForwarding] = field(default_factory=list)

    @property
    def pending(self) -> int:
        return self.sent - self.acknowledged

    @property
    def to_remind_to_forward(self) -> list[DistrictForwarding]:
        """The district bureaus that have acknowledged the notice and not forwarded it yet."""
        return [d for d in self.districts if d.may_be_reminded_to_forward]


def _group_title(unit: Unit) -> tuple[int, int, str]:
    """Where a unit stands in the table: each district with its schools, the city's own, the sections."""
    if unit.kind == UnitKind.section:
        return (3, 0, _("Bureau sections"))
    if unit.kind == UnitKind.district_bureau:
        return (1, unit.sort_order, unit.name)
    parent = unit.parent
    if parent is not None and parent.kind == UnitKind.district_bureau:
        return (1, parent.sort_order, parent.name)
    return (2, 0, _("Run by the city bureau"))


def receipt_overview(notice: Notice, *, pending_only: bool = False) -> ReceiptOverview:
    """Counts, the per-unit table and the district bureaus' forwarding, in a fixed number of queries whatever the
    number of units, district bureaus and their schools."""
    sent, opened, acknowledged = db.session.execute(
        select(
            func.count(Distribution.id),
            func.count(Distribution.first_opened_at),
            func.count(Distribution.acknowledged_at),
        ).where(Distribution.notice_id == notice.id)
    ).one()
    # Past the deadline, every unit that has not acknowledged is overdue.
    is_overdue = notice.ack_due_at is not None and notice.ack_due_at < utcnow()
    query = (
        select(Distribution)
        .where(Distribution.notice_id == notice.id)
        .options(
            joinedload(Distribution.unit).joinedload(Unit.parent),
            name_of(Distribution.acknowledged_by),
            name_of(Distribution.first_opened_by),
        )
    )
    if pending_only:
        query = query.where(Distribution.acknowledged_at.is_(None))
    groups: dict[tuple[int, int, str], ReceiptGroup] = {}
    for distribution in db.session.scalars(query).unique():
        unit = distribution.unit
        key = _group_title(unit)
        group = groups.setdefault(key, ReceiptGroup(title=key[2]))
        group.rows.append(ReceiptRow(distribution, unit, is_overdue and distribution.acknowledged_at is None))
    for group in groups.values():
        group.rows.sort(key=lambda r: (r.unit.kind != UnitKind.district_bureau, r.unit.sort_order, r.unit.id))
    return ReceiptOverview(
        sent=sent,
        opened=opened,
        acknowledged=acknowledged,
        overdue=sent - acknowledged if is_overdue else 0,
        groups=[groups[k] for k in sorted(groups)],
        due_at=notice.ack_due_at,
        districts=district_forwardings(notice),
    )


# 补发: sending an issued notice to units left out


@dataclass
class CandidateGroup:
    """Units of one group (as the receipt table groups them) that the notice has not reached."""

    key: str  # what the whole group's checkbox sends: "district-12", "city", "sections"
    title: str
    units: list[Unit]  # those matching the filter
    total: int  # all of the group's units not yet sent


@dataclass
class SupplementPicker:
    picked: list[Unit]
    groups: list[CandidateGroup]
    query: str

    @property
    def matches(self) -> int:
        return sum(len(g.units) for g in self.groups)


def _group_key(unit: Unit) -> str:
    if unit.kind == UnitKind.section:
        return "sections"
    if unit.kind == UnitKind.district_bureau:
        return f"district-{unit.id}"
    if unit.parent is not None and unit.parent.kind == UnitKind.district_bureau:
        return f"district-{unit.parent_id}"
    return "city"


def _unit_order(unit: Unit) -> tuple:
    return (_group_title(unit), unit.kind != UnitKind.district_bureau, unit.sort_order, unit.id)


def not_yet_sent(notice: Notice) -> list[Unit]:
    """The active units the notice has not reached, in the receipt table's order (one query)."""
    sent = select(Distribution.unit_id).where(Distribution.notice_id == notice.id)
    units = db.session.scalars(
        select(Unit)
        .where(Unit.is_active, Unit.kind != UnitKind.bureau, Unit.id.not_in(sent))
        .options(joinedload(Unit.parent))
    ).all()
    return sorted(units, key=_unit_order)


def supplement_picker(notice: Notice, picked_ids: list[int], query: str = "") -> SupplementPicker:
    """What the 补发 form offers: the units ticked so far, and the others not yet sent, by group, those whose name
    contains `query` when there is one."""
    candidates = not_yet_sent(notice)
    chosen = set(picked_ids)
    picked = [u for u in candidates if u.id in chosen]
    needle = query.strip().casefold()
    groups: dict[str, CandidateGroup] = {}
    for unit in candidates:
        key = _group_key(unit)
        group = groups.setdefault(key, CandidateGroup(key=key, title=_group_title(unit)[2], units=[], total=0))
        group.total += 1
        names = f"{unit.name} {unit.short_name or ''}".casefold()
        if unit.id not in chosen and (not needle or needle in names):
            group.units.append(unit)
    return SupplementPicker(picked=picked, groups=list(groups.values()), query=query.strip())


def units_of_groups(notice: Notice, keys: list[str]) -> list[int]:
    """The units not yet sent of the groups whose whole-group boxes were ticked."""
    wanted = set(keys)
    return [u.id for u in not_yet_sent(notice) if _group_key(u) in wanted] if wanted else []


@permission("receipts.supplement")
def may_supplement(user, notice: Notice) -> bool:
    """补发 is the issuing office's: the secretary's (and the administrator's, who stands in)."""
    return notice.is_issued and user.has_role(Role.secretary, Role.admin)


def supplement(actor, notice: Notice, unit_ids: list[int]) -> list[Distribution]:
    """补发: send an issued notice to units it did not reach (left out of its addressees, or set up since); commits.

    All or nothing: a unit that has it already, or that cannot receive notices, refuses the whole sending with its
    name, so that the secretary's list is what was sent. The notice's history says who sent it to whom, and when.
    """
    if not notice.is_issued:
        raise ReceiptError(_("Only an issued notice can be sent to more units."))
    wanted = list(dict.fromkeys(unit_ids))
    if not wanted:
        raise ReceiptError(_("Choose the units to send the notice to."))
    units = sorted(
        db.session.scalars(select(Unit).where(Unit.id.in_(wanted)).options(joinedload(Unit.parent))).unique(),
        key=_unit_order,
    )
    unusable = [u.name for u in units if not u.is_active or u.kind == UnitKind.bureau]
    if len(units) != len(wanted) or unusable:
        raise ReceiptError(
            _("%(units)s cannot receive notices: nothing was sent.", units="、".join(unusable) or _("A unit chosen"))
        )
    already = set(
        db.session.scalars(
            select(Distribution.unit_id).where(Distribution.notice_id == notice.id, Distribution.unit_id.in_(wanted))
        )
    )
    if already:
        names = "、".join(u.name for u in units if u.id in already)
        raise ReceiptError(_("%(units)s already received this notice: nothing was sent.", units=names))
    now = utcnow()
    made = [Distribution(notice_id=notice.id, unit_id=u.id, role="to", delivered_at=now) for u in units]
    _number_copies(notice, made)
    db.session.add_all(made)
    names = "、".join(u.name for u in units)
    # Added beside the notice, not through notice.events: an issued notice's own row is never written again.
    db.session.add(NoticeEvent(notice_id=notice.id, actor_id=actor.id, action="supplemented", comment=names))
    record(actor, "receipt.supplement", notice, units=[u.id for u in units])
    db.session.commit()
    return made


# Reminders (催办)

# A unit reminded less than this long ago is reminded again only when the sender confirms it: a day, and less for
# an urgent notice (紧急程度), which is chased at a faster pace.
REMIND_AGAIN_AFTER = timedelta(hours=24)
REMIND_AGAIN_AFTER_URGENT = {"特急": timedelta(hours=2), "加急": timedelta(hours=8)}


def remind_again_after(notice: Notice) -> timedelta:
    return REMIND_AGAIN_AFTER_URGENT.get(notice.urgency, REMIND_AGAIN_AFTER)


def urgency_rank(column):
    """ORDER BY: 特急 first, then 加急, then the rest."""
    return case((column == "特急", 0), (column == "加急", 1), else_=2)


@dataclass(frozen=True)
class ReminderBatch:
    """Units reminded together: when, by whom, which."""

    sent_at: datetime
    sent_by: str
    units: list[str]


class RemindedRecently(ReceiptError):
    """Some of the units were reminded within remind_again_after(notice): nothing was sent, the sender decides.

    `batches`: those reminders, newest first; `others`: the ids of the chosen units that were not reminded lately.
    """

    def __init__(self, batches: list[ReminderBatch], others: list[int]):
        n = sum(len(b.units) for b in batches)
        super().__init__(_("%(n)d of these units were reminded a short while ago. Send the reminder again?", n=n))
        self.batches = batches
        self.others = others


def remind(
    actor,
    notice: Notice,
    unit_ids: list[int] | None,
    message: str,
    *,
    mail: MailSettings,
    confirmed: bool = False,
) -> list[Reminder]:
    """Remind the units that have not acknowledged (all of them, or the chosen ones).

    Each gets a message in its inbox, and an email when the unit has an address.
    Units that have acknowledged in the meantime are left alone. A unit reminded within the last 24 hours is not
    reminded again unless `confirmed`: a second press, or a colleague's reminder of an hour ago, would otherwise
    send every school the same message twice (RemindedRecently says who was reminded when). An urgent notice's
    pace is faster (remind_again_after).

    A unit chosen that the notice was not sent to refuses the whole reminder: an organ reminds the units it sent
    the notice to, and a district bureau's schools, which have the district's forwarding notice, are its own to
    remind (of that notice, from its own receipt view).
    """

    if not notice.is_issued:
        raise ReceiptError(_("Only an issued notice can be chased."))
    query = (
        select(Distribution)
        .where(Distribution.notice_id == notice.id, Distribution.acknowledged_at.is_(None))
        .options(joinedload(Distribution.unit))
    )
    if unit_ids is not None:
        _refuse_units_not_sent(notice, unit_ids)
        query = query.where(Distribution.unit_id.in_(unit_ids))
    distributions = list(db.session.scalars(query).unique())
    if not distributions:
        raise ReceiptError(_("Every unit chosen has already acknowledged: nobody to remind."))
    text = message.strip(" \t\r\n") or _(
        "Please acknowledge receipt of %(number)s 《%(title)s》 as soon as possible.",
        number=notice.number,
        title=notice.title,
    )
    return _send_reminders(
        actor,
        notice,
        distributions,
        text,
        subject=_("Reminder: please acknowledge %(number)s", number=notice.number),
        mail=mail,
        confirmed=confirmed,
        action="receipt.remind",
    )


def forward_reminder_text(notice: Notice) -> str:
    """What a reminder to forward says unless the sender writes otherwise: in Chinese, as the bureau writes to a
    district bureau, whatever the sender's interface language (it is the bureau's message, not the interface's)."""
    return f"请尽快转发{notice.number}《{notice.title}》，并督促所属学校（单位）及时签收。"


def remind_to_forward(
    actor,
    notice: Notice,
    unit_ids: list[int] | None,
    message: str,
    *,
    mail: MailSettings,
    confirmed: bool = False,
) -> list[Reminder]:
    """催办转发: remind the district bureaus that have acknowledged the notice and not yet forwarded it to their schools
    (all of them, or the chosen ones); a forwarding notice still being drafted is not forwarded yet.

    As remind: a message in the district bureau's receipt of the notice and its secretaries' 待办, an email when the
    unit has an address, and a bureau reminded to forward within the last 24 hours (less for an urgent notice) is
    reminded again only when `confirmed`. A reminder to acknowledge does not count there: it was about another
    thing. Bureaus that have forwarded the notice, or not acknowledged it yet (remind asks them for their receipt
    first), are left alone; a unit chosen that is not one of the district bureaus the notice was sent to refuses the
    whole reminder, a district's school included (its own bureau reminds it).
    """
    if not notice.is_issued:
        raise ReceiptError(_("Only an issued notice can be chased."))
    if unit_ids is not None:
        _refuse_units_not_sent(notice, unit_ids)
    districts = {d.unit_id: d for d in district_forwardings(notice)}
    if unit_ids is not None:
        others = [unit_id for unit_id in unit_ids if unit_id not in districts]
        if others:
            raise ReceiptError(
                _(
                    "%(units)s is not a district bureau that forwards this notice: nothing was sent.",
                    units=_names_of(others),
                )
            )
    wanted = [
        d.unit_id
        for d in districts.values()
        if d.may_be_reminded_to_forward and (unit_ids is None or d.unit_id in unit_ids)
    ]
    if not wanted:
        raise ReceiptError(
            _("Every district bureau chosen has forwarded the notice or not yet acknowledged it: nobody to remind.")
        )
    distributions = list(
        db.session.scalars(
            select(Distribution)
            .where(Distribution.notice_id == notice.id, Distribution.unit_id.in_(wanted))
            .options(joinedload(Distribution.unit))
        ).unique()
    )
    return _send_reminders(
        actor,
        notice,
        distributions,
        message.strip(" \t\r\n") or forward_reminder_text(notice),
        subject=_("Reminder: please forward %(number)s", number=notice.number),
        mail=mail,
        confirmed=confirmed,
        action="receipt.remind_forward",
        to_forward=True,
    )


def _refuse_units_not_sent(notice: Notice, unit_ids: list[int]) -> None:
    """ReceiptError naming the chosen units the notice was not sent to, if any; or when none was chosen."""
    if not unit_ids:
        raise ReceiptError(_("Choose the units to remind."))
    sent = set(
        db.session.scalars(
            select(Distribution.unit_id).where(Distribution.notice_id == notice.id, Distribution.unit_id.in_(unit_ids))
        )
    )
    missing = [unit_id for unit_id in unit_ids if unit_id not in sent]
    if missing:
        raise ReceiptError(_("This notice was not sent to %(units)s: nothing was sent.", units=_names_of(missing)))


def _names_of(unit_ids: list[int]) -> str:
    names = db.session.scalars(select(Unit.name).where(Unit.id.in_(unit_ids)).order_by(Unit.sort_order, Unit.id))
    return "、".join(names) or _("A unit chosen")


def _send_reminders(
    actor,
    notice: Notice,
    distributions: list[Distribution],
    text: str,
    *,
    subject: str,
    mail: MailSettings,
    confirmed: bool,
    action: str,
    to_forward: bool = False,
) -> list[Reminder]:
    """The reminders, saved (one commit), then emailed; RemindedRecently first unless confirmed."""
    now = utcnow()
    if not confirmed:
        _refuse_if_reminded_lately(distributions, since=now - remind_again_after(notice), to_forward=to_forward)
    reminders = []
    for distribution in distributions:
        reminder = Reminder(
            distribution=distribution,
            sent_by_id=actor.id,
            sent_at=now,
            message=text,
            emailed_to=distribution.unit.email or "",
        )
        distribution.reminders_sent = (distribution.reminders_sent or 0) + 1
        db.session.add(reminder)
        reminders.append(reminder)
    record(actor, action, notice, units=[d.unit_id for d in distributions])
    db.session.commit()
    email_reminders(
        reminders,
        subject=lambda _reminder: subject,
        body=lambda reminder: f"{reminder.distribution.unit.name}：\n\n{text}\n",
        mail=mail,
    )
    return reminders


def _refuse_if_reminded_lately(distributions: list[Distribution], *, since: datetime, to_forward: bool = False) -> None:
    """RemindedRecently when any of the distributions had a reminder after `since` (one query); `to_forward`: a
    reminder to forward, sent after the unit acknowledged."""
    by_id = {d.id: d for d in distributions}
    query = (
        select(Reminder)
        .where(Reminder.distribution_id.in_(list(by_id)), Reminder.sent_at >= since)
        .options(name_of(Reminder.sent_by))
        .order_by(Reminder.sent_at.desc(), Reminder.id.desc())
    )
    if to_forward:
        query = query.join(Distribution, Distribution.id == Reminder.distribution_id).where(
            Reminder.sent_at > Distribution.acknowledged_at
        )
    recent = db.session.scalars(query).all()
    if not recent:
        return
    newest: dict[int, Reminder] = {}
    for reminder in recent:
        newest.setdefault(reminder.distribution_id, reminder)
    batches = [
        ReminderBatch(sent_at=sent_at, sent_by=sender, units=[by_id[r.distribution_id].unit.name for r in group])
        for (sent_at, sender), group in groupby(newest.values(), key=lambda r: (r.sent_at, r.sent_by.display_name))
    ]
    others = [d.unit_id for d in distributions if d.id not in newest]
    raise RemindedRecently(batches, others)


def forward_reminder(distribution: Distribution) -> Reminder | None:
    """The last reminder to forward a notice the unit has acknowledged and its organ has not forwarded yet (the
    receipt's banner): one sent after the receipt is one (remind only reminds those that have not acknowledged)."""
    if distribution.acknowledged_at is None or not distribution.reminders_sent:
        return None
    reminder = db.session.scalar(
        select(Reminder)
        .where(Reminder.distribution_id == distribution.id, Reminder.sent_at > distribution.acknowledged_at)
        .options(name_of(Reminder.sent_by))
        .order_by(Reminder.id.desc())
        .limit(1)
    )
    if reminder is None or forwarded_by(distribution.notice_id, distribution.unit_id):
        return None
    return reminder


def reminders_of(notice: Notice) -> list[Reminder]:
    return Reminder.newest_first(
        Distribution,
        Distribution.notice_id == notice.id,
        load=(joinedload(Reminder.distribution).joinedload(Distribution.unit), name_of(Reminder.sent_by)),
    )


# Export


def _export_value(spec: dict, value):
    """A reply's value as a cell: a file by its name, a date as a date, a number as a number."""
    if value is None or value == "":
        return ""
    if spec["type"] == "file":
        return value.get("filename", "") if isinstance(value, dict) else ""
    if spec["type"] == "date":
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            return str(value)
    if spec["type"] == "number" and isinstance(value, int | float):
        return value
    return str(value)


def _reply_column(spec: dict) -> Column:
    if spec["type"] == "date":
        return Column(spec["label"], 12, number_format="yyyy-mm-dd")
    if spec["type"] in ("number", "phone"):
        return Column(spec["label"], 14)
    return Column(spec["label"], 24, wrap=spec["type"] == "text")


def overview_xlsx(notice: Notice) -> bytes:
    """The receipt table as a spreadsheet: one row per unit, grouped as on the page, a column per reply field."""
    overview = receipt_overview(notice)
    fields = notice.reply_fields or []

    def when(value):
        return f"{cn_date(value)} {value.astimezone(CHINA):%H:%M}" if value else ""

    rows = (
        [
            group.title,
            row.unit.name,
            row.unit.kind_title,
            when(row.distribution.delivered_at),
            when(row.distribution.first_opened_at),
            row.distribution.first_opened_by.display_name if row.distribution.first_opened_by else "",
            when(row.distribution.acknowledged_at),
            row.distribution.acknowledged_by.display_name if row.distribution.acknowledged_by else "",
            row.distribution.reminders_sent,
            *(_export_value(spec, (row.distribution.reply_values or {}).get(spec["key"])) for spec in fields),
        ]
        for group in overview.groups
        for row in group.rows
    )
    columns = [
        Column(_("Group"), 18),
        Column(_("Unit"), 26),
        Column(_("Kind"), 12),
        Column(_("Sent"), 18),
        Column(_("Opened"), 18),
        Column(_("Opened by"), 12),
        Column(_("Acknowledged"), 18),
        Column(_("Acknowledged by"), 12),
        Column(_("Reminders"), 8),
        *(_reply_column(spec) for spec in fields),
    ]
    return xlsx_table(sheet=_("Receipts"), title=f"{notice.number} {notice.title}", columns=columns, rows=rows)
