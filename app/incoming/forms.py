from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, MultipleFileField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.core.forms import MultiCheckboxField, options
from app.core.validators import DocumentSafe, strip_spaces
from app.notices.models import URGENCY_TITLES


class RegisterForm(FlaskForm):
    """A document from outside, as the office registers it (来文登记)."""

    sender = StringField(
        _l("From (来文单位)"),
        filters=[strip_spaces],
        description=_l("内蒙古自治区教育厅, 乌海市人民政府办公室 …"),
        validators=[DataRequired(), Length(max=200), DocumentSafe()],
    )
    sender_number = StringField(
        _l("Its number (来文字号)"), filters=[strip_spaces], validators=[Optional(), Length(max=100), DocumentSafe()]
    )
    title = TextAreaField(
        _l("Title (标题)"), filters=[strip_spaces], validators=[DataRequired(), Length(max=500), DocumentSafe()]
    )
    received_on = DateField(_l("Received on (收文日期)"), validators=[DataRequired()])
    urgency = SelectField(
        _l("Urgency (紧急程度)"),
        choices=options(list(URGENCY_TITLES.items())),
        validators=[Optional()],
    )
    files = MultipleFileField(_l("Files (PDF, OFD or scans)"))


class RegisterFilterForm(FlaskForm):
    class Meta:
        csrf = False

    year = SelectField(_l("Year"), coerce=lambda v: int(v) if v else None, validators=[Optional()])
    q = StringField(_l("Search"), filters=[strip_spaces], validators=[Optional(), Length(max=100)])


class StepForm(FlaskForm):
    """A step of handling: its text, the section it names, a deadline, the 承办 a report answers."""

    text = TextAreaField(_l("Text"), filters=[strip_spaces], validators=[Optional(), Length(max=4000), DocumentSafe()])
    unit_id = SelectField(_l("Section or unit"), coerce=lambda v: int(v) if v else None, validators=[Optional()])
    due_on = DateField(_l("Deadline"), validators=[Optional()])
    answers_id = IntegerField(validators=[Optional()])


class CirculationForm(FlaskForm):
    """传阅: the readers, and whether they read it one after the other."""

    reader_ids = MultiCheckboxField(_l("Readers"), coerce=int)
    in_order = BooleanField(_l("One after the other, in this order (else all at once)"))


class ReadForm(FlaskForm):
    comment = TextAreaField(
        _l("Comment (阅批), if any"), filters=[strip_spaces], validators=[Optional(), Length(max=2000), DocumentSafe()]
    )
