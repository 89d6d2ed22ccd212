"""Signing a test client in, without a login request.

Logging in through the form is the subject of tests/auth; everywhere else a test starts already signed in: the
session holds what a login leaves in it (flask_login's login_user, the permanent flag the login view sets, a CSRF
token), made by the same functions inside a request context of the client's own environment.
"""

from flask import session
from flask_login import login_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select

from app.auth.models import User
from app.extensions import db

# The password of every account of the test datasets.
DEMO_PASSWORD = "test-pass-123"


def sign_in(client, username: str):
    """The client, signed in as the account; its requests carry the session's CSRF token as htmx sends it."""
    app = client.application
    with app.test_request_context(environ_base=client.environ_base):
        user = db.session.scalar(select(User).where(User.username == username))
        assert user is not None, f"no account named {username}"
        assert login_user(user), f"{username} may not log in (inactive?)"
        session.permanent = True  # as the login view does
        token = generate_csrf()
        signed_in = dict(session)
    with client.session_transaction() as stored:
        stored.clear()
        stored.update(signed_in)
        stored.permanent = True
    client.environ_base["HTTP_X_CSRFTOKEN"] = token
    return client
