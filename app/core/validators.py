"""Input checks shared by every form."""

import re

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

# Characters XML 1.0 cannot hold (so a .docx cannot either), and lone surrogates.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def find_forbidden_character(value: str) -> int | None:
    match = _XML_FORBIDDEN.search(value or "")
    return match.start() if match else None


class DocumentSafe:
    """Refuse characters that no Word document can contain, saying where they are."""

    def __call__(self, form, field):
        position = find_forbidden_character(field.data or "")
        if position is not None:
            raise ValidationError(
                _l(
                    "Character %(code)s at position %(pos)d cannot appear in a document; please remove it.",
                    code=f"U+{ord(field.data[position]):04X}",
                    pos=position + 1,
                )
            )


def strip_spaces(value):
    """Trim ASCII spaces and line ends only.

    str.strip() would also eat U+202F and U+180E, which change Mongolian letter
    forms; Mongolian fields are never trimmed at all.
    """
    if isinstance(value, str):
        return value.strip(" \t\r\n")
    return value
