"""Site settings an admin confirms (the separation of duties, the classified network, where 公开属性 prints), with
their defaults.

A key-value table read by the code that needs a setting; the page that edits them is app/admin.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from app.core.audit import record
from app.core.time import utcnow
from app.core.types import UTCDateTime
from app.extensions import db


class Setting(db.Model):
    """A site setting an admin confirms (the separation of duties)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<Setting {self.key}>"


# The bureau's seal is the authority for the Mongolian spelling, so it is the organ's
# admin who confirms it (Organ.name_mn), never code. This composed form (U+202F before the suffixes
# ᠶᠢᠨ and ᠦᠨ, U+180E in ᠲᠣᠪᠴᠢᠶ᠎ᠠ) is the default until they do.
DEFAULT_ORGAN_NAME_MN = "ᠦᠬᠠᠢ ᠬᠣᠲᠠ\u202fᠶᠢᠨ ᠰᠤᠷᠭᠠᠨ ᠬᠦᠮᠦᠵᠢᠯ\u202fᠦᠨ ᠲᠣᠪᠴᠢᠶ\u180eᠠ"

# Each organ's header (its Mongolian name, the order of the two scripts) is the organ's own: app/units Organ.
DEFAULTS = {
    # Nobody reviews (核稿) or signs (签发) their own work, nor signs what they reviewed: strict | review_and_sign |
    # none (app/notices/services.py, Separation). A small bureau where one leader must do both relaxes it.
    "separation_of_duties": "strict",
    # 1 only on a network approved for classified documents (涉密网络): then 密级 秘密 and above may be set and print.
    "classified_network": "0",
    # Where 公开属性 prints: "note" (in the 附注's place, under the date) or "imprint" (a line above the 版记).
    "disclosure_position": "note",
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
