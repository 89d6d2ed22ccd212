from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp

from app.core.forms import MultiCheckboxField, options
from app.core.validators import DocumentSafe, strip_spaces
from app.units.models import SCHOOL_LEVEL_TITLES, UNIT_KIND_TITLES


class UnitForm(FlaskForm):
    code = StringField(
        _l("Code"),
        filters=[strip_spaces],
        validators=[
            DataRequired(),
            Length(max=64),
            Regexp(r"^[A-Za-z0-9_.-]+$", message=_l("Use Latin letters, digits, '.', '_' or '-'.")),
        ],
    )
    name = StringField(
        _l("Full name"), filters=[strip_spaces], validators=[DataRequired(), Length(max=200), DocumentSafe()]
    )
    short_name = StringField(
        _l("Short name"), filters=[strip_spaces], validators=[Optional(), Length(max=100), DocumentSafe()]
    )
    # No filters: the Mongolian name is kept exactly as typed.
    name_mn = TextAreaField(_l("Name in Mongolian script"), validators=[Optional(), Length(max=500), DocumentSafe()])
    kind = SelectField(_l("Kind"), choices=options((k.value, v) for k, v in UNIT_KIND_TITLES.items()))
    school_level = SelectField(
        _l("School level"), choices=options([("", "—"), *SCHOOL_LEVEL_TITLES.items()]), validators=[Optional()]
    )
    parent_id = SelectField(_l("Parent unit"), coerce=int, validators=[Optional()])
    email = EmailField(
        _l("Email for reminders"), filters=[strip_spaces], validators=[Optional(), Email(), Length(max=200)]
    )
    sort_order = IntegerField(_l("Order"), default=0, validators=[Optional(), NumberRange(min=0, max=100_000)])
    is_active = BooleanField(_l("Active"), default=True)


class UnitGroupForm(FlaskForm):
    name = StringField(
        _l("Group name"), filters=[strip_spaces], validators=[DataRequired(), Length(max=200), DocumentSafe()]
    )
    name_mn = TextAreaField(_l("Name in Mongolian script"), validators=[Optional(), Length(max=500), DocumentSafe()])
    sort_order = IntegerField(_l("Order"), default=0, validators=[Optional(), NumberRange(min=0, max=100_000)])
    rule_kinds = MultiCheckboxField(
        _l("Every active unit of these kinds"), choices=options((k.value, v) for k, v in UNIT_KIND_TITLES.items())
    )
    rule_parent_id = SelectField(_l("…under this parent unit"), coerce=int, validators=[Optional()])
    unit_ids = MultiCheckboxField(_l("Or exactly these units"), coerce=int)
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000), DocumentSafe()])
