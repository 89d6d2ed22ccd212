from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.core.forms import options
from app.core.validators import DocumentSafe, strip_spaces
from app.rosters.models import MEMBER_ROLES


class MemberForm(FlaskForm):
    role = SelectField(_l("Role"), choices=options((r, r) for r in MEMBER_ROLES))
    person_name = StringField(
        _l("Name"), filters=[strip_spaces], validators=[Optional(), Length(max=100), DocumentSafe()]
    )
    title = StringField(
        _l("Post (职务)"), filters=[strip_spaces], validators=[Optional(), Length(max=200), DocumentSafe()]
    )
    unit_id = SelectField(_l("Unit"), coerce=lambda v: int(v) if v else None, validators=[Optional()])
    description = TextAreaField(
        _l("Or a description instead of a person"),
        filters=[strip_spaces],
        description=_l("For example: 各高中学校书记、校长、各直属单位负责人"),
        validators=[Optional(), Length(max=500), DocumentSafe()],
    )
    on = DateField(_l("From (date)"), validators=[DataRequired()])


class ReplaceForm(FlaskForm):
    person_name = StringField(
        _l("New member's name"), filters=[strip_spaces], validators=[DataRequired(), Length(max=100), DocumentSafe()]
    )
    title = StringField(
        _l("Post (职务)"), filters=[strip_spaces], validators=[Optional(), Length(max=200), DocumentSafe()]
    )
    unit_id = SelectField(_l("Unit"), coerce=lambda v: int(v) if v else None, validators=[Optional()])
    on = DateField(_l("From (date)"), validators=[DataRequired()])


class LeaveForm(FlaskForm):
    on = DateField(_l("Leaves on (date)"), validators=[DataRequired()])


class AdjustmentForm(FlaskForm):
    since = DateField(_l("Changes since"), validators=[DataRequired()])


class GroupForm(FlaskForm):
    name = StringField(
        _l("Name of the group"),
        filters=[strip_spaces],
        description=_l("For example: 海勃湾区教育局义务教育优质均衡发展工作领导小组"),
        validators=[DataRequired(), Length(max=200), DocumentSafe()],
    )
    owner_unit_id = SelectField(_l("Set up by (unit)"), coerce=int, validators=[DataRequired()])
    purpose = TextAreaField(
        _l("What the group is for"), filters=[strip_spaces], validators=[Optional(), Length(max=2000), DocumentSafe()]
    )
