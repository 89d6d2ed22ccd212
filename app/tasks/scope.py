"""Whose tasks are whose: each organ (the city bureau, a district bureau) sets and supervises its own tasks, and the
units assigned a task carry it.

- The bureau people of a task's organ oversee it: they see every unit's state and report on it. Its staff and
  secretaries manage it: they edit it, review the reports, remind the units.
- Anyone else reaches a task only as one of the units carrying it: a clerk the tasks assigned to its unit, a
  district bureau's people also those assigned to their bureau (the city's task to 海勃湾区教育局), their own
  part of it only.
- A district bureau assigned a city task breaks it down for its schools (app/tasks/breakdown.py): the breakdown's
  tasks are the district's, under the city's task, and the city sees their progress only as its roll-up.

Another organ's task is, to a person, no task at all: the routes answer 404, as for one that does not exist.
"""

from __future__ import annotations

from sqlalchemy import false, or_, select

from app.core.access import Role, permission
from app.extensions import db
from app.tasks.models import Assignment, Task
from app.units.models import Organ, Unit, UnitKind
from app.units.organs import answers_to_an_organ, organ_ids_of_units

MANAGER_ROLES = (Role.staff, Role.secretary)


def own_unit_ids(user) -> list[int]:
    """The units whose part of a task is the person's own: their unit, and for a bureau's people their organ (a
    district bureau's staff, in one of its sections, answer for the district bureau's part)."""
    ids = [user.unit_id]
    organ_id = user.organ_id
    if user.is_bureau_user and organ_id is not None and organ_id != user.unit_id:
        ids.append(organ_id)
    return ids


def oversees(user, task: Task) -> bool:
    """Whether the person works for the organ that set the task (sees every unit's part of it)."""
    return user.is_bureau_user and task.organ_id is not None and task.organ_id == user.organ_id


def reachable(user):
    """The tasks (a clause on Task) this person may open: their organ's, and those assigned to their own units."""
    assigned = (
        select(Assignment.id).where(Assignment.task_id == Task.id, Assignment.unit_id.in_(own_unit_ids(user))).exists()
    )
    if user.is_bureau_user and user.organ_id is not None:
        return or_(Task.organ_id == user.organ_id, assigned)
    return assigned


def of_organ(user):
    """The tasks (a clause on Task) the person's organ set: what its dashboard and trees show."""
    organ_id = user.organ_id if user.is_bureau_user else None
    return Task.organ_id == organ_id if organ_id is not None else false()


@permission("tasks.manage")
def may_manage(user, task: Task) -> bool:
    """Edit the task, review its reports, remind its units: the staff and secretaries of its organ."""
    return user.has_role(*MANAGER_ROLES) and oversees(user, task)


@permission("tasks.break_down")
def may_break_down(user, task: Task) -> bool:
    """Break a task of the organ above down for one's own schools: the staff and secretaries of a bureau the task
    is assigned to."""
    organ_id = user.organ_id
    return (
        user.has_role(*MANAGER_ROLES)
        and organ_id is not None
        and task.organ_id != organ_id
        and any(a.unit_id == organ_id for a in task.assignments)
    )


def is_top_organ(organ_id: int | None) -> bool:
    """The organ with none above it (the city bureau), or no organ at all: both assign tasks to any unit."""
    if organ_id is None:
        return True
    return db.session.scalar(select(Organ.superior_id).where(Organ.unit_id == organ_id)) is None


def _active_units() -> list[Unit]:
    return list(
        db.session.scalars(
            select(Unit)
            .where(Unit.is_active.is_(True), Unit.kind != UnitKind.bureau)
            .order_by(Unit.sort_order, Unit.id)
        )
    )


def units_of_organ(organ_id: int | None, *, top: bool) -> list[Unit]:
    """The active units an organ gives tasks to. The city bureau (`top`): any unit but itself, the district bureaus
    and their schools too (a city measure pairs a city high school with district middle schools). A district
    bureau: its own units only (its schools and sections), not itself: its own part is the city's to assign."""
    units = _active_units()
    if top:
        return units
    organ_of = organ_ids_of_units()
    return [u for u in units if u.id != organ_id and organ_of.get(u.id) == organ_id]


def assignable_units(user) -> list[Unit]:
    """The units the person's organ gives tasks to (the task form's choices)."""
    return units_of_organ(user.organ_id, top=not answers_to_an_organ(user))
