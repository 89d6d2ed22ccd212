"""Accounts: authentication with throttling, and user administration."""

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.auth.models import User
from app.core.audit import AuditEvent, record
from app.core.time import utcnow
from app.extensions import db


class AccountError(ValueError):
    """A change the rules refuse; the message is shown to the user."""


class LoginRefused(Exception):
    def __init__(self, message: str, *, throttled: bool = False):
        super().__init__(message)
        self.message = message
        self.throttled = throttled


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))


def recent_failures_from(address: str | None, since) -> int:
    if not address:
        return 0
    return db.session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "auth.failed", AuditEvent.remote_addr == address, AuditEvent.created_at > since
        )
    )


def authenticate(
    username: str,
    password: str,
    *,
    address: str | None,
    max_failures: int,
    lock_seconds: int,
    max_failures_per_address: int,
) -> User:
    """Return the user, or raise LoginRefused with a message that reveals nothing.

    Failed attempts count per account (after max_failures the account waits
    lock_seconds) and per address (after max_failures_per_address in that time,
    further failures from it are refused outright). A correct password is never
    throttled by the address: a hundred clerks behind one school network log in
    together whatever one of them mistypes.
    """
    user = find_user(username)
    now = utcnow()
    if user is not None and user.locked_until is not None and user.locked_until > now:
        db.session.rollback()
        raise LoginRefused(_("Too many failed attempts. Try again in a few minutes."))
    if user is None or not user.check_password(password) or not user.is_active:
        busy_address = recent_failures_from(address, now - timedelta(seconds=lock_seconds)) >= max_failures_per_address
        record(user, "auth.failed", user, object_type="User", username=username[:80])
        if user is not None:
            user.failed_logins = (user.failed_logins or 0) + 1
            if user.failed_logins >= max_failures:
                user.locked_until = now + timedelta(seconds=lock_seconds)
                user.failed_logins = 0
                record(user, "auth.locked", user)
        db.session.commit()
        if busy_address:
            raise LoginRefused(
                _("Too many failed attempts from this computer's network. Try again in a few minutes."), throttled=True
            )
        raise LoginRefused(_("Wrong username or password."))
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    db.session.commit()
    return user


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.unit_id, User.username)))


def save_user(actor, user: User | None, data: dict) -> User:
    """Create or update an account; a refused change leaves the database as it was."""
    creating = user is None
    new_roles = set(data.get("roles") or [])
    if creating and not data.get("password"):
        raise AccountError(_("A new account needs a password."))
    if not creating and actor is not None and user.id == actor.id:
        if not data.get("is_active", True):
            raise AccountError(_("You cannot deactivate your own account."))
        if user.has_role("admin") and "admin" not in new_roles:
            raise AccountError(_("You cannot take the admin role from yourself."))
    user = user or User()
    old_roles = {r.value for r in user.roles} if not creating else set()
    user.username = data["username"]
    user.display_name = data["display_name"]
    user.unit_id = data["unit_id"]
    user.email = data.get("email") or None
    user.phone = data.get("phone") or None
    user.locale = data.get("locale") or None
    user.is_active_account = bool(data.get("is_active", True))
    user.set_roles(new_roles)
    if data.get("password"):
        user.set_password(data["password"])
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise AccountError(_("Another account already has this username.")) from exc
    record(actor, "user.create" if creating else "user.update", user, username=user.username)
    if old_roles != new_roles:
        record(actor, "user.roles", user, before=sorted(old_roles), after=sorted(new_roles))
    if data.get("password") and not creating:
        record(actor, "user.password", user)
    db.session.commit()
    return user


def set_locale(user: User, locale: str | None) -> None:
    user.locale = locale or None
    db.session.commit()
