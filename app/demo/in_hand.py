"""The demo's notices as a bureau has them on an ordinary day: the issued ones long since received, two drafts on
their way through the office.

Without this every 2023 notice would be delivered on the day of `demo load` and waiting for every clerk's 签收, and
the reviewer's and the signer's 待办 would be empty. INVENTED FOR THE DEMO, like app/demo/progress.py.

- Receipts: each demo notice reaches its units when it was issued; nearly every unit acknowledged it within three
  working days (a 特急 one the same day, a 加急 one by the next), in office hours. Still waiting, reminded once by
  the issuing organ's secretary: 乌教发〔2024〕3号 at three of its ten units (海勃湾区教育局 among them) and
  乌教发〔2023〕82号 at 三中, so that the clerks the README names find a notice to acknowledge; and the district
  bureaus' forwarding notices of 75号 at a school or two each (app/demo/forwards.py), 三中 among them.
- Drafts: one submitted for 核稿, one approved and waiting for 签发, by the demo secretary.

Written once: a distribution whose delivery is already the notice's issue time is left alone, and a draft whose
title is already there is not made again, so a second `demo load` changes nothing.
"""

from __future__ import annotations

import zlib
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.auth.models import User
from app.core import time as clock
from app.core.access import Role
from app.core.time import CHINA
from app.demo import forwards
from app.extensions import db
from app.incoming.services import register_received
from app.notices.models import DocumentSeries, Notice, NoticeEvent, NoticeStatus
from app.notices.services import NoticeData, add_draft, imprint_organ_of
from app.receipts.models import Distribution, Reminder
from app.units.addressees import Addressees
from app.units.models import Unit, UnitGroup
from app.units.organs import organ_id_of

# Notice number → the codes of the units still to acknowledge it: 海勃湾区教育局 and 三中, whose clerks the README
# names, and two more of 3号's ten; and a school or two of each district that forwarded 75号.
STILL_WAITING = {
    "乌教发〔2023〕82号": {"no3_middle"},
    "乌教发〔2024〕3号": {"haibowan", "no10_middle", "youth_center"},
    **forwards.STILL_WAITING,
}
REMINDER_AFTER = timedelta(days=6)
# An urgent notice is acknowledged within its 签收期限: 特急 the day it came, 加急 by the next day.
URGENT_WITHIN_DAYS = {"特急": 1, "加急": 2}
REMINDER_TEXT = "请尚未签收的单位尽快完成签收，并按通知要求做好相关工作。"


def _spread(*parts: object) -> int:
    """A number from 0 to 999, the same for the same parts on every machine (Python's hash() is not): when a
    unit acknowledged."""
    return zlib.crc32("/".join(map(str, parts)).encode()) % 1000


def settle_receipts(secretary: User) -> None:
    """The demo's issued notices as received in their time: delivered at issue, acknowledged by the unit's clerk
    one to seventy hours later, but for those STILL_WAITING, which have one reminder from a secretary of the organ
    that issued the notice (`secretary` where it has none)."""
    people = [u for u in db.session.scalars(select(User).order_by(User.id)) if u.unit_id is not None]
    clerks = {u.unit_id: u for u in people if u.has_role(Role.clerk)}
    secretaries: dict[int | None, User] = {}
    for u in people:
        if u.has_role(Role.secretary):
            secretaries.setdefault(organ_id_of(u.unit_id), u)
    distributions = db.session.scalars(
        select(Distribution)
        .join(Distribution.notice)
        .where(Notice.status == NoticeStatus.issued.value, Notice.issued_at < Distribution.delivered_at)
        .options(joinedload(Distribution.notice), joinedload(Distribution.unit))
        .order_by(Distribution.id)
    ).all()
    for d in distributions:
        issued = d.notice.issued_at
        d.delivered_at = issued
        if d.unit.code in STILL_WAITING.get(d.notice.number, ()):
            sender = secretaries.get(d.notice.organ_id, secretary)
            d.reminders.append(Reminder(sent_by_id=sender.id, sent_at=issued + REMINDER_AFTER, message=REMINDER_TEXT))
            d.reminders_sent = 1
            continue
        clerk = clerks.get(d.unit_id)
        if clerk is None:
            continue  # a unit without an account in the demo: it has not acknowledged
        days = URGENT_WITHIN_DAYS.get(d.notice.urgency, 3)
        d.acknowledged_at = _office_hours_after(issued, _spread(d.notice.number, d.unit.code), days=days)
        d.first_opened_at = d.acknowledged_at - timedelta(minutes=12)
        d.first_opened_by_id = d.acknowledged_by_id = clerk.id


# Drafts in hand: (title, body, the status it has reached, the days since it was drafted)
DRAFTS = [
    (
        "乌海市教育局关于做好寒假期间中小学生安全教育工作的通知",
        "为切实做好寒假期间中小学生安全工作，确保广大学生度过一个平安、祥和的假期，现将有关事项通知如下。\n"
        "一、加强假期安全教育\n"
        "各学校要在放假前集中开展一次安全教育，重点做好防溺水、防火、防一氧化碳中毒、交通安全和网络安全教育。\n"
        "二、落实家校共育责任\n"
        "各学校要通过致家长一封信、家长会等形式，提醒家长切实履行监护责任。\n"
        "三、做好值班值守\n"
        "各单位要严格执行假期值班和领导带班制度，遇有重大情况及时报告市教育局安全稳定科。",
        NoticeStatus.in_review,
        2,
    ),
    (
        "乌海市教育局关于开展中小学教师信息技术应用能力提升培训的通知",
        "为贯彻落实教育数字化战略行动，提升全市中小学教师信息技术应用能力，市教育局决定组织开展专题培训。"
        "现将有关事项通知如下。\n"
        "一、培训对象\n"
        "全市中小学、幼儿园专任教师。\n"
        "二、培训内容\n"
        "数字教育资源应用、智慧课堂教学设计、人工智能辅助教学等。\n"
        "三、工作要求\n"
        "各区教育局、直属各学校要统筹安排，确保参训率达到100%，培训情况于学期末报市电化教育馆。",
        NoticeStatus.approved,
        5,
    ),
]
ADDRESSEE_GROUPS = ("各区教育局", "直属各学校（单位）")


def load_drafts(users: dict[str, User]) -> None:
    """The two drafts in hand, each with the history of the steps it has taken; those already there are left."""
    existing = set(db.session.scalars(select(Notice.title).where(Notice.status != NoticeStatus.issued.value)))
    groups = {g.name: g.id for g in db.session.scalars(select(UnitGroup).where(UnitGroup.name.in_(ADDRESSEE_GROUPS)))}
    addressees = Addressees.of(groups[name] for name in ADDRESSEE_GROUPS if name in groups)
    bureau = db.session.scalar(select(Unit).where(Unit.code == "bureau"))
    series = db.session.scalar(select(DocumentSeries).where(DocumentSeries.unit_id == bureau.id).limit(1))
    today = clock.today_in_china()
    for title, body, status, days_ago in DRAFTS:
        if title in existing:
            continue
        drafted = _at(today - timedelta(days=days_ago), 9)
        data = NoticeData(
            title=title,
            series_id=series.id,
            addressees=addressees,
            body=body,
            signature_organ=bureau.name,
            imprint_organ=imprint_organ_of(bureau),
        )
        notice = add_draft(users["secretary"], data)
        notice.created_at = notice.updated_at = drafted
        notice.events[0].created_at = drafted
        steps = [("secretary", "submitted", "", 1)]
        if status == NoticeStatus.approved:
            steps.append(("reviewer", "approved", "同意，请领导签发。", 26))
        for who, action, comment, hours in steps:
            notice.events.append(
                NoticeEvent(
                    actor_id=users[who].id, action=action, comment=comment, created_at=drafted + timedelta(hours=hours)
                )
            )
        notice.status = status.value
        notice.updated_at = notice.events[-1].created_at


def _office_hours_after(issued: datetime, spread: int, *, days: int = 3) -> datetime:
    """A moment of a working day's office hours (08:30–17:30, Beijing time) within `days` working days after
    `issued` (1: the same day)."""
    start = issued.astimezone(CHINA)
    for _ in range(2):
        day = start.date() + timedelta(days=spread % days)
        while day.weekday() >= 5:  # Saturday, Sunday
            day += timedelta(days=1)
        at = datetime.combine(day, time(8, 30), CHINA) + timedelta(minutes=spread * 7 % 540)
        if at > start + timedelta(minutes=30):
            return at
        spread += 1  # before the notice came out that day: the next day
    return start + timedelta(hours=3)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), CHINA)


def register_receipts() -> None:
    """Each unit's register (收文) holds the demo's notices it acknowledged, numbered in the order it acknowledged
    them: what 签收 does through the pages, done here for receipts the demo settles in their time."""
    acknowledged = db.session.scalars(
        select(Distribution)
        .where(Distribution.acknowledged_at.is_not(None), Distribution.acknowledged_by_id.is_not(None))
        .options(joinedload(Distribution.notice))
        .order_by(Distribution.acknowledged_at, Distribution.id)
    ).all()
    for d in acknowledged:
        register_received(d.notice, holder_id=d.unit_id, actor_id=d.acknowledged_by_id, received_at=d.acknowledged_at)
