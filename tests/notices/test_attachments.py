"""Files attached to a draft: stored by hash, checked by content, size-limited, frozen at issue."""

import hashlib
import io
import re
from pathlib import Path

from sqlalchemy import select

from app.core.files import StoredFile
from app.extensions import db
from app.notices.models import Notice, NoticeAttachment
from tests.helpers.notices import notice_id_from, seed_form

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _draft(client, app):
    return notice_id_from(client.post("/notices/new", data=seed_form(app)))


def _attach(client, notice_id, data, filename, title="工作方案"):
    return client.post(
        f"/notices/{notice_id}/attachments",
        content_type="multipart/form-data",
        data={"title": title, "file": (io.BytesIO(data), filename)},
    )


def test_a_pdf_is_stored_by_its_hash_outside_static_and_listed(bureau_login, client, app):
    bureau_login("secretary")
    notice_id = _draft(client, app)
    assert _attach(client, notice_id, PDF_BYTES, "方案.pdf").status_code == 303
    sha = hashlib.sha256(PDF_BYTES).hexdigest()
    with app.app_context():
        stored = db.session.get(StoredFile, sha)
        assert stored.content_type == "application/pdf" and stored.size == len(PDF_BYTES)
        path = Path(app.config["FILES_DIR"]) / sha[:2] / sha[2:4] / sha
        assert path.read_bytes() == PDF_BYTES
        assert "static" not in str(path)
    page = client.get(f"/notices/{notice_id}").get_data(as_text=True)
    assert "附件：" in page and "工作方案" in page
    download = client.get(f"/notices/{notice_id}/attachments/1")
    assert download.status_code == 200 and download.data == PDF_BYTES
    assert "attachment" in download.headers["Content-Disposition"]


def test_a_file_is_judged_by_its_content_not_its_name(bureau_login, client, app):
    bureau_login("secretary")
    notice_id = _draft(client, app)
    response = _attach(client, notice_id, b"<script>alert(1)</script>", "方案.pdf")
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(NoticeAttachment)) is None
    assert "不接受此类文件" in response.get_data(as_text=True)


def test_a_file_over_the_limit_is_refused(bureau_login, client, app):
    bureau_login("secretary")
    notice_id = _draft(client, app)
    app.config["MAX_UPLOAD_BYTES"] = 4096
    response = _attach(client, notice_id, PDF_BYTES + b"0" * 5000, "大文件.pdf")
    assert response.status_code == 422
    assert "文件超过" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(NoticeAttachment)) is None


def test_files_cannot_be_attached_to_an_issued_notice(bureau_login, client, app):
    bureau_login("secretary")
    notice_id = _draft(client, app)
    with app.app_context():
        db.session.get(Notice, notice_id).status = "issued"
        db.session.commit()
    _attach(client, notice_id, PDF_BYTES, "方案.pdf")
    with app.app_context():
        assert db.session.scalar(select(NoticeAttachment)) is None


# The attachment's name survives a refusal


def _title_box(html: str) -> str:
    return re.search(r'<input[^>]*name="title"[^>]*>', html).group(0)


def test_a_refused_upload_keeps_the_name_typed_and_says_why_beside_the_file(bureau_login, client, app):
    bureau_login("secretary")
    notice_id = _draft(client, app)
    response = _attach(client, notice_id, b"<script>alert(1)</script>", "方案.pdf", title="乌海市扩优提质实施方案")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" in html  # without JavaScript: a page with the form again
    assert 'value="乌海市扩优提质实施方案"' in _title_box(html)
    assert "附件未添加" in html and "不接受此类文件" in html


def test_under_htmx_a_refusal_swaps_the_panel_with_the_name_kept_and_a_success_lists_the_file(
    bureau_login, client, app
):
    bureau_login("secretary")
    notice_id = _draft(client, app)
    htmx = {"HX-Request": "true"}
    no_file = client.post(
        f"/notices/{notice_id}/attachments",
        content_type="multipart/form-data",
        data={"title": "检查方案"},
        headers=htmx,
    )
    html = no_file.get_data(as_text=True)
    assert (
        no_file.status_code == 422
        and "<html" not in html
        and html.lstrip().startswith('<section id="notice-attachments"')
    )
    assert 'value="检查方案"' in _title_box(html) and "请选择文件" in html
    attached = client.post(
        f"/notices/{notice_id}/attachments",
        content_type="multipart/form-data",
        data={"title": "检查方案", "file": (io.BytesIO(PDF_BYTES), "方案.pdf")},
        headers=htmx,
    )
    html = attached.get_data(as_text=True)
    assert attached.status_code == 200 and "<html" not in html
    assert re.search(r'<ol class="attachments">.*检查方案.*方案\.pdf', html, re.S)
    assert 'value=""' in _title_box(html)  # the box is empty for the next file


def test_attaching_in_place_does_not_make_the_editor_s_next_save_a_conflict(bureau_login, client, app):
    """The panel is swapped without reloading the editor, whose version field stays as it was: the draft's version
    must not move with an attached file, or the secretary's next save would be refused as someone else's."""
    bureau_login("secretary")
    notice_id = _draft(client, app)
    with app.app_context():
        version = db.session.get(Notice, notice_id).version
    _attach(client, notice_id, PDF_BYTES, "方案.pdf")
    with app.app_context():
        assert db.session.get(Notice, notice_id).version == version


def test_the_name_fills_itself_from_the_file_by_a_script_of_the_app_not_an_inline_one(bureau_login, client, app):
    bureau_login("secretary")
    notice_id = _draft(client, app)
    page = client.get(f"/notices/{notice_id}/edit").get_data(as_text=True)
    assert re.search(
        r'<input[^>]*data-fills-title="title"[^>]*type="file"|<input[^>]*type="file"[^>]*data-fills-title="title"', page
    )
    assert '<script src="/static/js/attachment-title.js" defer></script>' in page
    assert client.get("/static/js/attachment-title.js").status_code == 200
