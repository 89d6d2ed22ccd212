"""Form pieces shared by every feature."""

from wtforms import SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget


def options(pairs) -> list[SelectChoice]:
    """[(value, label), ...] as WTForms' choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as checkboxes (roles, units of a group)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def error_text(form) -> str:
    """All of a form's errors as one sentence, for a flash message."""
    messages = [str(e) for errors in form.errors.values() for e in errors]
    return " ".join(messages)
