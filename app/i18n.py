"""Language choice: the user's saved choice, else the browser's Accept-Language.

Locales are Babel identifiers; the page's lang attribute uses the BCP 47 form.
"""

from datetime import date, datetime

from flask import has_request_context, request
from flask_babel import format_date as babel_format_date
from flask_babel import format_datetime as babel_format_datetime
from flask_babel import get_locale
from flask_login import current_user

from app.core.dates import cn_date, mn_date
from app.core.time import CHINA

LOCALES = {
    # identifier: (BCP 47 tag for <html lang>, name shown in the language picker)
    "zh_Hans_CN": ("zh-Hans-CN", "中文"),
    "mn_Mong_CN": ("mn-Mong-CN", "ᠮᠣᠩᠭᠣᠯ"),
    "en": ("en", "English"),
}
DEFAULT_LOCALE = "zh_Hans_CN"
# What a browser says (first subtag) to the locale we serve.
_BROWSER_LANGUAGES = {"zh": "zh_Hans_CN", "mn": "mn_Mong_CN", "en": "en"}


def locale_from_accept_language(header_languages) -> str:
    """mn → Mongolian, en → English, otherwise Chinese, in the browser's order of preference."""
    for language, _quality in header_languages:
        primary = language.replace("_", "-").split("-")[0].lower()
        if primary in _BROWSER_LANGUAGES:
            return _BROWSER_LANGUAGES[primary]
    return DEFAULT_LOCALE


def select_locale() -> str:
    if not has_request_context():  # commands and background work speak the default language
        return DEFAULT_LOCALE
    if current_user and current_user.is_authenticated and current_user.locale in LOCALES:
        return current_user.locale
    return locale_from_accept_language(request.accept_languages)


def select_timezone() -> str | None:
    return None  # the bureau's zone, BABEL_DEFAULT_TIMEZONE


def template_helpers() -> dict:
    locale = str(get_locale() or DEFAULT_LOCALE)
    return {
        "html_lang": LOCALES.get(locale, LOCALES[DEFAULT_LOCALE])[0],
        "is_mongolian": locale.startswith("mn"),
        "locales": LOCALES,
        "current_locale": locale,
    }


def format_date(value: date | datetime | None) -> str:
    """A date in the interface language."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(CHINA).date()
    locale = str(get_locale() or DEFAULT_LOCALE)
    if locale.startswith("mn"):
        return mn_date(value)
    if locale.startswith("zh"):
        return cn_date(value)
    return babel_format_date(value, "medium")


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(CHINA)
    locale = str(get_locale() or DEFAULT_LOCALE)
    if locale.startswith("mn"):
        return f"{mn_date(local.date())} {local:%H:%M}"
    if locale.startswith("zh"):
        return f"{cn_date(local.date())} {local:%H:%M}"
    return babel_format_datetime(value, "medium")


def register_filters(app) -> None:
    app.add_template_filter(cn_date, "cn_date")
    app.add_template_filter(format_date, "format_date")
    app.add_template_filter(format_datetime, "format_datetime")
