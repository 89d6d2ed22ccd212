"""The district bureaus in the demo (app/demo/districts.py, app/demo/forwards.py): each an organ under the city with
its own series, its schools' group and its staff; 75号 forwarded by 海勃湾区 and 乌达区 to their schools, not (yet)
by 海南区."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from app.auth.models import User
from app.core.access import Role
from app.core.settings import DEFAULT_ORGAN_NAME_MN
from app.demo import forwards
from app.extensions import db
from app.notices.models import DocumentSeries, Notice, NoticeStatus
from app.receipts.models import Distribution
from app.units.models import Organ, Unit, UnitGroup
from app.units.organs import top_organ
from tests.helpers.notices import seed_notice
from tests.helpers.organs import DISTRICT_ROLES, DISTRICTS, district_organ

FORWARD_TITLE = "{organ}关于转发《乌海市教育局关于印发〈乌海市一体化推进全市义务教育扩优提质若干措施〉的通知》的通知"
FORWARDING = {"haibowan": "海教发", "wuda": "乌达教发"}  # district → its series


def _unit(code: str) -> Unit:
    return db.session.scalar(select(Unit).where(Unit.code == code))


def _forwards_of_75() -> dict[str, Notice]:
    """The notices forwarding 75号, by the code of the forwarding organ."""
    notices = db.session.scalars(select(Notice).where(Notice.forwards_id == seed_notice().id))
    return {n.organ.unit.code: n for n in notices}


def test_each_district_bureau_is_an_organ_under_the_city_with_its_series_schools_and_staff(demo):
    with demo.app_context():
        city = top_organ()
        assert city.unit.code == "bureau"
        for code, (series_code, mark, group_name) in DISTRICTS.items():
            unit = _unit(code)
            organ = db.session.get(Organ, unit.id)
            assert organ.superior_id == city.unit_id, code
            # Its Mongolian name is the city's pattern, 教育局 written as the city writes it, and waits for the
            # organ's admin to confirm it.
            assert organ.name_mn.endswith(DEFAULT_ORGAN_NAME_MN.split(" ", 2)[2]) and "\u202f" in organ.name_mn
            assert organ.name_mn != DEFAULT_ORGAN_NAME_MN and not organ.name_mn_confirmed
            series = db.session.scalar(select(DocumentSeries).where(DocumentSeries.organ_code == series_code))
            assert (series.unit_id, series.header_mark) == (unit.id, mark)
            group = db.session.scalar(select(UnitGroup).where(UnitGroup.name == group_name))
            assert group.organ_id == unit.id
            schools = db.session.scalars(select(Unit.code).where(Unit.parent_id == unit.id, Unit.kind == "school"))
            assert {u.code for u in group.resolve_units()} == set(schools) != set()
            for role in DISTRICT_ROLES:
                user = db.session.scalar(select(User).where(User.username == f"{role.value}_{code}"))
                assert user.roles == {role} and user.unit_id == unit.id and user.organ_id == unit.id
                assert re.search(r"[\u4e00-\u9fff]", user.display_name), user.display_name
        city_groups = db.session.scalars(
            select(UnitGroup.organ_id).where(UnitGroup.name.in_(["各区教育局", "直属各学校（单位）", "局机关各科室"]))
        ).all()
        assert city_groups == [city.unit_id] * 3


def test_the_tests_helper_finds_the_demo_s_district_organs_as_they_are(demo):
    """tests/helpers/organs.py makes what the demo makes, by the same names: on the demo it adds nothing."""
    tables = (Organ, DocumentSeries, UnitGroup, User)
    with demo.app_context():
        before = [db.session.scalar(select(func.count()).select_from(t)) for t in tables]
        for code in DISTRICTS:
            district_organ(code)
        assert [db.session.scalar(select(func.count()).select_from(t)) for t in tables] == before


def test_75_is_forwarded_by_haibowan_and_wuda_to_their_schools_but_not_by_hainan(demo):
    with demo.app_context():
        original = seed_notice()
        forwards = _forwards_of_75()
        assert set(forwards) == set(FORWARDING)  # 海南区 has not forwarded it
        for code, notice in forwards.items():
            unit = _unit(code)
            assert re.fullmatch(rf"{FORWARDING[code]}〔2023〕\d+号", notice.number), notice.number
            assert notice.status == NoticeStatus.issued.value
            assert notice.title == FORWARD_TITLE.format(organ=unit.name)
            assert notice.addressee_text == f"{DISTRICTS[code][2]}："
            # Its 附件 is 75号's issued PDF, the very file.
            (attachment,) = notice.attachments
            assert original.pdf_sha256 and attachment.file_sha256 == original.pdf_sha256
            assert attachment.print_as_pages and notice.docx_sha256
            # Signed (成文日期) a few days after 75号, issued that day, by the district's own people in turn.
            assert original.signed_on < notice.signed_on <= original.signed_on + timedelta(days=10)
            assert notice.imprinted_on == notice.signed_on
            steps = [(e.action, e.actor.username) for e in notice.events]
            assert steps == [
                ("drafted", f"secretary_{code}"),
                ("submitted", f"secretary_{code}"),
                ("approved", f"reviewer_{code}"),
                ("signed", f"signer_{code}"),
                ("issued", f"secretary_{code}"),
            ]
            times = [e.created_at for e in notice.events]
            assert times == sorted(times) and times[-1] == notice.issued_at
            # The district bureau had acknowledged 75号 (its clerk) before it drafted the forwarding notice.
            received = db.session.scalar(
                select(Distribution).where(Distribution.notice_id == original.id, Distribution.unit_id == unit.id)
            )
            assert received.acknowledged_by.username == f"clerk_{code}"
            assert original.issued_at < received.acknowledged_at < notice.created_at
            # Sent to its schools, and only to them.
            distributions = db.session.scalars(select(Distribution).where(Distribution.notice_id == notice.id)).all()
            schools = set(db.session.scalars(select(Unit.id).where(Unit.parent_id == unit.id, Unit.kind == "school")))
            assert {d.unit_id for d in distributions} == schools
            assert all(d.delivered_at == notice.issued_at for d in distributions)
        # 海南区 received 75号 and acknowledged it; it has forwarded nothing.
        hainan = _unit("hainan")
        received = db.session.scalar(
            select(Distribution).where(Distribution.notice_id == original.id, Distribution.unit_id == hainan.id)
        )
        assert received.acknowledged_by.username == "clerk_hainan"
        assert db.session.scalar(select(func.count(Notice.id)).where(Notice.organ_id == hainan.id)) == 0


def test_some_schools_have_acknowledged_the_forwarding_notices_and_the_others_are_reminded(demo):
    with demo.app_context():
        for code, notice in _forwards_of_75().items():
            distributions = db.session.scalars(select(Distribution).where(Distribution.notice_id == notice.id)).all()
            acknowledged = [d for d in distributions if d.acknowledged_at is not None]
            waiting = [d for d in distributions if d.acknowledged_at is None]
            assert acknowledged and waiting, code
            assert all(d.acknowledged_at > notice.issued_at for d in acknowledged)
            assert all(d.acknowledged_by.unit_id == d.unit_id for d in acknowledged)
            # The district reminds its own schools, not the city.
            assert all([r.sent_by.username for r in d.reminders] == [f"secretary_{code}"] for d in waiting)


def test_the_clerk_of_no3_middle_finds_the_forwarding_notice_in_its_inbox_not_75_itself(demo, login, client):
    with demo.app_context():
        original = seed_notice()
        forward = _forwards_of_75()["haibowan"]
        no3 = _unit("no3_middle")
        sent = set(db.session.scalars(select(Distribution.notice_id).where(Distribution.unit_id == no3.id)))
        assert forward.id in sent and original.id not in sent
        original_id, original_title, forward_id, forward_title = original.id, original.title, forward.id, forward.title
    login("clerk_no3_middle")
    inbox = client.get("/inbox").get_data(as_text=True)
    assert forward_title in inbox and original_title not in inbox
    page = client.get(f"/notices/{forward_id}").get_data(as_text=True)
    assert "海教发〔2023〕" in page
    # It reads the original its bureau forwarded, though 75号 was not sent to it.
    assert client.get(f"/notices/{original_id}").status_code == 200


def test_demo_accounts_lists_the_district_accounts(demo):
    lines = demo.test_cli_runner().invoke(args=["demo", "accounts"]).output.splitlines()
    for code, unit_name in (("haibowan", "海勃湾区教育局"), ("wuda", "乌达区教育局"), ("hainan", "海南区教育局")):
        for role in Role.secretary, Role.reviewer, Role.signer, Role.staff, Role.admin:
            assert f"{role.value}_{code}\t{role.value}\t{unit_name}" in lines
    assert "clerk_no5_middle\tclerk\t乌海市第五中学" in lines


def test_without_libreoffice_the_demo_loads_without_the_forwards_and_says_so(app, monkeypatch):
    monkeypatch.setattr(forwards, "pdf_available", lambda: False)
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "LibreOffice" in result.output and "Demo data loaded" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Notice.id)).where(Notice.forwards_id.is_not(None))) == 0
        assert db.session.scalar(select(func.count(Organ.unit_id))) == 4  # the city and the three districts
        assert seed_notice().status == NoticeStatus.issued.value
