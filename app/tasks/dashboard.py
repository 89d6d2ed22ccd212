"""The supervision dashboard of an organ: progress of every assignment of its tasks by measure, by district and by
unit, what needs attention, and where the district bureaus' breakdowns of its tasks stand (their roll-up: the city
sees how many of a district's schools are done, not their reports)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.core import time as clock
from app.extensions import db
from app.notices.models import Notice, NoticeStatus
from app.tasks.deadlines import (
    URGENCY_ORDER,
    Urgency,
    deadline_of,
)
from app.tasks.models import (
    Assignment,
    ProgressReport,
    ProgressState,
    ReviewState,
    Task,
)
from app.tasks.queries import AssignmentRow, code_key, in_tree_order
from app.tasks.rollup import Rollup, rollups
from app.tasks.scope import of_organ
from app.units.models import Unit, UnitKind

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
class NoticeMeasures:
    """The measures of one notice: measures of two notices may share a code (both "1"), so each notice's are
    drawn apart, under its number and title."""

    notice: Notice
    rows: list[DashboardRow]

    @property
    def key(self) -> str:
        return f"notice-{self.notice.id}"


@dataclass
class Dashboard:
    total: Progress
    by_notice: list[NoticeMeasures]
    by_district: list[DashboardRow]
    by_unit: list[DashboardRow]
    attention: list[AssignmentRow]
    units: dict[int, Unit] = field(default_factory=dict)  # keeps the rows' units in the session while drawn
    # Assignment id → the roll-up of the district's breakdown of that task, for the districts that broke theirs down.
    rollups: dict[int, Rollup] = field(default_factory=dict)
    broken_down: list[AssignmentRow] = field(default_factory=list)  # those assignments, in the measures' order


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


def build_dashboard(user, notice: Notice | None = None) -> Dashboard:
    """Progress of every unit's assignments on the tasks of the person's organ (of one notice, or of every issued
    notice), in a fixed number of queries: by measure, by district, by unit, the assignments that are overdue or due
    soon, and the district bureaus' breakdowns.
    """
    today = clock.today_in_china()
    # Every unit once: the parents that Unit.district walks are then found in the session, not queried. The
    # session holds them weakly, so the dashboard keeps this dict for as long as its page is drawn.
    units = {u.id: u for u in db.session.scalars(select(Unit))}
    if notice is not None:
        in_scope = (Task.source_notice_id == notice.id) & of_organ(user)
    else:
        issued = select(Notice.id).where(Notice.status == NoticeStatus.issued.value)
        in_scope = Task.source_notice_id.in_(issued) & of_organ(user)
    tasks = {t.id: t for t in db.session.scalars(select(Task).where(in_scope).options(selectinload(Task.milestones)))}
    notices = {
        n.id: n
        for n in db.session.scalars(
            select(Notice)
            .where(Notice.id.in_(select(Task.source_notice_id).where(in_scope)))
            .options(joinedload(Notice.series))
        )
    }
    assignments = list(db.session.scalars(select(Assignment).join(Task, Task.id == Assignment.task_id).where(in_scope)))
    pending = set(
        db.session.scalars(
            select(ProgressReport.assignment_id)
            .join(Assignment, Assignment.id == ProgressReport.assignment_id)
            .join(Task, Task.id == Assignment.task_id)
            .where(in_scope, ProgressReport.review_state == ReviewState.pending.value)
        )
    )
    by_task_and_unit = rollups(select(Task.id).where(in_scope))
    total = Progress()
    measures: dict[int, DashboardRow] = {}
    districts: dict[str, tuple[tuple, DashboardRow]] = {}
    by_unit: dict[int, DashboardRow] = {}
    attention = []
    found_rollups: dict[int, Rollup] = {}
    broken_down = []
    for assignment in assignments:
        task = tasks[assignment.task_id]
        unit = units[assignment.unit_id]
        deadline = deadline_of(task, done=assignment.is_done, today=today)
        rollup = by_task_and_unit.get((assignment.task_id, assignment.unit_id))
        if rollup is not None:
            found_rollups[assignment.id] = rollup
            broken_down.append(AssignmentRow(assignment, task, deadline, pending=assignment.id in pending))
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
    measure_order = {t.id: i for i, (t, _d) in enumerate(in_tree_order(list(tasks.values())))}
    by_notice: dict[int, list[DashboardRow]] = {}
    for measure_id in sorted(measures, key=lambda k: measure_order.get(k, 0)):
        by_notice.setdefault(tasks[measure_id].source_notice_id, []).append(measures[measure_id])
    newest_first = sorted(
        (notices[notice_id] for notice_id in by_notice if notice_id in notices),
        key=lambda n: (n.issued_at is not None, n.issued_at, n.id),
        reverse=True,
    )
    attention.sort(key=lambda r: (URGENCY_ORDER[r.deadline.urgency], r.deadline.due or date.max, code_key(r.task.code)))
    broken_down.sort(
        key=lambda r: (measure_order.get(r.task.id, 0), r.assignment.unit.sort_order, r.assignment.unit_id)
    )
    unit_order = {u.id: (u.sort_order, u.id) for u in units.values()}
    return Dashboard(
        total=total,
        by_notice=[NoticeMeasures(n, by_notice[n.id]) for n in newest_first],
        by_district=[row for _order, row in sorted(districts.values(), key=lambda item: item[0])],
        by_unit=[by_unit[k] for k in sorted(by_unit, key=lambda k: unit_order[k])],
        attention=attention,
        units=units,
        rollups=found_rollups,
        broken_down=broken_down,
    )
