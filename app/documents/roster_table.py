"""A leading group's roster as a .docx table in the official layout (GB/T 9704 page, 版心 and page numbers)."""

from __future__ import annotations

from datetime import date, datetime

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from app.core.dates import cn_date
from app.documents import layout as L
from app.documents.gongwen import GongwenData, Renderer, RosterLine, save_deterministic
from app.documents.ooxml import child, pt_to_twips, set_attrs


def render_roster_table(group_name: str, owner: str, as_of: date, lines: list[RosterLine]) -> bytes:
    data = GongwenData(
        mark="",
        mark_mn="",
        header_order="zh_first",
        number="",
        title=f"{group_name}成员名单",
        addressee_text="",
        body="",
        signature_organ=owner,
        signed_on=as_of,
    )
    renderer = Renderer(data)
    renderer.title(data.title, before=0)
    dated = renderer.paragraph(L.STYLE_NUMBER, f"（{cn_date(as_of)}）")
    set_attrs(child(dated._p.get_or_add_pPr(), "w:spacing"), after=L.lines(1))

    headers = ("职务", "姓名", "单位及职务")
    widths = [round(L.TEXT_WIDTH_TWIPS * f) for f in (0.18, 0.2, 0.62)]
    table = renderer.document.add_table(rows=1, cols=3)
    tblpr = table._tbl.tblPr
    set_attrs(child(tblpr, "w:tblW"), w=sum(widths), type="dxa")
    set_attrs(child(tblpr, "w:jc"), val="center")
    set_attrs(child(tblpr, "w:tblLayout"), type="fixed")
    borders = child(tblpr, "w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        set_attrs(child(borders, f"w:{side}"), val="single", sz=4, space=0, color=L.BLACK)
    margins = child(tblpr, "w:tblCellMar")
    for side in ("left", "right"):
        set_attrs(child(margins, f"w:{side}"), w=pt_to_twips(4), type="dxa")
    for col, width in zip(table._tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol")), widths, strict=True):
        set_attrs(col, w=width)
    header_row = table.rows[0]
    # The header row repeats on every page the table runs onto.
    trpr = header_row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:tblHeader"))
    for cell, text in zip(header_row.cells, headers, strict=True):
        paragraph = cell.paragraphs[0]
        paragraph._p.get_or_add_pPr().style = renderer.style_ids[L.STYLE_ATTACHMENT_LABEL]
        set_attrs(child(paragraph._p.get_or_add_pPr(), "w:jc"), val="center")
        renderer.add_text(paragraph, text)
    previous = None
    for line in lines:
        row = table.add_row()
        role = line.role if line.role != previous else ""
        values = (role, line.who, "" if line.is_description else line.title)
        for cell, text, width in zip(row.cells, values, widths, strict=True):
            set_attrs(child(cell._tc.get_or_add_tcPr(), "w:tcW"), w=width, type="dxa")
            paragraph = cell.paragraphs[0]
            paragraph._p.get_or_add_pPr().style = renderer.style_ids[L.STYLE_ROSTER]
            renderer.add_text(paragraph, text)
        if line.is_description:
            row.cells[1].merge(row.cells[2])
        previous = line.role
    renderer.page_numbers()
    props = renderer.document.core_properties
    props.title = data.title
    props.author = props.last_modified_by = owner
    props.created = props.modified = datetime(as_of.year, as_of.month, as_of.day)
    props.revision = 1
    return save_deterministic(renderer.document)
