"""Dates as official documents write them: 2023年8月15日, and the Mongolian-script form Babel cannot give."""

from datetime import date, datetime

from app.core.time import CHINA

_MN_MONTH = "ᠰᠠᠷ\u180eᠠ"  # ᠰᠠᠷ᠎ᠠ, month
_MN_YEAR_SUFFIX = "ᠣᠨ\u202fᠤ"  # ᠣᠨ ᠤ, "of the year"
_MN_GENITIVE = "\u202fᠶᠢᠨ"


def cn_date(value: date | datetime) -> str:
    """2023年8月15日: Arabic numerals, no leading zeros, as GB/T 9704 writes dates."""
    if isinstance(value, datetime):
        value = value.astimezone(CHINA).date()
    return f"{value.year}年{value.month}月{value.day}日"


def mn_date(value: date) -> str:
    """2023 ᠣᠨ ᠤ 8 ᠰᠠᠷ᠎ᠠ ᠶᠢᠨ 15: Babel's mn_Mong_CN has no date patterns, so this is ours."""
    return f"{value.year} {_MN_YEAR_SUFFIX} {value.month} {_MN_MONTH}{_MN_GENITIVE} {value.day}"
