"""Drafting, review, sign-off and issue through the pages, with every role check."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.notices.models import Notice, NoticeEvent
from tests.helpers.notices import (
    draft_through_the_editor,
    form_version,
    issue_through_the_pages,
    notice_id_from,
    seed_form,
    take_step,
)


def _status(app, notice_id):
    with app.app_context():
        return db.session.get(Notice, notice_id).status


def test_the_seed_notice_goes_from_draft_to_75_through_the_pages(bureau_login, client, app):
    """The acceptance path: drafted, reviewed, returned once, approved, signed, issued as 乌教发〔2023〕75号."""
    login = bureau_login
    login("admin")
    response = client.post("/admin/series", data={"series_id": _series(app), "year": 2023, "next_serial": 75})
    assert response.status_code == 303
    assert "乌教发〔2023〕75号" in client.get("/admin/series").get_data(as_text=True)

    login("secretary")
    notice_id = draft_through_the_editor(client, app)
    page = client.get(f"/notices/{notice_id}").get_data(as_text=True)
    assert "乌海市一体化推进全市义务教育扩优提质若干措施" in page
    assert "各区教育局、直属各学校（单位）、局机关各科室：" in page
    assert take_step(client, notice_id, "submitted").status_code == 303

    login("reviewer")
    assert take_step(client, notice_id, "returned", "请核对文号引用格式。").status_code == 303
    assert _status(app, notice_id) == "draft"

    login("secretary")
    version = form_version(client, notice_id)
    response = client.post(f"/notices/{notice_id}/edit", data=seed_form(app, version=version))
    assert response.status_code == 303
    take_step(client, notice_id, "submitted", "已修改。")

    login("reviewer")
    take_step(client, notice_id, "approved")
    login("signer")
    take_step(client, notice_id, "signed", "同意印发。")
    login("secretary")
    response = take_step(client, notice_id, "issued")
    assert response.status_code == 303

    with app.app_context():
        notice = db.session.get(Notice, notice_id)
        assert notice.number == "乌教发〔2023〕75号"
        assert notice.status == "issued"
        actions = [e.action for e in notice.events]
        assert actions == ["drafted", "submitted", "returned", "edited", "submitted", "approved", "signed", "issued"]
        returned = next(e for e in notice.events if e.action == "returned")
        assert returned.actor.username == "reviewer" and returned.comment == "请核对文号引用格式。"
    page = client.get(f"/notices/{notice_id}").get_data(as_text=True)
    for step in ["拟稿", "核稿", "签发", "印发"]:
        assert step in page
    assert "请核对文号引用格式。" in page


def _series(app):
    from tests.helpers.notices import series_id

    return series_id(app)


@pytest.mark.parametrize(
    "who,action,from_status",
    [
        ("clerk_no3_middle", "submitted", "draft"),
        ("reviewer", "submitted", "draft"),
        ("secretary", "approved", "in_review"),
        ("signer", "approved", "in_review"),
        ("secretary", "signed", "approved"),
        ("reviewer", "signed", "approved"),
        ("reviewer", "issued", "signed"),
        ("signer", "issued", "signed"),
    ],
)
def test_each_step_is_allowed_to_its_role_only(bureau_login, client, app, who, action, from_status):
    bureau_login("secretary")
    notice_id = draft_through_the_editor(client, app)
    with app.app_context():
        notice = db.session.get(Notice, notice_id)
        notice.status = from_status
        db.session.commit()
    bureau_login(who)
    response = take_step(client, notice_id, action)
    assert response.status_code in (303, 403)
    assert _status(app, notice_id) == from_status
    with app.app_context():
        assert (
            db.session.scalar(
                select(NoticeEvent).where(NoticeEvent.notice_id == notice_id, NoticeEvent.action == action)
            )
            is None
        )


@pytest.mark.parametrize(
    "action,from_status,to_status,who",
    [
        ("submitted", "draft", "in_review", "secretary"),
        ("approved", "in_review", "approved", "reviewer"),
        ("returned", "in_review", "draft", "reviewer"),
        ("signed", "approved", "signed", "signer"),
        ("declined", "approved", "draft", "signer"),
    ],
)
def test_each_step_moves_the_notice_and_records_who_and_the_comment(
    bureau_login, client, app, action, from_status, to_status, who
):
    bureau_login("secretary")
    notice_id = draft_through_the_editor(client, app)
    with app.app_context():
        notice = db.session.get(Notice, notice_id)
        notice.status = from_status
        db.session.commit()
    bureau_login(who)
    assert take_step(client, notice_id, action, "意见").status_code == 303
    assert _status(app, notice_id) == to_status
    with app.app_context():
        event = db.session.scalar(
            select(NoticeEvent).where(NoticeEvent.notice_id == notice_id, NoticeEvent.action == action)
        )
        assert event.actor.username == who and event.comment == "意见" and event.created_at is not None


def test_a_step_out_of_order_is_refused(bureau_login, client, app):
    bureau_login("secretary")
    notice_id = draft_through_the_editor(client, app)
    bureau_login("signer")
    response = take_step(client, notice_id, "signed")
    assert response.status_code == 303
    assert _status(app, notice_id) == "draft"
    page = client.get(f"/notices/{notice_id}").get_data(as_text=True)
    assert 'class="flash flash-error"' in page  # the refusal is said, not silent


def test_returning_needs_a_comment(bureau_login, client, app):
    bureau_login("secretary")
    notice_id = draft_through_the_editor(client, app)
    take_step(client, notice_id, "submitted")
    bureau_login("reviewer")
    take_step(client, notice_id, "returned", "   ")
    assert _status(app, notice_id) == "in_review"


def test_the_author_cannot_sign_their_own_draft(bureau_login, client, app):
    from app.auth.models import User

    with app.app_context():
        signer = db.session.scalar(select(User).where(User.username == "signer"))
        signer.set_roles(["signer", "secretary"])
        db.session.commit()
    bureau_login("signer")
    notice_id = draft_through_the_editor(client, app)
    take_step(client, notice_id, "submitted")
    bureau_login("reviewer")
    take_step(client, notice_id, "approved")
    bureau_login("signer")
    assert f"/notices/{notice_id}/steps/signed" not in client.get(f"/notices/{notice_id}").get_data(as_text=True)
    take_step(client, notice_id, "signed")
    assert _status(app, notice_id) == "approved"


def test_an_issued_notice_refuses_edits_and_deletion(bureau_login, client, app):
    notice_id = issue_through_the_pages(client, app, bureau_login)
    assert _status(app, notice_id) == "issued"
    version = "1"
    response = client.post(f"/notices/{notice_id}/edit", data=seed_form(app, title="改过的标题", version=version))
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/notices/{notice_id}")
    client.post(f"/notices/{notice_id}/delete")
    with app.app_context():
        notice = db.session.get(Notice, notice_id)
        assert notice is not None and notice.title.startswith("乌海市教育局关于印发")


def test_a_correction_is_a_new_draft_that_refers_to_the_issued_notice(bureau_login, client, app):
    notice_id = issue_through_the_pages(client, app, bureau_login)
    response = client.post(f"/notices/{notice_id}/correct")
    assert response.status_code == 303
    correction_id = notice_id_from(response)
    assert correction_id != notice_id
    with app.app_context():
        correction = db.session.get(Notice, correction_id)
        assert correction.corrects_id == notice_id and correction.status == "draft"
        assert correction.number is None
    assert "乌教发〔2023〕1号" in client.get(f"/notices/{correction_id}").get_data(as_text=True)


def test_issuing_distributes_to_every_unit_of_the_groups(bureau_login, client, app):
    from app.demo import seed_data
    from app.receipts.models import Distribution
    from app.units.models import UnitGroup

    notice_id = issue_through_the_pages(client, app, bureau_login)
    with app.app_context():
        expected = set()
        # The seed's three groups, the city's (the district bureaus keep groups of their own schools too).
        named = seed_data.NOTICE["addressee_groups"]
        for group in db.session.scalars(select(UnitGroup).where(UnitGroup.name.in_(named))):
            expected |= {u.id for u in group.resolve_units()}
        sent = set(db.session.scalars(select(Distribution.unit_id).where(Distribution.notice_id == notice_id)))
    assert sent == expected and len(sent) == 20


def test_hard_format_errors_block_issuing(bureau_login, client, app):
    notice_id = issue_through_the_pages(client, app, bureau_login, title="关于某事的通知。")
    with app.app_context():
        notice = db.session.get(Notice, notice_id)
        assert notice.status == "signed" and notice.serial is None
    page = client.get(f"/notices/{notice_id}").get_data(as_text=True)
    assert 'class="flash flash-error"' in page and 'class="finding error"' in page


def test_a_clerk_reaches_no_draft_and_no_notice_page_of_another_unit(bureau_login, client, app):
    bureau_login("secretary")
    notice_id = draft_through_the_editor(client, app)
    bureau_login("clerk_no3_middle")
    assert client.get(f"/notices/{notice_id}").status_code == 404
    assert client.get("/notices").status_code == 403
    assert client.get("/notices/new").status_code == 403
