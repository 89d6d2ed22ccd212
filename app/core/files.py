"""Stored files: uploads and rendered documents, kept under FILES_DIR by the SHA-256 of their bytes, outside static/.

A file's type is decided by its content, never by its name or the browser's word.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.time import utcnow
from app.core.types import UTCDateTime
from app.extensions import db


class StoredFile(db.Model):
    """The bytes of a file, once, named by their SHA-256; names live where it is used."""

    __tablename__ = "stored_files"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<StoredFile {self.sha256[:12]} {self.size}>"


class FileRejected(ValueError):
    """An upload the rules refuse; the message is shown to the user."""


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extension: str


PDF = FileKind("application/pdf", "pdf")
DOCX = FileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")
XLSX = FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
PPTX = FileKind("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx")
PNG = FileKind("image/png", "png")
JPEG = FileKind("image/jpeg", "jpg")
OFD = FileKind("application/ofd", "ofd")
ZIP = FileKind("application/zip", "zip")

# Office Open XML packages are zip files told apart by their main part.
_OOXML_MAIN_PARTS = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX, "ppt/presentation.xml": PPTX}


def sniff(data: bytes) -> FileKind | None:
    """What the bytes are, or None for a kind the intranet does not accept."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        for part, kind in _OOXML_MAIN_PARTS.items():
            if part in names and "[Content_Types].xml" in names:
                return kind
        if "OFD.xml" in names:
            return OFD
        return ZIP
    return None


def _path_for(sha256: str) -> Path:
    root = Path(current_app.config["FILES_DIR"])
    return root / sha256[:2] / sha256[2:4] / sha256


def store_bytes(data: bytes, kind: FileKind) -> StoredFile:
    """Write the bytes once (atomically) and return their row; the caller commits."""
    sha256 = hashlib.sha256(data).hexdigest()
    path = _path_for(sha256)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp.name, path)
    stored = db.session.get(StoredFile, sha256)
    if stored is None:
        stored = StoredFile(sha256=sha256, size=len(data), content_type=kind.content_type)
        db.session.add(stored)
    return stored


def store_upload(data: bytes, *, allowed: tuple[FileKind, ...], max_bytes: int) -> StoredFile:
    if not data:
        raise FileRejected(_("The file is empty."))
    if len(data) > max_bytes:
        raise FileRejected(_("The file is larger than %(limit)s MB.", limit=max_bytes // (1024 * 1024)))
    kind = sniff(data)
    if kind is None or kind not in allowed:
        names = "、".join(k.extension.upper() for k in allowed)
        raise FileRejected(_("This kind of file is not accepted here. Accepted: %(kinds)s.", kinds=names))
    return store_bytes(data, kind)


def read_bytes(sha256: str) -> bytes:
    return _path_for(sha256).read_bytes()


def extension_of(filename: str) -> str:
    """The extension a file was uploaded with, lower case ("bin" when it had none)."""
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"


def safe_download_name(name: str, extension: str) -> str:
    """A download name without path separators or control characters, with the right extension."""
    cleaned = "".join(ch for ch in name if ch.isprintable() and ch not in '/\\:*?"<>|').strip(" .")
    stem = cleaned.rsplit(".", 1)[0] if "." in cleaned else cleaned
    return f"{(stem or 'file')[:120]}.{extension}"
