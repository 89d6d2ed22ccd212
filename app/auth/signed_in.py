"""The account a request is signed in as (Flask-Login's current_user), as services.signed_in_user reads it.

Every request loads it, a redirect included. Loaded as ORM objects (the user, its unit, its roles) it cost more than
the rest of a small request. A SignedInUser holds what requests read of it (id, names, unit, locale, roles) and never
the password hash. Everything else is asked of the account itself, the ORM User, loaded the first time it is needed
(`account`): its email, the password check, a change to the account. So code given the signed-in person reads and
writes the same attributes as before, and a change reaches the database as before.
"""

from __future__ import annotations

from flask_login import UserMixin

from app.auth.models import User
from app.core.access import BUREAU_ROLES, Role
from app.extensions import db
from app.units.models import Unit
from app.units.organs import organ_id_of


class SignedInUnit:
    """The signed-in person's unit: its names (the top bar, the inbox's title); anything else from the ORM Unit."""

    __slots__ = ("id", "name", "short_name", "_unit")

    def __init__(self, id: int, name: str, short_name: str | None):
        self.id, self.name, self.short_name, self._unit = id, name, short_name, None

    @property
    def display_name(self) -> str:
        return self.short_name or self.name  # Unit.display_name

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        if self._unit is None:
            self._unit = db.session.get(Unit, self.id)
        return getattr(self._unit, name)

    def __repr__(self) -> str:
        return f"<SignedInUnit {self.id} {self.name}>"


class SignedInOrgan:
    """The organ the signed-in person works for, as the sign-in query found it: its id and the organ above it."""

    __slots__ = ("id", "superior_id")

    def __init__(self, id: int, superior_id: int | None):
        self.id, self.superior_id = id, superior_id

    def __repr__(self) -> str:
        return f"<SignedInOrgan {self.id}>"


class SignedInUser(UserMixin):
    """The signed-in person as requests read it; the account itself (`account`) for anything more."""

    # Read here; written here and to the account (a change of them must reach the database).
    _COPIED = frozenset({"username", "display_name", "locale"})
    _OWN = frozenset({"id", "unit", "organ", "roles", "session_token", "_account"}) | _COPIED

    def __init__(self, *, id, username, display_name, unit, locale, roles, session_token, organ=None):
        set_own = object.__setattr__
        set_own(self, "_account", None)
        set_own(self, "id", id)
        set_own(self, "username", username)
        set_own(self, "display_name", display_name)
        set_own(self, "unit", unit)
        set_own(self, "organ", organ)  # SignedInOrgan, or None: looked up when asked (organ_id)
        set_own(self, "locale", locale)
        set_own(self, "roles", roles)  # frozenset[Role], as User.roles
        set_own(self, "session_token", session_token)

    @property
    def unit_id(self) -> int:
        return self.unit.id

    @property
    def account(self) -> User:
        """The ORM User of this account, in the request's session (loaded once, when first asked for)."""
        if self._account is None:
            object.__setattr__(self, "_account", db.session.get(User, self.id))
        return self._account

    def get_id(self) -> str:
        return self.session_token

    @property
    def is_active(self) -> bool:
        return True  # signed_in_user reads active accounts only

    def has_role(self, *roles: Role | str) -> bool:
        mine = {r.value for r in self.roles}
        return any(Role(r).value in mine for r in roles)

    @property
    def is_bureau_user(self) -> bool:
        return bool(self.roles & BUREAU_ROLES)

    @property
    def organ_id(self) -> int | None:
        """The organ whose work this person's roles are for (app/units/organs.py): their unit's, as the sign-in
        query read it (a unit deeper in its organ than it looks is looked up)."""
        return self.organ.id if self.organ is not None else organ_id_of(self.unit_id)

    def __getattr__(self, name: str):
        # Only for what is not here: the account's other columns and methods (email, check_password, …).
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.account, name)

    def __setattr__(self, name: str, value) -> None:
        if name not in self._OWN or name in self._COPIED:
            setattr(self.account, name, value)
        if name in self._OWN:
            object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        return f"<SignedInUser {self.username}>"
