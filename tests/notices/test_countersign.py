"""会签 between 核稿 and 签发, each series' chain of steps, returned drafts shown as 退回, and staff on their own
drafts."""

from datetime import date

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from app.auth.models import User
from app.core.time import utcnow
from app.extensions import db
from app.notices.models import Countersign, DocumentSeries, Notice
from app.notices.services import NoticeError, answer_countersign, open_countersign
from app.units.models import Unit
from tests.helpers.notices import draft_through_the_editor, get_notice, take_step

# The workflow's rules are the same on both databases; the race tests of notices run on both elsewhere.
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def _ids(app, *usernames):
    with app.app_context():
        users = {u.username: u for u in db.session.scalars(select(User).where(User.username.in_(usernames)))}
        return [(users[name].unit_id, users[name].id) for name in usernames]


def _approved_draft(client, app, login) -> int:
    login("secretary")
    notice_id = draft_through_the_editor(client, app)
    take_step(client, notice_id, "submitted")
    login("reviewer")
    assert take_step(client, notice_id, "approved").status_code == 303
    return notice_id


def _ask(client, notice_id, picks):
    return client.post(f"/notices/{notice_id}/countersign", data={f"section-{unit}": user for unit, user in picks})


def _set_chain(client, app, login, *, review_count=1, countersign="optional"):
    login("admin")
    with app.app_context():
        series_id = db.session.scalar(select(DocumentSeries.id).where(DocumentSeries.organ_code == "乌教发"))
    response = client.post(
        f"/admin/series/{series_id}/chain",
        data={f"series-{series_id}-review_count": review_count, f"series-{series_id}-countersign": countersign},
    )
    assert response.status_code == 303
    with app.app_context():
        series = db.session.get(DocumentSeries, series_id)
        assert (series.review_count, series.countersign) == (review_count, countersign)


def test_two_sections_countersign_in_parallel_and_sign_off_waits_for_both(client, app, login):
    notice_id = _approved_draft(client, app, login)
    picks = _ids(app, "clerk_personnel", "clerk_finance")
    login("secretary")
    page = client.get(f"/notices/{notice_id}").get_data(as_text=True)
    assert "请各科室会签" in page or 'name="section-' in page
    response = _ask(client, notice_id, picks)
    assert response.status_code == 303

    # The signer sees why sign-off is not offered yet, and the step itself is refused.
    login("signer")
    page = client.get(f"/notices/{notice_id}").get_data(as_text=True)
    assert "组织人事科" in page and "计划财务科" in page
    assert f"/notices/{notice_id}/steps/signed" not in page
    take_step(client, notice_id, "signed")
    assert get_notice(app, notice_id).status == "approved"

    # A section's clerk (no bureau role) opens the draft it was asked about and agrees.
    login("clerk_personnel")
    page = client.get(f"/notices/{notice_id}")
    assert page.status_code == 200
    assert f"/notices/{notice_id}/countersign/answer" in page.get_data(as_text=True)
    assert client.post(f"/notices/{notice_id}/countersign/answer", data={"answer": "agree"}).status_code == 303

    # Disagreeing needs a comment; with one, it is recorded for the signer to read.
    login("clerk_finance")
    client.post(f"/notices/{notice_id}/countersign/answer", data={"answer": "disagree", "comment": ""})
    with app.app_context():
        assert db.session.scalar(select(Countersign).where(Countersign.is_agreed.is_(False))) is None
    client.post(f"/notices/{notice_id}/countersign/answer", data={"answer": "disagree", "comment": "经费来源需写明。"})

    login("signer")
    page = client.get(f"/notices/{notice_id}").get_data(as_text=True)
    assert "经费来源需写明。" in page
    assert f"/notices/{notice_id}/steps/signed" in page
    assert take_step(client, notice_id, "signed").status_code == 303
    notice = get_notice(app, notice_id)
    assert notice.status == "signed"
    with app.app_context():
        actions = [e.action for e in db.session.get(Notice, notice_id).events]
    assert actions.count("countersign_requested") == 1
    assert "countersign_agreed" in actions and "countersign_disagreed" in actions


def test_only_the_person_asked_answers_and_only_once(client, app, login):
    notice_id = _approved_draft(client, app, login)
    [(unit_id, user_id)] = _ids(app, "clerk_personnel")
    login("secretary")
    _ask(client, notice_id, [(unit_id, user_id)])
    login("clerk_finance")  # not asked: the draft is not theirs to read
    assert client.get(f"/notices/{notice_id}").status_code == 404
    assert client.post(f"/notices/{notice_id}/countersign/answer", data={"answer": "agree"}).status_code == 404
    login("clerk_personnel")
    client.post(f"/notices/{notice_id}/countersign/answer", data={"answer": "agree"})
    response = client.post(
        f"/notices/{notice_id}/countersign/answer",
        data={"answer": "disagree", "comment": "改主意了"},
        follow_redirects=True,
    )
    assert "flash-error" in response.get_data(as_text=True)  # told, not a second answer
    with app.app_context():
        [row] = db.session.scalars(select(Countersign)).all()
        assert row.is_agreed is True


def test_of_two_answers_given_at_the_same_moment_the_second_is_refused(client, app, login):
    notice_id = _approved_draft(client, app, login)
    [(unit_id, user_id)] = _ids(app, "clerk_personnel")
    login("secretary")
    _ask(client, notice_id, [(unit_id, user_id)])
    with app.app_context():
        notice = db.session.get(Notice, notice_id)
        person = db.session.get(User, user_id)
        request = open_countersign(person, notice)
        assert request is not None  # both tabs saw it open
        # The other tab's answer lands first; this request still holds the row as it read it.
        db.session.execute(
            update(Countersign).where(Countersign.id == request.id).values(is_agreed=True, answered_at=utcnow()),
            execution_options={"synchronize_session": False},
        )
        db.session.commit()
        for name in ("is_agreed", "answered_at"):
            set_committed_value(request, name, None)
        with pytest.raises(NoticeError):
            answer_countersign(person, notice, agreed=False, comment="不同意")
    with app.app_context():
        [row] = db.session.scalars(select(Countersign)).all()
        assert row.is_agreed is True and row.comment == ""
        actions = [e.action for e in db.session.get(Notice, notice_id).events]
        assert "countersign_disagreed" not in actions


def test_the_secretary_picks_people_of_the_section_only(client, app, login):
    notice_id = _approved_draft(client, app, login)
    [(personnel, _clerk)] = _ids(app, "clerk_personnel")
    [(_finance, finance_clerk)] = _ids(app, "clerk_finance")
    login("secretary")
    page = _ask(client, notice_id, [(personnel, finance_clerk)])
    assert page.status_code == 303
    with app.app_context():
        assert db.session.scalars(select(Countersign)).all() == []
        name = db.session.get(Unit, personnel).display_name
    shown = client.get(f"/notices/{notice_id}").get_data(as_text=True)
    assert f"请选择{name}的人员" in shown or name in shown


def test_a_draft_sent_back_shows_as_returned_and_starts_a_new_round(client, app, login):
    notice_id = _approved_draft(client, app, login)
    picks = _ids(app, "clerk_personnel")
    login("secretary")
    _ask(client, notice_id, picks)
    login("signer")
    take_step(client, notice_id, "declined", "标题再斟酌。")
    notice = get_notice(app, notice_id)
    assert (notice.status, notice.is_returned) == ("draft", True)
    with app.app_context():
        assert db.session.scalars(select(Countersign)).all() == []  # the next round is countersigned afresh
    login("secretary")
    listing = client.get("/notices").get_data(as_text=True)
    assert "status-returned" in listing and "退回" in listing
    shown = client.get(f"/notices/{notice_id}").get_data(as_text=True)
    assert f"<h1>{notice.title}</h1>" in shown and "status-returned" in shown
    take_step(client, notice_id, "submitted")
    assert get_notice(app, notice_id).is_returned is False


def test_a_series_with_two_reviewers_waits_for_a_second_one(client, app, login):
    _set_chain(client, app, login, review_count=2)
    with app.app_context():
        reviewer = db.session.scalar(select(User).where(User.username == "reviewer"))
        second = User(username="reviewer2", display_name="第二核稿人", unit_id=reviewer.unit_id)
        second.set_password("x-second-reviewer")
        second.set_roles(["reviewer"])
        db.session.add(second)
        db.session.commit()
    notice_id = _approved_draft(client, app, login)  # the first reviewer approves
    assert get_notice(app, notice_id).status == "in_review"
    login("reviewer")
    page = client.get(f"/notices/{notice_id}").get_data(as_text=True)
    assert f"/notices/{notice_id}/steps/approved" not in page
    take_step(client, notice_id, "approved")
    assert get_notice(app, notice_id).status == "in_review"
    login("reviewer2")
    take_step(client, notice_id, "approved")
    assert get_notice(app, notice_id).status == "approved"


def test_a_series_requiring_countersign_is_not_signed_without_it(client, app, login):
    _set_chain(client, app, login, countersign="required")
    notice_id = _approved_draft(client, app, login)
    login("signer")
    page = client.get(f"/notices/{notice_id}").get_data(as_text=True)
    assert "会签" in page and f"/notices/{notice_id}/steps/signed" not in page
    take_step(client, notice_id, "signed")
    assert get_notice(app, notice_id).status == "approved"


def test_a_series_without_countersign_offers_none(client, app, login):
    _set_chain(client, app, login, countersign="none")
    notice_id = _approved_draft(client, app, login)
    login("secretary")
    assert 'name="section-' not in client.get(f"/notices/{notice_id}").get_data(as_text=True)
    assert _ask(client, notice_id, _ids(app, "clerk_personnel")).status_code == 303
    with app.app_context():
        assert db.session.scalars(select(Countersign)).all() == []


def test_staff_edit_and_submit_the_adjustment_notice_they_drafted(client, app, login, monkeypatch):
    """After "draft the adjustment notice" staff land on the editor of their draft, not on a 403."""
    from app.rosters.models import LeadingGroup, Membership

    monkeypatch.setattr("app.rosters.routes.today_in_china", lambda: date(2024, 3, 1))
    login("staff")
    with app.app_context():
        group_id = db.session.scalar(select(LeadingGroup.id))
        member_id = db.session.scalar(select(Membership.id).where(Membership.person_name == "肖西田"))
    client.post(
        f"/rosters/{group_id}/members/{member_id}/replace",
        data={"person_name": "高建军", "title": "市教育局党组成员、副局长，总督学", "on": "2024-03-01"},
    )
    response = client.post(f"/rosters/{group_id}/adjustment", data={"since": "2024-01-01"})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    editor = client.get(response.headers["Location"])
    assert editor.status_code == 200
    notice_id = int(response.headers["Location"].split("/")[2])
    assert take_step(client, notice_id, "submitted").status_code == 303
    assert get_notice(app, notice_id).status == "in_review"
    # Someone else's draft stays the secretaries'.
    login("secretary")
    other = draft_through_the_editor(client, app)
    login("staff")
    assert client.get(f"/notices/{other}/edit").status_code == 403
