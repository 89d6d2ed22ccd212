"""Who may call which route: the roles people hold, and the one mechanism that enforces each route's audience.

Every view declares its audience with one of the decorators below; a ``before_request`` hook enforces it. A view
that declares nothing is refused for everyone (and the authorisation test fails), so a new route cannot slip
through unprotected. Object-level rules (a clerk sees only its own unit's rows) live in the services' queries,
which take the user as an argument. It lives in core, below the accounts, so that every package (units too)
declares its routes' audience without importing accounts.
"""

import enum
from collections.abc import Callable

from flask import abort, current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.extensions import login_manager

# The roles


class Role(enum.StrEnum):
    admin = "admin"
    secretary = "secretary"
    reviewer = "reviewer"
    signer = "signer"
    staff = "staff"
    clerk = "clerk"
    translator = "translator"

    @property
    def title(self) -> str:
        return str(ROLE_TITLES[self])


ROLE_TITLES = {
    Role.admin: _l("Administrator"),
    Role.secretary: _l("Secretary (drafting and issuing)"),
    Role.reviewer: _l("Reviewer (核稿)"),
    Role.signer: _l("Signer (签发)"),
    Role.staff: _l("Bureau staff"),
    Role.clerk: _l("Unit clerk (收文员)"),
    Role.translator: _l("Translator"),
}


def role_titles(roles) -> list[str]:
    """The roles' titles in the interface language, in the order the account form lists them: a badge shows 签发人,
    never the code `signer` stored in the database."""
    held = {Role(r) for r in roles}
    return [str(title) for role, title in ROLE_TITLES.items() if role in held]


# Roles of people who work for the bureau itself; everyone else sees only their unit.
BUREAU_ROLES = frozenset({Role.admin, Role.secretary, Role.reviewer, Role.signer, Role.staff, Role.translator})

# What a person may do with an object, for the templates: can('notices.history', notice)

_PERMISSIONS: dict[str, Callable] = {}


def permission(name: str):
    """Register a rule `(user, obj) -> bool` under a name; the feature that owns the rule defines it beside its
    services, so a template asks the rule instead of repeating role checks beside the route's own."""

    def decorator(rule):
        _PERMISSIONS[name] = rule
        return rule

    return decorator


def can(name: str, obj=None, *, user=None) -> bool:
    """Whether the user (the logged-in person by default) may do `name` with `obj`. A name nobody registered is an
    error, not a quiet no: a misspelt permission must not hide a button, or show one, by accident."""
    user = current_user if user is None else user
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(_PERMISSIONS[name](user, obj))


# The audiences of routes

PUBLIC = "public"
ANY_USER = "any_user"


def _mark(view, audience):
    view.access = audience
    return view


def public(view):
    """Anyone, logged in or not (login page, health check)."""
    return _mark(view, PUBLIC)


def login_required(view):
    """Any logged-in user; the view or its service decides what they see."""
    return _mark(view, ANY_USER)


def roles_required(*roles: Role):
    """Logged-in users holding at least one of the roles."""
    allowed = frozenset(Role(r) for r in roles)

    def decorator(view):
        return _mark(view, allowed)

    return decorator


def bureau_required(view):
    """Anyone working for the bureau (every role but clerk)."""
    return _mark(view, BUREAU_ROLES)


def audience_of(endpoint: str):
    view = current_app.view_functions.get(endpoint)
    if view is None:
        return None
    # Flask's static route and blueprint static folders serve public files.
    if endpoint == "static" or endpoint.endswith(".static"):
        return PUBLIC
    return getattr(view, "access", None)


def enforce_access():
    """before_request: apply the view's declared audience."""
    if request.endpoint is None:  # 404 and 405 are answered by Flask itself
        return None
    audience = audience_of(request.endpoint)
    if audience is None:
        current_app.logger.error("route %s declares no access rule: refused", request.endpoint)
        abort(403)
    if audience == PUBLIC:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if audience == ANY_USER:
        return None
    if not (current_user.roles & audience):
        abort(403)
    return None
