"""Reminders (督办): to the units of unfinished assignments, in their task lists and by email."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.core import time as clock
from app.core.audit import record
from app.core.dates import cn_date
from app.core.mail import MailSettings
from app.core.reminders import email_reminders
from app.extensions import db
from app.tasks.deadlines import (
    Deadline,
    Urgency,
    deadline_of,
)
from app.tasks.errors import TaskError
from app.tasks.models import (
    Assignment,
    ProgressState,
    Task,
    TaskReminder,
)
from app.tasks.scope import of_organ


def default_reminder_text(task: Task, deadline: Deadline) -> str:
    """What the unit is told when the sender writes nothing: the task, and what is due when (a milestone as a
    milestone, never as the task's own deadline)."""
    if deadline.milestone is not None and deadline.due:
        if deadline.urgency == Urgency.overdue:
            return _(
                "Task %(code)s 《%(title)s》: the milestone “%(milestone)s” was due on %(due)s: please push it "
                "forward and report your progress.",
                code=task.code,
                title=task.title,
                milestone=deadline.milestone.title,
                due=cn_date(deadline.due),
            )
        return _(
            "Task %(code)s 《%(title)s》: the milestone “%(milestone)s” is due on %(due)s: please report your "
            "progress in time.",
            code=task.code,
            title=task.title,
            milestone=deadline.milestone.title,
            due=cn_date(deadline.due),
        )
    if deadline.urgency == Urgency.overdue and deadline.due:
        return _(
            "Task %(code)s 《%(title)s》 was due on %(due)s: please push it forward and report your progress.",
            code=task.code,
            title=task.title,
            due=cn_date(deadline.due),
        )
    if deadline.due:
        return _(
            "Task %(code)s 《%(title)s》 is due on %(due)s: please report your progress in time.",
            code=task.code,
            title=task.title,
            due=cn_date(deadline.due),
        )
    return _("Please report your progress on task %(code)s 《%(title)s》.", code=task.code, title=task.title)


def send_reminders(actor, assignment_ids: list[int], message: str, *, mail: MailSettings) -> list[TaskReminder]:
    """Remind the units of these assignments, leaving out what is done and what is not on a task of the actor's
    organ (the city reminds the district bureaus, a district its schools): in their task list, and by email when
    the unit has an address. The reminders are saved before any email goes out; commits.
    """

    if not assignment_ids:
        raise TaskError(_("Choose the units to remind."))
    today = clock.today_in_china()
    assignments = list(
        db.session.scalars(
            select(Assignment)
            .join(Task, Task.id == Assignment.task_id)
            .where(
                Assignment.id.in_(assignment_ids),
                Assignment.state != ProgressState.done.value,
                of_organ(actor),
            )
            .options(joinedload(Assignment.unit), joinedload(Assignment.task).selectinload(Task.milestones))
        ).unique()
    )
    if not assignments:
        raise TaskError(_("Every unit chosen has finished its task: nobody to remind."))
    text = message.strip(" \t\r\n")
    now = clock.utcnow()
    reminders = []
    for assignment in assignments:
        deadline = deadline_of(assignment.task, done=False, today=today)
        reminder = TaskReminder(
            assignment=assignment,
            sent_by_id=actor.id,
            sent_at=now,
            message=text or default_reminder_text(assignment.task, deadline),
            emailed_to=assignment.unit.email or "",
        )
        db.session.add(reminder)
        reminders.append(reminder)
    record(actor, "task.remind", None, object_type="Assignment", assignments=[a.id for a in assignments])
    db.session.commit()
    email_reminders(
        reminders,
        subject=lambda reminder: _("Reminder: task %(code)s", code=reminder.assignment.task.code),
        body=lambda reminder: f"{reminder.assignment.unit.name}：\n\n{reminder.message}\n",
        mail=mail,
    )
    return reminders
