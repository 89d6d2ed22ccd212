"""The demo as a bureau has it on an ordinary day (app/demo/in_hand.py): the 2023 notices received in 2023, a few
still waiting for the clerks the README names, and a draft in the reviewer's and the signer's 待办."""

from datetime import time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.core.time import CHINA
from app.extensions import db
from app.notices.models import Notice, NoticeStatus
from app.receipts.models import Distribution


def test_the_demo_notices_were_received_when_they_were_issued(demo):
    with demo.app_context():
        distributions = db.session.scalars(
            select(Distribution).options(
                joinedload(Distribution.notice).joinedload(Notice.series),
                joinedload(Distribution.unit),
                joinedload(Distribution.acknowledged_by),
            )
        ).all()
        reminders = [(r.sent_by.organ_id, d.notice.organ_id) for d in distributions for r in d.reminders]
    assert len(distributions) > 100
    assert all(d.delivered_at == d.notice.issued_at for d in distributions)
    acknowledged = [d for d in distributions if d.acknowledged_at is not None]
    # All but those STILL_WAITING (two city notices at four units, the district bureaus' forwarding notices of 75号
    # at three schools), each within a few days of the issue, in office hours on a working day, by the unit's own
    # clerk.
    assert len(acknowledged) == len(distributions) - 7
    assert all(timedelta(0) < d.acknowledged_at - d.notice.issued_at < timedelta(days=5) for d in acknowledged)
    local = [d.acknowledged_at.astimezone(CHINA) for d in acknowledged]
    assert all(time(8, 30) <= t.time() <= time(17, 30) and t.weekday() < 5 for t in local)
    assert all(d.acknowledged_by.unit_id == d.unit_id for d in acknowledged)
    waiting = {(d.notice.number, d.unit.code) for d in distributions if d.acknowledged_at is None}
    assert ("乌教发〔2023〕82号", "no3_middle") in waiting and ("乌教发〔2024〕3号", "haibowan") in waiting
    assert all(d.reminders_sent == 1 for d in distributions if d.acknowledged_at is None)
    # Each reminded by the organ that sent it: the city its own notices, a district bureau its forwarding notice.
    assert reminders and all(sender == organ for sender, organ in reminders)
    # The 特急 specimen (90号, sent in numbered copies) was acknowledged the day it came, within its 签收期限.
    urgent = [d for d in acknowledged if d.notice.urgency == "特急"]
    assert len(urgent) >= 10
    assert all(
        d.acknowledged_at.astimezone(CHINA).date() == d.notice.issued_at.astimezone(CHINA).date() for d in urgent
    )
    copies = sorted(d.copy_number for d in distributions if d.notice.urgency == "特急")
    assert copies == list(range(1, len(copies) + 1))  # each unit's copy numbered, none twice


def test_the_inbox_of_a_demo_clerk_shows_the_notices_own_dates_and_what_waits(demo, login, client):
    login("clerk_haibowan")
    home = client.get("/").get_data(as_text=True)
    assert 'id="todo-receipts-reminders"' in home and "乌海市教育局关于推进中小学智慧校园建设的通知" in home
    inbox = client.get("/inbox").get_data(as_text=True)
    assert "2023年8月15日" in inbox and "2024年1月15日" in inbox


def test_the_reviewer_and_the_signer_each_have_a_draft_waiting(demo, login, client):
    with demo.app_context():
        drafts = {n.status: n.title for n in db.session.scalars(select(Notice).where(Notice.status != "issued"))}
    assert set(drafts) == {NoticeStatus.in_review.value, NoticeStatus.approved.value}
    for username, group, status in [
        ("reviewer", "todo-notices-review", NoticeStatus.in_review),
        ("signer", "todo-notices-sign", NoticeStatus.approved),
    ]:
        login(username)
        home = client.get("/").get_data(as_text=True)
        assert f'id="{group}"' in home and drafts[status.value] in home, username
