"""Logging in and out, CSRF, throttling, session expiry under htmx, the access rules."""

import re

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from tests.helpers.accounts import DEMO_PASSWORD, new_clerk_account, take_page_token


def test_login_page_has_the_contract_fields(client):
    page = client.get("/login").get_data(as_text=True)
    assert re.search(r'<input[^>]+name="username"', page)
    assert re.search(r'<input[^>]+name="password"', page)
    assert re.search(r'<input[^>]+name="csrf_token"[^>]+type="hidden"', page)


@pytest.mark.real_password_hashing
def test_login_with_the_right_password_reaches_the_home_page(client, demo):
    response = client.post("/login", data={"username": "secretary", "password": DEMO_PASSWORD})
    assert response.status_code == 303
    page = client.get("/").get_data(as_text=True)
    assert "李秘书" in page


@pytest.mark.real_password_hashing
def test_login_with_a_wrong_password_is_refused_and_keeps_the_username(client, demo):
    response = client.post("/login", data={"username": "secretary", "password": "wrong-password"})
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert 'value="secretary"' in page
    assert client.get("/").status_code == 302  # still logged out


def test_a_post_without_a_csrf_token_is_refused(app, demo):
    bare = app.test_client()  # sends no X-CSRFToken header and no csrf_token field
    response = bare.post("/login", data={"username": "secretary", "password": DEMO_PASSWORD})
    assert response.status_code == 400
    assert bare.get("/").status_code == 302


@pytest.mark.real_password_hashing
def test_passwords_are_stored_hashed_with_scrypt(app, demo):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "secretary"))
        assert user.password_hash.startswith("scrypt:")
        assert DEMO_PASSWORD not in user.password_hash


def test_repeated_failures_make_the_account_wait_whatever_the_password(client, app, demo):
    app.config["LOGIN_MAX_FAILURES"] = 3
    for _ in range(3):
        client.post("/login", data={"username": "reviewer", "password": "nope-nope"})
    response = client.post("/login", data={"username": "reviewer", "password": DEMO_PASSWORD})
    assert response.status_code == 429  # during the wait, the right password gets the wrong one's answer
    assert "登录失败次数过多" in response.get_data(as_text=True)  # the default interface is Chinese
    assert int(response.headers["Retry-After"]) >= 1
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "reviewer")).locked_until is not None
    # Another account from the same address still logs in at once.
    assert client.post("/login", data={"username": "secretary", "password": DEMO_PASSWORD}).status_code == 303


def test_logout_ends_the_session(login, client):
    login("secretary")
    assert client.get("/").status_code == 200
    assert client.post("/logout").status_code == 303
    assert client.get("/").status_code == 302


def test_an_expired_session_under_htmx_answers_with_hx_redirect_to_login(client, demo):
    response = client.get("/admin/units", headers={"HX-Request": "true"})
    assert response.headers.get("HX-Redirect", "").startswith("/login")
    assert "<form" not in response.get_data(as_text=True)


def test_an_expired_session_in_a_browser_redirects_to_login_and_back(client, demo):
    response = client.get("/admin/units")
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]


def test_login_does_not_redirect_to_another_site(client, demo):
    response = client.post(
        "/login?next=https://evil.example/", data={"username": "secretary", "password": DEMO_PASSWORD}
    )
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("path", ["/admin/", "/admin/units", "/admin/groups", "/admin/users", "/admin/settings"])
def test_a_clerk_is_refused_on_admin_pages(login, client, path):
    login("clerk_no3_middle")
    assert client.get(path).status_code == 403


def test_a_clerk_cannot_post_to_admin_forms(login, client, app):
    login("clerk_no3_middle")
    response = client.post("/admin/units/new", data={"code": "hack", "name": "X", "kind": "school"})
    assert response.status_code == 403
    with app.app_context():
        from app.units.models import Unit

        assert db.session.scalar(select(Unit).where(Unit.code == "hack")) is None


def test_every_route_declares_who_may_use_it(app):
    """A route without an access rule would be refused for everyone: none may exist."""
    from app.core.access import audience_of

    with app.test_request_context():
        missing = [rule.endpoint for rule in app.url_map.iter_rules() if audience_of(rule.endpoint) is None]
    assert missing == []


@pytest.mark.real_password_hashing
def test_user_admin_creates_an_account_that_can_log_in(login, client, app):
    login("admin")
    response = new_clerk_account(client, app, "a-long-password")
    assert response.status_code == 303
    client.post("/logout")
    client.fetch_csrf_token()
    assert client.post("/login", data={"username": "new_clerk", "password": "a-long-password"}).status_code == 303


def test_user_form_error_keeps_what_was_typed(login, client):
    login("admin")
    response = client.post(
        "/admin/users/new",
        data={
            "username": "bad name with spaces",
            "display_name": "某某",
            "unit_id": 1,
            "roles": ["clerk"],
            "password": "a-long-password",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="bad name with spaces"' in page
    assert 'value="某某"' in page


def test_inline_edit_of_an_account_returns_the_row_fragment(login, client, app):
    login("admin")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "staff"))
        user_id, unit_id = user.id, user.unit_id
    form = client.get(f"/admin/users/{user_id}/edit", headers={"HX-Request": "true"})
    assert form.status_code == 200 and "<html" not in form.get_data(as_text=True)
    assert f'id="user-{user_id}"' in form.get_data(as_text=True)
    response = client.post(
        f"/admin/users/{user_id}/edit",
        headers={"HX-Request": "true"},
        data={
            "username": "staff",
            "display_name": "赵科长",
            "unit_id": unit_id,
            "roles": ["staff", "reviewer"],
            "is_active": "y",
            "email": "",
            "phone": "",
            "locale": "",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and html.lstrip().startswith("<tr")
    assert "赵科长" in html
    with app.app_context():
        user = db.session.get(User, user_id)
        assert {r.value for r in user.roles} == {"staff", "reviewer"}


def test_an_admin_cannot_lock_themselves_out(login, client, app):
    login("admin")
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        admin_id, unit_id = admin.id, admin.unit_id
    response = client.post(
        f"/admin/users/{admin_id}/edit",
        data={
            "username": "admin",
            "display_name": "系统管理员",
            "unit_id": unit_id,
            "roles": ["secretary"],
            "is_active": "y",
        },
    )
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(User, admin_id).has_role("admin")


def test_role_and_account_changes_are_audited(login, client, app):
    from app.core.audit import AuditEvent

    login("admin")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "staff"))
        user_id, unit_id = user.id, user.unit_id
    client.post(
        f"/admin/users/{user_id}/edit",
        data={
            "username": "staff",
            "display_name": "赵科员",
            "unit_id": unit_id,
            "roles": ["staff", "signer"],
            "is_active": "y",
        },
    )
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.roles"))
        assert event is not None and event.details["after"] == ["signer", "staff"]
        assert db.session.get(User, event.actor_id).username == "admin"


def test_failures_from_one_address_throttle_strangers_but_not_its_own_clerks(client, app, demo):
    app.config.update(LOGIN_MAX_FAILURES_PER_ADDRESS=4, LOGIN_MAX_FAILURES=100)
    # clerk_no1_middle works behind this address: it has logged in from it before.
    assert client.post("/login", data={"username": "clerk_no1_middle", "password": DEMO_PASSWORD}).status_code == 303
    take_page_token(client)
    client.post("/logout")
    client.fetch_csrf_token()
    for n in range(4):
        assert client.post("/login", data={"username": f"nobody{n}", "password": "x" * 8}).status_code == 401
    refused = client.post("/login", data={"username": "nobody9", "password": "x" * 8})
    assert refused.status_code == 429
    # A clerk of the same school network, with the right password, logs in all the same.
    assert client.post("/login", data={"username": "clerk_no1_middle", "password": DEMO_PASSWORD}).status_code == 303
    with app.app_context():
        from app.core.audit import AuditEvent

        failures = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.failed")).all()
        # The throttled attempt was not checked, so it is no failure of anyone's.
        assert len(failures) == 4 and {f.remote_addr for f in failures} == {"127.0.0.1"}


def test_admins_read_the_audit_log(login, client):
    login("admin")
    client.post("/logout")
    client.fetch_csrf_token()
    client.post("/login", data={"username": "admin", "password": "wrong-password"})
    login("admin")
    page = client.get("/admin/audit?action=auth.").get_data(as_text=True)
    assert "auth.failed" in page and "127.0.0.1" in page
    login("secretary")
    assert client.get("/admin/audit").status_code == 403


def test_an_htmx_post_after_the_session_ended_redirects_to_login_not_a_csrf_error(app, demo):
    bare = app.test_client()  # no session: its CSRF token went with it
    response = bare.post("/inbox/1/receipt", headers={"HX-Request": "true"})
    assert response.status_code == 401 and response.headers["HX-Redirect"].startswith("/login")
    plain = bare.post("/inbox/1/receipt")
    assert plain.status_code == 302 and "/login" in plain.headers["Location"]
    # A public form (login) posted without its token is still refused as a forged one.
    assert bare.post("/login", data={"username": "x", "password": "y"}).status_code == 400
