"""What notices put in each person's 待办 and 已办 (app/core/todo.py): drafts sent back to their author, drafts
waiting for a reviewer's 核稿, a signer's 签发, a secretary's 印发, a section's 会签, a translator's issued notices
without a Mongolian version.

Each group is one count and, when items are asked for, one query of its first notices: the number of queries does
not grow with the number of notices. The separation of duties is applied in SQL (the rules of
services.own_work_refusal), so that nobody is offered a draft they may not take the step on.
"""

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import aliased, joinedload, load_only

from app.core.access import Role
from app.core.todo import DoneItem, TodoGroup, TodoItem, done_requested, todo_requested
from app.extensions import db
from app.notices.models import Countersign, DocumentSeries, Notice, NoticeEvent, NoticeStatus, NoticeTranslation
from app.notices.services import Countersigning, Separation, action_title, separation_of_duties

RETURN_ACTIONS = ("returned", "declined")
WRITING_ACTIONS = ("drafted", "edited")


def _event_by(user, *actions, since_submission=False):
    """EXISTS: an event of this user on the notice with one of the actions (in the current round, if asked)."""
    event = aliased(NoticeEvent)
    where = [event.notice_id == Notice.id, event.actor_id == user.id, event.action.in_(actions)]
    if since_submission:
        submitted = aliased(NoticeEvent)
        last = (
            select(func.coalesce(func.max(submitted.id), 0))
            .where(submitted.notice_id == Notice.id, submitted.action == "submitted")
            .scalar_subquery()
        )
        where.append(event.id > last)
    return exists().where(*where)


def _not_own_work(user, *, signing: bool):
    """The separation of duties as a WHERE clause (see services.own_work_refusal)."""
    rule = separation_of_duties()
    if rule == Separation.none:
        return []
    where = [Notice.author_id != user.id, ~_event_by(user, *WRITING_ACTIONS)]
    if signing and rule == Separation.strict:
        where.append(~_event_by(user, "approved"))
    return where


def _waiting(*where, order=None):
    return (
        select(Notice)
        .where(*where)
        .options(
            load_only(Notice.title, Notice.status, Notice.is_returned, Notice.updated_at, Notice.series_id),
        )
        .order_by(*(order or (Notice.updated_at.desc(), Notice.id.desc())))
    )


def _group(key, title, query, limit, *, order, detail=None, badge=""):
    count = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    if not count:
        return None
    notices = db.session.scalars(query.limit(limit)).all() if limit else []
    details = detail(notices) if detail and notices else {}
    items = [
        TodoItem(
            title=notice.title,
            url=url_for("notices.show", notice_id=notice.id),
            detail=details.get(notice.id, ""),
            at=notice.updated_at,
            badge=badge,
        )
        for notice in notices
    ]
    return TodoGroup(key=key, title=title, count=count, items=items, order=order, more_url=url_for("notices.index"))


def _return_comments(notices) -> dict[int, str]:
    """The latest return comment of each notice (one query for all)."""
    events = db.session.scalars(
        select(NoticeEvent)
        .where(NoticeEvent.notice_id.in_([n.id for n in notices]), NoticeEvent.action.in_(RETURN_ACTIONS))
        .order_by(NoticeEvent.id.desc())
    ).all()
    comments: dict[int, str] = {}
    for event in events:
        comments.setdefault(event.notice_id, event.comment)
    return comments


def _countersign_open():
    return exists().where(Countersign.notice_id == Notice.id, Countersign.answered_at.is_(None))


@todo_requested.connect
def _notices_waiting(user, *, limit: int) -> list[TodoGroup]:
    groups = []
    # The steps waiting for a role are the person's own organ's notices only: a district's drafts are its own.
    own_organ = Notice.organ_id == user.organ_id
    if user.is_bureau_user:
        returned = _waiting(Notice.author_id == user.id, Notice.status == NoticeStatus.draft, Notice.is_returned)
        groups.append(
            _group(
                "notices.returned",
                _("My drafts sent back (退回)"),
                returned,
                limit,
                order=10,
                detail=_return_comments,
                badge=_("Returned"),
            )
        )
    if user.has_role(Role.reviewer):
        review = _waiting(
            own_organ,
            Notice.status == NoticeStatus.in_review,
            ~_event_by(user, "approved", since_submission=True),
            *_not_own_work(user, signing=False),
        )
        groups.append(_group("notices.review", _("Drafts awaiting my review (核稿)"), review, limit, order=20))
    countersigns = _waiting(
        Notice.status == NoticeStatus.approved,
        exists().where(
            Countersign.notice_id == Notice.id, Countersign.assignee_id == user.id, Countersign.answered_at.is_(None)
        ),
    )
    groups.append(_group("notices.countersign", _("Countersign (会签) requests"), countersigns, limit, order=25))
    if user.has_role(Role.signer):
        required_missing = and_(
            exists().where(
                DocumentSeries.id == Notice.series_id, DocumentSeries.countersign == Countersigning.required
            ),
            ~exists().where(Countersign.notice_id == Notice.id),
        )
        sign = _waiting(
            own_organ,
            Notice.status == NoticeStatus.approved,
            ~_countersign_open(),
            ~required_missing,
            *_not_own_work(user, signing=True),
        )
        groups.append(_group("notices.sign", _("Awaiting my sign-off (签发)"), sign, limit, order=30))
    if user.has_role(Role.secretary):
        issue = _waiting(own_organ, Notice.status == NoticeStatus.signed)
        groups.append(_group("notices.issue", _("Signed, ready for me to issue (印发)"), issue, limit, order=40))
    if user.has_role(Role.translator):
        untranslated = _waiting(
            own_organ,
            Notice.status == NoticeStatus.issued,
            ~exists().where(NoticeTranslation.notice_id == Notice.id, NoticeTranslation.language == "mn"),
            order=(Notice.issued_at.desc(), Notice.id.desc()),
        )
        title = _("Issued notices without a Mongolian version")
        groups.append(_group("notices.translate", title, untranslated, limit, order=50))
    return [group for group in groups if group is not None]


@done_requested.connect
def _notice_steps_taken(user, *, limit: int) -> list[DoneItem]:
    events = db.session.scalars(
        select(NoticeEvent)
        .where(NoticeEvent.actor_id == user.id)
        .options(joinedload(NoticeEvent.notice).load_only(Notice.title))
        .order_by(NoticeEvent.id.desc())
        .limit(limit)
    ).all()
    return [
        DoneItem(
            action=action_title(event.action),
            title=event.notice.title,
            url=url_for("notices.show", notice_id=event.notice_id),
            at=event.created_at,
        )
        for event in events
    ]
