"""A few characters printed onto a finished PDF: each unit's 份号 on its copy of a notice distributed in counted
copies (GB/T 9704-2012 §7.2.1).

The notice's PDF is made once, at issue, by LibreOffice; a unit's copy is that file with its number added where the
renderer prints 份号 (the first line of the text block, flush left, 3号 digits), so that no download waits for a
conversion and every copy is the same document but for its number. PDFium adds the text object to the first page
and writes that page's content again; the other pages, and everything on the first but the number, are unchanged
(tests/documents/test_stamping.py compares the pages as images).
"""

from __future__ import annotations

import ctypes
import io

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from app.documents import layout as L

MM = 72 / 25.4  # PDF points per millimetre
# Where the renderer's 份号 stands in LibreOffice's PDF of it: the first line of the text block, its baseline 45.2 mm
# from the top of the page, flush left (tests/documents/test_stamping.py holds a stamped copy against a rendered one).
COPY_NUMBER_BASELINE_MM = 45.2
# Times: the digits of the standard 14 fonts that every PDF reader has, close to the Times New Roman the renderer
# asks for (a standard font needs nothing embedded).
COPY_NUMBER_FONT = b"Times-Roman"


def stamp_copy_number(
    pdf: bytes, copy_number: str, *, baseline_mm: float = COPY_NUMBER_BASELINE_MM, left_mm: float = L.MARGIN_LEFT_MM
) -> bytes:
    """The PDF with `copy_number` (six digits) on its first page, its baseline `baseline_mm` from the top of the
    page and starting `left_mm` from the left edge, in 3号 (16 pt)."""
    if not copy_number.isdigit():
        raise ValueError(f"a copy number is digits: {copy_number!r}")
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        height = page.get_height()
        text = pdfium_c.FPDFPageObj_NewTextObj(document.raw, COPY_NUMBER_FONT, ctypes.c_float(L.SIZE_3))
        wide = (copy_number + "\0").encode("utf-16-le")
        pdfium_c.FPDFText_SetText(text, ctypes.cast(ctypes.c_char_p(wide), ctypes.POINTER(pdfium_c.FPDF_WCHAR)))
        pdfium_c.FPDFPageObj_Transform(text, 1, 0, 0, 1, left_mm * MM, height - baseline_mm * MM)
        pdfium_c.FPDFPage_InsertObject(page.raw, text)
        if not pdfium_c.FPDFPage_GenerateContent(page.raw):
            raise RuntimeError("PDFium could not write the page with the copy number")
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()
    finally:
        document.close()
