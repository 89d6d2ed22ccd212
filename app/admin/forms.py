from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.core.forms import options
from app.core.validators import DocumentSafe
from app.notices.services import SEPARATION_TITLES, Separation


class OrganForm(FlaskForm):
    """An organ's own header and names (app/units Organ), which its admin confirms."""

    # Never trimmed or normalised: the letters' forms depend on U+202F and U+180B–U+180F.
    name_mn = TextAreaField(
        _l("The organ's name in Mongolian script (as on the seal)"),
        validators=[DataRequired(), Length(max=500), DocumentSafe()],
    )
    name_mn_confirmed = BooleanField(_l("Checked against the seal by a reader of Mongolian"))
    header_order = RadioField(
        _l("Order of the two scripts in the document header"),
        choices=options(
            [("zh_first", _l("Chinese first, then Mongolian")), ("mn_first", _l("Mongolian first, then Chinese"))]
        ),
    )
    signature_name = StringField(
        _l("Signature (发文机关署名) of new drafts"),
        description=_l("Empty: the organ's name."),
        validators=[Optional(), Length(max=200), DocumentSafe()],
    )
    imprint_name = StringField(
        _l("Imprinting organ (印发机关) of new drafts"),
        description=_l("Empty: the organ's office (办公室)."),
        validators=[Optional(), Length(max=200), DocumentSafe()],
    )


class NewOrganForm(FlaskForm):
    """Mark a unit as an organ that issues notices of its own, under the organ it answers to."""

    unit_id = SelectField(_l("Unit"), coerce=int, validators=[DataRequired()])
    superior_id = SelectField(_l("The organ it answers to"), coerce=int, validators=[DataRequired()])


class SettingsForm(FlaskForm):
    separation_of_duties = RadioField(
        _l("Who may review (核稿) and sign (签发) a notice"),
        choices=options([(rule.value, SEPARATION_TITLES[rule]) for rule in Separation]),
    )
    classified_network = BooleanField(
        _l("This network is approved for classified documents (涉密网络)"),
        description=_l("Only then may a notice carry 密级 秘密 or above. An ordinary intranet is not."),
    )
    disclosure_position = RadioField(
        _l("Where 公开属性 prints"),
        choices=options(
            [("note", _l("In the note's place, under the date (附注)")), ("imprint", _l("On a line above the 版记"))]
        ),
    )
