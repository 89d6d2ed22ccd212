"""Nobody approves their own work: whoever wrote or edited a draft neither reviews (核稿) nor signs (签发) it, and
whoever approved it at review does not also sign it; a setting lets a small bureau relax that, strict by default."""

import re

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.notices.models import Notice
from tests.helpers.notices import draft_through_the_editor, form_version, seed_form, take_step

# The rules of who may take a step do not depend on the database: SQLite only.
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def _give_roles(app, username, *roles):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        user.set_roles([*(r.value for r in user.roles), *roles])
        db.session.commit()


def _status(app, notice_id):
    with app.app_context():
        return db.session.get(Notice, notice_id).status


def _actions(app, notice_id):
    with app.app_context():
        return [(e.actor.username, e.action) for e in db.session.get(Notice, notice_id).events]


def _page(client, notice_id) -> str:
    return client.get(f"/notices/{notice_id}").get_data(as_text=True)


def _offers(page: str, notice_id: int, action: str) -> bool:
    return f"/notices/{notice_id}/steps/{action}" in page


def _refused(client, app, notice_id, action, comment="意见") -> str:
    """Take the step, which must be refused on the page (303 back, a message, nothing changed); the page after."""
    before = _status(app, notice_id)
    response = take_step(client, notice_id, action, comment)
    assert response.status_code == 303
    assert _status(app, notice_id) == before
    page = _page(client, notice_id)
    assert 'class="flash flash-error"' in page
    return page


def _set_separation(client, value):
    response = client.post(
        "/admin/settings",
        data={"separation_of_duties": value},
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]


def test_an_author_who_is_also_a_reviewer_cannot_review_their_own_draft(bureau_login, client, app):
    _give_roles(app, "secretary", "reviewer")
    bureau_login("secretary")
    notice_id = draft_through_the_editor(client, app)
    take_step(client, notice_id, "submitted")
    page = _page(client, notice_id)
    assert not _offers(page, notice_id, "approved") and not _offers(page, notice_id, "returned")
    assert "withheld-step" in page  # the page says why the step is not offered
    _refused(client, app, notice_id, "approved")
    _refused(client, app, notice_id, "returned")

    bureau_login("reviewer")
    assert _offers(_page(client, notice_id), notice_id, "approved")
    take_step(client, notice_id, "approved")
    assert _status(app, notice_id) == "approved"


def test_a_signer_who_rewrote_someone_elses_draft_cannot_sign_it(bureau_login, client, app):
    _give_roles(app, "signer", "secretary")
    bureau_login("secretary")
    notice_id = draft_through_the_editor(client, app)

    bureau_login("signer")  # as a secretary, they rewrite the draft
    version = form_version(client, notice_id)
    response = client.post(
        f"/notices/{notice_id}/edit", data=seed_form(app, title="关于改写后的某事的通知", version=version)
    )
    assert response.status_code == 303
    assert ("signer", "edited") in _actions(app, notice_id)
    take_step(client, notice_id, "submitted")
    bureau_login("reviewer")
    take_step(client, notice_id, "approved")

    bureau_login("signer")
    page = _page(client, notice_id)
    assert not _offers(page, notice_id, "signed") and not _offers(page, notice_id, "declined")
    _refused(client, app, notice_id, "signed")
    assert ("signer", "signed") not in _actions(app, notice_id)


def test_whoever_reviewed_a_notice_cannot_also_sign_it(bureau_login, client, app):
    _give_roles(app, "reviewer", "signer")
    bureau_login("secretary")
    notice_id = draft_through_the_editor(client, app)
    take_step(client, notice_id, "submitted")
    bureau_login("reviewer")
    take_step(client, notice_id, "approved")
    assert _status(app, notice_id) == "approved"
    assert not _offers(_page(client, notice_id), notice_id, "signed")
    _refused(client, app, notice_id, "signed")

    bureau_login("signer")
    take_step(client, notice_id, "signed")
    assert _status(app, notice_id) == "signed"


def test_the_author_still_cannot_sign_their_own_draft(bureau_login, client, app):
    _give_roles(app, "signer", "secretary")
    bureau_login("signer")
    notice_id = draft_through_the_editor(client, app)
    take_step(client, notice_id, "submitted")
    bureau_login("reviewer")
    take_step(client, notice_id, "approved")
    bureau_login("signer")
    assert not _offers(_page(client, notice_id), notice_id, "signed")
    _refused(client, app, notice_id, "signed")


def test_the_settings_page_offers_the_rule_strict_by_default(bureau_login, client):
    bureau_login("admin")
    page = client.get("/admin/settings").get_data(as_text=True)
    checked = re.findall(r'<input [^>]*name="separation_of_duties"[^>]*>', page)
    assert len(checked) == 3
    assert [tag for tag in checked if "checked" in tag] == [t for t in checked if 'value="strict"' in t]


def test_a_small_bureau_may_let_one_person_review_and_sign(bureau_login, client, app):
    bureau_login("admin")
    _set_separation(client, "review_and_sign")
    _give_roles(app, "reviewer", "signer")
    _give_roles(app, "secretary", "reviewer")
    bureau_login("secretary")
    notice_id = draft_through_the_editor(client, app)
    take_step(client, notice_id, "submitted")
    # The author is still kept from their own draft's review.
    assert not _offers(_page(client, notice_id), notice_id, "approved")
    _refused(client, app, notice_id, "approved")

    bureau_login("reviewer")
    take_step(client, notice_id, "approved")
    assert _offers(_page(client, notice_id), notice_id, "signed")
    take_step(client, notice_id, "signed")
    assert _status(app, notice_id) == "signed"


def test_with_no_separation_an_author_may_take_every_step(bureau_login, client, app):
    bureau_login("admin")
    _set_separation(client, "none")
    _give_roles(app, "secretary", "reviewer", "signer")
    bureau_login("secretary")
    notice_id = draft_through_the_editor(client, app)
    for action in ("submitted", "approved", "signed"):
        assert _offers(_page(client, notice_id), notice_id, action), action
        take_step(client, notice_id, action)
    assert _status(app, notice_id) == "signed"


@pytest.mark.parametrize("stored", ["", "lenient"])
def test_a_setting_that_names_no_rule_is_read_as_strict(bureau_login, client, app, stored):
    from app.core.settings import save_settings

    with app.app_context():
        save_settings(None, {"separation_of_duties": stored})
    _give_roles(app, "secretary", "reviewer")
    bureau_login("secretary")
    notice_id = draft_through_the_editor(client, app)
    take_step(client, notice_id, "submitted")
    _refused(client, app, notice_id, "approved")


def test_saves_in_a_row_by_one_person_are_one_edit_in_the_history(bureau_login, client, app):
    bureau_login("secretary")
    notice_id = draft_through_the_editor(client, app)
    for title in ("关于某事的通知", "关于另一件事的通知"):
        version = form_version(client, notice_id)
        assert (
            client.post(f"/notices/{notice_id}/edit", data=seed_form(app, title=title, version=version)).status_code
            == 303
        )
    assert _actions(app, notice_id) == [("secretary", "drafted")]
    _give_roles(app, "reviewer", "secretary")
    bureau_login("reviewer")
    version = form_version(client, notice_id)
    client.post(f"/notices/{notice_id}/edit", data=seed_form(app, title="关于第三件事的通知", version=version))
    assert _actions(app, notice_id) == [("secretary", "drafted"), ("reviewer", "edited")]
    history = _page(client, notice_id).split('class="history"')[1]
    assert "王主任" in history  # the reviewer's edit is in the 办理过程
