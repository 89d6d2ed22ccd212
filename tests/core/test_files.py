"""Uploaded files: named by what they are when downloaded, macros refused, a failing files directory leaves nothing
behind, and a file missing from it is a 503 page that the audit log records."""

import errno
import hashlib
import io
import os
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from app.core.audit import AuditEvent
from app.core.files import StoredFile
from app.extensions import db
from app.notices.models import NoticeAttachment
from tests.helpers.notices import notice_id_from, seed_form, seed_notice
from tests.helpers.tasks import assignment_id

# Stored files, their names and their cleanup behave alike on both databases: SQLite only (the acceptance asks both
# only for 3, 11, 13).
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
OTHER_PDF = b"%PDF-1.4\n% the second file\n%%EOF\n"
RUNNABLE_NAMES = ["进度报告.bat", "进度报告.hta", "进度报告.html", "进度报告.svg", "进度报告.exe"]


def _package(main_part: str, content_type: str, extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Override PartName="/{main_part}" ContentType="{content_type}"/></Types>',
        )
        package.writestr(main_part, "<document/>")
        for name, data in (extra or {}).items():
            package.writestr(name, data)
    return buffer.getvalue()


DOCX_BYTES = _package(
    "word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
)
DOCM_BYTES = _package(
    "word/document.xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 VBA"},
)
# A workbook that says it is a plain one but carries an Excel 4.0 macro sheet.
XLSX_WITH_MACRO_SHEET = _package(
    "xl/workbook.xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    {"xl/macrosheets/sheet1.xml": b"<xm:macrosheet/>"},
)


def _download_name(response) -> str:
    disposition = response.headers["Content-Disposition"]
    if "filename*=" in disposition:
        return unquote(disposition.split("filename*=", 1)[1].split("''", 1)[1])
    return disposition.split("filename=", 1)[1].strip('"')


def _files_on_disk(app) -> set[str]:
    root = Path(app.config["FILES_DIR"])
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def _draft(client, app) -> int:
    return notice_id_from(client.post("/notices/new", data=seed_form(app)))


def _attach(client, notice_id, data, filename, title):
    return client.post(
        f"/notices/{notice_id}/attachments",
        content_type="multipart/form-data",
        data={"title": title, "file": (io.BytesIO(data), filename)},
    )


def _report(client, assignment_pk, files):
    return client.post(
        f"/tasks/assignments/{assignment_pk}/reports",
        content_type="multipart/form-data",
        data={"text": "已开展联合教研。", "state": "in_progress", "files": files},
    )


def _report_files(app, assignment_pk) -> list[dict]:
    from app.tasks.models import ProgressReport

    with app.app_context():
        report = db.session.scalar(select(ProgressReport).where(ProgressReport.assignment_id == assignment_pk))
        return [] if report is None else [dict(entry, report=report.id) for entry in report.files]


# Downloads are named after what the file is


@pytest.mark.parametrize("filename", RUNNABLE_NAMES)
def test_a_notice_attachment_downloads_with_the_extension_of_what_it_is(filename, login, client, app):
    login("secretary")
    notice_id = _draft(client, app)
    assert _attach(client, notice_id, PDF_BYTES, filename, title=filename).status_code == 303
    with app.app_context():
        attachment_id = db.session.scalar(select(NoticeAttachment.id).where(NoticeAttachment.notice_id == notice_id))
    download = client.get(f"/notices/{notice_id}/attachments/{attachment_id}")
    assert download.status_code == 200 and download.data == PDF_BYTES
    assert download.mimetype == "application/pdf"
    assert _download_name(download) == "进度报告.pdf"


@pytest.mark.parametrize("filename", RUNNABLE_NAMES)
def test_a_progress_report_file_downloads_with_the_extension_of_what_it_is(filename, login, client, app):
    mine = assignment_id(app, "8-结对1", "no1_middle")
    login("clerk_no1_middle")
    assert _report(client, mine, [(io.BytesIO(PDF_BYTES), filename)]).status_code == 303
    (entry,) = _report_files(app, mine)
    download = client.get(f"/tasks/reports/{entry['report']}/files/0")
    assert download.status_code == 200 and download.data == PDF_BYTES
    assert _download_name(download) == "进度报告.pdf"
    login("staff")  # the bureau's reviewer gets the same name
    assert _download_name(client.get(f"/tasks/reports/{entry['report']}/files/0")) == "进度报告.pdf"


def test_a_plain_document_uploaded_as_docm_downloads_as_docx(login, client, app):
    mine = assignment_id(app, "8-结对1", "no1_middle")
    login("clerk_no1_middle")
    assert _report(client, mine, [(io.BytesIO(DOCX_BYTES), "总结.docm")]).status_code == 303
    (entry,) = _report_files(app, mine)
    assert _download_name(client.get(f"/tasks/reports/{entry['report']}/files/0")) == "总结.docx"


# Macros are refused


@pytest.mark.parametrize(("data", "filename"), [(DOCM_BYTES, "方案.docx"), (XLSX_WITH_MACRO_SHEET, "统计.xlsx")])
def test_a_notice_attachment_with_macros_is_refused(data, filename, login, client, app):
    login("secretary")
    notice_id = _draft(client, app)
    before = _files_on_disk(app)
    response = _attach(client, notice_id, data, filename, title="方案")
    assert response.status_code == 422 and "不接受含宏的文件" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(NoticeAttachment).where(NoticeAttachment.notice_id == notice_id)) is None
        assert db.session.get(StoredFile, hashlib.sha256(data).hexdigest()) is None
    assert _files_on_disk(app) == before


@pytest.mark.parametrize(("data", "filename"), [(DOCM_BYTES, "总结.docm"), (XLSX_WITH_MACRO_SHEET, "统计.xlsx")])
def test_a_progress_report_file_with_macros_is_refused(data, filename, login, client, app):
    mine = assignment_id(app, "8-结对1", "no1_middle")
    login("clerk_no1_middle")
    response = _report(client, mine, [(io.BytesIO(data), filename)])
    assert response.status_code == 422 and "不接受含宏的文件" in response.get_data(as_text=True)
    assert _report_files(app, mine) == []


# A files directory that fails


def _fail_writes(monkeypatch, code: int, after_bytes: int = 0):
    """The files directory fails like a full disk (part of the file written, then ENOSPC) or a read-only one."""
    import app.core.files as files

    real_fdopen = files.os.fdopen

    class FailingFile:
        def __init__(self, real):
            self.real = real

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.real.close()

        def write(self, data):
            self.real.write(data[:after_bytes])
            raise OSError(code, os.strerror(code))

        def __getattr__(self, name):
            return getattr(self.real, name)

    monkeypatch.setattr(files.os, "fdopen", lambda fd, mode: FailingFile(real_fdopen(fd, mode)))


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS])
def test_a_full_or_read_only_files_directory_is_a_503_and_leaves_no_file_behind(code, login, client, app, monkeypatch):
    mine = assignment_id(app, "8-结对1", "no1_middle")
    login("clerk_no1_middle")
    before = _files_on_disk(app)
    _fail_writes(monkeypatch, code, after_bytes=10)
    response = _report(client, mine, [(io.BytesIO(PDF_BYTES), "记录.pdf")])
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert os.strerror(code) in page and "<html" in page
    assert _files_on_disk(app) == before  # no partial temporary file
    assert _report_files(app, mine) == []
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "file.store_failed"))
        assert event is not None and event.object_id == hashlib.sha256(PDF_BYTES).hexdigest()


def test_a_report_whose_second_file_is_refused_leaves_no_orphan_of_the_first(login, client, app):
    mine = assignment_id(app, "8-结对1", "no1_middle")
    login("clerk_no1_middle")
    before = _files_on_disk(app)
    files = [(io.BytesIO(PDF_BYTES), "记录.pdf"), (io.BytesIO(b"MZ\x90\x00"), "a.exe")]
    assert _report(client, mine, files).status_code == 422
    assert _files_on_disk(app) == before


def test_a_report_whose_second_file_hits_a_full_disk_leaves_no_orphan_of_the_first(login, client, app, monkeypatch):
    import app.core.files as files

    mine = assignment_id(app, "8-结对1", "no1_middle")
    login("clerk_no1_middle")
    before = _files_on_disk(app)
    real_write = files._write_atomically
    written = []

    def full_after_one(path, data):
        if written:
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(path)
        real_write(path, data)

    monkeypatch.setattr(files, "_write_atomically", full_after_one)
    response = _report(client, mine, [(io.BytesIO(PDF_BYTES), "记录.pdf"), (io.BytesIO(OTHER_PDF), "照片.pdf")])
    assert response.status_code == 503
    assert written and not written[0].exists()
    assert _files_on_disk(app) == before


def test_a_file_already_kept_by_a_committed_row_is_not_removed_by_a_failed_upload(login, client, app):
    mine = assignment_id(app, "8-结对1", "no1_middle")
    login("secretary")
    notice_id = _draft(client, app)
    assert _attach(client, notice_id, PDF_BYTES, "方案.pdf", title="方案").status_code == 303
    kept = _files_on_disk(app)
    login("clerk_no1_middle")
    files = [(io.BytesIO(PDF_BYTES), "记录.pdf"), (io.BytesIO(b"MZ\x90\x00"), "a.exe")]
    assert _report(client, mine, files).status_code == 422
    assert _files_on_disk(app) == kept
    login("secretary")
    with app.app_context():
        attachment_id = db.session.scalar(select(NoticeAttachment.id).where(NoticeAttachment.notice_id == notice_id))
    assert client.get(f"/notices/{notice_id}/attachments/{attachment_id}").data == PDF_BYTES


# A stored file missing from the files directory


def test_a_missing_frozen_document_is_a_503_naming_the_file_and_the_audit_log_records_it(login, client, app):
    with app.app_context():
        notice = seed_notice()
        notice_id, sha256 = notice.id, notice.docx_sha256
    path = Path(app.config["FILES_DIR"]) / sha256[:2] / sha256[2:4] / sha256
    path.unlink()
    login("clerk_no1_middle")
    response = client.get(f"/notices/{notice_id}/document.docx")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert sha256[:12] in page and "请告知管理员" in page
    fragment = client.get(f"/notices/{notice_id}/document.docx", headers={"HX-Request": "true"})
    assert fragment.status_code == 503 and "<html" not in fragment.get_data(as_text=True)
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "file.missing")).all()
        assert [e.object_id for e in events] == [sha256, sha256]
        assert events[0].details["path"] == f"/notices/{notice_id}/document.docx"


def test_a_missing_attachment_is_a_503(login, client, app):
    login("secretary")
    notice_id = _draft(client, app)
    assert _attach(client, notice_id, PDF_BYTES, "方案.pdf", title="方案").status_code == 303
    sha256 = hashlib.sha256(PDF_BYTES).hexdigest()
    (Path(app.config["FILES_DIR"]) / sha256[:2] / sha256[2:4] / sha256).unlink()
    with app.app_context():
        attachment_id = db.session.scalar(select(NoticeAttachment.id).where(NoticeAttachment.notice_id == notice_id))
    response = client.get(f"/notices/{notice_id}/attachments/{attachment_id}")
    assert response.status_code == 503 and sha256[:12] in response.get_data(as_text=True)
