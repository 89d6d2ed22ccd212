import re
from pathlib import Path

import pytest

from app.demo import seed_data

SEED = Path("/work/shared/seed/wujiaofa-2023-75.txt")

CJK = r"\u4e00-\u9fff\u3000-\u303f\uff00-\uffef“”"
ORDINALS = "一二三四五六七八九十"
EXPECTED_ITEM_COUNTS = {1: 2, 2: 3, 3: 3, 4: 5, 5: 6, 6: 3, 7: 4, 8: 3, 9: 3, 10: 3, 11: 0}
HEADING = re.compile(rf"^(?:[{ORDINALS}]+、|（[{ORDINALS}]+）)")

body_lines = seed_data.MEASURES_BODY.split("\n")


def all_measures():
    return [measure for action in seed_data.ACTIONS for measure in action["measures"]]


def all_units():
    return [
        seed_data.BUREAU,
        *seed_data.SECTIONS,
        *seed_data.DISTRICT_BUREAUS,
        *seed_data.SCHOOLS,
        *seed_data.DIRECT_UNITS,
    ]


def test_seven_actions_with_their_labels():
    assert [a["number"] for a in seed_data.ACTIONS] == list(range(1, 8))
    assert [a["label"] for a in seed_data.ACTIONS] == [f"（{n}）" for n in ORDINALS[:7]]


def test_eleven_measures_numbered_in_order():
    assert [m["number"] for m in all_measures()] == list(range(1, 12))


def test_sub_item_counts():
    assert {m["number"]: len(m["items"]) for m in all_measures()} == EXPECTED_ITEM_COUNTS


def test_each_item_starts_with_its_ordinal_and_holds_only_one():
    for measure in all_measures():
        for ordinal, item in zip(ORDINALS, measure["items"], strict=False):
            assert item.startswith(ordinal + "是"), (measure["number"], item[:10])
            assert item.endswith("。")
            assert not re.search(rf"。[{ORDINALS}]是", item), (measure["number"], item[:10])
        assert not re.search(rf"(?:^|。)[{ORDINALS}]是", measure["intro"])


def test_measure_11_is_all_intro():
    (measure,) = [m for m in all_measures() if m["number"] == 11]
    assert measure["intro"].startswith("对全市中小学师生进行基础数据采集")
    assert measure["intro"].endswith("促进学生全面发展提供参考。")


@pytest.mark.parametrize(
    "joined, broken",
    [
        ("教育费附加30%资金", "教育费附\n"),
        ("优质均衡评估创建", "优质均衡评\n"),
        ("组建共建小组，", "共建小\n"),
        ("《乌海市中小学教学常规》的有效落实", "》\n的有效落实"),
        ("引导家长树立正确的", "引导家长树\n"),
    ],
)
def test_page_break_splits_are_joined(joined, broken):
    assert seed_data.MEASURES_BODY.count(joined) == 1
    assert broken not in seed_data.MEASURES_BODY


def test_body_has_no_blank_line_and_no_markdown_heading():
    assert all(line.strip() == line and line for line in body_lines)
    assert "#" not in seed_data.MEASURES_BODY


def test_headings_in_order_and_without_bold_marks():
    headings = [line for line in body_lines if HEADING.match(line)]
    assert [h.split("、")[0] for h in headings if "、" in h[:3]] == list("一二三四五")
    assert headings[3] == "（一）推动党的建设与教育教学深度融合，实施党建引领行动"
    assert len(headings) == 5 + 7 + 3
    for heading in headings:
        assert "*" not in heading


def test_bold_leads_match_measure_titles():
    leads = [re.match(r"\*\*(\d+)\.([^*]+)。\*\*", line) for line in body_lines if line.startswith("**")]
    assert [(int(m[1]), m[2]) for m in leads] == [(m["number"], m["title"]) for m in all_measures()]
    # "**" appears only around the eleven leads.
    assert seed_data.MEASURES_BODY.count("**") == 2 * 11


def test_roster_placeholder_once_between_intro_and_section_five():
    assert seed_data.MEASURES_BODY.count("{{roster}}") == 1
    i = body_lines.index("{{roster}}")
    assert body_lines[i - 1].startswith("成立乌海市一体化推进全市义务教育扩优提质工作领导小组")
    assert body_lines[i + 1] == "五、工作要求"


def test_no_half_width_punctuation_or_spaces_next_to_chinese():
    body = seed_data.MEASURES_BODY
    assert not re.search(rf"[{CJK}][(),:;]|[(),:;][{CJK}]", body)
    assert not re.search(r"[\u4e00-\u9fff] +\d|\d +[\u4e00-\u9fff]", body)
    assert "2—3年" in body
    # The one space of the seed kept on purpose separates the two issuing organs of a joint document.
    assert re.findall(r"\s", body.replace("\n", "")) == [" "]
    assert "《乌海市委办公室 市人民政府办公室印发" in body
    assert "扩优提质 若干" not in seed_data.NOTICE["documents"][0]["title"]


def test_targets():
    assert seed_data.TARGETS[2023].startswith("2023年，全市义务教育阶段")
    assert seed_data.TARGETS[2024].startswith("2024年，各区均通过")
    assert seed_data.TARGETS[2023] in body_lines and seed_data.TARGETS[2024] in body_lines


def test_roster_members():
    members = seed_data.ROSTER["members"]
    named = [m for m in members if m["name"]]
    assert [m["name"] for m in named] == [
        "董跃飞",
        "肖西田",
        "张志贤",
        "王梦云",
        "郭亚东",
        "张春萍",
        "韩纬华",
        "徐恩勇",
    ]
    assert [m["role"] for m in named] == ["组长"] + ["副组长"] * 7
    assert [m["title"] for m in named] == [
        "市教育局党组书记、局长",
        "市教育局党组成员、副局长，总督学",
        *["市教育局党组成员、副局长"] * 3,
        "海勃湾区教育局党组书记、局长",
        "乌达区教育局党组书记、局长",
        "海南区教育局党组书记、局长",
    ]
    assert [m["unit"] for m in named[5:]] == ["haibowan", "wuda", "hainan"]
    assert members[-1]["role"] == "成员" and members[-1]["name"] is None
    assert members[-1]["description"] == "各高中学校书记、校长、各直属单位负责人、市教育局各科室负责人"
    assert seed_data.ROSTER["established_by"] == (
        seed_data.NOTICE["series"],
        seed_data.NOTICE["year"],
        seed_data.NOTICE["serial"],
    )


def test_unit_codes_unique_and_every_reference_resolves():
    codes = [u["code"] for u in all_units()]
    assert len(codes) == len(set(codes))
    referenced = {seed_data.ROSTER["owner"], *(m["unit"] for m in seed_data.ROSTER["members"])}
    referenced |= {u["parent"] for u in all_units() if u.get("parent")}
    for allocation in seed_data.MEASURE_LEADS.values():
        referenced |= {allocation["lead"], *allocation["cooperating"]}
    assert referenced - set(codes) == set()
    assert sorted(seed_data.MEASURE_LEADS) == list(range(1, 12))


def test_pairings_name_existing_schools_by_short_name():
    short_names = {s["short_name"]: s for s in seed_data.SCHOOLS}
    assert len(short_names) == len(seed_data.SCHOOLS)
    for pairing in seed_data.PAIRINGS:
        assert short_names[pairing["high"]]["level"] == "high"
        for middle in pairing["middles"]:
            assert short_names[middle]["level"] == "middle"
        assert pairing["subjects"] == ["语文", "数学", "英语", "政治", "物理"]
    assert [p["high"] for p in seed_data.PAIRINGS] == ["市一中", "市六中", "市十中"]


def test_middle_schools_both_direct_and_district_run():
    parents = {s["parent"] for s in seed_data.SCHOOLS if s["level"] == "middle"}
    assert "bureau" in parents and parents & {"haibowan", "wuda", "hainan"}


def test_notice_addresses_the_groups_in_order():
    assert seed_data.NOTICE["addressee_groups"] == [g["name"] for g in seed_data.GROUPS]
    assert seed_data.NOTICE["documents"][0]["body"] is seed_data.MEASURES_BODY


@pytest.mark.skipif(not SEED.exists(), reason="the seed notice is not on this machine")
def test_body_keeps_every_character_of_the_seed():
    """Apart from the repairs, the body is the seed text: compare both with layout noise removed."""
    text = SEED.read_text(encoding="utf-8")
    seed = text[text.index("为深入贯彻落实") :]
    seed = re.sub(r"\*\*组 长：.*?各科室负责人", "{{roster}}", seed, flags=re.S)

    def bare(s):
        return re.sub(r"[\s#*]", "", s).replace("(一)", "（一）")

    assert bare(seed_data.MEASURES_BODY) == bare(seed)
    assert seed_data.NOTICE["cover_text"] in text
    assert seed_data.NOTICE["title"] in text
    for member in seed_data.ROSTER["members"]:
        if member["name"]:
            assert re.search(rf"{member['name']}\s+{re.escape(member['title'])}\n", text), member["name"]
