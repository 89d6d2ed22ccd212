"""催办 twice in a day asks first; the clerk sees the latest reminder once; the inbox shows each notice's own date and
its 签收期限."""

import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from app.core.time import CHINA, utcnow
from app.extensions import db
from app.receipts.models import Distribution, Reminder
from app.units.models import Unit
from tests.helpers.notices import seed_notice
from tests.helpers.receipts import just_arrived

# The rules of reminding and what the pages show do not depend on the database: SQLite only.
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def _unit_id(app, code) -> int:
    with app.app_context():
        return db.session.scalar(select(Unit.id).where(Unit.code == code))


def _seed_id(app) -> int:
    """The seed notice, just arrived: nobody has acknowledged it, nobody has been reminded."""
    return just_arrived(app)


def _reminders(app, notice_id, unit_id=None) -> int:
    with app.app_context():
        query = (
            select(func.count(Reminder.id))
            .join(Distribution, Distribution.id == Reminder.distribution_id)
            .where(Distribution.notice_id == notice_id)
        )
        if unit_id is not None:
            query = query.where(Distribution.unit_id == unit_id)
        return db.session.scalar(query)


def test_a_second_reminder_within_24_hours_is_sent_only_when_confirmed(login, client, app):
    notice_id = _seed_id(app)
    wuda = _unit_id(app, "wuda")
    login("secretary")
    url = f"/notices/{notice_id}/reminders"
    assert client.post(url, data={"scope": "chosen", "unit_ids": [wuda], "message": "请尽快签收。"}).status_code == 303
    assert _reminders(app, notice_id) == 1

    asked = client.post(url, data={"scope": "all", "message": "再次提醒。"})
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and 'id="reminder-confirm"' in page
    confirm = page[page.index('id="reminder-confirm"') :].split("</div>", 1)[0]
    assert "乌达区教育局" in confirm and "海南区教育局" not in confirm  # who was reminded lately, and when
    assert re.search(r"\d{4}年\d+月\d+日 \d\d:\d\d</span> · ", confirm)
    assert '<input type="hidden" name="confirm" value="1">' in confirm
    assert '<input type="hidden" name="message" value="再次提醒。">' in confirm
    # The others may be reminded alone: every unit but 乌达 (20 sent, none acknowledged).
    others = re.findall(
        r'name="scope" value="chosen">\s*((?:<input type="hidden" name="unit_ids" value="\d+">)+)', confirm
    )
    assert len(others) == 1 and others[0].count("unit_ids") == 19 and f'value="{wuda}"' not in others[0]
    assert _reminders(app, notice_id) == 1  # nothing was sent

    sent = client.post(url, data={"scope": "all", "message": "再次提醒。", "confirm": "1"})
    assert sent.status_code == 303
    assert _reminders(app, notice_id) == 21 and _reminders(app, notice_id, wuda) == 2

    # A day later, no question.
    with app.app_context():
        db.session.execute(update(Reminder).values(sent_at=utcnow() - timedelta(hours=25)))
        db.session.commit()
    assert client.post(url, data={"scope": "chosen", "unit_ids": [wuda]}).status_code == 303
    assert _reminders(app, notice_id, wuda) == 3


def test_the_clerk_sees_the_latest_reminder_once_in_the_inbox_and_on_the_notice(login, client, app):
    notice_id = _seed_id(app)
    no1 = _unit_id(app, "no1_middle")
    login("secretary")
    url = f"/notices/{notice_id}/reminders"
    client.post(url, data={"scope": "chosen", "unit_ids": [no1], "message": "第一次催办：请签收。"})
    client.post(
        url, data={"scope": "chosen", "unit_ids": [no1], "message": "第二次催办：今天下班前签收。", "confirm": "1"}
    )
    assert _reminders(app, notice_id, no1) == 2

    login("clerk_no1_middle")
    inbox = client.get("/inbox").get_data(as_text=True)
    assert inbox.count('class="reminder-banner"') == 1
    assert "第二次催办" in inbox and "第一次催办" not in inbox
    page = client.get(f"/notices/{notice_id}").get_data(as_text=True)
    receipt = page[page.index('<section id="receipt"') :].split("</section>", 1)[0]
    assert receipt.count('class="reminder-banner"') == 1
    assert "第二次催办" in receipt and "第一次催办" not in receipt
    # Once acknowledged, the reminder has done its work.
    d_id = re.search(r'action="/inbox/(\d+)/receipt"', receipt).group(1)
    client.post(f"/inbox/{d_id}/receipt")
    assert "第二次催办" not in client.get(f"/notices/{notice_id}").get_data(as_text=True)
    assert "第二次催办" not in client.get("/inbox").get_data(as_text=True)


def _inbox_item(client, notice_id) -> str:
    page = client.get("/inbox").get_data(as_text=True)
    return re.search(
        rf'<li class="inbox-item([^"]*")>\s*<a class="inbox-title" href="/notices/{notice_id}">.*?</li>', page, re.S
    ).group(0)


def test_the_inbox_shows_the_notices_own_date_and_its_receipt_deadline(login, client, app):
    just_arrived(app)
    with app.app_context():
        notice = seed_notice()
        notice.ack_due_at = datetime(2023, 8, 20, 23, 59, 59, tzinfo=CHINA)  # long past
        db.session.execute(  # it reached the unit later than its date
            update(Distribution)
            .where(Distribution.notice_id == notice.id)
            .values(delivered_at=datetime(2023, 8, 17, 9, tzinfo=CHINA))
        )
        assert notice.signed_on == date(2023, 8, 15)
        notice_id = notice.id
        db.session.commit()
    login("clerk_no1_middle")
    item = _inbox_item(client, notice_id)
    assert '<span class="inbox-date">2023年8月15日</span>' in item and "2023年8月17日" not in item
    assert re.search(r'<span class="inbox-due overdue">[^<]*签收期限[^<]*2023年8月20日</span>', item)
    assert item.startswith('<li class="inbox-item inbox-unread overdue"')

    with app.app_context():
        seed_notice().ack_due_at = None
        db.session.commit()
    item = _inbox_item(client, notice_id)
    assert re.search(r'<span class="inbox-due">[^<]*签收期限[^<]*—</span>', item) and "overdue" not in item
