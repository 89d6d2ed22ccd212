"""Making and changing tasks: their units (and so the assignments), their milestones, deleting them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.core import time as clock
from app.core.audit import record
from app.extensions import db
from app.i18n import format_date
from app.notices.models import Notice
from app.tasks.errors import TaskError
from app.tasks.models import (
    Assignment,
    AssignmentRole,
    Milestone,
    ProgressReport,
    ProgressState,
    Task,
)
from app.tasks.queries import descendant_ids
from app.tasks.rollup import roll_up_parent
from app.tasks.scope import is_top_organ, units_of_organ
from app.units.models import Unit
from app.units.organs import top_organ


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


def sync_assignments(task: Task) -> None:
    """One assignment per unit: the lead unit as lead, the cooperating units as cooperating.

    A unit that has reported keeps its assignment (and its reports), a district bureau that has broken the task
    down keeps its own; one dropped before either loses it.
    """
    wanted: dict[int, str] = {}
    for unit in task.cooperating_units:
        wanted[unit.id] = AssignmentRole.cooperate.value
    if task.lead_unit is not None:
        wanted[task.lead_unit.id] = AssignmentRole.lead.value
    units = {u.id: u for u in [*task.cooperating_units, *([task.lead_unit] if task.lead_unit else [])]}
    existing = {a.unit_id: a for a in task.assignments}
    # The bureaus that broke the task down for their schools (their breakdown hangs on their part of it).
    broken_down = set(db.session.scalars(select(Task.organ_id).where(Task.parent_id == task.id))) if task.id else set()
    for unit_id, assignment in existing.items():
        if unit_id in wanted:
            assignment.role = wanted[unit_id]
        elif unit_id in broken_down and unit_id != task.organ_id:
            raise TaskError(
                _(
                    "%(unit)s has broken this task down for its schools: it cannot be taken off it.",
                    unit=assignment.unit.display_name,
                )
            )
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
    """Create or change a task of an issued notice, with its units and milestones; commits. A new task is the
    notice's organ's; a task of a district's breakdown stays the district's."""
    creating = task is None
    old_parent_id = task.parent_id if task is not None else None
    task = apply_task(notice, task, data)
    record(actor, "task.create" if creating else "task.update", task, notice=notice.id, code=task.code)
    for parent_id in dict.fromkeys([old_parent_id, task.parent_id]):
        roll_up_parent(task.organ_id, parent_id)
    db.session.commit()
    return task


def _organ_of(notice: Notice, task: Task | None, organ_id: int | None) -> int | None:
    if task is not None and task.organ_id is not None:
        return task.organ_id
    if organ_id is not None or notice.organ_id is not None:
        return organ_id or notice.organ_id
    top = top_organ()
    return top.unit_id if top is not None else None


def _check_parent(parent: Task | None, organ_id: int | None, notice: Notice) -> None:
    """A task stands under a task of its own organ; a district's breakdown straight under the task of the organ
    above that it breaks down, one assigned to the district."""
    breakdown = organ_id is not None and notice.organ_id is not None and organ_id != notice.organ_id
    if breakdown:
        if parent is None or parent.organ_id == organ_id or all(a.unit_id != organ_id for a in parent.assignments):
            raise TaskError(_("A task of your breakdown stands under the task assigned to your bureau."))
    elif parent is not None and parent.organ_id != organ_id:
        raise TaskError(_("The parent task belongs to another notice."))


def apply_task(notice: Notice, task: Task | None, data: TaskData, *, organ_id: int | None = None) -> Task:
    """The rules of a task's data, applied to a new task (of `organ_id`, by default the notice's organ) or to one
    that exists; flushes, does not commit."""
    if not notice.is_issued:
        raise TaskError(_("Tasks are made from an issued notice."))
    organ_id = _organ_of(notice, task, organ_id)
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
        if task is not None and task.id and (parent.id == task.id or parent.id in descendant_ids(task)):
            raise TaskError(_("A task cannot be placed under itself or one of its sub-tasks."))
    _check_parent(parent, organ_id, notice)
    _check_milestone_dates(data)
    unit_ids = {data.lead_unit_id, *data.cooperating_unit_ids} - {None}
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids), Unit.is_active.is_(True)))}
    if unit_ids - set(units):
        raise TaskError(_("One of the chosen units no longer exists."))
    if unit_ids and not is_top_organ(organ_id):
        # A district bureau gives its tasks to its own schools and sections only.
        own = {u.id for u in units_of_organ(organ_id, top=False)}
        if unit_ids - own:
            raise TaskError(_("Choose among your own bureau's schools and sections."))
    creating = task is None
    if creating:
        task = Task(source_notice=notice, organ_id=organ_id)
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
    return task


@dataclass
class SuggestedTask:
    """One ticked suggestion (app/tasks/suggestions.py) as the person left it: code and title perhaps changed."""

    key: str  # the suggestion's key: where its heading stands in the notice's text
    code: str
    title: str
    description: str = ""
    parent_key: str | None = None  # the heading above it, when that heading is a task too
    lead_unit_id: int | None = None


@dataclass
class SuggestedBatch:
    """What the ticked suggestions share: where they go when their heading above is no task, their cooperating
    units and their deadline."""

    tasks: list[SuggestedTask]
    parent_id: int | None = None
    cooperating_unit_ids: list[int] = field(default_factory=list)
    due_on: date | None = None


def create_suggested_tasks(actor, notice: Notice, batch: SuggestedBatch, existing: dict[str, int]) -> list[Task]:
    """Make the ticked suggestions tasks, all or none; commits.

    A task goes under the task of the heading above it (made in this batch, or made before: `existing` maps the
    suggestions' keys to the tasks that have their codes), else under the batch's parent.
    """
    if not batch.tasks:
        raise TaskError(_("Tick the headings to make tasks of."))
    made: dict[str, int] = {}
    tasks = []
    for position, entry in enumerate(batch.tasks, start=1):
        if not entry.code or not entry.title:
            raise TaskError(_("Each ticked heading needs a task number and a title."))
        parent_id = made.get(entry.parent_key) or existing.get(entry.parent_key) or batch.parent_id
        data = TaskData(
            code=entry.code,
            title=entry.title,
            description=entry.description,
            parent_id=parent_id,
            lead_unit_id=entry.lead_unit_id,
            cooperating_unit_ids=list(batch.cooperating_unit_ids),
            due_on=batch.due_on,
            sort_order=position,
        )
        task = apply_task(notice, None, data)
        record(actor, "task.create", task, notice=notice.id, code=task.code, from_heading=entry.key)
        made[entry.key] = task.id
        tasks.append(task)
    db.session.commit()
    return tasks


def _check_milestone_dates(data: TaskData) -> None:
    """A milestone is a step on the way to the task's deadline: one due after it is a mistake of the form."""
    if data.due_on is None:
        return
    for entry in data.milestones:
        if entry.title and entry.due_on is not None and entry.due_on > data.due_on:
            raise TaskError(
                _(
                    "The milestone “%(title)s” is due on %(milestone_due)s, after the task's deadline "
                    "(%(task_due)s): bring it forward or move the deadline.",
                    title=entry.title,
                    milestone_due=format_date(entry.due_on),
                    task_due=format_date(data.due_on),
                )
            )


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
    organ_id, parent_id = task.organ_id, task.parent_id
    db.session.delete(task)
    db.session.flush()
    roll_up_parent(organ_id, parent_id)
    db.session.commit()


def set_milestone_done(actor, milestone: Milestone, done: bool) -> Milestone:
    milestone.done_at = clock.utcnow() if done else None
    record(actor, "task.milestone", milestone.task, milestone=milestone.id, done=done)
    db.session.commit()
    return milestone
