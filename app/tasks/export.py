"""The 任务分解表 of a notice: as plain rows, as .docx (through app/documents) and as .xlsx."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from app.core.dates import cn_date
from app.core.xlsx import Column, xlsx_table
from app.documents.tasks_table import TaskTableData, TaskTableRow, render_task_table
from app.notices.models import Notice
from app.tasks.deadlines import Urgency
from app.tasks.models import AssignmentRole, ProgressState
from app.tasks.queries import TreeRow, task_tree


def _units(names) -> str:
    return "、".join(names)


def _milestone_lines(row: TreeRow) -> list[str]:
    lines = []
    for milestone in row.task.milestones:
        when = f"{cn_date(milestone.due_on)}前" if milestone.due_on else ""
        lines.append(f"{when}{milestone.title}" + ("（已完成）" if milestone.done_at else ""))
    return lines


def table_title(notice: Notice) -> str:
    """The distributed document's title (the measures themselves) with 任务分解表, else the notice's own."""
    base = notice.documents[0].title if notice.documents else notice.title
    return f"{base}任务分解表"


def task_table(notice: Notice) -> TaskTableData:
    tree = task_tree(notice)
    parents = {r.task.parent_id for r in tree}
    rows = [
        TaskTableRow(
            code=r.task.code,
            title=r.task.title,
            description=r.task.description or "",
            lead=r.task.lead_unit.display_name if r.task.lead_unit else "",
            cooperating=_units(u.display_name for u in r.task.cooperating_units),
            due=cn_date(r.task.due_on) if r.task.due_on else "",
            milestones=_milestone_lines(r),
            depth=r.depth,
            is_group=r.is_group,
            has_children=r.task.id in parents,
        )
        for r in tree
    ]
    issued = notice.issued_at or notice.created_at or datetime(2000, 1, 1)
    return TaskTableData(
        title=table_title(notice),
        subtitle=f"（{notice.number}）" if notice.number else "",
        rows=rows,
        author=notice.signature_organ or "bureau-intranet",
        timestamp=issued,
    )


def tasks_docx(notice: Notice) -> bytes:
    return render_task_table(task_table(notice))


def tasks_xlsx(notice: Notice) -> bytes:
    """Every task of the notice, one row each, in tree order, with its units, dates and progress."""
    tree = task_tree(notice)
    by_id = {r.task.id: r.task for r in tree}
    flags = {Urgency.overdue: _("Overdue"), Urgency.due_soon: _("Due within 7 days"), Urgency.done: _("Done")}

    def progress_by_unit(task) -> str:
        assignments = sorted(task.assignments, key=lambda a: (a.role != AssignmentRole.lead, a.unit.sort_order))
        return "；".join(
            f"{a.unit.display_name}"
            f"{'（' + str(AssignmentRole(a.role).title) + '）' if a.role == AssignmentRole.lead else ''}"
            f"：{ProgressState(a.state).title}"
            for a in assignments
        )

    rows = (
        [
            row.task.code,
            by_id[row.task.parent_id].code if row.task.parent_id in by_id else "",
            row.task.title,
            row.task.description or "",
            row.task.lead_unit.name if row.task.lead_unit else "",
            _units(u.name for u in row.task.cooperating_units),
            row.task.due_on,
            "\n".join(_milestone_lines(row)),
            row.done,
            row.total,
            progress_by_unit(row.task),
            flags.get(row.deadline.urgency, ""),
        ]
        for row in tree
    )
    columns = [
        Column(_("Task number"), 10),
        Column(_("Under"), 8),
        Column(_("Task"), 30, wrap=True),
        Column(_("What is to be done"), 60, wrap=True),
        Column(_("Lead unit (牵头)"), 22),
        Column(_("Cooperating units (配合)"), 30, wrap=True),
        Column(_("Deadline (完成时限)"), 12, number_format="yyyy-mm-dd"),
        Column(_("Milestones"), 24, wrap=True),
        Column(_("Units done"), 8),
        Column(_("Units assigned"), 8),
        Column(_("Progress by unit"), 40, wrap=True),
        Column(_("Supervision"), 12),
    ]
    title = f"{notice.number or ''} {table_title(notice)}".strip()
    return xlsx_table(sheet=_("Tasks"), title=title, columns=columns, rows=rows)
