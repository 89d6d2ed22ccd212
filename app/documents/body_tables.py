"""A table in a notice's text (app/documents/text.py) printed on A4 landscape pages of its own, inside the portrait
notice, as GB/T 9704-2012 §8 asks: "A4纸型的表格横排时，页码位置与公文其他页码保持一致，单页码表头在订口一边，双页码表头
在切口一边。"

The landscape page is the 任务分解表's (app/documents/tasks_table.py, whose docstring explains the geometry): the
sheet turned so that the table's head lies on the binding edge of an odd page and on the cut edge of an even one, the
portrait text block turned with it (225 × 156 mm), the page number a text box in the left margin, written top to
bottom, where the portrait pages have it. Renderer.text calls print_body_table for a table paragraph; what it does to
the notice's sections:

- The portrait section ends with the paragraph before the table: that paragraph carries the section's properties
  (a copy of the notice's page setup), so the page it ends gets no extra line. Only when no paragraph comes before
  (a roster table does) is a paragraph a point high added to carry them.
- The table's section is landscape and starts on a new page. Its odd and even footers hold the turned page number;
  they are made once, and every table's section of the document names the same two.
- A paragraph a point high after the table closes that section (a table cannot carry a section's properties). What
  follows goes on on a new portrait page: in a section with the notice's page setup and footers.
- The footers of the portrait sections are the notice's own: those of its first section, which Renderer.page_numbers
  fills once the whole text is laid out. They are made (empty) here, so that the later portrait sections can name
  them too; a section that named none would take the landscape section's, the one before it. A first page of its
  own (a 信函's letterhead and its footer without a number, w:titlePg) stays the first section's: the page after a
  table is no first page.
- No section restarts the page numbers: they go on, 1, 2, 3, …, over portrait and landscape pages alike.
- Tables with nothing but a blank line between them share their landscape pages, a line apart.
- A table that ends the text: what follows it (the 附件说明, the signature and date) starts the next portrait page,
  where a reader turning the sheet back expects the text to go on. That page then holds no line of the text itself
  (§7.3.5 would rather it did): a closing sentence after the table ("特此通知。") keeps the signature company.

The table: as wide as the turned text block, ruled 0.5 pt all over, cells 1.5 mm in from the rules; 仿宋 in 4号 when
every column fits its longest cell on one line at that size, else in 小四; the head row in 黑体, centred, repeated on
every page the table runs onto; a row never split between pages. Columns are as wide as their longest cell needs, in
proportion when the table is narrower than the block; when it is wider, the columns that need less than an equal
share keep their width and the others share the rest in proportion to their need. A column whose cells all fit on
one line is centred, one whose text wraps is set flush left (justified).
"""

from __future__ import annotations

import copy

from docx.enum.section import WD_HEADER_FOOTER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section

from app.documents import layout as L
from app.documents.ooxml import MM_PER_PT, child, set_attrs
from app.documents.scripts import is_mongolian
from app.documents.tasks_table import (
    CELL_MARGIN_TWIPS,
    CELL_PT,
    LANDSCAPE_TEXT_WIDTH_MM,
    TEXT_WIDTH_TWIPS,
    add_page_number_boxes,
    add_row,
    fill_cell,
    ruled_table,
    turn_landscape,
)
from app.documents.widths import text_width_chars

# Type sizes and their exact line heights, in points: 4号 where the table fits, else 小四 (the 任务分解表's).
SIZES = ((L.SIZE_4, 23), (CELL_PT, 20))
# Room a cell needs beyond its text: the cell margins on both sides, and half a character that keeps a line that
# just fits from wrapping when LibreOffice's or Word's widths come out a little larger than counted.
_CELL_PADDING_MM = 2 * CELL_MARGIN_TWIPS / 20 * MM_PER_PT
_SLACK_CHARS = 0.5
_MONGOLIAN_EMS = 0.6
# The page-number text boxes of the landscape footers: drawing ids clear of those python-docx gives the body's.
FIRST_SHAPE_ID = 9001
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HEADER_FOOTER_REFERENCES = (qn("w:headerReference"), qn("w:footerReference"))
_FOOTER_KINDS = {
    "default": WD_HEADER_FOOTER.PRIMARY,
    "even": WD_HEADER_FOOTER.EVEN_PAGE,
    "first": WD_HEADER_FOOTER.FIRST_PAGE,
}


def print_body_table(renderer, rows: tuple[tuple[str, ...], ...]) -> None:
    """The table (its head the first row) at the end of the renderer's document, on landscape pages of its own."""
    document = renderer.document
    landscape = _open_landscape_section(renderer)
    size, line_pt = table_size(rows)
    widths_mm = column_widths(rows, size)
    widths = [round(mm / MM_PER_PT * 20) for mm in widths_mm]
    widths[-1] = TEXT_WIDTH_TWIPS - sum(widths[:-1])
    centred = [
        all(_needed_mm(row[column], size) <= widths_mm[column] for row in rows[1:]) for column in range(len(widths))
    ]
    table = ruled_table(document, widths)
    style_id = renderer.style_ids[L.STYLE_ROSTER]
    for index, row in enumerate(rows):
        cells = add_row(table, widths)
        trpr = cells[0]._tc.getparent().get_or_add_trPr()
        trpr.append(OxmlElement("w:cantSplit"))
        if index == 0:
            trpr.append(OxmlElement("w:tblHeader"))  # the head on every page
        for column, (cell, text, width) in enumerate(zip(cells, row, widths, strict=True)):
            fill_cell(
                cell,
                width,
                [(text, False)],
                style_id=style_id,
                font=L.HEITI if index == 0 else None,
                align="center" if index == 0 or centred[column] else "both",
                size=size,
                line=round(line_pt * 20),
            )
    # The section's properties after the table, in a paragraph a point high.
    closing = document.add_paragraph()
    ppr = closing._p.get_or_add_pPr()
    set_attrs(child(ppr, "w:spacing"), before=0, after=0, line=20, lineRule="exact")
    _place_sect_pr(ppr, landscape)


def table_size(rows) -> tuple[float, float]:
    """(type size, line height) in points: 4号 when every column fits its longest cell on one line, else 小四."""
    for size, line in SIZES:
        if sum(_natural_mm(rows, column, size) for column in range(len(rows[0]))) <= LANDSCAPE_TEXT_WIDTH_MM:
            return size, line
    return SIZES[-1]


def column_widths(rows, size: float) -> list[float]:
    """The columns' widths in millimetres, adding up to the turned text block's width (see the module's docstring)."""
    natural = [_natural_mm(rows, column, size) for column in range(len(rows[0]))]
    total = LANDSCAPE_TEXT_WIDTH_MM
    if sum(natural) <= total:
        return [width * total / sum(natural) for width in natural]
    widths: dict[int, float] = {}
    while True:
        left = [column for column in range(len(natural)) if column not in widths]
        share = (total - sum(widths.values())) / len(left)
        fitting = [column for column in left if natural[column] <= share]
        if not fitting:
            break
        widths.update((column, natural[column]) for column in fitting)
    rest = total - sum(widths.values())
    wanted = sum(natural[column] for column in left)
    widths.update((column, natural[column] * rest / wanted) for column in left)
    return [widths[column] for column in range(len(natural))]


def _needed_mm(text: str, size: float) -> float:
    """The width a cell needs for its text on one line: Chinese characters a character each, Latin letters and
    digits half, Mongolian letters (set horizontally, the font's narrow forms) three fifths."""
    ems = text_width_chars(text) - (1 - _MONGOLIAN_EMS) * sum(map(is_mongolian, text))
    return (ems + _SLACK_CHARS) * size * MM_PER_PT + _CELL_PADDING_MM


def _natural_mm(rows, column: int, size: float) -> float:
    """The width a column needs to hold each of its cells on one line."""
    return max(_needed_mm(row[column], size) for row in rows)


# Sections


def _open_landscape_section(renderer):
    """End the portrait section where the document is, and give back the properties of the landscape section the
    table is to go in (to be placed after it): a new one, or the one the table just before it closed."""
    document = renderer.document
    body = document.element.body
    final = body.find(qn("w:sectPr"))
    previous = final.getprevious()
    if previous is not None and previous.tag == qn("w:p"):
        held = previous.find(f"{_W}pPr/{_W}sectPr")
        if held is not None and _is_landscape(held):
            # Only a blank line since the last table: go on in its section, a line below it.
            held.getparent().remove(held)
            set_attrs(child(previous.find(qn("w:pPr")), "w:spacing"), before=0, after=0, line=L.lines(1))
            return held
    if previous is None or previous.tag != qn("w:p") or previous.find(f"{_W}pPr/{_W}sectPr") is not None:
        holder = document.add_paragraph()
        set_attrs(child(holder._p.get_or_add_pPr(), "w:spacing"), before=0, after=0, line=20, lineRule="exact")
        previous = holder._p
    # The portrait section's properties, the footers it names (those of the notice's first section) with them.
    _place_sect_pr(previous.get_or_add_pPr(), copy.deepcopy(final))
    _first_page_only_in_the_first_section(final)
    _share_portrait_footers(document, final)

    landscape = _without_references(final)
    turn_landscape(landscape)
    earlier = next((s for s in body.iter(qn("w:sectPr")) if _is_landscape(s) and _footer_ids(s)), None)
    if earlier is not None:
        for kind, r_id in _footer_ids(earlier).items():
            landscape.add_footerReference(kind, r_id)
    else:
        section = Section(landscape, document.part)
        add_page_number_boxes(section, renderer.style_ids[L.STYLE_PAGE_NUMBER], first_shape_id=FIRST_SHAPE_ID)
    return landscape


def _share_portrait_footers(document, final) -> None:
    """The first section's odd and even footers made (empty, for Renderer.page_numbers to fill) if it has none yet,
    and named by the notice's last section, the portrait one after the table."""
    first = document.sections[0]
    for footer in (first.footer, first.even_page_footer):
        footer.is_linked_to_previous = False
    have = _footer_ids(final)
    for kind, r_id in _footer_ids(first._sectPr).items():
        if kind not in have and kind != WD_HEADER_FOOTER.FIRST_PAGE:
            final.add_footerReference(kind, r_id)


def _first_page_only_in_the_first_section(sect_pr) -> None:
    """A first page of its own (a 信函's letterhead, w:titlePg) is the notice's first page, not every section's."""
    for element in list(sect_pr):
        if element.tag == qn("w:titlePg") or (
            element.tag in _HEADER_FOOTER_REFERENCES and element.get(qn("w:type")) == "first"
        ):
            sect_pr.remove(element)


def _footer_ids(sect_pr) -> dict[WD_HEADER_FOOTER, str]:
    """The footers the section names, by kind."""
    return {
        _FOOTER_KINDS[reference.get(qn("w:type"))]: reference.get(qn("r:id"))
        for reference in sect_pr.findall(qn("w:footerReference"))
    }


def _without_references(sect_pr):
    """A copy of the section's properties without its headers and footers."""
    made = copy.deepcopy(sect_pr)
    for element in list(made):
        if element.tag in _HEADER_FOOTER_REFERENCES:
            made.remove(element)
    return made


def _is_landscape(sect_pr) -> bool:
    size = sect_pr.find(qn("w:pgSz"))
    return size is not None and size.get(qn("w:orient")) == "landscape"


def _place_sect_pr(ppr, sect_pr) -> None:
    """Put the section's properties in the paragraph's, where the schema has them (before a w:pPrChange)."""
    ppr.replace(child(ppr, "w:sectPr"), sect_pr)
