"""What a unit that receives a notice sees of it: the issued document, its number and date, its own receipt; the
drafting (history, reviewers' comments, corrections being drafted) stays with the bureau."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.notices.models import Notice
from tests.helpers.notices import notice_id_from, seed_notice, sign_through_the_pages, take_step
from tests.helpers.receipts import just_arrived

# What a recipient's page shows does not depend on the database: SQLite only.
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

RETURN_COMMENT = "请核对文号引用格式，并补充领导小组成员职务。"  # the reviewer's comment in the demo's history
REVIEWER = "王主任"
CORRECTION_TITLE = "关于更正乌教发〔2023〕75号的通知（草拟中）"


def _seed_id(app) -> int:
    with app.app_context():
        return seed_notice().id


def test_a_recipient_sees_the_issued_notice_and_its_receipt_but_not_the_drafting_history(login, client, app):
    notice_id = just_arrived(app)
    login("clerk_no1_middle")
    page = client.get(f"/notices/{notice_id}").get_data(as_text=True)
    assert "乌教发〔2023〕75号" in page and "乌海市一体化推进全市义务教育扩优提质若干措施" in page
    assert "/receipt" in page  # their own 签收
    assert "2023年" in page  # the date the document bears
    assert RETURN_COMMENT not in page and "同意印发。" not in page
    assert REVIEWER not in page
    assert "办理过程" not in page and 'class="history"' not in page


def test_the_bureau_still_sees_the_whole_history(login, client, app):
    notice_id = _seed_id(app)
    for who in ("secretary", "reviewer", "signer", "staff"):
        login(who)
        page = client.get(f"/notices/{notice_id}").get_data(as_text=True)
        assert "办理过程" in page and RETURN_COMMENT in page and REVIEWER in page, who


def _start_correction(client, app, notice_id) -> int:
    response = client.post(f"/notices/{notice_id}/correct")
    assert response.status_code == 303
    correction_id = notice_id_from(response)
    with app.app_context():
        db.session.get(Notice, correction_id).title = CORRECTION_TITLE
        db.session.commit()
    return correction_id


def test_a_correction_being_drafted_is_not_shown_to_the_units(login, client, app):
    notice_id = _seed_id(app)
    login("secretary")
    correction_id = _start_correction(client, app, notice_id)
    assert CORRECTION_TITLE in client.get(f"/notices/{notice_id}").get_data(as_text=True)

    login("clerk_no1_middle")
    page = client.get(f"/notices/{notice_id}").get_data(as_text=True)
    assert CORRECTION_TITLE not in page and f"/notices/{correction_id}" not in page
    assert client.get(f"/notices/{correction_id}").status_code == 404


def test_an_issued_correction_sent_to_the_unit_is_shown_to_it(login, client, app):
    notice_id = _seed_id(app)
    login("secretary")
    correction_id = _start_correction(client, app, notice_id)
    sign_through_the_pages(client, correction_id, login)
    login("secretary")
    take_step(client, correction_id, "issued")
    with app.app_context():
        correction = db.session.get(Notice, correction_id)
        assert correction.is_issued, [e.action for e in correction.events]
        number = correction.number

    login("clerk_no1_middle")
    page = client.get(f"/notices/{notice_id}").get_data(as_text=True)
    assert number in page and f"/notices/{correction_id}" in page


def test_a_recipient_page_offers_no_bureau_action(login, client, app):
    notice_id = _seed_id(app)
    login("clerk_no1_middle")
    page = client.get(f"/notices/{notice_id}").get_data(as_text=True)
    for bureau_only in ("/steps/", "/correct", "/translation", "/receipts", "/edit", "/delete"):
        assert f"/notices/{notice_id}{bureau_only}" not in page, bureau_only
    with app.app_context():
        drafts = db.session.scalars(select(Notice.id).where(Notice.status != "issued")).all()
    for draft_id in drafts:
        assert client.get(f"/notices/{draft_id}").status_code == 404
