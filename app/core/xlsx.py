"""One way to write a table as .xlsx, for every export: a title row, a header row, the rows.

Every export looks the same: the title in bold in A1, the headers in bold and centred on row 2, both frozen above
the rows; each column its own width, wrapping and number format. Headers come translated from the caller.

Text is always text: the cells hold what people typed (a clerk's reply, a task's title), and openpyxl would write a
string starting with "=" as a formula, which Excel runs (=HYPERLINK(…) sends the sheet's data away, =cmd|… starts a
program). So every string is a string cell, and one that Excel or another spreadsheet could take for a formula also
gets the quote prefix, which keeps it text when someone edits the cell. Numbers and dates keep their types.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

_HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAPPED = Alignment(wrap_text=True, vertical="top")
# What a spreadsheet reads as the start of a formula (or of DDE) when it is typed or pasted into a cell.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    header: str
    width: float  # in characters, as Excel counts them
    wrap: bool = False  # long text: wrapped, at the top of its cell
    number_format: str | None = None  # "yyyy-mm-dd" for dates


def xlsx_table(*, sheet: str, title: str, columns: Sequence[Column], rows: Iterable[Sequence]) -> bytes:
    """The workbook's bytes: one sheet named `sheet`, `title` in A1, then the columns' headers, then the rows."""
    book = Workbook()
    table = book.active
    table.title = sheet
    _append_row(table, 1, [title])
    table["A1"].font = Font(bold=True)
    _append_row(table, 2, [column.header for column in columns])
    for cell in table[2]:
        cell.font = Font(bold=True)
        cell.alignment = _HEADER_ALIGNMENT
    styled = [(index, column) for index, column in enumerate(columns, start=1) if column.wrap or column.number_format]
    for number, row in enumerate(rows, start=3):  # (table.max_row would scan every row each time)
        _append_row(table, number, row)
        for index, column in styled:
            cell = table.cell(row=number, column=index)
            if column.wrap:
                cell.alignment = _WRAPPED
            if column.number_format:
                cell.number_format = column.number_format
    for cell, column in zip(table[2], columns, strict=True):
        table.column_dimensions[cell.column_letter].width = column.width
    table.freeze_panes = "A3"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _append_row(table, number: int, values: Sequence) -> None:
    """Append the values as row `number` (which it must be), strings as text cells whatever they start with."""
    values = list(values)
    table.append(values)
    for index, value in enumerate(values, start=1):
        if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
            cell = table.cell(row=number, column=index)
            cell.data_type = "s"
            cell.quotePrefix = True
