from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, make_response, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from app.auth.forms import AccountFilterForm, LoginForm, PasswordForm, ProfileForm, UserForm
from app.auth.models import User
from app.auth.services import (
    AccountData,
    AccountError,
    LoginAttempt,
    LoginLimits,
    LoginRefused,
    PasswordChange,
    authenticate,
    change_password,
    end_sessions,
    save_user,
    set_locale,
    signed_in_user,
    users_query,
)
from app.auth.sessions import log_in
from app.auth.signed_in import SignedInUser
from app.core.access import Role, login_required, public, role_titles, roles_required
from app.core.forms import options
from app.core.web import paginate, render, see_other, wants_partial
from app.extensions import db, login_manager
from app.i18n import LOCALES
from app.units.services import administered_units, administers_unit, is_top_admin

bp = Blueprint("auth", __name__)
bp.add_app_template_global(role_titles)

admin_only = roles_required(Role.admin)
# A thousand accounts are ten pages; the search box finds one in any of them.
USERS_PER_PAGE = 100


@login_manager.user_loader
def load_user(token: str) -> SignedInUser | None:
    """The session's account: the cookie holds a session's token (app/auth/sessions.py), not the account's id."""
    return signed_in_user(token, lifetime_seconds=current_app.config["SESSION_ABSOLUTE_LIFETIME_SECONDS"])


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
    if not form.validate_on_submit():
        return render("auth/login.html", form=form), (400 if form.errors else 200)
    attempt = LoginAttempt(form.username.data, form.password.data, request.remote_addr)
    try:
        user = authenticate(attempt, LoginLimits.from_config(current_app.config))
    except LoginRefused as refused:
        form.password.errors.append(refused.message)
        response = make_response(render("auth/login.html", form=form), 429 if refused.throttled else 401)
        if refused.retry_after:
            response.headers["Retry-After"] = str(refused.retry_after)
        return response
    log_in(user)
    return redirect(_safe_next(request.args.get("next")) or url_for("main.home"), code=303)


@bp.post("/logout")
@login_required
def logout():
    """Ends every session of the account, this one included."""
    end_sessions(current_user)
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return see_other("auth.login")


def _profile_forms() -> tuple[ProfileForm, PasswordForm]:
    form = ProfileForm(locale=current_user.locale or "")
    form.locale.choices = options([("", _("As my browser asks"))] + [(k, v[1]) for k, v in LOCALES.items()])
    password_form = PasswordForm()
    password_form.account_username = current_user.username
    return form, password_form


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form, password_form = _profile_forms()
    if form.validate_on_submit():
        set_locale(current_user, form.locale.data)
        flash(_("Saved."), "success")
        return see_other("auth.profile")
    return render("auth/profile.html", form=form, password_form=password_form)


@bp.post("/profile/password")
@login_required
def password():
    """One's own new password. Every other session of the account ends; this browser stays signed in."""
    form, password_form = _profile_forms()
    if password_form.validate_on_submit():
        user = current_user._get_current_object()
        change = PasswordChange(password_form.current_password.data, password_form.new_password.data)
        try:
            change_password(
                user,
                change,
                max_failures=current_app.config["LOGIN_MAX_FAILURES"],
                window_seconds=current_app.config["LOGIN_LOCK_SECONDS"],
            )
        except AccountError as exc:
            db.session.rollback()
            password_form.form_errors.append(str(exc))
        else:
            log_in(user)
            flash(_("Your password is changed. Everywhere else you were signed in, you are signed out."), "success")
            return see_other("auth.profile")
    return render("auth/profile.html", form=form, password_form=password_form), 422


# Administration of accounts.


def _user_form(user: User | None = None) -> UserForm:
    form = UserForm(obj=user)
    form.unit_id.choices = options([(u.id, u.name) for u in administered_units(current_user)])
    form.locale.choices = options([("", _("As the browser asks"))] + [(k, v[1]) for k, v in LOCALES.items()])
    if user is not None and request.method == "GET":
        form.roles.data = sorted(r.value for r in user.roles)
        form.is_active.data = user.is_active_account
        form.locale.data = user.locale or ""
    return form


def _account_data(form: UserForm) -> AccountData:
    return AccountData(
        username=form.username.data,
        display_name=form.display_name.data,
        unit_id=form.unit_id.data,
        roles=frozenset(form.roles.data or ()),
        email=form.email.data,
        phone=form.phone.data,
        locale=form.locale.data,
        is_active=bool(form.is_active.data),
        password=form.password.data or None,
    )


def _user_list_context() -> dict:
    """The list's search box and page of accounts, from ?q= and ?page=."""
    form = AccountFilterForm(request.args)
    q = form.q.data if form.validate() else ""
    page = paginate(users_query(q or "", unit_ids=_administered_unit_ids()), per_page=USERS_PER_PAGE)
    return {"form": form, "page": page, "args": {"q": q} if q else {}}


def _administered_unit_ids() -> list[int] | None:
    """None (every account) for the top organ's admin; a district bureau's admin keeps its own units' accounts."""
    return None if is_top_admin(current_user) else [u.id for u in administered_units(current_user)]


def _administered_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not administers_unit(current_user, user.unit_id):
        abort(404)
    return user


@bp.get("/admin/users")
@admin_only
def user_list():
    """Every account, or (?q=) those matching the search; htmx swaps the table as the admin types."""
    return render("auth/user_list.html", "auth/_user_table.html", **_user_list_context())


@bp.route("/admin/users/new", methods=["GET", "POST"])
@admin_only
def user_create():
    form = _user_form()
    if form.validate_on_submit():
        try:
            user = save_user(current_user, None, _account_data(form)).user
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
    user = _administered_user(user_id)
    form = _user_form(user)
    if form.validate_on_submit():
        try:
            saved = save_user(current_user, user, _account_data(form))
        except AccountError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            if saved.sessions_ended and user.id == current_user.id:
                log_in(user, fresh=False)  # the admin's own change: this browser stays signed in
            if wants_partial():
                return render("auth/user_list.html", "auth/_user_row.html", user=user)
            flash(_("Account %(name)s saved.", name=user.username), "success")
            return see_other("auth.user_list")
    status = 422 if form.errors or form.form_errors else 200
    return render("auth/user_form.html", "auth/_user_row_form.html", form=form, user=user), status


@bp.get("/admin/users/<int:user_id>/row")
@admin_only
def user_row(user_id: int):
    user = _administered_user(user_id)
    return render("auth/user_list.html", "auth/_user_row.html", user=user, **_user_list_context())
