"""The roll-up of a breakdown: a district bureau's part of a city task is where its schools stand on it.

A district bureau assigned a city task breaks it down for its schools (app/tasks/breakdown.py): tasks of its own,
straight under the city's task, each assigned to some of its schools. Its assignment on the city task then follows
them: done when every school has done its part, blocked while one of them is blocked, else in progress (a district
that has broken the task down has started on it, whether or not its schools have yet). The city's acceptance of the
district's own report does not outrun its schools: on a task broken down, their progress makes the district's state.

The state is written on the district's assignment whenever the breakdown changes (a school's report accepted by the
district, a breakdown task made, changed or deleted), so that every page, the city's dashboard and exports and the
待办 read the district's state as they read any unit's; the counts beside it ("3 of 7 schools done") are read with
it, for many assignments at once, in one query.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import aliased

from app.core import time as clock
from app.extensions import db
from app.tasks.models import Assignment, ProgressState, Task


@dataclass(frozen=True)
class Rollup:
    """How a district's schools stand on its breakdown of one task."""

    done: int  # schools that have done every part of the breakdown they carry
    total: int  # schools the breakdown assigns
    state: str  # the district's state derived from theirs (ProgressState)

    @property
    def state_title(self) -> str:
        return ProgressState(self.state).title


def _tally(state: ProgressState):
    return func.coalesce(func.sum(case((Assignment.state == state.value, 1), else_=0)), 0)


def _derived(assignments: int, done: int, blocked: int) -> ProgressState:
    if done == assignments:
        return ProgressState.done
    if blocked:
        return ProgressState.blocked
    return ProgressState.in_progress


def rollups(parent_ids) -> dict[tuple[int, int], Rollup]:
    """(task id, district bureau's unit id) → its breakdown's roll-up, for the tasks `parent_ids` (ids, or a SELECT
    of them): one query however many tasks, districts and schools."""
    child, parent = aliased(Task), aliased(Task)
    rows = db.session.execute(
        select(
            child.parent_id,
            child.organ_id,
            Assignment.unit_id,
            func.count(Assignment.id),
            _tally(ProgressState.done),
            _tally(ProgressState.blocked),
        )
        .select_from(child)
        .join(parent, parent.id == child.parent_id)
        .join(Assignment, Assignment.task_id == child.id)
        .where(child.parent_id.in_(parent_ids), child.organ_id != parent.organ_id)
        .group_by(child.parent_id, child.organ_id, Assignment.unit_id)
    ).all()
    schools: dict[tuple[int, int], list[tuple[int, int, int]]] = defaultdict(list)
    for parent_id, organ_id, _unit_id, total, done, blocked in rows:
        schools[(parent_id, organ_id)].append((int(total), int(done), int(blocked)))
    return {key: _rollup(parts) for key, parts in schools.items()}


def _rollup(parts: list[tuple[int, int, int]]) -> Rollup:
    """From each school's (assignments, done, blocked) on the breakdown."""
    state = _derived(sum(p[0] for p in parts), sum(p[1] for p in parts), sum(p[2] for p in parts))
    schools_done = sum(1 for total, finished, _blocked in parts if finished == total)
    return Rollup(done=schools_done, total=len(parts), state=state.value)


def roll_up(task_id: int, organ_id: int) -> Rollup | None:
    """Write the breakdown's state on the district's assignment of the task, if the district has broken it down;
    flushes, does not commit (the caller's change and this commit together)."""
    found = rollups([task_id]).get((task_id, organ_id))
    if found is not None:
        db.session.execute(
            update(Assignment)
            .where(Assignment.task_id == task_id, Assignment.unit_id == organ_id, Assignment.state != found.state)
            .values(state=found.state, updated_at=clock.utcnow())
            .execution_options(synchronize_session=False)
        )
    return found


def roll_up_parent(organ_id: int | None, parent_id: int | None) -> None:
    """After a change to a task of this organ under this parent (its units, a review of one of its reports, its
    deletion): if it is part of the organ's breakdown of a task of the organ above, bring the organ's part of that
    task up to date."""
    if parent_id is None or organ_id is None:
        return
    parent_organ_id = db.session.scalar(select(Task.organ_id).where(Task.id == parent_id))
    if parent_organ_id is not None and parent_organ_id != organ_id:
        roll_up(parent_id, organ_id)
