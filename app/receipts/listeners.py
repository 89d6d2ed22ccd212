"""What receipts do when other features call: distribute an issued notice, say who may read it, show the 签收, and
put in a unit clerk's 待办 and 已办 (app/core/todo.py) the notices waiting for the unit's receipt.

待办 of a clerk:
- receipts.reminders: notices the bureau has chased (催办) and the unit has still not acknowledged, the newest
  reminder first, with its message;
- receipts.unacknowledged: the other notices not yet acknowledged, overdue and soonest due first, then the oldest.
A distribution stands in one group only (a reminded one in the reminders), so that the top bar counts it once.
待办 of a district bureau's secretary: receipts.forward_reminders, the notices the organ above has reminded the
bureau to forward (催办转发) and it has not forwarded yet.
已办: the notices the clerk acknowledged lately.

One query counts both groups (the reminders_sent column tells them apart, no join to the reminders); each group's
items are one more query: never more as the units and notices grow.
"""

from flask import g, request, url_for
from flask_babel import gettext as _
from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import aliased, contains_eager

from app.core.access import Role
from app.core.time import utcnow
from app.core.todo import DoneItem, TodoGroup, TodoItem, done_requested, todo_requested
from app.extensions import db
from app.i18n import format_date
from app.notices.models import Notice, NoticeStatus
from app.notices.services import in_organ
from app.notices.signals import Panel, copy_requested, may_read_notice, notice_issued, notice_page
from app.receipts import services
from app.receipts.forms import receipt_form
from app.receipts.models import Distribution, Reminder
from app.receipts.reading import read_by_a_person
from app.units.organs import answers_to_an_organ


@notice_issued.connect
def _distribute(notice: Notice, *, distribute: bool) -> None:
    if distribute:
        services.distribute(notice)


@may_read_notice.connect
def _sent_to_the_readers_unit(notice: Notice, *, user) -> bool:
    """Sent to the reader's unit, or to the organ the reader works for (a district bureau's secretary, in its office,
    reads what the city sent the district bureau, to forward it)."""
    if services.sent_to_unit(notice, user.unit_id):
        return True
    return (
        user.is_bureau_user
        and user.organ_id not in (None, user.unit_id)
        and services.sent_to_unit(notice, user.organ_id)
    )


@may_read_notice.connect
def _forwarded_to_the_readers_unit(notice: Notice, *, user) -> bool:
    """The original inside a forwarding notice sent to the reader's unit (a school reads the city's notice that its
    district bureau forwarded), however many levels down."""
    return services.forwarded_to_unit(notice, user.unit_id)


@copy_requested.connect
def _copy_of_the_readers_unit(notice: Notice, *, user) -> int | None:
    return services.copy_number_of(notice, user.unit_id)


@notice_page.connect
def _receipt(notice: Notice, *, user) -> Panel | None:
    """A clerk's first business with a notice is its receipt; opening it is recorded (the first time), unless the
    browser only fetched the page ahead of time: then the panel records it when shown (app/receipts/reading.py).
    The bureau gets the way to who has acknowledged.

    A receipt refused without JavaScript comes back as this page, its form as it was sent (routes.receipt puts it
    in `g`)."""
    if in_organ(user, notice):
        if not notice.is_issued:
            return None
        return Panel.rendered("receipts/_notice_panel.html", notice=notice)
    distribution = services.distribution_for(user, notice)
    if distribution is None:
        return None
    if read_by_a_person(request.headers):
        services.record_opening(user, distribution)
    form = g.get("receipt_form") or receipt_form(notice.reply_fields, formdata=None)
    return Panel.rendered(
        "receipts/_receipt.html",
        first=True,
        distribution=distribution,
        receipt_form=form,
        receipt_error=g.get("receipt_error"),
        reminder=services.latest_reminder(distribution),
        forward_reminder=services.forward_reminder(distribution),
    )


# 待办


def _is_clerk(user) -> bool:
    return user.has_role(Role.clerk) and user.unit_id is not None


def _waiting_on(user):
    """The unit's issued notices it has not acknowledged (the distributions, joined to their notices)."""
    return and_(
        Distribution.unit_id == user.unit_id,
        Distribution.acknowledged_at.is_(None),
        Notice.status == NoticeStatus.issued.value,
    )


def _reminded():
    return Distribution.reminders_sent > 0


def _notice_url(notice_id: int) -> str:
    return url_for("notices.show", notice_id=notice_id, _anchor="receipt")


def _due_detail(notice: Notice) -> str:
    if notice.ack_due_at is None:
        return ""
    return _("Receipt due (签收期限) %(date)s", date=format_date(notice.ack_due_at))


@todo_requested.connect
def _notices_to_acknowledge(user, *, limit: int) -> list[TodoGroup]:
    if not _is_clerk(user):
        return []

    def tally(rule):
        return func.coalesce(func.sum(case((rule, 1), else_=0)), 0)

    counts = db.session.execute(
        select(tally(_reminded()), tally(~_reminded()))
        .select_from(Distribution)
        .join(Notice, Notice.id == Distribution.notice_id)
        .where(_waiting_on(user))
    ).one()
    n_reminded, n_waiting = (int(n) for n in counts)
    more_url = url_for("receipts.inbox", pending=1)
    groups = []
    if n_reminded:
        groups.append(
            TodoGroup(
                key="receipts.reminders",
                title=_("Reminders (催办) sent to my unit"),
                count=n_reminded,
                items=_reminder_items(user, limit) if limit else [],
                more_url=more_url,
                order=11,
            )
        )
    if n_waiting:
        groups.append(
            TodoGroup(
                key="receipts.unacknowledged",
                title=_("Notices to acknowledge"),
                count=n_waiting,
                items=_unacknowledged_items(user, limit) if limit else [],
                more_url=more_url,
                order=10,
            )
        )
    return groups


def _unacknowledged_items(user, limit: int) -> list[TodoItem]:
    distributions = db.session.scalars(
        select(Distribution)
        .join(Notice, Notice.id == Distribution.notice_id)
        .where(_waiting_on(user), ~_reminded())
        .options(contains_eager(Distribution.notice).load_only(Notice.title, Notice.ack_due_at, Notice.urgency))
        # 特急 first, then 加急; then those with a deadline, the nearest (or longest past) first; then the longest
        # waiting.
        .order_by(
            services.urgency_rank(Notice.urgency),
            Notice.ack_due_at.is_(None),
            Notice.ack_due_at,
            Distribution.delivered_at,
            Distribution.id,
        )
        .limit(limit)
    ).all()
    now = utcnow()
    return [
        TodoItem(
            title=d.notice.title,
            url=_notice_url(d.notice_id),
            detail=_due_detail(d.notice),
            at=d.delivered_at,
            due=d.notice.ack_due_at,
            is_overdue=d.notice.ack_due_at is not None and d.notice.ack_due_at < now,
            badge=d.notice.urgency,
        )
        for d in distributions
    ]


def _reminder_items(user, limit: int) -> list[TodoItem]:
    """The newest reminder of each reminded notice, newest first."""
    reminders = db.session.scalars(
        select(Reminder)
        .join(Distribution, Distribution.id == Reminder.distribution_id)
        .join(Notice, Notice.id == Distribution.notice_id)
        .where(_waiting_on(user), _reminded(), services.newest_of_its_distribution())
        .options(
            contains_eager(Reminder.distribution)
            .contains_eager(Distribution.notice)
            .load_only(Notice.title, Notice.ack_due_at)
        )
        .order_by(Reminder.sent_at.desc(), Reminder.id.desc())
        .limit(limit)
    ).all()
    now = utcnow()
    return [
        TodoItem(
            title=r.distribution.notice.title,
            url=_notice_url(r.distribution.notice_id),
            detail=r.message,
            at=r.sent_at,
            due=r.distribution.notice.ack_due_at,
            is_overdue=r.distribution.notice.ack_due_at is not None and r.distribution.notice.ack_due_at < now,
            badge=_("Reminder"),
        )
        for r in reminders
    ]


def _forwards_waiting(user):
    """WHERE, over reminders joined to their distributions and notices: the newest reminder of a notice sent to the
    person's organ is one to forward it (sent after the receipt), and the organ has not issued a forwarding notice."""
    forwarding = aliased(Notice)
    return and_(
        Distribution.unit_id == user.organ_id,
        Distribution.acknowledged_at.is_not(None),
        Notice.status == NoticeStatus.issued.value,
        Reminder.sent_at > Distribution.acknowledged_at,
        services.newest_of_its_distribution(),
        ~exists().where(
            forwarding.forwards_id == Distribution.notice_id,
            forwarding.organ_id == user.organ_id,
            forwarding.status == NoticeStatus.issued.value,
        ),
    )


@todo_requested.connect
def _notices_to_forward(user, *, limit: int) -> list[TodoGroup]:
    """A district bureau's secretaries forward what the organ above sent it: its reminders to forward are theirs."""
    if not (user.is_bureau_user and user.has_role(Role.secretary) and answers_to_an_organ(user)):
        return []

    def waiting(query):
        return (
            query.join(Distribution, Distribution.id == Reminder.distribution_id)
            .join(Notice, Notice.id == Distribution.notice_id)
            .where(_forwards_waiting(user))
        )

    count = db.session.scalar(waiting(select(func.count(Reminder.id)).select_from(Reminder)))
    if not count:
        return []
    items = []
    if limit:
        found = db.session.scalars(
            waiting(select(Reminder))
            .options(contains_eager(Reminder.distribution).contains_eager(Distribution.notice).load_only(Notice.title))
            .order_by(Reminder.sent_at.desc(), Reminder.id.desc())
            .limit(limit)
        ).all()
        items = [
            TodoItem(
                title=r.distribution.notice.title,
                url=url_for("notices.show", notice_id=r.distribution.notice_id, _anchor="forward"),
                detail=r.message,
                at=r.sent_at,
                badge=_("Reminder"),
            )
            for r in found
        ]
    return [
        TodoGroup(
            key="receipts.forward_reminders",
            title=_("Reminders to forward (催办转发)"),
            count=count,
            items=items,
            more_url=url_for("receipts.inbox"),
            order=12,
        )
    ]


# 已办


@done_requested.connect
def _notices_acknowledged(user, *, limit: int) -> list[DoneItem]:
    if not limit or user.unit_id is None:
        return []
    distributions = db.session.scalars(
        select(Distribution)
        .join(Notice, Notice.id == Distribution.notice_id)
        # The unit's rows first (ix_distributions_unit_state), then the clerk's own receipts among them.
        .where(Distribution.unit_id == user.unit_id, Distribution.acknowledged_by_id == user.id)
        .options(contains_eager(Distribution.notice).load_only(Notice.title))
        .order_by(Distribution.acknowledged_at.desc(), Distribution.id.desc())
        .limit(limit)
    ).all()
    return [
        DoneItem(
            action=_("Acknowledged (签收)"),
            title=d.notice.title,
            url=url_for("notices.show", notice_id=d.notice_id),
            at=d.acknowledged_at,
        )
        for d in distributions
    ]
