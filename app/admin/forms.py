from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.core.forms import options
from app.core.validators import DocumentSafe
from app.notices.services import SEPARATION_TITLES, Separation


class SettingsForm(FlaskForm):
    # Never trimmed or normalised: the letters' forms depend on U+202F and U+180B–U+180F.
    organ_name_mn = TextAreaField(
        _l("The bureau's name in Mongolian script (as on the seal)"),
        validators=[DataRequired(), Length(max=500), DocumentSafe()],
    )
    organ_name_mn_confirmed = BooleanField(_l("Checked against the seal by a reader of Mongolian"))
    header_order = RadioField(
        _l("Order of the two scripts in the document header"),
        choices=options(
            [("zh_first", _l("Chinese first, then Mongolian")), ("mn_first", _l("Mongolian first, then Chinese"))]
        ),
    )
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
