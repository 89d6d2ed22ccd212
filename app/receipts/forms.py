from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional, Regexp

from app.core.forms import MultiCheckboxField
from app.core.validators import DocumentSafe, strip_spaces


class ReceiptForm(FlaskForm):
    """签收, with the reply (回执) when the notice asks for one."""

    reply_participants = TextAreaField(
        _l("Participants (name, post)"),
        filters=[strip_spaces],
        validators=[Optional(), Length(max=2000), DocumentSafe()],
    )
    reply_phone = StringField(
        _l("Contact phone"),
        filters=[strip_spaces],
        validators=[
            Optional(),
            Length(max=40),
            Regexp(r"^[0-9+\-\s()（）]*$", message=_l("Digits, spaces, + and - only.")),
        ],
    )
    reply_text = TextAreaField(
        _l("Note"), filters=[strip_spaces], validators=[Optional(), Length(max=5000), DocumentSafe()]
    )


class ReminderForm(FlaskForm):
    message = TextAreaField(
        _l("Message"), filters=[strip_spaces], validators=[Optional(), Length(max=1000), DocumentSafe()]
    )
    unit_ids = MultiCheckboxField(_l("Only these units"), coerce=int, validate_choice=False)
