"""任务分解 and 督办: tasks made from a notice's measures, the units' progress reports, the bureau's review,
deadlines, reminders and the dashboard.

Every query a unit's user reaches takes the user's unit into account: a clerk reaches only its own unit's
assignments and reports, whatever id it sends. "Today" comes from app.core.time (read through the module, so a
test that freezes the clock freezes it here too).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload, selectinload

from app.auth.models import name_of
from app.core import time as clock
from app.core.audit import record
from app.core.files import DOCX, JPEG, OFD, PDF, PNG, PPTX, XLSX, ZIP, FileRejected, store_upload
from app.core.mail import MailSettings
from app.core.reminders import email_reminders
from app.extensions import db
from app.notices.models import Notice, NoticeStatus
from app.tasks.models import (
    Assignment,
    AssignmentRole,
    Milestone,
    Pairing,
    ProgressReport,
    ProgressState,
    ReviewState,
    Task,
    TaskReminder,
)
from app.units.models import Unit, UnitKind

DUE_SOON_DAYS = 7
REPORT_FILE_KINDS = (PDF, DOCX, XLSX, PPTX, OFD, PNG, JPEG, ZIP)
MAX_FILES_PER_REPORT = 10


class TaskError(ValueError):
    """A change the rules refuse; the message is shown to the user."""


def code_key(code: str) -> tuple:
    """Codes in their natural order: 2 before 10, 8-3 before 8-结对1."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.findall(r"\d+|\D+", code))


# Deadlines


class Urgency:
    overdue = "overdue"
    due_soon = "due_soon"
    done = "done"
    none = ""


def urgency_of(due: date | None, done: bool, today: date) -> str:
    """Overdue once the date has passed; due soon from seven days before it; nothing for finished work."""
    if done:
        return Urgency.done
    if due is None:
        return Urgency.none
    if due < today:
        return Urgency.overdue
    if due <= today + timedelta(days=DUE_SOON_DAYS):
        return Urgency.due_soon
    return Urgency.none


def next_deadline(task: Task) -> tuple[date | None, Milestone | None]:
    """The earliest date still open on the task: a milestone not yet reached, else the task's own deadline."""
    open_milestones = [m for m in task.milestones if m.done_at is None and m.due_on is not None]
    first = min(open_milestones, key=lambda m: m.due_on, default=None)
    if first is not None and (task.due_on is None or first.due_on <= task.due_on):
        return first.due_on, first
    return task.due_on, None


def task_is_done(task: Task) -> bool:
    return bool(task.assignments) and all(a.is_done for a in task.assignments)


@dataclass
class Deadline:
    due: date | None
    milestone: Milestone | None
    urgency: str

    @property
    def days_left(self) -> int | None:
        return None if self.due is None else (self.due - clock.today_in_china()).days


def deadline_of(task: Task, *, done: bool, today: date) -> Deadline:
    due, milestone = next_deadline(task)
    return Deadline(due, milestone, urgency_of(due, done, today))


# Reading: a notice's tree, a task, a unit's assignments


def _task_options():
    return (
        selectinload(Task.lead_unit),
        selectinload(Task.cooperating_units),
        selectinload(Task.milestones),
        selectinload(Task.assignments).joinedload(Assignment.unit),
    )


def notice_tasks(notice: Notice) -> list[Task]:
    """Every task made from the notice, in tree order (parents before children, siblings by order and code)."""
    tasks = list(db.session.scalars(select(Task).where(Task.source_notice_id == notice.id).options(*_task_options())))
    return [task for task, _depth in _in_tree_order(tasks)]


def _in_tree_order(tasks: list[Task]) -> list[tuple[Task, int]]:
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
    tasks = list(db.session.scalars(select(Task).where(Task.source_notice_id == notice.id).options(*_task_options())))
    pending = dict(
        db.session.execute(
            select(Assignment.task_id, func.count(ProgressReport.id))
            .join(ProgressReport, ProgressReport.assignment_id == Assignment.id)
            .join(Task, Task.id == Assignment.task_id)
            .where(Task.source_notice_id == notice.id, ProgressReport.review_state == ReviewState.pending.value)
            .group_by(Assignment.task_id)
        ).all()
    )
    rows = []
    for task, depth in _in_tree_order(tasks):
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
    """Bureau users see every task; anyone else only a task its unit is assigned (else None: the caller 404s)."""
    query = (
        select(Task)
        .where(Task.id == task_id)
        .options(*_task_options(), joinedload(Task.parent), joinedload(Task.source_notice).joinedload(Notice.series))
    )
    if not user.is_bureau_user:
        query = query.where(
            select(Assignment.id).where(Assignment.task_id == Task.id, Assignment.unit_id == user.unit_id).exists()
        )
    return db.session.scalar(query)


def task_children(task: Task) -> list[Task]:
    return list(
        db.session.scalars(
            select(Task)
            .where(Task.parent_id == task.id)
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
    """The task's reports, newest first: all of them for the bureau, the unit's own for anyone else."""
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
    if not user.is_bureau_user:
        query = query.where(Assignment.unit_id == user.unit_id)
    return list(db.session.scalars(query).unique())


def visible_report(user, report_id: int) -> ProgressReport | None:
    query = (
        select(ProgressReport)
        .join(Assignment, Assignment.id == ProgressReport.assignment_id)
        .where(ProgressReport.id == report_id)
        .options(
            joinedload(ProgressReport.assignment).joinedload(Assignment.task),
            joinedload(ProgressReport.assignment).joinedload(Assignment.unit),
            joinedload(ProgressReport.author),
            joinedload(ProgressReport.reviewed_by),
        )
    )
    if not user.is_bureau_user:
        query = query.where(Assignment.unit_id == user.unit_id)
    return db.session.scalar(query)


@dataclass
class AssignmentRow:
    assignment: Assignment
    task: Task
    deadline: Deadline
    last_report: ProgressReport | None = None
    pending: bool = False  # a report is waiting for the bureau's review


UNIT_FILTERS = ("", "open", "overdue", "due_soon")
_URGENCY_ORDER = {Urgency.overdue: 0, Urgency.due_soon: 1, Urgency.none: 2, Urgency.done: 3}


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
            _URGENCY_ORDER[r.deadline.urgency],
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


def pending_reports(limit: int = 50) -> list[ProgressReport]:
    """Reports waiting for the bureau's review, oldest first."""
    return list(
        db.session.scalars(
            select(ProgressReport)
            .where(ProgressReport.review_state == ReviewState.pending.value)
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
    return list(
        db.session.scalars(
            select(TaskReminder)
            .join(Assignment, Assignment.id == TaskReminder.assignment_id)
            .where(Assignment.unit_id == user.unit_id, Assignment.state != ProgressState.done.value)
            .options(joinedload(TaskReminder.assignment).joinedload(Assignment.task), name_of(TaskReminder.sent_by))
            .order_by(TaskReminder.sent_at.desc(), TaskReminder.id.desc())
            .limit(limit)
        ).unique()
    )


def task_reminders(task: Task) -> list[TaskReminder]:
    return list(
        db.session.scalars(
            select(TaskReminder)
            .join(Assignment, Assignment.id == TaskReminder.assignment_id)
            .where(Assignment.task_id == task.id)
            .options(joinedload(TaskReminder.assignment).joinedload(Assignment.unit), name_of(TaskReminder.sent_by))
            .order_by(TaskReminder.sent_at.desc(), TaskReminder.id.desc())
        ).unique()
    )


def issued_notices_with_tasks() -> list[Notice]:
    return list(
        db.session.scalars(
            select(Notice)
            .where(
                Notice.status == NoticeStatus.issued.value,
                select(Task.id).where(Task.source_notice_id == Notice.id).exists(),
            )
            .options(joinedload(Notice.series))
            .order_by(Notice.issued_at.desc(), Notice.id.desc())
        )
    )


def assignable_units() -> list[Unit]:
    return list(
        db.session.scalars(
            select(Unit)
            .where(Unit.is_active.is_(True), Unit.kind != UnitKind.bureau)
            .order_by(Unit.sort_order, Unit.id)
        )
    )


# Making and changing tasks


@dataclass
class MilestoneData:
    id: int | None
    title: str
    due_on: date | None


@dataclass
class TaskData:
    code: str
    title: str
    description: str = ""
    parent_id: int | None = None
    lead_unit_id: int | None = None
    cooperating_unit_ids: list[int] = field(default_factory=list)
    due_on: date | None = None
    sort_order: int = 0
    milestones: list[MilestoneData] = field(default_factory=list)


def _descendant_ids(task: Task) -> set[int]:
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
    """Tasks that can hold this one: not itself and none of its own sub-tasks, indented by depth."""
    excluded = ({task.id} | _descendant_ids(task)) if task is not None and task.id else set()
    tasks = list(db.session.scalars(select(Task).where(Task.source_notice_id == notice.id)))
    return [
        (t.id, "\u3000" * depth + f"{t.code} {t.title}"[:80])
        for t, depth in _in_tree_order(tasks)
        if t.id not in excluded
    ]


def sync_assignments(task: Task) -> None:
    """One assignment per unit: the lead unit as lead, the cooperating units as cooperating.

    A unit that has reported keeps its assignment (and its reports); one dropped before reporting loses it.
    """
    wanted: dict[int, str] = {}
    for unit in task.cooperating_units:
        wanted[unit.id] = AssignmentRole.cooperate.value
    if task.lead_unit is not None:
        wanted[task.lead_unit.id] = AssignmentRole.lead.value
    units = {u.id: u for u in [*task.cooperating_units, *([task.lead_unit] if task.lead_unit else [])]}
    existing = {a.unit_id: a for a in task.assignments}
    for unit_id, assignment in existing.items():
        if unit_id in wanted:
            assignment.role = wanted[unit_id]
        elif assignment.reports:
            raise TaskError(
                _(
                    "%(unit)s has already reported on this task: it cannot be taken off it.",
                    unit=assignment.unit.display_name,
                )
            )
        else:
            task.assignments.remove(assignment)
    for unit_id, role in wanted.items():
        if unit_id not in existing:
            task.assignments.append(Assignment(unit=units[unit_id], role=role, state=ProgressState.not_started.value))


def save_task(actor, notice: Notice, task: Task | None, data: TaskData) -> Task:
    """Create or change a task of an issued notice, with its units and milestones; commits."""
    if not notice.is_issued:
        raise TaskError(_("Tasks are made from an issued notice."))
    clash = db.session.scalar(
        select(Task.id).where(
            Task.source_notice_id == notice.id, Task.code == data.code, Task.id != (task.id if task else -1)
        )
    )
    if clash is not None:
        raise TaskError(_("The code %(code)s is already used by another task of this notice.", code=data.code))
    parent = None
    if data.parent_id:
        parent = db.session.get(Task, data.parent_id)
        if parent is None or parent.source_notice_id != notice.id:
            raise TaskError(_("The parent task belongs to another notice."))
        if task is not None and task.id and (parent.id == task.id or parent.id in _descendant_ids(task)):
            raise TaskError(_("A task cannot be placed under itself or one of its sub-tasks."))
    unit_ids = {data.lead_unit_id, *data.cooperating_unit_ids} - {None}
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids), Unit.is_active.is_(True)))}
    if unit_ids - set(units):
        raise TaskError(_("One of the chosen units no longer exists."))
    creating = task is None
    if creating:
        task = Task(source_notice=notice)
        db.session.add(task)
    task.code, task.title, task.description = data.code, data.title, data.description or ""
    task.parent = parent
    task.lead_unit = units.get(data.lead_unit_id) if data.lead_unit_id else None
    # The lead unit leads; it is not also one of the cooperating units.
    task.cooperating_units = [
        units[i] for i in dict.fromkeys(data.cooperating_unit_ids) if i in units and i != data.lead_unit_id
    ]
    task.due_on = data.due_on
    task.sort_order = data.sort_order or 0
    _save_milestones(task, data.milestones)
    sync_assignments(task)
    db.session.flush()
    record(actor, "task.create" if creating else "task.update", task, notice=notice.id, code=task.code)
    db.session.commit()
    return task


def _save_milestones(task: Task, milestones: list[MilestoneData]) -> None:
    """Rows keep their id; a row left without a title is removed."""
    by_id = {m.id: m for m in task.milestones if m.id is not None}
    kept = []
    for entry in milestones:
        if not entry.title:
            continue
        milestone = by_id.get(entry.id) if entry.id else None
        if milestone is None:
            milestone = Milestone(title=entry.title, due_on=entry.due_on)
        milestone.title, milestone.due_on = entry.title, entry.due_on
        kept.append(milestone)
    task.milestones = kept


def delete_task(actor, task: Task) -> None:
    if db.session.scalar(select(Task.id).where(Task.parent_id == task.id).limit(1)) is not None:
        raise TaskError(_("This task has sub-tasks: delete or move them first."))
    reported = db.session.scalar(
        select(func.count(ProgressReport.id))
        .join(Assignment, Assignment.id == ProgressReport.assignment_id)
        .where(Assignment.task_id == task.id)
    )
    if reported:
        raise TaskError(_("Units have reported on this task: it cannot be deleted."))
    record(actor, "task.delete", task, notice=task.source_notice_id, code=task.code)
    db.session.delete(task)
    db.session.commit()


def set_milestone_done(actor, milestone: Milestone, done: bool) -> Milestone:
    milestone.done_at = clock.utcnow() if done else None
    record(actor, "task.milestone", milestone.task, milestone=milestone.id, done=done)
    db.session.commit()
    return milestone


# The demo: pairings become tasks; every task a unit leads is assigned to it


def assign_lead_units(notice: Notice) -> int:
    """Give every task of the notice the assignments its lead and cooperating units call for.

    Idempotent; the caller commits. The demo's sub-items name their lead unit but come without assignments.
    """
    added = 0
    tasks = db.session.scalars(
        select(Task)
        .where(Task.source_notice_id == notice.id)
        .options(selectinload(Task.assignments), selectinload(Task.cooperating_units), selectinload(Task.lead_unit))
    )
    for task in tasks:
        have = {a.unit_id for a in task.assignments}
        wanted = [(u, AssignmentRole.cooperate) for u in task.cooperating_units]
        if task.lead_unit is not None:
            wanted.insert(0, (task.lead_unit, AssignmentRole.lead))
        for unit, role in wanted:
            if unit.id not in have:
                task.assignments.append(Assignment(unit=unit, role=role.value, state=ProgressState.not_started.value))
                have.add(unit.id)
                added += 1
    db.session.flush()
    return added


PAIRING_CODE = "{parent}-结对{n}"


def tasks_from_pairings(notice: Notice, *, under: str = "8") -> list[Task]:
    """One task per high school and middle school of the notice's 结对共建 pairings, under the measure coded
    `under` (measure 8 of 乌教发〔2023〕75号): the high school leads, the middle school cooperates.

    Idempotent (a pair that has its task is left alone); the caller commits.
    """
    parent = db.session.scalar(select(Task).where(Task.source_notice_id == notice.id, Task.code == under))
    if parent is None:
        return []
    existing = list(
        db.session.scalars(
            select(Task).where(Task.parent_id == parent.id).options(selectinload(Task.cooperating_units))
        )
    )
    done_pairs = {(t.lead_unit_id, u.id) for t in existing for u in t.cooperating_units}
    codes = set(db.session.scalars(select(Task.code).where(Task.source_notice_id == notice.id)))
    pairings = db.session.scalars(
        select(Pairing)
        .where(Pairing.source_notice_id == notice.id)
        .options(joinedload(Pairing.high_school), selectinload(Pairing.middle_schools))
        .order_by(Pairing.id)
    ).unique()
    made = []
    n = 0
    for pairing in pairings:
        subjects = "、".join(pairing.subjects or [])
        for middle in pairing.middle_schools:
            n += 1
            high = pairing.high_school
            if (high.id, middle.id) in done_pairs:
                continue
            code = PAIRING_CODE.format(parent=under, n=n)
            while code in codes:
                n += 1
                code = PAIRING_CODE.format(parent=under, n=n)
            codes.add(code)
            description = f"{high.name}与{middle.name}开展结对共建" + (
                f"，共建学科：{subjects}。" if subjects else "。"
            )
            task = Task(
                code=code,
                title=f"{high.display_name}与{middle.display_name}结对共建",
                description=description,
                source_notice=notice,
                parent=parent,
                lead_unit=high,
                cooperating_units=[middle],
                due_on=parent.due_on,
                sort_order=100 + n,
            )
            task.assignments = [
                Assignment(unit=high, role=AssignmentRole.lead.value, state=ProgressState.not_started.value),
                Assignment(unit=middle, role=AssignmentRole.cooperate.value, state=ProgressState.not_started.value),
            ]
            db.session.add(task)
            made.append(task)
    db.session.flush()
    return made


# Progress reports and their review


@dataclass
class Upload:
    filename: str
    data: bytes


def submit_report(user, assignment: Assignment, text: str, state: str, uploads: list[Upload], max_bytes: int):
    """A unit's report on its assignment, with files, waiting for the bureau's review; commits."""
    if assignment.unit_id != user.unit_id:
        raise TaskError(_("This task is not assigned to your unit."))
    if state not in ProgressState.__members__:
        raise TaskError(_("Choose a progress state."))
    if len(uploads) > MAX_FILES_PER_REPORT:
        raise TaskError(_("At most %(n)d files per report.", n=MAX_FILES_PER_REPORT))
    # Lock the assignment (PostgreSQL; SQLite holds the write lock already): one pending report at a time.
    db.session.scalar(select(Assignment.id).where(Assignment.id == assignment.id).with_for_update())
    waiting = db.session.scalar(
        select(ProgressReport.id).where(
            ProgressReport.assignment_id == assignment.id, ProgressReport.review_state == ReviewState.pending.value
        )
    )
    if waiting is not None:
        raise TaskError(_("Your last report is still awaiting review; it can be followed by another once reviewed."))
    files = []
    for upload in uploads:
        try:
            stored = store_upload(upload.data, allowed=REPORT_FILE_KINDS, max_bytes=max_bytes)
        except FileRejected as exc:
            raise TaskError(_("%(name)s: %(reason)s", name=upload.filename, reason=str(exc))) from exc
        files.append({"sha256": stored.sha256, "filename": upload.filename[:255]})
    report = ProgressReport(
        assignment=assignment,
        text=text,
        state=state,
        files=files,
        author_id=user.id,
        created_at=clock.utcnow(),
        review_state=ReviewState.pending.value,
    )
    db.session.add(report)
    db.session.flush()
    record(user, "task.report", report, task=assignment.task_id, unit=assignment.unit_id, state=state)
    db.session.commit()
    return report


def review_report(actor, report: ProgressReport, decision: str, comment: str) -> ProgressReport:
    """Accept a report (its state becomes the unit's state on the task) or return it with a comment; commits.

    The UPDATE only matches a report still pending: two reviewers at once make one review.
    """
    if decision not in (ReviewState.accepted, ReviewState.returned):
        raise TaskError(_("Accept the report or return it."))
    if decision == ReviewState.returned and not comment:
        raise TaskError(_("Say why the report is returned."))
    if report.author_id == actor.id:
        raise TaskError(_("A report is reviewed by someone other than its author."))
    if report.review_state != ReviewState.pending:
        raise TaskError(_("This report has already been reviewed."))
    now = clock.utcnow()
    result = db.session.execute(
        update(ProgressReport)
        .where(ProgressReport.id == report.id, ProgressReport.review_state == ReviewState.pending.value)
        .values(review_state=decision, reviewed_by_id=actor.id, reviewed_at=now, review_comment=comment)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise TaskError(_("This report has already been reviewed."))
    if decision == ReviewState.accepted:
        db.session.execute(
            update(Assignment)
            .where(Assignment.id == report.assignment_id)
            .values(state=report.state, updated_at=now)
            .execution_options(synchronize_session=False)
        )
    record(actor, f"task.report.{decision}", report, task=report.assignment.task_id, comment=comment)
    db.session.commit()
    db.session.refresh(report)
    db.session.refresh(report.assignment)
    return report


# Reminders (督办)


def default_reminder_text(task: Task, deadline: Deadline) -> str:
    from app.core.dates import cn_date

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
    """Remind the units of these assignments, leaving out what is done: in their task list, and by email when
    the unit has an address. The reminders are saved before any email goes out; commits.
    """

    if not assignment_ids:
        raise TaskError(_("Choose the units to remind."))
    today = clock.today_in_china()
    assignments = list(
        db.session.scalars(
            select(Assignment)
            .where(Assignment.id.in_(assignment_ids), Assignment.state != ProgressState.done.value)
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


# The dashboard


PROGRESS_STATES = (ProgressState.done, ProgressState.in_progress, ProgressState.blocked, ProgressState.not_started)


@dataclass
class Progress:
    counts: dict[str, int] = field(default_factory=lambda: {s.value: 0 for s in ProgressState})
    overdue: int = 0
    due_soon: int = 0

    def add(self, assignment: Assignment, urgency: str) -> None:
        self.counts[assignment.state] = self.counts.get(assignment.state, 0) + 1
        if urgency == Urgency.overdue:
            self.overdue += 1
        elif urgency == Urgency.due_soon:
            self.due_soon += 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        return self.counts[ProgressState.done.value]

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    def segments(self, width: float) -> list[tuple[str, float, float, int]]:
        """(state, x, width, count) of a stacked bar `width` long: done, in progress, blocked, not started."""
        out, x = [], 0.0
        for state in PROGRESS_STATES:
            count = self.counts.get(state.value, 0)
            if count and self.total:
                w = width * count / self.total
                out.append((state.value, round(x, 2), round(w, 2), count))
                x += w
        return out


@dataclass
class DashboardRow:
    key: str
    label: str
    progress: Progress
    url: str | None = None


@dataclass
class Dashboard:
    total: Progress
    by_measure: list[DashboardRow]
    by_district: list[DashboardRow]
    by_unit: list[DashboardRow]
    attention: list[AssignmentRow]
    units: dict[int, Unit] = field(default_factory=dict)  # keeps the rows' units in the session while drawn


def _district_of(unit: Unit) -> tuple[tuple, str, str]:
    """(order, key, label): each district with its schools, the city's own units, the bureau's sections."""
    if unit.kind == UnitKind.section:
        return (3, 0), "sections", _("Bureau sections")
    district = unit.district
    if district is not None:
        return (1, district.sort_order), f"district-{district.code}", district.name
    return (2, 0), "city", _("Run by the city bureau")


def measure_of(task: Task, tasks_by_id: dict[int, Task]) -> Task | None:
    """The measure a task belongs to: its highest ancestor (or itself) that a unit leads."""
    found, node = None, task
    while node is not None:
        if node.lead_unit_id is not None:
            found = node
        node = tasks_by_id.get(node.parent_id) if node.parent_id else None
    return found


def build_dashboard(notice: Notice | None = None) -> Dashboard:
    """Progress of every unit's assignments (of one notice, or of every issued notice), in a fixed number of
    queries: by measure, by district, by unit, and the assignments that are overdue or due soon.
    """
    today = clock.today_in_china()
    # Every unit once: the parents that Unit.district walks are then found in the session, not queried. The
    # session holds them weakly, so the dashboard keeps this dict for as long as its page is drawn.
    units = {u.id: u for u in db.session.scalars(select(Unit))}
    if notice is not None:
        in_scope = Task.source_notice_id == notice.id
    else:
        in_scope = Task.source_notice_id.in_(select(Notice.id).where(Notice.status == NoticeStatus.issued.value))
    tasks = {t.id: t for t in db.session.scalars(select(Task).where(in_scope).options(selectinload(Task.milestones)))}
    assignments = list(db.session.scalars(select(Assignment).join(Task, Task.id == Assignment.task_id).where(in_scope)))
    pending = set(
        db.session.scalars(
            select(ProgressReport.assignment_id)
            .join(Assignment, Assignment.id == ProgressReport.assignment_id)
            .join(Task, Task.id == Assignment.task_id)
            .where(in_scope, ProgressReport.review_state == ReviewState.pending.value)
        )
    )
    total = Progress()
    measures: dict[int, DashboardRow] = {}
    districts: dict[str, tuple[tuple, DashboardRow]] = {}
    by_unit: dict[int, DashboardRow] = {}
    attention = []
    for assignment in assignments:
        task = tasks[assignment.task_id]
        unit = units[assignment.unit_id]
        deadline = deadline_of(task, done=assignment.is_done, today=today)
        total.add(assignment, deadline.urgency)
        measure = measure_of(task, tasks)
        if measure is not None:
            row = measures.setdefault(
                measure.id, DashboardRow(f"measure-{measure.id}", f"{measure.code} {measure.title}", Progress())
            )
            row.progress.add(assignment, deadline.urgency)
        order, key, label = _district_of(unit)
        districts.setdefault(key, (order, DashboardRow(key, label, Progress())))[1].progress.add(
            assignment, deadline.urgency
        )
        by_unit.setdefault(unit.id, DashboardRow(f"unit-{unit.id}", unit.display_name, Progress())).progress.add(
            assignment, deadline.urgency
        )
        if deadline.urgency in (Urgency.overdue, Urgency.due_soon):
            attention.append(AssignmentRow(assignment, task, deadline, pending=assignment.id in pending))
    measure_order = {t.id: i for i, (t, _d) in enumerate(_in_tree_order(list(tasks.values())))}
    attention.sort(
        key=lambda r: (_URGENCY_ORDER[r.deadline.urgency], r.deadline.due or date.max, code_key(r.task.code))
    )
    unit_order = {u.id: (u.sort_order, u.id) for u in units.values()}
    return Dashboard(
        total=total,
        by_measure=[measures[k] for k in sorted(measures, key=lambda k: measure_order.get(k, 0))],
        by_district=[row for _order, row in sorted(districts.values(), key=lambda item: item[0])],
        by_unit=[by_unit[k] for k in sorted(by_unit, key=lambda k: unit_order[k])],
        attention=attention,
        units=units,
    )
