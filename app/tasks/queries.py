"""Reading tasks: a notice's tree, a task, a unit's assignments, the reports and reminders on them.

Every query a unit's user reaches takes the user's unit into account: a clerk reaches only its own unit's
assignments and reports, whatever id it sends. Every query a bureau's people reach takes their organ into account
(app/tasks/scope.py): the city's staff reach the city's tasks, a district's staff their district's.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select, true
from sqlalchemy.orm import joinedload, selectinload

from app.auth.models import name_of
from app.core import time as clock
from app.extensions import db
from app.notices.models import Notice, NoticeStatus
from app.tasks.deadlines import (
    URGENCY_ORDER,
    Deadline,
    Urgency,
    deadline_of,
    task_is_done,
)
from app.tasks.models import (
    Assignment,
    ProgressReport,
    ProgressState,
    ReviewState,
    Task,
    TaskReminder,
)
from app.tasks.scope import may_manage, of_organ, oversees, own_unit_ids, reachable


def code_key(code: str) -> tuple:
    """Codes in their natural order: 2 before 10, 8-3 before 8-结对1."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.findall(r"\d+|\D+", code))


def _task_options():
    return (
        selectinload(Task.lead_unit),
        selectinload(Task.cooperating_units),
        selectinload(Task.milestones),
        selectinload(Task.assignments).joinedload(Assignment.unit),
    )


def of_notice(notice: Notice):
    """The tasks the notice's own organ made from it: not those a district bureau made in breaking one of them
    down for its schools (the district's, under the city's task)."""
    own = Task.organ_id == notice.organ_id if notice.organ_id is not None else true()
    return (Task.source_notice_id == notice.id) & own


def notice_tasks(notice: Notice) -> list[Task]:
    """Every task made from the notice, in tree order (parents before children, siblings by order and code)."""
    tasks = list(db.session.scalars(select(Task).where(of_notice(notice)).options(*_task_options())))
    return [task for task, _depth in in_tree_order(tasks)]


def in_tree_order(tasks: list[Task]) -> list[tuple[Task, int]]:
    ids = {t.id for t in tasks}
    children: dict[int | None, list[Task]] = defaultdict(list)
    for task in tasks:
        children[task.parent_id if task.parent_id in ids else None].append(task)
    for siblings in children.values():
        siblings.sort(key=lambda t: (t.sort_order, code_key(t.code), t.id))
    ordered: list[tuple[Task, int]] = []

    def walk(parent_id, depth):
        for task in children.get(parent_id, []):
            ordered.append((task, depth))
            walk(task.id, depth + 1)

    walk(None, 0)
    return ordered


@dataclass
class TreeRow:
    task: Task
    depth: int
    deadline: Deadline
    done: int
    total: int
    pending_reviews: int

    @property
    def is_group(self) -> bool:
        """A heading of the tree (an action such as A1): no unit carries it."""
        return self.task.lead_unit_id is None and not self.task.assignments


TREE_FILTERS = ("", "overdue", "due_soon", "review")


def task_tree(notice: Notice) -> list[TreeRow]:
    """The notice's tasks as the tree page shows them, in a fixed number of queries."""
    today = clock.today_in_china()
    tasks = list(db.session.scalars(select(Task).where(of_notice(notice)).options(*_task_options())))
    pending = dict(
        db.session.execute(
            select(Assignment.task_id, func.count(ProgressReport.id))
            .join(ProgressReport, ProgressReport.assignment_id == Assignment.id)
            .join(Task, Task.id == Assignment.task_id)
            .where(of_notice(notice), ProgressReport.review_state == ReviewState.pending.value)
            .group_by(Assignment.task_id)
        ).all()
    )
    rows = []
    for task, depth in in_tree_order(tasks):
        done = sum(1 for a in task.assignments if a.is_done)
        deadline = deadline_of(task, done=task_is_done(task), today=today)
        rows.append(TreeRow(task, depth, deadline, done, len(task.assignments), pending.get(task.id, 0)))
    return rows


def tree_counts(rows: list[TreeRow]) -> dict[str, int]:
    return {
        "tasks": sum(1 for r in rows if not r.is_group),
        "overdue": sum(1 for r in rows if r.deadline.urgency == Urgency.overdue),
        "due_soon": sum(1 for r in rows if r.deadline.urgency == Urgency.due_soon),
        "review": sum(r.pending_reviews for r in rows),
    }


def visible_task(user, task_id: int) -> Task | None:
    """The task if the person may open it: a task of their organ, or one assigned to their own unit (else None:
    the caller 404s)."""
    query = (
        select(Task)
        .where(Task.id == task_id, reachable(user))
        .options(*_task_options(), joinedload(Task.parent), joinedload(Task.source_notice).joinedload(Notice.series))
    )
    return db.session.scalar(query)


def managed_task(user, task_id: int) -> Task | None:
    """The task if the person manages it (edits it, reviews and reminds on it), else None: the caller 404s."""
    task = visible_task(user, task_id)
    return task if task is not None and may_manage(user, task) else None


def task_children(task: Task, user) -> list[Task]:
    """The sub-tasks the person's side made: the organ's own for its people (a district's staff, on the city's task
    assigned to them, find their breakdown of it), the task's organ's for a unit."""
    organ_id = user.organ_id if user.is_bureau_user else task.organ_id
    return list(
        db.session.scalars(
            select(Task)
            .where(Task.parent_id == task.id, Task.organ_id == organ_id)
            .options(selectinload(Task.lead_unit), selectinload(Task.assignments))
            .order_by(Task.sort_order, Task.id)
        )
    )


def own_assignment(user, assignment_id: int) -> Assignment | None:
    """The assignment if it is the user's unit's, else None (the caller answers 404)."""
    return db.session.scalar(
        select(Assignment)
        .where(Assignment.id == assignment_id, Assignment.unit_id == user.unit_id)
        .options(joinedload(Assignment.task), joinedload(Assignment.unit))
    )


def reports_of(task: Task, user) -> list[ProgressReport]:
    """The task's reports, newest first: all of them for the task's organ, the unit's own for anyone else."""
    query = (
        select(ProgressReport)
        .join(Assignment, Assignment.id == ProgressReport.assignment_id)
        .where(Assignment.task_id == task.id)
        .options(
            joinedload(ProgressReport.assignment).joinedload(Assignment.unit),
            joinedload(ProgressReport.author),
            joinedload(ProgressReport.reviewed_by),
        )
        .order_by(ProgressReport.created_at.desc(), ProgressReport.id.desc())
    )
    if not oversees(user, task):
        query = query.where(Assignment.unit_id.in_(own_unit_ids(user)))
    return list(db.session.scalars(query).unique())


def visible_report(user, report_id: int) -> ProgressReport | None:
    """The report if the person may read it: one on a task of their organ, or their own unit's."""
    own = Assignment.unit_id.in_(own_unit_ids(user))
    query = (
        select(ProgressReport)
        .join(Assignment, Assignment.id == ProgressReport.assignment_id)
        .join(Task, Task.id == Assignment.task_id)
        .where(ProgressReport.id == report_id, or_(of_organ(user), own))
        .options(
            joinedload(ProgressReport.assignment).joinedload(Assignment.task),
            joinedload(ProgressReport.assignment).joinedload(Assignment.unit),
            joinedload(ProgressReport.author),
            joinedload(ProgressReport.reviewed_by),
        )
    )
    return db.session.scalar(query)


def reviewable_report(user, report_id: int) -> ProgressReport | None:
    """The report if the person reviews it (a report on a task their organ manages), else None: the caller 404s.
    The city does not review a district's schools, whose reports its district reviews."""
    report = visible_report(user, report_id)
    return report if report is not None and may_manage(user, report.assignment.task) else None


@dataclass
class AssignmentRow:
    assignment: Assignment
    task: Task
    deadline: Deadline
    last_report: ProgressReport | None = None
    pending: bool = False  # a report is waiting for the bureau's review


UNIT_FILTERS = ("", "open", "overdue", "due_soon")


def _assignment_rows(query) -> list[AssignmentRow]:
    today = clock.today_in_china()
    assignments = db.session.scalars(
        query.options(
            joinedload(Assignment.unit),
            joinedload(Assignment.task).joinedload(Task.source_notice).joinedload(Notice.series),
            joinedload(Assignment.task).selectinload(Task.milestones),
            selectinload(Assignment.reports),
        )
    ).unique()
    rows = []
    for assignment in assignments:
        task = assignment.task
        last = max(assignment.reports, key=lambda r: r.id, default=None)
        deadline = deadline_of(task, done=assignment.is_done, today=today)
        waiting = last is not None and last.review_state == ReviewState.pending
        rows.append(AssignmentRow(assignment, task, deadline, last, waiting))
    rows.sort(
        key=lambda r: (
            URGENCY_ORDER[r.deadline.urgency],
            r.deadline.due or date.max,
            r.task.source_notice_id or 0,
            code_key(r.task.code),
        )
    )
    return rows


def unit_assignments(user, *, show: str = "") -> list[AssignmentRow]:
    """The user's unit's assignments, lead or cooperating: overdue first, then due soon, then by date."""
    rows = _assignment_rows(select(Assignment).where(Assignment.unit_id == user.unit_id))
    if show == "open":
        rows = [r for r in rows if not r.assignment.is_done]
    elif show in ("overdue", "due_soon"):
        rows = [r for r in rows if r.deadline.urgency == show]
    return rows


def unit_counts(rows: list[AssignmentRow]) -> dict[str, int]:
    return {
        "all": len(rows),
        "open": sum(1 for r in rows if not r.assignment.is_done),
        "overdue": sum(1 for r in rows if r.deadline.urgency == Urgency.overdue),
        "due_soon": sum(1 for r in rows if r.deadline.urgency == Urgency.due_soon),
    }


def pending_reports(user, limit: int = 50) -> list[ProgressReport]:
    """Reports on the tasks of the person's organ waiting for its review, oldest first."""
    return list(
        db.session.scalars(
            select(ProgressReport)
            .join(Assignment, Assignment.id == ProgressReport.assignment_id)
            .join(Task, Task.id == Assignment.task_id)
            .where(ProgressReport.review_state == ReviewState.pending.value, of_organ(user))
            .options(
                joinedload(ProgressReport.assignment).joinedload(Assignment.task),
                joinedload(ProgressReport.assignment).joinedload(Assignment.unit),
                joinedload(ProgressReport.author),
            )
            .order_by(ProgressReport.created_at, ProgressReport.id)
            .limit(limit)
        ).unique()
    )


def open_task_reminders(user, limit: int = 10) -> list[TaskReminder]:
    """Reminders about the unit's tasks that it has not finished, newest first."""
    return TaskReminder.newest_first(
        Assignment,
        Assignment.unit_id == user.unit_id,
        Assignment.state != ProgressState.done.value,
        load=(joinedload(TaskReminder.assignment).joinedload(Assignment.task), name_of(TaskReminder.sent_by)),
        limit=limit,
    )


def task_reminders(task: Task) -> list[TaskReminder]:
    return TaskReminder.newest_first(
        Assignment,
        Assignment.task_id == task.id,
        load=(joinedload(TaskReminder.assignment).joinedload(Assignment.unit), name_of(TaskReminder.sent_by)),
    )


def notice_task_codes(notice: Notice) -> dict[str, int]:
    """The codes of the notice's tasks, and their ids."""
    return dict(db.session.execute(select(Task.code, Task.id).where(of_notice(notice))).all())


def issued_notices_with_tasks(user) -> list[Notice]:
    """The issued notices the person's organ has tasks of (a district's: those it broke a task of down)."""
    return list(
        db.session.scalars(
            select(Notice)
            .where(
                Notice.status == NoticeStatus.issued.value,
                select(Task.id).where(Task.source_notice_id == Notice.id, of_organ(user)).exists(),
            )
            .options(joinedload(Notice.series))
            .order_by(Notice.issued_at.desc(), Notice.id.desc())
        )
    )


def descendant_ids(task: Task) -> set[int]:
    rows = db.session.execute(
        select(Task.id, Task.parent_id).where(Task.source_notice_id == task.source_notice_id)
    ).all()
    children = defaultdict(list)
    for task_id, parent_id in rows:
        children[parent_id].append(task_id)
    found, stack = set(), [task.id]
    while stack:
        for child_id in children.get(stack.pop(), []):
            if child_id not in found:
                found.add(child_id)
                stack.append(child_id)
    return found


def parent_choices(notice: Notice, task: Task | None = None) -> list[tuple[int, str]]:
    """Tasks that can hold this one: not itself and none of its own sub-tasks, indented by depth. A task of the
    notice's organ goes under another of its tasks; a district's breakdown under one of the organ above's tasks
    assigned to the district (app/tasks/breakdown.py)."""
    excluded = ({task.id} | descendant_ids(task)) if task is not None and task.id else set()
    organ_id = task.organ_id if task is not None and task.organ_id is not None else notice.organ_id
    if organ_id is None or organ_id == notice.organ_id:
        tasks = list(db.session.scalars(select(Task).where(of_notice(notice))))
    else:
        tasks = list(db.session.scalars(select(Task).where(_broken_down_by(organ_id, notice))))
    return [
        (t.id, "\u3000" * depth + f"{t.code} {t.title}"[:80])
        for t, depth in in_tree_order(tasks)
        if t.id not in excluded
    ]


def _broken_down_by(organ_id: int, notice: Notice):
    """The notice's tasks of other organs that are assigned to this organ: those its breakdown may stand under."""
    assigned = select(Assignment.id).where(Assignment.task_id == Task.id, Assignment.unit_id == organ_id).exists()
    return (Task.source_notice_id == notice.id) & (Task.organ_id != organ_id) & assigned
