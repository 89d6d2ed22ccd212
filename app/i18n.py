"""Language choice: the user's saved choice, else the browser's Accept-Language.

Locales are Babel identifiers; the page's lang attribute uses the BCP 47 form.
"""
from flask import request
from flask_babel import get_locale
from flask_login import current_user

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
