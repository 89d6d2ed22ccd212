"""demo load holds what the seed holds, and loading it twice changes nothing."""

from sqlalchemy import func, select

from app.demo.loader import load_demo
from app.extensions import db
from app.notices.models import Notice
from app.rosters.models import LeadingGroup, Membership
from app.tasks.models import Pairing, Task
from app.units.models import Unit, UnitGroup
from tests.helpers.accounts import DEMO_PASSWORD
from tests.helpers.notices import seed_notice


def _snapshot():
    """Every row of every table, as plain tuples."""
    rows = {}
    for table in db.metadata.sorted_tables:
        rows[table.name] = sorted(tuple(map(str, r)) for r in db.session.execute(select(table)).all())
    return rows


def test_loading_twice_leaves_the_same_rows(demo):
    with demo.app_context():
        before = _snapshot()
        load_demo(DEMO_PASSWORD)
        assert _snapshot() == before


def test_units_the_seed_names_exist(demo):
    with demo.app_context():
        short_names = set(db.session.scalars(select(Unit.short_name)))
        names = set(db.session.scalars(select(Unit.name)))
    for school in [
        "市一中",
        "市二中",
        "三中",
        "四中",
        "五中",
        "市六中",
        "八中",
        "九中",
        "市十中",
        "十二中",
        "十六中",
        "十八中",
        "十九中",
        "乌达区实验中学",
    ]:
        assert school in short_names, school
    for unit in ["乌海市教育局", "海勃湾区教育局", "乌达区教育局", "海南区教育局", "乌海市教育局办公室"]:
        assert unit in names, unit


def test_both_directly_run_and_district_run_schools_exist(demo):
    with demo.app_context():
        schools = db.session.scalars(select(Unit).where(Unit.kind == "school")).all()
        parents = {s.parent.kind for s in schools}
    assert parents == {"bureau", "district_bureau"}


def test_the_three_recipient_groups_reach_the_right_units(demo):
    with demo.app_context():
        groups = {g.name: g for g in db.session.scalars(select(UnitGroup))}
        assert [u.name for u in groups["各区教育局"].resolve_units()] == [
            "海勃湾区教育局",
            "乌达区教育局",
            "海南区教育局",
        ]
        direct = groups["直属各学校（单位）"].resolve_units()
        assert {u.kind for u in direct} == {"school", "direct_unit"}
        assert all(u.parent.code == "bureau" for u in direct)
        assert all(u.kind == "section" for u in groups["局机关各科室"].resolve_units())


def test_the_roster_holds_the_eight_named_people_with_their_titles(demo):
    expected = [
        ("组长", "董跃飞", "市教育局党组书记、局长"),
        ("副组长", "肖西田", "市教育局党组成员、副局长，总督学"),
        ("副组长", "张志贤", "市教育局党组成员、副局长"),
        ("副组长", "王梦云", "市教育局党组成员、副局长"),
        ("副组长", "郭亚东", "市教育局党组成员、副局长"),
        ("副组长", "张春萍", "海勃湾区教育局党组书记、局长"),
        ("副组长", "韩纬华", "乌达区教育局党组书记、局长"),
        ("副组长", "徐恩勇", "海南区教育局党组书记、局长"),
    ]
    with demo.app_context():
        group = db.session.scalar(select(LeadingGroup))
        assert group.name == "乌海市一体化推进全市义务教育扩优提质工作领导小组"
        members = db.session.scalars(
            select(Membership).where(Membership.group_id == group.id).order_by(Membership.sort_order)
        ).all()
        named = [(m.role, m.person_name, m.title) for m in members if m.person_name]
        assert named == expected
        described = [m for m in members if not m.person_name]
        assert [(m.role, m.description) for m in described] == [
            ("成员", "各高中学校书记、校长、各直属单位负责人、市教育局各科室负责人")
        ]


def test_the_notice_has_its_number_title_and_the_measures(demo):
    with demo.app_context():
        notice = seed_notice()
        assert notice.number == "乌教发〔2023〕75号"
        assert notice.title == "乌海市教育局关于印发《乌海市一体化推进全市义务教育扩优提质若干措施》的通知"
        assert notice.addressee_text == "各区教育局、直属各学校（单位）、局机关各科室："
        assert notice.status == "issued"
        assert [e.action for e in notice.events][-3:] == ["approved", "signed", "issued"]
        assert "returned" in [e.action for e in notice.events]
        (document,) = notice.documents
        assert document.title == "乌海市一体化推进全市义务教育扩优提质若干措施"
        body = document.body
        for repaired in [
            "教育费附加30%资金",
            "优质均衡评估创建",
            "共建小组",
            "《乌海市中小学教学常规》的有效落实",
            "引导家长树立正确的",
        ]:
            assert repaired in body, repaired
        assert "（一）推动党的建设与教育教学深度融合，实施党建引领行动" in body


def test_the_eleven_measures_are_tasks_with_their_sub_items_and_lead_units(demo):
    with demo.app_context():
        measures = db.session.scalars(
            select(Task).where(Task.code.in_([str(n) for n in range(1, 12)])).order_by(Task.sort_order)
        ).all()
        assert [m.code for m in measures] == [str(n) for n in range(1, 12)]
        assert measures[0].title == "发挥中小学校党组织领导作用"
        assert all(m.lead_unit is not None for m in measures)
        counts = {m.code: sum(1 for c in m.children if "结对" not in c.code) for m in measures}
        assert counts == {"1": 2, "2": 3, "3": 3, "4": 5, "5": 6, "6": 3, "7": 4, "8": 3, "9": 3, "10": 3, "11": 0}
        item = db.session.scalar(select(Task).where(Task.code == "4-5"))
        assert item.description.startswith("五是督促落实三区留用的教育费附加30%资金")


def test_the_pairings_of_measure_8(demo):
    with demo.app_context():
        pairings = {
            p.high_school.short_name: [m.short_name for m in p.middle_schools]
            for p in db.session.scalars(select(Pairing))
        }
    assert pairings == {
        "市一中": ["市二中", "三中", "四中", "十八中", "十九中"],
        "市六中": ["五中", "八中", "九中", "十八中"],
        "市十中": ["十二中", "十六中", "乌达区实验中学"],
    }


def test_the_series_continues_after_75(demo):
    """After the seed's 75 and the specimens the demo issues in 2023 under 乌教发 (76, 80–82, 90–93), the next is 94;
    its 函 and 纪要 are counted in their own series."""
    from app.notices.models import DocumentSeries, SerialCounter

    with demo.app_context():
        series = {s.organ_code: s.id for s in db.session.scalars(select(DocumentSeries))}

        def serials(code):
            query = select(Notice.serial).where(Notice.year == 2023, Notice.series_id == series[code])
            return db.session.scalars(query.order_by(Notice.serial)).all()

        def next_serial(code):
            key = (series[code], 2023)
            return db.session.get(SerialCounter, key).next_serial

        assert serials("乌教发") == [75, 76, 80, 81, 82, 90, 91, 92, 93] and next_serial("乌教发") == 94
        assert (serials("乌教函"), next_serial("乌教函")) == ([15], 16)
        assert (serials("乌教纪"), next_serial("乌教纪")) == ([5], 6)


def test_demo_accounts_lists_every_account_in_the_contract_format(demo):
    runner = demo.test_cli_runner()
    result = runner.invoke(args=["demo", "accounts"])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    with demo.app_context():
        from app.auth.models import User

        assert len(lines) == db.session.scalar(select(func.count(User.id)))
    rows = [line.split("\t") for line in lines]
    assert all(len(r) == 3 for r in rows)
    roles = {role for r in rows for role in r[1].split(",")}
    assert {"admin", "secretary", "reviewer", "signer", "staff", "clerk"} <= roles
    assert ["admin", "admin", "乌海市教育局办公室"] in rows
    assert ["clerk_no3_middle", "clerk", "乌海市第三中学"] in rows


def test_demo_load_command_twice_through_the_cli(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "load", "--password", "pw-123456"]).exit_code == 0
    with app.app_context():
        count = db.session.scalar(select(func.count(Unit.id)))
    assert runner.invoke(args=["demo", "load", "--password", "pw-123456"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(Unit.id))) == count


def test_demo_scale_adds_schools_with_clerks_and_distributed_notices(demo):
    from app.receipts.models import Distribution

    runner = demo.test_cli_runner()
    result = runner.invoke(args=["demo", "scale", "--units", "5", "--notices", "3"])
    assert result.exit_code == 0, result.output
    with demo.app_context():
        assert db.session.scalar(select(func.count(Unit.id)).where(Unit.code.like("scale_%"))) == 5
        scale_notices = db.session.scalars(select(Notice).where(Notice.title.like("关于测试通知%"))).all()
        assert len(scale_notices) == 3
        assert (
            db.session.scalar(
                select(func.count(Distribution.id)).where(Distribution.notice_id.in_([n.id for n in scale_notices]))
            )
            == 15
        )
    accounts = runner.invoke(args=["demo", "accounts"]).output
    assert "clerk_scale_0005\tclerk\t测试学校0005" in accounts


def test_the_notice_has_a_mongolian_version_marked_for_review(demo):
    from app.demo.seed_data import NOTICE_MN

    with demo.app_context():
        notice = seed_notice()
        (translation,) = notice.translations
        assert translation.language == "mn" and translation.needs_review
        assert "native reader" in translation.review_note
        assert translation.title == NOTICE_MN["title"] and translation.addressee_text == NOTICE_MN["addressee_text"]
        assert translation.body.startswith(NOTICE_MN["cover_text"])
        for char in ("\u202f", "\u180e"):
            assert char in translation.title
