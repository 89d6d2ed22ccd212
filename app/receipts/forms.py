from __future__ import annotations

import json
import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, StopValidation, ValidationError
from wtforms.widgets import DateInput, NumberInput, TelInput

from app.core.forms import MultiCheckboxField
from app.core.validators import DocumentSafe, strip_spaces

# A phone number as units write them: 0473-1234567, +86 139 4730 0000, (0473)1234567; 7 to 20 characters.
_PHONE = re.compile(r"^[0-9+\-\s()（）]{7,20}$")
_NUMBER = re.compile(r"^[+-]?[0-9]+(\.[0-9]+)?$")


def field_name(key: str) -> str:
    """The form field of a reply field: reply_f1 for key f1."""
    return f"reply_{key}"


def _halfwidth(value):
    """Full-width digits and signs (１２，＋８６) as ASCII: what a Chinese input method types is still a number."""
    return unicodedata.normalize("NFKC", value) if isinstance(value, str) else value


class _Number:
    def __call__(self, form, field):
        if not _NUMBER.match(field.data or ""):
            raise ValidationError(_l("Give a number, such as 12 or 3.5."))


class _Phone:
    def __call__(self, form, field):
        value = field.data or ""
        if not _PHONE.match(value) or sum(ch.isdigit() for ch in value) < 7:
            raise ValidationError(_l("Give a phone number: 7 to 20 digits, spaces, +, - or parentheses."))


class _IsoDate:
    def __call__(self, form, field):
        try:
            date.fromisoformat(field.data or "")
        except ValueError:
            raise ValidationError(_l("Give a date, such as 2023-09-01.")) from None


class _FileRequired:
    """A file chosen (flask_wtf's FileRequired says so in English only)."""

    def __init__(self, message):
        self.message = message
        self.field_flags = {"required": True}

    def __call__(self, form, field):
        if not (field.data and getattr(field.data, "filename", "")):
            raise StopValidation(self.message)


def _required(spec: dict) -> list:
    message = _l("Fill in “%(label)s”.", label=spec["label"])
    if spec["type"] == "file":
        return [_FileRequired(_l("Choose the file for “%(label)s”.", label=spec["label"]))]
    return [InputRequired(message=message)] if spec.get("required") else [Optional()]


def _reply_field(spec: dict):
    """The input of one field of the notice's reply, of its type (app.notices.models.REPLY_FIELD_TYPES)."""
    label, kind, checks = spec["label"], spec["type"], _required(spec)
    if kind == "file":
        return FileField(label, validators=checks if spec.get("required") else [])
    if kind == "number":
        return StringField(
            label, widget=NumberInput(step="any"), filters=[_halfwidth, strip_spaces], validators=[*checks, _Number()]
        )
    if kind == "phone":
        return StringField(label, widget=TelInput(), filters=[_halfwidth, strip_spaces], validators=[*checks, _Phone()])
    if kind == "date":
        return StringField(label, widget=DateInput(), filters=[strip_spaces], validators=[*checks, _IsoDate()])
    return TextAreaField(label, filters=[strip_spaces], validators=[*checks, Length(max=2000), DocumentSafe()])


class ReceiptForm(FlaskForm):
    """签收, with the reply (回执) when the notice asks for one: see receipt_form."""

    reply_specs: list[dict] = []

    def reply_inputs(self) -> list[tuple[dict, object]]:
        """(the field as the notice asks it, its input), in the notice's order."""
        return [(spec, self[field_name(spec["key"])]) for spec in self.reply_specs]

    @property
    def has_files(self) -> bool:
        return any(spec["type"] == "file" for spec in self.reply_specs)

    def reply_values(self) -> dict[str, object]:
        """What was typed, by key, as the reply keeps it: a number as a number, nothing for an empty field."""
        values = {}
        for spec, field in self.reply_inputs():
            if spec["type"] == "file" or not field.data:
                continue
            values[spec["key"]] = _as_number(field.data) if spec["type"] == "number" else field.data
        return values

    def uploads(self) -> dict[str, object]:
        """The chosen files, by key (werkzeug FileStorage)."""
        return {
            spec["key"]: field.data
            for spec, field in self.reply_inputs()
            if spec["type"] == "file" and field.data and getattr(field.data, "filename", "")
        }


def _as_number(text: str) -> int | float:
    try:
        number = Decimal(text)
    except InvalidOperation:  # the form has checked it; this is the last word
        return 0
    return int(number) if number == number.to_integral_value() else float(number)


def receipt_form(reply_fields: list[dict] | None, **kwargs) -> ReceiptForm:
    """The 签收 form of one notice: one input per field its reply asks for, of the field's type."""
    specs = [spec for spec in (reply_fields or []) if spec.get("key") and spec.get("label")]
    return _receipt_form_class(json.dumps(specs, sort_keys=True, ensure_ascii=False))(**kwargs)


@lru_cache(maxsize=256)
def _receipt_form_class(specs_json: str) -> type[ReceiptForm]:
    """A form class per reply (WTForms fields are declared on the class, and each notice asks for its own), made once
    for each: an issued notice's reply never changes, and making a class cost more than the rest of a receipt."""
    specs = json.loads(specs_json)

    class NoticeReceiptForm(ReceiptForm):
        reply_specs = specs

    for spec in specs:
        setattr(NoticeReceiptForm, field_name(spec["key"]), _reply_field(spec))
    return NoticeReceiptForm


class ReminderForm(FlaskForm):
    message = TextAreaField(
        _l("Message"), filters=[strip_spaces], validators=[Optional(), Length(max=1000), DocumentSafe()]
    )
    unit_ids = MultiCheckboxField(_l("Only these units"), coerce=int, validate_choice=False)


class SupplementForm(FlaskForm):
    """补发: the units to send an issued notice to, ticked one by one or a whole group at once."""

    unit_ids = MultiCheckboxField(_l("Units"), coerce=int, validate_choice=False)
    whole_groups = MultiCheckboxField(_l("Whole groups"), validate_choice=False)
    q = StringField(_l("Find a unit"), filters=[strip_spaces], validators=[Optional(), Length(max=100)])
