"""The three district bureaus as organs of their own: 海勃湾区, 乌达区 and 海南区 each issue under their own red header
and series, to the schools they run, with a staff of one person per role. INVENTED FOR THE DEMO, like
app/demo/in_hand.py, but for the names of the bureaus' heads, who sign their notices (the seed's roster names them).
tests/helpers/organs.py makes the same organs, series, groups and accounts, by the same names, for the datasets
that lack them.

The Mongolian names follow the city's (app/core/settings.DEFAULT_ORGAN_NAME_MN: 乌海, 市 with its genitive,
教育局): the place name, ᠲᠣᠭᠣᠷᠢᠭ (区) with its genitive ᠤᠨ after U+202F, then the city's words for 教育局 as
they stand (U+202F before ᠦᠨ, U+180E in ᠲᠣᠪᠴᠢᠶ᠎ᠠ). The place names are transcribed from the Chinese and could
not be checked here against the bureaus' seals, which are the authority: name_mn_confirmed stays False until each
organ's admin confirms its name.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.access import Role

# 教育局, word for word as the city's name has it.
_BUREAU_MN = "ᠰᠤᠷᠭᠠᠨ ᠬᠦᠮᠦᠵᠢᠯ\u202fᠦᠨ ᠲᠣᠪᠴᠢᠶ\u180eᠠ"
# 区 and its genitive (toɣoriɣ-un), as the city's ᠬᠣᠲᠠ‹U+202F›ᠶᠢᠨ (qota-yin) has its.
_DISTRICT_OF_MN = "ᠲᠣᠭᠣᠷᠢᠭ\u202fᠤᠨ"


@dataclass(frozen=True)
class District:
    code: str  # the district bureau's unit code (app/demo/seed_data.DISTRICT_BUREAUS)
    series: str  # its 发文字号's organ code
    mark: str  # its red-header mark
    group: str  # the group of the schools it runs, its addressees
    name_mn: str
    # Its people, one a role, each in the district bureau itself (so that a clerk's inbox is the district's):
    # role → display name.
    staff: dict[Role, str]

    def username(self, role: Role) -> str:
        return f"{role.value}_{self.code}"


DISTRICTS = (
    District(
        code="haibowan",
        series="海教发",
        mark="海勃湾区教育局文件",
        group="海勃湾区各学校",
        name_mn=f"ᠬᠠᠶᠢᠪᠤᠸᠠᠩ {_DISTRICT_OF_MN} {_BUREAU_MN}",  # Qayibuwang
        staff={
            Role.secretary: "孙秘书",
            Role.reviewer: "周主任",
            Role.signer: "张春萍",
            Role.staff: "吴科员",
            Role.admin: "海勃湾区系统管理员",
        },
    ),
    District(
        code="wuda",
        series="乌达教发",
        mark="乌达区教育局文件",
        group="乌达区各学校",
        name_mn=f"ᠦᠳᠠ {_DISTRICT_OF_MN} {_BUREAU_MN}",  # Üda
        staff={
            Role.secretary: "郑秘书",
            Role.reviewer: "冯主任",
            Role.signer: "韩纬华",
            Role.staff: "陈科员",
            Role.admin: "乌达区系统管理员",
        },
    ),
    District(
        code="hainan",
        series="海南教发",
        mark="海南区教育局文件",
        group="海南区各学校",
        name_mn=f"ᠬᠠᠶᠢᠨᠠᠨ {_DISTRICT_OF_MN} {_BUREAU_MN}",  # Qayinan
        staff={
            Role.secretary: "杨秘书",
            Role.reviewer: "朱主任",
            Role.signer: "徐恩勇",
            Role.staff: "何科员",
            Role.admin: "海南区系统管理员",
        },
    ),
)
