from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from app.core.access import ROLE_TITLES
from app.core.forms import MultiCheckboxField, options
from app.core.validators import DocumentSafe, strip_spaces


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), filters=[strip_spaces], validators=[DataRequired(), Length(max=80)])
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
        validators=[Optional(), Length(min=8, max=200)],
    )


class ProfileForm(FlaskForm):
    locale = SelectField(_l("Language"), validators=[Optional()])
