from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, make_response, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy.orm import joinedload

from app.auth.forms import LoginForm, ProfileForm, UserForm
from app.auth.models import User
from app.auth.services import AccountError, LoginRefused, authenticate, list_users, save_user, set_locale
from app.core.access import Role, login_required, public, roles_required
from app.core.forms import options
from app.core.web import render, see_other, wants_partial
from app.extensions import db, login_manager
from app.i18n import LOCALES
from app.units.services import list_units

bp = Blueprint("auth", __name__)

admin_only = roles_required(Role.admin)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    # Every request needs the user, the unit and the roles: one query, not two.
    user = db.session.get(User, int(user_id), options=[joinedload(User.role_rows)])
    return user if user is not None and user.is_active else None


@login_manager.unauthorized_handler
def unauthorized():
    login_url = url_for("auth.login", next=request.full_path if request.method == "GET" else None)
    if request.headers.get("HX-Request"):
        # An expired session under htmx: send the whole page to the login form,
        # never a login form inside a fragment.
        response = make_response("", 401)
        response.headers["HX-Redirect"] = login_url
        return response
    return redirect(login_url)


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(
                form.username.data,
                form.password.data,
                address=request.remote_addr,
                max_failures=current_app.config["LOGIN_MAX_FAILURES"],
                lock_seconds=current_app.config["LOGIN_LOCK_SECONDS"],
                max_failures_per_address=current_app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
            )
        except LoginRefused as refused:
            form.password.errors.append(refused.message)
            if refused.throttled:
                return render("auth/login.html", form=form), 429
        else:
            session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or url_for("main.home"), code=303)
    return render("auth/login.html", form=form), (401 if form.errors else 200)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_("You have logged out."), "info")
    return see_other("auth.login")


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(locale=current_user.locale or "")
    form.locale.choices = options([("", _("As my browser asks"))] + [(k, v[1]) for k, v in LOCALES.items()])
    if form.validate_on_submit():
        set_locale(current_user, form.locale.data)
        flash(_("Saved."), "success")
        return see_other("auth.profile")
    return render("auth/profile.html", form=form)


# Administration of accounts.


def _user_form(user: User | None = None) -> UserForm:
    form = UserForm(obj=user)
    form.unit_id.choices = options([(u.id, u.name) for u in list_units()])
    form.locale.choices = options([("", _("As the browser asks"))] + [(k, v[1]) for k, v in LOCALES.items()])
    if user is not None and request.method == "GET":
        form.roles.data = sorted(r.value for r in user.roles)
        form.is_active.data = user.is_active_account
        form.locale.data = user.locale or ""
    return form


@bp.get("/admin/users")
@admin_only
def user_list():
    return render("auth/user_list.html", users=list_users())


@bp.route("/admin/users/new", methods=["GET", "POST"])
@admin_only
def user_create():
    form = _user_form()
    if form.validate_on_submit():
        try:
            user = save_user(current_user, None, form.data)
        except AccountError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            flash(_("Account %(name)s created.", name=user.username), "success")
            return see_other("auth.user_list")
    return render("auth/user_form.html", form=form, user=None), (422 if form.errors or form.form_errors else 200)


@bp.route("/admin/users/<int:user_id>/edit", methods=["GET", "POST"])
@admin_only
def user_edit(user_id: int):
    """The whole edit page, or (htmx) the row turned into a form in place."""
    user = db.session.get(User, user_id) or abort(404)
    form = _user_form(user)
    if form.validate_on_submit():
        try:
            save_user(current_user, user, form.data)
        except AccountError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            if wants_partial():
                return render("auth/user_list.html", "auth/_user_row.html", user=user)
            flash(_("Account %(name)s saved.", name=user.username), "success")
            return see_other("auth.user_list")
    status = 422 if form.errors or form.form_errors else 200
    return render("auth/user_form.html", "auth/_user_row_form.html", form=form, user=user), status


@bp.get("/admin/users/<int:user_id>/row")
@admin_only
def user_row(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    return render("auth/user_list.html", "auth/_user_row.html", user=user, users=list_users())
