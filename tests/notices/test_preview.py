"""The preview: the document as it will print, on the notice page at every stage and in the editor."""

import io
import re
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from app.documents import pdf, pdfpages
from app.extensions import db
from app.notices.models import Notice
from tests.helpers.notices import draft_through_the_editor, form_version, seed_form, take_step
from tests.helpers.pdf import require_libreoffice

HTMX = {"HX-Request": "true"}
SHORT = {
    "body": "为做好秋季学期开学工作，现将有关事项通知如下。\n一、加强校园安全检查\n各校于开学前完成安全隐患排查。",
    "documents-0-title": "",
    "documents-0-body": "",
}


@pytest.fixture
def conversions(monkeypatch):
    """Every docx_to_pdf call, still converting for real."""
    require_libreoffice(server=True)
    made = []
    convert = pdf.docx_to_pdf

    def counting(docx, **kwargs):
        made.append(docx)
        return convert(docx, **kwargs)

    monkeypatch.setattr(pdf, "docx_to_pdf", counting)
    return made


def _pages(client, notice_id) -> list[str]:
    response = client.get(f"/notices/{notice_id}/preview", headers=HTMX)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return re.findall(r'<img class="preview-page" src="([^"]+)"', response.get_data(as_text=True))


def _png(client, url) -> Image.Image:
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.headers["Cache-Control"] == "no-store"  # a document's page: kept off a shared computer's disk
    return Image.open(io.BytesIO(response.data))


def _page_count(app, url) -> int:
    """Pages of the PDF the preview was made from (kept by the .docx's SHA-256, which the address names)."""
    key = url.split("/")[-2]
    return pdfpages.page_count((Path(app.config["PREVIEW_DIR"]) / f"{key}.pdf").read_bytes())


def _has_red_header(image: Image.Image) -> bool:
    """The red mark at the top of page 1: strongly red pixels in the upper third."""
    top = image.convert("RGB").crop((0, 0, image.width, image.height // 3))
    red = top.point(lambda value: 255 if value > 180 else 0).split()[0]  # red channel high …
    low = top.point(lambda value: 255 if value < 90 else 0).split()
    return sum(ImageChops.multiply(ImageChops.multiply(red, low[1]), low[2]).histogram()[255:]) > 500  # … the rest low


def test_every_stage_shows_the_pages_as_printed_made_once_per_content(bureau_login, client, app, conversions):
    bureau_login("secretary")
    notice_id = draft_through_the_editor(client, app, **SHORT)
    page = client.get(f"/notices/{notice_id}").get_data(as_text=True)
    assert f'hx-get="/notices/{notice_id}/preview"' in page

    urls = _pages(client, notice_id)
    assert len(conversions) == 1
    assert len(urls) == _page_count(app, urls[0]) == 2  # heading, text and signature keep together on page 2
    first = _png(client, urls[0])
    assert first.width == 800 and 1125 <= first.height <= 1135  # A4's proportions
    assert _has_red_header(first)

    # Opened again, by the secretary or the reviewer: the same pages, not converted again
    assert _pages(client, notice_id) == urls
    take_step(client, notice_id, "submitted")
    bureau_login("reviewer")
    assert _pages(client, notice_id) == urls and len(conversions) == 1
    take_step(client, notice_id, "approved")
    bureau_login("signer")
    assert _pages(client, notice_id) == urls and len(conversions) == 1
    take_step(client, notice_id, "signed")
    assert len(_pages(client, notice_id)) == 2

    # Issued: the stored PDF itself
    bureau_login("secretary")
    take_step(client, notice_id, "issued")
    issued = _pages(client, notice_id)
    with app.app_context():
        notice = db.session.get(Notice, notice_id)
        assert notice.docx_sha256 in issued[0]
    assert _has_red_header(_png(client, issued[0]))


def test_a_changed_word_makes_a_new_preview_and_old_addresses_stop_working(bureau_login, client, app, conversions):
    bureau_login("secretary")
    notice_id = draft_through_the_editor(client, app, **SHORT)
    before = _pages(client, notice_id)
    version = form_version(client, notice_id)
    longer = SHORT["body"] + "\n" + "各校要把安全责任落实到每一个岗位、每一名教职工。" * 40
    edited = seed_form(app, **(SHORT | {"body": longer}), version=version)
    response = client.post(f"/notices/{notice_id}/edit", data=edited)
    assert response.status_code == 303
    after = _pages(client, notice_id)
    assert len(after) == _page_count(app, after[0]) > len(before)
    assert after[0] != before[0] and len(conversions) == 2
    assert client.get(before[0]).status_code == 404  # a page of what the draft no longer says


def test_only_those_who_may_open_the_notice_see_its_pages(bureau_login, client, app, conversions):
    bureau_login("secretary")
    notice_id = draft_through_the_editor(client, app, **SHORT)
    url = _pages(client, notice_id)[0]
    bureau_login("clerk_no3_middle")
    assert client.get(f"/notices/{notice_id}/preview", headers=HTMX).status_code == 404
    assert client.get(url).status_code == 404
    key = url.split("/")[-2]
    assert client.get(f"/notices/preview/{key}/1.png").status_code == 403


def test_the_editor_previews_what_is_typed_before_it_is_saved(bureau_login, client, app, conversions):
    bureau_login("secretary")
    page = client.get("/notices/new").get_data(as_text=True)
    assert 'hx-post="/notices/preview"' in page
    typed = "各校于九月一日前报送开学工作自查报告，逾期未报的予以通报。"
    data = seed_form(app, **(SHORT | {"body": typed}), editor_url="/notices/new")
    response = client.post("/notices/preview", data=data, headers=HTMX)
    assert response.status_code == 200
    urls = re.findall(r'<img class="preview-page" src="([^"]+)"', response.get_data(as_text=True))
    assert len(urls) == _page_count(app, urls[0]) and _has_red_header(_png(client, urls[0]))
    assert typed[:20] in pdfpages.pdf_text(pdf.docx_to_pdf(conversions[-1])).replace("\n", "").replace(" ", "")
    with app.app_context():
        assert db.session.query(Notice).count() == 0  # nothing was saved
    assert client.get(urls[0].replace("/1.png", f"/{len(urls) + 1}.png")).status_code == 404


def test_a_preview_that_would_lose_text_says_so(bureau_login, client, app, monkeypatch):
    bureau_login("secretary")
    notice_id = draft_through_the_editor(client, app, **SHORT)

    def losing(docx, **kwargs):
        raise pdf.PdfTextMissing(pdfpages.ShortParagraph(4, "为做好秋季学期开学工作", 11))

    monkeypatch.setattr(pdf, "docx_to_pdf", losing)
    response = client.get(f"/notices/{notice_id}/preview", headers=HTMX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "paragraph 4" in body and "preview-page" not in body
