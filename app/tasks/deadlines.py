"""Deadlines of tasks: the next date still open (a milestone or the task's own), and how urgent it is.

"Today" comes from app.core.time (read through the module, so a test that freezes the clock freezes it here too).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.core import time as clock
from app.tasks.models import (
    Milestone,
    Task,
)

DUE_SOON_DAYS = 7


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
    """What is due next on a task (`due`: the first open milestone, else the task's own deadline) and how urgent.

    `task_due` is the task's own deadline (完成时限). What the pages count to is said with it: "due in 17 days" is
    the task's; a milestone in 7 days is shown as the milestone's, never as the task falling due.
    """

    due: date | None
    milestone: Milestone | None
    urgency: str
    task_due: date | None = None

    @property
    def days_left(self) -> int | None:
        """Days to what is due next (the milestone when there is one)."""
        return None if self.due is None else (self.due - clock.today_in_china()).days

    @property
    def task_days_left(self) -> int | None:
        """Days to the task's own deadline."""
        return None if self.task_due is None else (self.task_due - clock.today_in_china()).days


def deadline_of(task: Task, *, done: bool, today: date) -> Deadline:
    due, milestone = next_deadline(task)
    return Deadline(due, milestone, urgency_of(due, done, today), task.due_on)


URGENCY_ORDER = {Urgency.overdue: 0, Urgency.due_soon: 1, Urgency.none: 2, Urgency.done: 3}
