"""What tasks do when other features call: show the way to the tasks made from an issued notice, and put in each
person's 待办 and 已办 (app/core/todo.py) what waits on tasks.

待办:
- staff: the units' progress reports waiting for a review (tasks.reports), longest waiting first: those on the
  tasks of their own organ only (the city's staff review the city's tasks, a district's staff the breakdowns their
  district made for its schools, never the other's);
- a unit's clerk: 督办 reminders the unit has not answered with a report since (tasks.reminders), its overdue
  tasks (tasks.overdue) and those due within seven days (tasks.due_soon). Each assignment stands in one group
  only, the first that applies, so that the top bar counts a task once; one with a report awaiting the bureau's
  review waits on the bureau, not on the unit, and stands in none.
已办: the reports the person sent, and those they reviewed.

Overdue and due soon are the rules of app/tasks/deadlines.py written in SQL: a task is due by the first of its own
deadline and its open milestones. Each receiver runs one query for its counts and, when items are asked for, one
query per group of items (and one for the milestones of the items shown): never more as the data grows.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased, contains_eager, joinedload

from app.core import time as clock
from app.core.access import Role
from app.core.time import CHINA
from app.core.todo import DoneItem, TodoGroup, TodoItem, done_requested, todo_requested
from app.extensions import db
from app.i18n import format_date
from app.notices.models import Notice
from app.notices.services import in_organ
from app.notices.signals import Panel, notice_page
from app.tasks.deadlines import DUE_SOON_DAYS, deadline_of
from app.tasks.models import (
    Assignment,
    Milestone,
    ProgressReport,
    ProgressState,
    ReviewState,
    Task,
    TaskReminder,
)
from app.tasks.scope import of_organ


@notice_page.connect
def _breakdown(notice: Notice, *, user) -> Panel | None:
    """The way to the notice's tasks, for the organ that issued it (a district that received the city's notice
    breaks down the city's tasks assigned to it from the tasks themselves)."""
    if not (notice.is_issued and in_organ(user, notice)):
        return None
    return Panel.rendered("tasks/_notice_panel.html", notice=notice)


# The rules in SQL


def _due_before(day: date):
    """The task (joined) is due before `day`: its own deadline, or a milestone not yet reached."""
    milestone = aliased(Milestone)
    return or_(
        and_(Task.due_on.is_not(None), Task.due_on < day),
        exists().where(
            milestone.task_id == Task.id,
            milestone.done_at.is_(None),
            milestone.due_on.is_not(None),
            milestone.due_on < day,
        ),
    )


def _unanswered_reminder():
    """A 督办 reminder on the assignment that no report has followed."""
    reminder, report = aliased(TaskReminder), aliased(ProgressReport)
    # The inner EXISTS names the reminder's assignment, not Assignment: nested two deep, Assignment would not be
    # correlated to the outer query but joined anew, and any unit's later report would answer every reminder.
    return exists().where(
        reminder.assignment_id == Assignment.id,
        ~exists().where(report.assignment_id == reminder.assignment_id, report.created_at >= reminder.sent_at),
    )


def _pending_report():
    report = aliased(ProgressReport)
    return exists().where(report.assignment_id == Assignment.id, report.review_state == ReviewState.pending.value)


def _unit_rules(user, today: date):
    """(what every row of a unit's groups shares, reminded, overdue, due soon): each excluding the ones before."""
    waiting_on_unit = and_(
        Assignment.unit_id == user.unit_id,
        Assignment.state != ProgressState.done.value,
        ~_pending_report(),
    )
    reminded = _unanswered_reminder()
    overdue = and_(~reminded, _due_before(today))
    due_soon = and_(~reminded, ~_due_before(today), _due_before(today + timedelta(days=DUE_SOON_DAYS + 1)))
    return waiting_on_unit, reminded, overdue, due_soon


def _is_clerk(user) -> bool:
    return user.has_role(Role.clerk) and user.unit_id is not None


def _task_url(task_id: int, anchor: str | None = None) -> str:
    return url_for("tasks.show", task_id=task_id, _anchor=anchor)


def _end_of(day: date | None) -> datetime | None:
    return datetime.combine(day, time(23, 59), CHINA) if day else None


# 待办


@todo_requested.connect
def _tasks_waiting(user, *, limit: int) -> list[TodoGroup]:
    groups = []
    if user.has_role(Role.staff):
        groups += _reports_to_review(user, limit)
    if _is_clerk(user):
        groups += _unit_tasks(user, limit)
    return groups


def _reports_to_review(user, limit: int) -> list[TodoGroup]:
    waiting = and_(
        ProgressReport.review_state == ReviewState.pending.value, ProgressReport.author_id != user.id, of_organ(user)
    )
    count = db.session.scalar(
        select(func.count(ProgressReport.id))
        .join(Assignment, Assignment.id == ProgressReport.assignment_id)
        .join(Task, Task.id == Assignment.task_id)
        .where(waiting)
    )
    if not count:
        return []
    items = []
    if limit:
        reports = db.session.scalars(
            select(ProgressReport)
            .join(ProgressReport.assignment)
            .join(Assignment.task)
            .where(waiting)
            .options(
                contains_eager(ProgressReport.assignment).contains_eager(Assignment.task),
                contains_eager(ProgressReport.assignment).joinedload(Assignment.unit),
                joinedload(ProgressReport.author),
            )
            .order_by(ProgressReport.created_at, ProgressReport.id)
            .limit(limit)
        ).all()
        items = [
            TodoItem(
                title=f"{r.assignment.task.code} {r.assignment.task.title}",
                url=_task_url(r.assignment.task_id, f"report-{r.id}"),
                detail=_(
                    "%(unit)s, %(author)s: %(state)s",
                    unit=r.assignment.unit.display_name,
                    author=r.author.display_name,
                    state=r.state_title,
                ),
                at=r.created_at,
            )
            for r in reports
        ]
    return [
        TodoGroup(
            key="tasks.reports",
            title=_("Progress reports to review"),
            count=count,
            items=items,
            more_url=url_for("tasks.my_tasks", _anchor="awaiting-review"),
            order=35,
        )
    ]


def _unit_tasks(user, limit: int) -> list[TodoGroup]:
    today = clock.today_in_china()
    waiting_on_unit, reminded, overdue, due_soon = _unit_rules(user, today)

    def tally(rule):
        return func.coalesce(func.sum(case((rule, 1), else_=0)), 0)

    counts = db.session.execute(
        select(tally(reminded), tally(overdue), tally(due_soon))
        .select_from(Assignment)
        .join(Task, Task.id == Assignment.task_id)
        .where(waiting_on_unit)
    ).one()
    n_reminded, n_overdue, n_soon = (int(n) for n in counts)
    groups = []
    if n_reminded:
        groups.append(
            TodoGroup(
                key="tasks.reminders",
                title=_("Reminders (督办) from the bureau"),
                count=n_reminded,
                items=_reminder_items(waiting_on_unit, reminded, limit) if limit else [],
                more_url=url_for("tasks.my_tasks"),
                order=12,
            )
        )
    if n_overdue:
        groups.append(
            TodoGroup(
                key="tasks.overdue",
                title=_("Overdue tasks of my unit"),
                count=n_overdue,
                items=_assignment_items(waiting_on_unit, overdue, limit, today) if limit else [],
                more_url=url_for("tasks.my_tasks", show="overdue"),
                order=15,
            )
        )
    if n_soon:
        groups.append(
            TodoGroup(
                key="tasks.due_soon",
                title=_("Tasks of my unit due within 7 days"),
                count=n_soon,
                items=_assignment_items(waiting_on_unit, due_soon, limit, today) if limit else [],
                more_url=url_for("tasks.my_tasks", show="due_soon"),
                order=45,
            )
        )
    return groups


def _assignment_items(waiting_on_unit, rule, limit: int, today: date) -> list[TodoItem]:
    assignments = db.session.scalars(
        select(Assignment)
        .join(Assignment.task)
        .where(waiting_on_unit, rule)
        .options(contains_eager(Assignment.task).selectinload(Task.milestones))
        .order_by(Task.due_on.is_(None), Task.due_on, Task.id)
        .limit(limit)
    ).all()
    items = []
    for assignment in assignments:
        task = assignment.task
        deadline = deadline_of(task, done=False, today=today)
        detail = (
            _(
                "Milestone “%(title)s” due %(date)s",
                title=deadline.milestone.title,
                date=format_date(deadline.milestone.due_on),
            )
            if deadline.milestone is not None
            else assignment.role_title
        )
        items.append(
            TodoItem(
                title=f"{task.code} {task.title}",
                url=_task_url(task.id),
                detail=detail,
                due=_end_of(task.due_on),
                is_overdue=deadline.urgency == "overdue",
            )
        )
    return items


def _reminder_items(waiting_on_unit, reminded, limit: int) -> list[TodoItem]:
    """The newest reminder of each reminded assignment."""
    newest = aliased(TaskReminder)
    reminders = db.session.scalars(
        select(TaskReminder)
        .join(Assignment, Assignment.id == TaskReminder.assignment_id)
        .join(Task, Task.id == Assignment.task_id)
        .where(
            waiting_on_unit,
            reminded,
            TaskReminder.id
            == select(func.max(newest.id)).where(newest.assignment_id == Assignment.id).scalar_subquery(),
        )
        .options(
            contains_eager(TaskReminder.assignment).contains_eager(Assignment.task),
            joinedload(TaskReminder.sent_by),
        )
        .order_by(TaskReminder.sent_at.desc(), TaskReminder.id.desc())
        .limit(limit)
    ).all()
    return [
        TodoItem(
            title=f"{r.assignment.task.code} {r.assignment.task.title}",
            url=_task_url(r.assignment.task_id),
            detail=r.message,
            at=r.sent_at,
            due=_end_of(r.assignment.task.due_on),
            badge=_("Reminder"),
        )
        for r in reminders
    ]


# 已办


@done_requested.connect
def _reports_done(user, *, limit: int) -> list[DoneItem]:
    if not limit:
        return []
    loads = (joinedload(ProgressReport.assignment).joinedload(Assignment.task),)
    sent = db.session.scalars(
        select(ProgressReport)
        .where(ProgressReport.author_id == user.id)
        .options(*loads)
        .order_by(ProgressReport.created_at.desc(), ProgressReport.id.desc())
        .limit(limit)
    ).all()
    reviewed = db.session.scalars(
        select(ProgressReport)
        .where(ProgressReport.reviewed_by_id == user.id, ProgressReport.reviewed_at.is_not(None))
        .options(*loads, joinedload(ProgressReport.assignment).joinedload(Assignment.unit))
        .order_by(ProgressReport.reviewed_at.desc(), ProgressReport.id.desc())
        .limit(limit)
    ).all()
    items = [
        DoneItem(
            action=_("Reported progress (%(state)s)", state=r.state_title),
            title=f"{r.assignment.task.code} {r.assignment.task.title}",
            url=_task_url(r.assignment.task_id, f"report-{r.id}"),
            at=r.created_at,
        )
        for r in sent
    ]
    items += [
        DoneItem(
            action=(
                _("Accepted the report of %(unit)s", unit=r.assignment.unit.display_name)
                if r.review_state == ReviewState.accepted
                else _("Returned the report of %(unit)s", unit=r.assignment.unit.display_name)
            ),
            title=f"{r.assignment.task.code} {r.assignment.task.title}",
            url=_task_url(r.assignment.task_id, f"report-{r.id}"),
            at=r.reviewed_at,
        )
        for r in reviewed
    ]
    return sorted(items, key=lambda item: item.at, reverse=True)[:limit]
