"""Language choice: the user's saved choice, else the browser's Accept-Language.

Locales are Babel identifiers; the page's lang attribute uses the BCP 47 form.
"""

from datetime import date, datetime

from babel import support
from flask import has_request_context, request
from flask_babel import Domain, get_babel, get_locale, get_translations
from flask_babel import _get_current_context as _babel_context
from flask_babel import format_date as babel_format_date
from flask_babel import format_datetime as babel_format_datetime
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

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


class _RequestDomain(Domain):
    """Flask-Babel's message domain, finding the request's translations once instead of for every string.

    Flask-Babel looks them up again for each of the fifty-odd strings a page translates (its context, the locale,
    the cache key made of it: 11 µs a string, more than the page's own SQL). Here the first lookup is kept in
    Flask-Babel's context as ``babel_translations``, the name its ``refresh()`` and ``force_locale()`` already clear
    and restore, so a change of language within a request is still seen at once.
    """

    def get_translations(self):
        ctx = _babel_context()
        if ctx is None:
            return support.NullTranslations()
        translations = getattr(ctx, "babel_translations", None)
        if translations is None:
            translations = ctx.babel_translations = super().get_translations()
        return translations


# The templates' _(), gettext() and ngettext(), as Jinja's i18n extension makes them with newstyle=True (escaped when
# the template is, then formatted with the named placeholders), in one call instead of three nested ones.


@pass_context
def _template_gettext(context, string, **variables):
    text = get_translations().ugettext(string)
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables


@pass_context
def _template_ngettext(context, singular, plural, num, **variables):
    variables.setdefault("num", num)
    text = get_translations().ungettext(singular, plural, num)
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables


def register_filters(app) -> None:
    """The template filters for dates; and translations looked up once a request (_RequestDomain), which the
    templates' _() (called directly) and Python's gettext both go through."""
    babel = get_babel(app).instance
    babel.domain_instance = _RequestDomain(domain=get_babel(app).default_domain)
    app.jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext)
    app.add_template_filter(cn_date, "cn_date")
    app.add_template_filter(format_date, "format_date")
    app.add_template_filter(format_datetime, "format_datetime")
