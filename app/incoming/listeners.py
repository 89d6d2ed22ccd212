"""What 收文 does when other features call: a notice acknowledged by a unit enters the unit's register; the 待办
holds the documents sent round to the person to read."""

from flask import url_for
from flask_babel import gettext as _

from app.core.todo import TodoGroup, TodoItem, todo_requested
from app.incoming.services import readings_due_for, register_received
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
