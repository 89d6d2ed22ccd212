"""分解: a district bureau breaks a city task assigned to it down for its own schools.

The breakdown's tasks are the district's (organ_id the district bureau), straight under the city's task and of the
same notice; their lead and cooperating units are the district's own schools and sections, which get assignments as
on any task. The district supervises them: it reviews its schools' reports and reminds them. Its own assignment on
the city's task follows them (app/tasks/rollup.py); the city sees that roll-up, not the schools' reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.core.audit import record
from app.extensions import db
from app.tasks.editing import TaskData, apply_task
from app.tasks.errors import TaskError
from app.tasks.models import Task
from app.tasks.rollup import roll_up
from app.tasks.scope import may_break_down
from app.units.models import Unit

CODE_MAX = 32


@dataclass
class BreakdownData:
    """One task of a district's breakdown: what its schools are to do, which of them lead and cooperate, by when."""

    code: str
    title: str
    description: str = ""
    lead_unit_id: int | None = None
    school_ids: list[int] = field(default_factory=list)
    due_on: date | None = None


def breakdown_tasks(task: Task, organ_id: int) -> list[Task]:
    return list(
        db.session.scalars(
            select(Task).where(Task.parent_id == task.id, Task.organ_id == organ_id).order_by(Task.sort_order, Task.id)
        )
    )


def suggested_code(task: Task, organ_id: int) -> str:
    """The city task's code, the district's short name and a number: 10-海勃湾区1, 10-海勃湾区2…, free in the
    notice (codes are unique per notice)."""
    unit = db.session.get(Unit, organ_id)
    prefix = f"{task.code}-{unit.display_name if unit else ''}"[: CODE_MAX - 3]
    taken = set(db.session.scalars(select(Task.code).where(Task.source_notice_id == task.source_notice_id)))
    number = 1 + (
        db.session.scalar(select(func.count(Task.id)).where(Task.parent_id == task.id, Task.organ_id == organ_id)) or 0
    )
    while f"{prefix}{number}" in taken:
        number += 1
    return f"{prefix}{number}"


def break_down(actor, task: Task, data: BreakdownData) -> Task:
    """A task of the actor's bureau under the task of the organ above assigned to it, for some of its schools;
    the bureau's part of the task then follows theirs. Commits."""
    if not may_break_down(actor, task):
        raise TaskError(_("Only a bureau the task is assigned to breaks it down for its schools."))
    if task.source_notice is None:
        raise TaskError(_("Tasks are made from an issued notice."))
    if data.lead_unit_id is None and not data.school_ids:
        raise TaskError(_("Choose the schools that carry this part of the task."))
    organ_id = actor.organ_id
    position = len(breakdown_tasks(task, organ_id)) + 1
    child = apply_task(
        task.source_notice,
        None,
        TaskData(
            code=data.code,
            title=data.title,
            description=data.description,
            parent_id=task.id,
            lead_unit_id=data.lead_unit_id,
            cooperating_unit_ids=list(data.school_ids),
            due_on=data.due_on,
            sort_order=position,
        ),
        organ_id=organ_id,
    )
    record(actor, "task.break_down", child, parent=task.id, code=child.code, units=len(child.assignments))
    roll_up(task.id, organ_id)
    db.session.commit()
    return child
