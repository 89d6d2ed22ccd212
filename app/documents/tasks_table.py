"""The 任务分解表 of a notice as a .docx: one table on A4 landscape pages, laid out as GB/T 9704-2012 §8 asks.

GB/T 9704-2012 §8 (公文中的横排表格): "A4纸型的表格横排时，页码位置与公文其他页码保持一致，单页码表头在订口一边，
双页码表头在切口一边。" What this renderer does with it:

- The page is A4 turned landscape (297 × 210 mm, w:orient="landscape") and the text block is the portrait one
  (156 × 225 mm) turned with it: 225 mm wide, 156 mm high. Turning the sheet so that the table's head lies on the
  binding edge (订口, the left edge of an odd page) puts the head at the top of the landscape page; the portrait
  margins go round with the sheet: top 28 mm (portrait left, 订口), bottom 26 mm (portrait right), left 35 mm
  (portrait bottom), right 37 mm (portrait top, 天头). On an even page the same turn puts the head on its left
  edge, which there is the cut edge (切口): both halves of the rule hold with one orientation.
- The page number stays where every other page of the 公文 has it: on the sheet's portrait bottom edge, 7 mm below
  the text block, 4号 宋体 "— 1 —", odd pages one character in from the (portrait) right, even pages one character
  in from the (portrait) left. Seen on the landscape page that is the left margin, 7 mm left of the text block,
  written top to bottom (turned a quarter clockwise, as the portrait text is): near the bottom of the page on odd
  pages, near the top on even pages. Word and LibreOffice lay headers and footers out along the landscape page, so
  the number is a text box in the footer, anchored to the page, with its text turned (vert="vert").
- The table lies inside the text block, its head row repeated on every page.

render_task_table(data) -> bytes; the same data gives the same bytes (save_deterministic).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime

from docx import Document
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tc
from docx.table import _Cell

from app.documents import layout as L
from app.documents.ooxml import (
    EMU_PER_MM,
    child,
    mm_to_twips,
    page_anchored_shape,
    pt_to_twips,
    set_attrs,
    set_bold,
    set_fonts,
    set_lang,
    set_size,
)
from app.documents.package import base_file, save_deterministic
from app.documents.scripts import script_runs
from app.documents.titles import title_lines

# The landscape page: the portrait page and its text block, turned.
LANDSCAPE_WIDTH_MM, LANDSCAPE_HEIGHT_MM = L.PAGE_HEIGHT_MM, L.PAGE_WIDTH_MM  # 297 × 210
LANDSCAPE_TOP_MM = L.MARGIN_LEFT_MM  # 28: the binding edge (订口) of an odd page
LANDSCAPE_BOTTOM_MM = L.MARGIN_RIGHT_MM  # 26
LANDSCAPE_LEFT_MM = L.MARGIN_BOTTOM_MM  # 35: where the portrait page numbers go
LANDSCAPE_RIGHT_MM = L.MARGIN_TOP_MM  # 37
LANDSCAPE_TEXT_WIDTH_MM = LANDSCAPE_WIDTH_MM - LANDSCAPE_LEFT_MM - LANDSCAPE_RIGHT_MM  # 225
LANDSCAPE_TEXT_HEIGHT_MM = LANDSCAPE_HEIGHT_MM - LANDSCAPE_TOP_MM - LANDSCAPE_BOTTOM_MM  # 156
TEXT_WIDTH_TWIPS = mm_to_twips(LANDSCAPE_TEXT_WIDTH_MM)

# The page number's line, turned, one 4号 line thick: its dashes 7 mm from the text block, as on the portrait pages
# (§7.5: "一字线上距版心下边缘7mm"). LibreOffice draws the dash of the turned line 1.68 mm in from the box's left
# edge (measured in the PDF); a box whose edge stood 7 mm from the block put the dashes 10.3 mm from it.
PAGE_NUMBER_CHAR_MM = L.SIZE_4 * 25.4 / 72  # one 4号 character: 4.94 mm
DASH_IN_THE_BOX_MM = 1.68
PAGE_NUMBER_X_MM = LANDSCAPE_LEFT_MM - L.PAGE_NUMBER_GAP_MM - DASH_IN_THE_BOX_MM  # 26.32 mm from the page's left
# Along the edge: from one character inside the text block's top to one character inside its bottom.
PAGE_NUMBER_Y_MM = LANDSCAPE_TOP_MM + PAGE_NUMBER_CHAR_MM
PAGE_NUMBER_LENGTH_MM = LANDSCAPE_TEXT_HEIGHT_MM - 2 * PAGE_NUMBER_CHAR_MM

# The table: 小四 (12 pt) 仿宋 cells, 黑体 head; columns in millimetres, adding up to the text block's width.
CELL_PT = 12
CELL_LINE_TWIPS = pt_to_twips(20)
CELL_MARGIN_TWIPS = mm_to_twips(1.5)
COLUMNS_MM = (21, 84, 24, 32, 40, 24)
assert sum(COLUMNS_MM) == LANDSCAPE_TEXT_WIDTH_MM
HEAD = ("编号", "任务", "牵头单位", "配合单位", "完成时限", "阶段安排")


@dataclass
class TaskTableRow:
    code: str
    title: str
    description: str = ""
    lead: str = ""
    cooperating: str = ""
    due: str = ""
    milestones: list[str] = field(default_factory=list)
    depth: int = 0
    is_group: bool = False  # a heading row (an action): the title spans the row
    has_children: bool = False


@dataclass
class TaskTableData:
    title: str  # …任务分解表
    subtitle: str  # （乌教发〔2023〕75号）
    rows: list[TaskTableRow]
    author: str = "bureau-intranet"
    timestamp: datetime = datetime(2000, 1, 1)


class TaskTableRenderer:
    def __init__(self, data: TaskTableData):
        self.data = data
        template, self.style_ids = base_file()
        self.document = Document(io.BytesIO(template))

    # Page

    def landscape_section(self) -> None:
        turn_landscape(self.document.sections[0]._sectPr)

    def page_numbers(self) -> None:
        add_page_number_boxes(self.document.sections[0], self.style_ids[L.STYLE_PAGE_NUMBER])

    # Text

    def title(self) -> None:
        per_line = LANDSCAPE_TEXT_WIDTH_MM / (L.SIZE_2 * 25.4 / 72)
        paragraph = self.document.add_paragraph()
        paragraph._p.get_or_add_pPr().style = self.style_ids[L.STYLE_TITLE]
        for index, line in enumerate(title_lines(self.data.title, per_line)):
            run = paragraph.add_run(line)
            if index:
                run._r.addprevious(OxmlElement("w:br"))
        if self.data.subtitle:
            subtitle = self.document.add_paragraph()
            subtitle._p.get_or_add_pPr().style = self.style_ids[L.STYLE_NUMBER]
            set_attrs(child(subtitle._p.get_or_add_pPr(), "w:spacing"), after=L.lines(0.5))
            self.add_text(subtitle, self.data.subtitle)

    def add_text(self, paragraph, text: str, *, bold: bool = False, font: str | None = None, size: float | None = None):
        add_runs(paragraph, text, bold=bold, font=font, size=size)

    # The table

    def table(self) -> None:
        widths = [mm_to_twips(mm) for mm in COLUMNS_MM]
        widths[-1] = TEXT_WIDTH_TWIPS - sum(widths[:-1])
        table = ruled_table(self.document, widths)

        head_cells = add_row(table, widths)
        head_cells[0]._tc.getparent().get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # on every page
        for cell, text, width in zip(head_cells, HEAD, widths, strict=True):
            self.cell(cell, width, [(text, True)], font=L.HEITI, align="center")

        for row in self.data.rows:
            if row.is_group:
                code_cell, title_cell = add_row(table, [widths[0], sum(widths[1:])], spans=[1, len(widths) - 1])
                self.cell(code_cell, widths[0], [(row.code, False)], font=L.HEITI, align="center")
                self.cell(title_cell, sum(widths[1:]), [(row.title, False)], font=L.HEITI)
                continue
            cells = add_row(table, widths)
            self.cell(cells[0], widths[0], [(row.code, False)], align="center")
            self.cell(cells[1], widths[1], _task_text(row), align="both")
            self.cell(cells[2], widths[2], [(row.lead, False)], align="center")
            self.cell(cells[3], widths[3], [(row.cooperating, False)])
            self.cell(cells[4], widths[4], [(row.due, False)], align="center")
            self.cell(cells[5], widths[5], [(m, False) for m in row.milestones] or [("", False)])

    def cell(self, cell, width: int, paragraphs, *, font: str | None = None, align: str = "left"):
        fill_cell(cell, width, paragraphs, style_id=self.style_ids[L.STYLE_ROSTER], font=font, align=align)

    # The whole table

    def render(self) -> bytes:
        self.landscape_section()
        self.title()
        self.table()
        # A table cannot end a document in Word: an empty, one-point paragraph after it.
        closing = self.document.add_paragraph()
        set_attrs(child(closing._p.get_or_add_pPr(), "w:spacing"), before=0, after=0, line=20, lineRule="exact")
        self.page_numbers()
        props = self.document.core_properties
        props.title = self.data.title
        props.created = props.modified = self.data.timestamp.replace(tzinfo=None, microsecond=0)
        props.author = props.last_modified_by = self.data.author
        props.revision = 1
        return save_deterministic(self.document)


# The pieces of a landscape page and its table, which the tables in a notice's text (body_tables) print with too.


def turn_landscape(sect_pr) -> None:
    """The section's page A4 landscape, with the portrait text block turned with it (the module's docstring)."""
    set_attrs(
        child(sect_pr, "w:pgSz"),
        w=mm_to_twips(LANDSCAPE_WIDTH_MM),
        h=mm_to_twips(LANDSCAPE_HEIGHT_MM),
        orient="landscape",
    )
    set_attrs(
        child(sect_pr, "w:pgMar"),
        top=mm_to_twips(LANDSCAPE_TOP_MM),
        bottom=mm_to_twips(LANDSCAPE_BOTTOM_MM),
        left=mm_to_twips(LANDSCAPE_LEFT_MM),
        right=mm_to_twips(LANDSCAPE_RIGHT_MM),
        # Header and footer hold nothing but the anchor of the page number: keep them inside the margins.
        header=mm_to_twips(10),
        footer=mm_to_twips(10),
        gutter=0,
    )


def add_page_number_boxes(section, style_id: str, *, first_shape_id: int = 1) -> None:
    """The section's own odd and even footers, each holding the turned page number (page_number_box)."""
    for number, (footer, align) in enumerate(((section.footer, "right"), (section.even_page_footer, "left")), 1):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph._p.get_or_add_pPr().style = style_id
        box = page_number_box(number, align, style_id, shape_id=first_shape_id + number - 1)
        paragraph._p.append(parse_xml(box))


def add_runs(paragraph, text: str, *, bold: bool = False, font: str | None = None, size: float | None = None):
    """Runs for the text, Mongolian (a unit's Mongolian name) in the Mongolian font."""
    for piece, mongolian in script_runs(text):
        run = paragraph.add_run(piece)
        rpr = run._r.get_or_add_rPr()
        if mongolian:
            set_fonts(rpr, L.MONGOLIAN, hint=None)
            set_lang(rpr, val="mn-Mong-CN", east_asia="zh-CN", bidi="mn-Mong-CN")
        elif font:
            set_fonts(rpr, font)
        if bold:
            set_bold(rpr)
        if size:
            set_size(rpr, size)


def ruled_table(document, widths: list[int]):
    """An empty table of these column widths (twips), centred, ruled 0.5 pt all over, cells 1.5 mm in."""
    table = document.add_table(rows=0, cols=len(widths))
    tbl = table._tbl
    tblpr = tbl.tblPr
    set_attrs(child(tblpr, "w:tblW"), w=sum(widths), type="dxa")
    set_attrs(child(tblpr, "w:jc"), val="center")
    borders = child(tblpr, "w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        set_attrs(child(borders, f"w:{side}"), val="single", sz=4, space=0, color=L.BLACK)
    set_attrs(child(tblpr, "w:tblLayout"), type="fixed")
    margins = child(tblpr, "w:tblCellMar")
    for side in ("left", "right"):
        set_attrs(child(margins, f"w:{side}"), w=CELL_MARGIN_TWIPS, type="dxa")
    for col, width in zip(tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol")), widths, strict=True):
        set_attrs(col, w=width)
    return table


def fill_cell(
    cell,
    width: int,
    paragraphs,
    *,
    style_id: str,
    font: str | None = None,
    align: str = "left",
    size: float = CELL_PT,
    line: int = CELL_LINE_TWIPS,
):
    """Fill a cell: one paragraph per (text, bold), in `size` on exact lines; the cell's width fixed, text centred
    vertically."""
    tcpr = cell._tc.get_or_add_tcPr()
    set_attrs(child(tcpr, "w:tcW"), w=width, type="dxa")
    set_attrs(child(tcpr, "w:vAlign"), val="center")
    first = True
    for text, bold in paragraphs:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        ppr = paragraph._p.get_or_add_pPr()
        ppr.style = style_id
        set_attrs(child(ppr, "w:spacing"), before=0, after=0, line=line, lineRule="exact")
        set_attrs(child(ppr, "w:jc"), val=align)
        if text:
            add_runs(paragraph, text, bold=bold, font=font, size=size)


def add_row(table, widths: list[int], spans: list[int] | None = None) -> list[_Cell]:
    """A row of cells of these widths (a cell spanning grid columns where spans say so).

    python-docx's Table.add_row and Row.cells rebuild the whole table's cell grid on each call, which makes a
    table of n rows cost n²; a row made here costs the same whatever the table's length.
    """
    tr = table._tbl.add_tr()
    cells = []
    for width, span in zip(widths, spans or [1] * len(widths), strict=True):
        tc = CT_Tc.new()
        tr.append(tc)
        tcpr = tc.get_or_add_tcPr()
        set_attrs(child(tcpr, "w:tcW"), w=width, type="dxa")
        if span > 1:
            set_attrs(child(tcpr, "w:gridSpan"), val=span)
        cells.append(_Cell(tc, table))
    return cells


def _task_text(row: TaskTableRow) -> list[tuple[str, bool]]:
    """The title, in bold when the task has sub-tasks, then what is to be done; a sub-item whose text begins with
    its title (一是… written out) shows the text alone."""
    if row.description and row.title in row.description:
        return [(row.description, False)]
    parts = [(row.title, row.has_children)]
    if row.description:
        parts.append((row.description, False))
    return parts


def page_number_box(number: int, align: str, style_id: str, *, shape_id: int | None = None) -> str:
    """A text box anchored to the page in the left margin, its left edge PAGE_NUMBER_X_MM from the page's, "— PAGE —"
    written top to bottom inside it. shape_id: its drawing's id (number by default), unique among the document's
    drawings."""
    shape_id = number if shape_id is None else shape_id
    x = round(PAGE_NUMBER_X_MM * EMU_PER_MM)
    y = round(PAGE_NUMBER_Y_MM * EMU_PER_MM)
    cx = round(L.PAGE_NUMBER_LINE_MM * EMU_PER_MM)
    cy = round(PAGE_NUMBER_LENGTH_MM * EMU_PER_MM)
    box = f"""<wps:cNvSpPr txBox="1"/>
<wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>
<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln></wps:spPr>
<wps:txbx><w:txbxContent><w:p><w:pPr><w:pStyle w:val="{style_id}"/><w:jc w:val="{align}"/></w:pPr>
<w:r><w:t xml:space="preserve">— </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>
<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>
<w:r><w:t>{number}</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t xml:space="preserve"> —</w:t></w:r>
</w:p></w:txbxContent></wps:txbx>
<wps:bodyPr vert="vert" wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" anchor="ctr" anchorCtr="0"><a:noAutofit/>
</wps:bodyPr>"""
    return page_anchored_shape(shape_id, f"Page number {number}", x=x, y=y, cx=cx, cy=cy, shape=box)


def render_task_table(data: TaskTableData) -> bytes:
    return TaskTableRenderer(data).render()
