"""Signing a test client in, without a login request.

Logging in through the form is the subject of tests/auth; everywhere else a test starts already signed in: the
session holds what a login leaves in it (a session of the account, opened by the login view's own log_in, and a CSRF
token), made by the same functions inside a request context of the client's own environment.
"""

import re

from flask import session
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select

from app.auth.models import User
from app.auth.sessions import log_in
from app.extensions import db

# The password of every account of the test datasets.
DEMO_PASSWORD = "test-pass-123"


def sign_in(client, username: str):
    """The client, signed in as the account; its requests carry the session's CSRF token as htmx sends it."""
    app = client.application
    with app.test_request_context(environ_base=client.environ_base):
        user = db.session.scalar(select(User).where(User.username == username))
        assert user is not None, f"no account named {username}"
        assert user.is_active, f"{username} may not log in (inactive)"
        log_in(user)
        token = generate_csrf()
        signed_in = dict(session)
    with client.session_transaction() as stored:
        stored.clear()
        stored.update(signed_in)
        stored.permanent = True
    client.environ_base["HTTP_X_CSRFTOKEN"] = token
    return client


def take_page_token(client, path: str = "/") -> str:
    """Read the CSRF token from a page of the signed-in client (as htmx takes it from <body hx-headers>) and send it
    from now on: a login through the form starts a session with a new token."""
    page = client.get(path, follow_redirects=True).get_data(as_text=True)
    match = re.search(r'"X-CSRFToken": "([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    client.environ_base["HTTP_X_CSRFTOKEN"] = match.group(1)
    return match.group(1)


def new_clerk_account(client, app, password: str):
    """The admin (already signed in) creates the account new_clerk, a clerk of 乌海市第五中学, with this password."""
    from app.units.models import Unit

    with app.app_context():
        unit_id = db.session.scalar(select(Unit.id).where(Unit.code == "no5_middle"))
    return client.post(
        "/admin/users/new",
        data={
            "username": "new_clerk",
            "display_name": "新收文员",
            "unit_id": unit_id,
            "roles": ["clerk"],
            "locale": "",
            "is_active": "y",
            "password": password,
        },
    )
