from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from app.core.forms import MultiCheckboxField, options
from app.core.validators import DocumentSafe, strip_spaces
from app.tasks.models import PROGRESS_TITLES


class MilestoneForm(Form):
    """One milestone (阶段目标) inside the task form: no CSRF of its own."""

    id = HiddenField()
    title = StringField(
        _l("Milestone"), filters=[strip_spaces], validators=[Optional(), Length(max=500), DocumentSafe()]
    )
    due_on = DateField(_l("Due"), validators=[Optional()])

    def validate_due_on(self, field):
        if field.data and not self.title.data:
            raise ValidationError(_l("Give the milestone a title, or clear its date."))


class TaskForm(FlaskForm):
    code = StringField(
        _l("Task number"),
        description=_l("As the table numbers it: 5, 5-3, 8-结对1."),
        filters=[strip_spaces],
        validators=[DataRequired(), Length(max=32), DocumentSafe()],
    )
    title = TextAreaField(
        _l("Task"), filters=[strip_spaces], validators=[DataRequired(), Length(max=500), DocumentSafe()]
    )
    description = TextAreaField(
        _l("What is to be done"), filters=[strip_spaces], validators=[Optional(), Length(max=10_000), DocumentSafe()]
    )
    parent_id = SelectField(_l("Under"), coerce=int, validators=[Optional()])
    lead_unit_id = SelectField(_l("Lead unit (牵头)"), coerce=int, validators=[Optional()])
    cooperating_unit_ids = MultiCheckboxField(_l("Cooperating units (配合)"), coerce=int, validate_choice=False)
    due_on = DateField(_l("Deadline (完成时限)"), validators=[Optional()])
    sort_order = IntegerField(_l("Order"), default=0, validators=[Optional(), NumberRange(min=0, max=100_000)])
    milestones = FieldList(FormField(MilestoneForm), min_entries=0, max_entries=50)


class ReportForm(FlaskForm):
    text = TextAreaField(
        _l("Progress"),
        description=_l("What has been done since the last report, and what comes next."),
        filters=[strip_spaces],
        validators=[DataRequired(), Length(max=10_000), DocumentSafe()],
    )
    state = SelectField(_l("State"), choices=options((s.value, t) for s, t in PROGRESS_TITLES.items()))
    files = MultipleFileField(_l("Files"))


class ReviewForm(FlaskForm):
    comment = TextAreaField(
        _l("Comment"), filters=[strip_spaces], validators=[Optional(), Length(max=2000), DocumentSafe()]
    )


class TaskReminderForm(FlaskForm):
    message = TextAreaField(
        _l("Message"), filters=[strip_spaces], validators=[Optional(), Length(max=1000), DocumentSafe()]
    )
    assignment_ids = MultiCheckboxField(_l("Units"), coerce=int, validate_choice=False)


class SuggestionRowForm(Form):
    """One suggested task in the list made from the notice's headings: ticked or not, its number and title."""

    key = HiddenField()
    pick = BooleanField(_l("Make a task of it"))
    code = StringField(
        _l("Task number"), filters=[strip_spaces], validators=[Optional(), Length(max=32), DocumentSafe()]
    )
    title = StringField(_l("Task"), filters=[strip_spaces], validators=[Optional(), Length(max=500), DocumentSafe()])
    lead_unit_id = SelectField(_l("Lead unit (牵头)"), coerce=int, validators=[Optional()], validate_choice=False)

    def validate_title(self, field):
        if self.pick.data and not (field.data and self.code.data):
            raise ValidationError(_l("A ticked heading needs a task number and a title."))


class SuggestionsForm(FlaskForm):
    """The tasks suggested by a notice's headings, and what the ticked ones share."""

    rows = FieldList(FormField(SuggestionRowForm), min_entries=0, max_entries=300)
    parent_id = SelectField(_l("Under"), coerce=int, validators=[Optional()])
    cooperating_unit_ids = MultiCheckboxField(_l("Cooperating units (配合)"), coerce=int, validate_choice=False)
    due_on = DateField(_l("Deadline (完成时限)"), validators=[Optional()])


class BreakdownForm(FlaskForm):
    """A task of a district's breakdown (分解) of a city task: its schools, lead and cooperating, and its deadline."""

    code = StringField(
        _l("Task number"), filters=[strip_spaces], validators=[DataRequired(), Length(max=32), DocumentSafe()]
    )
    title = TextAreaField(
        _l("Task"), filters=[strip_spaces], validators=[DataRequired(), Length(max=500), DocumentSafe()]
    )
    description = TextAreaField(
        _l("What our schools are to do"),
        filters=[strip_spaces],
        validators=[Optional(), Length(max=10_000), DocumentSafe()],
    )
    lead_unit_id = SelectField(_l("Lead school (牵头)"), coerce=int, validators=[Optional()])
    school_ids = MultiCheckboxField(_l("Schools that carry it (配合)"), coerce=int)
    every_school = BooleanField(_l("Every one of our schools"))
    due_on = DateField(_l("Deadline (完成时限)"), validators=[Optional()])
