"""Stored files: uploads and rendered documents, kept under FILES_DIR by the SHA-256 of their bytes, outside static/.

A file's type is decided by its content, never by its name or the browser's word, and a download is named after
that type: what was uploaded as 进度报告.bat but is a PDF goes out as 进度报告.pdf.

The files and the rows that name them are kept together: a file this transaction wrote is removed again when the
transaction ends without committing (a rejected second upload, a failed commit), unless a committed row names it
by then. A files directory that is full, read-only or missing a file is FileStoreUnavailable (a 503 page for the
administrator), not a bare OSError.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Integer, String, event, select
from sqlalchemy.exc import SQLAlchemyError
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


class FileStoreUnavailable(Exception):
    """The files directory cannot be written to (full, read-only, no permission): nothing was saved."""

    def __init__(self, reason: str, sha256: str):
        super().__init__(reason)
        self.reason = reason
        self.sha256 = sha256


class StoredFileMissing(FileStoreUnavailable):
    """A file the database names is not in the files directory (lost, or not restored with the database)."""


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
# A stored type this module does not know (never made by sniff): bytes, with a name no program runs.
UNKNOWN = FileKind("application/octet-stream", "bin")

KINDS = (PDF, DOCX, XLSX, PPTX, PNG, JPEG, OFD, ZIP)
_KIND_BY_CONTENT_TYPE = {kind.content_type: kind for kind in KINDS}

# Office Open XML packages are zip files told apart by their main part.
_OOXML_MAIN_PARTS = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX, "ppt/presentation.xml": PPTX}
# Parts and content types of macros: VBA projects (.docm, .xlsm, .pptm) and Excel 4.0 macro sheets. A .docm renamed
# .docx is still a Word document that can run them once saved under its old name.
_MACRO_MARKERS = ("vbaproject", "vbadata", "macroenabled", "macrosheet")


def kind_of(content_type: str) -> FileKind:
    """The kind a stored file was detected as, from the content type its row keeps."""
    return _KIND_BY_CONTENT_TYPE.get(content_type, UNKNOWN)


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


def has_macros(data: bytes) -> bool:
    """Whether a zip package carries macros, whatever its main part says it is."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = archive.namelist()
            content_types = b""
            if "[Content_Types].xml" in names:
                with archive.open("[Content_Types].xml") as part:
                    content_types = part.read(1024 * 1024)
    except (zipfile.BadZipFile, KeyError, RuntimeError, OSError):
        return False  # not a package sniff accepts either
    text = ("\n".join(names) + content_types.decode("utf-8", "replace")).lower()
    return any(marker in text for marker in _MACRO_MARKERS)


def _path_for(sha256: str) -> Path:
    root = Path(current_app.config["FILES_DIR"])
    return root / sha256[:2] / sha256[2:4] / sha256


# session.info key: {sha256: path} of the files the session's transaction wrote.
_WRITTEN = "app.files_written"


def _write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: `path` is whole or absent, and the temporary file is
    gone either way."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def store_bytes(data: bytes, kind: FileKind) -> StoredFile:
    """Write the bytes once (atomically) and return their row; the caller commits.

    A file written here that no committed row names when the transaction ends is removed again.
    """
    sha256 = hashlib.sha256(data).hexdigest()
    path = _path_for(sha256)
    if not path.exists():
        try:
            _write_atomically(path, data)
        except OSError as exc:
            raise FileStoreUnavailable(exc.strerror or str(exc), sha256) from exc
        db.session.info.setdefault(_WRITTEN, {})[sha256] = path
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
    if data.startswith(b"PK") and has_macros(data):
        raise FileRejected(
            _("Files with macros are not accepted. Save it without macros (as .docx, .xlsx or .pptx) and upload it.")
        )
    return store_bytes(data, kind)


def read_bytes(sha256: str) -> bytes:
    """The stored file's bytes; StoredFileMissing when the files directory lacks it."""
    try:
        return _path_for(sha256).read_bytes()
    except FileNotFoundError as exc:
        raise StoredFileMissing(exc.strerror or "No such file", sha256) from exc


@event.listens_for(db.session, "after_commit")
def _keep_written_files(session) -> None:
    session.info.pop(_WRITTEN, None)


@event.listens_for(db.session, "after_transaction_end")
def _remove_unkept_files(session, transaction) -> None:
    """The transaction that wrote these files ended without committing: remove those no committed row names.

    (Another request may have stored the same bytes meanwhile and committed; its row keeps the file.)
    """
    if transaction.parent is not None:
        return
    written = session.info.pop(_WRITTEN, None)
    if not written:
        return
    try:
        with session.get_bind().connect() as connection:
            kept = set(connection.scalars(select(StoredFile.sha256).where(StoredFile.sha256.in_(list(written)))))
    except SQLAlchemyError:
        return  # the database cannot say which are kept: keeping a file is safer than losing one
    for sha256, path in written.items():
        if sha256 not in kept:
            with contextlib.suppress(OSError):
                path.unlink()


def extension_of(filename: str) -> str:
    """The extension a file was uploaded with, lower case ("bin" when it had none)."""
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"


# An extension at the end of a name: a few ASCII letters and digits, at least one letter ("pdf", "docm", "7z"), so
# that "实施方案.2023" or "第1.2版" keep their dots.
_EXTENSION = re.compile(r"\.(?=[0-9]*[A-Za-z])[A-Za-z0-9]{1,8}$")


def safe_download_name(name: str, extension: str) -> str:
    """A download name without path separators or control characters, ending in `extension` alone: whatever
    extension the name had (the uploader's .bat, .html, .docm) is replaced."""
    cleaned = "".join(ch for ch in name if ch.isprintable() and ch not in '/\\:*?"<>|').strip(" .")
    stem = _EXTENSION.sub("", cleaned).rstrip(" .")
    return f"{(stem or 'file')[:120]}.{extension}"
