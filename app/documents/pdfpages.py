"""What a PDF shows: its text, held against the .docx it was made from, and its pages as images.

Read with PDFium (pypdfium2): a few milliseconds a page for text, tens for an image, in process.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass

import pypdfium2 as pdfium
from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def counted(text: str) -> Counter:
    """The characters that must reach the page: letters (Chinese, Mongolian, Latin …) and digits.

    Compared after NFKC, on both sides alike and only for counting (what is stored is never normalised), so that a
    full-width digit, a Kangxi radical or a ligature a font draws counts as the character it stands for. Punctuation,
    spaces and the Mongolian format characters (FVS, MVS, NNBSP) draw no glyph of their own, or not always one.
    """
    return Counter(c for c in unicodedata.normalize("NFKC", text) if unicodedata.category(c)[0] in "LN")


def docx_paragraphs(docx: bytes) -> list[str]:
    """The text of every paragraph of the document's body (tables included), in order; headers and footers not."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    return ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p")]


def pdf_text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    try:
        return "\n".join(page.get_textpage().get_text_bounded() for page in document)
    finally:
        document.close()


@dataclass(frozen=True)
class ShortParagraph:
    """A paragraph of the source whose characters the PDF lacks."""

    number: int  # 1-based, among the source's paragraphs that have text
    text: str
    missing: int  # how many of its characters are not on the page


def short_paragraph(docx: bytes, pdf: bytes) -> ShortParagraph | None:
    """The first paragraph with characters missing from the PDF, or None when every character is on the page.

    The PDF's characters are counted against the whole source, since LibreOffice's text order need not be the
    paragraphs' order (the 版记 floats, columns run vertically). Paragraphs are then read in order, taking from what
    the PDF has: the first one that cannot be covered is the one to name.
    """
    sources = [text for text in docx_paragraphs(docx) if counted(text)]
    left = counted(pdf_text(pdf))
    if not counted("".join(sources)) - left:
        return None
    for number, text in enumerate(sources, start=1):
        need = counted(text)
        lacking = need - left
        if lacking:
            return ShortParagraph(number, text, sum(lacking.values()))
        left -= need
    return None  # not reached: some paragraph lacks what the whole lacks


def page_count(pdf: bytes) -> int:
    document = pdfium.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def page_image(pdf: bytes, number: int, *, width_px: int) -> bytes | None:
    """Page `number` (1-based) as a PNG width_px wide; None if the PDF has no such page."""
    document = pdfium.PdfDocument(pdf)
    try:
        if not 1 <= number <= len(document):
            return None
        page = document[number - 1]
        image = page.render(scale=width_px / page.get_width()).to_pil()
        buffer = io.BytesIO()
        image.save(buffer, "PNG", compress_level=1)  # a third of the time of the default level, 10 % larger
        return buffer.getvalue()
    finally:
        document.close()
