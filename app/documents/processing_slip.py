"""The 收文处理笺 of a received document as a .docx: the slip that travels with it from the office's proposal (拟办)
to the leader's instruction (批示), the units that handle it (承办), its readers (传阅) and its closing (办结).

One A4 portrait page, on the notices' page and 版心 (layout.py: margins 37/35/28/26 mm, 156 × 225 mm):

- the title, organ_name + "收文处理笺", in 2号小标宋 centred (the notices' GW Title), half a line above the table;
- a table as wide as the 版心, ruled 0.5 pt black on every cell, cells white, 4号 throughout: labels in 黑体 centred,
  values in 仿宋 flush left. Four columns for the document's particulars (来文单位 | value | 收文编号 | value, …), the
  title and the rows that are written on spanning the three right ones;
- the rows written on (拟办意见, 领导批示, 承办情况, 传阅情况, 办结情况) hold a table row per entry, their
  label one cell down all of them: each entry's text flush left, then who and when right-aligned
  ("— 王主任　2026年12月2日"), on the text's last line when it has room for them, else on a line of their own.
  The last row of each is at least as tall as the room it leaves for handwriting (30 mm for 批示, 20 mm for the
  others), so an empty one is a blank box of that height and a filled one leaves that room under its last entry;
- no row breaks across pages (w:cantSplit): a long slip goes on on the next page between two entries, and only an
  entry taller than a page would be cut.

render_processing_slip(slip) -> bytes; the same slip gives the same bytes (save_deterministic).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime

from docx import Document
from docx.oxml import OxmlElement

from app.core.dates import cn_date
from app.documents import layout as L
from app.documents.ooxml import child, mm_to_twips, pt_to_twips, set_attrs, set_cell_border, set_size
from app.documents.package import base_file, save_deterministic
from app.documents.tasks_table import CELL_MARGIN_TWIPS, add_row, add_runs, ruled_table
from app.documents.titles import title_lines
from app.documents.widths import text_width_chars


@dataclass(frozen=True)
class SlipLine:
    """One entry of a row written on: what was proposed, instructed, done or remarked; who; when. extra: the
    handling's deadline (承办情况), printed under the text; on the other rows printed as it is."""

    text: str
    who: str
    at: date | None
    extra: str = ""


@dataclass(frozen=True)
class ProcessingSlip:
    """Everything a 收文处理笺 prints, as plain values."""

    organ_name: str  # 乌海市教育局: the title is 乌海市教育局收文处理笺
    number: str  # 收文编号: 收〔2026〕15号
    sender: str  # 来文单位
    sender_number: str  # 来文字号: 内教基字〔2026〕128号
    received_on: date  # 收文日期
    urgency: str = ""  # 紧急程度: 特急, 加急, or empty
    classification: str = ""  # 密级, or empty
    title: str = ""  # the received document's title
    proposals: list[SlipLine] = field(default_factory=list)  # 拟办意见
    instructions: list[SlipLine] = field(default_factory=list)  # 领导批示
    handling: list[SlipLine] = field(default_factory=list)  # 承办情况: who = the unit or person, extra = deadline
    readings: list[SlipLine] = field(default_factory=list)  # 传阅情况: who read it, when, text = the comment (阅批)
    closing: SlipLine | None = None  # 办结情况
    note: str = ""  # 备注


TITLE_SUFFIX = "收文处理笺"
# The table: 4号 on exact 23 pt lines (the 4号 of the tables in a notice's text, app/documents/body_tables.py).
CELL_PT = L.SIZE_4
CELL_LINE_TWIPS = pt_to_twips(23)
LABEL_FONT = L.HEITI
RULE_EIGHTHS = 4  # 0.5 pt
# Columns in millimetres: label, value, label, value, adding up to the 版心's 156 mm. A label of four 4号 characters
# needs 19.8 mm and the cell's 3 mm of margins, and a little air; the left value takes a sender's name of twelve
# characters (内蒙古自治区教育厅办公室), the right one a number or a date (收〔2026〕15号, 2026年12月31日: seven ems).
COLUMNS_MM = (25, 63, 25, 43)
assert sum(COLUMNS_MM) == L.TEXT_WIDTH_MM
ROW_MM = 10  # every row at least this tall: room for one handwritten line
# The rows written on, with the room each leaves for handwriting (the last of its rows at least this tall).
PROPOSALS, INSTRUCTIONS, HANDLING, READINGS, CLOSING = "拟办意见", "领导批示", "承办情况", "传阅情况", "办结情况"
WRITING_ROOM_MM = {PROPOSALS: 20, INSTRUCTIONS: 30, HANDLING: 20, READINGS: 20, CLOSING: 20}
DEADLINE_LABEL = "办理时限："
SIGN_OFF_DASH = "— "
# Labels top to bottom: the particulars two a row, then one a row.
PARTICULARS = (("来文单位", "收文编号"), ("来文字号", "收文日期"), ("紧急程度", "密级"))
TITLE_LABEL, NOTE_LABEL = "标题", "备注"
# A 4号 character and the base style's spacing after it (GW Roster), in twips.
CHAR_TWIPS = pt_to_twips(CELL_PT) + L.CHAR_SPACING_TWIPS
# Between a short text and its who and when on one line, at least this many characters of white.
SIGN_OFF_GAP_CHARS = 2
_WIDE = "“”‘’…—"  # below U+2E80, but a full character wide in the Chinese font


def sign_off(line: SlipLine) -> str:
    """Who and when, as the entry ends: "— 王主任　2026年12月2日"; empty when neither is known."""
    parts = [part for part in (line.who, cn_date(line.at) if line.at else "") if part]
    return SIGN_OFF_DASH + "\u3000".join(parts) if parts else ""


def width_chars(text: str) -> float:
    """Width in characters of the cells' type: Latin letters and digits half, the wide marks whole."""
    return text_width_chars(text) + 0.5 * sum(ch in _WIDE for ch in text)


def entry_paragraphs(label: str, line: SlipLine, per_line: float) -> list[tuple[str, str]]:
    """An entry's paragraphs, each (flush left, flush right): its text line by line, the deadline (承办情况) or
    extra, then who and when; who and when on the last line when it holds them with room to spare ("同意。  — 张局长
    2026年12月2日"), else on a line of their own."""
    printed = [(text, "") for text in line.text.split("\n")] if line.text else []
    if line.extra:
        printed.append(((DEADLINE_LABEL if label == HANDLING else "") + line.extra, ""))
    signed = sign_off(line)
    if not signed:
        return printed
    if printed and width_chars(printed[-1][0]) + SIGN_OFF_GAP_CHARS + width_chars(signed) <= per_line:
        printed[-1] = (printed[-1][0], signed)
    else:
        printed.append(("", signed))
    return printed


class ProcessingSlipRenderer:
    def __init__(self, slip: ProcessingSlip):
        self.slip = slip
        template, self.style_ids = base_file()
        self.document = Document(io.BytesIO(template))
        self.widths = [mm_to_twips(mm) for mm in COLUMNS_MM]
        self.widths[-1] = L.TEXT_WIDTH_TWIPS - sum(self.widths[:-1])  # exactly the 版心, whatever the rounding
        # The text's width in the cells across the three value columns.
        self.wide_text_twips = sum(self.widths[1:]) - 2 * CELL_MARGIN_TWIPS

    def title(self) -> None:
        paragraph = self.document.add_paragraph()
        ppr = paragraph._p.get_or_add_pPr()
        ppr.style = self.style_ids[L.STYLE_TITLE]  # 2号小标宋, centred, kept with the table
        set_attrs(child(ppr, "w:spacing"), after=L.lines(0.5))
        for index, text in enumerate(title_lines(self.slip.organ_name + TITLE_SUFFIX)):
            run = paragraph.add_run(text)
            if index:
                run._r.addprevious(OxmlElement("w:br"))

    def table(self) -> None:
        slip = self.slip
        table = ruled_table(self.document, self.widths)
        particulars = (
            (slip.sender, slip.number),
            (slip.sender_number, cn_date(slip.received_on)),
            (slip.urgency, slip.classification),
        )
        for labels, values in zip(PARTICULARS, particulars, strict=True):
            cells = self.row(table, [1, 1, 1, 1], min_mm=ROW_MM)
            for column, cell in enumerate(cells):
                if column % 2 == 0:
                    self.label(cell, labels[column // 2])
                else:
                    self.value(cell, lines(values[column // 2]), align_top=False)
        self.labelled_row(table, TITLE_LABEL, lines(slip.title))
        entries = {
            PROPOSALS: slip.proposals,
            INSTRUCTIONS: slip.instructions,
            HANDLING: slip.handling,
            READINGS: slip.readings,
            CLOSING: [slip.closing] if slip.closing else [],
        }
        for label, written in entries.items():
            self.writing_rows(table, label, written)
        self.labelled_row(table, NOTE_LABEL, lines(slip.note))

    def writing_rows(self, table, label: str, written: list[SlipLine]) -> None:
        """A row per entry (one empty row for none), the label one cell down all of them, the last at least the
        row's room for handwriting tall."""
        per_line = self.wide_text_twips / CHAR_TWIPS
        printed = [entry_paragraphs(label, line, per_line) for line in written] or [[]]
        for index, paragraphs in enumerate(printed):
            last = index == len(printed) - 1
            label_cell, value_cell = self.row(table, [1, 3], min_mm=WRITING_ROOM_MM[label] if last else ROW_MM)
            self.label(label_cell, label if index == 0 else "")
            self.value(value_cell, paragraphs, align_top=True)
            if len(printed) > 1:  # the label's cell goes on down the rows of its entries
                set_attrs(
                    child(label_cell._tc.get_or_add_tcPr(), "w:vMerge"),
                    **({"val": "restart"} if index == 0 else {}),
                )

    def labelled_row(self, table, label: str, paragraphs: list[tuple[str, str]]) -> None:
        label_cell, value_cell = self.row(table, [1, 3], min_mm=ROW_MM)
        self.label(label_cell, label)
        self.value(value_cell, paragraphs, align_top=False)

    # Rows and cells

    def row(self, table, spans: list[int], *, min_mm: float):
        """A row of cells spanning these grid columns, at least min_mm tall, never broken across pages, every cell
        ruled on its four sides."""
        widths, at = [], 0
        for span in spans:
            widths.append(sum(self.widths[at : at + span]))
            at += span
        cells = add_row(table, widths, spans)
        trpr = cells[0]._tc.getparent().get_or_add_trPr()
        trpr.append(OxmlElement("w:cantSplit"))
        height = OxmlElement("w:trHeight")
        set_attrs(height, val=mm_to_twips(min_mm), hRule="atLeast")
        trpr.append(height)
        for cell in cells:
            tcpr = cell._tc.get_or_add_tcPr()
            for side in ("top", "left", "bottom", "right"):
                set_cell_border(tcpr, side, size_eighths=RULE_EIGHTHS, color=L.BLACK)
        return cells

    def cell_paragraph(self, cell, index: int, align: str):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        ppr = paragraph._p.get_or_add_pPr()
        ppr.style = self.style_ids[L.STYLE_ROSTER]  # 仿宋, flush left, no widow control, no autospace
        set_attrs(child(ppr, "w:spacing"), before=0, after=0, line=CELL_LINE_TWIPS, lineRule="exact")
        set_attrs(child(ppr, "w:jc"), val=align)
        # The paragraph mark in the cell's size too: an empty cell's line is the same as a written one's.
        set_size(child(ppr, "w:rPr"), CELL_PT)
        return paragraph

    def label(self, cell, text: str) -> None:
        set_attrs(child(cell._tc.get_or_add_tcPr(), "w:vAlign"), val="center")
        paragraph = self.cell_paragraph(cell, 0, "center")
        if text:
            add_runs(paragraph, text, font=LABEL_FONT, size=CELL_PT)

    def value(self, cell, paragraphs: list[tuple[str, str]], *, align_top: bool) -> None:
        """The cell's paragraphs, each (flush left, flush right): text alone flush left, who and when alone
        right-aligned, both on one line with a right tab stop at the cell's right edge between them."""
        set_attrs(child(cell._tc.get_or_add_tcPr(), "w:vAlign"), val="top" if align_top else "center")
        for index, (left, right) in enumerate(paragraphs or [("", "")]):
            paragraph = self.cell_paragraph(cell, index, "right" if right and not left else "left")
            if left:
                add_runs(paragraph, left, size=CELL_PT)
            if right and left:
                tab = OxmlElement("w:tab")
                set_attrs(tab, val="right", pos=self.wide_text_twips)
                child(paragraph._p.get_or_add_pPr(), "w:tabs").append(tab)
                run = paragraph.add_run()
                run.add_tab()
                set_size(run._r.get_or_add_rPr(), CELL_PT)
            if right:
                add_runs(paragraph, right, size=CELL_PT)

    # The whole slip

    def render(self) -> bytes:
        slip = self.slip
        self.title()
        self.table()
        # A table cannot end a document in Word: an empty, one-point paragraph after it.
        closing = self.document.add_paragraph()
        set_attrs(child(closing._p.get_or_add_pPr(), "w:spacing"), before=0, after=0, line=20, lineRule="exact")
        props = self.document.core_properties
        props.title = slip.organ_name + TITLE_SUFFIX
        received = slip.received_on
        props.created = props.modified = datetime(received.year, received.month, received.day)
        props.author = props.last_modified_by = slip.organ_name or "bureau-intranet"
        props.revision = 1
        return save_deterministic(self.document)


def lines(text: str) -> list[tuple[str, str]]:
    """A value's paragraphs: its lines, flush left."""
    return [(line, "") for line in text.split("\n")]


def render_processing_slip(slip: ProcessingSlip) -> bytes:
    """The slip as a .docx: the same slip gives the same bytes."""
    return ProcessingSlipRenderer(slip).render()
