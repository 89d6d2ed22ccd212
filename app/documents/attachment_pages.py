"""Attachments printed as pages of the notice (GB/T 9704-2012 §7.3.7, §8): "附件应当另面编排，并在版记之前，与公文正文
一起装订。'附件'二字及附件顺序号用3号黑体字顶格编排在版心左上角第一行。附件标题居中编排在版心第三行。…附件格式要求同正文。"

print_attachments(renderer) appends, after the text, the signature and the distributed documents and before the
版记, each of `renderer.data.printed_attachments` (in the order the 附件说明 names them): a new page with "附件N" on
its first line (N the attachment's place among all those the 附件说明 names; "附件" alone when it names one), the
title centred on the third, a blank line, then the content:

- a .docx: its paragraphs and tables, in order, in the notice's own styles (3号 仿宋 on the 22 × 28 grid). Headings
  are known by their prefix, as the notice's text's are (app/documents/text.py), or by a Word heading style
  (Heading 1–4, 标题 1–4); the file's own fonts and sizes are dropped, bold, centring and right alignment kept.
  Tables keep their structure, borders (their table style's too), merged cells and shading, scaled to the 版心's
  width. Pictures (PNG, JPEG, GIF, BMP, TIFF) are printed centred, each in a paragraph of its own after the text
  of the paragraph that holds it, no wider than the 版心. Leading lines that repeat the label ("附件1") or the title
  are not printed again. Read through the .docx import's reader (app/documents/docx_import.py), so automatic
  numbering, tracked changes (accepted) and hidden text come out as the import reads them; line breaks inside a
  paragraph join its lines, as there. What cannot be printed faithfully (text boxes, charts, SmartArt, embedded
  objects, equations, footnotes, symbol-font characters, EMF/WMF or linked pictures) makes the file unprintable,
  saying so: saved as PDF, it prints as pages.
- a PDF: each page as a picture as wide as the 版心 (less wide when the page is so tall that its height has to fit),
  one a page, drawn by PDFium at PDF_DPI dots per inch of the printed size; the first one smaller, to fit under the
  label and the title. A page prints as PNG, or as JPEG where that is smaller (a scan or a photograph).

The pages belong to the notice's one section, so the page numbers go on over them. The 版记 (Renderer.imprint, a
table floating at the foot of the last page) follows: under the last attachment's end where there is room, else at
the foot of a page of its own.

A file that cannot be read raises AttachmentUnprintable, whose message (Chinese, then English) is for the secretary.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass

import docx
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image as DocxImage
from docx.opc.exceptions import OpcError
from docx.oxml.ns import qn
from docx.shared import Emu
from lxml import etree
from PIL import Image, ImageChops

from app.documents import layout as L
from app.documents.docx_import import DocxImportError, _check_package, _Reader
from app.documents.ooxml import EMU_PER_MM, child, set_attrs, set_size
from app.documents.text import HEADING_MAX_CHARS, Paragraph, heading_level
from app.documents.titles import title_lines

# Pictures of a PDF's pages: dots per inch of the printed picture (an A4 page across the 版心: 1229 × 1738 pixels).
PDF_DPI = 200
JPEG_QUALITY = 85
# Room left under a picture in its page, for the line it stands on (its paragraph's font is a point high).
PICTURE_SLACK_MM = 2.0

# A table's cell margins where it says none: the base file's Normal Table's.
DEFAULT_CELL_MARGIN_TWIPS = 108
# Space between a table and a picture right under it.
TABLE_TO_PICTURE_TWIPS = 60

TEXT_WIDTH_EMU = L.TEXT_WIDTH_MM * EMU_PER_MM
TEXT_HEIGHT_EMU = L.TEXT_HEIGHT_MM * EMU_PER_MM
LINE_EMU = L.LINE_PITCH_TWIPS * 635  # a twip is 635 EMU
SLACK_EMU = round(PICTURE_SLACK_MM * EMU_PER_MM)

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_V = "urn:schemas-microsoft-com:vml"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_NOT_PICTURES = {
    f"{{{_W}}}txbxContent": ("文本框", "text boxes"),
    "{http://schemas.openxmlformats.org/drawingml/2006/chart}chart": ("图表", "charts"),
    "{http://schemas.openxmlformats.org/drawingml/2006/diagram}relIds": ("SmartArt图形", "SmartArt"),
    f"{{{_W}}}object": ("嵌入对象", "embedded objects"),
}
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.I)
_LABEL_LINE = re.compile(r"^附件[0-9０-９一二三四五六七八九十]*[：:]?$")


class AttachmentUnprintable(ValueError):
    """An attachment's file cannot be printed as pages of the notice. str() is the message for the secretary, in
    Chinese then English; `title` names the attachment, `reason` (English) says why."""

    def __init__(self, title: str, reason_zh: str, reason_en: str):
        self.title, self.reason = title, reason_en
        super().__init__(f"附件“{title}”无法打印：{reason_zh}。Attachment “{title}” cannot be printed: {reason_en}.")


_AS_PDF = ("请将其另存为PDF后重新上传", "save it as PDF and upload that instead")
_NO_PASSWORD = ("请取消密码后重新上传", "remove the password and upload it again")


def _unprintable(attachment, reason: tuple[str, str], advice: tuple[str, str] | None = None) -> AttachmentUnprintable:
    zh, en = reason
    if advice:
        zh, en = f"{zh}，{advice[0]}", f"{en}; {advice[1]}"
    return AttachmentUnprintable(attachment.title, zh, en)


# The pages


def print_attachments(renderer) -> None:
    """Each printed attachment of renderer.data on pages of its own, in the 附件说明's order (see the module)."""
    data = renderer.data
    if not data.printed_attachments:
        return
    names = [name.strip() for name in data.attachments]
    placed, taken = [], set()
    for attachment in data.printed_attachments:
        # Its place in the 附件说明: the first of that name not yet taken (two attachments may share a name).
        number = next((i for i, name in enumerate(names) if name == attachment.title.strip() and i not in taken), None)
        if number is None:
            raise _unprintable(attachment, ("附件说明中没有这个附件", "the 附件说明 does not name it"))
        taken.add(number)
        placed.append((number, attachment))
    # Read every file first: a broken one stops the rendering before anything of the others is laid out.
    contents = [(number, attachment, _read(attachment)) for number, attachment in sorted(placed, key=lambda x: x[0])]
    ends_with_a_picture = False
    for number, attachment, content in contents:
        label = "附件" + (str(number + 1) if len(names) > 1 else "")
        title_line_count = _first_page(renderer, label, attachment.title)
        ends_with_a_picture = content.append_to(renderer, title_line_count)
    if ends_with_a_picture and _has_an_imprint(renderer):
        # LibreOffice hides a picture that the floating 版记 would overlap, where it moves a line of text from under
        # it to the next page, the 版记 following (measured): a blank line after the last picture does that.
        renderer.paragraph(L.STYLE_BODY, "")


def check_printable(attachment) -> None:
    """Raise AttachmentUnprintable if the attachment (a PrintedAttachment) cannot be printed as pages: what the
    notices layer asks when the secretary chooses to print a file, so that the refusal comes then, with its reason,
    and never later while the notice is being issued."""
    _read(attachment)


def _first_page(renderer, label: str, title: str) -> int:
    """The label on the first line of a new page, the title from the third, a blank line: the title's line count."""
    first = renderer.paragraph(L.STYLE_ATTACHMENT_LABEL, label)
    child(first._p.get_or_add_pPr(), "w:pageBreakBefore")
    renderer.title(title, before=L.lines(1))
    renderer.paragraph(L.STYLE_BODY, "")  # the line between title and text
    return len(title_lines(title))


def _read(attachment):
    if attachment.extension == "docx":
        return _DocxContent.read(attachment)
    if attachment.extension == "pdf":
        return _PdfContent.read(attachment)
    raise _unprintable(attachment, ("只能打印Word（.docx）或PDF文件", "only .docx and PDF files print as pages"))


def _has_an_imprint(renderer) -> bool:
    """Whether Renderer.imprint prints a 版记: its rows' conditions (主送 moved there, 抄送, 印发, 公开属性 above it).
    Without one, a blank line after a picture that fills its page would make an empty page."""
    data = renderer.data
    moved = data.addressee_text and not renderer.addressees_fit_the_first_page()
    disclosure = data.disclosure_above_imprint and data.disclosure
    return bool(moved or data.cc_text or data.imprint_organ or data.imprinted_on or disclosure)


def _picture_paragraph(renderer, *, page_break: bool = False, before: int = 0):
    """A centred paragraph for a picture, its line as tall as the picture (not the grid's exact line, which would
    cut it), its font a point high so that the line adds next to nothing under it."""
    paragraph = renderer.new_paragraph(L.STYLE_BODY)
    ppr = paragraph._p.get_or_add_pPr()
    if page_break:
        child(ppr, "w:pageBreakBefore")
    set_attrs(child(ppr, "w:spacing"), before=before, after=0, line=240, lineRule="auto")
    set_attrs(child(ppr, "w:ind"), firstLine=0, firstLineChars=0)
    set_attrs(child(ppr, "w:jc"), val="center")
    set_size(child(ppr, "w:rPr"), 1)
    return paragraph


def _add_picture(paragraph, blob: bytes, width: int, height: int, description: str) -> None:
    run = paragraph.add_run()
    set_size(run._r.get_or_add_rPr(), 1)
    shape = run.add_picture(io.BytesIO(blob), width=Emu(width), height=Emu(height))
    inline = shape._inline
    # Said, not left to the reader: LibreOffice takes a missing distance for its own default, 0.32 cm on each side,
    # and pushes a picture as wide as the 版心 that far right (measured).
    for side in ("distT", "distB", "distL", "distR"):
        inline.set(side, "0")
    inline.docPr.set("descr", description)


def _fit(width: int, height: int, room: int) -> tuple[int, int]:
    """A picture of this shape as wide as the 版心, or less wide to be no taller than room (EMU)."""
    fitted_width, fitted_height = TEXT_WIDTH_EMU, round(TEXT_WIDTH_EMU * height / width)
    if fitted_height > room:
        fitted_width, fitted_height = round(room * width / height), room
    return fitted_width, fitted_height


def _first_page_room(title_line_count: int) -> int:
    """EMU under the label, the title and the blank line on an attachment's first page."""
    return TEXT_HEIGHT_EMU - (3 + title_line_count) * LINE_EMU - SLACK_EMU


# PDF


# The pictures of the PDFs drawn lately, by the PDF's SHA-256, oldest first: a notice forwarded by three district
# bureaus prints the same PDF's pages in each forwarding notice, and drawing them is most of the rendering's time.
RENDERED_PDFS_KEPT = 4
_RENDERED_PDFS: dict[bytes, list[tuple[bytes, int, int]]] = {}


@dataclass
class _PdfContent:
    attachment: object
    pages: list[tuple[bytes, int, int]]  # the picture, its width and height in points

    @classmethod
    def read(cls, attachment) -> _PdfContent:
        key = hashlib.sha256(attachment.data).digest()
        if key in _RENDERED_PDFS:  # the same PDF again (several organs forwarding one notice): drawn once
            return cls(attachment, _RENDERED_PDFS[key])
        pages = cls._draw(attachment)
        _RENDERED_PDFS[key] = pages
        while len(_RENDERED_PDFS) > RENDERED_PDFS_KEPT:
            del _RENDERED_PDFS[next(iter(_RENDERED_PDFS))]
        return cls(attachment, pages)

    @staticmethod
    def _draw(attachment) -> list[tuple[bytes, int, int]]:
        try:
            document = pdfium.PdfDocument(attachment.data)
        except pdfium.PdfiumError as exc:
            if getattr(exc, "err_code", None) == pdfium_raw.FPDF_ERR_PASSWORD:
                raise _unprintable(
                    attachment, ("PDF文件设有密码", "the PDF is password-protected"), _NO_PASSWORD
                ) from exc
            raise _unprintable(attachment, ("PDF文件已损坏或不是PDF文件", "the PDF is damaged or not a PDF")) from exc
        try:
            document.init_forms()  # so that a filled-in form prints its fields' values
            if len(document) == 0:
                raise _unprintable(attachment, ("PDF文件没有页面", "the PDF has no pages"))
            pages = []
            for number, page in enumerate(document, start=1):
                width, height = page.get_size()
                if width <= 0 or height <= 0:
                    raise _unprintable(attachment, (f"PDF第{number}页大小为零", f"page {number} of the PDF is empty"))
                # The pixels the printed picture needs at PDF_DPI, however large the page says it is.
                printed_inches = min(L.TEXT_WIDTH_MM, L.TEXT_HEIGHT_MM * width / height) / 25.4
                scale = printed_inches * PDF_DPI / width
                try:
                    image = page.render(scale=scale, may_draw_forms=True).to_pil()
                except pdfium.PdfiumError as exc:
                    raise _unprintable(
                        attachment, (f"PDF第{number}页无法显示", f"page {number} of the PDF cannot be drawn")
                    ) from exc
                pages.append((_encoded(image), width, height))
                page.close()
            return pages
        finally:
            document.close()

    def append_to(self, renderer, title_line_count: int) -> bool:
        """The pages' pictures. True: the content ends with a picture."""
        room = _first_page_room(title_line_count)
        for index, (blob, width, height) in enumerate(self.pages):
            if index:
                room = TEXT_HEIGHT_EMU - SLACK_EMU
            picture_width, picture_height = _fit(width, height, room)
            paragraph = _picture_paragraph(renderer, page_break=index > 0)
            description = f"{self.attachment.title} 第{index + 1}页"
            _add_picture(paragraph, blob, picture_width, picture_height, description)
        return True


def _encoded(image: Image.Image) -> bytes:
    """The page as PNG (grey where it has no colour), or as JPEG where that is smaller."""
    image = image.convert("RGB")
    red, green, blue = image.split()
    if ImageChops.difference(red, green).getbbox() is None and ImageChops.difference(green, blue).getbbox() is None:
        image = red
    png, jpeg = io.BytesIO(), io.BytesIO()
    image.save(png, "PNG", compress_level=6)  # 3 % larger than 9, five times faster
    image.save(jpeg, "JPEG", quality=JPEG_QUALITY)
    return min(png.getvalue(), jpeg.getvalue(), key=len)


# .docx


@dataclass
class _Picture:
    blob: bytes
    width: int  # EMU, as the file sets it
    height: int


@dataclass
class _Table:
    """A copy of a table of the attachment, each of its cells (of the copy) with the blocks read from it."""

    element: object
    cells: list


@dataclass
class _Block:
    """A paragraph (text and pictures) or a table of the attachment, as the notice prints it."""

    paragraph: object = None  # docx_import._Paragraph: spans (text, bold), alignment
    style_level: int | None = None  # the level of a Word heading style
    pictures: tuple[_Picture, ...] = ()
    table: _Table | None = None


class _DocxContent:
    def __init__(self, attachment, document, reader: _Reader, blocks: list[_Block]):
        self.attachment, self.document, self.reader, self.blocks = attachment, document, reader, blocks

    @classmethod
    def read(cls, attachment) -> _DocxContent:
        data = bytes(attachment.data)
        if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # an OLE file: an encrypted .docx, or a .doc
            if "EncryptionInfo".encode("utf-16-le") in data:
                raise _unprintable(
                    attachment, ("Word文件设有密码", "the Word file is password-protected"), _NO_PASSWORD
                )
            raise _unprintable(attachment, ("这是旧版Word（.doc）文件", "this is an old Word (.doc) file"), _AS_DOCX)
        try:
            _check_package(data, max_bytes=len(data))
            document = docx.Document(io.BytesIO(data))
        except (DocxImportError, OpcError, KeyError, ValueError, zipfile.BadZipFile, etree.LxmlError) as exc:
            raise _unprintable(
                attachment, ("Word文件已损坏或不是.docx文件", "the Word file is damaged or not a .docx")
            ) from exc
        body = document.element.find(qn("w:body"))
        if body is None:
            raise _unprintable(attachment, ("Word文件没有正文", "the Word file has no body"))
        content = cls(attachment, document, _Reader(document), [])
        try:
            content.blocks = content._blocks(body)
        except AttachmentUnprintable:
            raise
        except (KeyError, ValueError, TypeError, AttributeError, IndexError, etree.LxmlError) as exc:
            # XML that python-docx opened but that is not what Word writes: the file is damaged.
            raise _unprintable(
                attachment, ("Word文件已损坏或不是.docx文件", "the Word file is damaged or not a .docx")
            ) from exc
        if not content.blocks:
            raise _unprintable(attachment, ("Word文件没有内容", "the Word file is empty"))
        unprintable = {name: n for name, n in content.reader._counts.items() if name in _SKIPPED_BY_THE_READER and n}
        if unprintable:
            zh, en = zip(*(_SKIPPED_BY_THE_READER[name] for name in sorted(unprintable)), strict=True)
            raise _unprintable(attachment, ("含有无法照排的" + "、".join(zh), "it holds " + ", ".join(en)), _AS_PDF)
        content._drop_repeated_heading()
        return content

    # Reading

    def _blocks(self, container) -> list[_Block]:
        blocks, carried, carried_pictures = [], [], []
        for element in self.reader._blocks(container):
            if element.tag == qn("w:tbl"):
                blocks.append(_Block(table=self._read_table(element)))
                continue
            pieces, mark_deleted = self.reader._paragraph_pieces(element)
            pictures = self._pictures(element)
            if mark_deleted:  # tracked: its paragraph mark deleted, it runs on into the next
                carried.extend(pieces)
                carried_pictures.extend(pictures)
                continue
            paragraph = self.reader._paragraph(element, carried + pieces)
            pictures = (*carried_pictures, *pictures)
            carried, carried_pictures = [], []
            if paragraph.text or pictures:
                blocks.append(_Block(paragraph, self._style_level(element), pictures))
        return blocks

    def _style_level(self, p) -> int | None:
        styles = self.reader._styles
        found = _HEADING_STYLE.match(styles.name(styles.paragraph_style_id(p.find(qn("w:pPr")))).strip())
        return min(int(found.group(1)), 4) if found else None

    def _pictures(self, p) -> tuple[_Picture, ...]:
        """The pictures of the paragraph, in order; anything drawn that is not a picture makes the file unprintable.
        Plain shapes (lines, rectangles) are left out, as the import leaves them."""
        pictures = []
        for graphic in _graphics(p):
            for tag, (zh, en) in _NOT_PICTURES.items():
                if graphic.tag == tag or next(graphic.iter(tag), None) is not None:
                    raise _unprintable(self.attachment, ("含有无法照排的" + zh, "it holds " + en), _AS_PDF)
            blip = next(graphic.iter(f"{{{_A}}}blip", f"{{{_V}}}imagedata"), None)
            if blip is None:
                continue
            rid = blip.get(f"{{{_R}}}embed") or blip.get(f"{{{_R}}}id")
            part = self.document.part.related_parts.get(rid) if rid else None
            if part is None:
                raise _unprintable(self.attachment, ("含有链接的外部图片", "it holds a linked picture"), _AS_PDF)
            extent = next(graphic.iter(f"{{{_WP}}}extent"), None)
            width = int(extent.get("cx", 0)) if extent is not None else 0
            height = int(extent.get("cy", 0)) if extent is not None else 0
            try:
                image = DocxImage.from_blob(part.blob)
            except UnrecognizedImageError as exc:
                raise _unprintable(
                    self.attachment,
                    ("含有无法照排的图片格式（如EMF、WMF）", "it holds pictures in EMF or WMF"),
                    _AS_PDF,
                ) from exc
            if not (width and height):  # VML gives its size in a style: the picture's own size instead
                width, height = image.width, image.height
            pictures.append(_Picture(part.blob, width, height))
        return tuple(pictures)

    def _drop_repeated_heading(self) -> None:
        """The file's own "附件1" line and title, when it opens with them: the page prints its own."""
        blocks = self.blocks
        texts = [_plain(b.paragraph.text) if b.paragraph is not None and not b.pictures else None for b in blocks]
        at = 1 if texts and texts[0] is not None and _LABEL_LINE.match(texts[0]) else 0
        title = _plain(self.attachment.title)
        joined = ""
        for end in range(at, min(at + 3, len(texts))):
            if texts[end] is None:
                break
            joined += texts[end]
            if joined == title:
                del blocks[: end + 1]
                return
        if at:
            del blocks[:at]

    # Printing

    def append_to(self, renderer, title_line_count: int) -> bool:
        """The blocks into the notice's document. True: the last is a picture. (Text and tables flow: LibreOffice
        keeps the 版记 clear of them itself.)"""
        self.renderer = renderer
        previous = None  # the paragraph last printed, if it was text; "table" after a table
        for block in self.blocks:
            if block.table is not None:
                if previous not in (None, "table") and len(previous.text) <= L.CHARS_PER_LINE - 2:
                    child(previous._p.get_or_add_pPr(), "w:keepNext")  # a table's title (one line) stays with it
                renderer.document.element.body.insert_element_before(self._table(block.table), "w:sectPr")
                previous = "table"
                continue
            if block.paragraph.text:
                previous = self._paragraph(block)
            for picture in block.pictures:
                width, height = _fit(picture.width, picture.height, TEXT_HEIGHT_EMU - SLACK_EMU)
                if width > picture.width:  # never larger than the file has it
                    width, height = picture.width, picture.height
                # Right under a table, the picture's white would cover the half of its bottom rule below the table.
                paragraph = _picture_paragraph(renderer, before=TABLE_TO_PICTURE_TWIPS if previous == "table" else 0)
                _add_picture(paragraph, picture.blob, width, height, self.attachment.title)
                previous = None
        return bool(self.blocks) and self.blocks[-1].table is None and bool(self.blocks[-1].pictures)

    def _paragraph(self, block: _Block, *, in_table: bool = False):
        """One paragraph in the notice's styles: a heading (by its prefix, or by its Word style) in its heading's,
        a paragraph that begins with a heading sentence with that sentence in the heading's font, the rest body."""
        renderer, source = self.renderer, block.paragraph
        text, spans = source.text, source.spans
        level = heading_level(text)
        parsed = Paragraph(text=text, level=level)
        if in_table:
            paragraph = renderer.new_paragraph(L.STYLE_BODY)
            _align(paragraph, source.alignment or "both")
            self._spans(paragraph, spans)
        elif parsed.is_heading or (level is None and block.style_level and len(text) <= HEADING_MAX_CHARS):
            level = level or block.style_level
            paragraph = renderer.new_paragraph(L.STYLE_HEADING[level])
            # 黑体 and 楷体 are the first two levels' emphasis; a bold of their own would only thicken them.
            self._spans(paragraph, spans, bold=level > 2)
        elif parsed.heading_lead:
            paragraph = renderer.new_paragraph(L.STYLE_BODY)
            lead = len(parsed.heading_lead)
            self._spans(paragraph, _cut(spans, 0, lead), font=L.HEADING_FONTS[level], bold=False)
            self._spans(paragraph, _cut(spans, lead, len(text)))
        else:
            paragraph = renderer.new_paragraph(L.STYLE_BODY)
            if source.alignment in ("center", "right"):
                _align(paragraph, source.alignment)
            self._spans(paragraph, spans)
        return paragraph

    def _spans(self, paragraph, spans, *, font: str | None = None, bold: bool = True) -> None:
        for span in spans:
            if span.text:
                self.renderer.add_text(paragraph, span.text, bold=bold and span.bold, font=font)

    def _read_table(self, source) -> _Table:
        """A copy of the table, its rows out of their wrappers, its cells' blocks read in the file's order (so that
        numbering goes on through it, and what cannot be printed is found before anything is)."""
        table = etree.fromstring(etree.tostring(source))
        _unwrap(table)
        cells = [(tc, self._blocks(tc)) for tc in table.iter(qn("w:tc")) if _owner(tc) is table]
        return _Table(table, cells)

    def _table(self, source: _Table, width_limit: int = L.TEXT_WIDTH_TWIPS):
        """The table in the notice's styles: its structure, borders and shading kept, its width scaled to fit the
        版心 (or the cell it stands in), each cell's text rebuilt as the notice's body text."""
        table = source.element
        tblpr = table.find(qn("w:tblPr"))
        if tblpr is None:
            tblpr = etree.Element(qn("w:tblPr"))
            table.insert(0, tblpr)
        self._resolve_table_style(tblpr)
        for name in ("w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:tblLook", "w:tblInd"):
            for found in tblpr.findall(qn(name)):
                tblpr.remove(found)
        grid = table.find(qn("w:tblGrid"))
        if grid is None:
            grid = etree.Element(qn("w:tblGrid"))
            tblpr.addnext(grid)
        columns = grid.findall(qn("w:gridCol"))
        widths = [_int(column.get(qn("w:w"))) for column in columns]
        if not columns or not all(width > 0 for width in widths):
            # No usable grid: the columns share the width evenly.
            count = max(
                (len(row.findall(qn("w:tc"))) for row in table.iter(qn("w:tr")) if _owner(row) is table), default=1
            )
            for column in columns:
                grid.remove(column)
            columns = [etree.SubElement(grid, qn("w:gridCol")) for _ in range(count)]
            widths = [width_limit // count] * count
        total = sum(widths)
        scale = min(1.0, width_limit / total)
        for column, width in zip(columns, widths, strict=True):
            set_attrs(column, w=round(width * scale))
        set_attrs(child(tblpr, "w:tblW"), w=round(total * scale), type="dxa")
        # Word (in the base file's compatibility mode, 14) and LibreOffice put a table's left border a cell margin
        # left of its indent: indented by as much, it stands on the 版心's left edge.
        margin = tblpr.find(f"{qn('w:tblCellMar')}/{qn('w:left')}")
        if margin is None:
            margin = tblpr.find(f"{qn('w:tblCellMar')}/{qn('w:start')}")
        indent = _int(margin.get(qn("w:w"))) if margin is not None else DEFAULT_CELL_MARGIN_TWIPS
        set_attrs(child(tblpr, "w:tblInd"), w=indent, type="dxa")
        set_attrs(child(tblpr, "w:tblLayout"), type="fixed")
        for row in table.iter(qn("w:tr")):
            height = row.find(f"{qn('w:trPr')}/{qn('w:trHeight')}")
            if height is not None and height.get(qn("w:hRule")) == "exact":
                set_attrs(height, hRule="atLeast")  # 3号 text must not be cut off
        for cell, blocks in source.cells:
            self._cell(cell, blocks, scale)
        return table

    def _resolve_table_style(self, tblpr) -> None:
        """The borders and cell margins the file's table style gives the table, made the table's own: the notice's
        base file has no such style."""
        style = tblpr.find(qn("w:tblStyle"))
        if style is None:
            return
        for tag in ("w:tblBorders", "w:tblCellMar"):
            if tblpr.find(qn(tag)) is not None:
                continue
            for definition in self.reader._styles._chain(style.get(qn("w:val"))):
                found = definition.find(f"{qn('w:tblPr')}/{qn(tag)}")
                if found is not None:
                    child(tblpr, tag).extend(etree.fromstring(etree.tostring(e)) for e in found)
                    break

    def _cell(self, cell, blocks: list[_Block], scale: float) -> None:
        width = 0
        tcw = cell.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
        if tcw is not None and tcw.get(qn("w:type")) in (None, "dxa") and _int(tcw.get(qn("w:w"))):
            width = round(_int(tcw.get(qn("w:w"))) * scale)
            set_attrs(tcw, w=width)
        for element in [e for e in cell if e.tag != qn("w:tcPr")]:
            cell.remove(element)
        for block in blocks:
            if block.table is not None:
                cell.append(self._table(block.table, width or L.TEXT_WIDTH_TWIPS))
                continue
            if block.paragraph.text:
                cell.append(self._paragraph(block, in_table=True)._p)
            for picture in block.pictures:
                room = (width or L.TEXT_WIDTH_TWIPS) * 635
                picture_width = min(picture.width, room)
                picture_height = round(picture.height * picture_width / picture.width)
                paragraph = _picture_paragraph(self.renderer)
                _add_picture(paragraph, picture.blob, picture_width, picture_height, self.attachment.title)
                cell.append(paragraph._p)
        if len(cell) == 0 or cell[-1].tag != qn("w:p"):
            cell.append(self.renderer.new_paragraph(L.STYLE_BODY)._p)  # a cell ends with a paragraph


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


_AS_DOCX = ("请用Word或WPS另存为.docx或PDF后重新上传", "save it as .docx or PDF in Word or WPS and upload that instead")
_SKIPPED_BY_THE_READER = {
    "notes": ("脚注或尾注", "footnotes or endnotes"),
    "equations": ("公式", "equations"),
    "embedded": ("嵌入文档", "embedded documents"),
    "symbols": ("符号字体字符", "symbol-font characters"),
}


def _graphics(p):
    """The drawings of a paragraph's runs as a reader sees them: not deleted, not hidden, one branch of each
    mc:AlternateContent (its first Choice, as the import takes), not inside a text box."""
    for element in p.iter(qn("w:drawing"), qn("w:pict"), qn("w:object")):
        ancestors = list(element.iterancestors())
        if any(a.tag in (qn("w:del"), qn("w:moveFrom"), qn("w:txbxContent")) for a in ancestors):
            continue
        if any(a.tag == f"{{{_MC}}}Fallback" for a in ancestors):
            continue
        if any(a.tag in (qn("w:drawing"), qn("w:pict"), qn("w:object")) for a in ancestors):
            continue
        run = next((a for a in ancestors if a.tag == qn("w:r")), None)
        hidden = run.find(f"{qn('w:rPr')}/{qn('w:vanish')}") if run is not None else None
        if hidden is not None and (hidden.get(qn("w:val")) or "true") not in ("0", "false", "off"):
            continue
        yield element


def _plain(text: str) -> str:
    return re.sub(r"[\s\u3000]", "", text)


def _cut(spans, start: int, end: int) -> list:
    """The spans' text from start to end, as spans."""
    found, at = [], 0
    for span in spans:
        left, right = max(start, at), min(end, at + len(span.text))
        if left < right:
            found.append(type(span)(span.text[left - at : right - at], span.bold, span.points))
        at += len(span.text)
    return found


def _align(paragraph, alignment: str) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    set_attrs(child(ppr, "w:ind"), firstLine=0, firstLineChars=0)
    set_attrs(child(ppr, "w:jc"), val=alignment)


def _owner(cell):
    return next(cell.iterancestors(qn("w:tbl")), None)


def _unwrap(table) -> None:
    """Rows and cells out of the content controls and custom XML that wrap them (their text is rebuilt anyway),
    wrappers inside wrappers too."""
    while wrappers := [e for e in table.iter(qn("w:sdt"), qn("w:customXml")) if e.getparent().tag in _ROW_PARENTS]:
        for wrapper in wrappers:
            content = wrapper.find(qn("w:sdtContent")) if wrapper.tag == qn("w:sdt") else wrapper
            for element in [] if content is None else list(content):
                if element.tag in (qn("w:tr"), qn("w:tc"), qn("w:sdt"), qn("w:customXml")):
                    wrapper.addprevious(element)
            wrapper.getparent().remove(wrapper)


_ROW_PARENTS = {qn("w:tbl"), qn("w:tr")}
