"""The document as it will print, at every stage: pages of the PDF of the .docx the notice would be issued as.

Made by the code that makes the issued file (render_notice_docx, then docx_to_pdf with its text check), so a
reviewer or a signer reads the red-header document itself without downloading it. Kept by the SHA-256 of the .docx
it was made from, in PREVIEW_DIR: a draft opened by five people is converted once, and a changed word makes a new
preview. The pages are PNG images, which every browser shows (a phone's too, where an inline PDF often is not);
the page's image is drawn the first time it is asked for.

Previews are a cache: deleting PREVIEW_DIR loses nothing, and the oldest files go when it holds more than
PREVIEW_CACHE_FILES.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from app.documents.pdfpages import page_count, page_image
from app.notices.documents import convert, notice_docx, notice_pdf
from app.notices.models import Notice

PAGE_WIDTH_PX = 800  # A4 at 96 dpi is 794 px: sharp on a desktop at 100 %, and a phone scales it down

_converting = threading.Lock()


@dataclass(frozen=True)
class Preview:
    key: str  # the SHA-256 of the .docx it shows
    pages: int


def _folder() -> Path:
    folder = Path(current_app.config["PREVIEW_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _write(path: Path, data: bytes) -> None:
    """Whole or not at all: another process may read the file while it is written."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    partial.write_bytes(data)
    partial.replace(path)


def _prune(folder: Path) -> None:
    limit = current_app.config["PREVIEW_CACHE_FILES"]
    files = [f for f in folder.iterdir() if not f.name.startswith(".")]
    if len(files) <= limit:
        return
    for old in sorted(files, key=lambda f: f.stat().st_mtime)[: len(files) - limit]:
        old.unlink(missing_ok=True)


def preview_docx(docx: bytes, make_pdf=None, *, person: int | None = None) -> Preview:
    """The preview of this .docx, converting it unless a preview of the same bytes exists.

    make_pdf: how to get the PDF (an issued notice's is stored); by default a conversion, bounded for `person`
    (raises Busy when they or the machine have conversions under way). Raises what the conversion raises
    (PdfUnavailable, PdfConversionFailed, PdfTextMissing).
    """
    key = hashlib.sha256(docx).hexdigest()
    path = _folder() / f"{key}.pdf"
    if not path.exists():
        with _converting:  # one conversion at a time per process; the converter is one LibreOffice anyway
            if not path.exists():
                _write(path, make_pdf() if make_pdf else convert(docx, person=person))
                _prune(path.parent)
    return Preview(key, page_count(path.read_bytes()))


def is_preview_key(key: str) -> bool:
    return len(key) == 64 and all(c in "0123456789abcdef" for c in key)


def notice_preview_key(notice: Notice) -> str:
    """The key of the notice's preview as it stands now."""
    if notice.docx_sha256:
        return notice.docx_sha256
    return hashlib.sha256(notice_docx(notice)).hexdigest()


def notice_preview(notice: Notice, *, person: int | None = None) -> Preview:
    """The notice as it stands: a draft's current text, an issued notice's frozen file and stored PDF."""
    docx = notice_docx(notice)
    stored = (lambda: notice_pdf(notice, person=person)) if notice.is_issued else None
    return preview_docx(docx, stored, person=person)


def page_png(key: str, page: int) -> bytes | None:
    """Page `page` (1-based) of the preview `key` as PNG; None if there is no such preview or page."""
    folder = _folder()
    image = folder / f"{key}-{page}.png"
    if image.exists():
        return image.read_bytes()
    source = folder / f"{key}.pdf"
    if not source.exists():
        return None
    data = page_image(source.read_bytes(), page, width_px=PAGE_WIDTH_PX)
    if data is not None:
        _write(image, data)
    return data
