"""A clerk's 待办: the notices its unit has to acknowledge, those the bureau has chased (催办), counted once; 已办: the
notices the clerk acknowledged. As many queries for 300 schools and 1 000 notices as for 3 and 2."""

import re
from datetime import datetime

import pytest
from sqlalchemy import insert, select, update

from app.auth.models import User
from app.core.time import CHINA, utcnow
from app.demo.scale import add_notices, add_units
from app.extensions import db
from app.receipts.models import Distribution, Reminder
from app.units.models import Unit
from tests.helpers.accounts import DEMO_PASSWORD
from tests.helpers.notices import seed_notice
from tests.helpers.queries import counting_queries
from tests.helpers.receipts import just_arrived

# What the home page gathers does not depend on the database: SQLite only.
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def _group(page: str, key: str) -> str:
    """The html of one 待办 group of the home page, or '' when it is not shown."""
    match = re.search(rf'<section class="panel todo-group" id="todo-{key}">(.*?)</section>', page, re.S)
    return match.group(1) if match else ""


def _count(page: str, key: str) -> int:
    found = re.search(r'<span class="count">(\d+)</span>', _group(page, key))
    return int(found.group(1)) if found else 0


def _top_bar(client) -> int:
    counter = client.get("/todo/count", headers={"HX-Request": "true"}).get_data(as_text=True)
    return int(re.search(r'<span class="count">(\d+)</span>', counter).group(1))


def test_a_notice_waits_in_one_group_until_the_unit_acknowledges_it(login, client, app):
    just_arrived(app)
    with app.app_context():
        notice = seed_notice()
        notice.ack_due_at = datetime(2023, 8, 20, 23, 59, 59, tzinfo=CHINA)
        title, notice_id = notice.title, notice.id
        no1 = db.session.scalar(select(Unit.id).where(Unit.code == "no1_middle"))
        db.session.commit()
    login("clerk_no1_middle")
    home = client.get("/").get_data(as_text=True)
    waiting = _group(home, "receipts-unacknowledged")
    assert title in waiting and _group(home, "receipts-reminders") == ""
    item = re.search(rf'<li class="([^"]*)">\s*<a href="/notices/{notice_id}#receipt">', waiting)
    assert item and item.group(1) == "overdue" and "签收期限" in waiting and "2023年8月20日" in waiting
    unacknowledged, total = _count(home, "receipts-unacknowledged"), _top_bar(client)

    login("secretary")
    client.post(
        f"/notices/{notice_id}/reminders", data={"scope": "chosen", "unit_ids": [no1], "message": "请今天签收。"}
    )
    login("clerk_no1_middle")
    home = client.get("/").get_data(as_text=True)
    reminded = _group(home, "receipts-reminders")
    assert title in reminded and "请今天签收。" in reminded and 'class="badge' in reminded
    assert title not in _group(home, "receipts-unacknowledged")  # counted once, as reminded
    assert _count(home, "receipts-unacknowledged") == unacknowledged - 1 and _count(home, "receipts-reminders") == 1
    assert _top_bar(client) == total

    with app.app_context():
        distribution_id = db.session.scalar(
            select(Distribution.id).where(Distribution.notice_id == notice_id, Distribution.unit_id == no1)
        )
    response = client.post(f"/inbox/{distribution_id}/receipt", headers={"HX-Request": "true"})
    assert "todo-changed" in response.headers["HX-Trigger"]
    home = client.get("/").get_data(as_text=True)
    assert title not in _group(home, "receipts-reminders") + _group(home, "receipts-unacknowledged")
    assert _top_bar(client) == total - 1
    done = home.split('id="done-heading"', 1)[1]
    assert f'<a href="/notices/{notice_id}">{title}</a>' in done


def test_the_bureau_has_no_receipts_to_give(login, client, app):
    login("secretary")
    home = client.get("/").get_data(as_text=True)
    assert 'id="todo-receipts-' not in home


def _home_queries(app, client, login, username) -> int:
    login(username)
    client.get("/")  # a first request may record the session's use; count a plain one
    with counting_queries(app) as statements:
        assert client.get("/").status_code == 200
    return len([s for s in statements if not s.startswith("BEGIN")])


def _remind_and_acknowledge(app, username: str, reminded: int, acknowledged: int) -> None:
    """Reminders on `reminded` of the clerk's notices waiting (not reminded yet), and `acknowledged` more of them
    acknowledged by the clerk."""
    with app.app_context():
        clerk = db.session.scalar(select(User).where(User.username == username))
        secretary = db.session.scalar(select(User).where(User.username == "secretary"))
        waiting = db.session.scalars(
            select(Distribution.id)
            .where(
                Distribution.unit_id == clerk.unit_id,
                Distribution.acknowledged_at.is_(None),
                Distribution.reminders_sent == 0,
            )
            .order_by(Distribution.id)
        ).all()
        chased, done = waiting[:reminded], waiting[reminded : reminded + acknowledged]
        now = utcnow()
        db.session.execute(
            insert(Reminder),
            [{"distribution_id": d, "sent_by_id": secretary.id, "sent_at": now, "message": "请签收。"} for d in chased],
        )
        db.session.execute(update(Distribution).where(Distribution.id.in_(chased)).values(reminders_sent=1))
        db.session.execute(
            update(Distribution)
            .where(Distribution.id.in_(done))
            .values(acknowledged_at=now, acknowledged_by_id=clerk.id, first_opened_at=now)
        )
        db.session.commit()


def test_a_clerks_home_page_runs_as_many_queries_for_300_units_and_1000_notices_as_for_3_and_2(login, client, app):
    clerk = "clerk_scale_0001"
    with app.app_context():
        add_units(3, DEMO_PASSWORD)
        add_notices(4)
        db.session.commit()
    _remind_and_acknowledge(app, clerk, reminded=1, acknowledged=1)
    small = _home_queries(app, client, login, clerk)
    page = client.get("/").get_data(as_text=True)
    assert _count(page, "receipts-reminders") == 1 and _count(page, "receipts-unacknowledged") == 2
    with app.app_context():
        add_units(297, DEMO_PASSWORD)
        add_notices(1000)
        db.session.commit()
    _remind_and_acknowledge(app, clerk, reminded=300, acknowledged=200)
    large = _home_queries(app, client, login, clerk)
    page = client.get("/").get_data(as_text=True)
    assert _count(page, "receipts-reminders") == 301 and _count(page, "receipts-unacknowledged") == 1004 - 301 - 201
    assert large == small
