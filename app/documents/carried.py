"""Files carried unchanged inside a document: a forwarding notice (转发通知) holds the notice it forwards, the
issued PDF itself, so that whoever has only the forwarding notice can take the original out and check its SHA-256
against the issuing organ's.

- In the .docx: a part of the package (/word/embeddings/carried-<the first 16 hex digits of its SHA-256>.pdf: an
  ASCII part name, as OPC readers expect), related to the document under CARRIED_FILE. Word and LibreOffice keep a
  part they do not show; nothing prints from it (the 附件 pages print the PDF's pages).
- In the PDF: an embedded file of the document (the /EmbeddedFiles name tree), which PDF readers list among the
  document's attachments.

Both hold the bytes as given, never re-encoded.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile

import pypdfium2 as pdfium
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from lxml import etree

# The relationship of a carried file: this application's own type (OOXML has none for "a file kept as it is").
CARRIED_FILE = "urn:bureau-intranet:relationships:carried-file"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_MEDIA_TYPES = {".pdf": "application/pdf", ".docx": "application/octet-stream", ".ofd": "application/octet-stream"}


def safe_name(name: str) -> str:
    """A part name for any file name: letters, digits, CJK and the brackets of a document number kept."""
    cleaned = re.sub(r"[^\w.\-〔〕（）()]+", "_", name).strip("._") or "file"
    return cleaned[:120]


def carry_in_docx(document, name: str, data: bytes) -> None:
    """Add the file to a python-docx Document before it is saved (name: the file's name, for its extension)."""
    extension = ("." + name.rsplit(".", 1)[1].lower()) if "." in name else ""
    if not re.fullmatch(r"\.[a-z0-9]{1,8}", extension):
        extension = ""
    part = Part(
        PackURI(f"/word/embeddings/carried-{hashlib.sha256(data).hexdigest()[:16]}{extension}"),
        _MEDIA_TYPES.get(extension, "application/octet-stream"),
        data,
        document.part.package,
    )
    document.part.relate_to(part, CARRIED_FILE)


def files_in_docx(docx: bytes) -> dict[str, bytes]:
    """The files a .docx carries, by part name."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        try:
            rels = etree.fromstring(package.read("word/_rels/document.xml.rels"))
        except KeyError:
            return {}
        found = {}
        for rel in rels.iter(f"{{{_RELS}}}Relationship"):
            if rel.get("Type") == CARRIED_FILE:
                target = "word/" + rel.get("Target").lstrip("/").removeprefix("word/")
                found[target.rsplit("/", 1)[-1]] = package.read(target)
        return found


def carry_in_pdf(pdf: bytes, name: str, data: bytes) -> bytes:
    """The PDF with the file embedded (pages, text and fonts as they were)."""
    document = pdfium.PdfDocument(pdf)
    try:
        attachment = document.new_attachment(safe_name(name))
        attachment.set_data(data)
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()
    finally:
        document.close()


def files_in_pdf(pdf: bytes) -> dict[str, bytes]:
    """The files a PDF carries as embedded files, by name."""
    document = pdfium.PdfDocument(pdf)
    try:
        found = {}
        for index in range(document.count_attachments()):
            attachment = document.get_attachment(index)
            found[attachment.get_name()] = bytes(attachment.get_data())
        return found
    finally:
        document.close()
