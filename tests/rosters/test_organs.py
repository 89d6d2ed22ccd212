"""Rosters per organ: a district bureau keeps its own leading groups; another organ's rosters answer 404 on every
route, as groups that do not exist; the export command still finds any group by its name."""

import io
import re
from datetime import date

import openpyxl
from sqlalchemy import func, select

from app.extensions import db
from app.notices.documents import notice_rosters
from app.notices.models import Notice
from app.rosters.models import LeadingGroup, Membership
from app.units.models import Unit
from tests.helpers.organs import district_organ

GROUP = "海勃湾区教育局义务教育优质均衡发展工作领导小组"


def _unit(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Unit.id).where(Unit.code == code))


def _city_group(app) -> int:
    with app.app_context():
        return db.session.scalar(select(LeadingGroup.id).order_by(LeadingGroup.id))


def _memberships(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Membership.id)))


def _set_up_group(client, app, name=GROUP, owner="haibowan") -> int:
    response = client.post(
        "/rosters/new", data={"name": name, "owner_unit_id": _unit(app, owner), "purpose": "统筹推进全区义务教育"}
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return int(re.search(r"/rosters/(\d+)$", response.headers["Location"]).group(1))


def _routes(group_id: int, member_id: int | None) -> tuple[list[str], list[tuple[str, dict]]]:
    """Every page of a roster, and every change to it (with data that would be accepted on one's own)."""
    pages = [
        f"/rosters/{group_id}",
        f"/rosters/{group_id}?on=2024-01-01",
        f"/rosters/{group_id}/history",
        f"/rosters/{group_id}/roster.docx",
        f"/rosters/{group_id}/roster.xlsx",
    ]
    today = date.today().isoformat()
    member = member_id or 1
    changes = [
        (f"/rosters/{group_id}/members", {"role": "成员", "person_name": "王五", "on": today}),
        (f"/rosters/{group_id}/members/{member}/replace", {"person_name": "赵六", "on": today}),
        (f"/rosters/{group_id}/members/{member}/leave", {"on": "2099-01-01"}),
        (f"/rosters/{group_id}/members/{member}/move", {"direction": "down"}),
        (f"/rosters/{group_id}/order", {"role": "成员", "member_ids": [member]}),
        (f"/rosters/{group_id}/adjustment", {"since": "2020-01-01"}),
    ]
    return pages, changes


def _first_member(app, group_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(Membership.id).where(Membership.group_id == group_id).order_by(Membership.id))


def test_a_district_sets_up_its_own_leading_group_among_its_own_units(login, client, app):
    with app.app_context():
        district_organ("haibowan")
    login("staff_haibowan")
    listing = client.get("/rosters").get_data(as_text=True)
    with app.app_context():
        city_name = db.session.get(LeadingGroup, _city_group(app)).name
    assert city_name not in listing and 'id="new-group"' in listing

    form = client.get("/rosters/new").get_data(as_text=True)
    owners = re.search(r'<select[^>]*name="owner_unit_id"[^>]*>(.*?)</select>', form, re.S).group(1)
    assert "海勃湾区教育局" in owners and "乌海市第三中学" in owners
    assert "乌海市教育局<" not in owners and "乌达区教育局" not in owners and "乌海市第一中学" not in owners
    assert re.search(rf'<option selected value="{_unit(app, "haibowan")}">', owners)

    refused = client.post("/rosters/new", data={"name": GROUP, "owner_unit_id": _unit(app, "bureau")})
    assert refused.status_code == 422
    taken = client.post("/rosters/new", data={"name": city_name, "owner_unit_id": _unit(app, "haibowan")})
    assert taken.status_code == 422 and 'class="form-errors"' in taken.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(LeadingGroup.id))) == 1

    group_id = _set_up_group(client, app)
    with app.app_context():
        group = db.session.get(LeadingGroup, group_id)
        assert group.organ_id == _unit(app, "haibowan") and group.owner_unit.code == "haibowan"
    added = client.post(
        f"/rosters/{group_id}/members",
        data={"role": "组长", "person_name": "张春萍", "title": "海勃湾区教育局党组书记、局长", "on": "2024-03-01"},
    )
    assert added.status_code == 303
    assert GROUP in client.get("/rosters").get_data(as_text=True)
    page = client.get(f"/rosters/{group_id}?on=2024-03-01").get_data(as_text=True)
    assert "张春萍" in page and 'id="add-member"' not in page  # the form is on today's roster only
    assert 'id="add-member"' in client.get(f"/rosters/{group_id}").get_data(as_text=True)


def test_another_organs_roster_answers_404_on_every_route_and_changes_nothing(login, client, app):
    with app.app_context():
        district_organ("haibowan")
        district_organ("wuda")
    login("staff_haibowan")
    district_group = _set_up_group(client, app)
    client.post(
        f"/rosters/{district_group}/members", data={"role": "组长", "person_name": "张春萍", "on": "2024-03-01"}
    )
    city_group = _city_group(app)
    members = _memberships(app)

    for account, group_id in (
        ("staff", district_group),  # the city, against a district's
        ("secretary", district_group),
        ("staff_haibowan", city_group),  # a district, against the city's
        ("secretary_haibowan", city_group),
        ("staff_wuda", district_group),  # another district's
        ("admin_wuda", district_group),
    ):
        login(account)
        pages, changes = _routes(group_id, _first_member(app, group_id))
        for path in pages:
            assert client.get(path).status_code == 404, (account, path)
        for path, data in changes:
            assert client.post(path, data=data).status_code == 404, (account, path)
        with app.app_context():
            name = db.session.get(LeadingGroup, group_id).name
        assert name not in client.get("/rosters").get_data(as_text=True), account
    assert _memberships(app) == members
    with app.app_context():
        assert db.session.scalar(select(func.count(Notice.id)).where(Notice.title.like("%关于调整%"))) == 0

    # Each organ's own: the pages open.
    for account, group_id in (("staff", city_group), ("secretary_haibowan", district_group)):
        login(account)
        pages, _changes = _routes(group_id, None)
        for path in pages:
            assert client.get(path).status_code == 200, (account, path)


def test_the_export_command_finds_a_districts_group_by_its_name(login, client, app, runner, tmp_path):
    with app.app_context():
        district_organ("haibowan")
    login("staff_haibowan")
    group_id = _set_up_group(client, app)
    client.post(
        f"/rosters/{group_id}/members",
        data={"role": "组长", "person_name": "张春萍", "title": "海勃湾区教育局党组书记、局长", "on": "2024-03-01"},
    )
    out = tmp_path / "roster.xlsx"
    result = runner.invoke(args=["rosters", "export", GROUP, "--format", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    cells = [c.value for row in openpyxl.load_workbook(io.BytesIO(out.read_bytes())).active.iter_rows() for c in row]
    assert "张春萍" in cells


def test_a_notice_prints_the_rosters_of_its_own_organ_only(login, client, app):
    with app.app_context():
        haibowan = district_organ("haibowan").unit_id
        city_group = db.session.get(LeadingGroup, _city_group(app))
        body = f"{{{{roster:{city_group.name}}}}}"
        city_notice = Notice(organ_id=city_group.organ_id, body=body, signed_on=date(2023, 9, 1))
        district_notice = Notice(organ_id=haibowan, body=body, signed_on=date(2023, 9, 1))
        assert "董跃飞" in [line.who for line in notice_rosters(city_notice)[city_group.name]]
        assert notice_rosters(district_notice) == {}
