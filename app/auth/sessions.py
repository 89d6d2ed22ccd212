"""Signing a browser in: the part of logging in that lives in the request's cookie.

The cookie names a row of user_sessions by a random token (services.open_session), never the account's id, so that
ending the rows ends the sessions, and an id that SQLite gives again to a new account opens nothing.
"""

from flask import session
from flask_login import login_user

from app.auth.models import User
from app.auth.services import open_session


def log_in(user: User, *, fresh: bool = True) -> None:
    """Sign the browser in as the account, in a new session.

    fresh: start from an empty cookie, so that nothing from before the login survives it, the CSRF token
    included (a page or a token an attacker planted before the login is refused after it). A browser that stays
    signed in as the same person after its sessions were ended (its own password change) keeps the rest of its
    cookie with fresh=False, and so the CSRF token of the page it is on.
    """
    if fresh:
        session.clear()
    user.session_token = open_session(user)
    login_user(user)
    session.permanent = True  # the cookie expires PERMANENT_SESSION_LIFETIME after the last request
