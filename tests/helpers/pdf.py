"""Tests that need LibreOffice: they skip, saying what is missing, where it is not installed; under CI they fail."""

from contextlib import contextmanager

import pytest

from app.documents import pdf
from tests.helpers.databases import IN_CI


def require_libreoffice(*, server: bool = False) -> None:
    missing = []
    if pdf.find_soffice() is None:
        missing.append("no soffice (SOFFICE, PATH)")
    if server and pdf.find_uno_python() is None:
        missing.append("no Python with uno and unoserver (UNO_PYTHON, .venv-uno, /usr/bin/python3)")
    if missing:
        message = f"LibreOffice not installed: {'; '.join(missing)}. {pdf.INSTALL_HINT}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


def stop_converters_on(port: int, count: int = 4) -> None:
    """Kill the LibreOffice conversion servers a test's subprocesses left on `port` and the pool's next ports (each
    server's profile folder is named unoserver-<port>-…): a worker killed by the test cannot stop its own."""
    import subprocess

    ports = "|".join(str(port + 2 * i) for i in range(count))
    subprocess.run(["pkill", "-KILL", "-f", "--", f"unoserver-({ports})-"], check=False)


_converted: dict[tuple[str, bool], bytes] = {}


def remember_conversions(monkeypatch) -> None:
    """LibreOffice converts each distinct .docx once for the test process; the same bytes again get the same PDF back.

    For tests that walk every route (who may open what, what a page survives) and only need a PDF to be served: each
    of their tests starts from the same demo data, so each would convert the same documents again. The PDFs
    themselves are tested in tests/documents.
    """
    monkeypatch.setattr(pdf, "docx_to_pdf", _remembering(pdf.docx_to_pdf))


def _remembering(convert):
    import hashlib

    def remembered(docx: bytes, *, vertical_mongolian: bool = False) -> bytes:
        key = (hashlib.sha256(docx).hexdigest(), vertical_mongolian)
        if key not in _converted:
            _converted[key] = convert(docx, vertical_mongolian=vertical_mongolian)
        return _converted[key]

    return remembered


@contextmanager
def conversions_shared():
    """While a test process builds its datasets (tests/helpers/databases.py): the demo makes 75号's PDF for its
    districts' forwarding notices, the same bytes on SQLite and on PostgreSQL, converted once."""
    convert = pdf.docx_to_pdf
    pdf.docx_to_pdf = _remembering(convert)
    try:
        yield
    finally:
        pdf.docx_to_pdf = convert


def blank_pdf() -> bytes:
    """A PDF of one blank A4 page: any file a test stores as a PDF (a document from outside, an original's issued
    PDF that a forwarding notice prints as its 附件)."""
    import io

    import pypdfium2 as pdfium

    document = pdfium.PdfDocument.new()
    document.new_page(595.28, 841.89)
    buffer = io.BytesIO()
    document.save(buffer)
    document.close()
    return buffer.getvalue()
