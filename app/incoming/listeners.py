"""What 收文 does when other features call: a notice acknowledged by a unit enters the unit's register; the 待办
holds the documents sent round to the person to read."""

from datetime import datetime, time

from flask import url_for
from flask_babel import gettext as _

from app.core.access import Role
from app.core.time import CHINA, today_in_china
from app.core.todo import TodoGroup, TodoItem, todo_requested
from app.incoming.services import (
    awaiting_closing,
    awaiting_instruction,
    awaiting_report,
    readings_due_for,
    register_received,
)
from app.notices.models import Notice
from app.notices.signals import notice_acknowledged


@notice_acknowledged.connect
def _register_at_receipt(notice: Notice, *, unit_id: int, user_id: int, at) -> None:
    register_received(notice, holder_id=unit_id, actor_id=user_id, received_at=at)


@todo_requested.connect
def _readings_waiting(user, *, limit: int) -> list[TodoGroup]:
    """Documents sent round to the person whose turn to read it is now (传阅)."""
    due = readings_due_for(user)
    if not due:
        return []
    items = [
        TodoItem(
            title=reading.document.title,
            url=url_for("incoming.show", entry_id=reading.document_id, _anchor="circulation"),
            detail=reading.document.number,
            at=reading.sent_at,
        )
        for reading in due[:limit]
    ]
    return [TodoGroup("incoming.read", _("Sent round to me to read (传阅)"), len(due), items, order=45)]


def _entry_url(entry_id: int, anchor: str = "handling") -> str:
    return url_for("incoming.show", entry_id=entry_id, _anchor=anchor)


@todo_requested.connect
def _handling_waiting(user, *, limit: int) -> list[TodoGroup]:
    """收文办理 waiting for the person: a leader's 批办, a section's 承办, the office's 办结."""
    groups = []
    if user.has_role(Role.signer):
        waiting = awaiting_instruction(user)
        if waiting:
            items = [TodoItem(e.title, _entry_url(e.id), detail=e.number, at=e.registered_at) for e in waiting[:limit]]
            groups.append(
                TodoGroup(
                    "incoming.instruct",
                    _("Received documents awaiting my instruction (批办)"),
                    len(waiting),
                    items,
                    order=42,
                )
            )
    given = awaiting_report(user)
    if given:
        items = [
            TodoItem(
                s.document.title,
                _entry_url(s.document_id),
                detail=s.document.number,
                due=datetime.combine(s.due_on, time(23, 59, 59), CHINA) if s.due_on else None,
                is_overdue=bool(s.due_on and s.due_on < today_in_china()),
            )
            for s in given[:limit]
        ]
        groups.append(
            TodoGroup(
                "incoming.handle", _("Received documents given to my section (承办)"), len(given), items, order=43
            )
        )
    if user.has_role(Role.secretary, Role.clerk):
        done = awaiting_closing(user)
        if done:
            items = [TodoItem(e.title, _entry_url(e.id), detail=e.number, at=e.registered_at) for e in done[:limit]]
            groups.append(
                TodoGroup("incoming.close", _("Handled, ready for me to close (办结)"), len(done), items, order=44)
            )
    return groups
