"""Organs: a district bureau drafts, numbers and issues its own notices under its own header; nobody of another
organ sees a draft of it, nor it theirs."""

import io
import re

import pytest
from docx import Document
from sqlalchemy import select

from app.extensions import db
from app.notices.models import Notice
from app.notices.services import NoticeData, create_draft
from app.receipts.models import Distribution
from app.units.models import Unit
from tests.helpers.notices import take_step
from tests.helpers.organs import district_organ


@pytest.fixture
def districts(demo):
    with demo.app_context():
        return {code: district_organ(code) for code in ("haibowan", "hainan")}


def _draft_of(app, username: str, title: str) -> int:
    from app.auth.models import User

    with app.app_context():
        author = db.session.scalar(select(User).where(User.username == username))
        return create_draft(author, NoticeData(title=title)).id


def _routes_of_a_notice(app, notice_id: int) -> list[tuple[str, str]]:
    """Every route of the app about one notice (a rule with notice_id), each method, the other variables filled in."""
    routes = []
    for rule in app.url_map.iter_rules():
        if "notice_id" not in rule.arguments:
            continue
        values = {arg: {"notice_id": notice_id, "action": "submitted", "page": 1}.get(arg, 1) for arg in rule.arguments}
        with app.test_request_context():
            url = app.url_for(rule.endpoint, **values)
        routes += [(method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return routes


def test_a_district_secretary_never_reaches_the_citys_drafts_nor_another_districts(demo, districts, client, login):
    city_draft = _draft_of(demo, "secretary", "市局草稿：关于测试的通知")
    hainan_draft = _draft_of(demo, "secretary_hainan", "海南区草稿：关于测试的通知")
    for username, foreign in (
        ("secretary_haibowan", city_draft),
        ("reviewer_haibowan", city_draft),
        ("signer_haibowan", city_draft),
        ("secretary_haibowan", hainan_draft),
        ("secretary", hainan_draft),
        ("signer", hainan_draft),
    ):
        login(username)
        answers = {(m, url): client.open(url, method=m).status_code for m, url in _routes_of_a_notice(demo, foreign)}
        reached = {route: status for route, status in answers.items() if status not in (403, 404, 405)}
        assert reached == {}, (username, reached)
    with demo.app_context():
        assert db.session.get(Notice, city_draft).status == "draft"
        assert db.session.get(Notice, hainan_draft).status == "draft"
    login("secretary_haibowan")
    listing = client.get("/notices").get_data(as_text=True)
    assert "市局草稿" not in listing and "海南区草稿" not in listing and "乌教发〔2023〕75号" not in listing
    login("secretary")
    listing = client.get("/notices").get_data(as_text=True)
    assert "市局草稿" in listing and "海南区草稿" not in listing


def test_the_editor_offers_a_district_its_own_series_groups_and_schools(demo, districts, client, login):
    login("secretary_haibowan")
    page = client.get("/notices/new").get_data(as_text=True)
    assert "海教发" in page and "乌教发" not in page and "海南教发" not in page
    assert "海勃湾区各学校" in page and "各区教育局" not in page and "局机关各科室" not in page
    assert "乌海市第三中学" in page  # a 海勃湾区 school
    assert "乌海市第五中学" not in page and "乌海市第一中学" not in page  # 海南区's, the city's
    assert "海勃湾区教育局" in page  # its signature by default


def test_a_district_issues_under_its_own_header_and_number_to_its_own_schools(demo, districts, client, login):
    haibowan = districts["haibowan"]
    login("secretary_haibowan")
    response = client.post(
        "/notices/new",
        data={
            "series_id": haibowan.series_id,
            "kind": "文件",
            "title": "海勃湾区教育局关于做好冬季校园安全工作的通知",
            "addressee_groups": [haibowan.group_id],
            "body": "各学校要切实做好冬季校园安全工作。",
            "signature_organ": "海勃湾区教育局",
            "signed_on": "2023-12-01",
            "with_seal": "y",
            "imprint_organ": "海勃湾区教育局办公室",
            "version": "",
            "action": "save",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:1500]
    notice_id = int(re.search(r"/notices/(\d+)", response.headers["Location"]).group(1))
    for username, step in (
        ("secretary_haibowan", "submitted"),
        ("reviewer_haibowan", "approved"),
        ("signer_haibowan", "signed"),
        ("secretary_haibowan", "issued"),
    ):
        login(username)
        assert take_step(client, notice_id, step).status_code == 303
    with demo.app_context():
        number = db.session.get(Notice, notice_id).number
    assert re.fullmatch(r"海教发〔2023〕\d+号", number)
    assert number in client.get(f"/notices/{notice_id}").get_data(as_text=True)
    docx = client.get(f"/notices/{notice_id}/document.docx")
    texts = [p.text for p in Document(io.BytesIO(docx.data)).paragraphs]
    assert "海勃湾区教育局文件" in texts and number in texts
    with demo.app_context():
        units = set(
            db.session.scalars(
                select(Unit.code)
                .join(Distribution, Distribution.unit_id == Unit.id)
                .where(Distribution.notice_id == notice_id)
            )
        )
        schools = set(db.session.scalars(select(Unit.code).where(Unit.parent_id == haibowan.unit_id)))
    assert units == schools and "no3_middle" in units
    assert "no1_middle" not in units and "no5_middle" not in units


def test_a_city_notice_cannot_be_given_a_districts_series(demo, districts):
    from app.auth.models import User
    from app.notices.services import NoticeError

    with demo.app_context():
        secretary = db.session.scalar(select(User).where(User.username == "secretary"))
        count = db.session.scalar(select(db.func.count(Notice.id)))
        with pytest.raises(NoticeError):
            create_draft(secretary, NoticeData(title="关于测试的通知", series_id=districts["hainan"].series_id))
        db.session.rollback()
        assert db.session.scalar(select(db.func.count(Notice.id))) == count


def test_notices_list_names_each_organs_notices(demo, districts, runner):
    _draft_of(demo, "secretary_hainan", "海南区草稿：关于测试的通知")
    every = runner.invoke(args=["notices", "list"])
    assert every.exit_code == 0 and "海南区草稿" in every.output and "乌教发〔2023〕75号" in every.output
    hainan = runner.invoke(args=["notices", "list", "--organ", "海南区教育局"])
    assert hainan.exit_code == 0 and "海南区草稿" in hainan.output and "乌教发" not in hainan.output
    unknown = runner.invoke(args=["notices", "list", "--organ", "月球区教育局"])
    assert unknown.exit_code != 0 and "海南区教育局" in unknown.output


def test_the_addressee_picker_of_a_district_leaves_out_the_citys_units(demo, districts):
    from app.units.organs import units_sent_to_by

    with demo.app_context():
        units = list(db.session.scalars(select(Unit)))
        hainan = {u.code for u in units_sent_to_by(districts["hainan"].unit_id, units)}
        city_unit = db.session.scalar(select(Unit).where(Unit.code == "bureau"))
        city = {u.code for u in units_sent_to_by(city_unit.id, units)}
    assert {"no5_middle", "no8_middle"} <= hainan and "no3_middle" not in hainan and "hainan" not in hainan
    assert {"hainan", "haibowan", "wuda", "no1_middle", "office"} <= city
    assert "no5_middle" not in city and "no3_middle" not in city  # the districts' schools are theirs to send to
