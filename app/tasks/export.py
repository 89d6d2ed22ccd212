"""The 任务分解表 of a notice: as plain rows, as .docx (through app/documents) and as .xlsx."""

from __future__ import annotations

import io
from datetime import datetime

from flask_babel import gettext as _

from app.documents.tasks_table import TaskTableData, TaskTableRow, render_task_table
from app.i18n import cn_date
from app.notices.models import Notice
from app.tasks.models import AssignmentRole, ProgressState
from app.tasks.services import TreeRow, Urgency, task_tree


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
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    tree = task_tree(notice)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Tasks")
    sheet.append([f"{notice.number or ''} {table_title(notice)}".strip()])
    sheet["A1"].font = Font(bold=True)
    headers = [
        _("Task number"),
        _("Under"),
        _("Task"),
        _("What is to be done"),
        _("Lead unit (牵头)"),
        _("Cooperating units (配合)"),
        _("Deadline (完成时限)"),
        _("Milestones"),
        _("Units done"),
        _("Units assigned"),
        _("Progress by unit"),
        _("Supervision"),
    ]
    sheet.append(headers)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    by_id = {r.task.id: r.task for r in tree}
    flags = {Urgency.overdue: _("Overdue"), Urgency.due_soon: _("Due within 7 days"), Urgency.done: _("Done")}
    wrapped = Alignment(wrap_text=True, vertical="top")
    for number, row in enumerate(tree, start=3):
        task = row.task
        parent = by_id.get(task.parent_id)
        states = "；".join(
            f"{a.unit.display_name}"
            f"{'（' + str(AssignmentRole(a.role).title) + '）' if a.role == AssignmentRole.lead else ''}"
            f"：{ProgressState(a.state).title}"
            for a in sorted(task.assignments, key=lambda a: (a.role != AssignmentRole.lead, a.unit.sort_order))
        )
        sheet.append(
            [
                task.code,
                parent.code if parent else "",
                task.title,
                task.description or "",
                task.lead_unit.name if task.lead_unit else "",
                _units(u.name for u in task.cooperating_units),
                task.due_on,
                "\n".join(_milestone_lines(row)),
                row.done,
                row.total,
                states,
                flags.get(row.deadline.urgency, ""),
            ]
        )
        # (sheet.max_row would scan every row each time.)
        sheet.cell(row=number, column=7).number_format = "yyyy-mm-dd"
        for column in (3, 4, 6, 8, 11):
            sheet.cell(row=number, column=column).alignment = wrapped
    for column, width in zip("ABCDEFGHIJKL", (10, 8, 30, 60, 22, 30, 12, 24, 8, 8, 40, 12), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
