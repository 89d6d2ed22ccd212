"""The demo's tasks made whole: one task per 结对共建 pair, and the lead units' assignments of the seed's sub-items."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.notices.models import Notice
from app.tasks.models import (
    Assignment,
    AssignmentRole,
    Pairing,
    ProgressState,
    Task,
)


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
