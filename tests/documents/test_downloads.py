"""Downloads of a notice's documents: frozen at issue, served as stored, explained when PDF is impossible."""

import hashlib

from app.documents import pdf as pdf_module
from app.extensions import db
from app.notices.models import Notice
from tests.helpers.notices import issue_through_the_pages
from tests.helpers.pdf import require_libreoffice


def test_issuing_stores_the_docx_and_the_pdf_and_downloads_return_those_bytes(bureau_login, client, app):
    require_libreoffice(server=True)
    app.config["PDF_ON_ISSUE"] = True
    notice_id = issue_through_the_pages(client, app, bureau_login)
    with app.app_context():
        notice = db.session.get(Notice, notice_id)
        docx_sha, pdf_sha = notice.docx_sha256, notice.pdf_sha256
    assert docx_sha and pdf_sha
    docx = client.get(f"/notices/{notice_id}/document.docx")
    pdf = client.get(f"/notices/{notice_id}/document.pdf")
    assert hashlib.sha256(docx.data).hexdigest() == docx_sha
    assert hashlib.sha256(pdf.data).hexdigest() == pdf_sha and pdf.data.startswith(b"%PDF")
    assert "attachment" in pdf.headers["Content-Disposition"]
    inline = client.get(f"/notices/{notice_id}/document.pdf?inline=1")
    assert inline.data == pdf.data and "inline" in inline.headers["Content-Disposition"]


def test_without_libreoffice_the_pdf_link_explains_and_the_docx_still_works(bureau_login, client, app, monkeypatch):
    # The converter's own discovery is tested in test_pdf.py; here, a server where it says "unavailable".
    def unavailable(*args, **kwargs):
        raise pdf_module.PdfUnavailable(pdf_module.INSTALL_HINT)

    monkeypatch.setattr(pdf_module, "docx_to_pdf", unavailable)
    monkeypatch.setattr(pdf_module, "pdf_available", lambda: False)
    notice_id = issue_through_the_pages(client, app, bureau_login)
    response = client.get(f"/notices/{notice_id}/document.pdf")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "libreoffice-writer-nogui" in page and f"/notices/{notice_id}/document.docx" in page
    assert client.get(f"/notices/{notice_id}/document.docx").data[:2] == b"PK"


def test_a_clerk_downloads_only_what_was_sent_to_its_unit(bureau_login, client, app):
    notice_id = issue_through_the_pages(client, app, bureau_login)
    bureau_login("clerk_haibowan")  # 各区教育局 are addressees
    assert client.get(f"/notices/{notice_id}/document.docx").status_code == 200
    bureau_login("clerk_no3_middle")  # a district-run school: not reached by the three groups
    assert client.get(f"/notices/{notice_id}/document.docx").status_code == 404
    assert client.get(f"/notices/{notice_id}/document.pdf").status_code == 404


def test_a_drafts_docx_shows_where_the_number_will_go(bureau_login, client, app):
    import io

    import docx

    from tests.helpers.notices import notice_id_from, seed_form

    bureau_login("secretary")
    notice_id = notice_id_from(client.post("/notices/new", data=seed_form(app)))
    document = docx.Document(io.BytesIO(client.get(f"/notices/{notice_id}/document.docx").data))
    assert document.paragraphs[2].text == "乌教发〔2023〕\u3000\u3000号"
