"""The cascade in the city's receipt view: each district bureau's receipt, its forwarding notice (转发) and its schools'
receipts of it; reminders to forward; who may see and remind what.

The city's notice here is a fresh one (not the seed's 75号, which the demo may have forwarded already), sent to the
three district bureaus; the district bureaus forward it through their own 拟稿, 核稿, 签发 and 印发.
"""

import re
from datetime import timedelta

import pytest
from flask_babel import gettext
from sqlalchemy import func, select, update

from app.auth.models import User
from app.core.files import PDF, store_bytes
from app.core.mail import MailSettings
from app.core.time import utcnow
from app.extensions import db
from app.notices.forwarding import start_forward
from app.notices.models import DocumentSeries, Notice, NoticeStatus
from app.notices.services import advance
from app.receipts.models import Distribution, Reminder
from app.receipts.services import ReceiptError, remind, remind_to_forward
from app.units.addressees import Addressees
from app.units.models import Unit, UnitGroup
from app.units.organs import top_organ
from tests.helpers.organs import district_organ
from tests.helpers.pdf import blank_pdf

# What the pages show does not depend on the database: SQLite only (the query count runs on both).
sqlite_only = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

TITLE = "关于做好2026年秋季学期开学工作的通知"


def _user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def _unit_id(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Unit.id).where(Unit.code == code))


def _city_notice(app, codes=("haibowan", "wuda", "hainan")) -> int:
    """The city's issued notice, sent to the district bureaus (made organs answering to the city), none of which has
    opened it yet; its PDF stored, so that forwarding it needs no LibreOffice."""
    with app.app_context():
        districts = [district_organ(code) for code in codes]
        series = db.session.scalar(select(DocumentSeries).where(DocumentSeries.organ_code == "乌教发"))
        serial = (db.session.scalar(select(func.max(Notice.serial)).where(Notice.series_id == series.id)) or 0) + 1
        group = db.session.scalar(select(UnitGroup.id).where(UnitGroup.name == "各区教育局"))
        now = utcnow()
        notice = Notice(
            series_id=series.id,
            organ_id=top_organ().unit_id,
            year=now.year,
            serial=serial,
            title=TITLE,
            addressees=Addressees.of([group]),
            addressee_text="各区教育局：",
            body="现将有关事项通知如下。",
            signature_organ="乌海市教育局",
            imprint_organ="乌海市教育局办公室",
            author_id=_user("secretary").id,
            status=NoticeStatus.issued.value,
            issued_at=now,
            pdf_sha256=store_bytes(blank_pdf(), PDF).sha256,
        )
        db.session.add(notice)
        db.session.flush()
        db.session.add_all(
            Distribution(notice_id=notice.id, unit_id=d.unit_id, role="to", delivered_at=now) for d in districts
        )
        db.session.commit()
        return notice.id


def _acknowledged_by_district(app, notice_id: int, code: str) -> None:
    with app.app_context():
        unit_id = db.session.scalar(select(Unit.id).where(Unit.code == code))
        db.session.execute(
            update(Distribution)
            .where(Distribution.notice_id == notice_id, Distribution.unit_id == unit_id)
            .values(acknowledged_at=utcnow(), first_opened_at=utcnow())
        )
        db.session.commit()


def _forward(app, notice_id: int, code: str, *, issue: bool = True) -> int:
    """The district bureau's forwarding notice: started by its secretary, then (issue) approved by its reviewer,
    signed by its signer and issued by its secretary, each a different person."""
    with app.app_context():
        draft = start_forward(_user(f"secretary_{code}"), db.session.get(Notice, notice_id))
        if issue:
            for role, action in (
                ("secretary", "submitted"),
                ("reviewer", "approved"),
                ("signer", "signed"),
                ("secretary", "issued"),
            ):
                advance(_user(f"{role}_{code}"), draft, action)
                db.session.commit()
        return draft.id


def _number(app, notice_id: int) -> str:
    with app.app_context():
        return db.session.get(Notice, notice_id).number


def _sent_units(app, notice_id: int) -> dict[int, str]:
    """The units a notice went to: id → name."""
    with app.app_context():
        return dict(
            db.session.execute(
                select(Unit.id, Unit.name)
                .join(Distribution, Distribution.unit_id == Unit.id)
                .where(Distribution.notice_id == notice_id)
            ).all()
        )


def _flash_error(response) -> str:
    match = re.search(r'<li class="flash flash-error"[^>]*>(.*?)</li>', response.get_data(as_text=True))
    return match.group(1) if match else ""


def _district_line(page: str, unit_id: int) -> str:
    match = re.search(rf'<tbody id="district-{unit_id}" class="district (district-\w+)">(.*?)</tbody>', page, re.S)
    assert match, f"no line for district {unit_id}"
    return match.group(1) + match.group(2)


def _in_chinese(app, text: str) -> str:
    """A word of the interface as a Chinese-speaking bureau sees it (the catalog's, or the English while it has
    none)."""
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        return gettext(text)


def _cascade(app, login, client):
    """The city's notice: 海勃湾区 acknowledged and forwarded it (one of its schools acknowledged that), 乌达区
    acknowledged it and is drafting its forwarding notice, 海南区 has not opened it."""
    notice_id = _city_notice(app)
    _acknowledged_by_district(app, notice_id, "haibowan")
    _acknowledged_by_district(app, notice_id, "wuda")
    forward_id = _forward(app, notice_id, "haibowan")
    draft_id = _forward(app, notice_id, "wuda", issue=False)
    login("clerk_no3_middle")
    school = client.get(f"/notices/{forward_id}").get_data(as_text=True)
    receipt = re.search(r'action="(/inbox/\d+/receipt)"', school).group(1)
    assert client.post(receipt).status_code == 303
    return notice_id, forward_id, draft_id


@sqlite_only
def test_the_city_sees_each_district_received_forwarded_with_its_number_or_not_and_its_schools_counts(
    login, client, app
):
    notice_id, forward_id, draft_id = _cascade(app, login, client)
    haibowan, wuda, hainan = (_unit_id(app, code) for code in ("haibowan", "wuda", "hainan"))
    schools = _sent_units(app, forward_id)
    assert len(schools) >= 2 and _unit_id(app, "no3_middle") in schools
    number = _number(app, forward_id)
    assert number.startswith("海教发〔")

    login("secretary")
    page = client.get(f"/notices/{notice_id}/receipts").get_data(as_text=True)
    assert 'id="cascade"' in page
    # The "not yet acknowledged" filter is about receipts still owed only.
    assert 'id="cascade"' not in client.get(f"/notices/{notice_id}/receipts?pending=1").get_data(as_text=True)

    line = _district_line(page, haibowan)
    assert line.startswith("district-forwarded")
    assert "badge-ok" in line.split('class="district-forwarded"')[0]  # received
    district_url = f"/notices/{notice_id}/receipts/districts/{haibowan}"
    assert f'<a href="{district_url}">{number}</a>' in line
    counts = re.search(r'<strong class="acknowledged">(\d+)</strong> / <span class="sent">(\d+)</span>', line)
    assert counts and counts.groups() == ("1", str(len(schools)))

    line = _district_line(page, wuda)
    assert line.startswith("district-forwarding") and "badge-ok" in line
    assert _in_chinese(app, "being forwarded") in line
    assert "乌达教发〔" not in line and f"/notices/{draft_id}" not in line  # a draft has no number, nor a link
    assert 'class="acknowledged"' not in line

    line = _district_line(page, hainan)
    assert line.startswith("district-not_forwarded") and "badge-ok" not in line
    assert _in_chinese(app, "not forwarded") in line

    # The number opens, from the city's side, the forwarding notice with its schools (the district's notice page
    # itself is the district's and its schools').
    shown = client.get(district_url)
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200 and number in html and "转发" in html
    assert all(name in html for name in schools.values())


@sqlite_only
def test_a_districts_schools_open_in_place_as_a_fragment_and_on_a_page_of_their_own(login, client, app):
    notice_id, forward_id, _draft_id = _cascade(app, login, client)
    haibowan = _unit_id(app, "haibowan")
    schools = _sent_units(app, forward_id)
    no3 = _unit_id(app, "no3_middle")
    login("secretary")
    page = client.get(f"/notices/{notice_id}/receipts").get_data(as_text=True)
    url = f"/notices/{notice_id}/receipts/districts/{haibowan}"
    # A link that works without JavaScript, and htmx puts the list in its place, kept when the table refreshes.
    holder = re.search(rf'<div id="district-units-{haibowan}" hx-preserve>(.*?)</div>', page, re.S).group(1)
    assert f'href="{url}"' in holder and f'hx-get="{url}"' in holder
    assert f'hx-target="#district-units-{haibowan}"' in holder

    fragment = client.get(url, headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith(f'<details id="district-units-{haibowan}"')
    assert all(name in html for name in schools.values())
    assert f'id="copy-{forward_id}-unit-{no3}" class="receipt-acknowledged' in html
    others = [unit_id for unit_id in schools if unit_id != no3]
    assert f'id="copy-{forward_id}-unit-{others[0]}" class="receipt-unread' in html

    whole = client.get(url).get_data(as_text=True)
    assert "<html" in whole and f'<details id="district-units-{haibowan}"' in whole
    assert all(name in whole for name in schools.values())

    # Only a district bureau the notice went to has a line to open.
    assert (
        client.get(f"/notices/{notice_id}/receipts/districts/{no3}", headers={"HX-Request": "true"}).status_code == 404
    )


@sqlite_only
def test_a_district_secretary_cannot_open_the_citys_receipt_view(login, client, app):
    notice_id, forward_id, _draft_id = _cascade(app, login, client)
    haibowan = _unit_id(app, "haibowan")
    login("secretary_haibowan")
    assert client.get(f"/notices/{notice_id}/receipts").status_code == 404
    assert client.get(f"/notices/{notice_id}/receipts/districts/{haibowan}").status_code == 404
    assert client.post(f"/notices/{notice_id}/reminders/forward", data={"scope": "all"}).status_code == 404
    # Its own forwarding notice's receipt view is the ordinary one: its schools.
    own = client.get(f"/notices/{forward_id}/receipts")
    assert own.status_code == 200
    assert all(name in own.get_data(as_text=True) for name in _sent_units(app, forward_id).values())
    # Another district bureau does not read 海勃湾区's forwarding notice.
    login("secretary_wuda")
    assert client.get(f"/notices/{forward_id}").status_code == 404


def _reminders_of(app, notice_id: int) -> dict[str, list[str]]:
    """unit code → the messages of its reminders about the notice, oldest first."""
    with app.app_context():
        rows = db.session.execute(
            select(Unit.code, Reminder.message)
            .join(Distribution, Distribution.id == Reminder.distribution_id)
            .join(Unit, Unit.id == Distribution.unit_id)
            .where(Distribution.notice_id == notice_id)
            .order_by(Reminder.id)
        ).all()
    found: dict[str, list[str]] = {}
    for code, message in rows:
        found.setdefault(code, []).append(message)
    return found


@sqlite_only
def test_the_city_reminds_a_district_that_acknowledged_and_has_not_forwarded_to_forward_it(login, client, app):
    notice_id, _forward_id, _draft_id = _cascade(app, login, client)
    haibowan, wuda, hainan = (_unit_id(app, code) for code in ("haibowan", "wuda", "hainan"))
    number = _number(app, notice_id)
    login("secretary")
    page = client.get(f"/notices/{notice_id}/receipts").get_data(as_text=True)
    form = page[page.index('id="forward-reminder-form"') :].split("</form>", 1)[0]
    offered = re.findall(r'name="forward-unit_ids" value="(\d+)"', form)
    assert offered == [str(wuda)]  # not 海勃湾区 (forwarded), nor 海南区 (not acknowledged yet)
    assert f'placeholder="请尽快转发{number}《{TITLE}》' in form

    sent = client.post(f"/notices/{notice_id}/reminders/forward", data={"scope": "all"})
    assert sent.status_code == 303 and sent.location.endswith("#remind-forward")
    assert _reminders_of(app, notice_id) == {
        "wuda": [f"请尽快转发{number}《{TITLE}》，并督促所属学校（单位）及时签收。"]
    }

    # Pressed again within the day: asked first, nothing sent; confirmed, sent.
    again = client.post(f"/notices/{notice_id}/reminders/forward", data={"scope": "all"})
    html = again.get_data(as_text=True)
    assert again.status_code == 200 and 'id="reminder-confirm"' in html
    confirm = html[html.index('id="reminder-confirm"') :].split("</div>", 1)[0]
    assert f'action="/notices/{notice_id}/reminders/forward"' in confirm and "乌达区教育局" in confirm
    assert len(_reminders_of(app, notice_id)["wuda"]) == 1
    assert (
        client.post(f"/notices/{notice_id}/reminders/forward", data={"scope": "all", "confirm": "1"}).status_code == 303
    )
    assert len(_reminders_of(app, notice_id)["wuda"]) == 2

    # The district's secretary finds it in their 待办 and on the notice, until the forwarding notice is issued.
    login("secretary_wuda")
    assert "请尽快转发" in client.get("/").get_data(as_text=True)
    assert "请尽快转发" in client.get(f"/notices/{notice_id}").get_data(as_text=True)
    with app.app_context():
        draft = db.session.scalar(
            select(Notice).where(Notice.forwards_id == notice_id, Notice.organ_id == wuda, Notice.status == "draft")
        )
        for role, action in (("secretary", "submitted"), ("reviewer", "approved"), ("signer", "signed")):
            advance(_user(f"{role}_wuda"), draft, action)
            db.session.commit()
        advance(_user("secretary_wuda"), draft, "issued")
    assert "请尽快转发" not in client.get("/").get_data(as_text=True)
    assert "请尽快转发" not in client.get(f"/notices/{notice_id}").get_data(as_text=True)

    # Chosen one by one: a district that has forwarded, or not acknowledged, is not reminded to forward.
    login("secretary")
    refused = client.post(
        f"/notices/{notice_id}/reminders/forward",
        data={"scope": "chosen", "forward-unit_ids": [haibowan, hainan]},
        follow_redirects=True,
    )
    assert refused.status_code == 200 and _flash_error(refused)
    assert set(_reminders_of(app, notice_id)) == {"wuda"}


@sqlite_only
def test_a_reminder_to_acknowledge_does_not_hold_back_the_reminder_to_forward(login, client, app):
    """海南区 is reminded to acknowledge, acknowledges an hour later, and is reminded to forward at once: the first
    reminder was about another thing."""
    notice_id = _city_notice(app)
    hainan = _unit_id(app, "hainan")
    login("secretary")
    data = {"scope": "chosen", "unit_ids": [hainan]}
    assert client.post(f"/notices/{notice_id}/reminders", data=data).status_code == 303
    with app.app_context():
        db.session.execute(update(Reminder).values(sent_at=utcnow() - timedelta(hours=1)))
        db.session.commit()
    _acknowledged_by_district(app, notice_id, "hainan")
    data = {"scope": "chosen", "forward-unit_ids": [hainan]}
    assert client.post(f"/notices/{notice_id}/reminders/forward", data=data).status_code == 303
    messages = _reminders_of(app, notice_id)["hainan"]
    assert len(messages) == 2 and messages[1].startswith("请尽快转发")


@sqlite_only
def test_the_city_cannot_remind_a_districts_schools(login, client, app):
    notice_id, forward_id, _draft_id = _cascade(app, login, client)
    schools = _sent_units(app, forward_id)
    waiting = [unit_id for unit_id in schools if unit_id != _unit_id(app, "no3_middle")]
    login("secretary")
    page = client.get(f"/notices/{notice_id}/receipts").get_data(as_text=True)
    forms = [
        page[page.index(f'id="{form}"') :].split("</form>", 1)[0] for form in ("reminder-form", "forward-reminder-form")
    ]
    offered = {int(v) for form in forms for v in re.findall(r'name="(?:forward-)?unit_ids" value="(\d+)"', form)}
    assert _unit_id(app, "hainan") in offered and _unit_id(app, "wuda") in offered
    assert not offered & set(schools)  # no box for a district's school, in either form

    # Posted all the same: refused, naming the school, and nobody is reminded.
    for url, field in (
        (f"/notices/{notice_id}/reminders", "unit_ids"),
        (f"/notices/{notice_id}/reminders/forward", "forward-unit_ids"),
    ):
        response = client.post(
            url, data={"scope": "chosen", field: [waiting[0], _unit_id(app, "hainan")]}, follow_redirects=True
        )
        assert response.status_code == 200 and schools[waiting[0]] in _flash_error(response)
    assert _reminders_of(app, notice_id) == {} and _reminders_of(app, forward_id) == {}
    # Nor through the district's own notice: not the city's.
    assert client.post(f"/notices/{forward_id}/reminders", data={"scope": "all"}).status_code == 404
    assert client.get(f"/notices/{forward_id}/receipts").status_code == 404
    assert _reminders_of(app, forward_id) == {}

    # The rule is the service's, whoever calls it.
    with app.app_context():
        notice = db.session.get(Notice, notice_id)
        mail = MailSettings(server="", port=25, sender="")
        for send in (remind, remind_to_forward):
            with pytest.raises(ReceiptError, match=schools[waiting[0]]):
                send(_user("secretary"), notice, [waiting[0]], "", mail=mail)
    assert _reminders_of(app, notice_id) == {}


@sqlite_only
def test_a_school_reads_the_original_on_its_forwarding_notice_and_acknowledges_only_the_forwarding_notice(
    login, client, app
):
    notice_id = _city_notice(app)
    _acknowledged_by_district(app, notice_id, "haibowan")
    forward_id = _forward(app, notice_id, "haibowan")
    login("clerk_no3_middle")
    forwarding = client.get(f"/notices/{forward_id}").get_data(as_text=True)
    assert f'href="/notices/{notice_id}"' in forwarding  # the original, linked
    assert 'id="receipt"' in forwarding and re.search(r'action="/inbox/\d+/receipt"', forwarding)

    original = client.get(f"/notices/{notice_id}")
    html = original.get_data(as_text=True)
    assert original.status_code == 200 and TITLE in html
    assert 'id="receipt"' not in html and "/receipt" not in html  # nothing to acknowledge on the original
    inbox = client.get("/inbox").get_data(as_text=True)
    assert f'href="/notices/{forward_id}"' in inbox and f'href="/notices/{notice_id}"' not in inbox
    with app.app_context():
        copies = db.session.scalar(
            select(func.count(Distribution.id)).where(
                Distribution.notice_id == notice_id, Distribution.unit_id == _unit_id(app, "no3_middle")
            )
        )
    assert copies == 0  # reading the original made no distribution of it to the school
