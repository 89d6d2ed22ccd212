from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.core.access import BUREAU_ROLES, Role
from app.core.time import utcnow
from app.core.types import UTCDateTime
from app.extensions import db
from app.units.models import Unit
from app.units.organs import organ_id_of


def hash_password(password: str) -> str:
    """werkzeug's scrypt (memory-hard), or the method the PASSWORD_HASH_METHOD setting names (app/config.py)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))

    def __repr__(self) -> str:
        return f"<UserRole {self.user_id} {self.role}>"


class User(UserMixin, db.Model):
    """An account. A signed-in browser is a UserSession; the cookie names the session, never the account's id, which
    SQLite gives again to the next account once the last one is deleted."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    locale: Mapped[str | None] = mapped_column(String(20))
    is_active_account: Mapped[bool] = mapped_column("is_active", Boolean, default=True, server_default=true())
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined")
    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by=UserRole.role
    )

    # The token of the session this object was loaded or logged in for (not a column); what Flask-Login keeps.
    session_token = None

    def __repr__(self) -> str:
        return f"<User {self.username}>"

    def get_id(self) -> str:
        if not self.session_token:
            raise RuntimeError("log in through app.auth.sessions.log_in, which opens a session for the account")
        return self.session_token

    # Flask-Login reads is_active; the column is named is_active in the table.
    @property
    def is_active(self) -> bool:
        return self.is_active_account

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(Role(row.role) for row in self.role_rows)

    def set_roles(self, roles) -> None:
        wanted = {Role(r).value for r in roles}
        self.role_rows = [row for row in self.role_rows if row.role in wanted]
        have = {row.role for row in self.role_rows}
        for role in sorted(wanted - have):
            self.role_rows.append(UserRole(role=role))

    def has_role(self, *roles: Role | str) -> bool:
        mine = {r.value for r in self.roles}
        return any(Role(r).value in mine for r in roles)

    @property
    def is_bureau_user(self) -> bool:
        return bool(self.roles & BUREAU_ROLES)

    @property
    def organ_id(self) -> int | None:
        """The organ whose work this person's roles are for (app/units/organs.py): their unit's."""
        return organ_id_of(self.unit_id)

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


def name_of(relationship_attribute):
    """Loader option for a related user shown by name only (author, sender, who acknowledged): the display name,
    without the unit and roles that loading a User brings by default."""
    return joinedload(relationship_attribute).load_only(User.display_name).lazyload("*")


class UserSession(db.Model):
    """A signed-in browser: made at login, deleted at logout, at a change of the account's password, roles or
    activity, and with the account. The cookie carries a random token; only its SHA-256 is stored here, so a copy
    of the database lets no one sign in."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<UserSession {self.id} of {self.user_id}>"


class FailedLoginName(db.Model):
    """Failed logins in a row under a name no account has, counted like an account's (User.failed_logins and
    locked_until), so that the throttling of a name tells nobody whether it exists."""

    __tablename__ = "failed_login_names"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)  # lower-cased, as logins compare them
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<FailedLoginName {self.name}>"
