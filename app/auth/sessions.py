"""Signing a browser in: the part of logging in that lives in the request's cookie.

The cookie names a row of user_sessions by a random token (services.open_session), never the account's id, so that
ending the rows ends the sessions, and an id that SQLite gives again to a new account opens nothing.
"""

from flask import request, session
from flask.sessions import SecureCookieSessionInterface
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


class SessionCookie(SecureCookieSessionInterface):
    """Flask's signed cookie, which a page's answer sends again to slide its expiry, but an htmx request's only when it
    changed the session.

    An htmx request can still be on its way when the person submits a form (the editor's live check, sent as they
    leave the last field they typed in). Answered after the form's page, its cookie would put back the session as it
    was before that page and lose what the page stored in it: the message that the draft was saved. Pages keep the
    expiry sliding; a person who only lets a page poll for half a working day is not kept signed in by the polling.
    """

    def should_set_cookie(self, app, session) -> bool:
        if session.modified:
            return True
        return super().should_set_cookie(app, session) and not request.headers.get("HX-Request")
