from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, Form, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, Regexp, ValidationError

from app.auth.passwords import MIN_LENGTH, password_problem
from app.core.access import ROLE_TITLES
from app.core.forms import MultiCheckboxField, options
from app.core.validators import DocumentSafe, strip_spaces


class StrongPassword:
    """The rule of app/auth/passwords.py, shown at the field; username_field names the field with the login name."""

    def __init__(self, username_field: str | None = None):
        self.username_field = username_field

    def __call__(self, form, field):
        if not field.data:
            return
        username = form[self.username_field].data if self.username_field else getattr(form, "account_username", None)
        problem = password_problem(field.data, username)
        if problem:
            raise ValidationError(problem)


class LoginForm(FlaskForm):
    # DocumentSafe: a NUL or another control character is no one's name, and PostgreSQL refuses it in a query.
    username = StringField(
        _l("Username"), filters=[strip_spaces], validators=[DataRequired(), Length(max=80), DocumentSafe()]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class UserForm(FlaskForm):
    username = StringField(
        _l("Username"),
        filters=[strip_spaces],
        validators=[
            DataRequired(),
            Length(min=2, max=80),
            Regexp(r"^[A-Za-z0-9_.@-]+$", message=_l("Use Latin letters, digits, '.', '_', '@' or '-'.")),
        ],
    )
    display_name = StringField(
        _l("Name"), filters=[strip_spaces], validators=[DataRequired(), Length(max=100), DocumentSafe()]
    )
    unit_id = SelectField(_l("Unit"), coerce=int, validators=[DataRequired()])
    roles = MultiCheckboxField(_l("Roles"), choices=options((r.value, t) for r, t in ROLE_TITLES.items()))
    email = EmailField(_l("Email"), filters=[strip_spaces], validators=[Optional(), Email(), Length(max=200)])
    phone = StringField(_l("Phone"), filters=[strip_spaces], validators=[Optional(), Length(max=40)])
    locale = SelectField(_l("Language"), validators=[Optional()])
    is_active = BooleanField(_l("Active"), default=True)
    password = PasswordField(
        _l("New password"),
        description=_l("Leave empty to keep the current password."),
        validators=[Optional(), Length(max=200), StrongPassword("username")],
    )


class AccountFilterForm(Form):
    """The account list's search box: a plain GET form (no CSRF needed for reading)."""

    q = StringField(
        _l("Find an account"),
        filters=[strip_spaces],
        validators=[Optional(), Length(max=100), DocumentSafe()],
    )


class ProfileForm(FlaskForm):
    locale = SelectField(_l("Language"), validators=[Optional()])


class PasswordForm(FlaskForm):
    """One's own new password; the view sets account_username (the new password may not be it)."""

    account_username: str | None = None

    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    new_password = PasswordField(
        _l("New password"),
        description=_l("At least %(count)d characters, not one of the most common passwords.", count=MIN_LENGTH),
        validators=[DataRequired(), Length(max=200), StrongPassword()],
    )
    confirm_password = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The two new passwords differ."))],
    )
