"""Distribution of issued notices, receipts (签收) and reminders (催办).

Every query here takes the acting user's unit into account: a clerk reaches only
its own unit's distributions, whatever id it sends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import contains_eager, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from app.auth.models import name_of
from app.core.audit import record
from app.core.dates import cn_date
from app.core.mail import MailSettings
from app.core.reminders import email_reminders
from app.core.time import CHINA, utcnow
from app.core.xlsx import Column, xlsx_table
from app.database import write_transaction
from app.extensions import db
from app.notices.models import Notice, NoticeStatus
from app.receipts.models import Distribution, Reminder
from app.units.models import Unit, UnitKind


class ReceiptError(ValueError):
    """A receipt or reminder the rules refuse; the message is shown to the user."""


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
    return created


# A clerk's side


def own_distribution(user, distribution_id: int) -> Distribution | None:
    """The distribution if it belongs to the user's unit, else None (the caller answers 404)."""
    return db.session.scalar(
        select(Distribution)
        .join(Notice, Notice.id == Distribution.notice_id)
        .where(
            Distribution.id == distribution_id,
            Distribution.unit_id == user.unit_id,
            Notice.status == NoticeStatus.issued.value,
        )
        .options(
            contains_eager(Distribution.notice).load_only(Notice.reply_requested),
            name_of(Distribution.acknowledged_by),
        )
    )


def sent_to_unit(notice: Notice, unit_id: int) -> bool:
    return (
        db.session.scalar(
            select(Distribution.id).where(Distribution.notice_id == notice.id, Distribution.unit_id == unit_id)
        )
        is not None
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
        result = db.session.execute(
            update(Distribution)
            .where(Distribution.id == distribution.id, Distribution.first_opened_at.is_(None))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    _show_written(distribution, values, result.rowcount == 1)


@dataclass
class Reply:
    participants: str = ""
    phone: str = ""
    text: str = ""


def acknowledge(user, distribution: Distribution, reply: Reply | None = None) -> tuple[Distribution, bool]:
    """签收, once. Returns the distribution and whether this call made the receipt.

    The UPDATE only matches a distribution not yet acknowledged, so two clerks (or two
    presses) at the same moment make one receipt; the second sees the first.
    """
    if distribution.unit_id != user.unit_id:
        raise ReceiptError(_("This notice was not sent to your unit."))
    if distribution.notice.reply_requested and reply is not None:
        missing = not (reply.participants.strip() or reply.text.strip())
        if missing and distribution.acknowledged_at is None:
            raise ReceiptError(_("This notice asks for a reply: give the participants or a note with the receipt."))
    if distribution.acknowledged_at is not None:
        return distribution, False  # a second press, or a colleague's: nothing to write
    values = {"acknowledged_at": utcnow(), "acknowledged_by_id": user.id}
    if distribution.first_opened_at is None:
        values |= {"first_opened_at": values["acknowledged_at"], "first_opened_by_id": user.id}
    if reply is not None:
        values |= {"reply_participants": reply.participants, "reply_phone": reply.phone, "reply_text": reply.text}
    with write_transaction():
        result = db.session.execute(
            update(Distribution)
            .where(Distribution.id == distribution.id, Distribution.acknowledged_at.is_(None))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        made = result.rowcount == 1
        if made:
            record(user, "receipt.acknowledge", distribution, notice=distribution.notice_id)
    _show_written(distribution, values, made)
    return distribution, made


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


def inbox_query(user, *, pending_only: bool = False):
    """The unit's issued notices, newest first, with what a line of the inbox shows (title, number) and no more:
    a notice's body and lists stay in the database."""
    query = (
        select(Distribution)
        .join(Notice, Notice.id == Distribution.notice_id)
        .where(Distribution.unit_id == user.unit_id, Notice.status == NoticeStatus.issued.value)
        .options(
            contains_eager(Distribution.notice)
            .load_only(Notice.title, Notice.series_id, Notice.year, Notice.serial)
            .joinedload(Notice.series)
        )
        .order_by(Notice.issued_at.desc(), Notice.id.desc())
    )
    if pending_only:
        query = query.where(Distribution.acknowledged_at.is_(None))
    return query


def inbox_counts(user) -> dict[str, int]:
    row = db.session.execute(
        select(
            func.count(Distribution.id),
            func.count(Distribution.id).filter(Distribution.acknowledged_at.is_(None)),
            func.count(Distribution.id).filter(Distribution.first_opened_at.is_(None)),
        )
        .join(Notice, Notice.id == Distribution.notice_id)
        .where(Distribution.unit_id == user.unit_id, Notice.status == NoticeStatus.issued.value)
    ).one()
    return {"all": row[0], "pending": row[1], "unread": row[2]}


def open_reminders(user, limit: int = 10) -> list[Reminder]:
    """Reminders about notices the unit has still not acknowledged, newest first."""
    return list(
        db.session.scalars(
            select(Reminder)
            .join(Distribution, Distribution.id == Reminder.distribution_id)
            .where(Distribution.unit_id == user.unit_id, Distribution.acknowledged_at.is_(None))
            .options(
                contains_eager(Reminder.distribution)
                .joinedload(Distribution.notice)
                .load_only(Notice.series_id, Notice.year, Notice.serial)
                .joinedload(Notice.series),
                name_of(Reminder.sent_by),
            )
            .order_by(Reminder.sent_at.desc())
            .limit(limit)
        ).unique()
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

    @property
    def pending(self) -> int:
        return self.sent - self.acknowledged


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
    """Counts and the per-unit table, in a fixed number of queries whatever the number of units."""
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
    )


# Reminders (催办)


def remind(actor, notice: Notice, unit_ids: list[int] | None, message: str, *, mail: MailSettings) -> list[Reminder]:
    """Remind the units that have not acknowledged (all of them, or the chosen ones).

    Each gets a message in its inbox, and an email when the unit has an address.
    Units that have acknowledged in the meantime are left alone.
    """

    if not notice.is_issued:
        raise ReceiptError(_("Only an issued notice can be chased."))
    query = (
        select(Distribution)
        .where(Distribution.notice_id == notice.id, Distribution.acknowledged_at.is_(None))
        .options(joinedload(Distribution.unit))
    )
    if unit_ids is not None:
        if not unit_ids:
            raise ReceiptError(_("Choose the units to remind."))
        query = query.where(Distribution.unit_id.in_(unit_ids))
    distributions = list(db.session.scalars(query).unique())
    if not distributions:
        raise ReceiptError(_("Every unit chosen has already acknowledged: nobody to remind."))
    text = message.strip(" \t\r\n") or _(
        "Please acknowledge receipt of %(number)s 《%(title)s》 as soon as possible.",
        number=notice.number,
        title=notice.title,
    )
    now = utcnow()
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
    record(actor, "receipt.remind", notice, units=[d.unit_id for d in distributions])
    db.session.commit()
    subject = _("Reminder: please acknowledge %(number)s", number=notice.number)
    email_reminders(
        reminders,
        subject=lambda _reminder: subject,
        body=lambda reminder: f"{reminder.distribution.unit.name}：\n\n{text}\n",
        mail=mail,
    )
    return reminders


def reminders_of(notice: Notice) -> list[Reminder]:
    return Reminder.newest_first(
        Distribution,
        Distribution.notice_id == notice.id,
        load=(joinedload(Reminder.distribution).joinedload(Distribution.unit), name_of(Reminder.sent_by)),
    )


# Export


def overview_xlsx(notice: Notice) -> bytes:
    """The receipt table as a spreadsheet: one row per unit, grouped as on the page."""
    overview = receipt_overview(notice)

    def when(value):
        return f"{cn_date(value)} {value.astimezone(CHINA):%H:%M}" if value else ""

    rows = (
        [
            group.title,
            row.unit.name,
            row.unit.kind_title,
            when(row.distribution.first_opened_at),
            row.distribution.first_opened_by.display_name if row.distribution.first_opened_by else "",
            when(row.distribution.acknowledged_at),
            row.distribution.acknowledged_by.display_name if row.distribution.acknowledged_by else "",
            row.distribution.reminders_sent,
            row.distribution.reply_participants,
            row.distribution.reply_phone,
            row.distribution.reply_text,
        ]
        for group in overview.groups
        for row in group.rows
    )
    columns = [
        Column(_("Group"), 18),
        Column(_("Unit"), 26),
        Column(_("Kind"), 12),
        Column(_("Opened"), 18),
        Column(_("Opened by"), 12),
        Column(_("Acknowledged"), 18),
        Column(_("Acknowledged by"), 12),
        Column(_("Reminders"), 8),
        Column(_("Reply: participants"), 24),
        Column(_("Reply: phone"), 14),
        Column(_("Reply"), 30),
    ]
    return xlsx_table(sheet=_("Receipts"), title=f"{notice.number} {notice.title}", columns=columns, rows=rows)
