from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Column, Date, ForeignKey, Integer, String, Table, Text, UniqueConstraint, event, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.core.reminders import ReminderFields
from app.core.time import utcnow
from app.core.types import UTCDateTime
from app.extensions import db
from app.notices.models import Notice
from app.units.models import Unit
from app.units.organs import top_organ_id_on


class ProgressState(enum.StrEnum):
    not_started = "not_started"
    in_progress = "in_progress"
    done = "done"
    blocked = "blocked"

    @property
    def title(self) -> str:
        return str(PROGRESS_TITLES[self])


PROGRESS_TITLES = {
    ProgressState.not_started: _l("Not started"),
    ProgressState.in_progress: _l("In progress"),
    ProgressState.done: _l("Done"),
    ProgressState.blocked: _l("Blocked"),
}


class AssignmentRole(enum.StrEnum):
    lead = "lead"  # 牵头
    cooperate = "cooperate"  # 配合

    @property
    def title(self) -> str:
        return str(ASSIGNMENT_ROLE_TITLES[self])


ASSIGNMENT_ROLE_TITLES = {
    AssignmentRole.lead: _l("Lead (牵头)"),
    AssignmentRole.cooperate: _l("Cooperating (配合)"),
}


class ReviewState(enum.StrEnum):
    pending = "pending"
    accepted = "accepted"
    returned = "returned"

    @property
    def title(self) -> str:
        return str(REVIEW_TITLES[self])


REVIEW_TITLES = {
    ReviewState.pending: _l("Awaiting review"),
    ReviewState.accepted: _l("Accepted"),
    ReviewState.returned: _l("Returned"),
}


task_cooperating_units = Table(
    "task_cooperating_units",
    db.metadata,
    Column("task_id", ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
)


class Task(db.Model):
    """A measure, or a piece of one, that units must carry out (任务分解)."""

    __tablename__ = "tasks"
    __table_args__ = (UniqueConstraint("source_notice_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32))  # "5-3"
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    source_notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id", ondelete="RESTRICT"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    # The organ that set the task and supervises it: the city's measures, or a district bureau's breakdown of a
    # city task assigned to it for its schools (parent_id the city's task). Nullable only as Notice.organ_id is.
    organ_id: Mapped[int | None] = mapped_column(ForeignKey("organs.unit_id", ondelete="RESTRICT"), index=True)
    lead_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"))
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open", server_default="open")
    sort_order: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    source_notice: Mapped[Notice | None] = relationship()
    parent: Mapped[Task | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Task]] = relationship(back_populates="parent", order_by="Task.sort_order")
    lead_unit: Mapped[Unit | None] = relationship()
    cooperating_units: Mapped[list[Unit]] = relationship(secondary=task_cooperating_units)
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="Milestone.due_on"
    )
    assignments: Mapped[list[Assignment]] = relationship(back_populates="task", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Task {self.code} {self.title[:20]}>"


class Milestone(db.Model):
    __tablename__ = "milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    task: Mapped[Task] = relationship(back_populates="milestones")

    def __repr__(self) -> str:
        return f"<Milestone {self.task_id} {self.title[:20]}>"


class Assignment(db.Model):
    """A task as one unit carries it: lead (牵头) or cooperating (配合), with its state."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("task_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    role: Mapped[str] = mapped_column(String(16), default="lead")  # "lead" or "cooperate"
    state: Mapped[str] = mapped_column(String(16), default=ProgressState.not_started.value)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    task: Mapped[Task] = relationship(back_populates="assignments")
    unit: Mapped[Unit] = relationship()
    reports: Mapped[list[ProgressReport]] = relationship(
        back_populates="assignment", cascade="all, delete-orphan", order_by="ProgressReport.id"
    )
    reminders: Mapped[list[TaskReminder]] = relationship(
        back_populates="assignment", cascade="all, delete-orphan", order_by="TaskReminder.id"
    )

    def __repr__(self) -> str:
        return f"<Assignment task={self.task_id} unit={self.unit_id}>"

    @property
    def is_done(self) -> bool:
        return self.state == ProgressState.done

    @property
    def state_title(self) -> str:
        return ProgressState(self.state).title

    @property
    def role_title(self) -> str:
        return AssignmentRole(self.role).title


class ProgressReport(db.Model):
    """A unit's report on an assignment, reviewed by the bureau (accepted or returned)."""

    __tablename__ = "progress_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))
    # Attached files: [{"sha256": ..., "filename": ...}]
    files: Mapped[list] = mapped_column(JSON, default=list)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    review_state: Mapped[str] = mapped_column(String(16), default="pending", server_default="pending")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_comment: Mapped[str] = mapped_column(Text, default="", server_default="")

    assignment: Mapped[Assignment] = relationship(back_populates="reports")
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])

    def __repr__(self) -> str:
        return f"<ProgressReport {self.assignment_id} {self.review_state}>"

    @property
    def state_title(self) -> str:
        return ProgressState(self.state).title

    @property
    def review_title(self) -> str:
        return ReviewState(self.review_state).title


class TaskReminder(ReminderFields, db.Model):
    """A reminder (督办) sent to a unit about a task it has not finished: in its task list, and by email."""

    __tablename__ = "task_reminders"

    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"), index=True)
    assignment: Mapped[Assignment] = relationship(back_populates="reminders")


pairing_schools = Table(
    "pairing_schools",
    db.metadata,
    Column("pairing_id", ForeignKey("pairings.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, nullable=False, server_default="0"),
)


class Pairing(db.Model):
    """结对共建: one high school paired with middle schools, in given subjects."""

    __tablename__ = "pairings"

    id: Mapped[int] = mapped_column(primary_key=True)
    high_school_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"))
    source_notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id", ondelete="SET NULL"))
    subjects: Mapped[list] = mapped_column(JSON, default=list)

    high_school: Mapped[Unit] = relationship(foreign_keys=[high_school_id])
    source_notice: Mapped[Notice | None] = relationship()
    # Written through pairing_schools with explicit positions, read in that order.
    middle_schools: Mapped[list[Unit]] = relationship(
        secondary=pairing_schools, order_by=pairing_schools.c.position, viewonly=True
    )

    def __repr__(self) -> str:
        return f"<Pairing {self.high_school_id}>"


@event.listens_for(Task, "before_insert")
def _task_organ(_mapper, connection, task: Task) -> None:
    """A task is its parent's organ's, or the organ of the notice it comes from, unless it says otherwise."""
    if task.organ_id is None and task.parent_id is not None:
        task.organ_id = connection.scalar(select(Task.organ_id).where(Task.id == task.parent_id))
    if task.organ_id is None and task.source_notice_id is not None:
        task.organ_id = connection.scalar(select(Notice.organ_id).where(Notice.id == task.source_notice_id))
    if task.organ_id is None:
        task.organ_id = top_organ_id_on(connection)
