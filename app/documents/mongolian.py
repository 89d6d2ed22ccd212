"""The Mongolian version of a notice: the same bilingual header, then the text in vertical columns.

The section says <w:textDirection w:val="tbLrV"/>: lines run top to bottom and follow each other left
to right, as Mongolian is written. Every run is split by script and names a font that has its glyphs —
the Mongolian font for Mongolian letters, the CJK font for Chinese, digits and Latin — because in vertical
layout LibreOffice and browsers misplace glyphs that come from font fallback. The PDF is made with the
page styles' writing mode set to TB_LR (app/documents/pdf.py), which LibreOffice 7.4 needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from app.core.dates import mn_date
from app.documents import layout as L
from app.documents.gongwen import GongwenData, Renderer, save_deterministic
from app.documents.ooxml import set_attrs
from app.documents.scripts import script_runs
from app.documents.text import paragraphs


@dataclass
class MongolianData:
    mark: str  # the Chinese mark, 乌海市教育局文件: the header is bilingual on both versions
    mark_mn: str
    header_order: str
    number: str
    title: str
    addressee_text: str
    body: str
    signature_organ: str
    signed_on: date | None
    timestamp: datetime = datetime(2000, 1, 1)


class MongolianRenderer(Renderer):
    def __init__(self, data: MongolianData):
        super().__init__(
            GongwenData(
                mark=data.mark,
                mark_mn=data.mark_mn,
                header_order=data.header_order,
                number=data.number,
                title="",
                addressee_text="",
                body="",
                signature_organ="",
                signed_on=None,
            )
        )
        self.mn = data

    def add_text(self, paragraph, text: str, *, bold: bool = False, font: str | None = None):
        """Mongolian runs in the Mongolian font; everything else names the CJK font explicitly.

        The Mongolian styles put the Mongolian font in every slot, so a Chinese or digit run that
        names nothing would be drawn from fallback — and misplaced in vertical layout.
        """
        for piece, mongolian in script_runs(text):
            if mongolian:
                self.run(paragraph, piece, bold=bold, font=L.MONGOLIAN, mongolian=True)
            else:
                self.run(paragraph, piece, bold=bold, font=L.FANGSONG)

    def header(self):
        """The same header as the Chinese version; the red rule stands right of the number's column."""
        super().header()
        number = self.document.paragraphs[-1]
        borders = number._p.pPr.find(qn("w:pBdr"))
        bottom = borders.find(qn("w:bottom"))
        bottom.tag = qn("w:right")  # in vertical columns the paragraph's far side is its right

    def vertical(self) -> None:
        sect_pr = self.document.sections[0]._sectPr
        direction = OxmlElement("w:textDirection")
        set_attrs(direction, val="tbLrV")
        grid = sect_pr.find(qn("w:docGrid"))
        if grid is not None:
            grid.addprevious(direction)
        else:
            sect_pr.append(direction)

    def render(self) -> bytes:
        data = self.mn
        self.vertical()
        self.header()
        self.paragraph(L.STYLE_MN_TITLE, data.title, before=L.lines(1))
        if data.addressee_text:
            self.paragraph(L.STYLE_MN_ADDRESSEE, data.addressee_text, before=L.lines(1))
        for p in paragraphs(data.body):
            if p.is_roster:
                continue  # rosters are printed in the Chinese version
            self.paragraph(L.STYLE_MN_BODY, p.rest, bold_lead=p.lead) if p.lead else self.paragraph(
                L.STYLE_MN_BODY, p.text
            )
        if data.signature_organ:
            self.paragraph(L.STYLE_MN_SIGNATURE, data.signature_organ, before=L.lines(2))
        if data.signed_on:
            self.paragraph(L.STYLE_MN_SIGNATURE, mn_date(data.signed_on))
        props = self.document.core_properties
        props.title = data.title
        props.created = props.modified = data.timestamp.replace(tzinfo=None, microsecond=0)
        props.author = props.last_modified_by = "bureau-intranet"
        props.revision = 1
        return save_deterministic(self.document)


def render_mongolian(data: MongolianData) -> bytes:
    return MongolianRenderer(data).render()
