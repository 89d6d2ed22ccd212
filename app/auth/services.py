"""Accounts: authentication with throttling, sessions that can be ended, and user administration."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, case, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager
from werkzeug.security import check_password_hash, generate_password_hash

from app.auth.models import FailedLoginName, User, UserRole, UserSession
from app.auth.passwords import password_problem
from app.auth.signed_in import SignedInOrgan, SignedInUnit, SignedInUser
from app.core.access import Role
from app.core.audit import AuditEvent, record
from app.core.time import utcnow
from app.database import write_transaction
from app.extensions import db
from app.units.models import Organ, Unit


class AccountError(ValueError):
    """A change the rules refuse; the message is shown to the user."""


class LoginRefused(Exception):
    def __init__(self, message: str, *, throttled: bool = False, retry_after: int | None = None):
        super().__init__(message)
        self.message = message
        self.throttled = throttled
        self.retry_after = retry_after


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))


# Logging in.


@dataclass(frozen=True)
class LoginAttempt:
    username: str
    password: str
    address: str | None  # where the request came from; None when unknown (a command, a test without one)


@dataclass(frozen=True)
class LoginLimits:
    max_failures: int  # failures in a row a login name may have before it waits
    delay_seconds: int  # the first wait; each further failure doubles it
    max_delay_seconds: int  # the longest wait, and the time an address's failures are remembered
    max_failures_per_address: int
    known_address_days: int

    @classmethod
    def from_config(cls, config) -> LoginLimits:
        return cls(
            max_failures=config["LOGIN_MAX_FAILURES"],
            delay_seconds=config["LOGIN_DELAY_SECONDS"],
            max_delay_seconds=config["LOGIN_LOCK_SECONDS"],
            max_failures_per_address=config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
            known_address_days=config["LOGIN_KNOWN_ADDRESS_DAYS"],
        )

    def delay_after(self, failures: int) -> timedelta | None:
        """The wait once a name has this many failures in a row (the attempt being checked included)."""
        if failures < self.max_failures:
            return None
        growth = min(failures - self.max_failures, 32)  # 2**32 seconds is past any cap
        return timedelta(seconds=min(self.delay_seconds * 2**growth, self.max_delay_seconds))


def authenticate(attempt: LoginAttempt, limits: LoginLimits) -> User:
    """Return the user, or raise LoginRefused with a message that reveals nothing.

    What a guesser must not learn, and how:

    - Whether a password is right, from a throttled answer: every limit is checked before the password, and a
      throttled attempt gets the same 429 whatever it typed (its password is not even checked).
    - Whether a name exists: an unknown name costs a password hash too (against a dummy hash), and is counted and
      delayed exactly like an account (FailedLoginName), so answers and their timing match.
    - Many guesses at once: each attempt is counted before its password is checked, by one UPDATE … RETURNING on
      the name's row, which PostgreSQL and SQLite apply one at a time; so fifty parallel guesses get
      `max_failures` checks and forty-five refusals, and the count is exact.

    What the owner and colleagues must still be able to do, and how:

    - Per name, a growing delay instead of a lock: after `max_failures` failures in a row the name waits
      `delay_seconds`, doubled with each further failure up to `max_delay_seconds`. Attempts during the wait are
      refused without counting, so hammering does not lengthen it, and the first attempt after it is checked: a
      classmate who typed five wrong passwords costs the clerk five seconds, not fifteen minutes; a guesser gets
      one try per wait. A success clears the count.
    - Per address, only strangers wait: an address with `max_failures_per_address` failures within
      `max_delay_seconds` is throttled, but not for accounts that have logged in from it in the last
      `known_address_days`. A hundred clerks who work behind one school address log in together while someone
      there sprays passwords; a sprayer trying names that never logged in from there gets 429 for each, right or
      wrong. The price: a clerk's very first login from a busy address waits until its failures age, and a name
      answered normally from a busy address is one that has logged in from there (a fact about the name, never
      about the password).
    """
    now = utcnow()
    user = find_user(attempt.username)
    if _address_is_busy(attempt.address, now, limits) and not _has_logged_in_from(user, attempt.address, now, limits):
        db.session.rollback()
        raise LoginRefused(
            _("Too many failed attempts from this computer's network. Try again in a few minutes."),
            throttled=True,
            retry_after=limits.max_delay_seconds,
        )
    waiting = _count_attempt(user, attempt.username.lower(), now, limits)
    if waiting is not None:
        raise LoginRefused(
            _("Too many failed attempts. Try again in a few minutes."),
            throttled=True,
            retry_after=max(1, int(waiting.total_seconds() + 0.999)),
        )
    stored_hash = user.password_hash if user is not None else _dummy_hash()
    right = check_password_hash(stored_hash, attempt.password)
    if user is None or not right or not user.is_active:
        with write_transaction():
            record(user, "auth.failed", user, object_type="User", username=attempt.username[:80])
        raise LoginRefused(_("Wrong username or password."))
    with write_transaction():
        db.session.execute(
            update(User)
            .where(User.id == user.id)
            .values(failed_logins=0, locked_until=None, last_login_at=now)
            .execution_options(synchronize_session=False)
        )
        record(user, "auth.login", user)
    return user


def _count_attempt(user: User | None, name: str, now: datetime, limits: LoginLimits) -> timedelta | None:
    """Count an attempt on the name before its password is checked; if the name is waiting, count nothing and
    return how long it still waits."""
    if user is not None:
        table, key = User, User.id == user.id
    else:
        table, key = FailedLoginName, FailedLoginName.name == name
    with write_transaction():
        if user is None:
            _insert_if_missing(name)
        failures = db.session.scalar(
            update(table)
            .where(key, or_(table.locked_until.is_(None), table.locked_until <= now))
            .values(failed_logins=table.failed_logins + 1)
            .returning(table.failed_logins)
            .execution_options(synchronize_session=False)
        )
        if failures is None:
            locked_until = db.session.scalar(select(table.locked_until).where(key))
            return max(locked_until - now, timedelta(seconds=1))
        delay = limits.delay_after(failures)
        if delay is not None:
            # Set while the row is still this transaction's: parallel attempts wait for it, then see the wait.
            db.session.execute(
                update(table).where(key).values(locked_until=now + delay).execution_options(synchronize_session=False)
            )
            if user is not None:
                record(user, "auth.delayed", user, seconds=int(delay.total_seconds()))
    return None


def _insert_if_missing(name: str) -> None:
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(insert(FailedLoginName).values(name=name, failed_logins=0).on_conflict_do_nothing())


_dummy_hashes: dict[str, str] = {}


def _dummy_hash() -> str:
    """A hash of a password nobody knows, made as the accounts' are: checking it costs what checking theirs does."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _dummy_hashes:
        _dummy_hashes[method] = generate_password_hash(secrets.token_urlsafe(16), method=method)
    return _dummy_hashes[method]


def _address_is_busy(address: str | None, now: datetime, limits: LoginLimits) -> bool:
    if not address:
        return False
    since = now - timedelta(seconds=limits.max_delay_seconds)
    failures = db.session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "auth.failed", AuditEvent.remote_addr == address, AuditEvent.created_at > since
        )
    )
    return failures >= limits.max_failures_per_address


def _has_logged_in_from(user: User | None, address: str | None, now: datetime, limits: LoginLimits) -> bool:
    if user is None or not address:
        return False
    since = now - timedelta(days=limits.known_address_days)
    found = db.session.scalar(
        select(AuditEvent.id)
        .where(
            AuditEvent.actor_id == user.id,
            AuditEvent.action == "auth.login",
            AuditEvent.remote_addr == address,
            AuditEvent.created_at > since,
        )
        .limit(1)
    )
    return found is not None


# Sessions.


def _digest(token: str) -> str:
    """What user_sessions stores of a session's token: its SHA-256, so a copy of the database lets no one sign in."""
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(user: User) -> str:
    """A new session of the account; returns the token its cookie carries. Sessions of the account that have
    outlived SESSION_ABSOLUTE_LIFETIME_SECONDS go at the same time."""
    token = secrets.token_urlsafe(32)
    cutoff = utcnow() - timedelta(seconds=current_app.config["SESSION_ABSOLUTE_LIFETIME_SECONDS"])
    with write_transaction():
        db.session.execute(
            delete(UserSession)
            .where(UserSession.user_id == user.id, UserSession.created_at <= cutoff)
            .execution_options(synchronize_session=False)
        )
        db.session.add(UserSession(token_hash=_digest(token), user_id=user.id))
    return token


# Every request loads its account, a redirect included: one Core statement built once, with what requests read of
# it and never the password hash (app/auth/signed_in.py says why not ORM objects).
_users, _sessions, _units, _roles = User.__table__, UserSession.__table__, Unit.__table__, UserRole.__table__
# One row per role (one with no role for an account without any). A session is never older than its account: should
# a row outlive a deleted account, the next account given the same id does not inherit it.
# The person's organ (app/units/organs.py) within ORGAN_LEVELS units up: the unit itself, its parent, …, each outer
# joined to the organs; the first found is theirs, with the organ above it. A unit deeper than that in its organ is
# looked up apart (SignedInUser.organ_id).
ORGAN_LEVELS = 4
_organs = Organ.__table__
_up = [_units] + [_units.alias(f"up{level}") for level in range(1, ORGAN_LEVELS)]
_organ_at = [_organs.alias(f"organ{level}") for level in range(ORGAN_LEVELS)]
_tree = _sessions.join(_users, _users.c.id == _sessions.c.user_id).join(_units, _units.c.id == _users.c.unit_id)
for _level in range(1, ORGAN_LEVELS):
    _tree = _tree.outerjoin(_up[_level], _up[_level].c.id == _up[_level - 1].c.parent_id)
for _level in range(ORGAN_LEVELS):
    _tree = _tree.outerjoin(_organ_at[_level], _organ_at[_level].c.unit_id == _up[_level].c.id)
_ORGAN_ID = func.coalesce(*(o.c.unit_id for o in _organ_at))
_SUPERIOR_ID = case(*((o.c.unit_id.is_not(None), o.c.superior_id) for o in _organ_at), else_=None)

_SIGNED_IN = (
    select(
        _users.c.id,
        _users.c.username,
        _users.c.display_name,
        _users.c.unit_id,
        _users.c.locale,
        _units.c.name,
        _units.c.short_name,
        _ORGAN_ID,
        _SUPERIOR_ID,
        _roles.c.role,
    )
    .select_from(_tree.outerjoin(_roles, _roles.c.user_id == _users.c.id))
    .where(
        _sessions.c.token_hash == bindparam("token_hash"),
        _sessions.c.created_at > bindparam("cutoff"),
        _sessions.c.created_at >= _users.c.created_at,
        _users.c.is_active.is_(True),
    )
)


def signed_in_user(token: str, *, lifetime_seconds: int) -> SignedInUser | None:
    """The active account whose session the token names, if that session is less than lifetime_seconds old: one
    query, with the unit and the roles."""
    if not token:
        return None
    rows = db.session.execute(
        _SIGNED_IN, {"token_hash": _digest(token), "cutoff": utcnow() - timedelta(seconds=lifetime_seconds)}
    ).all()
    if not rows:
        return None
    id_, username, display_name, unit_id, locale, unit_name, unit_short_name, organ_id, superior_id, _role = rows[0]
    return SignedInUser(
        id=id_,
        username=username,
        display_name=display_name,
        unit=SignedInUnit(unit_id, unit_name, unit_short_name),
        locale=locale,
        organ=SignedInOrgan(organ_id, superior_id) if organ_id is not None else None,
        roles=frozenset(Role(row[-1]) for row in rows if row[-1] is not None),
        session_token=token,
    )


def _end_sessions(user_id: int) -> None:
    db.session.execute(
        delete(UserSession).where(UserSession.user_id == user_id).execution_options(synchronize_session=False)
    )


def end_sessions(user: User) -> None:
    """Log the account out everywhere (logout does this: a cookie saved before it opens nothing)."""
    _end_sessions(user.id)
    record(user, "auth.logout", user, object_type="User")  # the user may be the SignedInUser of the request
    db.session.commit()


# Changing a password.


@dataclass(frozen=True)
class PasswordChange:
    current_password: str
    new_password: str


def change_password(user: User, change: PasswordChange, *, max_failures: int, window_seconds: int) -> None:
    """The account's own password change; it ends every session of the account (the caller opens a new one for
    the browser that made the change). The current password is asked for, and wrong answers are limited like
    logins, so a borrowed session cannot guess it."""
    since = utcnow() - timedelta(seconds=window_seconds)
    refusals = db.session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.actor_id == user.id,
            AuditEvent.action == "user.password_refused",
            AuditEvent.created_at > since,
        )
    )
    if refusals >= max_failures:
        raise AccountError(_("Too many failed attempts. Try again in a few minutes."))
    if not user.check_password(change.current_password):
        record(user, "user.password_refused", user, object_type="User")
        db.session.commit()
        raise AccountError(_("The current password is not right."))
    problem = password_problem(change.new_password, user.username)
    if problem:
        raise AccountError(problem)
    user.set_password(change.new_password)
    _end_sessions(user.id)
    record(user, "user.password", user, object_type="User")
    db.session.commit()


# Administration of accounts.


def users_query(q: str = "", *, unit_ids: list[int] | None = None):
    """A SELECT of the accounts, by unit then username; with q, those where each word is in the username, the name,
    or the unit's full or short name (an admin types 三中 or clerk_no3 and finds 三中's clerk). The unit comes in
    the same query, so a page of the list costs the same whatever the number of accounts."""
    query = select(User).join(User.unit).options(contains_eager(User.unit))
    if unit_ids is not None:  # an organ's admin: its own units' accounts
        query = query.where(User.unit_id.in_(unit_ids))
    for word in q.split():
        query = query.where(
            or_(
                User.username.icontains(word, autoescape=True),
                User.display_name.icontains(word, autoescape=True),
                Unit.name.icontains(word, autoescape=True),
                Unit.short_name.icontains(word, autoescape=True),
            )
        )
    return query.order_by(User.unit_id, User.username)


@dataclass(frozen=True)
class AccountData:
    username: str
    display_name: str
    unit_id: int
    roles: frozenset[str] = frozenset()
    email: str | None = None
    phone: str | None = None
    locale: str | None = None
    is_active: bool = True
    password: str | None = None  # None or empty: keep the current one


@dataclass(frozen=True)
class AccountSaved:
    user: User
    sessions_ended: bool  # the account's sessions were ended (a new password, roles, or the account disabled)


def save_user(actor, user: User | None, data: AccountData) -> AccountSaved:
    """Create or update an account; a refused change leaves the database as it was.

    A new password, other roles or disabling the account end every session of it: the person signs in again with
    what they may now do, or not at all."""
    creating = user is None
    new_roles = {str(role) for role in data.roles}
    if creating and not data.password:
        raise AccountError(_("A new account needs a password."))
    if data.password:
        problem = password_problem(data.password, data.username)
        if problem:
            raise AccountError(problem)
    if not creating and actor is not None and user.id == actor.id:
        if not data.is_active:
            raise AccountError(_("You cannot deactivate your own account."))
        if user.has_role("admin") and "admin" not in new_roles:
            raise AccountError(_("You cannot take the admin role from yourself."))
    user = user or User()
    old_roles = {r.value for r in user.roles} if not creating else set()
    was_active = creating or user.is_active_account
    user.username = data.username
    user.display_name = data.display_name
    user.unit_id = data.unit_id
    user.email = data.email or None
    user.phone = data.phone or None
    user.locale = data.locale or None
    user.is_active_account = data.is_active
    user.set_roles(new_roles)
    if data.password:
        user.set_password(data.password)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise AccountError(_("Another account already has this username.")) from exc
    record(actor, "user.create" if creating else "user.update", user, username=user.username)
    if old_roles != new_roles:
        record(actor, "user.roles", user, before=sorted(old_roles), after=sorted(new_roles))
    if data.password and not creating:
        record(actor, "user.password", user)
    end = not creating and (bool(data.password) or old_roles != new_roles or (was_active and not data.is_active))
    if end:
        _end_sessions(user.id)
    db.session.commit()
    return AccountSaved(user, end)


def set_locale(user: User, locale: str | None) -> None:
    user.locale = locale or None
    db.session.commit()
