"""Passwords: the commonest ones and short ones refused; everyone changes their own."""

import re

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from tests.helpers.accounts import DEMO_PASSWORD, new_clerk_account, sign_in

# Passwords' rules do not depend on the database: SQLite only (the acceptance asks both only for 3, 11, 13).
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


@pytest.mark.parametrize("password", ["12345678", "password", "Password", "88888888", "woaini1314", "short7!"])
def test_an_admin_cannot_give_an_account_a_common_or_short_password(login, client, app, password):
    login("admin")
    response = new_clerk_account(client, app, password)
    assert response.status_code == 422
    assert re.search(r'<div class="field has-error">\s*<label for="password"', response.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "new_clerk")) is None


def test_an_admin_may_give_a_password_of_a_few_words(login, client, app):
    login("admin")
    assert new_clerk_account(client, app, "plum blossom 1984").status_code == 303


def _change(client, current: str, new: str, again: str | None = None):
    return client.post(
        "/profile/password",
        data={"current_password": current, "new_password": new, "confirm_password": new if again is None else again},
    )


def _can_log_in(app, username: str, password: str) -> bool:
    fresh = app.test_client()
    fresh.fetch_csrf_token()
    return fresh.post("/login", data={"username": username, "password": password}).status_code == 303


@pytest.mark.parametrize("account", ["clerk_no1_middle", "secretary", "admin"])
def test_every_user_changes_their_own_password(login, client, app, account):
    login(account)
    page = client.get("/profile").get_data(as_text=True)
    assert 'action="/profile/password"' in page and 'name="current_password"' in page
    elsewhere = sign_in(app.test_client(), account)
    response = _change(client, DEMO_PASSWORD, "a quiet river 42")
    assert response.status_code == 303
    assert client.get("/profile").status_code == 200  # this browser stays signed in
    assert elsewhere.get("/profile").status_code == 302  # every other session ends
    assert _can_log_in(app, account, "a quiet river 42")
    assert not _can_log_in(app, account, DEMO_PASSWORD)


def test_a_wrong_current_password_changes_nothing(login, client, app):
    login("clerk_no1_middle")
    response = _change(client, "not-my-password", "a quiet river 42")
    assert response.status_code == 422
    assert 'class="form-errors"' in response.get_data(as_text=True)
    assert _can_log_in(app, "clerk_no1_middle", DEMO_PASSWORD)


@pytest.mark.parametrize(
    ("new", "again"),
    [("12345678", None), ("password", None), ("clerk_no1_middle", None), ("abc", None), ("a quiet river 42", "other")],
)
def test_ones_own_new_password_follows_the_same_rules(login, client, app, new, again):
    login("clerk_no1_middle")
    response = _change(client, DEMO_PASSWORD, new, again)
    assert response.status_code == 422
    assert _can_log_in(app, "clerk_no1_middle", DEMO_PASSWORD)


def test_guessing_the_current_password_from_a_borrowed_session_stops(login, client, app):
    app.config["LOGIN_MAX_FAILURES"] = 3
    login("clerk_no1_middle")
    for n in range(3):
        assert _change(client, f"guess-{n}-of-mine", "a quiet river 42").status_code == 422
    # The right one now waits too: nothing tells the guesser it was right.
    assert _change(client, DEMO_PASSWORD, "a quiet river 42").status_code == 422
    assert _can_log_in(app, "clerk_no1_middle", DEMO_PASSWORD)
