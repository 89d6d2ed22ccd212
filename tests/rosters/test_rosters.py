"""Leading-group rosters: the seed's roster, dated changes, order, the adjustment notice, exports."""

import io
import re
from datetime import date

import docx
import openpyxl
from sqlalchemy import select

from app.core import time as app_time
from app.extensions import db
from app.notices.models import Notice
from app.rosters.models import LeadingGroup, Membership
from app.rosters.services import roster_on
from app.units.models import Unit

SEED_ROSTER = [
    ("组长", "董跃飞", "市教育局党组书记、局长"),
    ("副组长", "肖西田", "市教育局党组成员、副局长，总督学"),
    ("副组长", "张志贤", "市教育局党组成员、副局长"),
    ("副组长", "王梦云", "市教育局党组成员、副局长"),
    ("副组长", "郭亚东", "市教育局党组成员、副局长"),
    ("副组长", "张春萍", "海勃湾区教育局党组书记、局长"),
    ("副组长", "韩纬华", "乌达区教育局党组书记、局长"),
    ("副组长", "徐恩勇", "海南区教育局党组书记、局长"),
]
MEMBERS_LINE = "各高中学校书记、校长、各直属单位负责人、市教育局各科室负责人"


def _group(app):
    with app.app_context():
        group = db.session.scalar(select(LeadingGroup))
        db.session.expunge(group)
        return group


def _member_id(app, name):
    with app.app_context():
        return db.session.scalar(
            select(Membership.id).where(Membership.person_name == name, Membership.valid_to.is_(None))
        )


def _roster(app, on):
    with app.app_context():
        group = db.session.scalar(select(LeadingGroup))
        return [(m.role, m.person_name or m.description, m.title) for m in roster_on(group, on)]


def test_the_page_shows_the_seeds_roster_in_order(login, client, app):
    login("staff")
    group = _group(app)
    page = client.get(f"/rosters/{group.id}?on=2023-09-01").get_data(as_text=True)
    positions = [page.index(name) for _role, name, _title in SEED_ROSTER]
    assert positions == sorted(positions)
    for _role, name, title in SEED_ROSTER:
        assert re.search(rf"{name}</td><td>{re.escape(title)}</td>", page), name
    assert MEMBERS_LINE in page
    assert _roster(app, date(2023, 9, 1)) == [*SEED_ROSTER, ("成员", MEMBERS_LINE, "")]


def test_the_notice_prints_the_roster_in_columns(login, client):
    login("secretary")
    page = client.get("/notices/1").get_data(as_text=True)
    assert re.search(r"组\u3000长：</td>\s*<td\s*>董跃飞</td><td>市教育局党组书记、局长</td>", page)


def test_the_roster_as_of_a_date_before_and_after_a_replacement(login, client, app, monkeypatch):
    monkeypatch.setattr(app_time, "today_in_china", lambda: date(2024, 3, 1))
    monkeypatch.setattr("app.rosters.routes.today_in_china", lambda: date(2024, 3, 1))
    login("staff")
    group = _group(app)
    response = client.post(
        f"/rosters/{group.id}/members/{_member_id(app, '张春萍')}/replace",
        data={"person_name": "李海燕", "title": "海勃湾区教育局党组书记、局长", "on": "2024-03-01"},
    )
    assert response.status_code == 303
    before = _roster(app, date(2024, 2, 29))
    after = _roster(app, date(2024, 3, 1))
    assert ("副组长", "张春萍", "海勃湾区教育局党组书记、局长") in before and (
        "副组长",
        "李海燕",
        "海勃湾区教育局党组书记、局长",
    ) not in before
    assert ("副组长", "李海燕", "海勃湾区教育局党组书记、局长") in after and all(n != "张春萍" for _r, n, _t in after)
    # The newcomer takes the same place in the order.
    assert [n for _r, n, _t in after].index("李海燕") == [n for _r, n, _t in before].index("张春萍")
    history = client.get(f"/rosters/{group.id}/history").get_data(as_text=True)
    assert history.index("李海燕") < history.index("张春萍")
    assert '<td class="nowrap">2024年3月1日</td>' in history and "2024-03-01" not in history
    old = client.get(f"/rosters/{group.id}?on=2024-02-01").get_data(as_text=True)
    assert "张春萍" in old and "李海燕" not in old


def test_order_is_kept_after_moving_and_dragging(login, client, app):
    login("staff")
    group = _group(app)
    today = app_time.today_in_china()
    response = client.post(
        f"/rosters/{group.id}/members/{_member_id(app, '王梦云')}/move",
        data={"direction": "up"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and response.get_data(as_text=True).lstrip().startswith('<div id="roster"')
    names = [n for r, n, _t in _roster(app, today) if r == "副组长"]
    assert names[:4] == ["肖西田", "王梦云", "张志贤", "郭亚东"]
    ids = [_member_id(app, n) for n in reversed(names)]
    client.post(f"/rosters/{group.id}/order", data={"role": "副组长", "member_ids": ids})
    assert [n for r, n, _t in _roster(app, today) if r == "副组长"] == list(reversed(names))
    # A stale order (a member missing) is refused and changes nothing.
    client.post(f"/rosters/{group.id}/order", data={"role": "副组长", "member_ids": ids[:-1]})
    assert [n for r, n, _t in _roster(app, today) if r == "副组长"] == list(reversed(names))


def test_replacing_a_deputy_drafts_an_adjustment_notice_that_can_be_issued(login, client, app, monkeypatch):
    monkeypatch.setattr("app.rosters.routes.today_in_china", lambda: date(2024, 3, 1))
    login("staff")
    group = _group(app)
    client.post(
        f"/rosters/{group.id}/members/{_member_id(app, '肖西田')}/replace",
        data={"person_name": "高建军", "title": "市教育局党组成员、副局长，总督学", "on": "2024-03-01"},
    )
    login("secretary")
    response = client.post(f"/rosters/{group.id}/adjustment", data={"since": "2024-01-01"})
    assert response.status_code == 303
    notice_id = int(re.search(r"/notices/(\d+)/edit", response.headers["Location"]).group(1))
    with app.app_context():
        notice = db.session.get(Notice, notice_id)
        assert notice.title == f"乌海市教育局关于调整{group.name}成员的通知"
        assert f"肖西田同志不再担任{group.name}副组长" in notice.body
        assert f"高建军（市教育局党组成员、副局长，总督学）同志任{group.name}副组长" in notice.body
        assert f"{{{{roster:{group.name}}}}}" in notice.body
        notice.status = "signed"  # reviewed and signed like any notice (the workflow is tested elsewhere)
        db.session.commit()
    assert client.post(f"/notices/{notice_id}/steps/issued").status_code == 303
    with app.app_context():
        notice = db.session.get(Notice, notice_id)
        assert notice.number == "乌教发〔2024〕4号"  # after the demo's 乌教发〔2024〕3号
    document = docx.Document(io.BytesIO(client.get(f"/notices/{notice_id}/document.docx").data))
    table = document.tables[0]
    names = [row.cells[1].text for row in table.rows]
    assert "高建军" in names and "肖西田" not in names


def test_nothing_changed_means_no_adjustment_notice(login, client, app):
    login("secretary")
    group = _group(app)
    response = client.post(f"/rosters/{group.id}/adjustment", data={"since": "2030-01-01"})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(Notice).where(Notice.title.like("%关于调整%"))) is None


def test_adding_without_a_name_keeps_what_was_typed(login, client, app):
    login("staff")
    group = _group(app)
    response = client.post(
        f"/rosters/{group.id}/members", data={"role": "联络员", "title": "办公室主任", "on": "2024-01-01"}
    )
    assert response.status_code == 422
    assert 'value="办公室主任"' in response.get_data(as_text=True)


def test_exports_hold_every_member(login, client, app):
    login("staff")
    group = _group(app)
    docx_data = client.get(f"/rosters/{group.id}/roster.docx?on=2023-09-01").data
    table = docx.Document(io.BytesIO(docx_data)).tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["职务", "姓名", "单位及职务"]
    for _role, name, title in SEED_ROSTER:
        assert any(r[1] == name and r[2] == title for r in rows), name
    assert any(MEMBERS_LINE in r for r in rows)
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(f"/rosters/{group.id}/roster.xlsx?on=2023-09-01").data)).active
    names = [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert names == [n for _r, n, _t in SEED_ROSTER] + [MEMBERS_LINE]


def test_rosters_export_command(demo, tmp_path):
    from app.rosters.models import LeadingGroup as Group

    with demo.app_context():
        name = db.session.scalar(select(Group.name))
    runner = demo.test_cli_runner()
    out = tmp_path / "roster.xlsx"
    result = runner.invoke(args=["rosters", "export", name, "--format", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(list(openpyxl.load_workbook(out).active.iter_rows(min_row=3))) == 9
    missing = runner.invoke(args=["rosters", "export", "没有这个小组", "--format", "docx", "-o", str(out)])
    assert missing.exit_code != 0 and "No leading group" in missing.output


def test_a_clerk_cannot_see_or_change_rosters(login, client, app):
    login("clerk_no1_middle")
    group = _group(app)
    assert client.get("/rosters").status_code == 403
    assert (
        client.post(
            f"/rosters/{group.id}/members", data={"role": "成员", "person_name": "某人", "on": "2024-01-01"}
        ).status_code
        == 403
    )


def _member_unit(app, name):
    with app.app_context():
        member = db.session.scalar(select(Membership).where(Membership.person_name == name))
        return member.unit.code if member.unit else None


def test_the_successor_keeps_the_unit_of_the_place_unless_another_is_chosen(login, client, app, monkeypatch):
    monkeypatch.setattr("app.rosters.routes.today_in_china", lambda: date(2024, 3, 1))
    login("staff")
    group = _group(app)
    zhang = _member_id(app, "张春萍")
    page = client.get(f"/rosters/{group.id}").get_data(as_text=True)
    with app.app_context():
        haibowan = db.session.scalar(select(Unit.id).where(Unit.code == "haibowan"))
        wuda = db.session.scalar(select(Unit.id).where(Unit.code == "wuda"))
    # The replace form offers the member's own unit already chosen.
    select_html = re.search(rf'<select name="unit_id" id="unit-{zhang}">.*?</select>', page, flags=re.S).group(0)
    assert re.search(rf'<option value="{haibowan}" selected>海勃湾区教育局</option>', select_html)
    # Posted as the form leaves it: the unit comes along.
    client.post(
        f"/rosters/{group.id}/members/{zhang}/replace",
        data={
            "person_name": "李海燕",
            "title": "海勃湾区教育局党组书记、局长",
            "unit_id": haibowan,
            "on": "2024-03-01",
        },
    )
    assert _member_unit(app, "李海燕") == "haibowan"
    # A client that sends no unit (an old form, a script) still keeps the place's unit.
    client.post(
        f"/rosters/{group.id}/members/{_member_id(app, '韩纬华')}/replace",
        data={"person_name": "王立新", "title": "乌达区教育局党组书记、局长", "on": "2024-03-01"},
    )
    assert _member_unit(app, "王立新") == "wuda"
    # Another unit, when chosen, is the successor's.
    client.post(
        f"/rosters/{group.id}/members/{_member_id(app, '徐恩勇')}/replace",
        data={"person_name": "周明", "title": "乌达区教育局副局长", "unit_id": wuda, "on": "2024-03-01"},
    )
    assert _member_unit(app, "周明") == "wuda"
    row = re.search(
        r'<tr id="member-\d+"[^>]*>(?:(?!</tr>).)*李海燕.*?</tr>',
        client.get(f"/rosters/{group.id}").get_data(as_text=True),
        flags=re.S,
    )
    assert "海勃湾区教育局" in row.group(0) and "2024年3月1日" in row.group(0)


def test_roster_dates_are_written_as_other_dates_are(login, client, app):
    login("staff")
    group = _group(app)
    page = client.get(f"/rosters/{group.id}?on=2023-09-01").get_data(as_text=True)
    since = re.findall(r'<td class="nowrap">(\d{4}[^<]*)</td>', page)
    assert since and set(since) == {"2023年8月15日"}
    response = client.post(
        f"/rosters/{group.id}/members", data={"role": "联络员", "person_name": "高娜", "on": "2024-01-02"}
    )
    assert response.status_code == 303
    flashed = client.get(response.headers["Location"]).get_data(as_text=True)
    (message,) = re.findall(r'<li class="flash flash-success" role="status">([^<]*)</li>', flashed)
    assert "2024年1月2日" in message and "2024-01-02" not in message
    refused = client.post(f"/rosters/{group.id}/adjustment", data={"since": "2030-01-01"})
    assert "2030年1月1日" in refused.get_data(as_text=True)
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(f"/rosters/{group.id}/roster.xlsx?on=2023-09-01").data)).active
    cell = sheet.cell(row=3, column=5)
    assert cell.value.date() == date(2023, 8, 15) and "年" in cell.number_format


def test_staff_drafting_the_adjustment_notice_are_its_author_and_reach_its_editor(login, client, app, monkeypatch):
    """The roster side of the hand-over: the draft is the staff member's, in the series and to the addressees of
    the notice that set the group up, and the answer sends them to its editor."""
    monkeypatch.setattr("app.rosters.routes.today_in_china", lambda: date(2024, 3, 1))
    login("staff")
    group = _group(app)
    client.post(
        f"/rosters/{group.id}/members/{_member_id(app, '郭亚东')}/replace",
        data={"person_name": "高建军", "title": "市教育局党组成员、副局长", "on": "2024-03-01"},
    )
    response = client.post(f"/rosters/{group.id}/adjustment", data={"since": "2024-01-01"})
    assert response.status_code == 303
    notice_id = int(re.search(r"/notices/(\d+)/edit$", response.headers["Location"]).group(1))
    with app.app_context():
        notice = db.session.get(Notice, notice_id)
        founding = db.session.get(LeadingGroup, group.id).established_by
        assert notice.status == "draft" and notice.author.username == "staff"
        assert notice.series_id == founding.series_id and notice.addressees == founding.addressees
        assert notice.signed_on == date(2024, 3, 1)
