from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
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
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app.core.forms import MultiCheckboxField, options
from app.core.validators import DocumentSafe, strip_spaces
from app.documents.gongwen import CLASSIFICATIONS
from app.notices.models import (
    DISCLOSURE_TITLES,
    KIND_TITLES,
    REPLY_FIELD_TITLES,
    STATUS_TITLES,
    URGENCY_TITLES,
)
from app.notices.services import COUNTERSIGNING_TITLES, classification_refusal

MAX_BODY = 200_000  # characters: about sixty pages of 3号仿宋


class DocumentForm(Form):
    """One document distributed by an 印发通知 (no CSRF of its own: it lives inside the notice form)."""

    title = TextAreaField(
        _l("Title of the distributed document"),
        filters=[strip_spaces],
        validators=[Optional(), Length(max=500), DocumentSafe()],
    )
    body = TextAreaField(_l("Its text"), validators=[Optional(), Length(max=MAX_BODY), DocumentSafe()])


class NotClassifiedHere:
    """密级 秘密 and above only where the network is approved for classified documents (the setting)."""

    def __call__(self, form, field):
        refusal = classification_refusal(field.data or "")
        if refusal:
            raise ValidationError(refusal)


class ReasonForWithholding:
    """不予公开 says why (the 政府信息公开条例's grounds)."""

    def __call__(self, form, field):
        if form.disclosure.data == "不予公开" and not (field.data or "").strip():
            raise ValidationError(_l("不予公开: say why (the reason is printed)."))


class ReplyFieldForm(Form):
    """One thing a unit's reply (回执) gives: its label, its kind, whether it must be given."""

    label = StringField(_l("Label"), filters=[strip_spaces], validators=[Optional(), Length(max=100), DocumentSafe()])
    type = SelectField(_l("Kind of answer"), choices=options(REPLY_FIELD_TITLES.items()), default="text")
    required = BooleanField(_l("Required"))


# The fields most notices asking for a reply want: who comes, a phone number, remarks.
USUAL_REPLY_FIELDS = [
    {"label": "参加人员", "type": "text", "required": True},
    {"label": "联系电话", "type": "phone", "required": True},
    {"label": "备注", "type": "text", "required": False},
]
MAX_REPLY_FIELDS = 12


class NoticeForm(FlaskForm):
    series_id = SelectField(_l("Document series"), coerce=int, validators=[Optional()])
    kind = SelectField(_l("Format"), choices=options(KIND_TITLES.items()), default="文件")
    title = TextAreaField(
        _l("Title"), filters=[strip_spaces], validators=[DataRequired(), Length(max=500), DocumentSafe()]
    )
    addressee_groups = MultiCheckboxField(_l("Addressee groups"), coerce=int)
    addressee_units = MultiCheckboxField(_l("Addressee units"), coerce=int)
    addressee_others = StringField(
        _l("Other addressees, as printed"),
        description=_l("Organs outside this system, separated by 、"),
        filters=[strip_spaces],
        validators=[Optional(), Length(max=2000), DocumentSafe()],
    )
    cc_groups = MultiCheckboxField(_l("Copy to groups (抄送)"), coerce=int)
    cc_units = MultiCheckboxField(_l("Copy to units (抄送)"), coerce=int)
    cc_others = StringField(
        _l("Copy to others, as printed"),
        description=_l("Organs outside this system, separated by 、"),
        filters=[strip_spaces],
        validators=[Optional(), Length(max=2000), DocumentSafe()],
    )
    body = TextAreaField(
        _l("Text"),
        description=_l(
            "One paragraph per line. Headings start with 一、 （一） 1. （1）; "
            "a bold lead sentence is written **like this。** at the start of a paragraph."
        ),
        validators=[Optional(), Length(max=MAX_BODY), DocumentSafe()],
    )
    documents = FieldList(FormField(DocumentForm), min_entries=0)
    signature_organ = StringField(
        _l("Signature organ (发文机关署名)"),
        filters=[strip_spaces],
        validators=[Optional(), Length(max=200), DocumentSafe()],
    )
    signed_on = DateField(_l("Date (成文日期)"), validators=[Optional()])
    with_seal = BooleanField(_l("Sealed (加盖印章)"), default=True)
    note = TextAreaField(
        _l("Note (附注)"), filters=[strip_spaces], validators=[Optional(), Length(max=2000), DocumentSafe()]
    )
    imprint_organ = StringField(
        _l("Imprint organ (印发机关)"), filters=[strip_spaces], validators=[Optional(), Length(max=200), DocumentSafe()]
    )
    imprinted_on = DateField(
        _l("Imprint date (印发日期)"),
        validators=[Optional()],
        description=_l("Left empty, it becomes the day of issue."),
    )
    label_documents_as_attachments = BooleanField(_l("Label the distributed documents as 附件"))
    # The elements above the mark and around the number (GB/T 9704 §7.2)
    urgency = SelectField(_l("Urgency (紧急程度)"), choices=options(URGENCY_TITLES.items()), default="")
    copy_numbers = BooleanField(
        _l("Number each unit's copy (份号)"), description=_l("Each unit's download carries its own six-digit number.")
    )
    classification = SelectField(
        _l("Classification (密级)"),
        choices=options([("", _l("Not classified")), *((c, c) for c in CLASSIFICATIONS)]),
        default="",
        validators=[NotClassifiedHere()],
    )
    classification_period = StringField(
        _l("Period (保密期限)"),
        description=_l("For example 1年; printed as 秘密★1年."),
        filters=[strip_spaces],
        validators=[Optional(), Length(max=20), DocumentSafe()],
    )
    upward = BooleanField(
        _l("To a higher organ (上行文: 请示, 报告)"),
        description=_l("The number moves left and 签发人 prints on its right."),
    )
    signers_text = StringField(
        _l("签发人, in order"),
        description=_l("Separated by 、. Whoever signs (签发) the notice is added."),
        filters=[strip_spaces],
        validators=[Optional(), Length(max=500), DocumentSafe()],
    )
    joint_organs_text = TextAreaField(
        _l("Joint issuing organs (联合行文)"),
        description=_l(
            "The other organs, one per line, after this one; after a colon, who signed for it: 乌海市财政局：李明"
        ),
        filters=[strip_spaces],
        validators=[Optional(), Length(max=2000), DocumentSafe()],
    )
    disclosure = SelectField(_l("Disclosure (公开属性)"), choices=options(DISCLOSURE_TITLES.items()), default="")
    disclosure_reason = StringField(
        _l("Reason for not disclosing"),
        filters=[strip_spaces],
        validators=[ReasonForWithholding(), Length(max=500), DocumentSafe()],  # not Optional(): it clears the refusal
    )
    # A 纪要's meeting
    meeting_date = DateField(_l("Meeting date"), validators=[Optional()])
    meeting_place = StringField(
        _l("Place"), filters=[strip_spaces], validators=[Optional(), Length(max=200), DocumentSafe()]
    )
    meeting_chair = StringField(
        _l("Chaired by"), filters=[strip_spaces], validators=[Optional(), Length(max=200), DocumentSafe()]
    )
    meeting_attendees = TextAreaField(
        _l("Present (出席)"),
        description=_l("Names (with their units), separated by 、"),
        filters=[strip_spaces],
        validators=[Optional(), Length(max=4000), DocumentSafe()],
    )
    meeting_observers = TextAreaField(
        _l("Sitting in (列席)"), filters=[strip_spaces], validators=[Optional(), Length(max=4000), DocumentSafe()]
    )
    meeting_absent = TextAreaField(
        _l("Excused (请假)"), filters=[strip_spaces], validators=[Optional(), Length(max=4000), DocumentSafe()]
    )
    reply_fields = FieldList(FormField(ReplyFieldForm), min_entries=0, max_entries=MAX_REPLY_FIELDS)
    ack_due_on = DateField(
        _l("Units acknowledge by (签收期限)"),
        validators=[Optional()],
        description=_l("After this day, units that have not acknowledged show as overdue."),
    )
    version = HiddenField()
    import_file = FileField(_l("Import the text from a .docx written in Word or WPS"))
    import_target = SelectField(
        _l("Import into"),
        default="notice",
        validate_choice=False,  # only read by the import action, which falls back to "notice"
        choices=options(
            [
                ("notice", _l("this notice (title, addressees, text, signature)")),
                ("document", _l("a new distributed document")),
            ]
        ),
    )


class StepForm(FlaskForm):
    comment = TextAreaField(
        _l("Comment"), filters=[strip_spaces], validators=[Optional(), Length(max=5000), DocumentSafe()]
    )


class CountersignAnswerForm(FlaskForm):
    """A section's answer to a 会签 request: the button pressed says agree or disagree."""

    answer = HiddenField(validators=[InputRequired(), AnyOf(["agree", "disagree"])])
    comment = TextAreaField(
        _l("Comment"), filters=[strip_spaces], validators=[Optional(), Length(max=5000), DocumentSafe()]
    )


class SeriesChainForm(FlaskForm):
    """The steps a series' notices go through (the admin's choice)."""

    review_count = SelectField(
        _l("核稿 (review)"),
        coerce=int,
        choices=options([(1, _l("By one reviewer")), (2, _l("By two reviewers, one after the other"))]),
    )
    countersign = SelectField(
        _l("会签 (countersign)"), choices=options((k.value, v) for k, v in COUNTERSIGNING_TITLES.items())
    )


class SeriesCounterForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(min=1990, max=2200)])
    next_serial = IntegerField(_l("Next serial"), validators=[InputRequired(), NumberRange(min=1, max=100000)])


class NewSeriesForm(FlaskForm):
    """A document series of the admin's organ: its code (海南教发), its name and the red mark it prints."""

    organ_code = StringField(
        _l("Code (发文机关代字)"),
        description=_l("As the number prints it before the year: 海南教发 gives 海南教发〔2026〕1号."),
        validators=[DataRequired(), Length(max=40), DocumentSafe()],
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200), DocumentSafe()])
    header_mark = StringField(
        _l("Red mark (发文机关标志)"),
        description=_l("For example: 海南区教育局文件"),
        validators=[DataRequired(), Length(max=200), DocumentSafe()],
    )


class NoticeFilterForm(Form):
    """The list's filters: a plain GET form (no CSRF needed for reading)."""

    status = SelectField(
        _l("Status"),
        choices=options([("", _l("All"))] + [(k.value, v) for k, v in STATUS_TITLES.items()]),
        validators=[Optional()],
    )
    series_id = SelectField(_l("Series"), coerce=lambda v: int(v) if v else None, validators=[Optional()])
    year = SelectField(_l("Year"), coerce=lambda v: int(v) if v else None, validators=[Optional()])
    q = StringField(_l("Words in the title"), filters=[strip_spaces], validators=[Optional(), Length(max=100)])


class AttachmentForm(FlaskForm):
    title = StringField(
        _l("Attachment name (as the 附件说明 lists it)"),
        filters=[strip_spaces],
        validators=[DataRequired(), Length(max=200), DocumentSafe()],
    )
    file = FileField(_l("File (PDF, Word, Excel, PowerPoint, OFD, image or zip)"))
    print_as_pages = BooleanField(
        _l("Print it after the text as 附件 pages (Word or PDF)"),
        description=_l("Otherwise it is a separate download, named in the 附件说明."),
    )


class DocumentTranslationForm(Form):
    """A distributed document in the translation's words (inside the translation form: no CSRF of its own)."""

    title = TextAreaField(
        _l("Title of the distributed document"), validators=[Optional(), Length(max=2000), DocumentSafe()]
    )
    body = TextAreaField(_l("Text"), validators=[Optional(), Length(max=MAX_BODY), DocumentSafe()])


class TranslationForm(FlaskForm):
    """The Mongolian version. No filters: every character is kept as typed (U+202F, U+180B–U+180F).

    What is left empty prints as the Chinese version has it (附件说明's names, 附注, 抄送, 印发机关); a distributed
    document left empty is not printed in the Mongolian version.
    """

    title = TextAreaField(_l("Title"), validators=[DataRequired(), Length(max=1000), DocumentSafe()])
    addressee_text = TextAreaField(_l("Addressees"), validators=[Optional(), Length(max=2000), DocumentSafe()])
    body = TextAreaField(_l("Text"), validators=[Optional(), Length(max=MAX_BODY), DocumentSafe()])
    signature_organ = TextAreaField(
        _l("Signature organ (发文机关署名)"), validators=[Optional(), Length(max=500), DocumentSafe()]
    )
    attachment_titles = TextAreaField(
        _l("Attachment names (附件说明), one a line"),
        validators=[Optional(), Length(max=5000), DocumentSafe()],
        description=_l("In the order of the notice's attachments; an empty line keeps the Chinese name."),
    )
    note = TextAreaField(_l("Note (附注)"), validators=[Optional(), Length(max=2000), DocumentSafe()])
    cc_text = TextAreaField(_l("Copy to (抄送)"), validators=[Optional(), Length(max=4000), DocumentSafe()])
    imprint_organ = TextAreaField(
        _l("Imprint organ (印发机关)"), validators=[Optional(), Length(max=500), DocumentSafe()]
    )
    documents = FieldList(FormField(DocumentTranslationForm), min_entries=0)
    needs_review = BooleanField(_l("Needs a native reader's review"), default=True)
    review_note = TextAreaField(_l("Note for the reviewer"), validators=[Optional(), Length(max=2000), DocumentSafe()])
