"""转发: 海南区教育局 forwards the city's 75号 to its schools under its own header and number, the original's issued PDF
attached and carried unchanged; its schools then read the original too."""

import hashlib
import io
import re
from datetime import date

import pytest
from docx import Document
from sqlalchemy import select

from app.documents.carried import files_in_docx, files_in_pdf
from app.extensions import db
from app.notices.forwarding import forward_title
from app.notices.models import Notice
from app.receipts.models import Distribution
from app.units.models import Unit
from tests.helpers.notices import seed_notice, take_step
from tests.helpers.organs import district_organ
from tests.helpers.pdf import require_libreoffice

SEED_TITLE = "乌海市教育局关于印发《乌海市一体化推进全市义务教育扩优提质若干措施》的通知"
FORWARD_TITLE = (
    "海南区教育局关于转发《乌海市教育局关于印发〈乌海市一体化推进全市义务教育扩优提质若干措施〉的通知》的通知"
)


def test_the_title_nests_the_originals_book_title_marks(demo):
    with demo.app_context():
        original = seed_notice()
        assert "".join(original.title.split()) == SEED_TITLE
        assert forward_title("海南区教育局", original) == FORWARD_TITLE


def _forward(client, login, original_id) -> int:
    login("secretary_hainan")
    page = client.get(f"/notices/{original_id}").get_data(as_text=True)
    assert f'action="/notices/{original_id}/forward"' in page
    response = client.post(f"/notices/{original_id}/forward")
    assert response.status_code == 303, response.get_data(as_text=True)[:1000]
    return int(re.search(r"/notices/(\d+)/edit", response.headers["Location"]).group(1))


@pytest.mark.slow
def test_a_district_forwards_the_citys_notice_with_the_original_pdf_unchanged(demo, client, login, runner, tmp_path):
    require_libreoffice()
    with demo.app_context():
        hainan = district_organ("hainan")
        original_id = seed_notice().id
    login("clerk_no5_middle")  # a 海南区 school: 75号 reaches it only through its bureau
    assert client.get(f"/notices/{original_id}").status_code == 404

    forward_id = _forward(client, login, original_id)
    with demo.app_context():
        original, draft = seed_notice(), db.session.get(Notice, forward_id)
        assert draft.organ_id == hainan.unit_id and draft.series_id == hainan.series_id
        assert draft.title == FORWARD_TITLE and draft.forwards_id == original.id
        assert "（乌教发〔2023〕75号）转发给你们" in draft.body
        assert draft.addressees.group_ids == (hainan.group_id,)
        [attachment] = draft.attachments
        assert attachment.file_sha256 == original.pdf_sha256 and attachment.print_as_pages
        original_pdf_sha256, attachment_id = original.pdf_sha256, attachment.id
        draft.signed_on = date(2023, 5, 15)
        db.session.commit()

    # A second start is refused while the first is in hand: one forwarding notice, no duplicate draft.
    response = client.post(f"/notices/{original_id}/forward", follow_redirects=True)
    assert "转发" in response.get_data(as_text=True)
    with demo.app_context():
        forwards = select(db.func.count(Notice.id)).where(
            Notice.forwards_id == original_id, Notice.organ_id == hainan.unit_id
        )
        assert db.session.scalar(forwards) == 1

    for username, step in (
        ("secretary_hainan", "submitted"),
        ("reviewer_hainan", "approved"),
        ("signer_hainan", "signed"),
        ("secretary_hainan", "issued"),
    ):
        login(username)
        assert take_step(client, forward_id, step).status_code == 303
    # Once issued, it is not forwarded a second time: the page links the forwarding notice instead.
    page = client.get(f"/notices/{original_id}").get_data(as_text=True)
    assert f'action="/notices/{original_id}/forward"' not in page and f'href="/notices/{forward_id}"' in page
    again = client.post(f"/notices/{original_id}/forward")
    assert again.status_code == 303 and again.headers["Location"].endswith(f"/notices/{original_id}")
    with demo.app_context():
        issued = db.session.get(Notice, forward_id)
        number = issued.number
        assert db.session.scalar(forwards) == 1
        assert re.fullmatch(r"海南教发〔2023〕\d+号", number)
        sent_to = set(
            db.session.scalars(
                select(Unit.code)
                .join(Distribution, Distribution.unit_id == Unit.id)
                .where(Distribution.notice_id == forward_id)
            )
        )
    assert {"no5_middle", "no8_middle", "no9_middle"} <= sent_to and "no3_middle" not in sent_to

    docx = client.get(f"/notices/{forward_id}/document.docx").data
    texts = [p.text for p in Document(io.BytesIO(docx)).paragraphs]
    assert "海南区教育局文件" in texts and number in texts
    [carried] = files_in_docx(docx).values()
    assert hashlib.sha256(carried).hexdigest() == original_pdf_sha256
    pdf = client.get(f"/notices/{forward_id}/document.pdf").data
    assert pdf.startswith(b"%PDF")
    assert {hashlib.sha256(b).hexdigest() for b in files_in_pdf(pdf).values()} == {original_pdf_sha256}
    # The operators' export finds the district's number as it finds the city's.
    exported = runner.invoke(args=["notices", "export", number, "--format", "pdf", "-o", tmp_path / "f.pdf"])
    assert exported.exit_code == 0, exported.output
    assert (tmp_path / "f.pdf").read_bytes() == pdf

    # The school: the forwarding notice in its inbox, and the original inside it, to read, not to acknowledge.
    login("clerk_no5_middle")
    assert FORWARD_TITLE in client.get("/inbox").get_data(as_text=True)
    page = client.get(f"/notices/{forward_id}").get_data(as_text=True)
    assert f'href="/notices/{original_id}"' in page
    original_page = client.get(f"/notices/{original_id}")
    assert original_page.status_code == 200
    assert "/receipt" not in original_page.get_data(as_text=True)
    attachment_file = client.get(f"/notices/{forward_id}/attachments/{attachment_id}")
    assert hashlib.sha256(attachment_file.data).hexdigest() == original_pdf_sha256

    # The city sees the forward from its own notice's side, and never the district's draft stage.
    login("secretary")
    assert client.get(f"/notices/{forward_id}").status_code == 404


def test_only_a_secretary_of_another_organ_forwards(demo, client, login):
    with demo.app_context():
        hainan = district_organ("hainan")
        original_id, city_id = seed_notice().id, seed_notice().organ_id
    login("secretary")  # the city's own notice: nothing to forward
    assert "/forward" not in client.get(f"/notices/{original_id}").get_data(as_text=True)
    assert client.post(f"/notices/{original_id}/forward", follow_redirects=True).status_code == 200
    login("reviewer_hainan")
    assert client.post(f"/notices/{original_id}/forward").status_code == 403
    with demo.app_context():
        forwards = select(db.func.count(Notice.id)).where(
            Notice.forwards_id == original_id, Notice.organ_id.in_([hainan.unit_id, city_id])
        )
        assert db.session.scalar(forwards) == 0


def test_a_forwarding_notice_is_forwarded_one_level_further_the_same_way(demo, client, login):
    """A unit under 海勃湾区 that issues (三中 made an organ of its own) forwards 海勃湾区's 海教发〔2023〕46号, which
    forwards 75号: the same title rule one level deeper, 46号's own PDF as the 附件."""
    from app.auth.models import User
    from app.notices.models import DocumentSeries
    from app.units.models import Organ, Unit
    from app.units.organs import forget_organs

    with demo.app_context():
        haibowan_forward = db.session.scalar(
            select(Notice).join(DocumentSeries).where(DocumentSeries.organ_code == "海教发", Notice.forwards_id == 1)
        )
        assert haibowan_forward is not None and haibowan_forward.is_issued
        # Its PDF is the worker's to make; any stored PDF stands in for it here (the test is of the forwarding).
        haibowan_forward.pdf_sha256 = haibowan_forward.pdf_sha256 or seed_notice().pdf_sha256
        school = db.session.scalar(select(Unit).where(Unit.code == "no3_middle"))
        db.session.add(Organ(unit_id=school.id, superior_id=haibowan_forward.organ_id, name_mn=""))
        db.session.add(
            DocumentSeries(organ_code="三中发", name="三中发文", unit_id=school.id, header_mark="乌海市第三中学文件")
        )
        secretary = User(username="secretary_no3", display_name="三中办公室", unit_id=school.id, password_hash="x")
        secretary.set_roles(["secretary"])
        db.session.add(secretary)
        db.session.commit()
        forget_organs()
        forward_id, forward_title_, pdf_sha256 = (
            haibowan_forward.id,
            haibowan_forward.title,
            haibowan_forward.pdf_sha256,
        )
    login("secretary_no3")
    response = client.post(f"/notices/{forward_id}/forward")
    assert response.status_code == 303, response.get_data(as_text=True)[:800]
    draft_id = int(re.search(r"/notices/(\d+)/edit", response.headers["Location"]).group(1))
    with demo.app_context():
        draft = db.session.get(Notice, draft_id)
        assert draft.forwards_id == forward_id and draft.series.organ_code == "三中发"
        assert (
            draft.title
            == "乌海市第三中学关于转发《" + forward_title_.translate(str.maketrans("《》", "〈〉")) + "》的通知"
        )
        assert draft.title.startswith("乌海市第三中学关于转发《海勃湾区教育局关于转发〈乌海市教育局关于印发〈")
        assert [a.file_sha256 for a in draft.attachments] == [pdf_sha256]
    login("secretary_haibowan")  # the level above sees its schools' drafts no more than the city sees its own
    assert client.get(f"/notices/{draft_id}").status_code == 404
