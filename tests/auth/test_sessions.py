"""Sessions that end: at logout, at a new password, at other roles, when the account is disabled or deleted, a day
after the login however busy; and a login starts a session of its own, with a CSRF token of its own."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.core.time import utcnow
from app.extensions import db
from app.units.models import Unit
from tests.helpers.accounts import DEMO_PASSWORD, sign_in, take_page_token

# Sessions behave alike on both databases: SQLite only, where ids are reused (point 6 is SQLite's).
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def _signed_in(client) -> bool:
    return client.get("/profile").status_code == 200


def _another_client(app):
    other = app.test_client()  # the same CSRFClient class as the client fixture's
    other.fetch_csrf_token()
    return other


def _account(app, username: str) -> dict:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        return {
            "id": user.id,
            "form": {
                "username": user.username,
                "display_name": user.display_name,
                "unit_id": user.unit_id,
                "roles": sorted(r.value for r in user.roles),
                "locale": "",
                "email": "",
                "phone": "",
                "is_active": "y",
            },
        }


def _admin_edits(client, account: dict, **changes):
    form = {**account["form"], **changes}
    form = {name: value for name, value in form.items() if value is not None}
    response = client.post(f"/admin/users/{account['id']}/edit", data=form)
    assert response.status_code == 303, response.get_data(as_text=True)


def test_a_cookie_saved_before_logout_opens_nothing_after_it(login, client):
    login("secretary")
    saved = client.get_cookie("session").value
    assert client.post("/logout").status_code == 303
    client.set_cookie("session", saved)  # what someone who copied the cookie still has
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_logout_ends_every_session_of_the_account(login, client, app):
    login("secretary")
    elsewhere = sign_in(_another_client(app), "secretary")
    assert _signed_in(elsewhere)
    client.post("/logout")
    assert not _signed_in(elsewhere)


def test_an_admins_password_reset_ends_the_accounts_sessions(login, client, app):
    clerk = sign_in(_another_client(app), "clerk_no1_middle")
    assert _signed_in(clerk)
    login("admin")
    _admin_edits(client, _account(app, "clerk_no1_middle"), password="a-new-long-secret")
    assert not _signed_in(clerk)


def test_disabling_and_enabling_an_account_ends_its_sessions(login, client, app):
    clerk = sign_in(_another_client(app), "clerk_no1_middle")
    login("admin")
    account = _account(app, "clerk_no1_middle")
    _admin_edits(client, account, is_active=None)  # the box unticked
    _admin_edits(client, account)  # and ticked again
    assert not _signed_in(clerk)
    # Other edits (a phone number) leave the sessions alone.
    clerk = sign_in(_another_client(app), "clerk_no1_middle")
    _admin_edits(client, account, phone="0473-1234567")
    assert _signed_in(clerk)


def test_a_role_change_ends_the_accounts_sessions(login, client, app):
    staff = sign_in(_another_client(app), "staff")
    login("admin")
    _admin_edits(client, _account(app, "staff"), roles=["staff", "reviewer"])
    assert not _signed_in(staff)


def test_an_admin_who_changes_their_own_roles_stays_signed_in_in_this_browser(login, client, app):
    login("admin")
    elsewhere = sign_in(_another_client(app), "admin")
    _admin_edits(client, _account(app, "admin"), roles=["admin", "staff"])
    assert _signed_in(client) and not _signed_in(elsewhere)
    assert client.get("/admin/users").status_code == 200  # the page's token still works


def test_a_deleted_accounts_session_does_not_pass_to_the_next_account(client, app, demo, backend):
    with app.app_context():
        unit_id = db.session.scalar(select(Unit.id).where(Unit.code == "no5_middle"))
        leaving = User(username="leaving", display_name="离职者", unit_id=unit_id)
        leaving.set_password("leaving-secret-1")
        db.session.add(leaving)
        db.session.commit()
        old_id = leaving.id
    sign_in(client, "leaving")
    assert _signed_in(client)
    with app.app_context():
        db.session.delete(db.session.get(User, old_id))
        db.session.commit()
        newcomer = User(username="newcomer", display_name="新来者", unit_id=unit_id)
        newcomer.set_password("newcomer-secret-1")
        db.session.add(newcomer)
        db.session.commit()
        if backend == "sqlite":
            assert newcomer.id == old_id  # SQLite gives the id again: the case that matters
    page = client.get("/profile")
    assert page.status_code == 302
    assert "新来者" not in client.get("/", follow_redirects=True).get_data(as_text=True)


def test_a_busy_session_still_ends_a_working_day_after_its_login(login, client, app, monkeypatch):
    login("secretary")
    start = utcnow()
    # A request every hour keeps the cookie alive (its lifetime slides), but not the session past its absolute end.
    monkeypatch.setattr("app.auth.services.utcnow", lambda: start + timedelta(hours=7))
    assert _signed_in(client)
    monkeypatch.setattr("app.auth.services.utcnow", lambda: start + timedelta(hours=12, minutes=1))
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.real_password_hashing
def test_a_login_starts_a_new_session_whose_csrf_token_is_new(client, demo):
    before = client.fetch_csrf_token()
    response = client.post("/login", data={"username": "secretary", "password": DEMO_PASSWORD})
    assert response.status_code == 303
    # The token of the page before the login (one an attacker could have planted) is refused after it...
    refused = client.post("/logout")
    assert refused.status_code == 400 and _signed_in(client)
    # ...and the pages of the new session carry a new one that works.
    assert take_page_token(client) != before
    assert client.post("/logout").status_code == 303 and not _signed_in(client)


def test_an_htmx_answer_leaves_the_cookie_of_a_later_page_alone(login, client):
    """A live check still on its way when the form is submitted answers after the form's page: it must not send the
    cookie as it was before that page, which would lose the page's message ("草稿已保存"). Pages send it again (the
    expiry slides); an htmx answer only when it changed the session."""
    login("secretary")
    assert client.get("/notices").headers.getlist("Set-Cookie")
    for path in ("/todo/count", "/notices"):
        answer = client.get(path, headers={"HX-Request": "true"})
        assert answer.status_code == 200 and answer.headers.getlist("Set-Cookie") == [], path
    saved = client.post(
        "/notices/new",
        data={"title": "关于测试的通知", "body": "正文。", "kind": "文件", "series_id": 1, "action": "save"},
    )
    assert saved.status_code == 303
    stale_check = client.get("/todo/count", headers={"HX-Request": "true"})
    assert stale_check.headers.getlist("Set-Cookie") == []
    assert "草稿已保存" in client.get(saved.headers["Location"]).get_data(as_text=True)
