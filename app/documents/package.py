"""The base .docx every 公文 starts from, and saving one so that the same content gives the same bytes."""

from __future__ import annotations

import io
import zipfile
from functools import lru_cache
from pathlib import Path

from docx import Document

TEMPLATE = Path(__file__).resolve().parent.parent.parent / "docx_templates" / "gongwen.docx"


@lru_cache(maxsize=1)
def base_file() -> tuple[bytes, dict[str, str]]:
    """The base file's bytes and its style ids by style name, read once per process.

    python-docx finds a style by name with a scan of every style in the file for each
    paragraph; looking the id up once keeps rendering close to raw python-docx speed.
    """
    data = TEMPLATE.read_bytes()
    styles = Document(io.BytesIO(data)).styles
    return data, {style.name: style.style_id for style in styles}


class _FixedDateZipWriter:
    """python-docx's physical package writer, with every entry dated 1980-01-01."""

    def __init__(self, target):
        self._zip = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED)

    def write(self, pack_uri, blob: bytes) -> None:
        entry = zipfile.ZipInfo(pack_uri.membername, date_time=(1980, 1, 1, 0, 0, 0))
        entry.compress_type = zipfile.ZIP_DEFLATED
        entry.external_attr = 0o644 << 16
        self._zip.writestr(entry, blob)

    def close(self) -> None:
        self._zip.close()


def save_deterministic(document) -> bytes:
    """Save in one pass with fixed entry dates, so equal content gives equal bytes."""
    from docx.opc.pkgwriter import PackageWriter

    package = document.part.package
    buffer = io.BytesIO()
    writer = _FixedDateZipWriter(buffer)
    parts = list(package.iter_parts())
    PackageWriter._write_content_types_stream(writer, parts)
    PackageWriter._write_pkg_rels(writer, package.rels)
    PackageWriter._write_parts(writer, parts)
    writer.close()
    return buffer.getvalue()
