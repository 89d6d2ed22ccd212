"""Site settings an admin confirms, with their defaults."""

from sqlalchemy import select

from app.admin.models import Setting
from app.audit.services import record
from app.extensions import db

# The bureau's seal is the authority for the Mongolian spelling, so it is a setting
# an admin confirms, never code. This composed form (U+202F before the suffixes
# ᠶᠢᠨ and ᠦᠨ, U+180E in ᠲᠣᠪᠴᠢᠶ᠎ᠠ) is the default until they do.
DEFAULT_ORGAN_NAME_MN = "ᠦᠬᠠᠢ ᠬᠣᠲᠠ\u202fᠶᠢᠨ ᠰᠤᠷᠭᠠᠨ ᠬᠦᠮᠦᠵᠢᠯ\u202fᠦᠨ ᠲᠣᠪᠴᠢᠶ\u180eᠠ"

DEFAULTS = {
    "organ_name_mn": DEFAULT_ORGAN_NAME_MN,
    "organ_name_mn_confirmed": "0",
    # The seed notice prints the Chinese mark first, then the Mongolian line.
    "header_order": "zh_first",
}


def get_setting(key: str) -> str:
    value = db.session.scalar(select(Setting.value).where(Setting.key == key))
    return DEFAULTS.get(key, "") if value is None else value


def all_settings() -> dict[str, str]:
    stored = {s.key: s.value for s in db.session.scalars(select(Setting))}
    return {key: stored.get(key, default) for key, default in DEFAULTS.items()}


def save_settings(actor, values: dict[str, str]) -> None:
    for key, value in values.items():
        if key not in DEFAULTS:
            raise KeyError(key)
        setting = db.session.get(Setting, key) or Setting(key=key)
        setting.value = value
        db.session.add(setting)
    record(actor, "settings.update", object_type="Setting", keys=sorted(values))
    db.session.commit()
